// Building and signing X.509 certificates the way sprig's gen* functions ask Go's
// x509.CreateCertificate to: the same template fields, extensions in Go's order, Go's choice of
// signature algorithm per key type. Node's crypto signs; this module only lays out the DER.
import { createHash, createPublicKey, randomBytes, sign, type KeyObject } from 'node:crypto';
import {
  bin,
  bitString,
  bool,
  buf,
  children,
  explicit,
  integer,
  nullValue,
  octets,
  oid,
  readOne,
  seq,
  set,
  tlv,
} from './crypto-der.js';
import type { Certificate } from './crypto-x509.js';

export interface CertTemplate {
  commonName: string;
  /** Raw IP bytes (4 or 16). */
  ips: string[];
  dnsNames: string[];
  daysValid: bigint;
  isCA: boolean;
}

const KEY_USAGE_DIGITAL_SIGNATURE = 1 << 0;
const KEY_USAGE_KEY_ENCIPHERMENT = 1 << 2;
const KEY_USAGE_CERT_SIGN = 1 << 5;

/** x509 KeyUsage as Go marshals it: bit i of the usage is bit i of the BIT STRING, minimal length. */
function keyUsageDer(usage: number): string {
  let reversed = 0;
  for (let i = 0; i < 9; i++) if (usage & (1 << i)) reversed |= 1 << (15 - i);
  let bytes = String.fromCharCode(reversed >> 8, reversed & 0xff);
  if ((reversed & 0xff) === 0) bytes = bytes.slice(0, 1);
  const last = bytes.charCodeAt(bytes.length - 1);
  let unused = 0;
  while (unused < 8 && (last & (1 << unused)) === 0) unused++;
  return bitString(bytes, unused);
}

function extension(id: string, critical: boolean, value: string): string {
  return seq(oid(id), critical ? bool(true) : '', octets(value));
}

/** A Name holding only the CommonName, as pkix.Name{CommonName: cn} marshals (empty when cn is ""). */
function nameWithCN(cn: string): string {
  if (cn === '') return seq();
  const printable = /^[A-Za-z0-9 '()+,\-./:=?*&]*$/.test(cn) && !cn.includes('*') && !cn.includes('&');
  const value = printable ? tlv(0x13, cn) : tlv(0x0c, cn);
  return seq(set(seq(oid('2.5.4.3'), value)));
}

function timeDer(d: Date): string {
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const y = d.getUTCFullYear();
  const rest = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  if (y >= 1950 && y < 2050) return tlv(0x17, pad(y % 100) + rest);
  return tlv(0x18, pad(y, 4) + rest);
}

/** Go's signature algorithm for a signing key, and how Node signs with it. */
function signatureAlgorithm(key: KeyObject): { algId: string; sign: (tbs: string) => string } {
  switch (key.asymmetricKeyType) {
    case 'rsa':
      return {
        algId: seq(oid('1.2.840.113549.1.1.11'), nullValue()),
        sign: (tbs) => bin(sign('sha256', buf(tbs), key)),
      };
    case 'ec': {
      const curve = key.asymmetricKeyDetails?.namedCurve;
      const [hash, id] =
        curve === 'secp384r1' ? ['sha384', '1.2.840.10045.4.3.3'] : curve === 'secp521r1' ? ['sha512', '1.2.840.10045.4.3.4'] : ['sha256', '1.2.840.10045.4.3.2'];
      return { algId: seq(oid(id!)), sign: (tbs) => bin(sign(hash!, buf(tbs), { key, dsaEncoding: 'der' })) };
    }
    case 'ed25519':
      return { algId: seq(oid('1.3.101.112')), sign: (tbs) => bin(sign(null, buf(tbs), key)) };
    default:
      // Go's *dsa.PrivateKey is not a crypto.Signer.
      throw new Error('x509: certificate private key does not implement crypto.Signer');
  }
}

/** The subjectPublicKey BIT STRING contents of an SPKI, which Go hashes for the SubjectKeyId. */
function publicKeyBits(spki: string): string {
  const [, bits] = children(readOne(spki));
  return bits!.value.slice(1);
}

/**
 * x509.CreateCertificate(rand, template, parent, pub, signer). `parent` undefined means
 * self-signed (parent = template). Returns the certificate DER.
 */
export function createCertificate(
  t: CertTemplate,
  signee: KeyObject,
  signer: KeyObject,
  parent: Certificate | undefined,
  now: Date = new Date(),
): string {
  const sig = signatureAlgorithm(signer);
  if (signee.asymmetricKeyType === 'dsa') throw new Error('x509: unsupported public key type: *dsa.PublicKey');
  const pub = signee.type === 'private' ? createPublicKey(signee) : signee;
  const spki = bin(pub.export({ type: 'spki', format: 'der' }));
  const subject = nameWithCN(t.commonName);
  const issuer = parent ? parent.rawSubject : subject;

  const exts: string[] = [];
  const usage = KEY_USAGE_KEY_ENCIPHERMENT | KEY_USAGE_DIGITAL_SIGNATURE | (t.isCA ? KEY_USAGE_CERT_SIGN : 0);
  exts.push(extension('2.5.29.15', true, keyUsageDer(usage)));
  exts.push(extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'), oid('1.3.6.1.5.5.7.3.2'))));
  exts.push(extension('2.5.29.19', true, t.isCA ? seq(bool(true)) : seq()));
  if (t.isCA) {
    // Go (1.25+) derives a missing CA SubjectKeyId from truncated SHA-256 of the public key.
    const ski = createHash('sha256').update(buf(publicKeyBits(spki))).digest().subarray(0, 20);
    exts.push(extension('2.5.29.14', false, octets(bin(ski))));
  }
  if (parent && parent.rawSubject !== subject && parent.subjectKeyId !== '') {
    exts.push(extension('2.5.29.35', false, seq(tlv(0x80, parent.subjectKeyId))));
  }
  if (t.dnsNames.length > 0 || t.ips.length > 0) {
    const names = [...t.dnsNames.map((d) => tlv(0x82, d)), ...t.ips.map((ip) => tlv(0x87, ip))];
    exts.push(extension('2.5.29.17', t.commonName === '', seq(...names)));
  }

  const notAfter = new Date(now.getTime() + Number(t.daysValid) * 24 * 3600 * 1000);
  const serial = BigInt('0x' + randomBytes(16).toString('hex'));
  const tbs = seq(
    explicit(0, integer(2)),
    integer(serial),
    sig.algId,
    issuer,
    seq(timeDer(now), timeDer(notAfter)),
    subject,
    spki,
    explicit(3, seq(...exts)),
  );
  return seq(tbs, sig.algId, bitString(sig.sign(tbs)));
}

/** net.ParseIP then To4 when possible: the bytes Go writes into an iPAddress SAN; undefined if invalid. */
export function parseIP(s: string): string | undefined {
  const v4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (v4) {
    const parts = v4.slice(1).map(Number);
    if (parts.some((p, i) => p > 255 || (v4[i + 1]!.length > 1 && v4[i + 1]![0] === '0'))) return undefined;
    return String.fromCharCode(...parts);
  }
  if (!s.includes(':')) return undefined;
  let head = s;
  let tailV4: number[] = [];
  const lastColon = s.lastIndexOf(':');
  if (s.slice(lastColon + 1).includes('.')) {
    const ip4 = parseIP(s.slice(lastColon + 1));
    if (ip4 === undefined) return undefined;
    tailV4 = [...ip4].map((c) => c.charCodeAt(0));
    head = s.slice(0, lastColon + 1) + '0:0';
  }
  const halves = head.split('::');
  if (halves.length > 2) return undefined;
  const groups = (part: string): number[] | undefined => {
    if (part === '') return [];
    const out: number[] = [];
    for (const g of part.split(':')) {
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const left = groups(halves[0]!);
  const right = halves.length === 2 ? groups(halves[1]!) : [];
  if (!left || !right) return undefined;
  let all: number[];
  if (halves.length === 2) {
    if (left.length + right.length > 7) return undefined;
    all = [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  } else {
    if (left.length !== 8) return undefined;
    all = left;
  }
  let bytes = all.flatMap((g) => [g >> 8, g & 0xff]);
  if (tailV4.length) bytes = [...bytes.slice(0, 12), ...tailV4];
  const isV4Mapped = bytes.slice(0, 10).every((x) => x === 0) && bytes[10] === 0xff && bytes[11] === 0xff;
  return String.fromCharCode(...(isV4Mapped ? bytes.slice(12) : bytes));
}
