// gRPC status handling: which codes mean "no such secret", which are worth retrying, and how a
// failure is named in an error (code name and the service's own text; never a payload).

const CODE_NAMES: Record<number, string> = {
  1: 'CANCELLED',
  2: 'UNKNOWN',
  3: 'INVALID_ARGUMENT',
  4: 'DEADLINE_EXCEEDED',
  5: 'NOT_FOUND',
  6: 'ALREADY_EXISTS',
  7: 'PERMISSION_DENIED',
  8: 'RESOURCE_EXHAUSTED',
  9: 'FAILED_PRECONDITION',
  10: 'ABORTED',
  11: 'OUT_OF_RANGE',
  12: 'UNIMPLEMENTED',
  13: 'INTERNAL',
  14: 'UNAVAILABLE',
  15: 'DATA_LOSS',
  16: 'UNAUTHENTICATED',
};

export const DEADLINE_EXCEEDED = 4;
export const NOT_FOUND = 5;
export const FAILED_PRECONDITION = 9;

export function grpcCode(e: unknown): number | undefined {
  const c = (e as { code?: unknown } | null)?.code;
  return typeof c === 'number' ? c : undefined;
}

/**
 * Throttling and transient unavailability (the codes the Go client retries for this API), and a call
 * that ran out of its per-request timeout (retried inside the run's deadline).
 */
export function isRetryableGrpc(e: unknown): boolean {
  const c = grpcCode(e);
  return c === 8 || c === 14 || c === 10 || c === DEADLINE_EXCEEDED;
}

/**
 * grpc-js stamps its connection errors with the time (`(2026-01-02T03:04:05.678Z)`) and its deadline
 * errors with elapsed times; the same failure must read the same on every run.
 */
function stable(text: string): string {
  return text
    .replace(/\s*\(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** `PERMISSION_DENIED: <service text>` */
export function describeGrpcError(e: unknown): string {
  const c = grpcCode(e);
  if (c === DEADLINE_EXCEEDED) return 'DEADLINE_EXCEEDED: no answer within the per-request timeout or the run deadline';
  const details = (e as { details?: unknown } | null)?.details;
  const text = stable(typeof details === 'string' && details ? details : e instanceof Error ? e.message : String(e));
  return c === undefined ? text : `${CODE_NAMES[c] ?? `code ${c}`}: ${text}`;
}

/** ESO's isErrSecretDestroyedOrDisabled (for secretVersionSelectionPolicy LatestOrFetch). */
export function isDestroyedOrDisabled(e: unknown): boolean {
  if (grpcCode(e) !== FAILED_PRECONDITION) return false;
  const text = describeGrpcError(e);
  return text.includes('DESTROYED state') || text.includes('DISABLED state');
}
