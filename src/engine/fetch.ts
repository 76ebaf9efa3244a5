// Step 4: run the plan. One client per store, created on first use (the provider's SDK loads then);
// batch backends get every plain read up front; all reads run concurrently under a per-store and a
// global bound; nothing outlives the run's deadline.

import type { PlannedRead } from './plan.js';
import type { CredentialSources } from './credentials.js';
import { makeCredentialResolver } from './credentials.js';
import { storeLabel } from '../common/store-label.js';
import { loadGenerator, loadProvider } from '../providers/registry.js';
import type { AppWebhookURLs, ProviderContext, RemoteRef, ResolvedStore, SecretsClient } from '../providers/types.js';
import { Limiter } from '../providers/shared/limiter.js';
import { ProviderError } from '../providers/types.js';
import { defaultLimits, limitSetting } from '../common/limits.js';

/**
 * What a read holds, in bytes: a value's bytes; for a map, each key and value plus ENTRY_COST, about what an
 * entry costs in memory beyond its bytes (a 16 MiB JSON object of 1.3 million tiny members held 400 MB).
 */
const ENTRY_COST = 64;
function valueBytes(v: Uint8Array | Map<string, Uint8Array>): number {
  if (v instanceof Uint8Array) return v.byteLength;
  let n = 0;
  for (const [k, x] of v) n += Buffer.byteLength(k) + x.byteLength + ENTRY_COST;
  return n;
}

/** Errors of a store whose client could not be made (authentication, configuration): store-level failures. */
export const clientFailures = new WeakSet<object>();

export type ReadResult = { ok: true; value: Uint8Array | Map<string, Uint8Array> } | { ok: false; error: unknown };

export interface FetchOptions {
  perStore: number;
  global: number;
  deadline: number;
  signal: AbortSignal;
  credentials: CredentialSources;
  requests: Record<string, number>;
  onRetry: () => void;
  /** The platform's webhook URL prefixes (ProviderContext.webhookURLs). */
  webhookURLs?: readonly string[];
  /** ProviderContext.appWebhookURLs. */
  appWebhookURLs?: AppWebhookURLs;
  /** Bytes all values of the run may hold together (spec.limits.fetchedBytes). */
  fetchedBytes?: number;
}

export class DeadlineError extends Error {
  /** `step`: the token service the store was still waiting on (see ProviderContext.awaitingToken). */
  constructor(step?: string) {
    super(`deadline exceeded before ${step ?? 'the backend'} answered`);
  }
}

function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(new DeadlineError());
    signal.addEventListener('abort', () => reject(new DeadlineError()), { once: true });
  });
}

export async function fetchAll(reads: Iterable<PlannedRead>, o: FetchOptions): Promise<Map<string, ReadResult>> {
  const results = new Map<string, ReadResult>();
  const global = new Limiter(o.global);
  const aborted = untilAborted(o.signal);
  aborted.catch(() => undefined);

  const byStore = new Map<string, PlannedRead[]>();
  for (const r of reads) {
    const list = byStore.get(r.storeKey) ?? [];
    list.push(r);
    byStore.set(r.storeKey, list);
  }

  // In the shared sidecar (tenancy set), what the app defines never borrows the sidecar's own identity.
  const refuseAmbient = (store: ResolvedStore) => o.credentials.tenancy !== undefined && store.origin === 'stream';
  // Every value the run holds, against the fetchedBytes limit: past it, each further read fails (and is not kept).
  const maxFetched = o.fetchedBytes ?? defaultLimits.fetchedBytes;
  let fetched = 0;
  const overBudget = () => new ProviderError(`the values read in this run exceed ${maxFetched} bytes in total (the API server takes at most 1 MiB per Secret; raise ${limitSetting.fetchedBytes})`);
  const overFetchBudget = () => (fetched > maxFetched ? overBudget() : undefined);
  const count = (key: string) => (n = 1) => {
    o.requests[key] = (o.requests[key] ?? 0) + n;
  };

  await Promise.all(
    [...byStore.entries()].map(async ([storeKey, list]) => {
      const local = new Limiter(o.perStore);
      // The token step the store is still waiting on, if any: a deadline passing meanwhile names it.
      let tokenStep: string | undefined;
      const awaitingToken = (what: string) => {
        tokenStep ??= what;
        return () => {
          tokenStep = undefined;
        };
      };
      const named = (error: unknown) => (error instanceof DeadlineError && tokenStep ? new DeadlineError(tokenStep) : error);
      const run = async (r: PlannedRead, fn: () => Promise<Uint8Array | Map<string, Uint8Array>>) => {
        try {
          const value = await local.run(() =>
            global.run(async () => {
              // Checked when the read's turn comes, so reads queued behind the one that crossed it send nothing.
              if (fetched > maxFetched) throw overBudget();
              return Promise.race([fn(), aborted]);
            }),
          );
          fetched += valueBytes(value);
          if (fetched > maxFetched) throw overBudget();
          results.set(r.id, { ok: true, value });
        } catch (error) {
          results.set(r.id, { ok: false, error: named(error) });
        }
      };

      const first = list[0]!;
      if (first.read.op === 'generate') {
        await Promise.all(
          list.map((r) =>
            run(r, async () => {
              if (r.read.op !== 'generate') throw new Error('unreachable');
              const gen = r.read.generator;
              const mod = await loadGenerator(String(gen.kind));
              const store: ResolvedStore = {
                kind: 'SecretStore', name: String(gen.metadata?.name), namespace: r.read.namespace, provider: String(gen.kind),
                spec: {}, resource: gen, origin: r.read.origin,
              };
              return mod.generate({
                ...(refuseAmbient(store) ? { refuseAmbientIdentity: true } : {}),
                generator: gen,
                credentials: makeCredentialResolver(store, o.credentials),
                signal: o.signal,
                deadline: o.deadline,
                countRequest: count(storeKey),
                countRetry: o.onRetry,
                namespace: r.read.namespace,
                origin: r.read.origin,
                ...(o.webhookURLs ? { webhookURLs: o.webhookURLs } : {}),
                ...(o.appWebhookURLs ? { appWebhookURLs: o.appWebhookURLs } : {}),
                overFetchBudget,
              });
            }),
          ),
        );
        return;
      }

      const store = first.store!;
      let client: SecretsClient;
      try {
        const mod = await loadProvider(store.provider);
        const ctx: ProviderContext = {
          ...(refuseAmbient(store) ? { refuseAmbientIdentity: true } : {}),
          store,
          credentials: makeCredentialResolver(store, o.credentials),
          signal: o.signal,
          deadline: o.deadline,
          concurrency: o.perStore,
          countRequest: count(storeLabel(store)),
          countRetry: o.onRetry,
          awaitingToken,
          ...(o.webhookURLs ? { webhookURLs: o.webhookURLs } : {}),
          ...(o.appWebhookURLs ? { appWebhookURLs: o.appWebhookURLs } : {}),
          overFetchBudget,
        };
        client = await Promise.race([mod.createClient(ctx), aborted]);
      } catch (caught) {
        const error = named(caught);
        if (error && typeof error === 'object') clientFailures.add(error);
        for (const r of list) results.set(r.id, { ok: false, error });
        return;
      }
      try {
        if (client.prefetch) {
          const refs: RemoteRef[] = list.flatMap((r) => (r.read.op === 'get' || r.read.op === 'map' ? [r.read.ref] : []));
          // A failing prefetch is not fatal: each get reports its own failure.
          if (refs.length) await Promise.race([client.prefetch(refs), aborted]).catch(() => undefined);
        }
        await Promise.all(
          list.map((r) =>
            run(r, () => {
              switch (r.read.op) {
                case 'get': return client.getSecret(r.read.ref);
                case 'map': return client.getSecretMap(r.read.ref);
                case 'find': return client.getAllSecrets(r.read.ref);
                default: throw new Error('unreachable');
              }
            }),
          ),
        );
      } finally {
        await client.close?.().catch(() => undefined);
      }
    }),
  );
  return results;
}
