// Private and public key handling shared by the sprig crypto and ESO functions: parsing DER the way
// Go's crypto/x509 parsers are tried, and marshalling back to the PKCS#1 / SEC 1 / PKCS#8 / PKIX forms
// Go writes. Node's crypto (OpenSSL) does the key work; Go and OpenSSL produce the same DER for these.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { TAG, bin, buf, children, isContext, isUniversal, oidToString, readOne } from './crypto-der.js';

type DerKind = 'pkcs1' | 'pkcs8' | 'sec1';

/** Import a private key from DER of the given form; undefined when it does not parse. */
export function tryPrivateKey(der: string, kind: DerKind): KeyObject | undefined {
  // OpenSSL's decoders accept other layouts than the one asked for; Go's parsers do not.
  if (!hasShape(der, kind)) return undefined;
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

// ---- Go's parse errors ----------------------------------------------------------------------------

type Shape = 'pkcs1' | 'pkcs8' | 'sec1';

/** Whether DER has the ASN.1 layout Go's asn1.Unmarshal would accept for each private key form. */
function hasShape(der: string, shape: Shape): boolean {
  try {
    const f = children(readOne(der));
    const isInt = (i: number): boolean => !!f[i] && isUniversal(f[i]!, TAG.INTEGER);
    switch (shape) {
      case 'pkcs1':
        return [0, 1, 2, 3, 4, 5].every(isInt) && f[2]!.value.length <= 8;
      case 'pkcs8':
        return isInt(0) && !!f[1] && isUniversal(f[1], TAG.SEQUENCE) && !!f[2] && isUniversal(f[2], TAG.OCTET_STRING);
      case 'sec1':
        return isInt(0) && !!f[1] && isUniversal(f[1], TAG.OCTET_STRING) && f.slice(2).every((t) => isContext(t, 0) || isContext(t, 1));
    }
  } catch {
    return false;
  }
}

const USE: Record<Shape, string> = {
  pkcs1: 'x509: failed to parse private key (use ParsePKCS1PrivateKey instead for this key format)',
  pkcs8: 'x509: failed to parse private key (use ParsePKCS8PrivateKey instead for this key format)',
  sec1: 'x509: failed to parse private key (use ParseECPrivateKey instead for this key format)',
};

/** The error Go's x509.ParsePKCS1PrivateKey / ParsePKCS8PrivateKey / ParseECPrivateKey gives for `der`. */
export function goKeyParseError(der: string, kind: Shape): string {
  if (!hasShape(der, kind)) {
    const others: Record<Shape, Shape[]> = { pkcs1: ['sec1', 'pkcs8'], pkcs8: ['sec1', 'pkcs1'], sec1: ['pkcs8', 'pkcs1'] };
    for (const o of others[kind]) if (hasShape(der, o)) return USE[o];
    return kind === 'sec1' ? 'x509: failed to parse EC private key: asn1: structure error' : 'asn1: structure error';
  }
  if (kind === 'pkcs8') {
    const alg = oidToString(children(children(readOne(der))[1]!)[0]!.value);
    const known = ['1.2.840.113549.1.1.1', '1.2.840.10045.2.1', '1.3.101.112', '1.3.101.110'];
    if (!known.includes(alg)) return `x509: PKCS#8 wrapping contained private key with unknown algorithm: ${alg}`;
    return 'x509: failed to parse private key';
  }
  return kind === 'sec1' ? 'x509: failed to parse EC private key' : 'x509: invalid RSA private key';
}
