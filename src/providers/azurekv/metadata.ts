// ESO's Azure metadata rules (metadataPolicy Fetch): tags plus `attribute.*` times, one tag picked by
// `property` (a JSON tag can be indexed as `tag.path`), and the `<name>_<tag>` map for extract.

import { escapeDots, gjsonGet } from '../shared/gjson.js';
import { goJsonMarshal } from '../shared/json-map.js';

export interface ObjectProperties {
  tags?: Record<string, string>;
  expiresOn?: Date;
  createdOn?: Date;
  updatedOn?: Date;
  notBefore?: Date;
}

export class AzurePropertyError extends Error {}

/** Go's time.Format(time.RFC3339) in UTC: whole seconds, `Z`. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** getSecretAllMetadata: the tags, plus the time attributes (legacy SDK path only). */
export function allMetadata(p: ObjectProperties, withAttributes: boolean): Map<string, string> {
  const out = new Map<string, string>(Object.entries(p.tags ?? {}));
  if (!withAttributes) return out;
  const set = (k: string, d: Date | undefined) => {
    if (d) out.set(k, rfc3339(d));
  };
  set('attribute.expires', p.expiresOn);
  set('attribute.created', p.createdOn);
  set('attribute.updated', p.updatedOn);
  set('attribute.notBefore', p.notBefore);
  return out;
}

/** getProperty: gjson path first, then (when it holds a dot) the same path with dots escaped. */
export function azureProperty(value: string, property: string | undefined, key: string): Uint8Array {
  if (!property) return Buffer.from(value, 'utf8');
  const r = gjsonGet(value, property);
  if (r.exists) return r.bytes;
  if (property.includes('.')) {
    const lit = gjsonGet(value, escapeDots(property));
    if (lit.exists) return lit.bytes;
  }
  throw new AzurePropertyError(`property ${property} does not exist in key ${key}`);
}

/** getSecretTag: all tags as JSON, one tag, or a gjson path inside a JSON tag (`tag.path`). */
export function secretTag(tags: Map<string, string>, property: string | undefined): Uint8Array {
  if (!property) return Buffer.from(goJsonMarshal(Object.fromEntries(tags)), 'utf8');
  const direct = tags.get(property);
  if (direct !== undefined) return Buffer.from(direct, 'utf8');
  const idx = property.indexOf('.');
  if (idx > 0) {
    const tagName = property.slice(0, idx);
    const val = tags.get(tagName);
    if (val !== undefined) return azureProperty(val, property.slice(idx + 1), property);
  }
  throw new AzurePropertyError(`tag ${property} does not exist`);
}

/**
 * getSecretTags (extract with Fetch): `<name>_<tag>`; a tag holding a JSON object of strings is
 * flattened to `<name>_<tag>_<k>`; the legacy path adds `<name>_attribute.*`.
 */
export function prefixedTags(name: string, p: ObjectProperties, withAttributes: boolean): Map<string, string> {
  const out = new Map<string, string>();
  for (const [tag, val] of Object.entries(p.tags ?? {})) {
    const flat = stringMap(val);
    if (flat === undefined) out.set(`${name}_${tag}`, val);
    else for (const [k, v] of flat) out.set(`${name}_${tag}_${k}`, v);
  }
  if (withAttributes) {
    for (const [k, v] of allMetadata({ ...p, tags: {} }, true)) out.set(`${name}_${k}`, v);
  }
  return out;
}

/** Go's json.Unmarshal into map[string]string: an object of strings (null members → ""), or `null`. */
function stringMap(text: string): Map<string, string> | undefined {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (v === null) return new Map();
  if (typeof v !== 'object' || Array.isArray(v)) return undefined;
  const out = new Map<string, string>();
  for (const [k, m] of Object.entries(v as Record<string, unknown>)) {
    if (m === null) out.set(k, '');
    else if (typeof m === 'string') out.set(k, m);
    else return undefined;
  }
  return out;
}

/** getSecretMapProperties: one `<key>_<property>` entry (empty when missing), or every tag. */
export function secretMapProperties(tags: Map<string, string>, key: string, property: string | undefined): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  if (property) {
    const name = `${key}_${property}`;
    let v: Uint8Array;
    try {
      v = secretTag(tags, name);
    } catch {
      v = new Uint8Array();
    }
    out.set(name, v);
    return out;
  }
  for (const [k, v] of tags) out.set(k, Buffer.from(v, 'utf8'));
  return out;
}
