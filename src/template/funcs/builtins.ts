// Go text/template's builtin functions (and, or, not, len, index, slice, print*, html, js, urlquery,
// call, eq/ne/lt/le/gt/ge) with Go's rules and error texts. Parameters typed reflect.Value receive
// executor values: `undefined` is an invalid value, `null` a nil interface.
import { sprint, sprintf, sprintln } from '../fmt.js';
import type { XV } from '../exec.js';
import { GoFloat32, GoInt, GoObject, type Value, decodeRuneAt, elemType, goTypeName, isNilContainer, isTrue, zeroValue } from '../values.js';

export interface BuiltinEntry {
  name: string;
  sig: string;
  fn: (...args: any[]) => unknown;
  builtin: true;
}

/** indirectInterface: a nil interface is an invalid value. */
function iface(v: XV): XV {
  return v === null ? undefined : v;
}

// ---- comparisons --------------------------------------------------------------------------------

type Kind = 'invalid' | 'bool' | 'int' | 'uint' | 'float' | 'string';

function basicKind(v: XV): Kind {
  if (v === undefined || v === null) return 'invalid';
  switch (typeof v) {
    case 'boolean':
      return 'bool';
    case 'bigint':
      return 'int';
    case 'number':
      return 'float';
    case 'string':
      return 'string';
  }
  if (v instanceof GoInt) return v.kind.startsWith('u') ? 'uint' : 'int';
  if (v instanceof GoFloat32) return 'float';
  if (v instanceof GoObject && v.underlyingInt() !== undefined) return 'int'; // time.Month, time.Duration: intKind
  return 'invalid';
}

function intOf(v: XV): bigint {
  return typeof v === 'bigint' ? v : v instanceof GoObject ? v.underlyingInt()! : (v as GoInt).v;
}

function floatOf(v: XV): number {
  return typeof v === 'number' ? v : (v as GoFloat32).v;
}

const errBadComparisonType = 'invalid type for comparison';
const errBadComparison = 'incompatible types for comparison';
const errNoComparison = 'missing argument for comparison';

function reflectKind(v: XV): string {
  if (v === undefined) return 'invalid';
  if (v === null) return 'interface';
  if (v instanceof Uint8Array || Array.isArray(v)) return 'slice';
  if (v instanceof Map) return 'map';
  if (v instanceof GoObject) return v.goKind();
  return typeof v;
}

function eq(arg1: XV, ...arg2: XV[]): boolean {
  arg1 = iface(arg1);
  if (arg2.length === 0) throw new Error(errNoComparison);
  const k1 = basicKind(arg1);
  for (let arg of arg2) {
    arg = iface(arg);
    const k2 = basicKind(arg);
    let truth = false;
    if (k1 !== k2) {
      if (k1 === 'int' && k2 === 'uint') truth = intOf(arg1) >= 0n && intOf(arg1) === intOf(arg);
      else if (k1 === 'uint' && k2 === 'int') truth = intOf(arg) >= 0n && intOf(arg1) === intOf(arg);
      else if (arg1 !== undefined && arg !== undefined) throw new Error(errBadComparison);
    } else {
      switch (k1) {
        case 'bool':
        case 'string':
          truth = arg1 === arg;
          break;
        case 'int':
        case 'uint':
          truth = intOf(arg1) === intOf(arg);
          break;
        case 'float':
          truth = floatOf(arg1) === floatOf(arg);
          break;
        default: {
          let ka = reflectKind(arg1);
          let kb = reflectKind(arg);
          if (ka === 'invalid') ka = kb;
          if (kb === 'invalid') kb = ka;
          if (ka !== kb)
            throw new Error(`non-comparable types <value>: ${goTypeName(arg1 ?? null)}, ${goTypeName(arg ?? null)}: <value>`);
          // Go's isNil: an invalid value, or a nil map or slice.
          const nil1 = arg1 === undefined || isNilContainer(arg1);
          const nil2 = arg === undefined || isNilContainer(arg);
          if (nil1 || nil2) truth = nil1 === nil2;
          else {
            if (arg instanceof Uint8Array || Array.isArray(arg) || arg instanceof Map)
              throw new Error(`non-comparable type <value>: ${goTypeName(arg)}`);
            truth = arg1 === arg;
          }
        }
      }
    }
    if (truth) return true;
  }
  return false;
}

function lt(arg1: XV, arg2: XV): boolean {
  arg1 = iface(arg1);
  const k1 = basicKind(arg1);
  if (k1 === 'invalid') throw new Error(errBadComparisonType);
  arg2 = iface(arg2);
  const k2 = basicKind(arg2);
  if (k2 === 'invalid') throw new Error(errBadComparisonType);
  if (k1 !== k2) {
    if (k1 === 'int' && k2 === 'uint') return intOf(arg1) < 0n || intOf(arg1) < intOf(arg2);
    if (k1 === 'uint' && k2 === 'int') return intOf(arg2) >= 0n && intOf(arg1) < intOf(arg2);
    throw new Error(errBadComparison);
  }
  switch (k1) {
    case 'bool':
      throw new Error(errBadComparisonType);
    case 'float':
      return floatOf(arg1) < floatOf(arg2);
    case 'int':
    case 'uint':
      return intOf(arg1) < intOf(arg2);
    default:
      return (arg1 as string) < (arg2 as string);
  }
}

function le(a: XV, b: XV): boolean {
  return lt(a, b) || eq(a, b);
}

// ---- index and slice ----------------------------------------------------------------------------

function indexArg(index: XV, cap: number): number {
  let x: bigint;
  if (typeof index === 'bigint') x = index;
  else if (index instanceof GoInt) x = index.v;
  else if (index === undefined || index === null) throw new Error('cannot index slice/array with nil');
  else throw new Error(`cannot index slice/array with type ${goTypeName(index)}`);
  if (x < 0n || x > BigInt(cap)) throw new Error(`index out of range: ${x}`);
  return Number(x);
}

function index(item: XV, ...indexes: XV[]): XV {
  item = iface(item);
  if (item === undefined) throw new Error('index of untyped nil');
  for (let idx of indexes) {
    idx = iface(idx);
    if (item === null || item === undefined) throw new Error('index of nil pointer');
    if (typeof item === 'string') {
      const x = indexArg(idx, item.length);
      if (x === item.length) throw new Error('reflect: string index out of range');
      item = new GoInt('uint8', BigInt(item.charCodeAt(x)));
    } else if (item instanceof Uint8Array) {
      const x = indexArg(idx, item.length);
      if (x === item.length) throw new Error('reflect: slice index out of range');
      item = new GoInt('uint8', BigInt(item[x]!));
    } else if (Array.isArray(item)) {
      const x = indexArg(idx, item.length);
      if (x === item.length) throw new Error('reflect: slice index out of range');
      item = item[x] ?? null;
    } else if (item instanceof Map) {
      if (idx === undefined) throw new Error('value is nil; should be of type string');
      if (typeof idx !== 'string') throw new Error(`value has type ${goTypeName(idx)}; should be string`);
      const x = item.get(idx);
      item = x !== undefined ? x : zeroValue(elemType(item));
    } else {
      throw new Error(`can't index item of type ${indirectType(item)}`);
    }
  }
  return item;
}

function sliceBuiltin(item: XV, ...indexes: XV[]): XV {
  item = iface(item);
  if (item === undefined) throw new Error('slice of untyped nil');
  if (indexes.length > 3) throw new Error(`too many slice indexes: ${indexes.length}`);
  let cap: number;
  if (typeof item === 'string') {
    if (indexes.length === 3) throw new Error('cannot 3-index slice a string');
    cap = item.length;
  } else if (Array.isArray(item) || item instanceof Uint8Array) cap = item.length;
  else throw new Error(`can't slice item of type ${indirectType(item)}`);
  const idx = [0, item.length];
  for (let i = 0; i < indexes.length; i++) {
    const x = indexArg(iface(indexes[i]), cap);
    idx[i] = x;
  }
  if (idx[0]! > idx[1]!) throw new Error(`invalid slice index: ${idx[0]} > ${idx[1]}`);
  if (typeof item === 'string') return item.slice(idx[0], idx[1]);
  if (indexes.length < 3) return item.slice(idx[0], idx[1]) as Value;
  if (idx[1]! > idx[2]!) throw new Error(`invalid slice index: ${idx[1]} > ${idx[2]}`);
  return item.slice(idx[0], idx[1]) as Value;
}

function length(item: XV): bigint {
  if (item === undefined) throw new Error('reflect: call of reflect.Value.Type on zero Value');
  if (item === null) throw new Error('len of nil pointer');
  if (typeof item === 'string' || item instanceof Uint8Array || Array.isArray(item)) return BigInt(item.length);
  if (item instanceof Map) return BigInt(item.size);
  throw new Error(`len of type ${indirectType(item)}`);
}

/** The type Go names after indirect(): a non-nil pointer is followed to what it points at. */
function indirectType(v: Value): string {
  const t = goTypeName(v);
  return v instanceof GoObject && v.goKind() === 'ptr' ? t.replace(/^\*/, '') : t;
}

// ---- escapers -----------------------------------------------------------------------------------

/** text/template's evalArgs: one string argument as is, else fmt.Sprint with nil as <no value>. */
function evalArgs(args: Value[]): string {
  if (args.length === 1 && typeof args[0] === 'string') return args[0];
  return sprint(...args.map((a) => (a === null || a === undefined ? '<no value>' : a)));
}

function htmlEscape(s: string): string {
  if (!/[\x00"'&<>]/.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    switch (c) {
      case '\x00':
        out += '\xef\xbf\xbd';
        break;
      case '"':
        out += '&#34;';
        break;
      case "'":
        out += '&#39;';
        break;
      case '&':
        out += '&amp;';
        break;
      case '<':
        out += '&lt;';
        break;
      case '>':
        out += '&gt;';
        break;
      default:
        out += c;
    }
  }
  return out;
}

const UNICODE_PRINT = /^[\p{L}\p{M}\p{N}\p{P}\p{S}\u0020]$/u;
const HEXU = '0123456789ABCDEF';

function jsEscape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0x80) {
      const [r, w] = decodeRuneAt(s, i);
      // utf8.DecodeRune gives U+FFFD for a byte that starts no valid sequence, and U+FFFD is printable:
      // Go writes that byte as it is (unicode.IsPrint(r) alone decides), never \uFFFD.
      if (UNICODE_PRINT.test(String.fromCodePoint(r))) out += s.slice(i, i + w);
      else out += '\\u' + r.toString(16).toUpperCase().padStart(4, '0');
      i += w - 1;
      continue;
    }
    switch (c) {
      case 0x5c:
        out += '\\\\';
        continue;
      case 0x27:
        out += "\\'";
        continue;
      case 0x22:
        out += '\\"';
        continue;
      case 0x3c:
        out += '\\u003C';
        continue;
      case 0x3e:
        out += '\\u003E';
        continue;
      case 0x26:
        out += '\\u0026';
        continue;
      case 0x3d:
        out += '\\u003D';
        continue;
    }
    if (c < 0x20) out += '\\u00' + HEXU[c >> 4] + HEXU[c & 15];
    else out += s[i];
  }
  return out;
}

function queryEscape(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2d || c === 0x5f || c === 0x2e || c === 0x7e)
      out += s[i];
    else if (c === 0x20) out += '+';
    else out += '%' + HEXU[c >> 4] + HEXU[c & 15];
  }
  return out;
}

export const builtinFuncs: BuiltinEntry[] = [
  { name: 'and', sig: 'func(reflect.Value, ...reflect.Value) reflect.Value', fn: () => null, builtin: true },
  { name: 'or', sig: 'func(reflect.Value, ...reflect.Value) reflect.Value', fn: () => null, builtin: true },
  { name: 'not', sig: 'func(reflect.Value) bool', fn: (v: XV) => !isTrue(v), builtin: true },
  { name: 'len', sig: 'func(reflect.Value) (int, error)', fn: length, builtin: true },
  { name: 'index', sig: 'func(reflect.Value, ...reflect.Value) (reflect.Value, error)', fn: index, builtin: true },
  { name: 'slice', sig: 'func(reflect.Value, ...reflect.Value) (reflect.Value, error)', fn: sliceBuiltin, builtin: true },
  { name: 'print', sig: 'func(...interface {}) string', fn: (...a: Value[]) => sprint(...a), builtin: true },
  { name: 'printf', sig: 'func(string, ...interface {}) string', fn: (f: string, ...a: Value[]) => sprintf(f, ...a), builtin: true },
  { name: 'println', sig: 'func(...interface {}) string', fn: (...a: Value[]) => sprintln(...a), builtin: true },
  { name: 'html', sig: 'func(...interface {}) string', fn: (...a: Value[]) => htmlEscape(evalArgs(a)), builtin: true },
  { name: 'js', sig: 'func(...interface {}) string', fn: (...a: Value[]) => jsEscape(evalArgs(a)), builtin: true },
  { name: 'urlquery', sig: 'func(...interface {}) string', fn: (...a: Value[]) => queryEscape(evalArgs(a)), builtin: true },
  {
    name: 'call',
    sig: 'func(reflect.Value, ...reflect.Value) (reflect.Value, error)',
    fn: (f: XV) => {
      f = iface(f);
      if (f === undefined) throw new Error('call of nil');
      throw new Error(`non-function of type ${goTypeName(f)}`);
    },
    builtin: true,
  },
  { name: 'eq', sig: 'func(reflect.Value, ...reflect.Value) (bool, error)', fn: (a: XV, ...b: XV[]) => eq(a, ...b), builtin: true },
  { name: 'ne', sig: 'func(reflect.Value, reflect.Value) (bool, error)', fn: (a: XV, b: XV) => !eq(a, b), builtin: true },
  { name: 'lt', sig: 'func(reflect.Value, reflect.Value) (bool, error)', fn: lt, builtin: true },
  { name: 'le', sig: 'func(reflect.Value, reflect.Value) (bool, error)', fn: le, builtin: true },
  { name: 'gt', sig: 'func(reflect.Value, reflect.Value) (bool, error)', fn: (a: XV, b: XV) => !le(a, b), builtin: true },
  { name: 'ge', sig: 'func(reflect.Value, reflect.Value) (bool, error)', fn: (a: XV, b: XV) => !lt(a, b), builtin: true },
];
