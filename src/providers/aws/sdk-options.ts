// What every AWS client of a run shares: the store's region, adaptive retries that never sleep past
// the run's deadline, and a middleware that counts each HTTP request (retries included).

import { setMaxListeners } from 'node:events';
import type { ProviderContext } from '../types.js';

/** Attempts per request (1 + retries); the deadline may cut them shorter. */
export const MAX_ATTEMPTS = 5;

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  expiration?: Date;
}
export type CredentialProvider = () => Promise<Credentials>;

/** Constructor options common to SecretsManagerClient, SSMClient and STSClient. */
export function clientOptions(region: string | undefined, credentials: CredentialProvider | undefined, endpointEnv: string) {
  // ESO's own endpoint variables (AWS_SECRETSMANAGER_ENDPOINT, AWS_SSM_ENDPOINT, AWS_STS_ENDPOINT) keep
  // working; the standard AWS_ENDPOINT_URL[_<SERVICE>] ones are read by the SDK itself.
  const legacyEndpoint = process.env[endpointEnv];
  return {
    ...(region ? { region } : {}),
    ...(credentials ? { credentials } : {}),
    ...(legacyEndpoint ? { endpoint: legacyEndpoint } : {}),
    retryMode: 'adaptive',
    maxAttempts: MAX_ATTEMPTS,
    customUserAgent: 'eso-render',
  } as const;
}

// The pieces of a smithy client we touch, typed structurally so no @smithy package is imported.
interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}
interface RetryStrategyV2 {
  mode?: string;
  acquireInitialRetryToken(scope: string): Promise<RetryToken>;
  refreshRetryTokenForRetry(token: RetryToken, info: { error?: unknown }): Promise<RetryToken>;
  recordSuccess(token: RetryToken): void;
}
type Handler = (args: unknown) => Promise<unknown>;
interface InstrumentableClient {
  config: { retryStrategy: () => Promise<unknown> };
  middlewareStack: {
    add(mw: (next: Handler, context: unknown) => Handler, opts: { step: 'deserialize'; name: string; priority?: 'low' | 'high' }): void;
  };
}

/** Adds request counting and the deadline bound to a freshly built client. */
export function instrument<C>(client: C, ctx: Pick<ProviderContext, 'countRequest' | 'countRetry' | 'deadline'>): C {
  const c = client as unknown as InstrumentableClient;
  // The deserialize step runs once per attempt, below the retry middleware: one call here = one request sent.
  c.middlewareStack.add(
    (next) => async (args) => {
      ctx.countRequest();
      return next(args);
    },
    { step: 'deserialize', name: 'esoRenderCountRequests', priority: 'low' },
  );
  const base = c.config.retryStrategy;
  let wrapped: Promise<unknown> | undefined;
  c.config.retryStrategy = () => (wrapped ??= base().then((s) => boundByDeadline(s, ctx)));
  return client;
}

function isV2(s: unknown): s is RetryStrategyV2 {
  const r = s as Partial<RetryStrategyV2>;
  return typeof r?.acquireInitialRetryToken === 'function' && typeof r.refreshRetryTokenForRetry === 'function';
}

/**
 * Gives up on a retry whose backoff (the SDK sleeps inside refreshRetryTokenForRetry) would end after
 * the deadline, and counts the retries it allows.
 */
function boundByDeadline(inner: unknown, ctx: Pick<ProviderContext, 'countRetry' | 'deadline'>): unknown {
  if (!isV2(inner)) return inner;
  const bounded: RetryStrategyV2 = {
    mode: inner.mode,
    acquireInitialRetryToken: (scope) => inner.acquireInitialRetryToken(scope),
    refreshRetryTokenForRetry: async (token, info) => {
      const giveUp = info.error ?? new Error('deadline exceeded');
      const left = ctx.deadline - Date.now();
      if (left <= 0) throw giveUp;
      let timer: NodeJS.Timeout | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(giveUp), left);
        timer.unref();
      });
      try {
        const next = await Promise.race([inner.refreshRetryTokenForRetry(token, info), deadline]);
        if (Date.now() + next.getRetryDelay() >= ctx.deadline) throw giveUp;
        ctx.countRetry();
        return next;
      } finally {
        clearTimeout(timer);
      }
    },
    recordSuccess: (token) => inner.recordSuccess(token),
  };
  return bounded;
}

/**
 * A signal that follows the run's, for our own requests. Each in-flight SDK call adds an abort listener;
 * with dozens in flight Node would warn on stderr, so this one signal allows any number.
 */
export function requestSignal(run: AbortSignal): AbortSignal {
  const ac = new AbortController();
  setMaxListeners(0, ac.signal);
  if (run.aborted) ac.abort(run.reason);
  else run.addEventListener('abort', () => ac.abort(run.reason), { once: true });
  return ac.signal;
}
