// A thin client for the one Doppler REST API v3 call ESO's provider reads with: GET
// `<base>/v3/configs/config/secrets/download` with project, config, secrets, name_transformer and format
// in the query and the token as the HTTP Basic user name (what ESO's dclient sends), under the run's abort
// signal, a per-attempt timeout, the store's concurrency bound and one counted request per attempt.
// Errors say the status and a fixed text, never the body (Doppler's messages echo what was asked; a 200
// body holds values).

import http from 'node:http';
import https from 'node:https';
import { withRetry } from '../shared/retry.js';
import { parseRetryAfter } from '../shared/retry.js';
import { startAttempt, timeoutText } from '../shared/request-timeout.js';
import { Limiter } from '../shared/limiter.js';

/** The API host ESO hard-codes (dclient.NewDopplerClient); ESO_RENDER_DOPPLER_API_ADDRESS replaces it. */
export const DEFAULT_API = 'https://api.doppler.com';
export const API_ADDRESS_ENV = 'ESO_RENDER_DOPPLER_API_ADDRESS';
export const DOWNLOAD_PATH = '/v3/configs/config/secrets/download';

export interface DopplerHttpOptions {
  base: URL;
  token: string;
  signal: AbortSignal;
  deadline: number;
  concurrency: number;
  countRequest(): void;
  countRetry(): void;
}

const STATUS_TEXT: Record<number, string> = {
  400: 'the Doppler API rejected the request (a personal token needs the store\'s project and config)',
  401: 'invalid or missing Doppler token',
  403: 'the Doppler token has no access to this project or config',
  404: 'project or config not found',
  429: 'rate limited by the Doppler API',
  500: 'the Doppler API reported an internal error',
  502: 'bad gateway between here and the Doppler API',
  503: 'the Doppler API is unavailable',
  504: 'gateway timeout between here and the Doppler API',
};

/** ESO's dclient.APIError text: `Doppler API Client Error[ (HTTP <code>)]: <message>`. */
export class DopplerApiError extends Error {
  constructor(
    message: string,
    readonly status = 0,
    readonly code = '',
    readonly retryAfterMs?: number,
  ) {
    super(status ? `Doppler API Client Error (HTTP ${status}): ${message}` : `Doppler API Client Error: ${message}`);
    this.name = 'DopplerApiError';
  }
  get retryable(): boolean {
    if (this.status) return this.status === 429 || (this.status >= 500 && this.status !== 501);
    return ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'EBADBODY'].includes(this.code);
  }
}

export function statusError(status: number, retryAfterMs?: number): DopplerApiError {
  const text =
    STATUS_TEXT[status] ??
    (status >= 300 && status < 400
      ? 'the Doppler API answered with a redirect, which eso-render does not follow (set ESO_RENDER_DOPPLER_API_ADDRESS to the API\'s https URL)'
      : status >= 500
        ? 'the Doppler API reported a server error'
        : 'the Doppler API refused the request');
  return new DopplerApiError(text, status, '', retryAfterMs);
}

/**
 * The API base: ESO's https://api.doppler.com, or ESO_RENDER_DOPPLER_API_ADDRESS read as ESO's SetBaseURL
 * reads DOPPLER_BASE_URL (a trailing `/` dropped, https when no scheme is given). Throws a message naming
 * the variable when it is not an http(s) URL without query, fragment or user info.
 */
export function apiBase(env: NodeJS.ProcessEnv = process.env): URL {
  const raw = env[API_ADDRESS_ENV];
  if (raw === undefined || raw.trim() === '') return new URL(DEFAULT_API);
  const trimmed = raw.trim();
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `https://${trimmed}`;
  let u: URL | undefined;
  try {
    u = new URL(withScheme);
    u.pathname = u.pathname.replace(/\/+$/, '');
  } catch {
    u = undefined;
  }
  if (!u || u.hostname === '' || (u.protocol !== 'http:' && u.protocol !== 'https:') || u.search !== '' || u.hash !== '' || u.username !== '' || u.password !== '') {
    throw new Error(`${API_ADDRESS_ENV}=${JSON.stringify(raw)} is not an http(s) URL without query, fragment or user info (for example https://doppler-proxy.internal:8443)`);
  }
  return u;
}

export interface Download {
  body: Buffer;
  contentType: string;
}

export class DopplerHttp {
  private readonly agent: http.Agent;
  private readonly gate: Limiter;

  constructor(private readonly opts: DopplerHttpOptions) {
    const common = { keepAlive: true, maxSockets: Math.max(1, opts.concurrency) };
    this.agent = opts.base.protocol === 'https:' ? new https.Agent({ ...common, minVersion: 'TLSv1.2' }) : new http.Agent(common);
    this.gate = new Limiter(opts.concurrency);
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * The download endpoint with `query` (parameters left out when empty, as ESO does); `text` asks for
   * text/plain. `decode` runs inside each attempt, so a body that is not a download (a proxy's page, a cut
   * JSON body) is retried like a reset.
   */
  async download<T>(query: Record<string, string>, text: boolean, decode: (d: Download) => T): Promise<T> {
    return withRetry(
      this.opts,
      () => this.gate.run(async () => decode(await this.once(query, text))),
      (e) => e instanceof DopplerApiError && e.retryable,
    );
  }

  private urlOf(query: Record<string, string>): URL {
    const url = new URL(this.opts.base.href);
    const prefix = url.pathname.replace(/\/+$/, '');
    url.pathname = prefix + DOWNLOAD_PATH;
    // The path is a constant; only the query carries what the manifest says (URLSearchParams encodes it).
    if (url.pathname !== prefix + DOWNLOAD_PATH) throw new DopplerApiError('invalid API URL: the path changed when the URL was normalised');
    for (const [k, v] of Object.entries(query)) if (v !== '') url.searchParams.set(k, v);
    return url;
  }

  private once(query: Record<string, string>, text: boolean): Promise<Download> {
    const url = this.urlOf(query);
    const lib = url.protocol === 'https:' ? https : http;
    const headers = {
      accept: text ? 'text/plain' : 'application/json',
      'user-agent': 'doppler-external-secrets',
      // Go's req.SetBasicAuth(token, ""): the token is the user name, the password empty.
      authorization: `Basic ${Buffer.from(`${this.opts.token}:`, 'utf8').toString('base64')}`,
    };
    this.opts.countRequest();
    const attempt = startAttempt(this.opts.signal, this.opts.deadline);
    return new Promise<Download>((resolve0, reject0) => {
      const resolve = (v: Download) => {
        attempt.done();
        resolve0(v);
      };
      const reject = (e: Error) => {
        attempt.done();
        reject0(attempt.timedOut() ? new DopplerApiError(`unable to load response: no complete answer ${timeoutText(attempt)}`, 0, 'ETIMEDOUT') : e);
      };
      const r = lib.request(url, { method: 'GET', headers, agent: this.agent, signal: attempt.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(transportError(e)));
        res.on('aborted', () => reject(new DopplerApiError('unable to read entire response body: the connection was reset before the whole response arrived', 0, 'ECONNRESET')));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ body: Buffer.concat(chunks), contentType: String(res.headers['content-type'] ?? '') });
          reject(statusError(status, status === 429 || status === 503 ? parseRetryAfter(res.headers['retry-after'] as string | undefined) : undefined));
        });
      });
      r.on('error', (e) => reject(transportError(e)));
      r.end();
    });
  }
}

function transportError(e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  if (err?.name === 'AbortError') return new DopplerApiError('unable to load response: request aborted, the run deadline passed', 0, 'ABORTED');
  const code = err?.code ?? 'UNKNOWN';
  return new DopplerApiError(`unable to load response: ${code}: the request to the Doppler API did not complete`, 0, code);
}
