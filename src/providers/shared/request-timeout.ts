// The per-request timeout every provider applies to each attempt (headers and whole body): one stuck or
// dribbling request must not use up the run's deadline when a retry would have worked (issue 10).
// ESO_RENDER_REQUEST_TIMEOUT (a Go duration, default 10s) sets it; it never runs past the deadline.

import { parseGoDuration } from '../../common/duration.js';
import { ProviderError } from '../types.js';

export const REQUEST_TIMEOUT_ENV = 'ESO_RENDER_REQUEST_TIMEOUT';
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** The configured per-request timeout in ms; throws a ProviderError naming the variable when it is not a positive duration. */
export function requestTimeoutMs(): number {
  const raw = process.env[REQUEST_TIMEOUT_ENV];
  if (raw === undefined || raw.trim() === '') return DEFAULT_REQUEST_TIMEOUT_MS;
  let ms: number;
  try {
    ms = parseGoDuration(raw);
  } catch {
    ms = NaN;
  }
  if (!(ms > 0)) throw new ProviderError(`${REQUEST_TIMEOUT_ENV}=${JSON.stringify(raw)} is not a positive duration (for example 10s or 1500ms)`);
  return Math.max(1, Math.round(ms));
}

/** How long the attempt starting now may take: the configured timeout, cut to the time left before `deadline`. */
export function attemptTimeoutMs(deadline: number): number {
  return Math.max(1, Math.min(requestTimeoutMs(), deadline - Date.now()));
}

/** The error an attempt ends with when its timeout passes first; the retry loops treat it as transient. */
export class RequestTimeoutError extends Error {
  readonly code = 'ETIMEDOUT';
  constructor(
    readonly ms: number,
    byDeadline = false,
  ) {
    super(byDeadline ? `no complete answer before the run's deadline (${ms} ms left)` : `no complete answer within the per-request timeout of ${ms} ms`);
    this.name = 'TimeoutError';
  }
}

/** How an attempt's timeout reads in a message: the per-request timeout, or the deadline that cut it. */
export function timeoutText(a: { ms: number; byDeadline: boolean }): string {
  return a.byDeadline ? `before the run's deadline (${a.ms} ms left)` : `within ${a.ms} ms (per-request timeout)`;
}

export interface Attempt {
  /** Aborted when the run's signal aborts or the attempt's timeout passes. */
  signal: AbortSignal;
  ms: number;
  /** The run's deadline, not the per-request timeout, set this attempt's limit. */
  byDeadline: boolean;
  timedOut(): boolean;
  /** Stops the timer and drops the listener on the run's signal (call when the attempt settles). */
  done(): void;
}

/** A signal for one attempt: follows the run's signal and aborts with a RequestTimeoutError after the attempt's timeout. */
export function startAttempt(run: AbortSignal, deadline: number): Attempt {
  const ms = attemptTimeoutMs(deadline);
  const byDeadline = ms < requestTimeoutMs();
  const ac = new AbortController();
  let timedOut = false;
  const onRunAbort = () => ac.abort(run.reason);
  if (run.aborted) ac.abort(run.reason);
  else run.addEventListener('abort', onRunAbort, { once: true });
  const timer = setTimeout(() => {
    timedOut = true;
    ac.abort(new RequestTimeoutError(ms, byDeadline));
  }, ms);
  return {
    signal: ac.signal,
    ms,
    byDeadline,
    timedOut: () => timedOut,
    done: () => {
      clearTimeout(timer);
      run.removeEventListener('abort', onRunAbort);
    },
  };
}

/**
 * Runs one attempt under its own timeout: `fn` gets the attempt's signal; when the timeout passes first
 * the attempt rejects with a RequestTimeoutError, whether or not `fn` heeds the signal.
 */
export async function withAttemptTimeout<T>(run: AbortSignal, deadline: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const a = startAttempt(run, deadline);
  let onTimeout: (() => void) | undefined;
  const timeout = new Promise<never>((_, reject) => {
    onTimeout = () => {
      if (a.timedOut()) reject(new RequestTimeoutError(a.ms, a.byDeadline));
    };
    a.signal.addEventListener('abort', onTimeout, { once: true });
  });
  try {
    return await Promise.race([fn(a.signal), timeout]);
  } finally {
    a.done();
    if (onTimeout) a.signal.removeEventListener('abort', onTimeout);
  }
}
