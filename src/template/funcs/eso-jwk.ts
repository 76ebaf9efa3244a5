// ESO's jwkPublicKeyPem / jwkPrivateKeyPem (runtime/template/v2/jwk.go): parse a JWK, take its raw Go
// key, marshal it as PKIX / PKCS#8. Node's crypto imports the JWK and writes the same DER as Go.
// As in ESO, the public function refuses a private JWK and vice versa: Go's x509 marshallers reject the
// other half's type.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { binToUtf8 } from '../values.js';
import { decodeJson } from './sprig-json.js';
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
      return { goType: '[]uint8', isPrivate: false };
  }
}

const HINT_TYPE = 'struct { Kty string "json:\\"kty\\""; D json.RawMessage "json:\\"d\\"" }';

/** jwk.ParseKey's first step: the key hint, with Go's JSON error texts. */
function parseJwk(json: string): { jwk: Jwk; goType: string; isPrivate: boolean; jwxType: string } {
  const decoded = decodeJson(json);
  if (decoded.error && decoded.value === null) throw new Error(`failed to unmarshal JSON into key hint: ${decoded.error}`);
  const v = decoded.value;
  if (v !== null && !(v instanceof Map)) {
    const kind = Array.isArray(v) ? 'array' : typeof v === 'string' ? 'string' : typeof v === 'boolean' ? 'bool' : 'number';
    throw new Error(`failed to unmarshal JSON into key hint: json: cannot unmarshal ${kind} into Go value of type ${HINT_TYPE}`);
  }
  const jwk = JSON.parse(binToUtf8(json) || 'null') as Jwk | null;
  if (jwk === null || typeof jwk.kty !== 'string' || !['RSA', 'EC', 'OKP', 'oct'].includes(jwk.kty))
    throw new Error(`invalid key type from JSON (${typeof jwk?.kty === 'string' ? jwk.kty : ''})`);
  const isPrivate = jwk.d !== undefined;
  const jwxType = {
    RSA: isPrivate ? '*jwk.rsaPrivateKey' : '*jwk.rsaPublicKey',
    EC: isPrivate ? '*jwk.ecdsaPrivateKey' : '*jwk.ecdsaPublicKey',
    OKP: isPrivate ? '*jwk.okpPrivateKey' : '*jwk.okpPublicKey',
    oct: '*jwk.symmetricKey',
  }[jwk.kty]!;
  if (jwk.kty === 'EC' && !['P-256', 'P-384', 'P-521'].includes(String(jwk.crv)))
    throw new Error(`failed to unmarshal JSON into key (${jwxType}): invalid curve algorithm ${String(jwk.crv ?? '')}`);
  if (jwk.kty === 'OKP' && !['Ed25519', 'X25519'].includes(String(jwk.crv)))
    throw new Error(`failed to unmarshal JSON into key (${jwxType}): invalid curve algorithm ${String(jwk.crv ?? '')}`);
  return { jwk, ...rawGoType(jwk), jwxType };
}

function importKey(jwk: Jwk, isPrivate: boolean, jwxType: string): KeyObject {
  try {
    return isPrivate ? createPrivateKey({ key: jwk as never, format: 'jwk' }) : createPublicKey({ key: jwk as never, format: 'jwk' });
  } catch (e) {
    throw new Error(`failed to unmarshal JSON into key (${jwxType}): ${(e as Error).message}`);
  }
}

export function jwkPublicKeyPem(json: string): string {
  const { jwk, goType, isPrivate, jwxType } = parseJwk(json);
  const key = goType === '[]uint8' ? undefined : importKey(jwk, isPrivate, jwxType);
  if (!key || isPrivate || goType.startsWith('x25519')) throw new Error(`x509: unsupported public key type: ${goType}`);
  return pemEncode({ type: 'PUBLIC KEY', bytes: marshalPkix(key) });
}

export function jwkPrivateKeyPem(json: string): string {
  const { jwk, goType, isPrivate, jwxType } = parseJwk(json);
  const key = goType === '[]uint8' ? undefined : importKey(jwk, isPrivate, jwxType);
  if (!key || !isPrivate || goType.startsWith('x25519'))
    throw new Error(`x509: unknown key type while marshaling PKCS#8: ${goType}`);
  return pemEncode({ type: 'PRIVATE KEY', bytes: marshalPkcs8(key) });
}

export const esoJwkFuncs: FuncEntry[] = [
  { name: 'jwkPublicKeyPem', sig: 'func(string) (string, error)', fn: jwkPublicKeyPem },
  { name: 'jwkPrivateKeyPem', sig: 'func(string) (string, error)', fn: jwkPrivateKeyPem },
];
