// The `aws` provider: Secrets Manager and Parameter Store. Loaded only when an AWS store is used; the
// SDK modules are imported here, after silencing the SDK's Node-version banner (it would land on stderr
// of every kustomize/Argo CD run).

import { ProviderError, type ProviderContext, type SecretsClient } from '../types.js';
import { parseAwsSpec, validateAwsSpec } from './store-spec.js';
import { describeStore } from './errors.js';

export function validateStore(spec: Record<string, unknown>): { field: string; message: string }[] {
  return validateAwsSpec(spec);
}

export async function createClient(ctx: ProviderContext): Promise<SecretsClient> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const problems = validateAwsSpec(ctx.store.spec);
  if (problems.length > 0) {
    throw new ProviderError(problems.map((p) => `${p.field}: ${p.message}`).join('; ') + ` (${describeStore(ctx.store)})`);
  }
  const spec = parseAwsSpec(ctx.store.spec);
  const [{ storeCredentials }, { SecretsManagerReader }, { ParameterStoreReader }] = await Promise.all([
    import('./credentials.js'),
    import('./secrets-manager.js'),
    import('./parameter-store.js'),
  ]);
  // Messages name the region; without one in the store the SDK's own (AWS_REGION, profile) applies.
  const region = spec.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'default';
  const credentials = await storeCredentials(ctx, spec, spec.region);
  switch (spec.service) {
    case 'SecretsManager':
      return new SecretsManagerReader(ctx, spec, region, credentials.provider, credentials.close);
    case 'ParameterStore':
      return new ParameterStoreReader(ctx, spec, region, credentials.provider, credentials.close);
    default:
      throw new Error(`unknown AWS Provider Service: ${String(spec.service)} (${describeStore(ctx.store)})`);
  }
}
