// encoding/json as sprig uses it: Unmarshal into interface{} (objects -> map[string]interface{},
// numbers -> float64) with Go's syntax-error texts, and Marshal/MarshalIndent/Encoder output
// (sorted keys, optional HTML escaping, Go's float layout, []byte as base64).

import { formatFloat, quote } from '../fmt.js';
import { decodeRuneAt, GoFloat32, GoInt, GoObject, isNilContainer, runeToBin, type Value } from '../values.js';
import { parseFloat64 } from './sprig-conv.js';
import type { FuncEntry } from './sprig-types.js';

// ---- decoding ---------------------------------------------------------------------------------------

class JsonSyntaxError extends Error {}

/** encoding/json's quoteChar: a byte shown as a Go rune literal. */
function quoteChar(c: number): string {
  if (c === 0x27) return "'\\''";
  if (c === 0x22) return "'\"'";
  const q = quote(runeToBin(c));
  return "'" + q.slice(1, -1) + "'";
}

const isWs = (c: number): boolean => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isHex = (c: number): boolean => isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);

/** A recursive-descent reading of Go's scanner: the same accepted language and error texts. */
class Decoder {
  private i = 0;
  /** Go keeps decoding after a number that does not fit a float64 and reports it at the end. */
  typeError: string | undefined;
  constructor(private readonly s: string) {}

  /** At the end of input Go's scanner feeds one space: inside a token that space is the error. */
  private fail(context: string, midToken = false): never {
    if (this.i >= this.s.length) {
      if (midToken) throw new JsonSyntaxError(`invalid character ' ' ${context}`);
      throw new JsonSyntaxError('unexpected end of JSON input');
    }
    throw new JsonSyntaxError(`invalid character ${quoteChar(this.s.charCodeAt(this.i))} ${context}`);
  }
  private peek(): number {
    return this.i < this.s.length ? this.s.charCodeAt(this.i) : -1;
  }
  private ws(): void {
    while (this.i < this.s.length && isWs(this.s.charCodeAt(this.i))) this.i++;
  }

  decodeTop(): Value {
    const v = this.value('looking for beginning of value');
    this.ws();
    if (this.i < this.s.length) this.fail('after top-level value');
    return v;
  }

  private value(context: string): Value {
    this.ws();
    const c = this.peek();
    if (c === 0x7b) return this.object();
    if (c === 0x5b) return this.array();
    if (c === 0x22) return this.string();
    if (c === 0x2d || isDigit(c)) return this.number();
    if (c === 0x74) return this.literal('true', true);
    if (c === 0x66) return this.literal('false', false);
    if (c === 0x6e) return this.literal('null', null);
    return this.fail(context);
  }

  private literal(word: string, v: Value): Value {
    this.i++;
    for (let k = 1; k < word.length; k++) {
      if (this.peek() !== word.charCodeAt(k)) this.fail(`in literal ${word} (expecting '${word[k]}')`, true);
      this.i++;
    }
    return v;
  }

  private object(): Value {
    this.i++;
    const m = new Map<string, Value>();
    this.ws();
    if (this.peek() === 0x7d) {
      this.i++;
      return m;
    }
    for (;;) {
      this.ws();
      if (this.peek() !== 0x22) this.fail('looking for beginning of object key string');
      const k = this.string();
      this.ws();
      if (this.peek() !== 0x3a) this.fail('after object key');
      this.i++;
      m.set(k, this.value('looking for beginning of value'));
      this.ws();
      const c = this.peek();
      if (c === 0x2c) {
        this.i++;
        continue;
      }
      if (c === 0x7d) {
        this.i++;
        return m;
      }
      this.fail('after object key:value pair');
    }
  }

  private array(): Value {
    this.i++;
    const a: Value[] = [];
    this.ws();
    if (this.peek() === 0x5d) {
      this.i++;
      return a;
    }
    for (;;) {
      a.push(this.value('looking for beginning of value'));
      this.ws();
      const c = this.peek();
      if (c === 0x2c) {
        this.i++;
        continue;
      }
      if (c === 0x5d) {
        this.i++;
        return a;
      }
      this.fail('after array element');
    }
  }

  private number(): Value {
    const start = this.i;
    if (this.peek() === 0x2d) {
      this.i++;
      if (!isDigit(this.peek())) this.fail('in numeric literal', true);
    }
    if (this.peek() === 0x30) this.i++;
    else while (isDigit(this.peek())) this.i++;
    if (this.peek() === 0x2e) {
      this.i++;
      if (!isDigit(this.peek())) this.fail('after decimal point in numeric literal', true);
      while (isDigit(this.peek())) this.i++;
    }
    if (this.peek() === 0x65 || this.peek() === 0x45) {
      this.i++;
      if (this.peek() === 0x2b || this.peek() === 0x2d) this.i++;
      if (!isDigit(this.peek())) this.fail('in exponent of numeric literal', true);
      while (isDigit(this.peek())) this.i++;
    }
    const text = this.s.slice(start, this.i);
    const f = parseFloat64(text);
    if (f === undefined) {
      this.typeError ??= `json: cannot unmarshal number ${text} into Go value of type float64`;
      return null;
    }
    return f;
  }

  private hex4(at: number): number {
    let v = 0;
    for (let k = 0; k < 4; k++) {
      const c = this.s.charCodeAt(at + k);
      if (Number.isNaN(c) || !isHex(c)) return -1;
      v = v * 16 + parseInt(String.fromCharCode(c), 16);
    }
    return v;
  }

  /** A string literal, unescaped to a Go string (invalid UTF-8 and lone surrogates -> U+FFFD). */
  private string(): string {
    this.i++;
    let out = '';
    for (;;) {
      if (this.i >= this.s.length) this.fail('');
      const c = this.s.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail('in string literal');
      if (c === 0x5c) {
        this.i++;
        const e = this.peek();
        const simple: Record<number, string> = { 0x62: '\b', 0x66: '\f', 0x6e: '\n', 0x72: '\r', 0x74: '\t', 0x5c: '\\', 0x2f: '/', 0x22: '"' };
        if (simple[e] !== undefined) {
          out += simple[e];
          this.i++;
          continue;
        }
        if (e !== 0x75) this.fail('in string escape code', true);
        this.i++;
        for (let k = 0; k < 4; k++) {
          if (!isHex(this.peek())) this.fail('in \\u hexadecimal character escape', true);
          this.i++;
        }
        let r = this.hex4(this.i - 4);
        if (r >= 0xd800 && r < 0xe000) {
          // A high surrogate followed by an escaped low one makes one rune; anything else is U+FFFD.
          if (r < 0xdc00 && this.s.startsWith('\\u', this.i)) {
            const r2 = this.hex4(this.i + 2);
            if (r2 >= 0xdc00 && r2 < 0xe000) {
              this.i += 6;
              out += runeToBin(0x10000 + ((r - 0xd800) << 10) + (r2 - 0xdc00));
              continue;
            }
          }
          r = 0xfffd;
        }
        out += runeToBin(r);
        continue;
      }
      if (c < 0x80) {
        out += this.s[this.i];
        this.i++;
        continue;
      }
      const [r, w] = decodeRuneAt(this.s, this.i);
      out += runeToBin(r);
      this.i += w;
    }
  }
}

/** json.Unmarshal(s, &interface{}): the value (nil on a syntax error) and Go's error text, if any. */
export function decodeJson(s: string): { value: Value; error?: string } {
  const d = new Decoder(s);
  try {
    const value = d.decodeTop();
    return d.typeError === undefined ? { value } : { value, error: d.typeError };
  } catch (e) {
    if (e instanceof JsonSyntaxError) return { value: null, error: e.message };
    throw e;
  }
}

// ---- encoding ---------------------------------------------------------------------------------------

const HEX = '0123456789abcdef';

/** Optional JSON form of a GoObject (types with MarshalJSON, e.g. time.Time). */
interface JsonMarshaler {
  marshalJSON(): string;
}

function encodeString(s: string, escapeHTML: boolean): string {
  let out = '"';
  let i = 0;
  while (i < s.length) {
    const b = s.charCodeAt(i);
    if (b < 0x80) {
      i++;
      if (b >= 0x20 && b !== 0x22 && b !== 0x5c && !(escapeHTML && (b === 0x3c || b === 0x3e || b === 0x26))) {
        out += s[i - 1];
        continue;
      }
      switch (b) {
        case 0x5c:
        case 0x22:
          out += '\\' + s[i - 1];
          break;
        case 0x08:
          out += '\\b';
          break;
        case 0x0c:
          out += '\\f';
          break;
        case 0x0a:
          out += '\\n';
          break;
        case 0x0d:
          out += '\\r';
          break;
        case 0x09:
          out += '\\t';
          break;
        default:
          out += '\\u00' + HEX[b >> 4] + HEX[b & 15];
      }
      continue;
    }
    const [r, w] = decodeRuneAt(s, i);
    if (r === 0xfffd && w === 1) out += '\\ufffd';
    else if (r === 0x2028 || r === 0x2029) out += '\\u202' + HEX[r & 15];
    else out += s.slice(i, i + w);
    i += w;
  }
  return out + '"';
}

function encodeFloat(f: number, bits: 32 | 64): string {
  if (!Number.isFinite(f)) throw new Error(`json: unsupported value: ${formatFloat(f, 'g', -1, bits)}`);
  const abs = Math.abs(f);
  let fmt = 'f';
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) fmt = 'e';
  let s = formatFloat(f, fmt, -1, bits);
  if (fmt === 'e') s = s.replace(/e-0(\d)$/, 'e-$1');
  return s;
}

/**
 * json.Indent with an empty prefix: Go's MarshalIndent marshals compactly and then re-indents the
 * whole text, so what a type's own JSON marshalling wrote is indented too. Empty `[]`/`{}` stay shut.
 */
function indentJson(src: string, indent: string): string {
  let out = '';
  let depth = 0;
  let needIndent = false;
  let inString = false;
  const newline = (d: number): string => '\n' + indent.repeat(d);
  for (let i = 0; i < src.length; i++) {
    const c = src[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += src[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (needIndent && c !== ']' && c !== '}') {
      needIndent = false;
      depth++;
      out += newline(depth);
    }
    switch (c) {
      case '"':
        inString = true;
        out += c;
        break;
      case '{':
      case '[':
        needIndent = true;
        out += c;
        break;
      case ',':
        out += c + newline(depth);
        break;
      case ':':
        out += ': ';
        break;
      case '}':
      case ']':
        if (needIndent) needIndent = false; // empty: `{}` / `[]`
        else {
          depth--;
          out += newline(depth);
        }
        out += c;
        break;
      default:
        out += c;
    }
  }
  return out;
}

/** json.Marshal, or json.MarshalIndent with an empty prefix when `indent` is given. */
export function encodeJson(v: Value, escapeHTML: boolean, indent = ''): string {
  const compact = encodeCompact(v, escapeHTML);
  return indent === '' ? compact : indentJson(compact, indent);
}

function encodeCompact(v: Value, escapeHTML: boolean): string {
  const enc = (x: Value): string => {
    if (x === null || x === undefined) return 'null';
    switch (typeof x) {
      case 'string':
        return encodeString(x, escapeHTML);
      case 'bigint':
        return x.toString();
      case 'number':
        return encodeFloat(x, 64);
      case 'boolean':
        return x ? 'true' : 'false';
    }
    if (x instanceof GoInt) return x.v.toString();
    if (x instanceof GoFloat32) return encodeFloat(x.v, 32);
    if (x instanceof Uint8Array) return '"' + Buffer.from(x).toString('base64') + '"';
    if (isNilContainer(x)) return 'null';
    if (Array.isArray(x)) return '[' + x.map(enc).join(',') + ']';
    if (x instanceof Map) {
      const keys = [...x.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      return '{' + keys.map((k) => encodeString(k, escapeHTML) + ':' + enc(x.get(k)!)).join(',') + '}';
    }
    // encoding/json has no form for a complex number (only template literals make them).
    if (x instanceof GoObject && x.goKind() === 'complex128') throw new Error('json: unsupported type: complex128');
    if (x instanceof GoObject && x.underlyingInt() !== undefined) return x.underlyingInt()!.toString();
    if (x instanceof GoObject && typeof (x as unknown as JsonMarshaler).marshalJSON === 'function') {
      return (x as unknown as JsonMarshaler).marshalJSON();
    }
    return '{}';
  };
  return enc(v);
}

const attempt = (f: () => string): string => {
  try {
    return f();
  } catch {
    return '';
  }
};

export const jsonFuncs: FuncEntry[] = [
  {
    name: 'fromJson',
    sig: 'func(string) interface {}',
    fn: (s: string) => decodeJson(s).value,
  },
  {
    name: 'mustFromJson',
    sig: 'func(string) (interface {}, error)',
    fn: (s: string) => {
      const r = decodeJson(s);
      if (r.error !== undefined) throw new Error(r.error);
      return r.value;
    },
  },
  { name: 'toJson', sig: 'func(interface {}) string', fn: (v: Value) => attempt(() => encodeJson(v, true)) },
  { name: 'mustToJson', sig: 'func(interface {}) (string, error)', fn: (v: Value) => encodeJson(v, true) },
  { name: 'toPrettyJson', sig: 'func(interface {}) string', fn: (v: Value) => attempt(() => encodeJson(v, true, '  ')) },
  { name: 'mustToPrettyJson', sig: 'func(interface {}) (string, error)', fn: (v: Value) => encodeJson(v, true, '  ') },
  // sprig's toRawJson panics on error, so it fails the template like the must variant.
  { name: 'toRawJson', sig: 'func(interface {}) string', fn: (v: Value) => encodeJson(v, false) },
  { name: 'mustToRawJson', sig: 'func(interface {}) (string, error)', fn: (v: Value) => encodeJson(v, false) },
];

