// Conversions sprig relies on: strval (fmt's %v with Stringer/error/[]byte cases), strconv.Quote,
// strconv's integer and float parsers (Go syntax: base prefixes, underscores, inf/nan), and the
// spf13/cast v1.10 conversions (ToInt64, ToInt, ToFloat64) that swallow errors as 0.

import { sprint } from '../fmt.js';
export { quote as goQuote } from '../fmt.js';
import { bytesToBin, GoFloat32, GoInt, GoObject, type Value } from '../values.js';
import type { FuncEntry } from './sprig-types.js';

/** sprig's strval: strings and []byte as they are, errors and Stringers by their text, else %v. */
export function strval(v: Value): string {
  if (typeof v === 'string') return v;
  if (v instanceof Uint8Array) return bytesToBin(v);
  return sprint(v);
}

/** sprig's strslice (toStrings, join, sortAlpha): list elements through strval, nils dropped. */
export function strslice(v: Value): string[] {
  if (Array.isArray(v)) return v.filter((x) => x !== null && x !== undefined).map(strval);
  if (v instanceof Uint8Array) return Array.from(v, (b) => strval(new GoInt('uint8', BigInt(b))));
  if (v === null || v === undefined) return [];
  return [strval(v)];
}

// ---- strconv parsers ------------------------------------------------------------------------------

const lower = (c: string): string => c.toLowerCase();

/** strconv's underscoreOK: underscores only between digits (a base prefix counts as a digit). */
function underscoreOK(s: string): boolean {
  let saw = '^';
  let i = 0;
  if (s.length >= 1 && (s[0] === '-' || s[0] === '+')) s = s.slice(1);
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(lower(s[1]!))) {
    i = 2;
    saw = '0';
    hex = lower(s[1]!) === 'x';
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= '0' && c <= '9') || (hex && lower(c) >= 'a' && lower(c) <= 'f')) {
      saw = '0';
      continue;
    }
    if (c === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** strconv.ParseUint(s, base, 64); undefined on a syntax or range error. */
export function parseUint(s: string, base: number): bigint | undefined {
  if (s === '') return undefined;
  const s0 = s;
  const base0 = base === 0;
  if (base === 0) {
    base = 10;
    if (s[0] === '0') {
      const p = s.length >= 3 ? lower(s[1]!) : '';
      if (p === 'b') [base, s] = [2, s.slice(2)];
      else if (p === 'o') [base, s] = [8, s.slice(2)];
      else if (p === 'x') [base, s] = [16, s.slice(2)];
      else [base, s] = [8, s.slice(1)];
    }
  }
  let n = 0n;
  let underscores = false;
  const b = BigInt(base);
  for (const c of s) {
    let d: number;
    if (c === '_' && base0) {
      underscores = true;
      continue;
    } else if (c >= '0' && c <= '9') d = c.charCodeAt(0) - 48;
    else if (lower(c) >= 'a' && lower(c) <= 'z') d = lower(c).charCodeAt(0) - 87;
    else return undefined;
    if (d >= base) return undefined;
    n = n * b + BigInt(d);
    if (n > 0xffffffffffffffffn) return undefined;
  }
  if (underscores && !underscoreOK(s0)) return undefined;
  return n;
}

/** strconv.ParseInt(s, base, 64); undefined on error. */
export function parseInt64(s: string, base: number): bigint | undefined {
  if (s === '') return undefined;
  let neg = false;
  if (s[0] === '+') s = s.slice(1);
  else if (s[0] === '-') {
    neg = true;
    s = s.slice(1);
  }
  const un = parseUint(s, base);
  if (un === undefined) return undefined;
  if (!neg && un >= 1n << 63n) return undefined;
  if (neg && un > 1n << 63n) return undefined;
  return neg ? -un : un;
}

/** strconv.Atoi as sprig uses it (error ignored): 0 on a syntax error, clamped on overflow. */
export function atoi(s: string): bigint {
  if (!/^[+-]?[0-9]+$/.test(s)) return 0n;
  const n = BigInt(s);
  const max = (1n << 63n) - 1n;
  return n > max ? max : n < -max - 1n ? -max - 1n : n;
}

const SPECIAL = /^([+-]?)(inf|infinity|nan)$/i;

/** strconv.ParseFloat(s, 64); undefined on a syntax or range (overflow) error. */
export function parseFloat64(s: string): number | undefined {
  const sp = SPECIAL.exec(s);
  if (sp) {
    if (lower(sp[2]!) === 'nan') return sp[1] === '' ? NaN : undefined;
    return sp[1] === '-' ? -Infinity : Infinity;
  }
  const hexM = /^([+-]?)0[xX]([0-9a-fA-F_]*)(?:\.([0-9a-fA-F_]*))?(?:[pP]([+-]?[0-9_]+))?$/.exec(s);
  const decM = hexM ? null : /^([+-]?)([0-9_]*)(?:\.([0-9_]*))?(?:[eE]([+-]?[0-9_]+))?$/.exec(s);
  const m = hexM ?? decM;
  if (!m) return undefined;
  const hex = hexM !== null;
  const [, sign, intPart = '', fracPart, expPart] = m;
  const digits = (intPart + (fracPart ?? '')).replace(/_/g, '');
  if (digits === '') return undefined;
  if (hex && expPart === undefined) return undefined;
  if (expPart !== undefined && !/^[+-]?[0-9]/.test(expPart)) return undefined;
  if (s.includes('_') && !underscoreOK(s)) return undefined;
  let x: number;
  if (hex) {
    const mant = BigInt('0x' + digits);
    const exp = Number((expPart ?? '0').replace(/_/g, '')) - 4 * (fracPart ?? '').replace(/_/g, '').length;
    x = Number(mant) * Math.pow(2, exp);
  } else {
    x = Number(
      (intPart.replace(/_/g, '') || '0') +
        '.' +
        (fracPart ?? '').replace(/_/g, '') +
        'e' +
        (expPart ?? '0').replace(/_/g, ''),
    );
  }
  if (!Number.isFinite(x)) return undefined;
  return sign === '-' ? -x : x;
}

// ---- spf13/cast -------------------------------------------------------------------------------------

const MIN_INT64 = -(1n << 63n);

/** Go's float64 -> int64 conversion on amd64: truncation; NaN and out-of-range give MinInt64. */
export function floatToInt64(x: number): bigint {
  if (Number.isNaN(x) || x >= 9223372036854775808 || x < -9223372036854775808) return MIN_INT64;
  return BigInt(Math.trunc(x));
}

/** cast's trimDecimal: "12.50" -> "12" when the string is a plain decimal number. */
function trimDecimal(s: string): string {
  if (!s.includes('.')) return s;
  const m = /^([-+]?[0-9]*)(\.[0-9]*)?$/.exec(s);
  if (!m) return s;
  const head = m[1]!;
  if (head === '-' || head === '+') return head + '0';
  return head === '' ? '0' : head;
}

/** cast.ToInt64 (and cast.ToInt on 64-bit): 0 whenever the conversion fails. */
export function castToInt64(v: Value): bigint {
  if (v === null || v === undefined) return 0n;
  if (typeof v === 'bigint') return BigInt.asIntN(64, v);
  if (v instanceof GoInt) return BigInt.asIntN(64, v.v);
  if (v instanceof GoObject && v.underlyingInt() !== undefined) return BigInt.asIntN(64, v.underlyingInt()!); // cast v1.10's resolveAlias
  if (typeof v === 'number') return floatToInt64(v);
  if (v instanceof GoFloat32) return floatToInt64(v.v);
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'string') {
    if (v === '') return 0n;
    return parseInt64(trimDecimal(v), 0) ?? 0n;
  }
  return 0n;
}

/** cast.ToFloat64: 0 whenever the conversion fails. */
export function castToFloat64(v: Value): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (v instanceof GoInt) return Number(v.v);
  if (v instanceof GoObject && v.underlyingInt() !== undefined) return Number(v.underlyingInt()!);
  if (v instanceof GoFloat32) return v.v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'string') {
    if (v === '') return 0;
    return parseFloat64(v) ?? 0;
  }
  return 0;
}

export const convFuncs: FuncEntry[] = [
  { name: 'atoi', sig: 'func(string) int', fn: atoi },
  { name: 'int64', sig: 'func(interface {}) int64', fn: castToInt64 },
  { name: 'int', sig: 'func(interface {}) int', fn: castToInt64 },
  { name: 'float64', sig: 'func(interface {}) float64', fn: castToFloat64 },
  {
    name: 'toDecimal',
    sig: 'func(interface {}) int64',
    fn: (v: Value) => parseInt64(sprint(v), 8) ?? 0n,
  },
  { name: 'toString', sig: 'func(interface {}) string', fn: strval },
  { name: 'toStrings', sig: 'func(interface {}) []string', fn: strslice },
];

