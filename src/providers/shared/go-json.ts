// Go's encoding/json, for providers whose Go client keeps numbers' text. Vault's Go client decodes responses with json.Decoder.UseNumber(), so a number keeps its source text
// (`1.50` stays `1.50`) until ESO re-marshals it; JSON.parse would lose that (and precision past 2^53).
// This module decodes JSON into a Go-like value model and encodes it back the way encoding/json does.

import { byteOrder } from './json-map.js';
import { formatFloatF } from './go-float.js';

/** Go's json.Number: the literal text of a JSON number. */
export class GoNumber {
  constructor(readonly text: string) {}
}

export type GoValue = string | GoNumber | number | boolean | null | GoValue[] | GoObject;
/** A decoded JSON object (Go map[string]any). A Map, so keys such as `__proto__` are plain data. */
export type GoObject = Map<string, GoValue>;

export function isGoObject(v: unknown): v is GoObject {
  return v instanceof Map;
}

/** Errors carry a position and a class of problem, never input text (it may be a secret). */
export class JsonSyntaxError extends Error {}

/**
 * Decode JSON text. `numbers: 'number'` keeps json.Number (UseNumber); `'float'` gives float64 as Go's
 * default decoding into interface{} does (and fails on out-of-range numbers like Go).
 */
export function parseGoJson(text: string, numbers: 'number' | 'float' = 'number'): GoValue {
  let i = 0;
  const fail = (what: string): never => {
    throw new JsonSyntaxError(`invalid JSON (${what} at offset ${i})`);
  };
  const ws = () => {
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) i++;
      else break;
    }
  };
  const value = (): GoValue => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const obj: GoObject = new Map();
      ws();
      if (text[i] === '}') {
        i++;
        return obj;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('expected object key');
        const k = str();
        ws();
        if (text[i] !== ':') fail('expected colon');
        i++;
        obj.set(k, value()); // a later duplicate wins, as in Go
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return obj;
        }
        fail('expected , or }');
      }
    }
    if (c === '[') {
      i++;
      const arr: GoValue[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return arr;
      }
      for (;;) {
        arr.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return arr;
        }
        fail('expected , or ]');
      }
    }
    if (c === '"') return str();
    if (text.startsWith('true', i)) {
      i += 4;
      return true;
    }
    if (text.startsWith('false', i)) {
      i += 5;
      return false;
    }
    if (text.startsWith('null', i)) {
      i += 4;
      return null;
    }
    const m = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/.exec(text.slice(i, i + 512));
    if (!m || m[0].length === 0) return fail('unexpected character');
    i += m[0].length;
    if (numbers === 'number') return new GoNumber(m[0]);
    const f = Number(m[0]);
    if (!Number.isFinite(f)) fail('number out of range for float64');
    return f;
  };
  const str = (): string => {
    i++; // opening quote
    let out = '';
    let start = i;
    for (;;) {
      if (i >= text.length) fail('unterminated string');
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        out += text.slice(start, i);
        i++;
        return out;
      }
      if (c < 0x20) fail('control character in string');
      if (c !== 0x5c) {
        i++;
        continue;
      }
      out += text.slice(start, i);
      const e = text[i + 1];
      i += 2;
      switch (e) {
        case '"': out += '"'; break;
        case '\\': out += '\\'; break;
        case '/': out += '/'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case 'u': {
          const hex = text.slice(i, i + 4);
          if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('bad unicode escape');
          let cp = parseInt(hex, 16);
          i += 4;
          if (cp >= 0xd800 && cp < 0xdc00) {
            const lo = /^\\u([dD][c-fC-F][0-9a-fA-F]{2})/.exec(text.slice(i, i + 6));
            if (lo) {
              cp = 0x10000 + ((cp - 0xd800) << 10) + (parseInt(lo[1]!, 16) - 0xdc00);
              i += 6;
            } else cp = 0xfffd; // Go replaces a lone surrogate
          } else if (cp >= 0xdc00 && cp < 0xe000) cp = 0xfffd;
          out += String.fromCodePoint(cp);
          break;
        }
        default:
          fail('bad escape');
      }
      start = i;
    }
  };
  const v = value();
  ws();
  if (i !== text.length) fail('trailing data');
  return v;
}

/** encoding/json string encoding (Go 1.22+: short escapes for \b and \f). */
export function goJsonString(s: string, escapeHTML = true): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (c < 0x20) {
      if (ch === '\n') out += '\\n';
      else if (ch === '\r') out += '\\r';
      else if (ch === '\t') out += '\\t';
      else if (ch === '\b') out += '\\b';
      else if (ch === '\f') out += '\\f';
      else out += '\\u' + c.toString(16).padStart(4, '0');
    } else if (escapeHTML && (ch === '<' || ch === '>' || ch === '&')) out += '\\u' + c.toString(16).padStart(4, '0');
    else if (c === 0x2028 || c === 0x2029) out += '\\u' + c.toString(16);
    else if (c >= 0xd800 && c < 0xe000) out += '\ufffd'; // a lone surrogate is invalid UTF-8 to Go
    else out += ch;
  }
  return out + '"';
}

/** json.Marshal: sorted keys (byte order), compact, HTML-escaped. */
export function goMarshal(v: GoValue): string {
  if (v === null) return 'null';
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'string') return goJsonString(v);
  if (typeof v === 'number') return floatJSON(v);
  if (v instanceof GoNumber) return v.text === '' ? '0' : v.text;
  if (Array.isArray(v)) return '[' + v.map(goMarshal).join(',') + ']';
  const keys = [...v.keys()].sort(byteOrder);
  return '{' + keys.map((k) => goJsonString(k) + ':' + goMarshal(v.get(k)!)).join(',') + '}';
}

/**
 * encoding/json's float64 text: 'f' form, or 'e' form below 1e-6 and from 1e21 on, where Go trims
 * `e-07` to `e-7` — which is exactly JavaScript's toExponential() layout.
 */
export function floatJSON(x: number): string {
  if (!Number.isFinite(x)) throw new Error('json: unsupported value');
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) return x.toExponential();
  return formatFloatF(x);
}

/** esutils.GetByteValue. */
export function goByteValue(v: GoValue | undefined): Uint8Array {
  if (v === null || v === undefined) return new Uint8Array();
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (v instanceof GoNumber) return Buffer.from(v.text, 'utf8');
  if (typeof v === 'number') return Buffer.from(formatFloatF(v), 'utf8');
  if (typeof v === 'boolean') return Buffer.from(v ? 'true' : 'false', 'utf8');
  return Buffer.from(goMarshal(v), 'utf8');
}

/** fmt.Sprintf("%v", v) for the scalar values Vault metadata holds. */
export function goSprintV(v: GoValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (v instanceof GoNumber) return v.text;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (Array.isArray(v)) return '[' + v.map(goSprintV).join(' ') + ']';
  const keys = [...v.keys()].sort(byteOrder);
  return 'map[' + keys.map((k) => `${k}:${goSprintV(v.get(k)!)}`).join(' ') + ']';
}

/** A plain JS value as a GoValue (for request bodies built from YAML). */
export function fromPlain(v: unknown): GoValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v;
  if (Array.isArray(v)) return v.map(fromPlain);
  if (typeof v === 'object') {
    const m: GoObject = new Map();
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) m.set(k, fromPlain(x));
    return m;
  }
  return null;
}
