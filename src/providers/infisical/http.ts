// A thin client for the Infisical REST API calls ESO's provider makes through the infisical go-sdk:
// machine-identity logins (`POST /api/v1/auth/<method>/login`), the v3 raw secrets endpoints
// (`GET /api/v3/secrets/raw` and `GET /api/v3/secrets/raw/<name>`) with `Authorization: Bearer <token>`,
// and `POST /api/v1/auth/token/revoke`. Each attempt has the per-request timeout, runs under the store's
// concurrency bound and is counted; 429, 5xx and resets are retried inside the run's deadline. Errors say
// the SDK's operation, the method, the path and the status, never the body (Infisical's messages echo what
// was asked, a 200 body holds values).

import http from 'node:http';
import https from 'node:https';
import { withRetry } from '../shared/retry.js';
import { startAttempt, timeoutText } from '../shared/request-timeout.js';
import { Limiter } from '../shared/limiter.js';
import { assertPathUnder, PathEscapeError } from '../../common/remote-keys.js';

export interface InfisicalHttpOptions {
  /** The API base, e.g. https://app.infisical.com/api. */
  apiBase: string;
  ca?: string;
  signal: AbortSignal;
  deadline: number;
  concurrency: number;
  countRequest(): void;
  countRetry(): void;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'the Infisical API rejected the request',
  401: 'the machine identity credentials or access token were not accepted',
  403: 'the machine identity has no access to this project, environment or path',
  404: 'not found',
  429: 'rate limited by the Infisical API',
  500: 'the Infisical API reported an internal error',
  502: 'bad gateway between here and the Infisical API',
  503: 'the Infisical API is unavailable',
  504: 'gateway timeout between here and the Infisical API',
};

/**
 * The API answered with an error status: the go-sdk's APIError shape (`APIError: <operation> unsuccessful
 * response [<method> <path>] [status-code=<n>]`), with a fixed text in place of the server's message.
 */
export class InfisicalApiError extends Error {
  constructor(
    readonly operation: string,
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    const text = STATUS_TEXT[status] ?? (status >= 500 ? 'the Infisical API reported a server error' : 'the Infisical API refused the request');
    super(`APIError: ${operation} unsuccessful response [${method} ${path}] [status-code=${status}]: ${text}`);
    this.name = 'InfisicalApiError';
  }
  get retryable(): boolean {
    return this.status === 429 || (this.status >= 500 && this.status !== 501);
  }
}

/** The connection failed (refused, reset, timed out) or the body is not what Infisical sends (the SDK's RequestError). */
export class InfisicalTransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'InfisicalTransportError';
  }
  get retryable(): boolean {
    return ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'EBADBODY'].includes(this.code);
  }
}

export interface Call {
  operation: string;
  method: 'GET' | 'POST';
  /** Encoded path below the API base, starting `/v1/` or `/v3/`. */
  path: string;
  query?: Record<string, string>;
  body?: unknown;
  /** Bearer token (logins send none). */
  token?: string;
  /** Retry transient faults (the revoke at close is tried once). */
  retry?: boolean;
}

export class InfisicalHttp {
  private readonly agent: http.Agent;
  private readonly base: URL;
  private readonly gate: Limiter;

  constructor(private readonly opts: InfisicalHttpOptions) {
    this.base = new URL(opts.apiBase);
    const common = { keepAlive: true, maxSockets: Math.max(1, opts.concurrency) };
    this.agent = this.base.protocol === 'https:' ? new https.Agent({ ...common, ...(opts.ca ? { ca: opts.ca } : {}) }) : new http.Agent(common);
    this.gate = new Limiter(opts.concurrency);
  }

  close(): void {
    this.agent.destroy();
  }

  /** The call's decoded JSON body. */
  async json(call: Call): Promise<unknown> {
    const once = async () => {
      const body = await this.gate.run(() => this.once(call));
      try {
        return JSON.parse(body.toString('utf8')) as unknown;
      } catch {
        throw new InfisicalTransportError('EBADBODY', `${call.operation}: decoding response: the body is not the JSON the Infisical API sends (a proxy's page or a truncated answer?)`);
      }
    };
    if (call.retry === false) return once();
    return withRetry(this.opts, once, (e) => (e instanceof InfisicalApiError || e instanceof InfisicalTransportError) && e.retryable);
  }

  private urlOf(call: Call): URL {
    const prefix = this.base.pathname.replace(/\/+$/, '');
    const built = prefix + call.path;
    const url = new URL(this.base.href);
    url.pathname = built;
    // The secret's name is one encoded segment below /v3/secrets/raw; nothing may move it elsewhere.
    assertPathUnder(url, built, prefix + (call.path.startsWith('/v3/secrets/raw') ? '/v3/secrets/raw' : call.path));
    for (const [k, v] of Object.entries(call.query ?? {})) url.searchParams.set(k, v);
    return url;
  }

  private once(call: Call): Promise<Buffer> {
    let url: URL;
    try {
      url = this.urlOf(call);
    } catch (e) {
      if (e instanceof PathEscapeError) return Promise.reject(e);
      throw e;
    }
    const lib = url.protocol === 'https:' ? https : http;
    const payload = call.body === undefined ? undefined : Buffer.from(JSON.stringify(call.body), 'utf8');
    const headers: Record<string, string | number> = { 'User-Agent': 'infisical-go-sdk', Accept: 'application/json' };
    if (call.token !== undefined) headers['Authorization'] = `Bearer ${call.token}`;
    if (payload) {
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = payload.length;
    }
    const shownPath = this.base.pathname.replace(/\/+$/, '') + call.path;
    this.opts.countRequest();
    const attempt = startAttempt(this.opts.signal, this.opts.deadline);
    return new Promise<Buffer>((resolve0, reject0) => {
      const resolve = (v: Buffer) => {
        attempt.done();
        resolve0(v);
      };
      const reject = (e: Error) => {
        attempt.done();
        reject0(attempt.timedOut() ? new InfisicalTransportError('ETIMEDOUT', `${call.operation}: no complete answer ${timeoutText(attempt)}`) : e);
      };
      const r = lib.request(url, { method: call.method, headers, agent: this.agent, signal: attempt.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(transportError(call.operation, e)));
        res.on('aborted', () => reject(new InfisicalTransportError('ECONNRESET', `${call.operation}: ECONNRESET: the connection was reset before the whole response arrived`)));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(Buffer.concat(chunks));
          const ra = res.headers['retry-after'];
          const seconds = typeof ra === 'string' && /^\d+$/.test(ra.trim()) ? Number(ra.trim()) * 1000 : undefined;
          reject(new InfisicalApiError(call.operation, call.method, shownPath, status, seconds));
        });
      });
      r.on('error', (e) => reject(transportError(call.operation, e)));
      r.end(payload);
    });
  }
}

function transportError(operation: string, e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  if (err?.name === 'AbortError') return new InfisicalTransportError('ABORTED', `${operation}: request aborted: the run deadline passed`);
  const code = err?.code ?? 'UNKNOWN';
  return new InfisicalTransportError(code, `${operation}: ${code}: the request to the Infisical API did not complete`);
}
