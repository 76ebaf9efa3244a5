import { readFileSync } from 'node:fs';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { certSANs, filterCertChain, filterPEM } from './eso-pem.js';
import { pkcs12certPass, pkcs12keyPass, pemToPkcs12Pass, fullPemToPkcs12Pass, pemTruststoreToPKCS12Pass } from './eso-pkcs12.js';
import { pemDecode, pemEncode } from './crypto-pemcodec.js';
import { decodeChain } from './crypto-pkcs12.js';

const dir = new URL('../../../test/fixtures/crypto/', import.meta.url);
const eso = JSON.parse(readFileSync(new URL('eso/vectors.json', dir), 'utf8')) as Record<string, string>;
const file = (p: string): string => readFileSync(new URL(p, dir)).toString('latin1');
const root = file('root.crt');
const inter = file('inter.crt');
const leaf = file('leaf.crt');
const leafKey = file('leaf.key');

describe('Go PEM codec', () => {
  it('decodes with headers, skips junk and malformed blocks, re-encodes Go style', () => {
    const withHeaders = '-----BEGIN X-----\nb: 2\nProc-Type: 4,ENCRYPTED\na: 1\n\nAAEC\n-----END X-----\n';
    const [block, rest] = pemDecode('junk\n-----BEGIN BAD-----\nnope\n' + withHeaders + 'tail');
    expect(block?.type).toBe('X');
    expect(block?.bytes).toBe('\x00\x01\x02');
    expect(rest).toBe('tail');
    expect(pemEncode(block!)).toBe('-----BEGIN X-----\nProc-Type: 4,ENCRYPTED\na: 1\nb: 2\n\nAAEC\n-----END X-----\n');
  });
  it('rejects a block whose END type differs or whose base64 is bad', () => {
    expect(pemDecode('-----BEGIN A-----\nAAEC\n-----END B-----\n')[0]).toBeUndefined();
    expect(pemDecode('-----BEGIN A-----\nAA=C\n-----END A-----\n')[0]).toBeUndefined();
  });
  it('wraps base64 at 64 columns', () => {
    const out = pemEncode({ type: 'T', bytes: 'x'.repeat(100) });
    expect(out.split('\n').map((l) => l.length)).toEqual([17, 64, 64, 8, 15, 0]);
  });
});

describe('filterPEM (ESO pem_test.go cases)', () => {
  const { certData, keyData, otherCert } = eso as Record<string, string>;
  it.each([
    ['cert first', certData! + keyData!, 'certificate', certData],
    ['key first', keyData! + certData!, 'certificate', certData],
    ['multiple certs', keyData! + certData! + keyData! + otherCert!, 'certificate', certData! + otherCert!],
    ['key', keyData! + certData!, 'private key', keyData],
    ['key with junk', certData! + keyData! + 'some ---junk---', 'private key', keyData],
    ['begin/end junk', 'some junk' + certData! + keyData! + 'some ---junk---', 'private key', keyData],
  ])('%s', (_n, input, type, want) => expect(filterPEM(type, input)).toBe(want));
  it('interleaved junk hides the key', () =>
    expect(() => filterPEM('private key', certData! + 'some junk' + keyData!)).toThrow('error filtering pem: found junk'));
  it('junk only', () => expect(() => filterPEM('private key', '---junk---')).toThrow('error filtering pem: found junk'));
  it('nothing matched but all consumed gives ""', () => expect(filterPEM('EC PRIVATE KEY', certData!)).toBe(''));
});

describe('filterCertChain', () => {
  const full = leaf + root + inter; // any order
  it('leaf / intermediate / root from an unordered chain', () => {
    expect(filterCertChain('leaf', full)).toBe(leaf);
    expect(filterCertChain('intermediate', full)).toBe(inter);
    expect(filterCertChain('root', full)).toBe(root);
    expect(filterCertChain('other', full)).toBe('');
  });
  it('single certificates', () => {
    expect(filterCertChain('leaf', leaf)).toBe(leaf);
    expect(filterCertChain('root', leaf)).toBe('');
    expect(filterCertChain('leaf', root)).toBe('');
    expect(filterCertChain('root', root)).toBe(root);
    expect(filterCertChain('intermediate', leaf)).toBe('');
  });
  it('ESO _testdata chain (Ed25519 root, EC intermediate)', () => {
    const e = (f: string) => file('eso/' + f);
    expect(filterCertChain('leaf', e('chain.pem'))).toBe(e('foo.crt'));
    expect(filterCertChain('intermediate', e('chain.pem'))).toBe(e('intermediate-ca.crt'));
    expect(filterCertChain('root', e('chain.pem'))).toBe(e('root-ca.crt'));
  });
  it('errors', () => {
    expect(() => filterCertChain('leaf', '')).toThrow('no leaf certificate found');
    expect(() => filterCertChain('leaf', leaf + file('eso/disjunct-root-ca.crt'))).toThrow(
      'found multiple leaf or disjunct certificates',
    );
    expect(() => filterCertChain('leaf', leaf + leafKey)).toThrow(/x509/);
  });
});

describe('certSANs', () => {
  it('DNS, then IPs (Go formatting), then emails, then URIs', () => {
    expect(certSANs(leaf)).toEqual([
      'leaf.example.com',
      'alt.example.com',
      '10.0.0.1',
      '2001:db8::1',
      '192.0.2.7',
      'ops@example.com',
      'spiffe://example.org/app',
    ]);
  });
  it('ESO vector and junk before the block', () => expect(certSANs('junk' + eso.pkcs12Cert!)).toEqual(['gooble.com']));
  it('no SANs gives an empty list', () => expect(certSANs(root)).toEqual([]));
  it('errors', () => {
    expect(() => certSANs('not-a-pem')).toThrow('failed to decode PEM block');
    expect(() => certSANs(leafKey)).toThrow(/^failed to parse certificate: x509/);
  });
});

describe('pkcs12 with openssl-made bundles', () => {
  const p12 = (f: string) => file(f);
  it('key and ordered chain from a passwordless and a password bundle (OpenSSL 3 AES/PBKDF2)', () => {
    for (const [f, pw] of [['leaf-nopass.p12', ''], ['leaf-pass.p12', 's3cret']] as const) {
      expect(pkcs12certPass(pw, p12(f))).toBe(leaf + inter + root);
      const key = pkcs12keyPass(pw, p12(f));
      expect(key.startsWith('-----BEGIN PRIVATE KEY-----\n')).toBe(true);
      expect(new X509Certificate(leaf).checkPrivateKey(createKey(key))).toBe(true);
    }
  });
  it('non-ASCII password (UTF-8 for PBES2, UCS-2 for the MAC, as Go and OpenSSL agree)', () => {
    expect(pkcs12certPass(Buffer.from('pässwörd').toString('latin1'), p12('leaf-utf8pass.p12'))).toBe(leaf);
    expect(() => pkcs12certPass('passwort', p12('leaf-utf8pass.p12'))).toThrow('decryption password incorrect');
    const ours = Buffer.from(pemToPkcs12Pass(leaf, leafKey, Buffer.from('pässwörd').toString('latin1')), 'base64');
    expect(openssl(['pkcs12', '-nokeys', '-passin', 'pass:pässwörd'], ours)).toContain('BEGIN CERTIFICATE');
  });
  it('legacy 3DES bundle and EC key', () => {
    expect(pkcs12certPass('s3cret', p12('leaf-legacy-3des.p12'))).toBe(leaf);
    const ecKey = pkcs12keyPass('s3cret', p12('ec-pass.p12'));
    expect(new X509Certificate(inter).checkPrivateKey(createKey(ecKey))).toBe(true);
  });
  it('round trip through the encoders', () => {
    const b = (s: string) => Buffer.from(s, 'base64').toString('latin1');
    const single = decodeChain(b(pemToPkcs12Pass(leaf + inter, leafKey, 'pw')), 'pw');
    expect(single.caCerts).toHaveLength(0);
    expect(pemEncode({ type: 'CERTIFICATE', bytes: single.certificate.raw })).toBe(leaf);
    expect(pkcs12certPass('pw', b(fullPemToPkcs12Pass(leaf + inter + root, leafKey, 'pw')))).toBe(leaf + inter + root);
    // openssl reads ours too: cert and key match.
    const k = pkcs12keyPass('', b(pemToPkcs12Pass(inter, file('inter.key'), '')));
    expect(new X509Certificate(inter).checkPrivateKey(createKey(k))).toBe(true);
  });
  it('openssl reads our bundles and trust stores', () => {
    const ts = Buffer.from(pemTruststoreToPKCS12Pass(root + inter, 'pw'), 'base64');
    const tsOut = openssl(['pkcs12', '-nokeys', '-passin', 'pass:pw'], ts);
    expect(tsOut).toContain('friendlyName: CN=Test Root CA,O=eso-render test,C=DE');
    expect(tsOut).toContain('friendlyName: CN=Test Intermediate CA,O=eso-render test');
    expect(tsOut.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    const bundle = Buffer.from(fullPemToPkcs12Pass(leaf + inter, leafKey, 'pw'), 'base64');
    const out = openssl(['pkcs12', '-nodes', '-passin', 'pass:pw'], bundle);
    expect(out.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(out).toContain('BEGIN PRIVATE KEY');
  });
  it('errors', () => {
    expect(() => pkcs12keyPass('nope', p12('leaf-pass.p12'))).toThrow(
      'unable to decode pkcs12 with password: pkcs12: decryption password incorrect',
    );
    expect(() => pkcs12keyPass('', 'garbage')).toThrow(/^unable to decode pkcs12 with password: pkcs12: error reading P12 data/);
    expect(() => pemToPkcs12Pass('no pem', leafKey, '')).toThrow('runtime error: invalid memory address or nil pointer dereference');
    expect(() => fullPemToPkcs12Pass(leaf + '\n', leafKey, '')).toThrow('runtime error: invalid memory address');
    expect(() => pemToPkcs12Pass(leaf, '-----BEGIN X-----\nAAAA\n-----END X-----\n', '')).toThrow('unable to parse private key type');
  });
});

function createKey(pem: string) {
  return createPrivateKey(pem);
}

function openssl(args: string[], input: Buffer): string {
  return execFileSync('openssl', args, { input }).toString('latin1');
}
