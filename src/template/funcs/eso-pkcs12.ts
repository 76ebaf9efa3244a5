// ESO's PKCS#12 functions (runtime/template/v2/pkcs12.go). Inputs and outputs are Go strings: the
// PKCS#12 to decode is raw DER (pipe base64 through b64dec first); encoders return standard base64.
import { randomBytes } from 'node:crypto';
import { pemDecode, pemEncode } from './crypto-pemcodec.js';
import { esoParsePrivateKey, marshalPkcs8 } from './crypto-keys.js';
import { parseCertificate, type Certificate } from './crypto-x509.js';
import { decodeChain, encodeModern, encodeTrustStoreModern, type RandomSource } from './crypto-pkcs12.js';
import { orderedChainPem } from './eso-pem.js';
import type { FuncEntry } from './eso-types.js';

/** What Go's text/template reports when a function dereferences a nil *pem.Block. */
const NIL_DEREF = 'runtime error: invalid memory address or nil pointer dereference';

export function pkcs12keyPass(pass: string, input: string): string {
  let key;
  try {
    key = decodeChain(input, pass).privateKey;
  } catch (e) {
    throw new Error('unable to decode pkcs12 with password: ' + (e as Error).message);
  }
  return pemEncode({ type: 'PRIVATE KEY', bytes: marshalPkcs8(key) });
}

export function pkcs12certPass(pass: string, input: string): string {
  let chain;
  try {
    chain = decodeChain(input, pass);
  } catch (e) {
    throw new Error('unable to decode pkcs12 certificate with password: ' + (e as Error).message);
  }
  const pemData = [chain.certificate, ...chain.caCerts]
    .map((c) => pemEncode({ type: 'CERTIFICATE', bytes: c.raw }))
    .join('');
  try {
    return orderedChainPem(pemData);
  } catch {
    return pemData; // no single chain: keep the bag order
  }
}

/** The first PEM block's certificate; a missing block is Go's nil dereference. */
function firstCert(pem: string): [Certificate, string] {
  const [block, rest] = pemDecode(pem);
  if (!block) throw new Error(NIL_DEREF);
  return [parseCertificate(block.bytes), rest];
}

/** parseCaCerts: every remaining byte must belong to a certificate block. */
function parseCaCerts(data: string): Certificate[] {
  const certs: Certificate[] = [];
  let rest = data;
  while (rest.length > 0) {
    const [block, r] = pemDecode(rest);
    if (!block) throw new Error(NIL_DEREF);
    rest = r;
    certs.push(parseCertificate(block.bytes));
  }
  return certs;
}

function certsKeyToPkcs12(cert: Certificate, keyPem: string, caCerts: Certificate[], pass: string, rand: RandomSource): string {
  const [block] = pemDecode(keyPem);
  if (!block) throw new Error(NIL_DEREF);
  const key = esoParsePrivateKey(block.bytes);
  return Buffer.from(encodeModern(key, cert, caCerts, pass, rand), 'latin1').toString('base64');
}

export function pemToPkcs12Pass(cert: string, key: string, pass: string, rand: RandomSource = randomBytes): string {
  return certsKeyToPkcs12(firstCert(cert)[0], key, [], pass, rand);
}

export function fullPemToPkcs12Pass(cert: string, key: string, pass: string, rand: RandomSource = randomBytes): string {
  const [leaf, rest] = firstCert(cert);
  return certsKeyToPkcs12(leaf, key, parseCaCerts(rest), pass, rand);
}

export function pemTruststoreToPKCS12Pass(cert: string, pass: string, rand: RandomSource = randomBytes): string {
  const certs = parseCaCerts(cert);
  return Buffer.from(encodeTrustStoreModern(certs, pass, rand), 'latin1').toString('base64');
}

export const esoPkcs12Funcs: FuncEntry[] = [
  { name: 'pkcs12key', sig: 'func(string) (string, error)', fn: (p12: string) => pkcs12keyPass('', p12) },
  { name: 'pkcs12keyPass', sig: 'func(string, string) (string, error)', fn: (pass: string, p12: string) => pkcs12keyPass(pass, p12) },
  { name: 'pkcs12cert', sig: 'func(string) (string, error)', fn: (p12: string) => pkcs12certPass('', p12) },
  { name: 'pkcs12certPass', sig: 'func(string, string) (string, error)', fn: (pass: string, p12: string) => pkcs12certPass(pass, p12) },
  {
    name: 'pemToPkcs12',
    sig: 'func(string, string) (string, error)',
    fn: (cert: string, key: string) => pemToPkcs12Pass(cert, key, ''),
    nondeterministic: true,
  },
  {
    name: 'pemToPkcs12Pass',
    sig: 'func(string, string, string) (string, error)',
    fn: (cert: string, key: string, pass: string) => pemToPkcs12Pass(cert, key, pass),
    nondeterministic: true,
  },
  {
    name: 'fullPemToPkcs12',
    sig: 'func(string, string) (string, error)',
    fn: (cert: string, key: string) => fullPemToPkcs12Pass(cert, key, ''),
    nondeterministic: true,
  },
  {
    name: 'fullPemToPkcs12Pass',
    sig: 'func(string, string, string) (string, error)',
    fn: (cert: string, key: string, pass: string) => fullPemToPkcs12Pass(cert, key, pass),
    nondeterministic: true,
  },
  {
    name: 'pemTruststoreToPKCS12',
    sig: 'func(string) (string, error)',
    fn: (cert: string) => pemTruststoreToPKCS12Pass(cert, ''),
    nondeterministic: true,
  },
  {
    name: 'pemTruststoreToPKCS12Pass',
    sig: 'func(string, string) (string, error)',
    fn: (cert: string, pass: string) => pemTruststoreToPKCS12Pass(cert, pass),
    nondeterministic: true,
  },
];
