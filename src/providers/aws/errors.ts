// Turns SDK errors into messages that name the store, region and key, never a value or a credential.

import { NoSecretError, ProviderError, type ResolvedStore } from '../types.js';

export interface Where {
  store: ResolvedStore;
  region: string;
  /** The secret or parameter name as sent (prefix included). */
  key?: string;
  /** The API operation, for the message. */
  op: string;
}

export function describeStore(store: ResolvedStore): string {
  return store.kind === 'ClusterSecretStore' ? `ClusterSecretStore/${store.name}` : `SecretStore/${store.namespace ?? ''}/${store.name}`;
}

interface SdkErrorShape {
  name?: string;
  message?: string;
  Code?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: string;
}

/** The service's error code (`ResourceNotFoundException`, `ParameterNotFound`, ...) or the JS error name. */
export function awsErrorCode(e: unknown): string {
  const s = (e ?? {}) as SdkErrorShape;
  return s.Code ?? s.name ?? s.code ?? 'Error';
}

export function httpStatus(e: unknown): number | undefined {
  return ((e ?? {}) as SdkErrorShape).$metadata?.httpStatusCode;
}

/**
 * The caller's role may not call this operation. AWS answers AccessDeniedException (JSON protocols);
 * moto with IAM enforcement answers HTTP 403 with a body the SDK cannot parse, so 403 counts too.
 */
export function isAccessDenied(e: unknown): boolean {
  const code = awsErrorCode(e);
  return code === 'AccessDeniedException' || code === 'AccessDenied' || httpStatus(e) === 403;
}

/** Request ids and signing details add noise and may carry an access key id; drop them. */
export function sanitize(message: string): string {
  return message
    .replace(/request id: \S+/gi, '')
    .replace(/ Credential=\S+/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 300);
}

function place(w: Where): string {
  return `${describeStore(w.store)} (region ${w.region})`;
}

export function notFound(what: 'secret' | 'parameter', w: Where): NoSecretError {
  return new NoSecretError(`${what} "${w.key ?? ''}" not found in ${place(w)}`);
}

export function providerError(message: string, w: Where, code?: string): ProviderError {
  return new ProviderError(`${message} (${place(w)})`, { code });
}

/** Any SDK failure as a ProviderError. The SDK already retried what could be retried inside the deadline. */
export function rewrite(e: unknown, w: Where, signal?: AbortSignal): ProviderError | NoSecretError {
  if (e instanceof ProviderError || e instanceof NoSecretError) return e;
  const code = awsErrorCode(e);
  const subject = w.key !== undefined ? ` for "${w.key}"` : '';
  if (signal?.aborted || code === 'AbortError') {
    return new ProviderError(`${w.op}${subject} in ${place(w)}: deadline exceeded`, { code: 'DeadlineExceeded' });
  }
  const status = httpStatus(e);
  const raw = e instanceof Error ? e.message : String(e);
  // A body the SDK could not parse says nothing useful (and must not be echoed).
  const detail = code === 'SyntaxError' || /Deserialization error/.test(raw) ? `HTTP ${status ?? '?'}` : sanitize(raw);
  // A 5xx without an AWS error shape reads "Unknown: UnknownError"; the status is what tells 500 from 503.
  const withStatus = status !== undefined && !detail.includes(`HTTP ${status}`) ? ` (HTTP ${status})` : '';
  return new ProviderError(`${w.op}${subject} in ${place(w)} failed: ${code}${withStatus}${detail ? `: ${detail}` : ''}`, { code });
}
