// Sealed output (issue 17): each rendered Secret becomes a Bitnami `SealedSecret` (bitnami.com/v1alpha1),
// so Argo CD's cache, its repo-server API, its UI and a git repository of rendered manifests hold only
// ciphertext. The wire format is Sealed Secrets' own (docs/developer/crypto.md, pkg/crypto/crypto.go):
//
//   value = uint16be(len(rsa)) || rsa || aes
//   rsa   = RSA-OAEP(SHA-256, MGF1-SHA-256, label = scope label) of a 32-byte session key
//   aes   = AES-256-GCM(session key, nonce = 12 zero bytes) of the value, with its 16-byte tag
//   label = "<namespace>/<name>" (strict) | "<namespace>" (namespace-wide) | "" (cluster-wide)
//
// Deterministic: the session key and the OAEP seed are HMAC-SHA256 under the platform key of the
// certificate's fingerprint, the label, the data key and the value, so the same inputs give the same bytes
// (Argo CD sees no drift), a changed value changes only its own ciphertext, and nobody without the key
// can test a guess against a ciphertext. The OAEP encoding is done here (node's publicEncrypt takes no
// seed); the RSA operation is node's, without padding.

import { createCipheriv, createHash, createHmac, publicEncrypt, constants } from 'node:crypto';
import type { AppContext, KubeObject } from './types.js';
import type { SealCertificate, SealOptions, SealScope } from './seal-types.js';
import { glob } from './policy.js';

export const SEALED_API_VERSION = 'bitnami.com/v1alpha1';
export const SEALED_KIND = 'SealedSecret';
export const ANNOTATION_NAMESPACE_WIDE = 'sealedsecrets.bitnami.com/namespace-wide';
export const ANNOTATION_CLUSTER_WIDE = 'sealedsecrets.bitnami.com/cluster-wide';
/** Annotations for Argo CD itself: they act on the SealedSecret Argo CD applies, so they are copied to it. */
const ARGOCD_ANNOTATION_PREFIX = 'argocd.argoproj.io/';

const HLEN = 32;
const DOMAIN = 'eso-render.dev/seal/v1';

export function scopeLabel(scope: SealScope, namespace: string, name: string): Buffer {
  if (scope === 'cluster-wide') return Buffer.alloc(0);
  if (scope === 'namespace-wide') return Buffer.from(namespace, 'utf8');
  return Buffer.from(`${namespace}/${name}`, 'utf8');
}

function mgf1(seed: Uint8Array, length: number): Buffer {
  const out: Buffer[] = [];
  for (let counter = 0, have = 0; have < length; counter++, have += HLEN) {
    const c = Buffer.alloc(4);
    c.writeUInt32BE(counter);
    out.push(createHash('sha256').update(seed).update(c).digest());
  }
  return Buffer.concat(out).subarray(0, length);
}

function xor(a: Buffer, b: Buffer): Buffer {
  const out = Buffer.alloc(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}

/** EME-OAEP encoding (RFC 8017 §7.1.1) with SHA-256 and MGF1-SHA-256, with the seed given. */
export function oaepEncode(message: Uint8Array, label: Uint8Array, seed: Uint8Array, k: number): Buffer {
  if (seed.length !== HLEN) throw new Error('OAEP seed must be 32 bytes');
  const psLen = k - message.length - 2 * HLEN - 2;
  if (psLen < 0) throw new Error('message too long for the RSA key');
  const lHash = createHash('sha256').update(label).digest();
  const db = Buffer.concat([lHash, Buffer.alloc(psLen), Buffer.from([1]), message]);
  const maskedDb = xor(db, mgf1(seed, k - HLEN - 1));
  const maskedSeed = xor(Buffer.from(seed), mgf1(maskedDb, HLEN));
  return Buffer.concat([Buffer.from([0]), maskedSeed, maskedDb]);
}

/** HMAC-SHA256 under the key of length-prefixed fields: no two different inputs share a byte string. */
function derive(key: Uint8Array, purpose: string, fields: Uint8Array[]): Buffer {
  const h = createHmac('sha256', key).update(`${DOMAIN}/${purpose}\n`);
  for (const f of fields) {
    const len = Buffer.alloc(8);
    len.writeBigUInt64BE(BigInt(f.length));
    h.update(len).update(f);
  }
  return h.digest();
}

/** One value sealed in Sealed Secrets' format, deterministically. */
export function sealValue(cert: SealCertificate, key: Uint8Array, label: Uint8Array, dataKey: string, value: Uint8Array): Buffer {
  const fields = [cert.fingerprint, label, Buffer.from(dataKey, 'utf8'), value];
  const sessionKey = derive(key, 'session-key', fields);
  const seed = derive(key, 'oaep-seed', fields);
  const k = Math.ceil((cert.publicKey.asymmetricKeyDetails?.modulusLength ?? 0) / 8);
  const rsa = publicEncrypt({ key: cert.publicKey, padding: constants.RSA_NO_PADDING }, oaepEncode(sessionKey, label, seed, k));
  const cipher = createCipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  const aes = Buffer.concat([cipher.update(value), cipher.final(), cipher.getAuthTag()]);
  const len = Buffer.alloc(2);
  len.writeUInt16BE(rsa.length);
  return Buffer.concat([len, rsa, aes]);
}

function matches(patterns: string[] | undefined, value: string | undefined): boolean {
  if (!patterns) return true;
  return value !== undefined && patterns.some((p) => glob(p).test(value));
}

/** The certificate and scope for a Secret in `namespace`: the first matching destination, else the default. */
export function sealTarget(seal: SealOptions, ctx: AppContext | undefined, namespace: string): { certificate: SealCertificate; scope: SealScope } | undefined {
  for (const d of seal.destinations) {
    const m = d.match;
    if (matches(m.projects, ctx?.project) && matches(m.apps, ctx?.app) && matches(m.namespaces, namespace)) {
      return { certificate: d.certificate, scope: d.scope ?? seal.scope };
    }
  }
  return seal.certificate ? { certificate: seal.certificate, scope: seal.scope } : undefined;
}

export type Sealed = { ok: true; object: KubeObject } | { ok: false; field: string; message: string };

function sortedRecord<T>(r: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.keys(r).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))).map((k) => [k, r[k]!]));
}

/**
 * The SealedSecret the controller unseals into exactly `secret` (same name, namespace, labels, annotations,
 * type, immutable, keys and bytes). `namespace` is the Secret's effective namespace (the ExternalSecret's);
 * it is written on the SealedSecret, since the controller checks the label against where it lives.
 */
export function sealSecret(secret: KubeObject, namespace: string, ctx: AppContext | undefined, seal: SealOptions, key: Uint8Array): Sealed {
  const target = sealTarget(seal, ctx, namespace);
  if (!target) {
    return { ok: false, field: 'spec.target', message: `no sealing certificate for namespace ${namespace}: set spec.seal.certFile (--seal-cert) or a spec.seal.destinations entry matching it` };
  }
  const { certificate, scope } = target;
  const md = structuredClone(secret.metadata ?? {});
  const name = String(md.name);
  const annotations: Record<string, string> = { ...(md.annotations ?? {}) };
  delete annotations[ANNOTATION_NAMESPACE_WIDE];
  delete annotations[ANNOTATION_CLUSTER_WIDE];
  if (scope === 'namespace-wide') annotations[ANNOTATION_NAMESPACE_WIDE] = 'true';
  if (scope === 'cluster-wide') annotations[ANNOTATION_CLUSTER_WIDE] = 'true';
  md.namespace = namespace;
  md.annotations = sortedRecord(annotations);

  const label = scopeLabel(scope, namespace, name);
  const plain = new Map<string, Uint8Array>();
  for (const [k, v] of Object.entries((secret['data'] ?? {}) as Record<string, string>)) plain.set(k, Buffer.from(v, 'base64'));
  for (const [k, v] of Object.entries((secret['stringData'] ?? {}) as Record<string, string>)) plain.set(k, Buffer.from(v, 'utf8'));
  const encryptedData: Record<string, string> = {};
  for (const [k, v] of plain) encryptedData[k] = sealValue(certificate, key, label, k, v).toString('base64');

  const template: Record<string, unknown> = { metadata: md };
  if (secret['type'] !== undefined) template['type'] = secret['type'];
  if (secret['immutable'] !== undefined) template['immutable'] = secret['immutable'];

  const outer: Record<string, string> = {};
  for (const [k, v] of Object.entries(annotations)) {
    if (k === ANNOTATION_NAMESPACE_WIDE || k === ANNOTATION_CLUSTER_WIDE || k.startsWith(ARGOCD_ANNOTATION_PREFIX)) outer[k] = v;
  }
  const metadata: Record<string, unknown> = { name, namespace };
  if (Object.keys(outer).length) metadata['annotations'] = sortedRecord(outer);
  return {
    ok: true,
    object: {
      apiVersion: SEALED_API_VERSION,
      kind: SEALED_KIND,
      metadata: metadata as KubeObject['metadata'],
      spec: { encryptedData: sortedRecord(encryptedData), template },
    },
  };
}
