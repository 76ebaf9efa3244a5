// Infisical provider (`spec.provider.infisical`), ESO v2.9.0's providers/v1/infisical. Loaded by the
// registry only when such a store is used. NewClient's work happens here: the store is checked, the
// machine identity logs in once (universal auth, JWT, LDAP, Kubernetes) or a given access token is used,
// and the reads share that token. Credentials come only through ctx.credentials; an empty one is refused
// where the go-sdk would read INFISICAL_* variables of the sidecar's environment instead.

import { readFile } from 'node:fs/promises';
import type { ProviderContext, SecretKeySelector, SecretsClient } from '../types.js';
import { ProviderError } from '../types.js';
import { storeLabel } from '../../common/store-label.js';
import { ambientIdentityRefused } from '../shared/ambient.js';
import { InfisicalApiError, InfisicalHttp, InfisicalTransportError } from './http.js';
import { InfisicalClient } from './client.js';
import { AuthRefusal, checkStore, DEFAULT_SA_TOKEN_PATH, FIELD, HOST_API_ENV, readStore, SA_TOKEN_PATH_ENV, type AuthConfig, type InfisicalStoreConfig } from './store-config.js';

export function validateStore(spec: Record<string, unknown>): { field: string; message: string }[] {
  // The store's kind is not known here; the namespace rules are checked again in createClient.
  return checkStore(spec, '');
}

/** What the go-sdk's login methods are called in ESO's messages. */
const LOGIN: Record<Exclude<AuthConfig['method'], 'token'>, { what: string; path: string; operation: string }> = {
  universal: { what: 'universal auth', path: '/v1/auth/universal-auth/login', operation: 'CallUniversalAuthLogin' },
  jwt: { what: 'jwt auth', path: '/v1/auth/jwt-auth/login', operation: 'CallJwtAuthLogin' },
  ldap: { what: 'ldap auth', path: '/v1/auth/ldap-auth/login', operation: 'CallLdapAuthLogin' },
  kubernetes: { what: 'kubernetes auth', path: '/v1/auth/kubernetes-auth/login', operation: 'CallKubernetesAuthLogin' },
};

export async function createClient(ctx: ProviderContext): Promise<SecretsClient> {
  const where = storeLabel(ctx.store);
  const problems = checkStore(ctx.store.spec, ctx.store.kind);
  if (problems.length > 0) throw new ProviderError(`${where}: invalid infisical store: ${problems.map((p) => p.message).join('; ')}`);
  let cfg: InfisicalStoreConfig;
  try {
    cfg = readStore(ctx.store.spec);
  } catch (e) {
    if (e instanceof AuthRefusal) throw new ProviderError(`${where}: ${e.message}`);
    throw e;
  }
  try {
    const u = new URL(cfg.apiBase);
    if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.search !== '' || u.hash !== '' || u.username !== '' || u.password !== '') throw new Error('bad');
  } catch {
    throw new ProviderError(`${where}: ${ctx.store.spec['hostAPI'] !== undefined ? `${FIELD}.hostAPI` : HOST_API_ENV}: an http(s) URL without query, fragment or user info is required`);
  }
  const a = cfg.auth;
  if (a.method === 'kubernetes' && ctx.refuseAmbientIdentity) {
    // The token would be the sidecar's own ServiceAccount token (or any file the app names): never lent.
    throw ambientIdentityRefused(
      where,
      "its ServiceAccount token, read from a file on the sidecar's disk",
      `${FIELD}.auth.universalAuthCredentials, jwtAuthCredentials, ldapAuthCredentials or tokenAuthCredentials with the app's own credentials`,
    );
  }
  const at = `${FIELD}.auth.${a.method === 'universal' ? 'universalAuthCredentials' : `${a.method}AuthCredentials`}`;
  const text = async (ref: SecretKeySelector, field: string, env?: string): Promise<string> => {
    const v = Buffer.from(await ctx.credentials.resolve(ref, `${at}.${field}`)).toString('utf8');
    if (v === '') {
      throw new ProviderError(
        `${where}: ${at}.${field}: the referenced credential is empty${env ? ` (the Infisical SDK would then read ${env} from the environment; eso-render never does)` : ''}`,
      );
    }
    return v;
  };

  let ca: string | undefined = cfg.caBundle;
  if (cfg.caProvider) ca = Buffer.from(await ctx.credentials.resolve(cfg.caProvider, `${FIELD}.caProvider`)).toString('utf8');
  if (ca !== undefined && !/-----BEGIN CERTIFICATE-----/.test(ca)) {
    throw new ProviderError(`${where}: failed to get CA certificate: ${FIELD}.${cfg.caProvider ? 'caProvider' : 'caBundle'} holds no PEM certificate`);
  }
  const http = new InfisicalHttp({
    apiBase: cfg.apiBase,
    ...(ca !== undefined ? { ca } : {}),
    signal: ctx.signal,
    deadline: ctx.deadline,
    concurrency: ctx.concurrency,
    countRequest: () => ctx.countRequest(1),
    countRetry: () => ctx.countRetry(),
  });

  let token: () => Promise<string>;
  if (a.method === 'token') {
    const given = (await text(a.accessToken, 'accessToken')).trim();
    if (given === '' || /[\u0000-\u001f\u007f]/.test(given)) throw new ProviderError(`${where}: ${at}.accessToken: the access token is empty or not one line`);
    token = () => Promise.resolve(given);
  } else {
    const org = cfg.organizationSlug;
    let body: Record<string, string>;
    if (a.method === 'universal') {
      body = {
        clientId: await text(a.clientId, 'clientId', 'INFISICAL_UNIVERSAL_AUTH_CLIENT_ID'),
        clientSecret: await text(a.clientSecret, 'clientSecret', 'INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET'),
        organizationSlug: org,
      };
    } else if (a.method === 'jwt') {
      body = { identityId: await text(a.identityId, 'identityId'), jwt: await text(a.jwt, 'jwt'), organizationSlug: org };
    } else if (a.method === 'ldap') {
      const identityId = await text(a.identityId, 'identityId');
      const password = await text(a.password, 'ldapPassword');
      const username = await text(a.username, 'ldapUsername');
      body = { identityId, username, password, organizationSlug: org };
    } else {
      const identityId = await text(a.identityId, 'identityId', 'INFISICAL_KUBERNETES_IDENTITY_ID');
      const file = a.serviceAccountTokenPath ? await text(a.serviceAccountTokenPath, 'serviceAccountTokenPath') : process.env[SA_TOKEN_PATH_ENV] || DEFAULT_SA_TOKEN_PATH;
      let jwt: string;
      try {
        jwt = (await readFile(file, 'utf8')).trim();
      } catch (e) {
        throw new ProviderError(`${where}: failed to authenticate via kubernetes auth: cannot read the ServiceAccount token file (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      }
      body = { identityId, jwt, organizationSlug: org };
    }
    const login = LOGIN[a.method];
    // The login is the first request, made when the first read needs it (once for every read), so a
    // failing login is reported on each read by its key, as every other backend failure is.
    let session: Promise<string> | undefined;
    token = async () =>
      (session ??= (async () => {
        let answer: unknown;
        try {
          answer = await http.json({ operation: login.operation, method: 'POST', path: login.path, body });
        } catch (e) {
          if (e instanceof InfisicalApiError || e instanceof InfisicalTransportError) {
            throw new ProviderError(`failed to authenticate via ${login.what} ${e.message}`, { retryable: e.retryable });
          }
          throw e;
        }
        const t = (answer as { accessToken?: unknown } | null)?.accessToken;
        if (typeof t !== 'string' || t === '' || /[\u0000-\u001f\u007f]/.test(t)) {
          throw new ProviderError(`failed to authenticate via ${login.what}: the login answer holds no usable access token`);
        }
        return t;
      })());
  }
  return new InfisicalClient(where, cfg, http, token, a.method !== 'token', ctx.signal);
}
