// A small DER reader and writer over binary strings (one char per byte), enough to walk and build the
// X.509, PKCS#8 and PKCS#12 structures ESO's and sprig's functions touch. Cryptographic work itself is
// done by Node's crypto and node-forge; this module only frames bytes.

export interface Tlv {
  /** Class bits (0 universal, 1 application, 2 context, 3 private). */
  cls: number;
  constructed: boolean;
  tag: number;
  /** Contents octets. */
  value: string;
  /** The whole encoding, header included. */
  full: string;
}

export class DerError extends Error {}

/** Read one TLV at `pos`; returns it and the position after it. Definite lengths only, as DER. */
export function readTlv(data: string, pos = 0): [Tlv, number] {
  const start = pos;
  if (pos >= data.length) throw new DerError('asn1: syntax error: sequence truncated');
  const b0 = data.charCodeAt(pos++);
  const cls = b0 >> 6;
  const constructed = (b0 & 0x20) !== 0;
  let tag = b0 & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (;;) {
      if (pos >= data.length) throw new DerError('asn1: syntax error: truncated tag or length');
      const b = data.charCodeAt(pos++);
      tag = tag * 128 + (b & 0x7f);
      if ((b & 0x80) === 0) break;
    }
  }
  if (pos >= data.length) throw new DerError('asn1: syntax error: truncated tag or length');
  let len = data.charCodeAt(pos++);
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new DerError('asn1: syntax error: indefinite length found (not DER)');
    if (n > 4) throw new DerError('asn1: structure error: length too large');
    len = 0;
    for (let i = 0; i < n; i++) {
      if (pos >= data.length) throw new DerError('asn1: syntax error: truncated tag or length');
      len = len * 256 + data.charCodeAt(pos++);
    }
  }
  if (pos + len > data.length) throw new DerError('asn1: syntax error: data truncated');
  const value = data.slice(pos, pos + len);
  return [{ cls, constructed, tag, value, full: data.slice(start, pos + len) }, pos + len];
}

/** Parse exactly one TLV; trailing bytes are an error (as Go's unmarshal helpers insist). */
export function readOne(data: string, trailingMsg = 'asn1: syntax error: trailing data'): Tlv {
  const [t, end] = readTlv(data, 0);
  if (end !== data.length) throw new DerError(trailingMsg);
  return t;
}

/** The children of a constructed TLV. */
export function children(t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  let pos = 0;
  while (pos < t.value.length) {
    const [c, next] = readTlv(t.value, pos);
    out.push(c);
    pos = next;
  }
  return out;
}

export function isUniversal(t: Tlv, tag: number): boolean {
  return t.cls === 0 && t.tag === tag;
}

export function isContext(t: Tlv, tag: number): boolean {
  return t.cls === 2 && t.tag === tag;
}

export const TAG = {
  BOOLEAN: 1,
  INTEGER: 2,
  BIT_STRING: 3,
  OCTET_STRING: 4,
  NULL: 5,
  OID: 6,
  UTF8String: 12,
  SEQUENCE: 16,
  SET: 17,
  PrintableString: 19,
  T61String: 20,
  IA5String: 22,
  UTCTime: 23,
  GeneralizedTime: 24,
  BMPString: 30,
} as const;

/** Dotted form of an OBJECT IDENTIFIER's contents. */
export function oidToString(value: string): string {
  const parts: number[] = [];
  let acc = 0;
  for (let i = 0; i < value.length; i++) {
    const b = value.charCodeAt(i);
    acc = acc * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      if (parts.length === 0) {
        const first = acc < 80 ? Math.floor(acc / 40) : 2;
        parts.push(first, acc - first * 40);
      } else parts.push(acc);
      acc = 0;
    }
  }
  return parts.join('.');
}

/** Contents of a non-negative INTEGER as a JS number (small values only: versions, iterations). */
export function intValue(t: Tlv): number {
  if (!isUniversal(t, TAG.INTEGER)) throw new DerError('asn1: structure error: tags don\'t match');
  let n = 0;
  for (let i = 0; i < t.value.length; i++) n = n * 256 + t.value.charCodeAt(i);
  if (t.value.length > 0 && t.value.charCodeAt(0) & 0x80) n -= 2 ** (8 * t.value.length);
  return n;
}

// ---- writer -------------------------------------------------------------------------------------

function lengthBytes(n: number): string {
  if (n < 0x80) return String.fromCharCode(n);
  let s = '';
  while (n > 0) {
    s = String.fromCharCode(n & 0xff) + s;
    n = Math.floor(n / 256);
  }
  return String.fromCharCode(0x80 | s.length) + s;
}

/** One TLV from an identifier octet (class|constructed|tag < 31) and contents. */
export function tlv(identifier: number, content: string): string {
  return String.fromCharCode(identifier) + lengthBytes(content.length) + content;
}

export const seq = (...items: string[]): string => tlv(0x30, items.join(''));
export const set = (...items: string[]): string => tlv(0x31, items.join(''));
export const octets = (b: string): string => tlv(0x04, b);
export const nullValue = (): string => '\x05\x00';
export const bool = (v: boolean): string => tlv(0x01, v ? '\xff' : '\x00');
/** [n] EXPLICIT (constructed context tag). */
export const explicit = (n: number, content: string): string => tlv(0xa0 | n, content);

/** INTEGER from a non-negative bigint or number, minimally encoded. */
export function integer(v: bigint | number): string {
  let n = BigInt(v);
  if (n === 0n) return tlv(0x02, '\x00');
  let s = '';
  while (n > 0n) {
    s = String.fromCharCode(Number(n & 0xffn)) + s;
    n >>= 8n;
  }
  if (s.charCodeAt(0) & 0x80) s = '\x00' + s;
  return tlv(0x02, s);
}

/** OBJECT IDENTIFIER from dotted form. */
export function oid(dotted: string): string {
  const parts = dotted.split('.').map(Number);
  const arcs = [parts[0]! * 40 + parts[1]!, ...parts.slice(2)];
  let s = '';
  for (const arc of arcs) {
    let a = arc;
    let chunk = String.fromCharCode(a & 0x7f);
    a = Math.floor(a / 128);
    while (a > 0) {
      chunk = String.fromCharCode(0x80 | (a & 0x7f)) + chunk;
      a = Math.floor(a / 128);
    }
    s += chunk;
  }
  return tlv(0x06, s);
}

/** BIT STRING with zero unused bits. */
export const bitString = (b: string, unused = 0): string => tlv(0x03, String.fromCharCode(unused) + b);

export const bin = (b: Uint8Array | Buffer): string => Buffer.from(b).toString('latin1');
export const buf = (s: string): Buffer => Buffer.from(s, 'latin1');
