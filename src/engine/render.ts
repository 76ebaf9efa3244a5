// The engine's entry point. A stream with no External Secrets Operator resource has nothing to render:
// it passes through untouched without loading the pipeline (a cold start is mostly module loading and
// YAML parsing; see docs/benchmarks.md).

import type { Item, KubeObject, RenderOptions, RenderOutcome } from './types.js';

const ESO_GROUPS = ['external-secrets.io/', 'generators.external-secrets.io/'];

function isEsoResource(o: KubeObject): boolean {
  return typeof o.apiVersion === 'string' && ESO_GROUPS.some((g) => o.apiVersion!.startsWith(g));
}

export async function render(items: readonly Item[], options: RenderOptions): Promise<RenderOutcome> {
  if (!items.some((i) => isEsoResource(i.object))) {
    const stats = { resourcesIn: items.length, resourcesOut: items.length, externalSecrets: 0, secretsEmitted: 0, requests: {}, retries: 0, durationMs: 0 };
    return { ok: true, items: [...items], results: [], stats };
  }
  const { runPipeline } = await import('./pipeline.js');
  return runPipeline(items, options);
}
