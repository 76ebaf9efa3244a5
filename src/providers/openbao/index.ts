// ESO's `openBao` provider (providers/v1/openbao, ESO v2.9.0; docs/providers/openbao.md). OpenBao speaks
// Vault's HTTP API, so the transport is the Vault provider's thin client (src/providers/vault/http.ts:
// TLS, retries, the per-store bound, the per-request timeout, path checks); the store fields, login and
// reads follow ESO's OpenBao client, which is its own code, not the Vault provider's.

import { ProviderError } from '../types.js';
import type { ProviderContext, SecretsClient } from '../types.js';
import { VaultHttp, type VaultTls } from '../vault/http.js';
import { ambientIdentityRefused } from '../shared/ambient.js';
import { storeLabel } from '../../common/store-label.js';
import { OpenBaoSpecError, parseOpenBaoSpec, type OpenBaoStoreSpec } from './store-spec.js';
import { ambientFallback, environmentNamespace, login } from './auth.js';
import { OpenBaoClient } from './client.js';

const FIELD = 'spec.provider.openBao';

export async function createClient(ctx: ProviderContext, env: NodeJS.ProcessEnv = process.env): Promise<SecretsClient> {
  const label = storeLabel(ctx.store);
  let spec: OpenBaoStoreSpec;
  try {
    spec = parseOpenBaoSpec(ctx.store.spec);
  } catch (e) {
    throw new ProviderError(`${label}: ${(e as Error).message}`);
  }
  if (ctx.refuseAmbientIdentity) {
    const ambient = ambientFallback(spec);
    if (ambient) throw ambientIdentityRefused(label, ambient.fallback, ambient.setInstead);
  }
  const tls: VaultTls = {};
  if (spec.caBundle !== undefined || spec.caProvider) {
    let ca: string;
    if (spec.caBundle !== undefined) ca = spec.caBundle;
    else {
      const cp = spec.caProvider!;
      const ref = cp.namespace ? { name: cp.name, key: cp.key, namespace: cp.namespace } : { name: cp.name, key: cp.key };
      ca = Buffer.from(await ctx.credentials.resolve(ref, `${FIELD}.caProvider`)).toString('utf8');
    }
    if (!/-----BEGIN CERTIFICATE-----/.test(ca)) {
      throw new ProviderError(`${label}: ${FIELD}.${spec.caBundle !== undefined ? 'caBundle' : 'caProvider'}: cannot set OpenBao CA certificate: failed add certificate to CertPool`);
    }
    tls.ca = ca;
  }
  // The client's namespace: the store's, else the environment's (OpenBao's Go API reads BAO_NAMESPACE).
  const namespace = spec.namespace ?? environmentNamespace(env);
  let http: VaultHttp;
  try {
    http = new VaultHttp({
      server: spec.server,
      tls,
      headers: {},
      ...(namespace ? { namespace } : {}),
      signal: ctx.signal,
      deadline: ctx.deadline,
      concurrency: ctx.concurrency,
      countRequest: () => ctx.countRequest(1),
      countRetry: () => ctx.countRetry(),
    });
  } catch (e) {
    throw new ProviderError(`${label}: ${FIELD}.server: ${(e as Error).message}`);
  }
  let token: Promise<string | undefined> | undefined;
  const getToken = () => (token ??= login(spec, { http, credentials: ctx.credentials, env, clientNamespace: namespace }));
  return new OpenBaoClient(spec, http, getToken, label);
}

/** Admission-time checks; fields relative to spec.provider.openBao. */
export function validateStore(raw: Record<string, unknown>): { field: string; message: string }[] {
  try {
    const spec = parseOpenBaoSpec(raw, '');
    try {
      new URL(spec.server);
    } catch {
      return [{ field: 'server', message: 'must be a URL' }];
    }
    const a = spec.auth;
    if (a?.appRole && !a.appRole.roleId && !a.appRole.roleRef) return [{ field: 'auth.appRole', message: 'neither `roleId` nor `roleRef` was supplied' }];
    return [];
  } catch (e) {
    if (!(e instanceof OpenBaoSpecError)) throw e;
    return [{ field: e.field.replace(/^\./, ''), message: e.reason }];
  }
}
