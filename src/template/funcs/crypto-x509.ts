// The parts of Go's crypto/x509 Certificate that ESO's and sprig's functions read: the raw DER, key
// identifiers, SANs, subject. OpenSSL (Node's X509Certificate) decides whether the DER is a
// certificate at all; the fields are read from the DER structure.
import { X509Certificate, type KeyObject } from 'node:crypto';
import {
  TAG,
  buf,
  children,
  isContext,
  isUniversal,
  oidToString,
  readOne,
  readTlv,
  type Tlv,
} from './crypto-der.js';

export interface Certificate {
  /** DER of the whole certificate. */
  raw: string;
  /** Subject Key Identifier, '' when absent (Go: nil). */
  subjectKeyId: string;
  /** keyIdentifier of the Authority Key Identifier extension, '' when absent. */
  authorityKeyId: string;
  dnsNames: string[];
  emailAddresses: string[];
  /** IPs as Go's net.IP.String() prints them. */
  ipAddresses: string[];
  uris: string[];
  /** pkix.Name.String() of the subject. */
  subjectString: string;
  /** DER of the subject Name. */
  rawSubject: string;
  publicKey: KeyObject;
  isCA: boolean;
}

const OID_SKI = '2.5.29.14';
const OID_AKI = '2.5.29.35';
const OID_SAN = '2.5.29.17';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';

/** x509.ParseCertificate. Throws with Go's message prefix on malformed input. */
export function parseCertificate(der: string): Certificate {
  // Go's order: the outer SEQUENCE, the TBS SEQUENCE inside it, the rest of the parse, then trailing data.
  let top: Tlv;
  let end: number;
  try {
    [top, end] = readTlv(der, 0);
    if (!isUniversal(top, TAG.SEQUENCE)) throw new Error();
  } catch {
    throw new Error('x509: malformed certificate');
  }
  let first: Tlv | undefined;
  try {
    first = children(top)[0];
  } catch {
    throw new Error('x509: malformed certificate');
  }
  if (!first || !isUniversal(first, TAG.SEQUENCE)) throw new Error('x509: malformed tbs certificate');
  let x: X509Certificate;
  try {
    x = new X509Certificate(buf(top.full));
  } catch {
    throw new Error('x509: malformed certificate');
  }
  if (end !== der.length) throw new Error('x509: trailing data');
  der = top.full;
  const [tbs] = children(top);
  if (!tbs) throw new Error('x509: malformed certificate');
  const fields = children(tbs);
  let i = 0;
  if (fields[i] && isContext(fields[i]!, 0)) i++; // version
  i += 3; // serial, signature, issuer
  i += 1; // validity
  const subject = fields[i++]!;
  const cert: Certificate = {
    raw: der,
    subjectKeyId: '',
    authorityKeyId: '',
    dnsNames: [],
    emailAddresses: [],
    ipAddresses: [],
    uris: [],
    subjectString: nameToString(subject),
    rawSubject: subject.full,
    publicKey: x.publicKey,
    isCA: false,
  };
  for (; i < fields.length; i++) {
    const f = fields[i]!;
    if (!isContext(f, 3)) continue;
    const [exts] = children(f);
    for (const ext of exts ? children(exts) : []) {
      const parts = children(ext);
      const id = oidToString(parts[0]!.value);
      const value = parts[parts.length - 1]!.value;
      readExtension(cert, id, value);
    }
  }
  return cert;
}

function readExtension(cert: Certificate, id: string, value: string): void {
  switch (id) {
    case OID_SKI:
      cert.subjectKeyId = readOne(value).value;
      break;
    case OID_AKI:
      for (const c of children(readOne(value))) if (isContext(c, 0)) cert.authorityKeyId = c.value;
      break;
    case OID_BASIC_CONSTRAINTS: {
      const [first] = children(readOne(value));
      cert.isCA = !!first && isUniversal(first, TAG.BOOLEAN) && first.value !== '\x00';
      break;
    }
    case OID_SAN:
      for (const gn of children(readOne(value))) {
        if (gn.cls !== 2) continue;
        if (gn.tag === 1) cert.emailAddresses.push(gn.value);
        else if (gn.tag === 2) cert.dnsNames.push(gn.value);
        else if (gn.tag === 6) cert.uris.push(gn.value);
        else if (gn.tag === 7) {
          if (gn.value.length !== 4 && gn.value.length !== 16)
            throw new Error(`x509: cannot parse IP address of length ${gn.value.length}`);
          cert.ipAddresses.push(ipString(gn.value));
        }
      }
      break;
  }
}

/** Go's net.IP.String(): dotted IPv4 (also for v4-mapped v6), RFC 5952 IPv6. */
export function ipString(raw: string): string {
  const b = [...raw].map((c) => c.charCodeAt(0));
  if (b.length === 4) return b.join('.');
  if (b.slice(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff) return b.slice(12).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((b[i]! << 8) | b[i + 1]!);
  // Longest run of two or more zero groups becomes "::" (first one wins on ties).
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (g: number): string => g.toString(16);
  if (bestStart < 0) return groups.map(hex).join(':');
  const left = groups.slice(0, bestStart).map(hex).join(':');
  const right = groups.slice(bestStart + bestLen).map(hex).join(':');
  return `${left}::${right}`;
}

// ---- pkix.Name.String() ---------------------------------------------------------------------------

const ATTRIBUTE_NAMES: Record<string, string> = {
  '2.5.4.6': 'C',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.3': 'CN',
  '2.5.4.5': 'SERIALNUMBER',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET',
  '2.5.4.17': 'POSTALCODE',
};

// The order in which Go's Name.ToRDNSequence re-emits the attributes it parsed into fields.
const FIELD_ORDER = ['2.5.4.6', '2.5.4.8', '2.5.4.7', '2.5.4.9', '2.5.4.17', '2.5.4.10', '2.5.4.11', '2.5.4.3', '2.5.4.5'];

interface Atv {
  type: string;
  value: Tlv;
}

function atvString(v: Tlv): string | undefined {
  switch (v.tag) {
    case TAG.UTF8String:
    case TAG.PrintableString:
    case TAG.IA5String:
    case 26: // VisibleString
    case 18: // NumericString
      return v.value;
    case TAG.T61String: // Go keeps T61String bytes as they are
      return v.value;
    case TAG.BMPString: {
      let s = '';
      for (let i = 0; i + 1 < v.value.length; i += 2)
        s += String.fromCharCode((v.value.charCodeAt(i) << 8) | v.value.charCodeAt(i + 1));
      return Buffer.from(s, 'utf8').toString('latin1');
    }
    default:
      return undefined;
  }
}

/** pkix.Name.String() of a DER Name, as Go builds it from the parsed Name (FillFromRDNSequence). */
export function nameToString(name: Tlv): string {
  const atvs: Atv[] = [];
  for (const rdn of children(name))
    for (const atv of children(rdn)) {
      const [t, v] = children(atv);
      atvs.push({ type: oidToString(t!.value), value: v! });
    }
  // Non-field attributes come first (they print last), then the fields in Go's fixed order.
  const rdns: Array<Array<{ type: string; text: string | undefined; der: string }>> = [];
  for (const a of atvs) {
    if (FIELD_ORDER.includes(a.type)) continue;
    rdns.push([{ type: a.type, text: atvString(a.value), der: a.value.full }]);
  }
  for (const type of FIELD_ORDER) {
    let values = atvs.filter((a) => a.type === type).map((a) => atvString(a.value));
    values = values.filter((v) => v !== undefined);
    if (type === '2.5.4.3' || type === '2.5.4.5') values = values.length ? [values[values.length - 1]] : [];
    if (values.length === 0 || (values.length === 1 && values[0] === '' && (type === '2.5.4.3' || type === '2.5.4.5')))
      continue;
    rdns.push(values.map((text) => ({ type, text, der: '' })));
  }
  const parts: string[] = [];
  for (let i = rdns.length - 1; i >= 0; i--) {
    parts.push(
      rdns[i]!
        .map((atv) => {
          const typeName = ATTRIBUTE_NAMES[atv.type];
          if (!typeName) return `${atv.type}=#${Buffer.from(atv.der, 'latin1').toString('hex')}`;
          return `${typeName}=${escapeDnValue(atv.text ?? '')}`;
        })
        .join('+'),
    );
  }
  return parts.join(',');
}

function escapeDnValue(s: string): string {
  let out = '';
  for (let k = 0; k < s.length; k++) {
    const c = s[k]!;
    let escape = ',+"\\<>;'.includes(c);
    if (c === ' ') escape = k === 0 || k === s.length - 1;
    if (c === '#') escape = k === 0;
    out += escape ? '\\' + c : c;
  }
  return out;
}

/** Every certificate DER in a concatenation (x509.ParseCertificates). */
export function splitDerSequence(data: string): string[] {
  const out: string[] = [];
  let pos = 0;
  while (pos < data.length) {
    const [t, next] = readTlv(data, pos);
    out.push(t.full);
    pos = next;
  }
  return out;
}
