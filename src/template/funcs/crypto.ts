// sprig's crypto functions (crypto.go in the sprig copy ESO vendors): bcrypt, htpasswd, derivePassword,
// key and certificate generators, AES helpers, randBytes. The hash sums live with the string
// functions. Node's crypto and bcryptjs do the cryptography; outputs follow sprig's formats and error
// texts. Every generator is non-deterministic (random keys, serials, salts, IVs).
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  scryptSync,
  type KeyObject,
} from 'node:crypto';
import { bcryptjs } from '../../common/lazy-packages.js';
import { quote, sprint } from '../fmt.js';
import { GoObject, binToUtf8, type Value } from '../values.js';
import { bin, buf, children, readOne, seq, tlv } from './crypto-der.js';
import { goKeyParseError, tryPrivateKey } from './crypto-keys.js';
import { goStdB64Decode, pemDecode, pemEncode } from './crypto-pemcodec.js';
import { parseCertificate } from './crypto-x509.js';
import { createCertificate, parseIP, type CertTemplate } from './crypto-x509gen.js';
import { base64Decode } from './sprig-misc.js';
import type { FuncEntry } from './eso-types.js';

/** sprig's `certificate` struct: `.Cert` and `.Key` are PEM strings. */
export class SprigCertificate extends GoObject {
  constructor(
    readonly Cert: string,
    readonly Key: string,
  ) {
    super();
  }
  goType(): string {
    return 'sprig.certificate';
  }
  goKind(): string {
    return 'struct';
  }
  goString(): string {
    return `{${this.Cert} ${this.Key}}`;
  }
  override goSyntax(): string {
    return `sprig.certificate{Cert:${quote(this.Cert)}, Key:${quote(this.Key)}}`;
  }
  override member(name: string): { field: Value } | undefined {
    if (name === 'Cert') return { field: this.Cert };
    if (name === 'Key') return { field: this.Key };
    return undefined;
  }
  /** json.Marshal of the struct (exported fields in declaration order). */
  marshalJSON(): string {
    const s = (x: string): string => JSON.stringify(binToUtf8(x)).replace(/[<>&\u2028\u2029]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
    return `{"Cert":${s(this.Cert)},"Key":${s(this.Key)}}`;
  }
}

// ---- bcrypt / htpasswd ----------------------------------------------------------------------------

export function bcrypt(input: string): string {
  // golang.org/x/crypto/bcrypt refuses passwords over 72 bytes instead of truncating them.
  if (input.length > 72) return 'failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes';
  const salt = bcryptjs().genSaltSync(10).replace(/^\$2b\$/, '$2a$');
  return bcryptjs().hashSync(binToUtf8(input), salt);
}

export function htpasswd(username: string, password: string, hashAlgorithm: string): string {
  if (username.includes(':')) return `invalid username: ${username}`;
  if (hashAlgorithm === 'sha') return `${username}:{SHA}${createHash('sha1').update(buf(password)).digest('base64')}`;
  return `${username}:${bcrypt(password)}`;
}

// ---- derivePassword (Master Password algorithm) ----------------------------------------------------

const MASTER_PASSWORD_SEED = 'com.lyndir.masterpassword';

const PASSWORD_TEMPLATES: Record<string, string[]> = {
  maximum: ['anoxxxxxxxxxxxxxxxxx', 'axxxxxxxxxxxxxxxxxno'],
  long: [
    'CvcvnoCvcvCvcv', 'CvcvCvcvnoCvcv', 'CvcvCvcvCvcvno', 'CvccnoCvcvCvcv', 'CvccCvcvnoCvcv', 'CvccCvcvCvcvno',
    'CvcvnoCvccCvcv', 'CvcvCvccnoCvcv', 'CvcvCvccCvcvno', 'CvcvnoCvcvCvcc', 'CvcvCvcvnoCvcc', 'CvcvCvcvCvccno',
    'CvccnoCvccCvcv', 'CvccCvccnoCvcv', 'CvccCvccCvcvno', 'CvcvnoCvccCvcc', 'CvcvCvccnoCvcc', 'CvcvCvccCvccno',
    'CvccnoCvcvCvcc', 'CvccCvcvnoCvcc', 'CvccCvcvCvccno',
  ],
  medium: ['CvcnoCvc', 'CvcCvcno'],
  short: ['Cvcn'],
  basic: ['aaanaaan', 'aannaaan', 'aaannaaa'],
  pin: ['nnnn'],
};

const TEMPLATE_CHARACTERS: Record<string, string> = {
  V: 'AEIOU',
  C: 'BCDFGHJKLMNPQRSTVWXYZ',
  v: 'aeiou',
  c: 'bcdfghjklmnpqrstvwxyz',
  A: 'AEIOUBCDFGHJKLMNPQRSTVWXYZ',
  a: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz',
  n: '0123456789',
  o: "@&%?,=[]_:-+*$#!'^~;()/.",
  x: 'AEIOUaeiouBCDFGHJKLMNPQRSTVWXYZbcdfghjklmnpqrstvwxyz0123456789!@#$%^&*()',
};

const u32 = (n: number | bigint): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(Number(BigInt(n) & 0xffffffffn));
  return b;
};

export function derivePassword(counter: bigint, passwordType: string, password: string, user: string, site: string): string {
  const templates = PASSWORD_TEMPLATES[passwordType];
  if (!templates) return `cannot find password template ${passwordType}`;
  const salt = Buffer.concat([Buffer.from(MASTER_PASSWORD_SEED), u32(user.length), buf(user)]);
  const key = scryptSync(buf(password), salt, 64, { N: 32768, r: 8, p: 2, maxmem: 256 * 1024 * 1024 });
  const message = Buffer.concat([Buffer.from(MASTER_PASSWORD_SEED), u32(site.length), buf(site), u32(counter)]);
  const seed = createHmac('sha256', key).update(message).digest();
  const template = templates[seed[0]! % templates.length]!;
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const chars = TEMPLATE_CHARACTERS[template[i]!]!;
    out += chars[seed[i + 1]! % chars.length];
  }
  return out;
}

// ---- keys -------------------------------------------------------------------------------------------

/** The traditional "DSA PRIVATE KEY" structure sprig writes: SEQUENCE { 0, p, q, g, y, x }. */
function dsaTraditionalDer(key: KeyObject): string {
  const pkcs8 = children(readOne(bin(key.export({ type: 'pkcs8', format: 'der' }))));
  const [, params] = children(pkcs8[1]!);
  const [p, q, g] = children(params!);
  const x = readOne(pkcs8[2]!.value);
  const spki = children(readOne(bin(createPublicKey(key).export({ type: 'spki', format: 'der' }))));
  const y = readOne(spki[1]!.value.slice(1));
  return seq(tlv(0x02, '\x00'), p!.full, q!.full, g!.full, y.full, x.full);
}

/** pemBlockForKey: PKCS#1 for RSA, SEC 1 for EC, the DSA structure, PKCS#8 for the rest. */
export function pemForKey(key: KeyObject): string {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return pemEncode({ type: 'RSA PRIVATE KEY', bytes: bin(key.export({ type: 'pkcs1', format: 'der' })) });
    case 'ec':
      return pemEncode({ type: 'EC PRIVATE KEY', bytes: bin(key.export({ type: 'sec1', format: 'der' })) });
    case 'dsa':
      return pemEncode({ type: 'DSA PRIVATE KEY', bytes: dsaTraditionalDer(key) });
    default:
      return pemEncode({ type: 'PRIVATE KEY', bytes: bin(key.export({ type: 'pkcs8', format: 'der' })) });
  }
}

export function genPrivateKey(typ: string): string {
  switch (typ) {
    case '':
    case 'rsa':
      return pemForKey(generateKeyPairSync('rsa', { modulusLength: 4096 }).privateKey);
    case 'dsa':
      return pemForKey(generateKeyPairSync('dsa', { modulusLength: 2048, divisorLength: 256 }).privateKey);
    case 'ecdsa':
      return pemForKey(generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey);
    case 'ed25519':
      return pemForKey(generateKeyPairSync('ed25519').privateKey);
    default:
      return 'Unknown type ' + typ;
  }
}

/** sprig's parsePrivateKeyPEM, dispatching on the PEM block type. */
export function parsePrivateKeyPEM(pem: string): KeyObject {
  const [block] = pemDecode(pem);
  if (!block) throw new Error('no PEM data in input');
  if (block.type === 'PRIVATE KEY') {
    const k = tryPrivateKey(block.bytes, 'pkcs8');
    if (!k) throw new Error(`decoding PEM as PKCS#8: ${goKeyParseError(block.bytes, 'pkcs8')}`);
    return k;
  }
  if (!block.type.endsWith(' PRIVATE KEY')) throw new Error(`no private key data in PEM block of type ${block.type}`);
  switch (block.type.slice(0, -12)) {
    case 'RSA': {
      const k = tryPrivateKey(block.bytes, 'pkcs1');
      if (!k) throw new Error(`parsing RSA private key from PEM: ${goKeyParseError(block.bytes, 'pkcs1')}`);
      return k;
    }
    case 'EC': {
      const k = tryPrivateKey(block.bytes, 'sec1');
      if (!k) throw new Error(`parsing EC private key from PEM: ${goKeyParseError(block.bytes, 'sec1')}`);
      return k;
    }
    case 'DSA':
      try {
        return createPrivateKey(pemEncode({ type: 'DSA PRIVATE KEY', bytes: block.bytes }));
      } catch {
        throw new Error('parsing DSA private key from PEM: asn1: structure error');
      }
    default:
      throw new Error(`invalid private key type ${block.type}`);
  }
}

// ---- certificates -------------------------------------------------------------------------------

export function buildCustomCert(b64cert: string, b64key: string): SprigCertificate {
  const cert = goStdB64Decode(b64cert);
  if (cert === undefined) throw new Error('unable to decode base64 certificate');
  const key = goStdB64Decode(b64key);
  if (key === undefined) throw new Error('unable to decode base64 private key');
  const [block] = pemDecode(cert);
  if (!block) throw new Error('unable to decode certificate');
  try {
    parseCertificate(block.bytes);
  } catch (e) {
    throw new Error(`error parsing certificate: decodedCert.Bytes: ${(e as Error).message}`);
  }
  try {
    parsePrivateKeyPEM(key);
  } catch (e) {
    throw new Error(`error parsing private key: ${(e as Error).message}`);
  }
  return new SprigCertificate(cert, key);
}

const newRsa2048 = (): KeyObject => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

function withPemKey(privPEM: string): KeyObject {
  try {
    return parsePrivateKeyPEM(privPEM);
  } catch (e) {
    throw new Error(`parsing private key: ${(e as Error).message}`);
  }
}

/** getNetIPs / getAlternateDNSStrs. */
function template(cn: string, ips: Value[] | null, dns: Value[] | null, daysValid: bigint, isCA: boolean): CertTemplate {
  const ipBytes = (ips ?? []).map((ip) => {
    if (typeof ip !== 'string') throw new Error(`error parsing ip: ${sprint(ip)} is not a string`);
    const raw = parseIP(ip);
    if (raw === undefined) throw new Error(`error parsing ip: ${ip}`);
    return raw;
  });
  const dnsNames = (dns ?? []).map((d) => {
    if (typeof d !== 'string') throw new Error(`error processing alternate dns name: ${sprint(d)} is not a string`);
    return d;
  });
  return { commonName: cn, ips: ipBytes, dnsNames, daysValid, isCA };
}

/** getCertAndKey: sign, then PEM the certificate and the signee key. */
function certAndKey(t: CertTemplate, signee: KeyObject, signer: KeyObject, parent: ReturnType<typeof parseCertificate> | undefined): SprigCertificate {
  let der: string;
  try {
    der = createCertificate(t, signee, signer, parent);
  } catch (e) {
    throw new Error(`error creating certificate: ${(e as Error).message}`);
  }
  return new SprigCertificate(pemEncode({ type: 'CERTIFICATE', bytes: der }), pemForKey(signee));
}

export function genCAWithKey(cn: string, daysValid: bigint, key: KeyObject): SprigCertificate {
  return certAndKey(template(cn, null, null, daysValid, true), key, key, undefined);
}

export function genSelfSignedCertWithKey(cn: string, ips: Value[] | null, dns: Value[] | null, daysValid: bigint, key: KeyObject): SprigCertificate {
  return certAndKey(template(cn, ips, dns, daysValid, false), key, key, undefined);
}

export function genSignedCertWithKey(
  cn: string,
  ips: Value[] | null,
  dns: Value[] | null,
  daysValid: bigint,
  ca: SprigCertificate,
  key: KeyObject,
): SprigCertificate {
  const [block] = pemDecode(ca.Cert);
  if (!block) throw new Error('unable to decode certificate');
  let signerCert;
  try {
    signerCert = parseCertificate(block.bytes);
  } catch (e) {
    throw new Error(`error parsing certificate: decodedSignerCert.Bytes: ${(e as Error).message}`);
  }
  let signerKey: KeyObject;
  try {
    signerKey = parsePrivateKeyPEM(ca.Key);
  } catch (e) {
    throw new Error(`error parsing private key: ${(e as Error).message}`);
  }
  return certAndKey(template(cn, ips, dns, daysValid, false), key, signerKey, signerCert);
}

// ---- AES ----------------------------------------------------------------------------------------

/** The 32-byte AES key sprig makes from a password: truncated or zero-padded. */
function aesKey(password: string): Buffer {
  const key = Buffer.alloc(32);
  buf(password).copy(key, 0, 0, 32);
  return key;
}

export function encryptAES(password: string, plaintext: string, rand: (n: number) => Buffer = randomBytes): string {
  if (plaintext === '') return '';
  const content = buf(plaintext);
  const padding = 16 - (content.length % 16);
  const padded = Buffer.concat([content, Buffer.alloc(padding, padding)]);
  const iv = rand(16);
  const c = createCipheriv('aes-256-cbc', aesKey(password), iv);
  c.setAutoPadding(false);
  return Buffer.concat([iv, c.update(padded), c.final()]).toString('base64');
}

export function decryptAES(password: string, crypt64: string): string {
  if (crypt64 === '') return '';
  const crypt = buf(base64Decode(crypt64));
  // The panics below are what Go's slicing and crypto/cipher raise; text/template reports them.
  if (crypt.length < 16) throw new Error(`runtime error: slice bounds out of range [:16] with capacity ${crypt.length}`);
  const body = crypt.subarray(16);
  if (body.length % 16 !== 0) throw new Error('crypto/cipher: input not full blocks');
  if (body.length === 0) throw new Error('runtime error: index out of range [-1]');
  const d = createDecipheriv('aes-256-cbc', aesKey(password), crypt.subarray(0, 16));
  d.setAutoPadding(false);
  const decrypted = Buffer.concat([d.update(body), d.final()]);
  const cut = decrypted.length - decrypted[decrypted.length - 1]!;
  if (cut < 0) throw new Error(`runtime error: slice bounds out of range [:${cut}]`);
  return bin(decrypted.subarray(0, cut));
}

export function randBytes(count: bigint): string {
  if (count < 0n) throw new Error('runtime error: makeslice: len out of range');
  return randomBytes(Number(count)).toString('base64');
}

// ---- table --------------------------------------------------------------------------------------

const CERT = 'sprig.certificate';

export const cryptoFuncs: FuncEntry[] = [
  { name: 'bcrypt', sig: 'func(string) string', fn: bcrypt, nondeterministic: true },
  // sprig 3.3's third parameter is the named string type sprig.HashAlgorithm: a string constant converts
  // to it, a string-typed value (variable, field, pipeline) is refused with "wrong type for value".
  { name: 'htpasswd', sig: 'func(string, string, sprig.HashAlgorithm) string', fn: htpasswd, nondeterministic: true },
  { name: 'genPrivateKey', sig: 'func(string) string', fn: genPrivateKey, nondeterministic: true },
  { name: 'derivePassword', sig: 'func(uint32, string, string, string, string) string', fn: derivePassword },
  { name: 'buildCustomCert', sig: `func(string, string) (${CERT}, error)`, fn: buildCustomCert },
  {
    name: 'genCA',
    sig: `func(string, int) (${CERT}, error)`,
    fn: (cn: string, days: bigint) => genCAWithKey(cn, days, newRsa2048()),
    nondeterministic: true,
  },
  {
    name: 'genCAWithKey',
    sig: `func(string, int, string) (${CERT}, error)`,
    fn: (cn: string, days: bigint, pem: string) => genCAWithKey(cn, days, withPemKey(pem)),
    nondeterministic: true,
  },
  {
    name: 'genSelfSignedCert',
    sig: `func(string, []interface {}, []interface {}, int) (${CERT}, error)`,
    fn: (cn: string, ips: Value[] | null, dns: Value[] | null, days: bigint) =>
      genSelfSignedCertWithKey(cn, ips, dns, days, newRsa2048()),
    nondeterministic: true,
  },
  {
    name: 'genSelfSignedCertWithKey',
    sig: `func(string, []interface {}, []interface {}, int, string) (${CERT}, error)`,
    fn: (cn: string, ips: Value[] | null, dns: Value[] | null, days: bigint, pem: string) =>
      genSelfSignedCertWithKey(cn, ips, dns, days, withPemKey(pem)),
    nondeterministic: true,
  },
  {
    name: 'genSignedCert',
    sig: `func(string, []interface {}, []interface {}, int, ${CERT}) (${CERT}, error)`,
    fn: (cn: string, ips: Value[] | null, dns: Value[] | null, days: bigint, ca: SprigCertificate) =>
      genSignedCertWithKey(cn, ips, dns, days, ca, newRsa2048()),
    nondeterministic: true,
  },
  {
    name: 'genSignedCertWithKey',
    sig: `func(string, []interface {}, []interface {}, int, ${CERT}, string) (${CERT}, error)`,
    fn: (cn: string, ips: Value[] | null, dns: Value[] | null, days: bigint, ca: SprigCertificate, pem: string) =>
      genSignedCertWithKey(cn, ips, dns, days, ca, withPemKey(pem)),
    nondeterministic: true,
  },
  {
    name: 'encryptAES',
    sig: 'func(string, string) (string, error)',
    fn: (password: string, plaintext: string) => encryptAES(password, plaintext),
    nondeterministic: true,
  },
  { name: 'decryptAES', sig: 'func(string, string) (string, error)', fn: decryptAES },
  { name: 'randBytes', sig: 'func(int) (string, error)', fn: randBytes, nondeterministic: true },
];
