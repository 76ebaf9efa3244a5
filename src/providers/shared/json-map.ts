// ESO's two ways of turning a JSON object into secret data (eso-semantics §3.3), and Go's encoding/json
// output for the values Vault and rewrite.merge re-marshal.

import { fromBin, toBin } from './bytes.js';
import { gjsonGet, unescapeJsonString } from './gjson.js';
import { formatFloatF, formatFloatJSON } from './go-float.js';
import { goJsonString } from './go-json.js';

export { goJsonString };

/**
 * esutils.JSONToSecretDataMap (and the fake/AWS/GCP/Azure GetSecretMap): top-level members of a JSON object;
 * a string member is unescaped, `null` is empty, anything else keeps its raw source text.
 * Throws (without quoting the input) when the value is not a JSON object.
 */
export function jsonToSecretMap(value: Uint8Array | string): Map<string, Uint8Array> {
  let parsed: unknown;
  const text = typeof value === 'string' ? value : Buffer.from(value).toString('utf8');
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new Error(`unable to unmarshal secret: ${jsonErrorClass(e)}`);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error('unable to unmarshal secret: json: cannot unmarshal ' + goJsonKind(parsed) + ' into Go value of type map[string]json.RawMessage');
  }
  const out = new Map<string, Uint8Array>();
  // Walk members in source order with raw spans; later duplicates win, as Go's map decoding does.
  const bin = toBin(value);
  for (const key of Object.keys(parsed)) {
    const r = gjsonGet(fromBin(bin), escapeKey(key));
    if (!r.exists || r.kind === 'null') out.set(key, new Uint8Array());
    else if (r.kind === 'string') out.set(key, r.bytes);
    else out.set(key, fromBin(r.raw!));
  }
  return out;
}

function escapeKey(k: string): string {
  return k.replace(/[\\.*?|#@]/g, (c) => '\\' + c);
}

function goJsonKind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'number';
  if (typeof v === 'boolean') return 'bool';
  return 'object';
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
