// Builds a ProviderContext by hand, for provider tests that do not go through the whole engine.
import type { ProviderContext, ResolvedStore } from '../../src/providers/types.js';
import { makeCredentialResolver } from '../../src/engine/credentials.js';
import type { KubeObject } from '../../src/engine/types.js';

export interface TestContextOptions {
  provider: string;
  spec: Record<string, unknown>;
  kind?: 'SecretStore' | 'ClusterSecretStore';
  name?: string;
  namespace?: string;
  /** Credentials as `namespace/name/key` → value, served as if they were Secrets in the stream. */
  credentials?: Record<string, string>;
  serviceAccounts?: KubeObject[];
  deadlineMs?: number;
  concurrency?: number;
}

export interface TestContext extends ProviderContext {
  requests: number;
  retries: number;
}

export function makeProviderContext(o: TestContextOptions): TestContext {
  const kind = o.kind ?? 'SecretStore';
  const store: ResolvedStore = {
    kind,
    name: o.name ?? 'test-store',
    namespace: kind === 'SecretStore' ? (o.namespace ?? 'default') : undefined,
    provider: o.provider,
    spec: o.spec,
    resource: { apiVersion: 'external-secrets.io/v1', kind, metadata: { name: o.name ?? 'test-store' }, spec: { provider: { [o.provider]: o.spec } } },
    origin: 'stream',
  };
  const secrets: KubeObject[] = [];
  const grouped = new Map<string, Record<string, string>>();
  for (const [k, v] of Object.entries(o.credentials ?? {})) {
    const [ns, name, key] = k.split('/');
    const id = `${ns}/${name}`;
    if (!grouped.has(id)) grouped.set(id, {});
    grouped.get(id)![key!] = v;
  }
  for (const [id, stringData] of grouped) {
    const [ns, name] = id.split('/');
    secrets.push({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: ns }, stringData });
  }
  const ac = new AbortController();
  const deadline = Date.now() + (o.deadlineMs ?? 30_000);
  const ctx: TestContext = {
    store,
    credentials: makeCredentialResolver(store, {
      streamSecrets: secrets,
      allowStreamCredentials: true,
      serviceAccounts: o.serviceAccounts ?? [],
    }),
    signal: ac.signal,
    deadline,
    concurrency: o.concurrency ?? 16,
    requests: 0,
    retries: 0,
    countRequest(n = 1) {
      ctx.requests += n;
    },
    countRetry() {
      ctx.retries += 1;
    },
  };
  return ctx;
}
