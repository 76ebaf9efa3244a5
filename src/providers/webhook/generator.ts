// ESO's Webhook generator (generators/v1/webhook/webhook.go, ESO v2.9.0): the webhook provider's request
// with no remoteRef (templates see only the `secrets` entries), its JSON object (or result.jsonPath's)
// as the generated keys. Secrets resolve in the ExternalSecret's namespace (ClusterScoped false), and
// must carry ESO's `external-secrets.io/type: webhook` label when they come from the stream.

import type { GeneratorContext } from '../types.js';
import { ProviderError } from '../types.js';
import { readWebhookSpec } from './spec.js';
import { WebhookCaller } from './webhook.js';
import { offlineProblem } from './index.js';

export async function generate(ctx: GeneratorContext): Promise<Map<string, Uint8Array>> {
  const g = ctx.generator;
  const where = `${String(g.kind)} ${String(g.metadata?.namespace ?? ctx.namespace)}/${String(g.metadata?.name ?? '')}`;
  const specObj = g['spec'] as Record<string, unknown> | undefined;
  if (!specObj || typeof specObj !== 'object') throw new ProviderError(`${where}: failed to parse provider spec: no spec`);
  const { spec, problems } = readWebhookSpec(specObj);
  if (!spec) throw new ProviderError(`${where}: failed to parse provider spec: ${problems.map((p) => `spec.${p.field}: ${p.message}`).join('; ')}`);
  const offline = offlineProblem(spec, 'spec');
  if (offline) throw new ProviderError(`${where}: failed to prepare provider http client: ${offline}`);
  const caller = new WebhookCaller(
    {
      where,
      field: 'spec',
      origin: ctx.origin ?? 'stream',
      allowedURLs: ctx.webhookURLs,
      appURLs: ctx.appWebhookURLs,
      credentials: ctx.credentials,
      signal: ctx.signal,
      deadline: ctx.deadline,
      concurrency: 4,
      countRequest: () => ctx.countRequest(),
      countRetry: () => ctx.countRetry(),
      overFetchBudget: ctx.overFetchBudget?.bind(ctx),
    },
    spec,
    ctx.namespace,
  );
  try {
    return await caller.secretMap(undefined, { path: spec.jsonPath });
  } finally {
    caller.close();
  }
}
