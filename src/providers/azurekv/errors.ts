// HTTP failures from the Key Vault SDK (RestError): not found, worth a retry, and how they are named
// in an error (status, service error code and the service's message; never a value).

export function httpStatus(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'REQUEST_SEND_ERROR']);

/** Throttling, server errors and dropped connections. */
export function isRetryableHttp(e: unknown): boolean {
  const status = httpStatus(e);
  if (status !== undefined) return status === 408 || status === 429 || status >= 500;
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && TRANSIENT_CODES.has(code);
}

export function describeHttpError(e: unknown): string {
  const status = httpStatus(e);
  const code = (e as { code?: unknown } | null)?.code;
  const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
  const head = [status !== undefined ? `HTTP ${status}` : undefined, typeof code === 'string' ? code : undefined].filter(Boolean).join(' ');
  return head ? `${head}: ${message}` : message;
}
