// ESO's two ways of turning a JSON object into secret data (eso-semantics §3.3), and Go's encoding/json
// output for the values Vault and rewrite.merge re-marshal.

import { bytesToString, fromBin, toBin } from './bytes.js';
import { gjsonValidAt, unescapeJsonString } from './gjson.js';
import { goUnquote } from './gjson-num.js';
import { formatFloatF, formatFloatJSON } from './go-float.js';
import { goJsonString } from './go-json.js';

export { goJsonString };

/**
 * esutils.JSONToSecretDataMap (and the fake/AWS/GCP/Azure GetSecretMap): `json.Unmarshal` into
 * map[string]json.RawMessage, then each value that unmarshals into a Go string is that string, anything
 * else keeps its raw source bytes (`null` unmarshals into "" without error, so it is empty). Go's decoder
 * coerces keys and string values to UTF-8 (each invalid byte and each lone surrogate escape becomes
 * U+FFFD), and a later duplicate key wins. Throws (without quoting the input) when the value is not a
 * JSON object.
 */
export function jsonToSecretMap(value: Uint8Array | string): Map<string, Uint8Array> {
  const bin = toBin(value);
  const check = validPrefix(bin);
  if (!check.ok) {
    throw new Error(`unable to unmarshal secret: ${check.end ? 'unexpected end of JSON input' : 'invalid character in JSON input'}`);
  }
  let i = skipWs(bin, 0);
  if (bin[i] !== '{') {
    const kind = bin[i] === '[' ? 'array' : bin[i] === '"' ? 'string' : bin[i] === 't' || bin[i] === 'f' ? 'bool' : bin[i] === 'n' ? 'null' : 'number';
    if (kind === 'null') return new Map(); // json.Unmarshal of null into a map leaves it empty
    throw new Error('unable to unmarshal secret: json: cannot unmarshal ' + kind + ' into Go value of type map[string]json.RawMessage');
  }
  const out = new Map<string, Uint8Array>();
  i = skipWs(bin, i + 1);
  while (bin[i] !== '}') {
    const kEnd = stringEnd(bin, i);
    const key = bytesToString(fromBin(goUnquote(bin.slice(i, kEnd)) ?? ''));
    i = skipWs(bin, kEnd) + 1; // past ':'
    i = skipWs(bin, i);
    const vEnd = valueEnd(bin, i);
    const raw = bin.slice(i, vEnd);
    let v: string;
    if (raw[0] === '"') v = goUnquote(raw) ?? raw;
    else if (raw === 'null') v = '';
    else v = raw;
    out.delete(key); // a later duplicate wins, as in Go's map decoding
    out.set(key, fromBin(v));
    i = skipWs(bin, vEnd);
    if (bin[i] === ',') i = skipWs(bin, i + 1);
  }
  return out;
}

function validPrefix(bin: string): { ok: boolean; end: boolean } {
  const [i, ok] = gjsonValidAt(bin);
  // Go says "unexpected end of JSON input" when the text stops inside a value (or holds none).
  return { ok, end: !ok && i >= bin.length };
}

const WS = ' \t\n\r';
function skipWs(s: string, i: number): number {
  while (i < s.length && WS.includes(s[i]!)) i++;
  return i;
}

function stringEnd(s: string, i: number): number {
  for (let j = i + 1; j < s.length; j++) {
    if (s[j] === '\\') j++;
    else if (s[j] === '"') return j + 1;
  }
  return s.length;
}

function valueEnd(s: string, i: number): number {
  const c = s[i];
  if (c === '"') return stringEnd(s, i);
  if (c === '{' || c === '[') {
    let depth = 0;
    for (let j = i; j < s.length; j++) {
      const d = s[j];
      if (d === '"') {
        j = stringEnd(s, j) - 1;
        continue;
      }
      if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) return j + 1;
      }
    }
    return s.length;
  }
  let j = i;
  while (j < s.length && !WS.includes(s[j]!) && s[j] !== ',' && s[j] !== '}' && s[j] !== ']') j++;
  return j;
}

/** A parse error's class, never the offending text (it may be a secret). */
export function jsonErrorClass(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  if (/Unexpected end/i.test(m)) return 'unexpected end of JSON input';
  return 'invalid character in JSON input';
}

/** Go's encoding/json Marshal of a decoded JSON value: sorted keys, optional HTML escaping. */
export function goJsonMarshal(v: unknown, opts: { escapeHTML: boolean } = { escapeHTML: true }): string {
  const enc = (x: unknown): string => {
    if (x === null || x === undefined) return 'null';
    if (typeof x === 'boolean') return x ? 'true' : 'false';
    if (typeof x === 'number') return formatFloatJSON(x);
    if (typeof x === 'string') return goJsonString(x, opts.escapeHTML);
    if (Array.isArray(x)) return '[' + x.map(enc).join(',') + ']';
    if (typeof x === 'object') {
      const keys = Object.keys(x as object).sort(byteOrder);
      return '{' + keys.map((k) => goJsonString(k, opts.escapeHTML) + ':' + enc((x as Record<string, unknown>)[k])).join(',') + '}';
    }
    return 'null';
  };
  return enc(v);
}

/** Sort strings by their UTF-8 byte order, as Go sorts map keys. */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** esutils.GetByteValue for a value decoded from JSON into interface{} (numbers as float64). */
export function goByteValue(v: unknown, opts: { escapeHTML: boolean } = { escapeHTML: true }): Uint8Array {
  if (v === null || v === undefined) return new Uint8Array();
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (typeof v === 'number') return Buffer.from(formatFloatF(v), 'utf8');
  if (typeof v === 'boolean') return Buffer.from(v ? 'true' : 'false', 'utf8');
  return Buffer.from(goJsonMarshal(v, opts), 'utf8');
}

export { unescapeJsonString };
