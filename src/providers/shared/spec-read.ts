// Reading a store's provider block: small type guards shared by the providers' store checks.
import type { SecretKeySelector } from '../types.js';

export function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}

/** A non-empty string, or undefined. */
export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A `{name, key, namespace?}` secret reference, or undefined when name or key is missing. */
export function selector(v: unknown): SecretKeySelector | undefined {
  const o = obj(v);
  if (!o || !str(o['name']) || !str(o['key'])) return undefined;
  const sel: SecretKeySelector = { name: o['name'] as string, key: o['key'] as string };
  if (str(o['namespace'])) sel.namespace = o['namespace'] as string;
  return sel;
}
