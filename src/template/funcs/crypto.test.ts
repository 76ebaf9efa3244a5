import { readFileSync } from 'node:fs';
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import bcryptjs from 'bcryptjs';
import { describe, expect, it } from 'vitest';
import { utf8ToBin } from '../values.js';
import { sprint } from '../fmt.js';
import {
  SprigCertificate,
  bcrypt,
  buildCustomCert,
  cryptoFuncs,
  decryptAES,
  derivePassword,
  encryptAES,
  genPrivateKey,
  htpasswd,
  randBytes,
} from './crypto.js';
import { certSANs } from './eso-pem.js';

const dir = new URL('../../../test/fixtures/crypto/', import.meta.url);
const file = (p: string): string => readFileSync(new URL(p, dir)).toString('latin1');
const fn = (name: string) => cryptoFuncs.find((f) => f.name === name)!.fn as (...a: unknown[]) => unknown;
const b64 = (s: string) => Buffer.from(s, 'latin1').toString('base64');

describe('derivePassword (expected values from Go sprig)', () => {
  it.each([
    [1n, 'long', 'password', 'user', 'example.com', 'ZedaFaxcZaso9*'],
    [3n, 'maximum', 'pässwörd', 'üser', 'site', 'd7%dEzFPYLTwiP8M9!sr'],
    [0n, 'pin', '', '', '', '2847'],
    [7n, 'basic', 'a', 'b', 'c', 'tbf6qJq5'],
    [1n, 'nope', 'a', 'b', 'c', 'cannot find password template nope'],
  ])('%s %s', (counter, type, pw, user, site, want) => {
    expect(derivePassword(counter, type, utf8ToBin(pw), utf8ToBin(user), utf8ToBin(site))).toBe(want);
  });
});

describe('htpasswd / bcrypt', () => {
  it('sha form (ESO template_test.go vector)', () =>
    expect(htpasswd('foo1', "FZ4jR;l]ON;pHKi=_'zh79P", 'sha')).toBe('foo1:{SHA}wtdJD6OIjUniEJkTlewnKzfFxA4='));
  it('bcrypt form verifies and uses Go\'s $2a$ cost 10', () => {
    const line = htpasswd('admin', 's3cret', 'bcrypt');
    const [user, hash] = line.split(':');
    expect(user).toBe('admin');
    expect(hash).toMatch(/^\$2a\$10\$/);
    expect(bcryptjs.compareSync('s3cret', hash!)).toBe(true);
    expect(bcrypt('x')).not.toBe(bcrypt('x'));
  });
  it('rejects ":" in user names and passwords over 72 bytes as sprig does', () => {
    expect(htpasswd('a:b', 'x', 'sha')).toBe('invalid username: a:b');
    expect(bcrypt('x'.repeat(73))).toBe('failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes');
  });
});

describe('encryptAES / decryptAES', () => {
  it('decrypts what Go sprig encrypted', () =>
    expect(decryptAES('secretkey', 'ReQNdadsh/iRBjXxyV/O6Lg3syujPH7FT0Jvl/igll4=')).toBe('plaintext'));
  it('round trips with a random IV', () => {
    const a = encryptAES('pw', 'hello world, exactly 32 bytes!!!');
    expect(a).not.toBe(encryptAES('pw', 'hello world, exactly 32 bytes!!!'));
    expect(Buffer.from(a, 'base64').length).toBe(16 + 48); // IV + a full block of padding
    expect(decryptAES('pw', a)).toBe('hello world, exactly 32 bytes!!!');
    expect(encryptAES('pw', '')).toBe('');
    expect(decryptAES('pw', '')).toBe('');
  });
  it('Go panics become the same error texts (checked against Go)', () => {
    expect(() => decryptAES('k', 'AAAA')).toThrow('runtime error: slice bounds out of range [:16] with capacity 3');
    expect(() => decryptAES('k', 'A'.repeat(44))).toThrow('crypto/cipher: input not full blocks');
    expect(() => decryptAES('k', 'AAAAAAAAAAAAAAAAAAAAAA==')).toThrow('runtime error: index out of range [-1]');
    expect(() => decryptAES('k', '!!')).toThrow('illegal base64 data at input byte 0');
  });
});

describe('randBytes', () => {
  it('returns base64 of n random bytes', () => {
    expect(Buffer.from(randBytes(24n), 'base64')).toHaveLength(24);
    expect(randBytes(24n)).not.toBe(randBytes(24n));
    expect(() => randBytes(-1n)).toThrow('runtime error: makeslice: len out of range');
  });
});

describe('genPrivateKey', () => {
  it.each([
    ['ecdsa', 'EC PRIVATE KEY', 'ec'],
    ['ed25519', 'PRIVATE KEY', 'ed25519'],
    ['rsa', 'RSA PRIVATE KEY', 'rsa'],
  ])('%s', (typ, pemType, kty) => {
    const pem = genPrivateKey(typ);
    expect(pem.startsWith(`-----BEGIN ${pemType}-----\n`)).toBe(true);
    const key = createPrivateKey(pem);
    expect(key.asymmetricKeyType).toBe(kty);
    if (kty === 'rsa') expect(key.asymmetricKeyDetails?.modulusLength).toBe(4096);
  });
  it('dsa: traditional DSA PEM that OpenSSL reads back; Go cannot sign certificates with it', () => {
    const pem = genPrivateKey('dsa');
    expect(pem.startsWith('-----BEGIN DSA PRIVATE KEY-----\n')).toBe(true);
    const key = createPrivateKey(pem);
    expect(key.asymmetricKeyType).toBe('dsa');
    expect(key.asymmetricKeyDetails).toMatchObject({ modulusLength: 2048, divisorLength: 256 });
    expect(() => fn('genCAWithKey')('x', 1n, pem)).toThrow(
      'error creating certificate: x509: certificate private key does not implement crypto.Signer',
    );
  });
  it('unknown type', () => expect(genPrivateKey('x')).toBe('Unknown type x'));
});

describe('certificates', () => {
  it('genCA: self-signed RSA CA with the CN and validity asked for', () => {
    const ca = fn('genCA')('my-ca', 30n) as SprigCertificate;
    const x = new X509Certificate(ca.Cert);
    expect(x.subject).toBe('CN=my-ca');
    expect(x.issuer).toBe('CN=my-ca');
    expect(x.ca).toBe(true);
    expect(x.verify(x.publicKey)).toBe(true);
    const days = (Date.parse(x.validTo) - Date.parse(x.validFrom)) / 86400000;
    expect(Math.round(days)).toBe(30);
    expect(x.checkPrivateKey(createPrivateKey(ca.Key))).toBe(true);
    expect(ca.Key.startsWith('-----BEGIN RSA PRIVATE KEY-----')).toBe(true);
    expect(ca.member('Cert')).toEqual({ field: ca.Cert });
    expect(sprint(ca)).toBe(`{${ca.Cert} ${ca.Key}}`);
  });
  it('genSignedCert: leaf signed by the CA with DNS and IP SANs', () => {
    const ca = fn('genCA')('ca', 10n) as SprigCertificate;
    const leaf = fn('genSignedCert')('svc', ['10.1.2.3', '::1'], ['svc.example.com', 'svc'], 5n, ca) as SprigCertificate;
    const x = new X509Certificate(leaf.Cert);
    expect(x.ca).toBe(false);
    expect(x.issuer).toBe('CN=ca');
    expect(x.verify(new X509Certificate(ca.Cert).publicKey)).toBe(true);
    expect(x.checkIssued(new X509Certificate(ca.Cert))).toBe(true);
    expect(certSANs(leaf.Cert)).toEqual(['svc.example.com', 'svc', '10.1.2.3', '::1']);
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
  });
  it('...WithKey variants use the given key (EC and Ed25519 too)', () => {
    const ecKey = file('inter.key');
    const ca = fn('genCAWithKey')('ec-ca', 10n, ecKey) as SprigCertificate;
    expect(new X509Certificate(ca.Cert).publicKey.export({ format: 'jwk' })).toEqual(
      createPublicKey(ecKey).export({ format: 'jwk' }),
    );
    const ed = genPrivateKey('ed25519');
    const self = fn('genSelfSignedCertWithKey')('ed', null, ['ed.example'], 1n, ed) as SprigCertificate;
    const xs = new X509Certificate(self.Cert);
    expect(xs.verify(xs.publicKey)).toBe(true);
    expect(self.Key).toBe(ed);
    const leaf = fn('genSignedCertWithKey')('l', null, null, 1n, ca, file('leaf.key')) as SprigCertificate;
    expect(new X509Certificate(leaf.Cert).verify(new X509Certificate(ca.Cert).publicKey)).toBe(true);
  });
  it('errors as sprig words them', () => {
    expect(() => fn('genSelfSignedCert')('x', [1n], null, 3n)).toThrow('error parsing ip: 1 is not a string');
    expect(() => fn('genSelfSignedCert')('x', ['1.2.3'], null, 3n)).toThrow('error parsing ip: 1.2.3');
    expect(() => fn('genCAWithKey')('x', 3n, '-----BEGIN FOO-----\nAAAA\n-----END FOO-----\n')).toThrow(
      'parsing private key: no private key data in PEM block of type FOO',
    );
  });
  it('buildCustomCert keeps the given PEM text', () => {
    const c = buildCustomCert(b64(file('leaf.crt')), b64(file('leaf.key')));
    expect(c.Cert).toBe(file('leaf.crt'));
    expect(c.Key).toBe(file('leaf.key'));
    expect(() => buildCustomCert('x', 'y')).toThrow('unable to decode base64 certificate');
    expect(() => buildCustomCert('eA==', 'eQ==')).toThrow('unable to decode certificate');
    expect(() => buildCustomCert(b64(file('leaf.crt')), 'eQ==')).toThrow('error parsing private key: no PEM data in input');
  });
});
