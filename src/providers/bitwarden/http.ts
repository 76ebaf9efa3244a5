// A thin client for the Bitwarden SDK server's REST API as ESO's SdkClient talks to it
// (providers/v1/bitwarden/bitwarden_sdk.go, v2.9.0): `GET <bitwardenServerSDKURL>/rest/api/1/...` with a
// JSON body, the machine account's token in `Warden-Access-Token` and the store's API and identity URLs in
// `Warden-Api-Url` / `Warden-Identity-Url`, over TLS trusting only the store's CA (ESO's RootCAs pool,
// TLS 1.2 at least). Each attempt is counted, timed (ESO_RENDER_REQUEST_TIMEOUT) and runs under the
// store's concurrency bound; throttling, 5xx and resets are retried within the run's deadline. Errors
// carry the status and a fixed text, never the body (the SDK server echoes what Bitwarden said, and a
// 200 body holds the value).

import http from 'node:http';
import https from 'node:https';
import { parseRetryAfter, withRetry } from '../shared/retry.js';
import { startAttempt, timeoutText } from '../shared/request-timeout.js';
import { Limiter } from '../shared/limiter.js';

export interface SdkHttpOptions {
  sdkUrl: string;
  token: string;
  apiUrl: string;
  identityUrl: string;
  /** PEM of the CA certificates to trust (ESO trusts only these). */
  ca: string;
  signal: AbortSignal;
  deadline: number;
  concurrency: number;
  countRequest(): void;
  countRetry(): void;
}

/** The SDK server answered with a status other than 200. */
export class SdkStatusError extends Error {
  constructor(
    readonly status: number,
    readonly retryAfterMs?: number,
  ) {
    // ESO: "failed to perform http request, got response: <body> with status code <n>"; the body is not shown.
    super(`failed to perform http request, got response: (the SDK server's message is not shown) with status code ${status}`);
    this.name = 'SdkStatusError';
  }
  get retryable(): boolean {
    return this.status === 429 || (this.status >= 500 && this.status !== 501);
  }
}

/** The request did not complete (refused, reset, timed out), or the body is not the SDK server's JSON. */
export class SdkTransportError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SdkTransportError';
  }
  get retryable(): boolean {
    return ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET'].includes(this.code);
  }
}

export class SdkHttp {
  private readonly agent: http.Agent;
  private readonly gate: Limiter;

  constructor(private readonly opts: SdkHttpOptions) {
    const common = { keepAlive: true, maxSockets: Math.max(1, opts.concurrency) };
    this.agent = opts.sdkUrl.startsWith('https:') ? new https.Agent({ ...common, ca: opts.ca, minVersion: 'TLSv1.2' }) : new http.Agent(common);
    this.gate = new Limiter(opts.concurrency);
  }

  close(): void {
    this.agent.destroy();
  }

  /** `GET <sdkUrl><path>` with `body` as JSON; the decoded JSON answer (a 200 body that does not decode fails, with a fixed text). */
  async getJson(path: string, body: unknown): Promise<unknown> {
    const data = JSON.stringify(body);
    return withRetry(
      this.opts,
      () => this.gate.run(() => this.once(path, data)),
      (e) => (e instanceof SdkStatusError || e instanceof SdkTransportError) && e.retryable,
    );
  }

  private once(path: string, data: string): Promise<unknown> {
    // ESO concatenates the store's URL and the path (s.bitwardenSdkServerURL + restAPIURL).
    const url = new URL(this.opts.sdkUrl + path);
    const lib = url.protocol === 'https:' ? https : http;
    const headers = {
      'Warden-Access-Token': this.opts.token,
      'Warden-Api-Url': this.opts.apiUrl,
      'Warden-Identity-Url': this.opts.identityUrl,
      'Content-Length': String(Buffer.byteLength(data)),
      'User-Agent': 'Go-http-client/1.1',
    };
    this.opts.countRequest();
    const attempt = startAttempt(this.opts.signal, this.opts.deadline);
    return new Promise<unknown>((resolve0, reject0) => {
      const resolve = (v: unknown) => {
        attempt.done();
        resolve0(v);
      };
      const reject = (e: Error) => {
        attempt.done();
        reject0(attempt.timedOut() ? new SdkTransportError('ETIMEDOUT', `failed to do request: no complete answer ${timeoutText(attempt)}`) : e);
      };
      const r = lib.request(url, { method: 'GET', headers, agent: this.agent, signal: attempt.signal }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (e) => reject(transportError(e)));
        res.on('aborted', () => reject(new SdkTransportError('ECONNRESET', 'failed to do request: ECONNRESET: the connection was reset before the whole response arrived')));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status !== 200) {
            const after = parseRetryAfter(res.headers['retry-after'] as string | undefined);
            return reject(new SdkStatusError(status, after));
          }
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
          } catch {
            reject(new SdkTransportError('EBADBODY', 'failed to decode response: the body is not the JSON the SDK server sends (a proxy\'s page or a truncated answer?)'));
          }
        });
      });
      r.on('error', (e) => reject(transportError(e)));
      r.end(data);
    });
  }
}

function transportError(e: unknown): Error {
  const err = e as NodeJS.ErrnoException;
  if (err?.name === 'AbortError') return new SdkTransportError('ABORTED', 'failed to do request: request aborted: the run deadline passed');
  const code = err?.code ?? 'UNKNOWN';
  if (/^(ERR_TLS|UNABLE_TO|CERT_|DEPTH_ZERO|SELF_SIGNED|ERR_SSL)/.test(code)) {
    return new SdkTransportError(code, `failed to do request: ${code}: the SDK server's certificate is not trusted by the store's caBundle/caProvider`);
  }
  return new SdkTransportError(code, `failed to do request: ${code}: the request to the SDK server did not complete`);
}
