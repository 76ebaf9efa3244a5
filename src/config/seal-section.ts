// `spec.seal` of a RenderConfig and the --seal-* flags: emit each Secret as a Bitnami SealedSecret
// (src/engine/seal.ts, docs/sealed.md). Certificates are read and checked here: an expired certificate,
// one that is not yet valid, or a key that is not RSA (or shorter than 2048 bits) is refused by name.
//
//   seal:
//     certFile: /etc/eso-render/seal/prod.pem     # `kubeseal --fetch-cert` output, or a PEM public key
//     scope: strict                               # strict | namespace-wide | cluster-wide
//     keyFile: /etc/eso-render/seal.key           # optional: default is spec.platformKeyFile
//     required: true                              # generate: an Application cannot turn sealing off
//     destinations:                               # first match wins, else certFile
//       - match: {projects: [payments], namespaces: ["pay-*"]}
//         certFile: /etc/eso-render/seal/payments-cluster.pem
//         scope: namespace-wide
import { createHash, createPublicKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SEAL_SCOPES, type SealCertificate, type SealDestination, type SealOptions, type SealScope } from '../engine/seal-types.js';
import { readPlatformKey } from './platform-key.js';

export type Report = (specPath: string, message: string) => void;

export const MIN_RSA_BITS = 2048;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads a sealing certificate: a PEM X.509 certificate (as `kubeseal --fetch-cert` prints it) or a PEM
 * public key. Throws an Error naming `setting` and `path`. `now` is when validity is judged.
 */
export function readSealCertificate(path: string, setting: string, now: Date = new Date()): SealCertificate {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${setting}: cannot read the certificate ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  let key: KeyObject;
  if (text.includes('-----BEGIN CERTIFICATE-----')) {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(text);
    } catch {
      throw new Error(`${setting}: ${path} is not a readable PEM certificate`);
    }
    if (Date.parse(cert.validTo) < now.getTime()) throw new Error(`${setting}: the certificate ${path} expired on ${cert.validTo}; fetch the controller's current one (kubeseal --fetch-cert)`);
    if (Date.parse(cert.validFrom) > now.getTime()) throw new Error(`${setting}: the certificate ${path} is not valid before ${cert.validFrom}`);
    key = cert.publicKey;
  } else if (/-----BEGIN (RSA )?PUBLIC KEY-----/.test(text)) {
    try {
      key = createPublicKey(text);
    } catch {
      throw new Error(`${setting}: ${path} is not a readable PEM public key`);
    }
  } else {
    throw new Error(`${setting}: ${path} holds neither a PEM certificate nor a PEM public key`);
  }
  if (key.asymmetricKeyType !== 'rsa') {
    throw new Error(`${setting}: the certificate ${path} holds a${key.asymmetricKeyType === 'ec' || key.asymmetricKeyType === 'ed25519' ? 'n' : ''} ${key.asymmetricKeyType ?? 'unknown'} key; Sealed Secrets needs RSA`);
  }
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  if (bits < MIN_RSA_BITS) throw new Error(`${setting}: the RSA key of ${path} has ${bits} bits; at least ${MIN_RSA_BITS} are needed`);
  const fingerprint = createHash('sha256').update(key.export({ type: 'spki', format: 'der' })).digest();
  return { source: `${setting} ${path}`, publicKey: key, fingerprint };
}

function readScope(v: unknown, at: string, report: Report): SealScope | undefined {
  if (typeof v === 'string' && (SEAL_SCOPES as readonly string[]).includes(v)) return v as SealScope;
  report(at, `must be one of ${SEAL_SCOPES.join(', ')}`);
  return undefined;
}

function stringList(v: unknown, at: string, report: Report): string[] | undefined {
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string' || x === '')) {
    report(at, 'must be a list of non-empty strings (glob patterns: * matches any run of characters)');
    return undefined;
  }
  return v as string[];
}

function pathOf(v: unknown, at: string, report: Report): string | undefined {
  if (typeof v === 'string' && v.trim() !== '') return v;
  report(at, 'must be a path');
  return undefined;
}

const sealFields = ['certFile', 'scope', 'keyFile', 'required', 'destinations'];
const destinationFields = ['match', 'certFile', 'scope'];
const matchFields = ['projects', 'apps', 'namespaces'] as const;

/** `spec.seal`, with files resolved against `baseDir`; undefined when it has errors (all reported). */
export function readSealSection(v: unknown, baseDir: string, report: Report, now: Date = new Date()): SealOptions | undefined {
  let failed = false;
  const r: Report = (p, m) => {
    failed = true;
    report(p, m);
  };
  if (!isRecord(v)) {
    r('spec.seal', `must be a mapping with ${sealFields.join(', ')}`);
    return undefined;
  }
  for (const k of Object.keys(v)) if (!sealFields.includes(k)) r(`spec.seal.${k}`, `unknown field; expected one of ${sealFields.join(', ')}`);
  const seal: SealOptions = { scope: 'strict', destinations: [], required: false };
  const cert = (p: unknown, at: string): SealCertificate | undefined => {
    const file = pathOf(p, at, r);
    if (!file) return undefined;
    try {
      return readSealCertificate(resolve(baseDir, file), at, now);
    } catch (e) {
      r(at, (e as Error).message.replace(`${at}: `, ''));
      return undefined;
    }
  };
  if (v.scope !== undefined) seal.scope = readScope(v.scope, 'spec.seal.scope', r) ?? 'strict';
  if (v.certFile !== undefined) {
    const c = cert(v.certFile, 'spec.seal.certFile');
    if (c) seal.certificate = c;
  }
  if (v.keyFile !== undefined) {
    const file = pathOf(v.keyFile, 'spec.seal.keyFile', r);
    if (file) {
      try {
        seal.key = readPlatformKey(resolve(baseDir, file), 'spec.seal.keyFile');
      } catch (e) {
        r('spec.seal.keyFile', (e as Error).message.replace('spec.seal.keyFile: ', ''));
      }
    }
  }
  if (v.required !== undefined) {
    if (typeof v.required !== 'boolean') r('spec.seal.required', 'must be true or false');
    else seal.required = v.required;
  }
  if (v.destinations !== undefined) {
    if (!Array.isArray(v.destinations)) r('spec.seal.destinations', 'must be a list of {match, certFile, scope}');
    else {
      v.destinations.forEach((d, i) => {
        const at = `spec.seal.destinations[${i}]`;
        if (!isRecord(d)) return r(at, 'must be a mapping with match and certFile');
        for (const k of Object.keys(d)) if (!destinationFields.includes(k)) r(`${at}.${k}`, `unknown field; expected one of ${destinationFields.join(', ')}`);
        if (!isRecord(d.match)) return r(`${at}.match`, 'must be a mapping with projects, apps and/or namespaces');
        const match: SealDestination['match'] = {};
        for (const k of Object.keys(d.match)) if (!(matchFields as readonly string[]).includes(k)) r(`${at}.match.${k}`, `unknown field; expected one of ${matchFields.join(', ')}`);
        for (const f of matchFields) {
          if (d.match[f] === undefined) continue;
          const list = stringList(d.match[f], `${at}.match.${f}`, r);
          if (list) match[f] = list;
        }
        const c = cert(d.certFile, `${at}.certFile`);
        const dest: SealDestination | undefined = c ? { match, certificate: c } : undefined;
        if (d.scope !== undefined) {
          const s = readScope(d.scope, `${at}.scope`, r);
          if (s && dest) dest.scope = s;
        }
        if (dest) seal.destinations.push(dest);
      });
    }
  }
  if (!seal.certificate && seal.destinations.length === 0) r('spec.seal', 'needs certFile or destinations: the certificate(s) to seal for (kubeseal --fetch-cert > cert.pem)');
  return failed ? undefined : seal;
}
