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
      // Full jitter: spreads concurrent retries so they do not hit a throttled backend together.
      const wait = Math.random() * Math.min(max, base * 2 ** (attempt - 1));
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
