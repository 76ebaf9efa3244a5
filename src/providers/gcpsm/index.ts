// Google Secret Manager provider (`spec.provider.gcpsm`). Loaded by the registry only when such a
// store is used; the Google client libraries are imported from connection.ts at that moment.

import type { ProviderContext, SecretsClient } from '../types.js';
import { ProviderError } from '../types.js';
import { storeLabel } from '../../common/store-label.js';
import { checkStore, readStore } from './store-config.js';
import { GcpSecretsClient } from './client.js';
import { connect } from './connection.js';

export function validateStore(spec: Record<string, unknown>): { field: string; message: string }[] {
  return checkStore(spec);
}

export async function createClient(ctx: ProviderContext): Promise<SecretsClient> {
  const problems = checkStore(ctx.store.spec);
  if (problems.length > 0) {
    throw new ProviderError(`${storeLabel(ctx.store)}: ${problems.map((p) => `spec.provider.gcpsm.${p.field}: ${p.message}`).join('; ')}`);
  }
  const cfg = readStore(ctx.store.spec);
  const conn = await connect(ctx, cfg);
  return new GcpSecretsClient(ctx, cfg, conn);
}
