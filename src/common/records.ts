// Maps keyed by a user's data (labels, annotations, data keys, tags) as plain objects, without the two ways
// a JavaScript object loses a key: `obj['__proto__'] = v` sets the prototype instead of a key, and
// `Object.assign` does the same for a source's own `__proto__` key. Every write here defines an own
// property, so `__proto__`, `constructor` or `toString` are keys like any other.

/** Set `key` as an own, enumerable property (never the `__proto__` setter). */
export function setKey<V>(obj: Record<string, V>, key: string, value: V): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, writable: true, enumerable: true, configurable: true });
  else obj[key] = value;
}

/** `Object.assign(target, source)` for string maps, keeping a `__proto__` key. */
export function assignKeys<V>(target: Record<string, V>, source: Record<string, V> | undefined): Record<string, V> {
  if (source) for (const [k, v] of Object.entries(source)) setKey(target, k, v);
  return target;
}

/** Whether `obj` has `key` as its own property (`in` and `obj[key]` also see the prototype's). */
export function hasKey(obj: object | undefined, key: string): boolean {
  return obj !== undefined && Object.prototype.hasOwnProperty.call(obj, key);
}

/** Byte order of UTF-8 strings: the order Go sorts map keys in (and ESO writes them). */
export function byteOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A record with its keys in byte order (as far as a JS object can hold it: see yaml-quote.ts). */
export function sortedRecord<V>(r: Record<string, V>): Record<string, V> {
  const out: Record<string, V> = {};
  for (const k of Object.keys(r).sort(byteOrder)) setKey(out, k, r[k]!);
  return out;
}
