// HTTP failures from the Key Vault SDK (RestError): not found, worth a retry, and how they are named
// in an error: HTTP status, the service's error code and a fixed description. Never the response body
// or the SDK's text about it: a parse error quotes the body, and a 200 body holds the secret value.

export function httpStatus(e: unknown): number | undefined {
  const s = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof s === 'number' ? s : undefined;
}

const TRANSIENT_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'REQUEST_SEND_ERROR']);

function errorCode(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * A body cut off by a reset: the SDK reads what arrived and fails to parse it (PARSE_ERROR, with the
 * socket's "aborted" in its text), or the read itself fails with ECONNRESET.
 */
function isCutOffBody(e: unknown): boolean {
  if (errorCode(e) !== 'PARSE_ERROR') return false;
  const text = e instanceof Error ? e.message : '';
  return /\baborted\b|ECONNRESET|socket hang up/i.test(text);
}

/**
 * The token endpoint could not be reached (MSAL's endpoint discovery or token request failed on the
 * network, a timed-out attempt included): worth another try; a refused credential is not.
 */
function isUnreachableTokenEndpoint(e: unknown): boolean {
  // MSAL's endpoint discovery fails as CredentialUnavailableError, its token request as
  // AuthenticationRequiredError (both with MSAL's network_error when the answer never arrived whole).
  const name = (e as { name?: unknown } | null)?.name;
  if (name !== 'CredentialUnavailableError' && name !== 'AuthenticationRequiredError') return false;
  const text = e instanceof Error ? e.message : '';
  return /endpoints_resolution_error|network_error|ETIMEDOUT|ECONNRESET|ECONNREFUSED/.test(text);
}

/** Throttling, server errors, dropped connections, timed-out attempts and bodies cut off by a reset. */
export function isRetryableHttp(e: unknown): boolean {
  if (isCutOffBody(e) || isUnreachableTokenEndpoint(e)) return true;
  const status = httpStatus(e);
  if (status !== undefined && status >= 400) return status === 408 || status === 429 || status >= 500;
  const code = errorCode(e);
  if (code !== undefined && TRANSIENT_CODES.has(code)) return true;
  return status === undefined && (e as { name?: unknown } | null)?.name === 'TimeoutError';
}

const STATUS_TEXT: Record<number, string> = {
  400: 'the vault rejected the request',
  401: 'not authenticated to the vault',
  403: 'access denied by the vault (check the identity\'s permissions or RBAC role)',
  404: 'not found in the vault',
  408: 'the vault timed out',
  409: 'conflict reported by the vault',
  429: 'throttled by the vault',
  500: 'the vault reported an internal error',
  502: 'bad gateway between here and the vault',
  503: 'the vault is unavailable',
  504: 'gateway timeout between here and the vault',
};

/** Identity failures (token endpoint): their text is the token service's error, never a vault value. */
function isCredentialError(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'AuthenticationError' || name === 'AuthenticationRequiredError' || name === 'CredentialUnavailableError' || name === 'AggregateAuthenticationError';
}

/** Set on an error the credential threw: the token endpoint it was asking (see connection.ts tracked). */
export const TOKEN_STEP = Symbol('eso-render.azurekv.tokenStep');

/** `HTTP 403 Forbidden: access denied by the vault (...)`; a fixed text per case, never a body. */
export function describeHttpError(e: unknown): string {
  const step = (e as { [TOKEN_STEP]?: unknown } | null)?.[TOKEN_STEP];
  if (typeof step === 'string') return `getting a token from ${step} failed: ${describe(e)}`;
  return describe(e);
}

function describe(e: unknown): string {
  if (isCredentialError(e)) {
    const first = (e as Error).message.split('\n')[0] ?? '';
    return `${(e as Error).name}: ${first.slice(0, 300)}`;
  }
  const status = httpStatus(e);
  const code = errorCode(e);
  if (code === 'PARSE_ERROR') {
    return isCutOffBody(e)
      ? `HTTP ${status ?? '?'}: the connection was reset before the whole response arrived`
      : `HTTP ${status ?? '?'}: the response body is not the JSON the vault sends (a proxy's page or a truncated answer?)`;
  }
  // The service's error codes are identifiers (Forbidden, SecretNotFound); anything else is left out.
  const safeCode = code !== undefined && /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(code) ? code : undefined;
  if (status !== undefined) {
    const text = STATUS_TEXT[status] ?? (status >= 500 ? 'the vault reported a server error' : 'the vault refused the request');
    return `HTTP ${status}${safeCode ? ` ${safeCode}` : ''}: ${text}`;
  }
  if ((e as { name?: unknown } | null)?.name === 'TimeoutError') return `timed out: ${(e as Error).message}`;
  if ((e as { name?: unknown } | null)?.name === 'AbortError') return 'aborted: the run deadline passed';
  return safeCode ? `${safeCode}: the request did not complete` : 'the request failed without an HTTP status';
}
