// Doppler provider (`spec.provider.doppler`, Doppler's REST API v3). Loaded by the registry only when such a
// store is used. The token comes only from the store's auth.secretRef.dopplerToken (ctx.credentials):
// ESO has no ambient Doppler identity and neither has eso-render (DOPPLER_TOKEN is never read), so an
// application's own store gets nothing from the sidecar. auth.oidcConfig needs the Kubernetes TokenRequest
// API and is refused by field. The API host ESO hard-codes is replaced by ESO_RENDER_DOPPLER_API_ADDRESS.

import type { ProviderContext, SecretsClient } from '../types.js';
import { ProviderError } from '../types.js';
import { storeLabel } from '../../common/store-label.js';
import { ambientIdentityRefused } from '../shared/ambient.js';
import { checkSelectorScope, checkStore, readStore } from './store-config.js';
import { apiBase, DopplerHttp } from './http.js';
import { DopplerClient } from './client.js';

const FIELD = 'spec.provider.doppler';

export function validateStore(spec: Record<string, unknown>): { field: string; message: string }[] {
  return checkStore(spec);
}

export async function createClient(ctx: ProviderContext): Promise<SecretsClient> {
  const where = storeLabel(ctx.store);
  const problems = checkStore(ctx.store.spec);
  if (problems.length > 0) throw new ProviderError(`${where}: ${problems.map((p) => p.message).join('; ')}`);
  const cfg = readStore(ctx.store.spec);
  if (cfg.oidc) {
    // ESO asks its own cluster's TokenRequest API for the ServiceAccount's token, as the controller;
    // offline there is no such API, and in the sidecar it would be the sidecar's identity.
    if (ctx.refuseAmbientIdentity) {
      throw ambientIdentityRefused(where, "a ServiceAccount token from the TokenRequest API, asked for as the sidecar", `${FIELD}.auth.secretRef.dopplerToken`);
    }
    throw new ProviderError(
      `${where}: ${FIELD}.auth.oidcConfig needs the Kubernetes TokenRequest API to exchange a ServiceAccount token, which an offline render cannot call; use auth.secretRef.dopplerToken (a service token)`,
    );
  }
  const scope = checkSelectorScope(ctx.store.kind, ctx.store.namespace, cfg.token!);
  if (scope) throw new ProviderError(`${where}: ${FIELD}.auth.secretRef.dopplerToken: ${scope}`);
  let base: URL;
  try {
    base = apiBase();
  } catch (e) {
    throw new ProviderError(`${where}: unable to create DopplerClient : ${(e as Error).message}`);
  }
  const token = Buffer.from(await ctx.credentials.resolve(cfg.token!, `${FIELD}.auth.secretRef.dopplerToken`)).toString('utf8').trim();
  if (token === '' || /[\r\n\u0000:]/.test(token)) {
    throw new ProviderError(`${where}: the Doppler token in auth.secretRef.dopplerToken is empty, not one line, or holds a ':'`);
  }
  const http = new DopplerHttp({
    base,
    token,
    signal: ctx.signal,
    deadline: ctx.deadline,
    concurrency: ctx.concurrency,
    countRequest: () => ctx.countRequest(),
    countRetry: () => ctx.countRetry(),
  });
  return new DopplerClient(ctx, cfg, http);
}
