// 1Password Connect provider (`spec.provider.onepassword`). Loaded by the registry only when such a store
// is used. The Connect token comes only from the store's connectTokenSecretRef (ctx.credentials): there is
// no ambient identity to fall back to, so an application's own store gets nothing from the sidecar.

import type { ProviderContext, SecretsClient } from '../types.js';
import { ProviderError } from '../types.js';
import { storeLabel } from '../../common/store-label.js';
import { checkStore, readStore } from './store-config.js';
import { ConnectHttp } from './http.js';
import { OnePasswordClient } from './client.js';

export function validateStore(spec: Record<string, unknown>): { field: string; message: string }[] {
  return checkStore(spec);
}

export async function createClient(ctx: ProviderContext): Promise<SecretsClient> {
  const where = storeLabel(ctx.store);
  const problems = checkStore(ctx.store.spec);
  if (problems.length > 0) {
    throw new ProviderError(`${where}: received invalid 1Password SecretStore resource: ${problems.map((p) => p.message).join('; ')}`);
  }
  const cfg = readStore(ctx.store.spec);
  const token = Buffer.from(await ctx.credentials.resolve(cfg.token, 'spec.provider.onepassword.auth.secretRef.connectTokenSecretRef')).toString('utf8').trim();
  if (token === '' || /[\r\n\u0000]/.test(token)) throw new ProviderError(`${where}: the Connect token in connectTokenSecretRef is empty or not one line`);
  const http = new ConnectHttp({
    connectHost: cfg.connectHost,
    token,
    signal: ctx.signal,
    deadline: ctx.deadline,
    concurrency: ctx.concurrency,
    countRequest: () => ctx.countRequest(),
    countRetry: () => ctx.countRetry(),
  });
  return new OnePasswordClient(ctx, cfg, http);
}
