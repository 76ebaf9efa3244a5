// The `spec.provider.vault` block of a SecretStore (and `spec.provider` of a VaultDynamicSecret), typed,
// with ESO's CRD defaults applied. Field names follow apis/externalsecrets/v1/secretstore_vault_types.go.

import type { SecretKeySelector } from '../types.js';

export interface VaultStoreSpec {
  server: string;
  /** The KV mount (may contain `/`); undefined when unset, which changes path building. */
  path?: string;
  version: 'v1' | 'v2';
  namespace?: string;
  /** PEM bytes (YAML holds them base64-encoded). */
  caBundle?: string;
  caProvider?: { type: 'Secret' | 'ConfigMap'; name: string; key: string; namespace?: string };
  tls?: { certSecretRef?: SecretKeySelector; keySecretRef?: SecretKeySelector };
  readYourWrites: boolean;
  forwardInconsistent: boolean;
  headers: Record<string, string>;
  auth?: VaultAuthSpec;
}

export interface VaultAuthSpec {
  namespace?: string;
  tokenSecretRef?: SecretKeySelector;
  appRole?: { path: string; roleId?: string; roleRef?: SecretKeySelector; secretRef: SecretKeySelector };
  kubernetes?: {
    mountPath: string;
    role: string;
    serviceAccountRef?: { name: string; namespace?: string; audiences?: string[] };
    secretRef?: SecretKeySelector;
  };
  ldap?: { path: string; username: string; secretRef: SecretKeySelector };
  userPass?: { path: string; username: string; secretRef: SecretKeySelector };
  jwt?: {
    path: string;
    role?: string;
    secretRef?: SecretKeySelector;
    kubernetesServiceAccountToken?: { serviceAccountRef: { name: string; namespace?: string } };
  };
  cert?: { path: string; vaultRole?: string; clientCert: SecretKeySelector; secretRef: SecretKeySelector };
  iam?: Record<string, unknown>;
  gcp?: Record<string, unknown>;
}

/** A spec problem, reported with its field path. */
export class VaultSpecError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function str(o: Obj, k: string, field: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new VaultSpecError(`${field}.${k}`, 'must be a string');
  return v;
}

function selector(o: Obj, k: string, field: string, defaultKey?: string): SecretKeySelector | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) throw new VaultSpecError(`${field}.${k}`, 'must be an object');
  const name = str(v, 'name', `${field}.${k}`);
  const key = str(v, 'key', `${field}.${k}`) || defaultKey;
  if (!name) throw new VaultSpecError(`${field}.${k}.name`, 'is required');
  if (!key) throw new VaultSpecError(`${field}.${k}.key`, 'is required');
  const namespace = str(v, 'namespace', `${field}.${k}`);
  return namespace ? { name, key, namespace } : { name, key };
}

function required<T>(v: T | undefined, field: string): T {
  if (v === undefined) throw new VaultSpecError(field, 'is required');
  return v;
}

export function parseVaultSpec(raw: Obj, field = 'spec.provider.vault'): VaultStoreSpec {
  const server = str(raw, 'server', field);
  if (!server) throw new VaultSpecError(`${field}.server`, 'is required');
  const version = (str(raw, 'version', field) ?? 'v2') || 'v2';
  if (version !== 'v1' && version !== 'v2') throw new VaultSpecError(`${field}.version`, 'must be v1 or v2');
  const spec: VaultStoreSpec = {
    server,
    version,
    readYourWrites: raw.readYourWrites === true,
    forwardInconsistent: raw.forwardInconsistent === true,
    headers: {},
  };
  const path = str(raw, 'path', field);
  if (path !== undefined) spec.path = path;
  const ns = str(raw, 'namespace', field);
  if (ns !== undefined) spec.namespace = ns;
  const ca = str(raw, 'caBundle', field);
  if (ca) spec.caBundle = Buffer.from(ca, 'base64').toString('utf8');
  if (isObj(raw.caProvider)) {
    const cp = raw.caProvider;
    const f = `${field}.caProvider`;
    const type = str(cp, 'type', f);
    if (type !== 'Secret' && type !== 'ConfigMap') throw new VaultSpecError(`${f}.type`, 'must be Secret or ConfigMap');
    spec.caProvider = { type, name: required(str(cp, 'name', f), `${f}.name`), key: required(str(cp, 'key', f), `${f}.key`) };
    const cpns = str(cp, 'namespace', f);
    if (cpns) spec.caProvider.namespace = cpns;
  }
  if (isObj(raw.tls)) {
    const f = `${field}.tls`;
    const certSecretRef = selector(raw.tls, 'certSecretRef', f, 'tls.crt');
    const keySecretRef = selector(raw.tls, 'keySecretRef', f, 'tls.key');
    spec.tls = {};
    if (certSecretRef) spec.tls.certSecretRef = certSecretRef;
    if (keySecretRef) spec.tls.keySecretRef = keySecretRef;
  }
  if (isObj(raw.headers)) {
    for (const [k, v] of Object.entries(raw.headers)) if (typeof v === 'string') spec.headers[k] = v;
  }
  if (isObj(raw.auth)) spec.auth = parseAuth(raw.auth, `${field}.auth`);
  return spec;
}

function parseAuth(a: Obj, f: string): VaultAuthSpec {
  const auth: VaultAuthSpec = {};
  const ns = str(a, 'namespace', f);
  if (ns !== undefined) auth.namespace = ns;
  const tok = selector(a, 'tokenSecretRef', f);
  if (tok) auth.tokenSecretRef = tok;
  if (isObj(a.appRole)) {
    const o = a.appRole;
    const g = `${f}.appRole`;
    auth.appRole = { path: str(o, 'path', g) || 'approle', secretRef: required(selector(o, 'secretRef', g), `${g}.secretRef`) };
    const roleId = str(o, 'roleId', g);
    if (roleId) auth.appRole.roleId = roleId;
    const roleRef = selector(o, 'roleRef', g);
    if (roleRef) auth.appRole.roleRef = roleRef;
  }
  if (isObj(a.kubernetes)) {
    const o = a.kubernetes;
    const g = `${f}.kubernetes`;
    auth.kubernetes = { mountPath: str(o, 'mountPath', g) || 'kubernetes', role: str(o, 'role', g) ?? '' };
    // ESO defaults the key of a kubernetes secretRef to `token`.
    const sr = selector(o, 'secretRef', g, 'token');
    if (sr) auth.kubernetes.secretRef = sr;
    if (isObj(o.serviceAccountRef)) {
      const sa = o.serviceAccountRef;
      auth.kubernetes.serviceAccountRef = { name: required(str(sa, 'name', `${g}.serviceAccountRef`), `${g}.serviceAccountRef.name`) };
      const sans = str(sa, 'namespace', `${g}.serviceAccountRef`);
      if (sans) auth.kubernetes.serviceAccountRef.namespace = sans;
    }
  }
  for (const m of ['ldap', 'userPass'] as const) {
    if (!isObj(a[m])) continue;
    const o = a[m] as Obj;
    const g = `${f}.${m}`;
    auth[m] = {
      path: str(o, 'path', g) || (m === 'ldap' ? 'ldap' : 'userpass'),
      username: required(str(o, 'username', g), `${g}.username`),
      secretRef: required(selector(o, 'secretRef', g), `${g}.secretRef`),
    };
  }
  if (isObj(a.jwt)) {
    const o = a.jwt;
    const g = `${f}.jwt`;
    auth.jwt = { path: str(o, 'path', g) || 'jwt' };
    const role = str(o, 'role', g);
    if (role !== undefined) auth.jwt.role = role;
    const sr = selector(o, 'secretRef', g);
    if (sr) auth.jwt.secretRef = sr;
    if (isObj(o.kubernetesServiceAccountToken) && isObj(o.kubernetesServiceAccountToken.serviceAccountRef)) {
      const sa = o.kubernetesServiceAccountToken.serviceAccountRef;
      const name = required(str(sa, 'name', `${g}.kubernetesServiceAccountToken.serviceAccountRef`), `${g}.kubernetesServiceAccountToken.serviceAccountRef.name`);
      const sans = str(sa, 'namespace', `${g}.kubernetesServiceAccountToken.serviceAccountRef`);
      auth.jwt.kubernetesServiceAccountToken = { serviceAccountRef: sans ? { name, namespace: sans } : { name } };
    }
  }
  if (isObj(a.cert)) {
    const o = a.cert;
    const g = `${f}.cert`;
    auth.cert = {
      path: str(o, 'path', g) || 'cert',
      clientCert: required(selector(o, 'clientCert', g), `${g}.clientCert`),
      secretRef: required(selector(o, 'secretRef', g), `${g}.secretRef`),
    };
    const vr = str(o, 'vaultRole', g);
    if (vr) auth.cert.vaultRole = vr;
  }
  if (isObj(a.iam)) auth.iam = a.iam;
  if (isObj(a.gcp)) auth.gcp = a.gcp;
  return auth;
}
