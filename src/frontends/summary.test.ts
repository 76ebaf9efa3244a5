import { describe, expect, it } from 'vitest';
import { summaryLine } from './summary.js';
import type { RenderOutcome } from '../engine/types.js';

const outcome = (requests: Record<string, number>): RenderOutcome => ({
  ok: false,
  results: [],
  stats: { resourcesIn: 3, resourcesOut: 0, externalSecrets: 2, secretsEmitted: 0, requests, retries: 0, durationMs: 5 },
});

describe('summary line', () => {
  it('lists per-store requests by store label, whatever order the requests finished in', () => {
    const a = summaryLine(outcome({ 'SecretStore/apps/inf-app': 6, 'SecretStore/apps/inf': 7, 'ClusterSecretStore/z': 1 }), 'text');
    const b = summaryLine(outcome({ 'ClusterSecretStore/z': 1, 'SecretStore/apps/inf': 7, 'SecretStore/apps/inf-app': 6 }), 'text');
    expect(a).toBe(b);
    expect(a).toContain('14 requests (ClusterSecretStore/z=1 SecretStore/apps/inf=7 SecretStore/apps/inf-app=6)');
  });
});
