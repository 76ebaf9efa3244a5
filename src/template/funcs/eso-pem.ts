// ESO's PEM functions (runtime/template/v2/pem.go, pem_chain.go): filterPEM, filterCertChain, certSANs,
// and the chain ordering pkcs12cert also uses.
import { pemDecode, pemEncode } from './crypto-pemcodec.js';
import { parseCertificate, type Certificate } from './crypto-x509.js';
import type { FuncEntry } from './eso-types.js';

/** Drop everything before the first "-----BEGIN", as ESO's trimJunk does. */
function trimJunk(input: string): string {
  const i = input.indexOf('-----BEGIN');
  return i < 0 ? input : input.slice(i);
}

export function filterPEM(pemType: string, input: string): string {
  let data = trimJunk(input);
  let out = '';
  let rest = data;
  for (;;) {
    const [block, r] = pemDecode(data);
    rest = r;
    data = r;
    if (!block) break;
    if (!equalFold(block.type, pemType)) continue;
    out += pemEncode(block);
  }
  if (out.length === 0 && rest.length !== 0) throw new Error('error filtering pem: found junk');
  return out;
}

/** strings.EqualFold on Go strings (simple Unicode case folding; ASCII covers PEM types). */
function equalFold(a: string, b: string): boolean {
  if (a === b) return true;
  const fold = (s: string): string =>
    Buffer.from(s, 'latin1').toString('utf8').toLowerCase();
  return fold(a) === fold(b);
}

interface ChainNode {
  cert: Certificate;
  parent: ChainNode | undefined;
  isParent: boolean;
}

/** pemToNodes: every PEM block, whatever its type, must parse as a certificate. */
function pemToCerts(data: string): Certificate[] {
  const certs: Certificate[] = [];
  let rest = data;
  for (;;) {
    const [block, r] = pemDecode(rest);
    rest = r;
    if (!block) break;
    certs.push(parseCertificate(block.bytes));
  }
  return certs;
}

/** fetchX509CertChains: order leaf → intermediates → root by AuthorityKeyId/SubjectKeyId links. */
export function orderCertChain(data: string): Certificate[] {
  const nodes: ChainNode[] = pemToCerts(data).map((cert) => ({ cert, parent: undefined, isParent: false }));
  for (let i = 0; i < nodes.length; i++) {
    for (let j = 0; j < nodes.length; j++) {
      if (i === j) continue;
      // Go compares the byte slices, so two absent identifiers (nil == nil) also link.
      if (nodes[i]!.cert.authorityKeyId === nodes[j]!.cert.subjectKeyId) {
        nodes[j]!.isParent = true;
        nodes[i]!.parent = nodes[j];
        break;
      }
    }
  }
  let leaf: ChainNode | undefined;
  for (const n of nodes) {
    if (n.isParent) continue;
    if (leaf) throw new Error('found multiple leaf or disjunct certificates');
    leaf = n;
  }
  if (!leaf) throw new Error('no leaf certificate found');
  const chain: Certificate[] = [];
  for (let n: ChainNode | undefined = leaf; n; n = n.parent) {
    if (chain.length + 1 > nodes.length) throw new Error('constructing chain resulted in cycle');
    chain.push(n.cert);
  }
  return chain;
}

const certPem = (c: Certificate): string => pemEncode({ type: 'CERTIFICATE', bytes: c.raw });

/** fetchCertChains: the ordered chain as concatenated CERTIFICATE blocks. */
export function orderedChainPem(data: string): string {
  return orderCertChain(data).map(certPem).join('');
}

const isRoot = (c: Certificate): boolean => c.authorityKeyId === '' || c.authorityKeyId === c.subjectKeyId;

export function filterCertChain(certType: string, input: string): string {
  const ordered = orderCertChain(input);
  switch (certType) {
    case 'leaf': {
      const c = ordered[0]!;
      if (c.authorityKeyId !== '' && c.authorityKeyId !== c.subjectKeyId) return certPem(c);
      return '';
    }
    case 'intermediate': {
      let out = '';
      for (const c of ordered.slice(1)) {
        if (isRoot(c)) break;
        out += certPem(c);
      }
      return out;
    }
    case 'root': {
      const c = ordered[ordered.length - 1]!;
      return isRoot(c) ? certPem(c) : '';
    }
    default:
      return '';
  }
}

export function certSANs(input: string): string[] {
  const [block] = pemDecode(trimJunk(input));
  if (!block) throw new Error('failed to decode PEM block');
  let cert: Certificate;
  try {
    cert = parseCertificate(block.bytes);
  } catch (e) {
    throw new Error('failed to parse certificate: ' + (e as Error).message);
  }
  return [...cert.dnsNames, ...cert.ipAddresses, ...cert.emailAddresses, ...cert.uris];
}

export const esoPemFuncs: FuncEntry[] = [
  { name: 'filterPEM', sig: 'func(string, string) (string, error)', fn: filterPEM },
  { name: 'filterCertChain', sig: 'func(string, string) (string, error)', fn: filterCertChain },
  { name: 'certSANs', sig: 'func(string) ([]string, error)', fn: certSANs },
];
