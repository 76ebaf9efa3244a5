// ESO's jwkPublicKeyPem / jwkPrivateKeyPem (runtime/template/v2/jwk.go): parse a JWK, take its raw Go
// key, marshal it as PKIX / PKCS#8. Node's crypto imports the JWK and writes the same DER as Go.
// As in ESO, the public function refuses a private JWK and vice versa: Go's x509 marshallers reject the
// other half's type.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { binToUtf8 } from '../values.js';
import { pemEncode } from './crypto-pemcodec.js';
import { marshalPkcs8, marshalPkix } from './crypto-keys.js';
import type { FuncEntry } from './eso-types.js';

interface Jwk {
  kty?: unknown;
  crv?: unknown;
  d?: unknown;
  [k: string]: unknown;
}

/** The Go type jwx's Raw() yields for this JWK, and whether it is a private key. */
function rawGoType(jwk: Jwk): { goType: string; isPrivate: boolean } {
  const isPrivate = jwk.d !== undefined;
  switch (jwk.kty) {
    case 'RSA':
      return { goType: isPrivate ? '*rsa.PrivateKey' : '*rsa.PublicKey', isPrivate };
    case 'EC':
      return { goType: isPrivate ? '*ecdsa.PrivateKey' : '*ecdsa.PublicKey', isPrivate };
    case 'OKP':
      if (jwk.crv === 'X25519') return { goType: isPrivate ? 'x25519.PrivateKey' : 'x25519.PublicKey', isPrivate };
      return { goType: isPrivate ? 'ed25519.PrivateKey' : 'ed25519.PublicKey', isPrivate };
    case 'oct':
      return { goType: '[]uint8', isPrivate: false };
    default:
      throw new Error(`invalid key type from JSON (${String(jwk.kty)})`);
  }
}

function parseJwk(json: string): { jwk: Jwk; goType: string; isPrivate: boolean } {
  let jwk: unknown;
  try {
    jwk = JSON.parse(binToUtf8(json));
  } catch (e) {
    throw new Error('failed to unmarshal JSON into key hint: ' + (e as Error).message);
  }
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk))
    throw new Error('failed to unmarshal JSON into key hint');
  if ((jwk as Jwk).kty === undefined) throw new Error(`invalid key type from JSON ()`);
  const supportedCurves = ['P-256', 'P-384', 'P-521'];
  if ((jwk as Jwk).kty === 'EC' && !supportedCurves.includes(String((jwk as Jwk).crv)))
    throw new Error(`failed to parse key: invalid curve algorithm ${String((jwk as Jwk).crv)}`);
  if ((jwk as Jwk).kty === 'OKP' && !['Ed25519', 'X25519'].includes(String((jwk as Jwk).crv)))
    throw new Error(`failed to parse key: unsupported curve ${String((jwk as Jwk).crv)}`);
  return { jwk: jwk as Jwk, ...rawGoType(jwk as Jwk) };
}

function importKey(jwk: Jwk, isPrivate: boolean): KeyObject {
  try {
    return isPrivate ? createPrivateKey({ key: jwk as never, format: 'jwk' }) : createPublicKey({ key: jwk as never, format: 'jwk' });
  } catch (e) {
    throw new Error('failed to parse key: ' + (e as Error).message);
  }
}

export function jwkPublicKeyPem(json: string): string {
  const { jwk, goType, isPrivate } = parseJwk(json);
  if (isPrivate || goType === '[]uint8' || goType.startsWith('x25519'))
    throw new Error(`x509: unsupported public key type: ${goType}`);
  return pemEncode({ type: 'PUBLIC KEY', bytes: marshalPkix(importKey(jwk, false)) });
}

export function jwkPrivateKeyPem(json: string): string {
  const { jwk, goType, isPrivate } = parseJwk(json);
  if (!isPrivate || goType.startsWith('x25519'))
    throw new Error(`x509: unknown key type while marshaling PKCS#8: ${goType}`);
  return pemEncode({ type: 'PRIVATE KEY', bytes: marshalPkcs8(importKey(jwk, true)) });
}

export const esoJwkFuncs: FuncEntry[] = [
  { name: 'jwkPublicKeyPem', sig: 'func(string) (string, error)', fn: jwkPublicKeyPem },
  { name: 'jwkPrivateKeyPem', sig: 'func(string) (string, error)', fn: jwkPrivateKeyPem },
];
