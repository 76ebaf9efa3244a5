// The `spec.provider.infisical` block, read with ESO's field names (apis/externalsecrets/v1/
// secretsstore_infisical_types.go, v2.9.0) and checked with ESO's ValidateStore wording
// (providers/v1/infisical/provider.go). Auth methods are taken in ESO's order of precedence; the ones that
// need a cloud's metadata service, a signature of the sidecar's cloud identity or a key file on disk are
// refused by field (docs/providers/infisical.md, "Auth").

import type { SecretKeySelector } from '../types.js';
import { obj, selector, str } from '../shared/spec-read.js';
import { pathProblem } from '../../common/remote-keys.js';

export const FIELD = 'spec.provider.infisical';
/** ESO's CRD default for hostAPI (the SDK appends `/api` when it is missing). */
export const DEFAULT_HOST_API = 'https://app.infisical.com/api';
/** Replaces the hard-coded default when a store sets no hostAPI (a private Infisical, a test server). */
export const HOST_API_ENV = 'ESO_RENDER_INFISICAL_HOST_API';
/** Where the Kubernetes auth method reads the ServiceAccount token when the store names no path (platform stores only). */
export const SA_TOKEN_PATH_ENV = 'ESO_RENDER_INFISICAL_SA_TOKEN_PATH';
export const DEFAULT_SA_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';

export type AuthConfig =
  | { method: 'universal'; clientId: SecretKeySelector; clientSecret: SecretKeySelector }
  | { method: 'jwt'; identityId: SecretKeySelector; jwt: SecretKeySelector }
  | { method: 'ldap'; identityId: SecretKeySelector; username: SecretKeySelector; password: SecretKeySelector }
  | { method: 'kubernetes'; identityId: SecretKeySelector; serviceAccountTokenPath?: SecretKeySelector }
  | { method: 'token'; accessToken: SecretKeySelector };

export interface InfisicalStoreConfig {
  /** The API base, ending in `/api` (the SDK's AppendAPIEndpoint). */
  apiBase: string;
  auth: AuthConfig;
  projectSlug: string;
  environmentSlug: string;
  organizationSlug: string;
  /** secretsScope.secretsPath, default `/`. */
  secretsPath: string;
  recursive: boolean;
  expandSecretReferences: boolean;
  /** caBundle (decoded PEM) or caProvider. */
  caBundle?: string;
  caProvider?: SecretKeySelector;
}

type Problem = { field: string; message: string };

/** ESO's order of precedence (NewClient's switch), with what each needs offline. */
const AUTH_ORDER: { name: string; method?: AuthConfig['method']; refused?: string }[] = [
  { name: 'universalAuthCredentials', method: 'universal' },
  { name: 'azureAuthCredentials', refused: "needs a token from the Azure Instance Metadata Service of the sidecar's host" },
  { name: 'gcpIdTokenAuthCredentials', refused: "needs an ID token from the GCP metadata server of the sidecar's host" },
  { name: 'gcpIamAuthCredentials', refused: "reads a service account key file from the sidecar's disk (serviceAccountKeyFilePath)" },
  { name: 'jwtAuthCredentials', method: 'jwt' },
  { name: 'ldapAuthCredentials', method: 'ldap' },
  { name: 'ociAuthCredentials', refused: 'needs an OCI request signature, which eso-render does not implement' },
  { name: 'kubernetesAuthCredentials', method: 'kubernetes' },
  { name: 'awsAuthCredentials', refused: "signs sts:GetCallerIdentity with the AWS identity of the sidecar's host" },
  { name: 'tokenAuthCredentials', method: 'token' },
];

/** The auth block ESO would use (the first set one in its order), or undefined when none is set. */
export function chosenAuth(spec: Record<string, unknown>): { name: string; block: Record<string, unknown> } | undefined {
  const auth = obj(spec['auth']) ?? {};
  for (const a of AUTH_ORDER) {
    const block = obj(auth[a.name]);
    if (block) return { name: a.name, block };
  }
  return undefined;
}

/** Whether a store's `secretsPath` is a canonical absolute folder (`/` or `/a/b`, one trailing `/` allowed). */
export function secretsPathProblem(p: string): string | undefined {
  if (p === '/') return undefined;
  if (!p.startsWith('/')) return "no leading '/' (Infisical folders are absolute paths)";
  return pathProblem(p, { leadingSlash: true, trailingSlash: true });
}

export function checkStore(spec: Record<string, unknown>, kind: string): Problem[] {
  const problems: Problem[] = [];
  const scope = obj(spec['secretsScope']) ?? {};
  // validateSecretsScope
  if (!str(scope['environmentSlug']) || !str(scope['projectSlug'])) {
    problems.push({ field: 'secretsScope', message: 'secretsScope.projectSlug and secretsScope.environmentSlug cannot be empty' });
  }
  const sp = scope['secretsPath'];
  if (typeof sp === 'string' && sp !== '') {
    const why = secretsPathProblem(sp);
    if (why) problems.push({ field: 'secretsScope.secretsPath', message: `secretsScope.secretsPath ${JSON.stringify(sp)} is not canonical: it has ${why}; eso-render refuses it before any request` });
  }
  // validateCAProvider
  const cap = obj(spec['caProvider']);
  if (cap) {
    if (kind === 'ClusterSecretStore' && !str(cap['namespace'])) problems.push({ field: 'caProvider.namespace', message: 'caProvider.namespace is required for ClusterSecretStore' });
    if (kind === 'SecretStore' && str(cap['namespace'])) problems.push({ field: 'caProvider.namespace', message: 'caProvider.namespace must be empty with SecretStore' });
  }
  if (cap && spec['caBundle'] !== undefined && spec['caBundle'] !== '') problems.push({ field: 'caBundle', message: 'caBundle and caProvider are mutually exclusive' });
  // validateUniversalAuth (ValidateReferentSecretSelector: a SecretStore's reference names no namespace)
  const ua = obj(obj(spec['auth'])?.['universalAuthCredentials']);
  if (ua) {
    for (const k of ['clientId', 'clientSecret']) {
      const ref = obj(ua[k]);
      if (kind === 'SecretStore' && str(ref?.['namespace'])) problems.push({ field: `auth.universalAuthCredentials.${k}.namespace`, message: 'namespace should either be empty or match the namespace of the SecretStore for a namespaced SecretStore' });
    }
    if (!str(obj(ua['clientId'])?.['key']) || !str(obj(ua['clientSecret'])?.['key'])) {
      problems.push({ field: 'auth.universalAuthCredentials', message: 'universalAuthCredentials.clientId and universalAuthCredentials.clientSecret cannot be empty' });
    }
  }
  const host = spec['hostAPI'];
  if (host !== undefined && host !== '' && !hostOk(String(host))) {
    problems.push({ field: 'hostAPI', message: `${FIELD}.hostAPI: an http(s) URL without query, fragment or user info is required, such as https://app.infisical.com` });
  }
  return problems;
}

function hostOk(host: string): boolean {
  try {
    const u = new URL(host);
    return (u.protocol === 'http:' || u.protocol === 'https:') && u.search === '' && u.hash === '' && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}

/** The SDK's AppendAPIEndpoint: `/api` is appended unless the URL already ends with it. */
export function apiBaseOf(host: string): string {
  if (host.endsWith('/api')) return host;
  return host.endsWith('/') ? `${host}api` : `${host}/api`;
}

/** A problem a store's auth block has offline, named by field; undefined when it can be used. */
export class AuthRefusal extends Error {}

export function readStore(spec: Record<string, unknown>): InfisicalStoreConfig {
  const chosen = chosenAuth(spec);
  // ESO's NewClient: "authentication method not found" when no block is set.
  if (!chosen) throw new AuthRefusal('authentication method not found');
  const entry = AUTH_ORDER.find((a) => a.name === chosen.name)!;
  const at = `${FIELD}.auth.${chosen.name}`;
  if (entry.refused) {
    throw new AuthRefusal(`${at}: refused offline: this auth method ${entry.refused}; use universalAuthCredentials, tokenAuthCredentials, jwtAuthCredentials or ldapAuthCredentials`);
  }
  const b = chosen.block;
  const need = (k: string): SecretKeySelector => {
    const s = selector(b[k]);
    if (!s) throw new AuthRefusal(`${at}.${k}: a secret reference with name and key is required`);
    return s;
  };
  let auth: AuthConfig;
  switch (entry.method) {
    case 'universal':
      auth = { method: 'universal', clientId: need('clientId'), clientSecret: need('clientSecret') };
      break;
    case 'jwt':
      auth = { method: 'jwt', identityId: need('identityId'), jwt: need('jwt') };
      break;
    case 'ldap':
      auth = { method: 'ldap', identityId: need('identityId'), username: need('ldapUsername'), password: need('ldapPassword') };
      break;
    case 'kubernetes': {
      const p = selector(b['serviceAccountTokenPath']);
      auth = { method: 'kubernetes', identityId: need('identityId'), ...(p ? { serviceAccountTokenPath: p } : {}) };
      break;
    }
    default:
      auth = { method: 'token', accessToken: need('accessToken') };
  }
  const scope = obj(spec['secretsScope']) ?? {};
  const host = str(spec['hostAPI']) ?? (process.env[HOST_API_ENV] || DEFAULT_HOST_API);
  const cfg: InfisicalStoreConfig = {
    apiBase: apiBaseOf(host),
    auth,
    projectSlug: String(scope['projectSlug'] ?? ''),
    environmentSlug: String(scope['environmentSlug'] ?? ''),
    organizationSlug: typeof scope['organizationSlug'] === 'string' ? scope['organizationSlug'] : '',
    secretsPath: str(scope['secretsPath']) ?? '/',
    recursive: scope['recursive'] === true,
    // CRD default true: only an explicit false turns expansion off.
    expandSecretReferences: scope['expandSecretReferences'] !== false,
  };
  const ca = str(spec['caBundle']);
  if (ca) cfg.caBundle = Buffer.from(ca, 'base64').toString('utf8');
  const cap = obj(spec['caProvider']);
  if (cap && str(cap['name']) && str(cap['key'])) {
    cfg.caProvider = { name: String(cap['name']), key: String(cap['key']), ...(str(cap['namespace']) ? { namespace: String(cap['namespace']) } : {}) };
  }
  return cfg;
}
