// Private and public key handling shared by the sprig crypto and ESO functions: parsing DER the way
// Go's crypto/x509 parsers are tried, and marshalling back to the PKCS#1 / SEC 1 / PKCS#8 / PKIX forms
// Go writes. Node's crypto (OpenSSL) does the key work; Go and OpenSSL produce the same DER for these.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { bin, buf } from './crypto-der.js';

type DerKind = 'pkcs1' | 'pkcs8' | 'sec1';

/** Import a private key from DER of the given form; undefined when it does not parse. */
export function tryPrivateKey(der: string, kind: DerKind): KeyObject | undefined {
  try {
    const key = createPrivateKey({ key: buf(der), format: 'der', type: kind });
    // OpenSSL reads PKCS#8 keys Go's x509 does not know (DSA, Ed448, X448, RSA-PSS).
    if (kind === 'pkcs8' && !GO_PKCS8_TYPES.has(key.asymmetricKeyType ?? '')) return undefined;
    return key;
  } catch {
    return undefined;
  }
}

const GO_PKCS8_TYPES = new Set(['rsa', 'ec', 'ed25519', 'x25519']);

/**
 * ESO's parsePrivateKey (pkcs12.go): PKCS#1, then PKCS#8, then SEC 1 EC.
 * Error text as ESO's errParsePrivKey.
 */
export function esoParsePrivateKey(der: string): KeyObject {
  const key = tryPrivateKey(der, 'pkcs1') ?? tryPrivateKey(der, 'pkcs8') ?? tryPrivateKey(der, 'sec1');
  if (!key) throw new Error('unable to parse private key type');
  return key;
}

/** x509.MarshalPKCS8PrivateKey. */
export function marshalPkcs8(key: KeyObject): string {
  return bin(key.export({ type: 'pkcs8', format: 'der' }));
}

/** x509.MarshalPKIXPublicKey of a private or public key's public half. */
export function marshalPkix(key: KeyObject): string {
  const pub = key.type === 'private' ? createPublicKey(key) : key;
  return bin(pub.export({ type: 'spki', format: 'der' }));
}

/** Go's %T of the key type behind a KeyObject, for error messages that name it. */
export function goKeyType(key: KeyObject): string {
  const priv = key.type === 'private';
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return priv ? '*rsa.PrivateKey' : '*rsa.PublicKey';
    case 'ec':
      return priv ? '*ecdsa.PrivateKey' : '*ecdsa.PublicKey';
    case 'ed25519':
      return priv ? 'ed25519.PrivateKey' : 'ed25519.PublicKey';
    case 'x25519':
      return priv ? '*ecdh.PrivateKey' : '*ecdh.PublicKey';
    case 'dsa':
      return priv ? '*dsa.PrivateKey' : '*dsa.PublicKey';
    default:
      return priv ? 'crypto.PrivateKey' : 'crypto.PublicKey';
  }
}
