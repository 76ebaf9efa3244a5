// A Sealed Secrets controller's key pair, made at test time, and an unseal written from Sealed Secrets'
// documented format (docs/developer/crypto.md of bitnami-labs/sealed-secrets), independent of
// src/engine/seal.ts: node's own RSA-OAEP (SHA-256) decryption with the scope label, then AES-256-GCM with a
// zero nonce. What the controller does in the cluster, and nothing shared with the sealing code.
import { createDecipheriv, constants, generateKeyPairSync, privateDecrypt } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import forge from 'node-forge';
import type { KubeObject } from '../../src/engine/types.js';

export interface ControllerKeys {
  certPem: string;
  privateKeyPem: string;
}

/** A self-signed certificate like the controller's (RSA, 2048 bits here for speed; the controller uses 4096). */
export function controllerKeys(opts: { bits?: number; notBefore?: Date; notAfter?: Date } = {}): ControllerKeys {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: opts.bits ?? 2048,
    privateKeyEncoding: { type: 'pkcs1', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey);
  cert.serialNumber = '01' + forge.util.bytesToHex(forge.random.getBytesSync(8));
  cert.validity.notBefore = opts.notBefore ?? new Date(Date.now() - 3600_000);
  cert.validity.notAfter = opts.notAfter ?? new Date(Date.now() + 3650 * 24 * 3600_000);
  const attrs = [{ name: 'organizationName', value: 'sealed-secret' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.sign(forge.pki.privateKeyFromPem(privateKey) as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { certPem: forge.pki.certificateToPem(cert), privateKeyPem: privateKey };
}

export function writeCert(path: string, keys: ControllerKeys): string {
  writeFileSync(path, keys.certPem);
  return path;
}

/** The label the controller decrypts with, from the SealedSecret's own metadata (labelFor in the controller). */
export function controllerLabel(sealed: KubeObject): Buffer {
  const a = sealed.metadata?.annotations ?? {};
  const ns = sealed.metadata?.namespace ?? '';
  if (a['sealedsecrets.bitnami.com/cluster-wide'] === 'true') return Buffer.alloc(0);
  if (a['sealedsecrets.bitnami.com/namespace-wide'] === 'true') return Buffer.from(ns);
  return Buffer.from(`${ns}/${sealed.metadata?.name}`);
}

/** One encryptedData value: uint16be length || RSA-OAEP(session key) || AES-256-GCM(value) with its tag. */
export function unsealValue(privateKeyPem: string, b64: string, label: Buffer): Buffer {
  const blob = Buffer.from(b64, 'base64');
  const rsaLen = blob.readUInt16BE(0);
  const rsa = blob.subarray(2, 2 + rsaLen);
  const aes = blob.subarray(2 + rsaLen);
  const sessionKey = privateDecrypt({ key: privateKeyPem, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha256', oaepLabel: label }, rsa);
  const decipher = createDecipheriv('aes-256-gcm', sessionKey, Buffer.alloc(12));
  decipher.setAuthTag(aes.subarray(aes.length - 16));
  return Buffer.concat([decipher.update(aes.subarray(0, aes.length - 16)), decipher.final()]);
}

/**
 * The Secret the controller would create from a SealedSecret (Unseal in sealedsecret_expansion.go):
 * the template's metadata, type and immutable, name and namespace of the SealedSecret, data decrypted.
 */
export function unseal(privateKeyPem: string, sealed: KubeObject): KubeObject {
  if (sealed.apiVersion !== 'bitnami.com/v1alpha1' || sealed.kind !== 'SealedSecret') throw new Error(`not a SealedSecret: ${sealed.kind}`);
  const spec = sealed['spec'] as { encryptedData: Record<string, string>; template?: { metadata?: KubeObject['metadata']; type?: string; immutable?: boolean } };
  const label = controllerLabel(sealed);
  const data: Record<string, string> = {};
  for (const [k, v] of Object.entries(spec.encryptedData)) data[k] = unsealValue(privateKeyPem, v, label).toString('base64');
  const md = { ...(spec.template?.metadata ?? {}), name: sealed.metadata?.name, namespace: sealed.metadata?.namespace };
  const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: md };
  if (spec.template?.immutable !== undefined) secret['immutable'] = spec.template.immutable;
  if (spec.template?.type !== undefined) secret['type'] = spec.template.type;
  secret['data'] = data;
  return secret;
}
