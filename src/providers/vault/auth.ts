// Getting a Vault token the way ESO's setAuth does (providers/v1/vault/auth*.go): the first configured
// method wins, in ESO's order. The token lives in memory only, for the life of one client (one run).

import { readFile } from 'node:fs/promises';
import { X509Certificate, createPrivateKey } from 'node:crypto';
import type { CredentialResolver, SecretKeySelector } from '../types.js';
import type { VaultAuthSpec, VaultStoreSpec } from './store-spec.js';
import { VaultHttp, VaultHttpError, asSecret } from './http.js';
import { isGoObject } from '../shared/go-json.js';

/** The process's own ServiceAccount token, as ESO reads it in its pod. */
export const DEFAULT_SA_TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount/token';
/** Overrides DEFAULT_SA_TOKEN_PATH (documented in docs/providers/vault.md; tests point it at a temp file). */
export const SA_TOKEN_PATH_ENV = 'ESO_RENDER_VAULT_SA_TOKEN_PATH';

export interface AuthDeps {
  http: VaultHttp;
  credentials: CredentialResolver;
  /** Namespace used to look up ServiceAccounts of a SecretStore (the store's namespace). */
  storeNamespace?: string;
  env: NodeJS.ProcessEnv;
  /** An app-defined connection in the shared sidecar: no VAULT_TOKEN, no own ServiceAccount token. */
  refuseAmbientIdentity?: boolean;
}

export class VaultAuthError extends Error {}

const AUTH_FIELD = 'spec.provider.vault.auth';

/** Which method a spec uses, in ESO's order; undefined when the block names none. */
export function authMethodOf(auth: VaultAuthSpec | undefined): string | undefined {
  if (!auth) return undefined;
  const order = ['tokenSecretRef', 'appRole', 'kubernetes', 'ldap', 'userPass', 'jwt', 'cert', 'iam', 'gcp'] as const;
  return order.find((m) => auth[m] !== undefined);
}

/**
 * Whether this spec would log in with the process's ambient identity: `VAULT_TOKEN` (no auth method) or
 * the process's own ServiceAccount token (kubernetes auth without secretRef/serviceAccountRef). Returns
 * the ambient source and the field to set instead, or undefined.
 */
export function ambientFallback(spec: VaultStoreSpec, field: string): { fallback: string; setInstead: string } | undefined {
  const method = authMethodOf(spec.auth);
  if (!method) {
    return { fallback: 'VAULT_TOKEN', setInstead: `${field}.auth (tokenSecretRef, appRole, kubernetes.secretRef, jwt.secretRef, userPass, ldap or cert)` };
  }
  const k = spec.auth?.kubernetes;
  if (method === 'kubernetes' && k && !k.secretRef && !k.serviceAccountRef) {
    return { fallback: `the sidecar's ServiceAccount token (${SA_TOKEN_PATH_ENV})`, setInstead: `${field}.auth.kubernetes.secretRef` };
  }
  return undefined;
}

/** Returns the token to send, or undefined to send none. */
export async function login(spec: VaultStoreSpec, deps: AuthDeps): Promise<string | undefined> {
  const auth = spec.auth;
  const method = authMethodOf(auth);
  // Checked again where the token is made (VaultConnection.open refuses first): no ambient identity.
  const ambient = deps.refuseAmbientIdentity ? ambientFallback(spec, 'spec.provider.vault') : undefined;
  if (ambient) throw new VaultAuthError(`defined in the application's own manifests: the shared sidecar never lends it its own identity (${ambient.fallback}); set ${ambient.setInstead}`);
  if (!auth || !method) {
    // The Go client picks up VAULT_TOKEN from the environment; with an empty auth block ESO has no method.
    const envToken = deps.env.VAULT_TOKEN?.trim();
    if (envToken) return envToken;
    if (!auth) return undefined;
    throw new VaultAuthError('cannot initialize Vault client: no valid auth method specified');
  }
  // The store namespace applies to everything; auth.namespace replaces it for the login only.
  const loginNs = auth.namespace ?? spec.namespace ?? '';
  const cred = (ref: SecretKeySelector, field: string) => resolveText(deps.credentials, ref, `${AUTH_FIELD}.${field}`);
  const post = async (mount: string, suffix: string, body: Record<string, unknown> | undefined, what: string) => {
    const path = `auth/${mount}/login${suffix}`;
    let res;
    try {
      res = await deps.http.request({ method: 'POST', path, body: body ?? {}, namespace: loginNs });
    } catch (e) {
      throw new VaultAuthError(`${what} login at ${path} failed: ${(e as Error).message}`);
    }
    if (res.status === 404) throw new VaultAuthError(`${what} login at ${path} failed: Code: 404 (no such auth mount)`);
    return tokenOf(asSecret(res), `${what} login at ${path}`);
  };

  switch (method) {
    case 'tokenSecretRef':
      return (await cred(auth.tokenSecretRef!, 'tokenSecretRef')).trim();
    case 'appRole': {
      const a = auth.appRole!;
      let roleId: string;
      if (a.roleId) roleId = a.roleId.trim();
      else if (a.roleRef) roleId = await cred(a.roleRef, 'appRole.roleRef');
      else throw new VaultAuthError('invalid Auth.AppRole: neither `roleId` nor `roleRef` was supplied');
      const secretId = await cred(a.secretRef, 'appRole.secretRef');
      return post(a.path, '', { role_id: roleId, secret_id: secretId }, 'appRole');
    }
    case 'kubernetes': {
      const k = auth.kubernetes!;
      const jwt = await kubernetesJwt(k, deps);
      return post(k.mountPath, '', { role: k.role, jwt }, 'kubernetes');
    }
    case 'ldap': {
      const l = auth.ldap!;
      const password = await cred(l.secretRef, 'ldap.secretRef');
      return post(l.path, `/${encodeURIComponent(l.username.trim())}`, { password }, 'ldap');
    }
    case 'userPass': {
      const u = auth.userPass!;
      const password = await cred(u.secretRef, 'userPass.secretRef');
      return post(u.path, `/${encodeURIComponent(u.username.trim())}`, { password }, 'userPass');
    }
    case 'jwt': {
      const j = auth.jwt!;
      let jwt: string;
      if (j.secretRef) jwt = await cred(j.secretRef, 'jwt.secretRef');
      else if (j.kubernetesServiceAccountToken) {
        throw new VaultAuthError(
          `${AUTH_FIELD}.jwt.kubernetesServiceAccountToken needs the Kubernetes TokenRequest API, which an offline render cannot call; use jwt.secretRef`,
        );
      } else throw new VaultAuthError('neither `secretRef` nor `kubernetesServiceAccountToken` was supplied as token source for jwt authentication');
      return post(j.path, '', { role: (j.role ?? '').trim(), jwt }, 'jwt');
    }
    case 'cert': {
      const c = auth.cert!;
      const key = await cred(c.secretRef, 'cert.secretRef');
      const cert = await cred(c.clientCert, 'cert.clientCert');
      checkKeyPair(cert, key, `${AUTH_FIELD}.cert`);
      deps.http.useClientCertificate(cert, key);
      return post(c.path || 'cert', '', c.vaultRole ? { name: c.vaultRole } : undefined, 'cert');
    }
    default:
      throw new VaultAuthError(`${AUTH_FIELD}.${method} is not supported by eso-render (it needs cloud credentials of the controller's pod)`);
  }
}

function tokenOf(secret: ReturnType<typeof asSecret>, what: string): string {
  const auth = secret?.get('auth');
  const token = isGoObject(auth) ? auth.get('client_token') : undefined;
  if (typeof token !== 'string' || token === '') throw new VaultAuthError(`${what}: cannot parse Vault authentication token: no client_token in the response`);
  return token;
}

async function resolveText(credentials: CredentialResolver, ref: SecretKeySelector, field: string): Promise<string> {
  return Buffer.from(await credentials.resolve(ref, field)).toString('utf8');
}

async function kubernetesJwt(k: NonNullable<VaultAuthSpec['kubernetes']>, deps: AuthDeps): Promise<string> {
  const field = `${AUTH_FIELD}.kubernetes`;
  if (k.serviceAccountRef) {
    // ESO first asks the TokenRequest API (impossible offline), then falls back to the legacy token Secrets
    // listed on the ServiceAccount; we do the fallback with the ServiceAccount from the stream/platform.
    const ns = k.serviceAccountRef.namespace ?? deps.storeNamespace ?? 'default';
    const sa = deps.credentials.serviceAccount(k.serviceAccountRef.name, ns);
    const secrets = (sa as { secrets?: { name?: string }[] } | undefined)?.secrets ?? [];
    for (const s of secrets) {
      if (!s?.name) continue;
      try {
        return await resolveText(deps.credentials, { name: s.name, key: 'token', namespace: ns }, `${field}.serviceAccountRef`);
      } catch {
        // try the next one, as ESO does
      }
    }
    throw new VaultAuthError(
      `cannot request Kubernetes service account token for service account "${k.serviceAccountRef.name}": an offline render cannot call TokenRequest and no token Secret of the ServiceAccount was found`,
    );
  }
  if (k.secretRef) return resolveText(deps.credentials, k.secretRef, `${field}.secretRef`);
  const path = deps.env[SA_TOKEN_PATH_ENV] || DEFAULT_SA_TOKEN_PATH;
  try {
    return (await readFile(path, 'utf8')).trim();
  } catch (e) {
    throw new VaultAuthError(`cannot read Kubernetes service account token from file system: ${path}: ${(e as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}

function checkKeyPair(cert: string, key: string, field: string): void {
  try {
    const x = new X509Certificate(cert);
    if (!x.checkPrivateKey(createPrivateKey(key))) throw new Error('private key does not match');
  } catch (e) {
    const why = (e as Error).message === 'private key does not match' ? 'the private key does not match the certificate' : 'cannot parse the certificate or key';
    throw new VaultAuthError(`${field}: error from Client TLS Auth: ${why}`);
  }
}

export { VaultHttpError };
