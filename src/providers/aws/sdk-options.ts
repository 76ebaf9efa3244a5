// What every AWS client of a run shares: the store's region, retries that never sleep past the run's
// deadline, a timeout per attempt, and a middleware that counts each HTTP request (retries included).

import { setMaxListeners } from 'node:events';
import type { ProviderContext } from '../types.js';
import { sleep } from '../shared/retry.js';
import { withAttemptTimeout } from '../shared/request-timeout.js';

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
    retryMode: 'standard',
    maxAttempts: MAX_ATTEMPTS,
    customUserAgent: 'eso-render',
  } as const;
}

// The pieces of a smithy client we touch, typed structurally so no @smithy package is imported.
interface RetryToken {
  getRetryCount(): number;
  getRetryDelay(): number;
}
interface RetryErrorInfo {
  error?: unknown;
  errorType?: string;
  retryAfterHint?: Date;
}
interface RetryStrategyV2 {
  mode?: string;
  acquireInitialRetryToken(scope: string): Promise<RetryToken>;
  refreshRetryTokenForRetry(token: RetryToken, info: RetryErrorInfo): Promise<RetryToken>;
  recordSuccess(token: RetryToken): void;
}
type Handler = (args: unknown) => Promise<unknown>;
interface RequestHandler {
  handle(request: unknown, options?: { abortSignal?: AbortSignal }): Promise<unknown>;
}
interface InstrumentableClient {
  config: { retryStrategy: () => Promise<unknown>; requestHandler?: RequestHandler };
  middlewareStack: {
    add(mw: (next: Handler, context: unknown) => Handler, opts: { step: 'deserialize'; name: string; priority?: 'low' | 'high' }): void;
  };
}

type RunContext = Pick<ProviderContext, 'countRequest' | 'countRetry' | 'deadline' | 'signal'>;

/**
 * Adds request counting, a timeout per attempt and our own retry strategy to a freshly built client.
 * The SDK's strategies sleep on timers nothing can cancel (the standard backoff inside
 * refreshRetryTokenForRetry, the adaptive rate limiter before every call) and those kept the process
 * alive for seconds after its result under throttling; ours sleeps on the run's signal, never past the
 * deadline.
 */
export function instrument<C>(client: C, ctx: RunContext): C {
  const c = client as unknown as InstrumentableClient;
  // The deserialize step runs once per attempt, below the retry middleware: one call here = one request sent.
  c.middlewareStack.add(
    (next) => async (args) => {
      ctx.countRequest();
      return next(args);
    },
    { step: 'deserialize', name: 'esoRenderCountRequests', priority: 'low' },
  );
  // Per attempt, headers and body (deserialization reads the body, so this wraps it): after the timeout
  // the request is destroyed and the attempt fails as a TimeoutError, which the retry strategy retries.
  const attemptSignals = new WeakMap<object, AbortSignal>();
  c.middlewareStack.add(
    (next) => (args) => {
      const request = (args as { request?: unknown }).request;
      return withAttemptTimeout(ctx.signal, ctx.deadline, (signal) => {
        if (request && typeof request === 'object') attemptSignals.set(request, signal);
        return next(args);
      });
    },
    { step: 'deserialize', name: 'esoRenderAttemptTimeout', priority: 'high' },
  );
  const handler = c.config.requestHandler;
  if (handler && typeof handler.handle === 'function') {
    const handle = handler.handle.bind(handler);
    handler.handle = (request, options = {}) => {
      const signal = request && typeof request === 'object' ? attemptSignals.get(request) : undefined;
      return handle(request, signal ? { ...options, abortSignal: signal } : options);
    };
  }
  const strategy = deadlineRetryStrategy(ctx);
  c.config.retryStrategy = async () => strategy;
  return client;
}

/** Backoff bases as the SDK's standard mode has them: throttling waits longer than other transient faults. */
const BASE_MS = 100;
const THROTTLING_BASE_MS = 500;
const MAX_BACKOFF_MS = 20_000;

function retryToken(count: number): RetryToken {
  // The delay is already slept inside refreshRetryTokenForRetry; the SDK's middleware must not wait again.
  return { getRetryCount: () => count, getRetryDelay: () => 0 };
}

/**
 * Retries throttling and transient faults (5xx, resets, timed-out attempts) up to MAX_ATTEMPTS with full
 * jitter exponential backoff, at least as long as a Retry-After asks; gives up when the wait would end
 * after the deadline; counts the retries it allows.
 */
function deadlineRetryStrategy(ctx: Pick<ProviderContext, 'countRetry' | 'deadline' | 'signal'>): RetryStrategyV2 {
  return {
    mode: 'standard',
    acquireInitialRetryToken: async () => retryToken(0),
    refreshRetryTokenForRetry: async (token, info) => {
      const giveUp = info.error ?? new Error('no retry');
      const next = token.getRetryCount() + 1;
      const retryable = info.errorType === 'THROTTLING' || info.errorType === 'TRANSIENT';
      if (!retryable || next >= MAX_ATTEMPTS || ctx.signal.aborted) throw giveUp;
      const base = info.errorType === 'THROTTLING' ? THROTTLING_BASE_MS : BASE_MS;
      let wait = Math.random() * Math.min(MAX_BACKOFF_MS, base * 2 ** (next - 1));
      if (info.retryAfterHint instanceof Date) wait = Math.max(wait, info.retryAfterHint.getTime() - Date.now());
      if (Date.now() + wait >= ctx.deadline) throw giveUp;
      ctx.countRetry();
      await sleep(wait, ctx.signal);
      if (ctx.signal.aborted) throw giveUp;
      return retryToken(next);
    },
    recordSuccess: () => undefined,
  };
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
