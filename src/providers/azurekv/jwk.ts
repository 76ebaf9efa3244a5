// The JWK JSON ESO returns for `key/<name>`: Go's json.Marshal of the SDK's key type. The legacy
// SDK (default) keeps struct order; the azcore SDK (useAzureSDK) marshals a map, so keys are sorted.
// Byte members are base64url without padding, as the service sends them.

import { goJsonString } from '../shared/json-map.js';

/** The key as the @azure/keyvault-keys SDK returns it (byte members decoded). */
export interface SdkJsonWebKey {
  kid?: string;
  kty?: string;
  keyOps?: string[];
  n?: Uint8Array;
  e?: Uint8Array;
  d?: Uint8Array;
  dp?: Uint8Array;
  dq?: Uint8Array;
  qi?: Uint8Array;
  p?: Uint8Array;
  q?: Uint8Array;
  k?: Uint8Array;
  t?: Uint8Array;
  crv?: string;
  x?: Uint8Array;
  y?: Uint8Array;
}

// [json name, SDK field] in the legacy struct's declaration order.
const LEGACY_ORDER: [string, keyof SdkJsonWebKey][] = [
  ['kid', 'kid'],
  ['kty', 'kty'],
  ['key_ops', 'keyOps'],
  ['n', 'n'],
  ['e', 'e'],
  ['d', 'd'],
  ['dp', 'dp'],
  ['dq', 'dq'],
  ['qi', 'qi'],
  ['p', 'p'],
  ['q', 'q'],
  ['k', 'k'],
  ['key_hsm', 't'],
  ['crv', 'crv'],
  ['x', 'x'],
  ['y', 'y'],
];

function encodeMember(v: unknown): string | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v === '' ? undefined : goJsonString(v, true);
  if (Array.isArray(v)) return '[' + v.map((s) => goJsonString(String(s), true)).join(',') + ']';
  if (v instanceof Uint8Array) return v.length === 0 ? undefined : goJsonString(Buffer.from(v).toString('base64url'), true);
  return undefined;
}

export function marshalJwk(key: SdkJsonWebKey, opts: { sorted: boolean }): string {
  const members: [string, string][] = [];
  for (const [name, field] of LEGACY_ORDER) {
    const enc = encodeMember(key[field]);
    if (enc !== undefined) members.push([name, enc]);
  }
  if (opts.sorted) members.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return '{' + members.map(([k, v]) => `${goJsonString(k, true)}:${v}`).join(',') + '}';
}
