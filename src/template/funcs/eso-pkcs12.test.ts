import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { esoPkcs12Funcs, fullPemToPkcs12Pass, pemToPkcs12Pass, pemTruststoreToPKCS12Pass } from './eso-pkcs12.js';

const dir = new URL('../../../test/fixtures/crypto/', import.meta.url);
const eso = JSON.parse(readFileSync(new URL('eso/vectors.json', dir), 'utf8')) as Record<string, string>;
const file = (p: string): string => readFileSync(new URL(p, dir)).toString('latin1');
const fn = (name: string) => esoPkcs12Funcs.find((f) => f.name === name)!.fn as (...a: string[]) => string;
const b64 = (s: string): string => Buffer.from(s, 'base64').toString('latin1');

// ESO's pkcs12_test.go replaces the random source with one that copies `"0123456789"` into every read.
const mockRand = (n: number): Buffer => {
  const b = Buffer.alloc(n);
  Buffer.from('"0123456789"').copy(b);
  return b;
};

describe('ESO pkcs12 encoders (byte-identical to ESO given ESO test random source)', () => {
  it('pemToPkcs12Pass', () => {
    expect(pemToPkcs12Pass(eso.certData!, eso.keyData!, 'password', mockRand)).toBe(eso.expectedPfx);
  });
  it('fullPemToPkcs12Pass', () => {
    const out = fullPemToPkcs12Pass(eso.certData! + '\n' + eso.otherCert!, eso.keyData!, 'password', mockRand);
    expect(out).toBe(eso.expectedPfxCa);
  });
  it('pemTruststoreToPKCS12Pass', () => {
    const out = pemTruststoreToPKCS12Pass(eso.certData! + '\n' + eso.otherCert!, 'password', mockRand);
    expect(out).toBe(eso.expectedPfxCAs);
  });
});

describe('ESO pkcs12 decoders', () => {
  it('pkcs12key / pkcs12cert without password (template_test.go)', () => {
    expect(fn('pkcs12key')(b64(eso.pkcs12ContentNoPass!))).toBe(eso.pkcs12Key);
    expect(fn('pkcs12cert')(b64(eso.pkcs12ContentNoPass!))).toBe(eso.pkcs12Cert);
  });
  it('pkcs12keyPass / pkcs12certPass with password', () => {
    expect(fn('pkcs12keyPass')('123456', b64(eso.pkcs12ContentWithPass!))).toBe(eso.pkcs12Key);
    expect(fn('pkcs12certPass')('123456', b64(eso.pkcs12ContentWithPass!))).toBe(eso.pkcs12Cert);
  });
  it('wrong password', () => {
    expect(() => fn('pkcs12keyPass')('wrong', b64(eso.pkcs12ContentWithPass!))).toThrow(
      'unable to decode pkcs12 with password: pkcs12: decryption password incorrect',
    );
    expect(() => fn('pkcs12certPass')('wrong', b64(eso.pkcs12ContentWithPass!))).toThrow(
      'unable to decode pkcs12 certificate with password: pkcs12: decryption password incorrect',
    );
  });
  const leaf = file('eso/foo.crt');
  const inter = file('eso/intermediate-ca.crt');
  const root = file('eso/root-ca.crt');
  it('orders the chain leaf → intermediate → root (single bag, Ed25519 root)', () => {
    expect(fn('pkcs12certPass')('', file('eso/foo-nopass.pfx'))).toBe(leaf + inter + root);
    expect(fn('pkcs12certPass')('1234', file('eso/foo-withpass-1234.pfx'))).toBe(leaf + inter + root);
  });
  it('orders a chain spread over several bags', () => {
    expect(fn('pkcs12certPass')('', file('eso/foo-multibag-nopass.pfx'))).toBe(leaf + inter + root);
  });
  it('keeps bag order when a disjunct certificate prevents a chain', () => {
    expect(fn('pkcs12certPass')('', file('eso/foo-disjunct-nopass.pfx'))).toBe(
      leaf + root + inter + file('eso/disjunct-root-ca.crt'),
    );
  });
});
