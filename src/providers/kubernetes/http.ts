// A thin client for the few Kubernetes API calls a read needs (GET one Secret, LIST Secrets): node:https
// with the store's TLS settings, a bearer token or a client certificate, the run's abort signal, a bound
// on in-flight requests, per-attempt timeouts and retries of 429/5xx and resets inside the deadline. Why
// not @kubernetes/client-node: docs/providers/kubernetes.md ("Client").

import http from 'node:http';
import https from 'node:https';
import { parseRetryAfter, withRetry } from '../shared/retry.js';
import { startAttempt, timeoutText } from '../shared/request-timeout.js';
import { assertPathUnder, encodePath, PathEscapeError } from '../../common/remote-keys.js';

export interface KubeTls {
  ca?: string;
  cert?: string;
  key?: string;
  insecure?: boolean;
}

export interface KubeHttpOptions {
  server: string;
  tls: KubeTls;
  token?: string;
  basic?: { username: string; password: string };
  signal: AbortSignal;
  deadline: number;
  concurrency: number;
  countRequest(): void;
  countRetry(): void;
}

/** The API server answered with an error status; the message is the Status's `message` (client-go's error text). */
export class KubeStatusError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly reason: string,
    /** The wait the answer's Retry-After asked for (client-go waits for it too; withRetry waits at least this long). */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'KubeStatusError';
  }
  get retryable(): boolean {
    return this.status === 429 || (this.status >= 500 && this.status !== 501);
  }
}

export class KubeTransportError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'KubeTransportError';
  }
  get retryable(): boolean {
    return ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'BADBODY'].includes(this.code);
  }
}

export class KubePathError extends Error {}

/** client-go's host handling: a server without a scheme is https. */
export function serverUrl(server: string): URL {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(server) ? server : `https://${server}`;
  const u = new URL(withScheme);
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`server ${JSON.stringify(server)} is not an http(s) URL`);
  return u;
}

export class KubeHttp {
  private readonly agent: http.Agent;
  private readonly base: URL;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly opts: KubeHttpOptions) {
    this.base = serverUrl(opts.server);
    const common = { keepAlive: true, maxSockets: Math.max(1, opts.concurrency) };
    const t = opts.tls;
    this.agent =
      this.base.protocol === 'http:'
        ? new http.Agent(common)
        : new https.Agent({
            ...common,
            ...(t.ca ? { ca: t.ca } : {}),
            ...(t.cert && t.key ? { cert: t.cert, key: t.key } : {}),
            ...(t.insecure ? { rejectUnauthorized: false } : {}),
          });
  }

  close(): void {
    this.agent.destroy();
  }

  /** GET of `segments` under `/api/v1/namespaces/<ns>/secrets`, retried; the decoded JSON body. */
  async get(segments: string[], under: string[], query?: Record<string, string>): Promise<unknown> {
    return withRetry(
      this.opts,
      () => this.limited(() => this.once(segments, under, query)),
      (e) => (e instanceof KubeStatusError || e instanceof KubeTransportError) && e.retryable,
    );
  }

  private async limited<T>(fn: () => Promise<T>): Promise<T> {
    while (this.inFlight >= Math.max(1, this.opts.concurrency)) await new Promise<void>((r) => this.waiting.push(r));
    this.inFlight++;
    try {
      return await fn();
    } finally {
      this.inFlight--;
      this.waiting.shift()?.();
    }
  }

  private urlOf(segments: string[], under: string[]): URL {
    const url = new URL(this.base.href);
    const prefix = url.pathname.replace(/\/+$/, '');
    const built = `${prefix}/${encodePath(segments)}`;
    url.pathname = built;
    try {
      if (segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('/'))) throw new PathEscapeError('a path segment is empty, a dot segment or holds a /');
      assertPathUnder(url, built, `${prefix}/${encodePath(under)}`);
    } catch (e) {
      if (e instanceof PathEscapeError) throw new KubePathError(`refused to send the request: ${e.message}`);
      throw e;
    }
    return url;
  }

  private once(segments: string[], under: string[], query?: Record<string, string>): Promise<unknown> {
    const url = this.urlOf(segments, under);
    for (const [k, v] of Object.entries(query ?? {})) url.searchParams.set(k, v);
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'eso-render' };
    if (this.opts.token) headers.Authorization = `Bearer ${this.opts.token}`;
    else if (this.opts.basic) headers.Authorization = `Basic ${Buffer.from(`${this.opts.basic.username}:${this.opts.basic.password}`).toString('base64')}`;
    const lib = url.protocol === 'https:' ? https : http;
    this.opts.countRequest();
    const attempt = startAttempt(this.opts.signal, this.opts.deadline);
    return new Promise<unknown>((resolve0, reject0) => {
      const resolve = (v: unknown) => {
        attempt.done();
        resolve0(v);
      };
      const reject = (e: Error) => {
        attempt.done();
        reject0(attempt.timedOut() ? new KubeTransportError('ETIMEDOUT', `no complete answer ${timeoutText(attempt)}`) : e);
      };
      const r = lib.request(url, { method: 'GET', headers, agent: this.agent, signal: attempt.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(transportError(e)));
        res.on('aborted', () => reject(transportError(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' }))));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          let body: unknown;
          try {
            body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch {
            body = undefined;
          }
          if (status >= 400) {
            const b = body as { message?: unknown; reason?: unknown } | undefined;
            // client-go's text for a Status it cannot read: "the server ... (get secrets x)"; never the body.
            const message = typeof b?.message === 'string' ? b.message : `the server responded with the status code ${status} but did not return more information`;
            return reject(new KubeStatusError(status, message, typeof b?.reason === 'string' ? b.reason : '', parseRetryAfter(res.headers['retry-after'])));
          }
          if (body === undefined || typeof body !== 'object' || body === null) {
            // A proxy's HTML page or a cut body: never quoted. Retried, like a reset.
            return reject(new KubeTransportError('BADBODY', `the API server returned a response that is not a JSON object (HTTP ${status})`));
          }
          resolve(body);
        });
      });
      r.on('error', (e) => reject(transportError(e)));
      r.end();
    });
  }
}

function transportError(e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  if (err?.name === 'AbortError') return new KubeTransportError('ABORTED', 'request aborted: the run deadline passed');
  const code = err?.code ?? 'UNKNOWN';
  return new KubeTransportError(code, `${code}: ${err?.message ?? String(e)}`);
}
