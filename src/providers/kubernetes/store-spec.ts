// The `spec.provider.kubernetes` block of a SecretStore, typed, with ESO v2.9.0's CRD defaults
// (apis/externalsecrets/v1/secretstore_kubernetes_types.go): server.url (default kubernetes.default),
// server.caBundle / caProvider, remoteNamespace (default `default`), and exactly one of auth.token,
// auth.cert, auth.serviceAccount, or a kubeconfig through authRef.

import type { SecretKeySelector } from '../types.js';

export interface KubernetesStoreSpec {
  url: string;
  caBundle?: string;
  caProvider?: { type: 'Secret' | 'ConfigMap'; name: string; key: string; namespace?: string };
  remoteNamespace: string;
  auth?: {
    token?: { bearerToken: SecretKeySelector };
    cert?: { clientCert: SecretKeySelector; clientKey: SecretKeySelector };
    serviceAccount?: { name: string; namespace?: string; audiences?: string[] };
  };
  authRef?: SecretKeySelector;
}

export class KubernetesSpecError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Obj, k: string, field: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new KubernetesSpecError(`${field}.${k}`, 'must be a string');
  return v;
}

function selector(o: Obj, k: string, field: string): SecretKeySelector | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) throw new KubernetesSpecError(`${field}.${k}`, 'must be an object');
  const name = str(v, 'name', `${field}.${k}`);
  const key = str(v, 'key', `${field}.${k}`);
  if (!name) throw new KubernetesSpecError(`${field}.${k}.name`, 'is required');
  if (!key) throw new KubernetesSpecError(`${field}.${k}.key`, 'is required');
  const namespace = str(v, 'namespace', `${field}.${k}`);
  return namespace ? { name, key, namespace } : { name, key };
}

function onlyFields(o: Obj, allowed: string[], field: string): void {
  for (const k of Object.keys(o)) if (!allowed.includes(k)) throw new KubernetesSpecError(`${field}.${k}`, `is not a field of ESO's kubernetes store (v2.9.0 has ${allowed.join(', ')})`);
}

export function parseKubernetesSpec(raw: Obj, field = 'spec.provider.kubernetes'): KubernetesStoreSpec {
  onlyFields(raw, ['server', 'remoteNamespace', 'auth', 'authRef'], field);
  const server = isObj(raw.server) ? raw.server : {};
  onlyFields(server, ['url', 'caBundle', 'caProvider'], `${field}.server`);
  const spec: KubernetesStoreSpec = {
    url: str(server, 'url', `${field}.server`) || 'kubernetes.default',
    remoteNamespace: str(raw, 'remoteNamespace', field) || 'default',
  };
  const ca = str(server, 'caBundle', `${field}.server`);
  if (ca) spec.caBundle = Buffer.from(ca, 'base64').toString('utf8');
  if (isObj(server.caProvider)) {
    const cp = server.caProvider;
    const f = `${field}.server.caProvider`;
    const type = str(cp, 'type', f);
    if (type !== 'Secret' && type !== 'ConfigMap') throw new KubernetesSpecError(`${f}.type`, 'must be Secret or ConfigMap');
    const name = str(cp, 'name', f);
    const key = str(cp, 'key', f);
    if (!name) throw new KubernetesSpecError(`${f}.name`, 'is required');
    if (!key) throw new KubernetesSpecError(`${f}.key`, 'is required');
    spec.caProvider = { type, name, key };
    const ns = str(cp, 'namespace', f);
    if (ns) spec.caProvider.namespace = ns;
  }
  const authRef = selector(raw, 'authRef', field);
  if (authRef) spec.authRef = authRef;
  if (isObj(raw.auth)) {
    const a = raw.auth;
    const f = `${field}.auth`;
    onlyFields(a, ['token', 'cert', 'serviceAccount'], f);
    spec.auth = {};
    if (isObj(a.token)) {
      const bearerToken = selector(a.token, 'bearerToken', `${f}.token`);
      if (!bearerToken) throw new KubernetesSpecError(`${f}.token.bearerToken`, 'is required');
      spec.auth.token = { bearerToken };
    }
    if (isObj(a.cert)) {
      const clientCert = selector(a.cert, 'clientCert', `${f}.cert`);
      const clientKey = selector(a.cert, 'clientKey', `${f}.cert`);
      if (!clientCert) throw new KubernetesSpecError(`${f}.cert.clientCert`, 'is required');
      if (!clientKey) throw new KubernetesSpecError(`${f}.cert.clientKey`, 'is required');
      spec.auth.cert = { clientCert, clientKey };
    }
    if (isObj(a.serviceAccount)) {
      const name = str(a.serviceAccount, 'name', `${f}.serviceAccount`);
      if (!name) throw new KubernetesSpecError(`${f}.serviceAccount.name`, 'is required');
      spec.auth.serviceAccount = { name };
      const ns = str(a.serviceAccount, 'namespace', `${f}.serviceAccount`);
      if (ns) spec.auth.serviceAccount.namespace = ns;
    }
  }
  return spec;
}
