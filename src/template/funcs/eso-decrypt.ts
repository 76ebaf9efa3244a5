// ESO's rsaDecrypt (runtime/template/v2/decrypt.go): RSA-OAEP with a nil label through Node's crypto.
import { constants, privateDecrypt } from 'node:crypto';
import { bin, buf } from './crypto-der.js';
import { esoParsePrivateKey } from './crypto-keys.js';
import { pemDecode } from './crypto-pemcodec.js';
import type { FuncEntry } from './eso-types.js';

/** ESO's getHash: anything but SHA1 and SHA512 means SHA-256. */
function oaepHash(hash: string): string {
  if (hash === 'SHA1') return 'sha1';
  if (hash === 'SHA512') return 'sha512';
  return 'sha256';
}

export function rsaDecrypt(scheme: string, hash: string, input: string, privateKey: string): string {
  switch (scheme) {
    case 'None':
      return input;
    case 'RSA-OAEP': {
      const [block] = pemDecode(privateKey);
      if (!block) throw new Error('failed to decode PEM block');
      let key;
      try {
        key = esoParsePrivateKey(block.bytes);
      } catch (e) {
        throw new Error('could not parse private key: ' + (e as Error).message);
      }
      if (key.asymmetricKeyType !== 'rsa') throw new Error('could not parse RSA private key');
      // Go 1.24+ crypto/rsa refuses keys under 1024 bits in every operation.
      const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
      if (bits < 1024)
        throw new Error(
          `error decrypting data with RSA: crypto/rsa: ${bits}-bit keys are insecure (see https://go.dev/pkg/crypto/rsa#hdr-Minimum_key_size)`,
        );
      try {
        const out = privateDecrypt(
          { key, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: oaepHash(hash) },
          buf(input),
        );
        return bin(out);
      } catch {
        // Go's rsa.DecryptOAEP reports every failure as ErrDecryption.
        throw new Error('error decrypting data with RSA: crypto/rsa: decryption error');
      }
    }
    default:
      throw new Error(`decryption scheme ${scheme} is not supported`);
  }
}

export const esoDecryptFuncs: FuncEntry[] = [
  { name: 'rsaDecrypt', sig: 'func(string, string, string, string) (string, error)', fn: rsaDecrypt },
];
