// Getting an OpenBao token the way ESO's OpenBao client does (providers/v1/openbao/client.go setupAuth):
// tokenSecretRef wins, then userPass, then appRole; no auth block means the client's environment token
// (BAO_TOKEN, else VAULT_TOKEN, as OpenBao's Go API reads them). Credential values are used as stored
// (ESO does not trim them). The token lives in memory only, for one run.

import type { CredentialResolver, SecretKeySelector } from '../types.js';
import type { OpenBaoStoreSpec } from './store-spec.js';
import { VaultHttp, VaultHttpError, VaultTransportError, asSecret } from '../vault/http.js';
import { isGoObject } from '../shared/go-json.js';

export class OpenBaoAuthError extends Error {}

const FIELD = 'spec.provider.openBao';

/** The environment token OpenBao's Go API picks up: BAO_TOKEN if set (even empty), else VAULT_TOKEN. */
export function environmentToken(env: NodeJS.ProcessEnv): string {
  return Object.hasOwn(env, 'BAO_TOKEN') ? (env.BAO_TOKEN ?? '') : (env.VAULT_TOKEN ?? '');
}

/** The environment namespace OpenBao's Go API picks up (BAO_NAMESPACE, else VAULT_NAMESPACE). */
export function environmentNamespace(env: NodeJS.ProcessEnv): string {
  return Object.hasOwn(env, 'BAO_NAMESPACE') ? (env.BAO_NAMESPACE ?? '') : (env.VAULT_NAMESPACE ?? '');
}

/** Whether the spec would use the process's ambient identity (the environment token): no auth block. */
export function ambientFallback(spec: OpenBaoStoreSpec): { fallback: string; setInstead: string } | undefined {
  if (spec.auth) return undefined;
  return { fallback: 'BAO_TOKEN / VAULT_TOKEN', setInstead: `${FIELD}.auth (tokenSecretRef, appRole or userPass)` };
}

export interface LoginDeps {
  http: VaultHttp;
  credentials: CredentialResolver;
  env: NodeJS.ProcessEnv;
  /** The namespace the client sends (store namespace, else the environment's). */
  clientNamespace: string;
}

/** The token to send, or undefined to send none. */
export async function login(spec: OpenBaoStoreSpec, deps: LoginDeps): Promise<string | undefined> {
  const auth = spec.auth;
  if (!auth) {
    const t = environmentToken(deps.env);
    return t === '' ? undefined : t;
  }
  const cred = async (ref: SecretKeySelector, field: string) => Buffer.from(await deps.credentials.resolve(ref, `${FIELD}.auth.${field}`)).toString('utf8');
  if (auth.tokenSecretRef) return cred(auth.tokenSecretRef, 'tokenSecretRef');

  let path: string;
  let body: Record<string, string>;
  let what: string;
  if (auth.userPass) {
    const u = auth.userPass;
    const password = await cred(u.secretRef, 'userPass.secretRef');
    if (u.username === '') throw new OpenBaoAuthError('no user name provided for login');
    if (password === '') throw new OpenBaoAuthError('no password provided for login');
    path = `auth/${u.path}/login/${u.username}`;
    body = { password };
    what = 'unable to log in with userpass auth';
  } else if (auth.appRole) {
    const a = auth.appRole;
    const secretId = await cred(a.secretRef, 'appRole.secretRef');
    const roleId = a.roleRef ? await cred(a.roleRef, 'appRole.roleRef') : (a.roleId ?? '');
    if (roleId === '') throw new OpenBaoAuthError('no role ID provided for login');
    if (secretId === '') throw new OpenBaoAuthError('no secret ID provided for login');
    path = `auth/${a.path}/login`;
    body = { role_id: roleId, secret_id: secretId };
    what = 'unable to log in with app role auth';
  } else {
    throw new OpenBaoAuthError('unsupported auth method');
  }
  // auth.namespace replaces the client's namespace for the login only.
  const namespace = auth.namespace ?? deps.clientNamespace;
  let res;
  try {
    res = await deps.http.request({ method: 'POST', path, under: 'auth', body, namespace });
  } catch (e) {
    if (e instanceof VaultHttpError || e instanceof VaultTransportError) {
      const err = new OpenBaoAuthError(`unable to log in to auth method: ${what}: ${e.message}`);
      throw Object.assign(err, { cause: e });
    }
    throw e;
  }
  const secret = asSecret(res);
  const a = secret?.get('auth');
  const token = isGoObject(a) ? a.get('client_token') : undefined;
  if (typeof token !== 'string' || token === '') throw new OpenBaoAuthError('response did not return ClientToken, client token not set');
  return token;
}
