// PKCS#12 decoding and encoding with the behaviour of software.sslmate.com/src/go-pkcs12 (the library
// ESO's pkcs12* functions call): DecodeChain's bag rules and errors, and the `Modern` (2023) encoder's
// exact layout so outputs match ESO's byte for byte given the same random bytes.
// Primitives come from libraries: Node's crypto (PBKDF2, HMAC, AES, 3DES) and node-forge (the
// RFC 7292 appendix B key derivation and RC2, which OpenSSL 3 only ships in its legacy provider).
import { createCipheriv, createDecipheriv, createHmac, pbkdf2Sync, randomBytes, type KeyObject } from 'node:crypto';
import type forge from 'node-forge';
import { nodeForge } from '../../common/lazy-packages.js';
import {
  TAG,
  bin,
  buf,
  children,
  explicit,
  integer,
  intValue,
  isContext,
  isUniversal,
  octets,
  oid,
  oidToString,
  readOne,
  seq,
  set,
  tlv,
  type Tlv,
} from './crypto-der.js';
import { goKeyParseError, marshalPkcs8, tryPrivateKey } from './crypto-keys.js';
import { parseCertificate, splitDerSequence, type Certificate } from './crypto-x509.js';
import { binToRunes } from '../values.js';

export type RandomSource = (n: number) => Buffer;

const OID = {
  data: '1.2.840.113549.1.7.1',
  encryptedData: '1.2.840.113549.1.7.6',
  keyBag: '1.2.840.113549.1.12.10.1.1',
  shroudedKeyBag: '1.2.840.113549.1.12.10.1.2',
  certBag: '1.2.840.113549.1.12.10.1.3',
  x509Certificate: '1.2.840.113549.1.9.22.1',
  localKeyId: '1.2.840.113549.1.9.21',
  friendlyName: '1.2.840.113549.1.9.20',
  javaTrustStore: '2.16.840.1.113894.746875.1.1',
  anyExtendedKeyUsage: '2.5.29.37.0',
  pbeSha3DES: '1.2.840.113549.1.12.1.3',
  pbeSha128RC2: '1.2.840.113549.1.12.1.5',
  pbeSha40RC2: '1.2.840.113549.1.12.1.6',
  pbes2: '1.2.840.113549.1.5.13',
  pbkdf2: '1.2.840.113549.1.5.12',
  pbmac1: '1.2.840.113549.1.5.14',
  hmacSha1: '1.2.840.113549.2.7',
  hmacSha256: '1.2.840.113549.2.9',
  hmacSha512: '1.2.840.113549.2.11',
  aes128cbc: '2.16.840.1.101.3.4.1.2',
  aes192cbc: '2.16.840.1.101.3.4.1.22',
  aes256cbc: '2.16.840.1.101.3.4.1.42',
  sha1: '1.3.14.3.2.26',
  sha256: '2.16.840.1.101.3.4.2.1',
  sha512: '2.16.840.1.101.3.4.2.3',
} as const;

const notImplemented = (msg: string): Error => new Error('pkcs12: ' + msg);
const ERR_INCORRECT_PASSWORD = 'pkcs12: decryption password incorrect';
const ERR_DECRYPTION = 'pkcs12: decryption error, incorrect padding';

// ---- passwords ----------------------------------------------------------------------------------

/** bmpStringZeroTerminated: UCS-2 big-endian of the password's runes plus two zero bytes. */
export function bmpPassword(password: string): string {
  let out = '';
  for (const r of binToRunes(password)) {
    if (r >= 0x10000) throw new Error('pkcs12: string contains characters that cannot be encoded in UCS-2');
    out += String.fromCharCode(r >> 8, r & 0xff);
  }
  return out + '\x00\x00';
}

/** decodeBMPString back to a Go (UTF-8) string, for PBES2/PBMAC1 which use the UTF-8 password. */
function bmpToUtf8(bmp: string | null): string {
  if (bmp === null) return '';
  let s = bmp;
  if (s.length >= 2 && s.endsWith('\x00\x00')) s = s.slice(0, -2);
  let js = '';
  for (let i = 0; i + 1 < s.length; i += 2) js += String.fromCharCode((s.charCodeAt(i) << 8) | s.charCodeAt(i + 1));
  return Buffer.from(js, 'utf8').toString('latin1');
}

/** RFC 7292 appendix B key derivation (forge's implementation) with Go's password bytes. */
function pkcs12Kdf(md: 'sha1' | 'sha256' | 'sha512', salt: string, bmp: string | null, iter: number, id: number, size: number): string {
  // forge re-adds the terminating zero itself and treats null as the empty (no-bytes) password.
  let pw: string | null = null;
  if (bmp !== null) {
    pw = '';
    const body = bmp.endsWith('\x00\x00') ? bmp.slice(0, -2) : bmp;
    for (let i = 0; i + 1 < body.length; i += 2) pw += String.fromCharCode((body.charCodeAt(i) << 8) | body.charCodeAt(i + 1));
  }
  const forge = nodeForge();
  const mdObj = forge.md[md].create();
  const key = forge.pkcs12.generateKey(pw as string, forge.util.createBuffer(salt), id, iter, size, mdObj);
  return key.getBytes();
}

// ---- password-based encryption ------------------------------------------------------------------

interface CbcCipher {
  blockSize: number;
  decrypt(data: string): string;
  encrypt(data: string): string;
}

function nodeCbc(name: string, key: string, iv: string, blockSize: number): CbcCipher {
  const run = (c: ReturnType<typeof createCipheriv>, data: string): string => {
    c.setAutoPadding(false);
    return bin(Buffer.concat([c.update(buf(data)), c.final()]));
  };
  return {
    blockSize,
    decrypt: (data) => run(createDecipheriv(name, buf(key), buf(iv)) as never, data),
    encrypt: (data) => run(createCipheriv(name, buf(key), buf(iv)), data),
  };
}

function rc2Cbc(key: string, iv: string): CbcCipher {
  // forge.rc2 ciphers: start(iv), update(buffer), finish(pad) where our pad hook keeps the padding.
  interface Rc2 {
    start(iv: forge.util.ByteStringBuffer): void;
    update(input: forge.util.ByteStringBuffer): void;
    finish(pad: () => boolean): boolean;
    output: forge.util.ByteStringBuffer;
  }
  const run = (c: Rc2, data: string): string => {
    c.start(nodeForge().util.createBuffer(iv));
    c.update(nodeForge().util.createBuffer(data));
    c.finish(() => true);
    return c.output.getBytes();
  };
  const bits = key.length * 8;
  return {
    blockSize: 8,
    decrypt: (data) => run(nodeForge().rc2.createDecryptionCipher(nodeForge().util.createBuffer(key), bits) as never, data),
    encrypt: (data) => run(nodeForge().rc2.createEncryptionCipher(nodeForge().util.createBuffer(key), bits) as never, data),
  };
}

function algorithmOf(alg: Tlv): { id: string; params: Tlv | undefined } {
  const [id, params] = children(alg);
  return { id: oidToString(id!.value), params };
}

/** pbeCipherFor: the CBC cipher for a PBE AlgorithmIdentifier and the BMP password. */
function pbeCipher(alg: Tlv, bmp: string | null): CbcCipher {
  const { id, params } = algorithmOf(alg);
  if (id === OID.pbes2) return pbes2Cipher(params, bmpToUtf8(bmp));
  let keyLen: number;
  if (id === OID.pbeSha3DES) keyLen = 24;
  else if (id === OID.pbeSha128RC2) keyLen = 16;
  else if (id === OID.pbeSha40RC2) keyLen = 5;
  else throw notImplemented(`pbe algorithm ${id} is not supported`);
  const [salt, iters] = children(params!);
  const n = intValue(iters!);
  const key = pkcs12Kdf('sha1', salt!.value, bmp, n, 1, keyLen);
  const iv = pkcs12Kdf('sha1', salt!.value, bmp, n, 2, 8);
  return id === OID.pbeSha3DES ? nodeCbc('des-ede3-cbc', key, iv, 8) : rc2Cbc(key, iv);
}

function pbkdf2Prf(prf: Tlv | undefined, what: string): 'sha1' | 'sha256' | 'sha512' {
  if (!prf) return 'sha1';
  const id = algorithmOf(prf).id;
  if (id === OID.hmacSha256) return 'sha256';
  if (id === OID.hmacSha512) return 'sha512';
  if (id === OID.hmacSha1) return 'sha1';
  throw notImplemented(`${what} ${id} is not supported`);
}

function pbes2Cipher(params: Tlv | undefined, password: string): CbcCipher {
  const [kdf, scheme] = children(params!);
  const kdfAlg = algorithmOf(kdf!);
  if (kdfAlg.id !== OID.pbkdf2) throw notImplemented(`pbes2 kdf algorithm ${kdfAlg.id} is not supported`);
  const kp = children(kdfAlg.params!);
  const salt = kp[0]!;
  if (!isUniversal(salt, TAG.OCTET_STRING)) throw notImplemented('only octet string salts are supported for pbes2/pbkdf2');
  const iterations = intValue(kp[1]!);
  const prf = pbkdf2Prf(kp.slice(2).find((t) => isUniversal(t, TAG.SEQUENCE)), 'pbes2 prf');
  const enc = algorithmOf(scheme!);
  const keyLen = { [OID.aes256cbc]: 32, [OID.aes192cbc]: 24, [OID.aes128cbc]: 16 }[enc.id];
  if (!keyLen) throw notImplemented(`pbes2 algorithm ${enc.id} is not supported`);
  const key = bin(pbkdf2Sync(buf(password), buf(salt.value), iterations, keyLen, prf));
  const iv = enc.params?.value ?? '';
  if (iv.length !== 16)
    throw new Error(
      `pkcs12: invalid IV length in PBES2 encryption scheme (IV length ${iv.length} does not match block size 16)`,
    );
  return nodeCbc(`aes-${keyLen * 8}-cbc`, key, iv, 16);
}

/** pbDecrypt with go-pkcs12's padding checks. */
function pbDecrypt(alg: Tlv, encrypted: string, bmp: string | null): string {
  const c = pbeCipher(alg, bmp);
  if (encrypted.length === 0) throw new Error('pkcs12: empty encrypted data');
  if (encrypted.length % c.blockSize !== 0) throw new Error('pkcs12: input is not a multiple of the block size');
  const out = c.decrypt(encrypted);
  const ps = out.charCodeAt(out.length - 1);
  if (ps === 0 || ps > c.blockSize || out.length < ps) throw new Error(ERR_DECRYPTION);
  if (out.slice(out.length - ps) !== String.fromCharCode(ps).repeat(ps)) throw new Error(ERR_DECRYPTION);
  return out.slice(0, out.length - ps);
}

function pbEncrypt(algDer: string, data: string, bmp: string): string {
  const c = pbeCipher(readOne(algDer), bmp);
  const ps = c.blockSize - (data.length % c.blockSize);
  return c.encrypt(data + String.fromCharCode(ps).repeat(ps));
}

// ---- MAC ----------------------------------------------------------------------------------------

interface MacData {
  algorithm: Tlv;
  digest: string;
  salt: string;
  iterations: number;
}

function computeMac(mac: { algorithm: Tlv; salt: string; iterations: number }, message: string, bmp: string | null): string {
  const { id, params } = algorithmOf(mac.algorithm);
  if (id === OID.pbmac1) return pbmac1(params, message, bmpToUtf8(bmp));
  const md = id === OID.sha1 ? 'sha1' : id === OID.sha256 ? 'sha256' : id === OID.sha512 ? 'sha512' : undefined;
  if (!md) throw notImplemented(`MAC digest algorithm not supported: ${id}`);
  const size = { sha1: 20, sha256: 32, sha512: 64 }[md];
  const key = pkcs12Kdf(md, mac.salt, bmp, mac.iterations, 3, size);
  return bin(createHmac(md, buf(key)).update(buf(message)).digest());
}

function pbmac1(params: Tlv | undefined, message: string, password: string): string {
  const [kdf, macAlg] = children(params!);
  const kdfAlg = algorithmOf(kdf!);
  if (kdfAlg.id !== OID.pbkdf2) throw notImplemented(`PBMAC1 KDF algorithm ${kdfAlg.id} is not supported`);
  const kp = children(kdfAlg.params!);
  const salt = kp[0]!;
  if (!isUniversal(salt, TAG.OCTET_STRING)) throw notImplemented('only octet string salts are supported for PBMAC1/PBKDF2');
  const iterations = intValue(kp[1]!);
  const keyLenTlv = kp.slice(2).find((t) => isUniversal(t, TAG.INTEGER));
  const prf = pbkdf2Prf(kp.slice(2).find((t) => isUniversal(t, TAG.SEQUENCE)), 'PBMAC1 PRF');
  const macId = algorithmOf(macAlg!).id;
  const h = macId === OID.hmacSha1 ? 'sha1' : macId === OID.hmacSha256 ? 'sha256' : macId === OID.hmacSha512 ? 'sha512' : '';
  if (!h) throw notImplemented(`PBMAC1 MAC algorithm ${macId} is not supported`);
  const keyLen = keyLenTlv ? intValue(keyLenTlv) : 0;
  if (keyLen <= 0) throw new Error('pkcs12: PBMAC1 requires explicit KeyLength parameter in PBKDF2 parameters');
  if (keyLen < 20) throw new Error(`pkcs12: PBMAC1 key length ${keyLen} is too short to be secure (minimum 20 octets)`);
  if (keyLen > 64) throw new Error(`pkcs12: PBMAC1 key length ${keyLen} is too large (maximum 64 octets)`);
  const key = pbkdf2Sync(buf(password), buf(salt.value), iterations, keyLen, prf);
  return bin(createHmac(h, key).update(buf(message)).digest());
}

// ---- decoding -----------------------------------------------------------------------------------

interface SafeBag {
  id: string;
  value: Tlv;
}

function parsePfx(p12: string): { authSafe: string; mac: MacData | undefined } {
  try {
    const pfx = children(readOne(p12, 'asn1: syntax error: trailing data'));
    const version = intValue(pfx[0]!);
    const ci = children(pfx[1]!);
    const contentType = oidToString(ci[0]!.value);
    let mac: MacData | undefined;
    if (pfx[2]) {
      const m = children(pfx[2]);
      const di = children(m[0]!);
      mac = {
        algorithm: di[0]!,
        digest: di[1]!.value,
        salt: m[1]!.value,
        iterations: m[2] ? intValue(m[2]) : 1,
      };
    }
    if (version !== 3) throw Object.assign(notImplemented("can only decode v3 PFX PDU's"), { final: true });
    if (contentType !== OID.data)
      throw Object.assign(notImplemented('only password-protected PFX is implemented'), { final: true });
    const wrapped = ci[1] && isContext(ci[1], 0) ? children(ci[1])[0] : undefined;
    return { authSafe: wrapped ? readOne(wrapped.full).value : '', mac };
  } catch (e) {
    if ((e as { final?: boolean }).final) throw e;
    throw new Error('pkcs12: error reading P12 data: ' + (e instanceof Error ? e.message : String(e)));
  }
}

/** getSafeContents: the bags of every authenticated-safe item and the password that verified. */
function getSafeContents(p12: string, password: string, min: number, max: number): { bags: SafeBag[]; bmp: string | null } {
  let bmp: string | null = password;
  const { authSafe, mac } = parsePfx(p12);
  if (!mac) {
    if (password !== '\x00\x00') throw new Error('pkcs12: no MAC in data');
  } else if (computeMac(mac, authSafe, bmp) !== mac.digest) {
    // An empty password may have been encoded as no bytes at all instead of a terminating zero.
    if (password === '\x00\x00' && computeMac(mac, authSafe, null) === mac.digest) bmp = null;
    else throw new Error(ERR_INCORRECT_PASSWORD);
  }
  const items = children(readOne(authSafe));
  if (items.length < min || items.length > max) {
    throw notImplemented(
      min === max
        ? `expected exactly ${min} items in the authenticated safe, but this file has ${items.length}`
        : `expected between ${min} and ${max} items in the authenticated safe, but this file has ${items.length}`,
    );
  }
  const bags: SafeBag[] = [];
  for (const item of items) {
    const [ct, content] = children(item);
    const type = oidToString(ct!.value);
    const inner = content ? children(content)[0]! : undefined;
    let data: string;
    if (type === OID.data) {
      data = inner!.value;
    } else if (type === OID.encryptedData) {
      const [ver, eci] = children(inner!);
      if (intValue(ver!) !== 0) throw notImplemented('only version 0 of EncryptedData is supported');
      const parts = children(eci!);
      const encContent = parts[2] && isContext(parts[2], 0) ? parts[2].value : '';
      data = pbDecrypt(parts[1]!, encContent, bmp);
    } else {
      throw notImplemented('only data and encryptedData content types are supported in authenticated safe');
    }
    for (const bag of children(readOne(data))) {
      const [id, value] = children(bag);
      bags.push({ id: oidToString(id!.value), value: children(value!)[0]! });
    }
  }
  return { bags, bmp };
}

function decodeCertBag(value: Tlv): string {
  const [id, data] = children(value);
  if (oidToString(id!.value) !== OID.x509Certificate) throw notImplemented('only X509 certificates are supported in cert bags');
  return children(data!)[0]!.value;
}

function parsePkcs8(der: string, prefix: string): KeyObject {
  const key = tryPrivateKey(der, 'pkcs8');
  if (!key) throw new Error(prefix + goKeyParseError(der, 'pkcs8'));
  return key;
}

export interface DecodedChain {
  privateKey: KeyObject;
  certificate: Certificate;
  caCerts: Certificate[];
}

/** pkcs12.DecodeChain: exactly one key, the first certificate as the leaf, the others as CAs. */
export function decodeChain(p12: string, password: string): DecodedChain {
  const { bags, bmp } = getSafeContents(p12, bmpPassword(password), 1, 2);
  let privateKey: KeyObject | undefined;
  let certificate: Certificate | undefined;
  const caCerts: Certificate[] = [];
  for (const bag of bags) {
    if (bag.id === OID.certBag) {
      const certs = splitDerSequence(decodeCertBag(bag.value)).map(parseCertificate);
      if (certs.length !== 1) throw new Error('pkcs12: expected exactly one certificate in the certBag');
      if (!certificate) certificate = certs[0];
      else caCerts.push(certs[0]!);
    } else if (bag.id === OID.keyBag) {
      if (privateKey) throw new Error('pkcs12: expected exactly one key bag');
      privateKey = parsePkcs8(bag.value.full, '');
    } else if (bag.id === OID.shroudedKeyBag) {
      if (privateKey) throw new Error('pkcs12: expected exactly one key bag');
      const [alg, enc] = children(bag.value);
      let pk: string;
      try {
        pk = pbDecrypt(alg!, enc!.value, bmp);
      } catch (e) {
        throw new Error('pkcs12: error decrypting PKCS#8 shrouded key bag: ' + (e as Error).message);
      }
      privateKey = parsePkcs8(pk, 'pkcs12: error parsing PKCS#8 private key: ');
    }
  }
  if (!certificate) throw new Error('pkcs12: certificate missing');
  if (!privateKey) throw new Error('pkcs12: private key missing');
  return { privateKey, certificate, caCerts };
}

// ---- encoding (go-pkcs12 Modern2023) ------------------------------------------------------------

const MODERN = { iterations: 2048, saltLen: 16 };

function algId(id: string, params?: string): string {
  return seq(oid(id), params ?? '');
}

/** makePBES2Parameters: PBKDF2-HMAC-SHA256 with the given salt, AES-256-CBC with a random IV. */
function pbes2Params(rand: RandomSource, salt: string): string {
  const iv = bin(rand(16));
  const kdfParams = seq(octets(salt), integer(MODERN.iterations), algId(OID.hmacSha256));
  return seq(algId(OID.pbkdf2, kdfParams), algId(OID.aes256cbc, octets(iv)));
}

function attribute(id: string, valueDer: string): string {
  return seq(oid(id), set(valueDer));
}

function certBag(certDer: string, attributes: string[]): string {
  const value = seq(oid(OID.x509Certificate), explicit(0, octets(certDer)));
  // Go marshals the empty (non-nil) attribute slice of CA bags as an empty SET.
  return seq(oid(OID.certBag), explicit(0, value), set(...attributes));
}

/** makeSafeContents with PBES2 encryption (the cert bags) or none (the key bag). */
function safeContents(rand: RandomSource, bags: string[], bmp: string | null): string {
  const data = seq(...bags);
  if (bmp === null) return seq(oid(OID.data), explicit(0, octets(data)));
  const salt = bin(rand(MODERN.saltLen));
  const alg = algId(OID.pbes2, pbes2Params(rand, salt));
  const encrypted = pbEncrypt(alg, data, bmp);
  const eci = seq(oid(OID.data), alg, tlv(0x80, encrypted));
  return seq(oid(OID.encryptedData), explicit(0, seq(integer(0), eci)));
}

function pfx(rand: RandomSource, authSafeItems: string[], bmp: string): string {
  const authSafe = seq(...authSafeItems);
  const macSalt = bin(rand(MODERN.saltLen));
  const macAlg = algId(OID.sha256);
  const digest = computeMac({ algorithm: readOne(macAlg), salt: macSalt, iterations: MODERN.iterations }, authSafe, bmp);
  const macData = seq(seq(macAlg, octets(digest)), octets(macSalt), integer(MODERN.iterations));
  return seq(integer(3), seq(oid(OID.data), explicit(0, octets(authSafe))), macData);
}

/** Modern.Encode(key, cert, caCerts, password). */
export function encodeModern(
  key: KeyObject,
  cert: Certificate,
  caCerts: Certificate[],
  password: string,
  rand: RandomSource = randomBytes,
): string {
  const bmp = bmpPassword(password);
  const localKeyId = attribute(OID.localKeyId, octets(nodeForge().md.sha1.create().update(cert.raw).digest().getBytes()));
  const certBags = [certBag(cert.raw, [localKeyId]), ...caCerts.map((c) => certBag(c.raw, []))];

  const pkData = marshalPkcs8(key);
  const salt = bin(rand(MODERN.saltLen));
  const alg = algId(OID.pbes2, pbes2Params(rand, salt));
  const shrouded = seq(alg, octets(pbEncrypt(alg, pkData, bmp)));
  const keyBag = seq(oid(OID.shroudedKeyBag), explicit(0, shrouded), set(localKeyId));

  const certsItem = safeContents(rand, certBags, bmp);
  const keyItem = safeContents(rand, [keyBag], null);
  return pfx(rand, [certsItem, keyItem], bmp);
}

/** Modern.EncodeTrustStore(certs, password): Java-trusted cert bags named by their subjects. */
export function encodeTrustStoreModern(certs: Certificate[], password: string, rand: RandomSource = randomBytes): string {
  const bmp = bmpPassword(password);
  const trusted = attribute(OID.javaTrustStore, oid(OID.anyExtendedKeyUsage));
  const bags = certs.map((c) => {
    const name = bmpPassword(c.subjectString).slice(0, -2);
    return certBag(c.raw, [trusted, attribute(OID.friendlyName, tlv(0x1e, name))]);
  });
  return pfx(rand, [safeContents(rand, bags, bmp)], bmp);
}
