// Digests of secret data that end up where they can be read (issue 14, "no unkeyed digest of secret data
// where Argo CD shows it unmasked"). Argo CD masks a Secret's `data`, never an annotation: an unkeyed hash
// of a 4-digit PIN is recovered by trying 10,000 guesses. With the platform key every such digest is an
// HMAC-SHA256 under that key, so a guess cannot be tested without the key.
//
//   data-hash annotation   platform key → HMAC; no key → ESO's SHA3 (render, KRM) or left out (generate)
//   rollout checksum       platform key → HMAC; no key → SHA-256 (render, KRM) or refused (generate)
//
// Each use has its own domain string, so one digest can never be replayed as another.

import { createHash, createHmac } from 'node:crypto';
import type { RenderOptions } from './types.js';
import { dataHash, dataHashInput } from './hash.js';

/** The setting that names the platform key, as errors name it. */
export const PLATFORM_KEY_SETTING = 'spec.platformKeyFile (--platform-key-file)';

const DOMAIN_DATA_HASH = 'eso-render.dev/data-hash/v1\n';
const DOMAIN_ROLLOUT = 'eso-render.dev/rollout-checksum/v1\n';

/** The key digests are keyed with: the platform key, or the sealing key when only that one is given. */
export function digestKey(options: Pick<RenderOptions, 'platformKey' | 'seal'>): Uint8Array | undefined {
  return options.platformKey ?? options.seal?.key;
}

/** The key sealing derives under: `seal.keyFile` when given, else the platform key. */
export function sealKey(options: Pick<RenderOptions, 'platformKey' | 'seal'>): Uint8Array | undefined {
  return options.seal?.key ?? options.platformKey;
}

export function hmacHex(key: Uint8Array, domain: string, input: Uint8Array | string): string {
  return createHmac('sha256', key).update(domain).update(input).digest('hex');
}

/**
 * How the data-hash annotation of a rendered Secret is computed, or `undefined` to leave it out: the
 * shared sidecar (`generate`) without a platform key prints no digest of secret data at all.
 */
export function dataHashFunction(options: Pick<RenderOptions, 'platformKey' | 'sharedSidecar' | 'seal'>): ((data: Map<string, Uint8Array>) => string) | undefined {
  const key = digestKey(options);
  if (key) return (data) => hmacHex(key, DOMAIN_DATA_HASH, dataHashInput(data));
  if (options.sharedSidecar) return undefined;
  return dataHash;
}

/**
 * The rollout checksum over `name=digest` lines of the consumed Secrets, or `undefined` when a stamp must
 * be refused (shared sidecar without a platform key).
 */
export function rolloutChecksumFunction(options: Pick<RenderOptions, 'platformKey' | 'sharedSidecar' | 'seal'>): ((text: string) => string) | undefined {
  const key = digestKey(options);
  if (key) return (text) => hmacHex(key, DOMAIN_ROLLOUT, text);
  if (options.sharedSidecar) return undefined;
  return (text) => createHash('sha256').update(text).digest('hex');
}
