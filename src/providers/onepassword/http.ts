// A thin client for the 1Password Connect REST API (what connect-sdk-go v1.5.3 sends for ESO): GET
// `<connectHost><path>` with `Authorization: Bearer <token>`, the run's abort signal, a per-attempt
// timeout, the store's concurrency bound and one counted request per attempt. Errors say the status and a
// fixed text, never the body (Connect's messages can echo what was asked, a 200 body holds values).

import http from 'node:http';
import https from 'node:https';
import { parseRetryAfter, withRetry } from '../shared/retry.js';
import { startAttempt, timeoutText } from '../shared/request-timeout.js';
import { Limiter } from '../shared/limiter.js';

export interface ConnectHttpOptions {
  connectHost: string;
  token: string;
  signal: AbortSignal;
  deadline: number;
  concurrency: number;
  countRequest(): void;
  countRetry(): void;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'the Connect server rejected the request',
  401: 'invalid or missing Connect token',
  403: 'the Connect token has no access to this vault or item',
  404: 'not found on the Connect server',
  429: 'throttled by the Connect server',
  500: 'the Connect server reported an internal error',
  502: 'bad gateway between here and the Connect server',
  503: 'the Connect server is unavailable',
  504: 'gateway timeout between here and the Connect server',
};

/** Connect answered with an error status: `status <code>: <fixed text>` (the SDK's `status %d: %s` shape). */
export class ConnectHttpError extends Error {
  constructor(
    readonly status: number,
    readonly authorization = false,
    /** The wait the answer's Retry-After asked for (withRetry waits at least this long). */
    readonly retryAfterMs?: number,
  ) {
    super(`status ${status}: ${STATUS_TEXT[status] ?? (status >= 500 ? 'the Connect server reported a server error' : 'the Connect server refused the request')}`);
    this.name = 'ConnectHttpError';
  }
  get retryable(): boolean {
    return this.status === 429 || (this.status >= 500 && this.status !== 501);
  }
}

/** The connection failed (refused, reset, timed out) or the body is not what Connect sends. */
export class ConnectTransportError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'ConnectTransportError';
  }
  get retryable(): boolean {
    return ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET'].includes(this.code);
  }
}

/** A request refused before it was sent (a path built from a listing that is not a Connect path). */
export class ConnectPathError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConnectPathError';
  }
}

/** ESO retries a 403 "Authorization" answer (issue external-secrets#4205): 3 attempts in all. */
const AUTH_403_ATTEMPTS = 3;

export class ConnectHttp {
  private readonly agent: http.Agent;
  private readonly base: URL;
  private readonly gate: Limiter;

  constructor(private readonly opts: ConnectHttpOptions) {
    this.base = new URL(opts.connectHost);
    const common = { keepAlive: true, maxSockets: Math.max(1, opts.concurrency) };
    this.agent = this.base.protocol === 'https:' ? new https.Agent(common) : new http.Agent(common);
    this.gate = new Limiter(opts.concurrency);
  }

  close(): void {
    this.agent.destroy();
  }

  /** GET `path` (already encoded, starting `/v1/`) with `query`; the body as bytes. */
  async get(path: string, query?: Record<string, string>): Promise<Buffer> {
    let auth403 = 0;
    return withRetry(
      this.opts,
      () => this.gate.run(() => this.once(path, query)),
      (e) => {
        if (e instanceof ConnectHttpError && e.status === 403 && e.authorization) return ++auth403 < AUTH_403_ATTEMPTS;
        return (e instanceof ConnectHttpError || e instanceof ConnectTransportError) && e.retryable;
      },
    );
  }

  /** GET `path` and decode its JSON body. */
  async getJson(path: string, query?: Record<string, string>): Promise<unknown> {
    const body = await this.get(path, query);
    try {
      return JSON.parse(body.toString('utf8')) as unknown;
    } catch {
      throw new ConnectTransportError('EBADBODY', 'decoding response: the body is not the JSON the Connect server sends (a proxy\'s page or a truncated answer?)');
    }
  }

  private urlOf(path: string, query?: Record<string, string>): URL {
    // The SDK concatenates connectHost and the path; a trailing '/' on connectHost is dropped here.
    const prefix = this.base.pathname.replace(/\/+$/, '');
    const url = new URL(this.base.href);
    url.pathname = prefix + path;
    if (url.pathname !== prefix + path) throw new ConnectPathError('refused to send the request: its path changed when the URL was normalised');
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    return url;
  }

  private once(path: string, query?: Record<string, string>): Promise<Buffer> {
    const url = this.urlOf(path, query);
    const lib = url.protocol === 'https:' ? https : http;
    const headers = { Authorization: `Bearer ${this.opts.token}`, 'Content-Type': 'application/json', 'User-Agent': 'external-secrets' };
    this.opts.countRequest();
    const attempt = startAttempt(this.opts.signal, this.opts.deadline);
    return new Promise<Buffer>((resolve0, reject0) => {
      const resolve = (v: Buffer) => {
        attempt.done();
        resolve0(v);
      };
      const reject = (e: Error) => {
        attempt.done();
        reject0(attempt.timedOut() ? new ConnectTransportError('ETIMEDOUT', `no complete answer ${timeoutText(attempt)}`) : e);
      };
      const r = lib.request(url, { method: 'GET', headers, agent: this.agent, signal: attempt.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(transportError(e)));
        res.on('aborted', () => reject(new ConnectTransportError('ECONNRESET', 'ECONNRESET: the connection was reset before the whole response arrived')));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const body = Buffer.concat(chunks);
          if (status === 200) return resolve(body);
          // The SDK's retry matches "status 403: Authorization"; the message is read for that decision only.
          let authorization = false;
          try {
            const m = (JSON.parse(body.toString('utf8')) as { message?: unknown }).message;
            authorization = typeof m === 'string' && m.startsWith('Authorization');
          } catch {
            authorization = false;
          }
          reject(new ConnectHttpError(status, authorization, parseRetryAfter(res.headers['retry-after'])));
        });
      });
      r.on('error', (e) => reject(transportError(e)));
      r.end();
    });
  }
}

function transportError(e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  if (err?.name === 'AbortError') return new ConnectTransportError('ABORTED', 'request aborted: the run deadline passed');
  const code = err?.code ?? 'UNKNOWN';
  return new ConnectTransportError(code, `${code}: the request to the Connect server did not complete`);
}
