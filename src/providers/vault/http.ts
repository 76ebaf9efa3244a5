// A thin client for Vault's HTTP API (docs/adr/0005-vault-client.md says why not node-vault): node:http(s)
// with our own TLS settings, the raw response text decoded with Go's number rules, the run's abort
// signal, a bound on in-flight requests, and one counted request per attempt.

import http from 'node:http';
import https from 'node:https';
import { parseRetryAfter, withRetry } from '../shared/retry.js';
import { startAttempt, timeoutText } from '../shared/request-timeout.js';
import { GoObject, GoValue, isGoObject, parseGoJson } from '../shared/go-json.js';
import { assertPathUnder, encodePath, PathEscapeError } from '../../common/remote-keys.js';

export interface VaultTls {
  ca?: string;
  cert?: string;
  key?: string;
  servername?: string;
}

export interface VaultHttpOptions {
  server: string;
  tls: VaultTls;
  headers: Record<string, string>;
  namespace?: string;
  signal: AbortSignal;
  deadline: number;
  concurrency: number;
  countRequest(): void;
  countRetry(): void;
}

/** Vault answered with an error status. The message is Vault's `errors` list, which never echoes values. */
export class VaultHttpError extends Error {
  constructor(
    readonly method: string,
    readonly path: string,
    readonly status: number,
    readonly errors: string[],
    /** What the response's Retry-After header asked for (withRetry waits at least this long). */
    readonly retryAfterMs?: number,
  ) {
    super(`Code: ${status}. Errors: ${errors.length ? errors.map((e) => `* ${e}`).join(' ') : '(none)'}`);
    this.name = 'VaultHttpError';
  }
  get retryable(): boolean {
    return this.status === 429 || (this.status >= 500 && this.status !== 501);
  }
}

/** A request refused before it was sent: its path would not stay under what its key was matched against. */
export class VaultPathError extends Error {
  constructor(readonly method: string, message: string) {
    super(message);
    this.name = 'VaultPathError';
  }
}

/** The connection itself failed (refused, reset, TLS). */
export class VaultTransportError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'VaultTransportError';
  }
  get retryable(): boolean {
    return ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET'].includes(this.code);
  }
}

export interface VaultRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'LIST';
  /** The logical path (`secret/data/foo`); empty segments are dropped, as path.Join does in ESO's client. */
  path: string;
  /** The logical path the request must stay under (the KV mount); the path's first segment by default. */
  under?: string;
  query?: Record<string, string | string[]>;
  body?: unknown;
  token?: string;
  /** Overrides the client's namespace (the auth namespace of a login); '' sends none. */
  namespace?: string;
}

export interface VaultRawResponse {
  status: number;
  /** The decoded body, undefined when the body is empty. */
  body: GoValue | undefined;
  /** The Retry-After header, when the response had one. */
  retryAfter?: string;
}

export class VaultHttp {
  private agent: http.Agent;
  private readonly base: URL;
  private inFlight = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly opts: VaultHttpOptions) {
    this.base = new URL(opts.server);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') {
      throw new Error(`server ${JSON.stringify(opts.server)} is not an http(s) URL`);
    }
    this.agent = this.makeAgent(opts.tls);
  }

  get server(): string {
    return this.opts.server;
  }

  /** TLS certificate auth makes the client certificate part of every later connection, as in ESO. */
  useClientCertificate(cert: string, key: string): void {
    this.agent.destroy();
    this.opts.tls = { ...this.opts.tls, cert, key };
    this.agent = this.makeAgent(this.opts.tls);
  }

  private makeAgent(tls: VaultTls): http.Agent {
    const common = { keepAlive: true, maxSockets: Math.max(1, this.opts.concurrency) };
    if (this.base.protocol === 'http:') return new http.Agent(common);
    return new https.Agent({
      ...common,
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(tls.cert && tls.key ? { cert: tls.cert, key: tls.key } : {}),
      ...(tls.servername ? { servername: tls.servername } : {}),
    });
  }

  close(): void {
    this.agent.destroy();
  }

  /** One request with retries on 429/5xx and transient transport errors, inside the run's deadline. */
  async request(req: VaultRequest): Promise<VaultRawResponse> {
    return withRetry(
      this.opts,
      async () => {
        const res = await this.limited(() => this.once(req));
        if (res.status >= 400 && res.status !== 404) throw new VaultHttpError(req.method, req.path, res.status, errorsOf(res.body), parseRetryAfter(res.retryAfter));
        return res;
      },
      (e) => (e instanceof VaultHttpError || e instanceof VaultTransportError) && e.retryable,
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

  /**
   * The request URL, built from encoded segments, and checked to be exactly that path after the URL
   * parser's normalisation and under `req.under`: otherwise the request is refused, never sent.
   */
  private urlOf(req: VaultRequest): URL {
    const url = new URL(this.base.href);
    const prefix = url.pathname.replace(/\/+$/, '');
    const segments = req.path.split('/').filter((s) => s !== '');
    const under = req.under !== undefined ? req.under.split('/').filter((s) => s !== '') : segments.slice(0, 1);
    // A trailing `/` is kept: it is how a LIST names a folder, and it adds no segment.
    const built = `${prefix}/v1/${encodePath(segments)}${segments.length && req.path.endsWith('/') ? '/' : ''}`;
    url.pathname = built;
    try {
      if (segments.some((s) => s === '.' || s === '..')) throw new PathEscapeError('the request path has a dot segment');
      assertPathUnder(url, built, `${prefix}/v1/${encodePath(under)}`);
    } catch (e) {
      if (e instanceof PathEscapeError) throw new VaultPathError(req.method, `refused to send the request: ${e.message}`);
      throw e;
    }
    return url;
  }

  private once(req: VaultRequest): Promise<VaultRawResponse> {
    const url = this.urlOf(req);
    let method: string = req.method;
    if (method === 'LIST') {
      // Vault accepts GET ?list=true for LIST; it works through proxies that reject unknown verbs.
      method = 'GET';
      url.searchParams.set('list', 'true');
    }
    for (const [k, v] of Object.entries(req.query ?? {})) {
      for (const one of Array.isArray(v) ? v : [v]) url.searchParams.append(k, one);
    }
    const headers: Record<string, string> = { ...this.opts.headers, Accept: 'application/json' };
    const ns = req.namespace ?? this.opts.namespace;
    if (ns) headers['X-Vault-Namespace'] = ns;
    if (req.token) headers['X-Vault-Token'] = req.token;
    headers['X-Vault-Request'] = 'true';
    let payload: Buffer | undefined;
    if (req.body !== undefined) {
      payload = Buffer.from(JSON.stringify(req.body), 'utf8');
      headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(payload.length);
    }
    const lib = url.protocol === 'https:' ? https : http;
    this.opts.countRequest();
    // Each attempt has its own timeout (headers and whole body); after it the attempt fails as ETIMEDOUT
    // and withRetry tries again inside the run's deadline.
    const attempt = startAttempt(this.opts.signal, this.opts.deadline);
    return new Promise<VaultRawResponse>((resolve0, reject0) => {
      const resolve = (v: VaultRawResponse) => {
        attempt.done();
        resolve0(v);
      };
      const reject = (e: Error) => {
        attempt.done();
        reject0(attempt.timedOut() ? new VaultTransportError('ETIMEDOUT', `no complete answer ${timeoutText(attempt)}`) : e);
      };
      const r = lib.request(url, { method, headers, agent: this.agent, signal: attempt.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(transportError(e)));
        res.on('aborted', () => reject(transportError(Object.assign(new Error('response aborted'), { code: 'ECONNRESET' }))));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const status = res.statusCode ?? 0;
          const ra = res.headers['retry-after'];
          const retryAfter = typeof ra === 'string' ? { retryAfter: ra } : {};
          if (text.trim() === '') return resolve({ status, body: undefined, ...retryAfter });
          try {
            resolve({ status, body: parseGoJson(text), ...retryAfter });
          } catch {
            // A proxy's HTML error page, for instance: report the status, never the text.
            if (status >= 400) resolve({ status, body: undefined, ...retryAfter });
            else reject(new Error(`Vault returned a response that is not JSON (HTTP ${status})`));
          }
        });
      });
      r.on('error', (e) => reject(transportError(e)));
      if (payload) r.write(payload);
      r.end();
    });
  }
}

function transportError(e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  if (err?.name === 'AbortError') return new VaultTransportError('ABORTED', 'request aborted: the run deadline passed');
  const code = err?.code ?? 'UNKNOWN';
  return new VaultTransportError(code, `${code}: ${err?.message ?? String(e)}`);
}

function errorsOf(body: GoValue | undefined): string[] {
  if (!isGoObject(body)) return [];
  const errs = body.get('errors');
  return Array.isArray(errs) ? errs.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * The Go client's reading of a response as a `*Secret` (api.ParseRawResponseAndCloseBody): a 404 is "no
 * secret" unless its body still carries data or warnings (a deleted KV v2 version does), and an empty body
 * is no secret at all.
 */
export function asSecret(res: VaultRawResponse): GoObject | null {
  if (!isGoObject(res.body)) return null;
  if (res.status === 404) {
    const data = res.body.get('data');
    const warnings = res.body.get('warnings');
    const hasData = isGoObject(data) && data.size > 0;
    const hasWarnings = Array.isArray(warnings) && warnings.length > 0;
    return hasData || hasWarnings ? res.body : null;
  }
  return res.body;
}

/** `secret.Data` of a parsed secret (an empty map when absent). */
export function secretData(secret: GoObject): GoObject {
  const d = secret.get('data');
  return isGoObject(d) ? d : new Map();
}
