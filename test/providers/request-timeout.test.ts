// The per-request timeout shared by the remote providers: its setting, its cap at the run's deadline,
// and an attempt that outlives it failing as a retryable timeout (not hanging, not aborting the run).

import { afterEach, describe, expect, it } from 'vitest';
import { attemptTimeoutMs, requestTimeoutMs, withAttemptTimeout, REQUEST_TIMEOUT_ENV } from '../../src/providers/shared/request-timeout.js';
import { ProviderError } from '../../src/providers/types.js';

afterEach(() => {
  delete process.env[REQUEST_TIMEOUT_ENV];
});

describe('ESO_RENDER_REQUEST_TIMEOUT', () => {
  it('defaults to 10s and reads a Go duration', () => {
    expect(requestTimeoutMs()).toBe(10_000);
    process.env[REQUEST_TIMEOUT_ENV] = '1m30s';
    expect(requestTimeoutMs()).toBe(90_000);
    process.env[REQUEST_TIMEOUT_ENV] = '250ms';
    expect(requestTimeoutMs()).toBe(250);
  });

  it('refuses a value that is not a positive duration, naming the variable', () => {
    for (const bad of ['10', 'soon', '0s', '-5s']) {
      process.env[REQUEST_TIMEOUT_ENV] = bad;
      expect(() => requestTimeoutMs()).toThrow(ProviderError);
      expect(() => requestTimeoutMs()).toThrow(REQUEST_TIMEOUT_ENV);
    }
  });

  it('never runs past the deadline', () => {
    expect(attemptTimeoutMs(Date.now() + 3_000)).toBeLessThanOrEqual(3_000);
    expect(attemptTimeoutMs(Date.now() + 60_000)).toBe(10_000);
    expect(attemptTimeoutMs(Date.now() - 5)).toBe(1);
  });
});

describe('withAttemptTimeout', () => {
  it('fails a stuck attempt as a TimeoutError (ETIMEDOUT) after the timeout and aborts its signal', async () => {
    process.env[REQUEST_TIMEOUT_ENV] = '100ms';
    const run = new AbortController();
    let seen: AbortSignal | undefined;
    const started = Date.now();
    const e = await withAttemptTimeout(run.signal, Date.now() + 5_000, (signal) => {
      seen = signal;
      return new Promise<never>(() => undefined);
    }).catch((x: unknown) => x as Error & { code?: string });
    expect(e.name).toBe('TimeoutError');
    expect(e.code).toBe('ETIMEDOUT');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(seen?.aborted).toBe(true);
    expect(run.signal.aborted).toBe(false);
  });

  it('passes the answer through and follows the run signal', async () => {
    const run = new AbortController();
    expect(await withAttemptTimeout(run.signal, Date.now() + 5_000, async () => 'ok')).toBe('ok');
    let seen: AbortSignal | undefined;
    const p = withAttemptTimeout(run.signal, Date.now() + 5_000, (signal) => {
      seen = signal;
      return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(new Error('aborted by the run'))));
    });
    run.abort();
    await expect(p).rejects.toThrow('aborted by the run');
    expect(seen?.aborted).toBe(true);
  });
});
