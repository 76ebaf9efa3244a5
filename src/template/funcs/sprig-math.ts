// Sprig's integer and float arithmetic (numeric.go, functions.go). Integer maths is Go int64
// (wrapping, divide-by-zero panics); the *f functions go through shopspring/decimal exactly as sprig
// does: each operand becomes the shortest decimal of its float64, sums and products are exact, a
// quotient is rounded half away from zero to 16 places, and the result is the nearest float64.

import { randomInt } from 'node:crypto';
import { type Value } from '../values.js';
import { castToFloat64, castToInt64 } from './sprig-conv.js';
import type { FuncEntry } from './sprig-types.js';

const i64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const num = (n: bigint): number => Number(n);

function goDiv(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new Error('runtime error: integer divide by zero');
  return i64(a / b);
}
function goMod(a: bigint, b: bigint): bigint {
  if (b === 0n) throw new Error('runtime error: integer divide by zero');
  return a % b;
}

// ---- decimal ----------------------------------------------------------------------------------------

interface Dec {
  m: bigint; // value = m * 10^e
  e: number;
}

function goFloatText(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  return x > 0 ? '+Inf' : '-Inf';
}

/** decimal.NewFromFloat: the shortest decimal that round-trips to x. */
function decFromFloat(x: number): Dec {
  if (!Number.isFinite(x)) throw new Error(`Cannot create a Decimal from ${goFloatText(x)}`);
  if (x === 0) return { m: 0n, e: 0 };
  const [mant, exp] = x.toExponential().split('e') as [string, string];
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  const m = BigInt(digits) * (neg ? -1n : 1n);
  return { m, e: Number(exp) - (digits.length - 1) };
}

const pow10 = (n: number): bigint => 10n ** BigInt(n);

function align(a: Dec, b: Dec): [bigint, bigint, number] {
  const e = Math.min(a.e, b.e);
  return [a.m * pow10(a.e - e), b.m * pow10(b.e - e), e];
}

const decAdd = (a: Dec, b: Dec): Dec => {
  const [x, y, e] = align(a, b);
  return { m: x + y, e };
};
const decSub = (a: Dec, b: Dec): Dec => {
  const [x, y, e] = align(a, b);
  return { m: x - y, e };
};
const decMul = (a: Dec, b: Dec): Dec => ({ m: a.m * b.m, e: a.e + b.e });

const PRECISION = 16;

/** decimal.Div: DivRound(d2, 16) (truncate to 16 places, then round half away from zero). */
function decDiv(a: Dec, b: Dec): Dec {
  if (b.m === 0n) throw new Error('decimal division by 0');
  // q = a/b * 10^16 as an exact fraction num/den.
  const k = a.e - b.e + PRECISION;
  let n = a.m;
  let d = b.m;
  if (k >= 0) n *= pow10(k);
  else d *= pow10(-k);
  let q = n / d;
  const r = n - q * d;
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  if (2n * abs(r) >= abs(d)) q += (a.m < 0n) !== (b.m < 0n) ? -1n : 1n;
  return { m: q, e: -PRECISION };
}

/** decimal.Float64: the float64 nearest to the exact value. */
const decToFloat = (d: Dec): number => Number(`${d.m}e${d.e}`);

function decimalOp(first: Value, rest: Value[], op: (a: Dec, b: Dec) => Dec): number {
  let acc = decFromFloat(castToFloat64(first));
  for (const x of rest) acc = op(acc, decFromFloat(castToFloat64(x)));
  return decToFloat(acc);
}

// ---- ranges -----------------------------------------------------------------------------------------

export function untilStep(start: bigint, stop: bigint, step: bigint): bigint[] {
  const v: bigint[] = [];
  if (stop < start) {
    if (step >= 0n) return v;
    for (let i = start; i > stop; i += step) v.push(i);
    return v;
  }
  if (step <= 0n) return v;
  for (let i = start; i < stop; i += step) v.push(i);
  return v;
}

function seq(...params: bigint[]): string {
  const join = (xs: bigint[]): string => xs.join(' ');
  switch (params.length) {
    case 1: {
      const end = params[0]!;
      const inc = end < 1n ? -1n : 1n;
      return join(untilStep(1n, end + inc, inc));
    }
    case 2: {
      const [start, end] = params as [bigint, bigint];
      const step = end < start ? -1n : 1n;
      return join(untilStep(start, end + step, step));
    }
    case 3: {
      const [start, step, end] = params as [bigint, bigint, bigint];
      let inc = 1n;
      if (end < start) {
        inc = -1n;
        if (step > 0n) return '';
      }
      return join(untilStep(start, end + inc, step));
    }
    default:
      return '';
  }
}

/** sprig's round: math.Pow/Modf/Ceil/Floor on float64, as written in numeric.go. */
function round(a: Value, p: bigint, ...rOpt: number[]): number {
  const roundOn = rOpt.length > 0 ? rOpt[0]! : 0.5;
  const val = castToFloat64(a);
  const pow = Math.pow(10, Number(p));
  const digit = pow * val;
  const frac = Number.isFinite(digit) ? digit - Math.trunc(digit) : Number.isNaN(digit) ? NaN : 0;
  const r = frac >= roundOn ? Math.ceil(digit) : Math.floor(digit);
  return r / pow;
}

export const mathFuncs: FuncEntry[] = [
  { name: 'seq', sig: 'func(...int) string', fn: seq },
  {
    name: 'until',
    sig: 'func(int) []int',
    fn: (count: bigint) => untilStep(0n, count, count < 0n ? -1n : 1n),
  },
  { name: 'untilStep', sig: 'func(int, int, int) []int', fn: untilStep },
  { name: 'add1', sig: 'func(interface {}) int64', fn: (i: Value) => i64(castToInt64(i) + 1n) },
  {
    name: 'add',
    sig: 'func(...interface {}) int64',
    fn: (...vs: Value[]) => vs.reduce<bigint>((a, b) => i64(a + castToInt64(b)), 0n),
  },
  { name: 'sub', sig: 'func(interface {}, interface {}) int64', fn: (a: Value, b: Value) => i64(castToInt64(a) - castToInt64(b)) },
  { name: 'div', sig: 'func(interface {}, interface {}) int64', fn: (a: Value, b: Value) => goDiv(castToInt64(a), castToInt64(b)) },
  { name: 'mod', sig: 'func(interface {}, interface {}) int64', fn: (a: Value, b: Value) => goMod(castToInt64(a), castToInt64(b)) },
  {
    name: 'mul',
    sig: 'func(interface {}, ...interface {}) int64',
    fn: (a: Value, ...vs: Value[]) => vs.reduce<bigint>((acc, b) => i64(acc * castToInt64(b)), castToInt64(a)),
  },
  {
    name: 'randInt',
    sig: 'func(int, int) int',
    fn: (min: bigint, max: bigint) => {
      const n = max - min;
      if (n <= 0n) throw new Error('invalid argument to Intn');
      // crypto.randomInt takes safe integers; wider ranges are drawn in two halves.
      if (n <= BigInt(Number.MAX_SAFE_INTEGER)) return BigInt(randomInt(num(n))) + min;
      const hi = BigInt(randomInt(2 ** 31)) << 32n;
      return ((hi | BigInt(randomInt(2 ** 32 - 1))) % n) + min;
    },
    nondeterministic: true,
  },
  { name: 'add1f', sig: 'func(interface {}) float64', fn: (i: Value) => decimalOp(i, [1n], decAdd) },
  { name: 'addf', sig: 'func(...interface {}) float64', fn: (...vs: Value[]) => decimalOp(0, vs, decAdd) },
  { name: 'subf', sig: 'func(interface {}, ...interface {}) float64', fn: (a: Value, ...vs: Value[]) => decimalOp(a, vs, decSub) },
  { name: 'divf', sig: 'func(interface {}, ...interface {}) float64', fn: (a: Value, ...vs: Value[]) => decimalOp(a, vs, decDiv) },
  { name: 'mulf', sig: 'func(interface {}, ...interface {}) float64', fn: (a: Value, ...vs: Value[]) => decimalOp(a, vs, decMul) },
  { name: 'biggest', sig: 'func(interface {}, ...interface {}) int64', fn: maxInt },
  { name: 'max', sig: 'func(interface {}, ...interface {}) int64', fn: maxInt },
  { name: 'min', sig: 'func(interface {}, ...interface {}) int64', fn: minInt },
  {
    name: 'maxf',
    sig: 'func(interface {}, ...interface {}) float64',
    fn: (a: Value, ...vs: Value[]) => vs.reduce<number>((acc, b) => Math.max(acc, castToFloat64(b)), castToFloat64(a)),
  },
  {
    name: 'minf',
    sig: 'func(interface {}, ...interface {}) float64',
    fn: (a: Value, ...vs: Value[]) => vs.reduce<number>((acc, b) => Math.min(acc, castToFloat64(b)), castToFloat64(a)),
  },
  { name: 'ceil', sig: 'func(interface {}) float64', fn: (a: Value) => Math.ceil(castToFloat64(a)) },
  { name: 'floor', sig: 'func(interface {}) float64', fn: (a: Value) => Math.floor(castToFloat64(a)) },
  { name: 'round', sig: 'func(interface {}, int, ...float64) float64', fn: round },
];

function maxInt(a: Value, ...vs: Value[]): bigint {
  let acc = castToInt64(a);
  for (const v of vs) {
    const b = castToInt64(v);
    if (b > acc) acc = b;
  }
  return acc;
}

function minInt(a: Value, ...vs: Value[]): bigint {
  let acc = castToInt64(a);
  for (const v of vs) {
    const b = castToInt64(v);
    if (b < acc) acc = b;
  }
  return acc;
}
