// The command-line side of the platform key and sealing, shared by `render` and `validate`:
// --platform-key-file, --seal-cert, --seal-scope, --seal-key-file. They override the RenderConfig's
// spec.platformKeyFile and spec.seal. Errors name the flag and the file, never the content.
import path from 'node:path';
import type { RenderOptions } from '../engine/types.js';
import { SEAL_SCOPES, type SealScope } from '../engine/seal-types.js';
import { readPlatformKey } from '../config/platform-key.js';
import { readSealCertificate } from '../config/seal-section.js';

export const sealFlagOptions = {
  'platform-key-file': { type: 'string' },
  'seal-cert': { type: 'string' },
  'seal-scope': { type: 'string' },
  'seal-key-file': { type: 'string' },
} as const;

export interface SealFlags {
  'platform-key-file'?: string | undefined;
  'seal-cert'?: string | undefined;
  'seal-scope'?: string | undefined;
  'seal-key-file'?: string | undefined;
}

/** Applies the flags to `options`; returns a message for a usage or file error. */
export function applySealFlags(v: SealFlags, options: RenderOptions, cwd: string): string | undefined {
  try {
    if (v['platform-key-file']) options.platformKey = readPlatformKey(path.resolve(cwd, v['platform-key-file']), '--platform-key-file');
    if (v['seal-cert']) {
      options.seal ??= { scope: 'strict', destinations: [], required: false };
      options.seal.certificate = readSealCertificate(path.resolve(cwd, v['seal-cert']), '--seal-cert');
    }
    if ((v['seal-scope'] || v['seal-key-file']) && !options.seal) return `${v['seal-scope'] ? '--seal-scope' : '--seal-key-file'} needs --seal-cert (or spec.seal in --config)`;
    if (v['seal-scope']) {
      if (!(SEAL_SCOPES as readonly string[]).includes(v['seal-scope'])) return `--seal-scope must be one of ${SEAL_SCOPES.join(', ')}`;
      options.seal!.scope = v['seal-scope'] as SealScope;
    }
    if (v['seal-key-file']) options.seal!.key = readPlatformKey(path.resolve(cwd, v['seal-key-file']), '--seal-key-file');
  } catch (e) {
    return (e as Error).message;
  }
  return undefined;
}
