// Retries for throttling and transient faults: jittered exponential backoff, never past the run's deadline.

export interface RetryContext {
  signal: AbortSignal;
  deadline: number;
  countRetry(): void;
}

export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  maxMs?: number;
}

export async function withRetry<T>(
  ctx: RetryContext,
  fn: () => Promise<T>,
  isRetryable: (e: unknown) => boolean,
  opts: RetryOptions = {},
): Promise<T> {
  const attempts = opts.attempts ?? 5;
  const base = opts.baseMs ?? 100;
  const max = opts.maxMs ?? 3_000;
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (e) {
      if (attempt >= attempts || !isRetryable(e) || ctx.signal.aborted) throw e;
      // Full jitter: spreads concurrent retries so they do not hit a throttled backend together; never
      // sooner than the backend's Retry-After asks.
      const wait = Math.max(Math.random() * Math.min(max, base * 2 ** (attempt - 1)), retryAfterMs(e) ?? 0);
      if (Date.now() + wait >= ctx.deadline) throw e;
      ctx.countRetry();
      await sleep(wait, ctx.signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(t);
      resolve();
    };
    // The listener goes when the sleep ends, so many retries do not pile listeners on the run's signal.
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * The wait a failed attempt's Retry-After asks for, in ms: an error's own `retryAfterMs`, or the header
 * of an HTTP response it carries (the Azure SDK's RestError). Seconds or an HTTP date, as RFC 9110 allows.
 */
export function retryAfterMs(e: unknown): number | undefined {
  const own = (e as { retryAfterMs?: unknown } | null)?.retryAfterMs;
  if (typeof own === 'number' && Number.isFinite(own) && own >= 0) return own;
  const headers = (e as { response?: { headers?: { get?: (n: string) => string | undefined } } } | null)?.response?.headers;
  const raw = typeof headers?.get === 'function' ? headers.get('retry-after') : undefined;
  return parseRetryAfter(raw);
}

export function parseRetryAfter(raw: string | undefined | null): number | undefined {
  if (raw === undefined || raw === null || raw.trim() === '') return undefined;
  if (/^\d+$/.test(raw.trim())) return Number(raw.trim()) * 1000;
  const at = Date.parse(raw);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}
