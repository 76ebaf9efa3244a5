// A thin client for GitLab's REST API v4 (what client-go sends for ESO): GET `<base>api/v4/<path>` with
// `PRIVATE-TOKEN: <token>`, `Accept: application/json`, the run's abort signal, a per-attempt timeout,
// the store's concurrency bound and one counted request per attempt. 429 and 5xx are retried (client-go's
// retryHTTPCheck), so are resets and timeouts; Retry-After is honoured. Errors say the method, URL path
// (built from the manifest), status and a fixed text, never the body (GitLab's messages can echo what was
// asked, a 200 body holds values).

import http from 'node:http';
import https from 'node:https';
import { withRetry, parseRetryAfter } from '../shared/retry.js';
import { startAttempt, timeoutText } from '../shared/request-timeout.js';
import { Limiter } from '../shared/limiter.js';
import { PathEscapeError } from '../../common/remote-keys.js';

export interface GitLabHttpOptions {
  base: URL;
  token: string;
  ca?: string;
  signal: AbortSignal;
  deadline: number;
  concurrency: number;
  countRequest(): void;
  countRetry(): void;
}

const STATUS_TEXT: Record<number, string> = {
  400: '400 Bad Request',
  401: '{message: 401 Unauthorized}',
  403: '{message: 403 Forbidden}',
  409: "{message: There are multiple variables with provided parameters. Please use 'filter[environment_scope]'}",
  429: 'throttled by GitLab',
  500: 'GitLab reported an internal error',
  502: 'bad gateway between here and GitLab',
  503: 'GitLab is unavailable',
  504: 'gateway timeout between here and GitLab',
};

/** GitLab answered with an error status other than 404 (client-go's ErrorResponse, without the body). */
export class GitLabHttpError extends Error {
  constructor(
    readonly status: number,
    readonly what: string,
    readonly retryAfterMs?: number,
  ) {
    super(`${what}: ${status} ${STATUS_TEXT[status] ?? (status >= 500 ? 'GitLab reported a server error' : 'GitLab refused the request')}`);
    this.name = 'GitLabHttpError';
  }
  get retryable(): boolean {
    return this.status === 429 || this.status >= 500;
  }
}

/** client-go's ErrNotFound: every 404 reads "404 Not Found". */
export class GitLabNotFound extends Error {
  constructor() {
    super('404 Not Found');
    this.name = 'GitLabNotFound';
  }
}

/** The connection failed (refused, reset, timed out) or the body is not what GitLab sends. */
export class GitLabTransportError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'GitLabTransportError';
  }
  get retryable(): boolean {
    return ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET'].includes(this.code);
  }
}

export interface GitLabAnswer {
  body: Buffer;
  /** X-Page and X-Total-Pages (0 when absent or not a number, as client-go's strconv.Atoi leaves them). */
  currentPage: number;
  totalPages: number;
}

export class GitLabHttp {
  private readonly agent: http.Agent;
  private readonly gate: Limiter;

  constructor(private readonly opts: GitLabHttpOptions) {
    const common = { keepAlive: true, maxSockets: Math.max(1, opts.concurrency) };
    this.agent = opts.base.protocol === 'https:' ? new https.Agent({ ...common, ...(opts.ca ? { ca: opts.ca } : {}), minVersion: 'TLSv1.2' }) : new http.Agent(common);
    this.gate = new Limiter(opts.concurrency);
  }

  close(): void {
    this.agent.destroy();
  }

  /** `method path` as client-go's ErrorResponse prints it: scheme, host and the unescaped path. */
  describe(path: string): string {
    let shown: string;
    try {
      shown = decodeURIComponent(path);
    } catch {
      shown = path;
    }
    return `GET ${this.opts.base.protocol}//${this.opts.base.host}${this.opts.base.pathname}${shown}`;
  }

  /** GET `path` (relative to the API base, already escaped) with `query`; the body and page headers. */
  async get(path: string, query?: [string, string][]): Promise<GitLabAnswer> {
    const url = new URL(this.opts.base.href);
    const built = this.opts.base.pathname + path;
    url.pathname = built;
    // url.Values.Encode (keys sorted, QueryEscape: only letters, digits and -_.~ stay as they are).
    const sorted = [...(query ?? [])].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    url.search = sorted.map(([k, v]) => `${goQueryEscape(k)}=${goQueryEscape(v)}`).join('&');
    // The ids and keys are checked (store-config.ts, key-rules.ts) and escaped into single segments; a
    // path the URL parser changed (a dot segment) is not sent. A namespace path keeps its %2F, as GitLab wants.
    if (url.pathname !== built) throw new PathEscapeError('the request path changed when the URL was normalised (a dot segment or an encoded separator)');
    const what = this.describe(path);
    return withRetry(
      this.opts,
      () => this.gate.run(() => this.once(url, what)),
      (e) => (e instanceof GitLabHttpError || e instanceof GitLabTransportError) && e.retryable,
    );
  }

  /** GET and decode the JSON body (json.Decoder: the first value; a body that is not JSON fails). */
  async getJson(path: string, query?: [string, string][]): Promise<{ value: unknown; currentPage: number; totalPages: number }> {
    const a = await this.get(path, query);
    try {
      return { value: JSON.parse(a.body.toString('utf8')) as unknown, currentPage: a.currentPage, totalPages: a.totalPages };
    } catch {
      throw new GitLabTransportError('EBADBODY', `${this.describe(path)}: decoding response: the body is not the JSON GitLab sends (a proxy's page or a truncated answer?)`);
    }
  }

  private once(url: URL, what: string): Promise<GitLabAnswer> {
    const lib = url.protocol === 'https:' ? https : http;
    const headers = { 'PRIVATE-TOKEN': this.opts.token, Accept: 'application/json', 'User-Agent': 'go-gitlab' };
    this.opts.countRequest();
    const attempt = startAttempt(this.opts.signal, this.opts.deadline);
    return new Promise<GitLabAnswer>((resolve0, reject0) => {
      const resolve = (v: GitLabAnswer) => {
        attempt.done();
        resolve0(v);
      };
      const reject = (e: Error) => {
        attempt.done();
        reject0(attempt.timedOut() ? new GitLabTransportError('ETIMEDOUT', `${what}: no complete answer ${timeoutText(attempt)}`) : e);
      };
      const r = lib.request(url, { method: 'GET', headers, agent: this.agent, signal: attempt.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(transportError(e, what)));
        res.on('aborted', () => reject(new GitLabTransportError('ECONNRESET', `${what}: ECONNRESET: the connection was reset before the whole response arrived`)));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status === 404) return reject(new GitLabNotFound());
          if (status !== 200) {
            const after = parseRetryAfter(headerOf(res.headers['retry-after']));
            return reject(new GitLabHttpError(status, what, after));
          }
          resolve({ body: Buffer.concat(chunks), currentPage: atoi(headerOf(res.headers['x-page'])), totalPages: atoi(headerOf(res.headers['x-total-pages'])) });
        });
      });
      r.on('error', (e) => reject(transportError(e, what)));
      r.end();
    });
  }
}

/** Go's url.QueryEscape. */
function goQueryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function headerOf(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

/** strconv.Atoi as client-go uses it: a decimal integer, else 0. */
function atoi(v: string | undefined): number {
  return v !== undefined && /^[+-]?\d{1,15}$/.test(v) ? Number(v) : 0;
}

function transportError(e: unknown, what: string): Error {
  if (e instanceof PathEscapeError) return e;
  const err = e as NodeJS.ErrnoException;
  if (err?.name === 'AbortError') return new GitLabTransportError('ABORTED', `${what}: request aborted: the run deadline passed`);
  const code = err?.code ?? 'UNKNOWN';
  return new GitLabTransportError(code, `${what}: ${code}: the request to GitLab did not complete`);
}
