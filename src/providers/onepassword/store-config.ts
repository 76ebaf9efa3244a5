// The `spec.provider.onepassword` block (1Password Connect), read with ESO's field names and checked with
// ESO's validateStore wording (providers/v1/onepassword/onepassword.go, v2.9.0).

import type { SecretKeySelector } from '../types.js';
import { obj, selector, str } from '../shared/spec-read.js';

export interface OnePasswordStoreConfig {
  /** The Connect server, e.g. http://onepassword-connect:8080 (request paths are appended to it). */
  connectHost: string;
  /** auth.secretRef.connectTokenSecretRef */
  token: SecretKeySelector;
  /** Vault names or ids, searched in ascending order of their number. */
  vaults: { name: string; order: number }[];
}

type Problem = { field: string; message: string };

/** A vault name goes into a Connect filter expression (`title eq "<name>"`): no quote, backslash or control character. */
export const UNSAFE_FILTER_TEXT = /["\\\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

export function checkStore(spec: Record<string, unknown>): Problem[] {
  const problems: Problem[] = [];
  const ref = obj(obj(obj(spec['auth'])?.['secretRef'])?.['connectTokenSecretRef']);
  if (!str(ref?.['name'])) problems.push({ field: 'auth.secretRef.connectTokenSecretRef.name', message: 'missing: spec.provider.onepassword.auth.secretRef.connectTokenSecretRef.name' });
  else if (!str(ref?.['key'])) problems.push({ field: 'auth.secretRef.connectTokenSecretRef.key', message: 'missing: spec.provider.onepassword.auth.secretRef.connectTokenSecretRef.key' });
  const vaults = obj(spec['vaults']);
  if (!vaults || Object.keys(vaults).length === 0) {
    problems.push({ field: 'vaults', message: 'must be at least one vault: spec.provider.onepassword.vaults' });
  } else {
    const numbers = Object.values(vaults);
    if (numbers.some((n) => typeof n !== 'number' || !Number.isInteger(n))) problems.push({ field: 'vaults', message: 'each vault maps to an integer order number' });
    else if (new Set(numbers).size !== numbers.length) problems.push({ field: 'vaults', message: 'vault order numbers must be unique' });
    for (const name of Object.keys(vaults)) {
      if (name === '' || UNSAFE_FILTER_TEXT.test(name)) {
        problems.push({ field: 'vaults', message: `vault name ${JSON.stringify(name)} is empty or has a quote, backslash or control character (it becomes part of a Connect filter); eso-render refuses it before any request` });
      }
    }
  }
  const host = spec['connectHost'];
  let ok = false;
  if (typeof host === 'string' && host !== '') {
    try {
      const u = new URL(host);
      ok = (u.protocol === 'http:' || u.protocol === 'https:') && u.search === '' && u.hash === '' && u.username === '' && u.password === '';
    } catch {
      ok = false;
    }
  }
  if (!ok) problems.push({ field: 'connectHost', message: 'unable to parse URL: spec.provider.onepassword.connectHost: an http(s) URL without query, fragment or user info is required, such as http://onepassword-connect:8080' });
  return problems;
}

export function readStore(spec: Record<string, unknown>): OnePasswordStoreConfig {
  const ref = obj(obj(obj(spec['auth'])?.['secretRef'])?.['connectTokenSecretRef']);
  const vaults = Object.entries(obj(spec['vaults']) ?? {}).map(([name, order]) => ({ name, order: order as number }));
  // sortVaults: ascending order number (the numbers are unique, so the order is total).
  vaults.sort((a, b) => a.order - b.order);
  return { connectHost: String(spec['connectHost']), token: selector(ref)!, vaults };
}

/** Go's `%v` of the store's `map[string]int` (keys sorted), as ESO prints it in "key not found". */
export function goMapText(vaults: { name: string; order: number }[]): string {
  const sorted = [...vaults].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `map[${sorted.map((v) => `${v.name}:${v.order}`).join(' ')}]`;
}
