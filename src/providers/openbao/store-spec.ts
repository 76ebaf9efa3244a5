// The `spec.provider.openBao` block of a SecretStore, typed, with ESO v2.9.0's CRD defaults applied
// (apis/externalsecrets/v1/secretstore_openbao_types.go). OpenBao's store is a subset of Vault's: server,
// path (default `kv`), version, namespace, caBundle/caProvider, and the auth methods token, appRole and
// userPass. A field of Vault's store that OpenBao's lacks (headers, tls, readYourWrites, auth.kubernetes,
// ...) is refused by name: ESO's CRD would drop it, and the store would then not do what it says.

import type { SecretKeySelector } from '../types.js';

export interface OpenBaoStoreSpec {
  server: string;
  /** The KV mount; ESO's client uses `kv` when unset. */
  path: string;
  version: 'v1' | 'v2';
  namespace?: string;
  /** PEM text (YAML holds it base64-encoded). */
  caBundle?: string;
  caProvider?: { type: 'Secret' | 'ConfigMap'; name: string; key: string; namespace?: string };
  auth?: OpenBaoAuthSpec;
}

export interface OpenBaoAuthSpec {
  namespace?: string;
  tokenSecretRef?: SecretKeySelector;
  appRole?: { path: string; roleId?: string; roleRef?: SecretKeySelector; secretRef: SecretKeySelector };
  userPass?: { path: string; username: string; secretRef: SecretKeySelector };
}

export class OpenBaoSpecError extends Error {
  constructor(readonly field: string, readonly reason: string) {
    super(`${field}: ${reason}`);
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const STORE_FIELDS = ['server', 'path', 'version', 'namespace', 'caBundle', 'caProvider', 'auth'];
const AUTH_FIELDS = ['namespace', 'tokenSecretRef', 'appRole', 'userPass'];

function onlyFields(o: Obj, allowed: string[], field: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) {
      throw new OpenBaoSpecError(`${field}.${k}`, `is not a field of ESO's OpenBao store (v2.9.0 has ${allowed.join(', ')}); it would be dropped, so it is refused`);
    }
  }
}

function str(o: Obj, k: string, field: string): string | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new OpenBaoSpecError(`${field}.${k}`, 'must be a string');
  return v;
}

function selector(o: Obj, k: string, field: string): SecretKeySelector | undefined {
  const v = o[k];
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) throw new OpenBaoSpecError(`${field}.${k}`, 'must be an object');
  const name = str(v, 'name', `${field}.${k}`);
  const key = str(v, 'key', `${field}.${k}`);
  if (!name) throw new OpenBaoSpecError(`${field}.${k}.name`, 'is required');
  if (!key) throw new OpenBaoSpecError(`${field}.${k}.key`, 'is required');
  const namespace = str(v, 'namespace', `${field}.${k}`);
  return namespace ? { name, key, namespace } : { name, key };
}

function required<T>(v: T | undefined, field: string): T {
  if (v === undefined) throw new OpenBaoSpecError(field, 'is required');
  return v;
}

export function parseOpenBaoSpec(raw: Obj, field = 'spec.provider.openBao'): OpenBaoStoreSpec {
  onlyFields(raw, STORE_FIELDS, field);
  const server = str(raw, 'server', field);
  if (!server) throw new OpenBaoSpecError(`${field}.server`, 'is required');
  const version = str(raw, 'version', field) || 'v2';
  if (version !== 'v1' && version !== 'v2') throw new OpenBaoSpecError(`${field}.version`, 'must be v1 or v2');
  const spec: OpenBaoStoreSpec = { server, version, path: str(raw, 'path', field) ?? 'kv' };
  const ns = str(raw, 'namespace', field);
  if (ns !== undefined) spec.namespace = ns;
  const ca = str(raw, 'caBundle', field);
  if (ca) spec.caBundle = Buffer.from(ca, 'base64').toString('utf8');
  if (raw.caProvider !== undefined && raw.caProvider !== null) {
    if (!isObj(raw.caProvider)) throw new OpenBaoSpecError(`${field}.caProvider`, 'must be an object');
    const cp = raw.caProvider;
    const f = `${field}.caProvider`;
    const type = str(cp, 'type', f);
    if (type !== 'Secret' && type !== 'ConfigMap') throw new OpenBaoSpecError(`${f}.type`, 'must be Secret or ConfigMap');
    spec.caProvider = { type, name: required(str(cp, 'name', f), `${f}.name`), key: required(str(cp, 'key', f), `${f}.key`) };
    const cpns = str(cp, 'namespace', f);
    if (cpns) spec.caProvider.namespace = cpns;
  }
  if (raw.auth !== undefined && raw.auth !== null) {
    if (!isObj(raw.auth)) throw new OpenBaoSpecError(`${field}.auth`, 'must be an object');
    spec.auth = parseAuth(raw.auth, `${field}.auth`);
  }
  return spec;
}

function parseAuth(a: Obj, f: string): OpenBaoAuthSpec {
  onlyFields(a, AUTH_FIELDS, f);
  const auth: OpenBaoAuthSpec = {};
  const ns = str(a, 'namespace', f);
  if (ns !== undefined) auth.namespace = ns;
  const tok = selector(a, 'tokenSecretRef', f);
  if (tok) auth.tokenSecretRef = tok;
  if (isObj(a.appRole)) {
    const o = a.appRole;
    const g = `${f}.appRole`;
    auth.appRole = { path: str(o, 'path', g) || 'approle', secretRef: required(selector(o, 'secretRef', g), `${g}.secretRef`) };
    const roleId = str(o, 'roleId', g);
    const roleRef = selector(o, 'roleRef', g);
    if (roleId && roleRef) throw new OpenBaoSpecError(g, '`roleId` and `roleRef` are mutually exclusive');
    if (roleId) auth.appRole.roleId = roleId;
    if (roleRef) auth.appRole.roleRef = roleRef;
  }
  if (isObj(a.userPass)) {
    const o = a.userPass;
    const g = `${f}.userPass`;
    auth.userPass = {
      path: str(o, 'path', g) || 'userpass',
      username: required(str(o, 'username', g), `${g}.username`),
      secretRef: required(selector(o, 'secretRef', g), `${g}.secretRef`),
    };
  }
  return auth;
}
