// ESO's ObjectHash: lowercase hex SHA3-224 over Go's fmt "%+v" rendering of the value.

import { createHash } from 'node:crypto';

export function sha3hex(s: string | Uint8Array): string {
  return createHash('sha3-224').update(s).digest('hex');
}

// Decimal spellings of every byte, so a value's `[1 2 3]` is built without a number-to-string per byte
// (Array.from(bytes).join(' ') was the engine's costliest line on 10,000 Secrets).
const DECIMAL = Array.from({ length: 256 }, (_, i) => String(i));

function byteList(b: Uint8Array): string {
  let s = '';
  for (let i = 0; i < b.length; i++) s += i === 0 ? DECIMAL[b[0]!]! : ' ' + DECIMAL[b[i]!]!;
  return s;
}

/** What ObjectHash hashes for a map[string][]byte: `map[k:[1 2 3] k2:[]]` with keys in byte order. */
export function dataHashInput(data: Map<string, Uint8Array>): Buffer {
  const keys = [...data.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const parts = keys.map((k) => `${k}:[${byteList(data.get(k)!)}]`);
  return Buffer.from(`map[${parts.join(' ')}]`, 'utf8');
}

/** ObjectHash(map[string][]byte), ESO's data-hash annotation. */
export function dataHash(data: Map<string, Uint8Array>): string {
  return sha3hex(dataHashInput(data));
}

/** The created-by label: ObjectHash of "<namespace>/<name>" (a Go string prints verbatim). */
export function createdByHash(namespace: string, name: string): string {
  return sha3hex(`${namespace}/${name}`);
}
