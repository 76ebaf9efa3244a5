// The platform key: a file the platform names in its configuration (`spec.platformKeyFile`, or
// `--platform-key-file` on the command line), like a mounted credential. It keys every digest of secret
// data in the output (src/engine/digest.ts) and derives deterministic sealing (src/engine/seal.ts).
// Errors name the setting and the path, never the content (not even its length).
import { readFileSync } from 'node:fs';

/** At least 256 bits: the key must be as hard to guess as the HMAC-SHA256 it keys. */
export const PLATFORM_KEY_MIN_BYTES = 32;

export class PlatformKeyError extends Error {}

/** Reads the key file; throws a PlatformKeyError naming `setting` and `path`. */
export function readPlatformKey(path: string, setting: string): Uint8Array {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new PlatformKeyError(`${setting}: cannot read the key file ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (bytes.length < PLATFORM_KEY_MIN_BYTES) {
    throw new PlatformKeyError(
      `${setting}: the key file ${path} is shorter than ${PLATFORM_KEY_MIN_BYTES} bytes; make one with: head -c ${PLATFORM_KEY_MIN_BYTES} /dev/urandom > ${path}`,
    );
  }
  return new Uint8Array(bytes);
}
