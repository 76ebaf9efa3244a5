// ESO's `kubernetes` provider (providers/v1/kubernetes, ESO v2.9.0; docs/providers/kubernetes.md): Secrets
// of another cluster or namespace through the Kubernetes API, with a thin HTTPS client of our own.
// Credentials come only from the store (token, client certificate, a kubeconfig through authRef); the
// process's own ServiceAccount token is never used, here as in ESO (no auth is an error).

import { ProviderError } from '../types.js';
import type { ProviderContext, SecretKeySelector, SecretsClient } from '../types.js';
import { storeLabel } from '../../common/store-label.js';
import { KubeHttp, serverUrl, type KubeTls } from './http.js';
import { KubeconfigError, readKubeconfig } from './kubeconfig.js';
import { KubernetesClient } from './client.js';
import { KubernetesSpecError, parseKubernetesSpec, type KubernetesStoreSpec } from './store-spec.js';

const FIELD = 'spec.provider.kubernetes';

export async function createClient(ctx: ProviderContext): Promise<SecretsClient> {
  const label = storeLabel(ctx.store);
  const fail = (m: string) => new ProviderError(`${label}: failed to prepare auth: ${m}`);
  let spec: KubernetesStoreSpec;
  try {
    spec = parseKubernetesSpec(ctx.store.spec);
  } catch (e) {
    throw new ProviderError(`${label}: ${(e as Error).message}`);
  }
  const text = async (ref: SecretKeySelector, field: string) => Buffer.from(await ctx.credentials.resolve(ref, field)).toString('utf8');
  let server: string;
  let tls: KubeTls = {};
  let token: string | undefined;
  let basic: { username: string; password: string } | undefined;
  if (spec.authRef) {
    if (spec.auth) throw fail('authRef and inline auth cannot both be set');
    try {
      const kc = readKubeconfig(await text(spec.authRef, `${FIELD}.authRef`));
      server = kc.server;
      tls = kc.tls;
      token = kc.token;
      basic = kc.basic;
    } catch (e) {
      if (e instanceof KubeconfigError) throw fail(`${FIELD}.authRef: ${e.message}`);
      throw e;
    }
  } else {
    const a = spec.auth;
    if (!a) throw fail('no auth provider given');
    if (!spec.url) throw fail('no server URL provided');
    server = spec.url;
    if (spec.caBundle) tls.ca = spec.caBundle;
    else if (spec.caProvider) {
      const cp = spec.caProvider;
      tls.ca = await text(cp.namespace ? { name: cp.name, key: cp.key, namespace: cp.namespace } : { name: cp.name, key: cp.key }, `${FIELD}.server.caProvider`);
    }
    if (tls.ca !== undefined && !/-----BEGIN CERTIFICATE-----/.test(tls.ca)) {
      throw new ProviderError(`${label}: ${FIELD}.server.${spec.caBundle ? 'caBundle' : 'caProvider'}: failed to parse CA certificates`);
    }
    const set = [a.token, a.serviceAccount, a.cert].filter((x) => x !== undefined).length;
    if (set > 1) throw fail('multiple auth methods provided: set exactly one of Token, ServiceAccount, or Cert');
    if (a.token) token = await text(a.token.bearerToken, `${FIELD}.auth.token.bearerToken`);
    else if (a.cert) {
      tls.cert = await text(a.cert.clientCert, `${FIELD}.auth.cert.clientCert`);
      tls.key = await text(a.cert.clientKey, `${FIELD}.auth.cert.clientKey`);
    } else if (a.serviceAccount) {
      // ESO asks the TokenRequest API of its own cluster with its own identity; offline there is neither.
      throw fail(`${FIELD}.auth.serviceAccount needs the Kubernetes TokenRequest API, which an offline render cannot call (and would call as the sidecar); use auth.token.bearerToken or authRef`);
    } else throw fail('no auth provider given');
  }
  try {
    serverUrl(server);
  } catch (e) {
    throw new ProviderError(`${label}: ${FIELD}.server.url: ${(e as Error).message}`);
  }
  const http = new KubeHttp({
    server,
    tls,
    ...(token ? { token } : {}),
    ...(basic ? { basic } : {}),
    signal: ctx.signal,
    deadline: ctx.deadline,
    concurrency: ctx.concurrency,
    countRequest: () => ctx.countRequest(1),
    countRetry: () => ctx.countRetry(),
  });
  return new KubernetesClient(http, spec.remoteNamespace, label, server);
}

/** Admission-time checks; fields relative to spec.provider.kubernetes. */
export function validateStore(raw: Record<string, unknown>): { field: string; message: string }[] {
  try {
    const spec = parseKubernetesSpec(raw, '');
    if (spec.authRef && spec.auth) return [{ field: 'authRef', message: 'authRef and inline auth cannot both be set' }];
    if (!spec.authRef && !spec.auth) return [{ field: 'auth', message: 'no auth provider given' }];
    return [];
  } catch (e) {
    if (!(e instanceof KubernetesSpecError)) throw e;
    return [{ field: e.field.replace(/^\./, ''), message: e.reason }];
  }
}
