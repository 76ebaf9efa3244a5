import { readFileSync } from 'node:fs';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { jwkPrivateKeyPem, jwkPublicKeyPem } from './eso-jwk.js';
import { rsaDecrypt } from './eso-decrypt.js';

const dir = new URL('../../../test/fixtures/crypto/', import.meta.url);
const eso = JSON.parse(readFileSync(new URL('eso/vectors.json', dir), 'utf8')) as Record<string, string>;
const file = (p: string): string => readFileSync(new URL(p, dir)).toString('latin1');
const b64 = (s: string): string => Buffer.from(s, 'base64').toString('latin1');

describe('jwkPublicKeyPem / jwkPrivateKeyPem (ESO template_test.go vectors)', () => {
  it('RSA public JWK → PKIX PEM', () => expect(jwkPublicKeyPem(eso.jwkPubRSA!)).toBe(eso.jwkPubRSAPKIX));
  it('RSA private JWK → PKCS#8 PEM', () => expect(jwkPrivateKeyPem(eso.jwkPrivRSA!)).toBe(eso.jwkPrivRSAPKCS8));
  it('EC P-521 public JWK → PKIX PEM', () => expect(jwkPublicKeyPem(eso.jwkPubEC!)).toBe(eso.jwkPubECPKIX));
  it('EC P-256 private JWK → PKCS#8 PEM', () => expect(jwkPrivateKeyPem(eso.jwkPrivEC!)).toBe(eso.jwkPrivECPKCS8));
  it('Ed25519 round trip', () => {
    const { publicKey } = generateKeyPairSync('ed25519');
    const jwk = JSON.stringify(publicKey.export({ format: 'jwk' }));
    const pem = jwkPublicKeyPem(jwk);
    expect(createPublicKey(pem).export({ format: 'jwk' })).toEqual(publicKey.export({ format: 'jwk' }));
  });
  it('refuses the other half, as Go x509 marshalling does', () => {
    expect(() => jwkPublicKeyPem(eso.jwkPrivRSA!)).toThrow('x509: unsupported public key type: *rsa.PrivateKey');
    expect(() => jwkPrivateKeyPem(eso.jwkPubEC!)).toThrow(
      'x509: unknown key type while marshaling PKCS#8: *ecdsa.PublicKey',
    );
    expect(() => jwkPublicKeyPem('{"kty":"oct","k":"AAAA"}')).toThrow('x509: unsupported public key type: []uint8');
  });
  it('jwx ParseKey errors', () => {
    expect(() => jwkPublicKeyPem('nope')).toThrow("failed to unmarshal JSON into key hint: invalid character 'o' in literal null (expecting 'u')");
    expect(() => jwkPublicKeyPem('[1]')).toThrow('failed to unmarshal JSON into key hint: json: cannot unmarshal array into Go value of type struct');
    expect(() => jwkPublicKeyPem('{"kty":"XYZ"}')).toThrow('invalid key type from JSON (XYZ)');
    expect(() => jwkPublicKeyPem('{"kty":"RSA","n":"AQAB"}')).toThrow(/^failed to unmarshal JSON into key \(\*jwk.rsaPublicKey\): /);
  });
});

describe('rsaDecrypt', () => {
  it('RSA-OAEP SHA1 with a PKCS#8 key (ESO vector)', () => {
    expect(rsaDecrypt('RSA-OAEP', 'SHA1', b64(eso.rsaDecryptDataPKCS8Base64!), eso.rsaDecryptPKRSAPKCS8!)).toBe('a1b2c3d4');
  });
  it('RSA-OAEP SHA256 with a PKCS#1 key (ESO vector)', () => {
    const out = rsaDecrypt('RSA-OAEP', 'SHA256', b64(eso.rsaDecryptDataPKCS1Base64!), eso.rsaDecryptPKRSAPKCS1!);
    expect(out).toBe('hellopkcs1sha256');
  });
  it('openssl-made OAEP ciphertexts (SHA-1 default, SHA-256, SHA-512; "None" hash means SHA-256)', () => {
    const key = file('rsa-oaep.key');
    expect(rsaDecrypt('RSA-OAEP', 'SHA1', file('oaep-sha1.bin'), key)).toBe('hello oaep sha1');
    expect(rsaDecrypt('RSA-OAEP', 'SHA256', file('oaep-sha256.bin'), key)).toBe('hello oaep sha256');
    expect(rsaDecrypt('RSA-OAEP', 'None', file('oaep-sha256.bin'), key)).toBe('hello oaep sha256');
    expect(rsaDecrypt('RSA-OAEP', 'SHA512', file('oaep-sha512.bin'), key)).toBe('hello oaep sha512');
  });
  it('errors', () => {
    const key = file('rsa-oaep.key');
    expect(rsaDecrypt('None', 'SHA1', 'as is', 'whatever')).toBe('as is');
    expect(() => rsaDecrypt('Unsupported', 'SHA1', 'x', key)).toThrow('decryption scheme Unsupported is not supported');
    expect(() => rsaDecrypt('RSA-OAEP', 'SHA1', 'x', 'no pem')).toThrow('failed to decode PEM block');
    expect(() => rsaDecrypt('RSA-OAEP', 'SHA1', file('oaep-sha256.bin'), key)).toThrow(
      'error decrypting data with RSA: crypto/rsa: decryption error',
    );
    expect(() => rsaDecrypt('RSA-OAEP', 'SHA1', 'x', file('ec.key'))).toThrow('could not parse RSA private key');
    const small = generateKeyPairSync('rsa', { modulusLength: 512 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    expect(() => rsaDecrypt('RSA-OAEP', 'SHA1', 'x', small)).toThrow('crypto/rsa: 512-bit keys are insecure');
  });
});
