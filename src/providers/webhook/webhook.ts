// ESO's shared webhook code (providers/v1/webhook/pkg/webhook/webhook.go, ESO v2.9.0), used by the
// webhook provider and the Webhook generator: template data, the request, and the response's JSON.
//
//  - Template data is Go's map[string]map[string]string: `.remoteRef.key|version|property|namespace`
//    (QueryEscape'd in the URL, raw in headers and body) and, for each `secrets[]` entry, every key of
//    its Secret under `.<name>.<key>`. Templates run with ESO's function map (the project's engine),
//    missingkey=default (a missing key prints `<no value>`), named `webhooktemplate`.
//  - method defaults to GET; a 404 is "Secret does not exist"; any other status outside 2xx is
//    `endpoint gave error <code> <text>` (the standard text, never the server's reason phrase).
//  - Before any request the rendered URL must be under one of the platform's allowed URL prefixes
//    (docs/security.md, "Webhooks"); redirects are not followed (Go's client follows them; here a 3xx
//    is an error), bodies are capped, and no error quotes a response.

import http from 'node:http';
import https from 'node:https';
import { executeTemplateNested, functionNamesIn, loadFunctionGroups, TemplateError } from '../../template/index.js';
import { ProviderError, NoSecretError, type AppWebhookURLs, type CredentialResolver } from '../types.js';
import { parseRetryAfter, withRetry } from '../shared/retry.js';
import { startAttempt, timeoutText } from '../shared/request-timeout.js';
import { Limiter } from '../shared/limiter.js';
import { isGoObject, parseGoJson, goByteValue, goMarshal, GoNumber, JsonSyntaxError, type GoValue } from '../shared/go-json.js';
import { evaluateJsonPath, JsonPathError } from './jsonpath.js';
import type { WebhookSpec } from './spec.js';

/** A response larger than this is refused (ESO reads any size; a tenant's endpoint could exhaust memory). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Headers Go's client takes from the request itself, never from Request.Header (net/http reqWriteExcludeHeader, less User-Agent, which it does send). */
const GO_EXCLUDED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'trailer']);

export type TemplateData = Map<string, Map<string, Uint8Array>>;

/** A rendered result.jsonPath; `shown` (REDACTED for secrets) when the path depends on a `secrets` value. */
export interface RenderedPath {
  path: string;
  shown?: string;
}

/** url.QueryEscape. */
export function queryEscape(s: string): string {
  let out = '';
  for (const b of Buffer.from(s, 'utf8')) {
    const c = String.fromCharCode(b);
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c;
    else if (b === 0x20) out += '+';
    else out += '%' + b.toString(16).toUpperCase().padStart(2, '0');
  }
  return out;
}

export interface WebhookEnv {
  /** `SecretStore apps/name` or `Webhook apps/name`: the prefix of every message. */
  where: string;
  /** The field prefix of the spec (`spec.provider.webhook`, `spec`). */
  field: string;
  origin: 'stream' | 'platform';
  allowedURLs: readonly string[] | undefined;
  /** The tenancy rules' prefixes for the app's own webhooks (applied when origin is stream). */
  appURLs?: AppWebhookURLs | undefined;
  credentials: CredentialResolver;
  signal: AbortSignal;
  deadline: number;
  concurrency: number;
  countRequest(): void;
  countRetry(): void;
  /** ProviderContext.overFetchBudget. */
  overFetchBudget?: (() => Error | undefined) | undefined;
}

export class WebhookCaller {
  private readonly gate: Limiter;
  private readonly agents: { http?: http.Agent; https?: https.Agent } = {};
  private secrets: Promise<Map<string, Map<string, Uint8Array>>> | undefined;

  constructor(
    private readonly env: WebhookEnv,
    private readonly spec: WebhookSpec,
    /** `.remoteRef.namespace`. */
    private readonly namespace: string,
  ) {
    this.gate = new Limiter(Math.max(1, env.concurrency));
  }

  /** The scheme is known only once the URL template is rendered: one keep-alive agent per scheme. */
  private agent(protocol: string): http.Agent {
    const common = { keepAlive: true, maxSockets: Math.max(1, this.env.concurrency) };
    if (protocol === 'https:') return (this.agents.https ??= new https.Agent({ ...common, minVersion: 'TLSv1.2', ...(this.spec.caBundle ? { ca: caPem(this.spec.caBundle) } : {}) }));
    return (this.agents.http ??= new http.Agent(common));
  }

  close(): void {
    this.agents.http?.destroy();
    this.agents.https?.destroy();
  }

  private fail(message: string, retryable = false): ProviderError {
    return new ProviderError(`${this.env.where}: ${message}`, { retryable });
  }

  /** getTemplatedSecrets: every key of every `secrets[]` Secret, once per caller. */
  private storeSecrets(): Promise<Map<string, Map<string, Uint8Array>>> {
    this.secrets ??= (async () => {
      const out = new Map<string, Map<string, Uint8Array>>();
      for (const [i, s] of this.spec.secrets.entries()) {
        const field = `${this.env.field}.secrets[${i}].secretRef`;
        if (!this.env.credentials.resolveSecret) throw this.fail(`${field}: this front end cannot resolve whole Secrets`);
        const got = await this.env.credentials.resolveSecret(s.secret, field);
        // ESO's EnforceLabels: a Secret from the cluster must be labelled for webhook use.
        if (got.labels) {
          const t = got.labels['external-secrets.io/type'];
          if (t === undefined) throw this.fail(`${field}: secret does not contain needed label 'external-secrets.io/type: webhook'. Update secret label to use it with webhook`);
          if (t !== 'webhook') throw this.fail(`${field}: secret type is not 'webhook'`);
        }
        const m = out.get(s.name) ?? new Map<string, Uint8Array>();
        for (const [k, v] of got.data) m.set(k, v);
        out.set(s.name, m);
      }
      return out;
    })();
    return this.secrets;
  }

  /** GetTemplateData: remoteRef (QueryEscape'd for the URL) and the store's secrets. */
  async templateData(ref: { key: string; version?: string; property?: string } | undefined, urlEncode: boolean): Promise<TemplateData> {
    // Every template rendered here gets its data from this method first: the functions load with it.
    await loadFunctionGroups([this.spec.url, this.spec.body, ...this.spec.headers.map((h) => h[1])].flatMap((t) => [...functionNamesIn(t)]));
    const data: TemplateData = new Map();
    if (ref) {
      const enc = (s: string) => Buffer.from(urlEncode ? queryEscape(s) : s, 'utf8');
      data.set(
        'remoteRef',
        new Map([
          ['key', enc(ref.key)],
          ['version', enc(ref.version ?? '')],
          ['property', enc(ref.property ?? '')],
          ['namespace', Buffer.from(this.namespace, 'utf8')],
        ]),
      );
    }
    for (const [name, m] of await this.storeSecrets()) {
      const into = data.get(name) ?? new Map<string, Uint8Array>();
      for (const [k, v] of m) into.set(k, v);
      data.set(name, into);
    }
    return data;
  }

  /** ExecuteTemplateString: "" for an empty template; errors name the field, never the data. */
  render(text: string, data: TemplateData, field: string, what: string): string {
    if (text === '') return '';
    try {
      return Buffer.from(executeTemplateNested('webhooktemplate', text, data, { leftDelim: '{{', rightDelim: '}}', missingKey: 'default', origin: 'webhooktemplate' })).toString('utf8');
    } catch (e) {
      if (e instanceof TemplateError) throw this.fail(`${this.env.field}.${field}: ${what}: ${e.message}`);
      throw e;
    }
  }

  /**
   * The URL as a message may show it: rendered again with every `secrets` value replaced, so a credential
   * templated into the URL never reaches an error text; "(not shown)" when that rendering fails.
   */
  private shownURL(escaped: TemplateData): string {
    const u = this.redactedURL(escaped);
    return u ? `${u.origin}${u.pathname}` : '(not shown)';
  }

  private redactedURL(escaped: TemplateData): URL | undefined {
    try {
      return new URL(this.render(this.spec.url, this.redacted(escaped), 'url', 'failed to parse url'));
    } catch {
      return undefined;
    }
  }

  /** The template data with every `secrets` value replaced by REDACTED (`.remoteRef.*` come from the manifest). */
  private redacted(data: TemplateData): TemplateData {
    const names = new Set(this.spec.secrets.map((s) => s.name));
    const out: TemplateData = new Map();
    for (const [k, m] of data) out.set(k, names.has(k) ? new Map([...m.keys()].map((x) => [x, Buffer.from('REDACTED')])) : m);
    return out;
  }

  /**
   * result.jsonPath rendered for one read. `shown` is set when the rendered path depends on a `secrets`
   * value: an error then shows the path rendered with REDACTED values and a failure that quotes nothing of it.
   */
  async jsonPathFor(ref: { key: string; version?: string; property?: string } | undefined): Promise<RenderedPath> {
    const data = await this.templateData(ref, false);
    const path = this.render(this.spec.jsonPath, data, 'result.jsonPath', 'cannot get templated json path');
    let shown: string;
    try {
      shown = this.render(this.spec.jsonPath, this.redacted(data), 'result.jsonPath', 'cannot get templated json path');
    } catch {
      shown = '(not shown)';
    }
    return shown === path ? { path } : { path, shown };
  }

  /** The URL policy, on the rendered URL, before any request. */
  private checkURL(raw: string, escaped: TemplateData): URL {
    const shown = () => this.shownURL(escaped);
    let u: URL;
    try {
      u = new URL(raw);
    } catch {
      throw this.fail(`${this.env.field}.url: failed to parse url: the rendered URL is not an absolute URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') {
      // The scheme is named only when no secrets value is in it (the URL rendered with REDACTED has the same).
      const named = this.redactedURL(escaped)?.protocol === u.protocol ? ` is ${u.protocol.replace(/:$/, '')},` : ' (rendered from secrets, not shown) is';
      throw this.fail(`${this.env.field}.url: the rendered URL's scheme${named} not http or https`);
    }
    if (hasDotSegment(raw)) throw this.fail(`${this.env.field}.url: the rendered URL has a . or .. path segment; name the resource's own path (a remoteRef of . or .. would otherwise climb out of the path the URL template sets)`);
    if (u.username !== '' || u.password !== '') throw this.fail(`${this.env.field}.url: the rendered URL carries user info; put credentials in a header from secrets`);
    const allowed = this.env.allowedURLs;
    if (allowed === undefined) {
      if (this.env.origin === 'stream') {
        throw this.fail(
          `policy: webhook URL ${shown()} refused: the application defines this webhook in its own manifests and the platform configuration names no webhook destinations (RenderConfig spec.webhook.allowedURLs)`,
        );
      }
      return u;
    }
    if (!allowed.some((p) => underPrefix(u, p))) {
      throw this.fail(`policy: webhook URL ${shown()} is not under any of the platform's allowed webhook URLs (RenderConfig spec.webhook.allowedURLs)`);
    }
    const app = this.env.appURLs;
    if (this.env.origin === 'stream' && app && !app.urls.some((p) => underPrefix(u, p))) {
      throw this.fail(`policy: webhook URL ${shown()} is not under the webhookURLs of rule ${app.rules.join(', ')}, which the application's own webhooks must use`);
    }
    return u;
  }

  /** GetWebhookData: the rendered request, made once; the raw body. */
  async call(ref: { key: string; version?: string; property?: string } | undefined): Promise<Buffer> {
    const escaped = await this.templateData(ref, true);
    const raw = await this.templateData(ref, false);
    const method = this.spec.method === '' ? 'GET' : this.spec.method;
    const url = this.checkURL(this.render(this.spec.url, escaped, 'url', 'failed to parse url'), escaped);
    const body = Buffer.from(this.render(this.spec.body, raw, 'body', 'failed to parse body'), 'utf8');
    const headers: Record<string, string[]> = {};
    for (const [k, t] of this.spec.headers) {
      const v = this.render(t, raw, `headers.${k}`, `failed to parse header ${k}`);
      if (/[\u0000-\u0008\u000a-\u001f\u007f]/.test(v) || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(k)) throw this.fail(`${this.env.field}.headers.${k}: the header name or its rendered value is not a valid HTTP header`);
      // Go's client never writes these from Request.Header (reqWriteExcludeHeader): the URL names the host
      // and the body frames the request. Node would send them, so a Host header could pick another virtual
      // host behind the allowed address (and its TLS name), and Transfer-Encoding next to Content-Length
      // would frame a smuggled request. Dropped, as ESO's client drops them.
      if (GO_EXCLUDED_HEADERS.has(k.toLowerCase())) continue;
      // Go writes the value's UTF-8 bytes; Node writes a header string as latin1.
      (headers[k.toLowerCase()] ??= []).push(Buffer.from(v, 'utf8').toString('latin1'));
    }
    const idempotent = method === 'GET' || method === 'HEAD';
    return withRetry(
      { signal: this.env.signal, deadline: this.env.deadline, countRetry: () => this.env.countRetry() },
      () => this.gate.run(() => this.once(method, url, headers, body)),
      (e) => idempotent && e instanceof ProviderError && e.retryable,
    );
  }

  private once(method: string, url: URL, headers: Record<string, string[]>, body: Buffer): Promise<Buffer> {
    const over = this.env.overFetchBudget?.();
    if (over) return Promise.reject(over);
    this.env.countRequest();
    const lib = url.protocol === 'https:' ? https : http;
    const attempt = startAttempt(this.env.signal, Math.min(this.env.deadline, this.spec.timeoutMs ? Date.now() + this.spec.timeoutMs : Infinity));
    return new Promise<Buffer>((resolve0, reject0) => {
      let settled = false;
      const resolve = (b: Buffer) => {
        if (settled) return;
        settled = true;
        attempt.done();
        resolve0(b);
      };
      const reject = (e: Error) => {
        if (settled) return;
        settled = true;
        attempt.done();
        reject0(attempt.timedOut() ? this.fail(`failed to call endpoint: no complete answer ${timeoutText(attempt)}`, true) : e);
      };
      const h: Record<string, string | string[]> = { ...headers };
      if (body.length > 0 || !['GET', 'HEAD'].includes(method)) h['content-length'] = String(body.length);
      // Go's client names itself unless a header does.
      if (h['user-agent'] === undefined) h['user-agent'] = 'Go-http-client/1.1';
      const r = lib.request(url, { method, headers: h, agent: this.agent(url.protocol), signal: attempt.signal }, (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY_BYTES) {
            res.destroy();
            reject(this.fail(`failed to read response: the body is larger than ${MAX_BODY_BYTES} bytes`));
          } else chunks.push(c);
        });
        res.on('error', () => reject(this.fail('failed to call endpoint: the connection was reset before the whole response arrived', true)));
        res.on('aborted', () => reject(this.fail('failed to call endpoint: the connection was reset before the whole response arrived', true)));
        res.on('end', () => {
          if (status === 404) return reject(new NoSecretError());
          const text = `${status} ${http.STATUS_CODES[status] ?? ''}`.trim();
          // ESO's NotModifiedError: nothing to write a Secret from.
          if (status === 304) return reject(this.fail('endpoint gave error 304 Not Modified'));
          if (status >= 300 && status < 400) return reject(this.fail(`endpoint gave error ${text}: eso-render does not follow redirects (point url at the final address)`));
          if (status < 200 || status >= 300) {
            const e = this.fail(`endpoint gave error ${text}`, status === 429 || (status >= 500 && status !== 501));
            const wait = status === 429 || status === 503 ? parseRetryAfter(res.headers['retry-after'] as string | undefined) : undefined;
            if (wait !== undefined) Object.assign(e, { retryAfterMs: wait });
            return reject(e);
          }
          resolve(Buffer.concat(chunks));
        });
      });
      // A 101 to a request the manifest marked `Connection: Upgrade`: Node hands the socket to an 'upgrade'
      // listener and, without one, leaves the request unsettled until the run's deadline. Go's client
      // returns the 101, which ESO reports as a status outside 2xx.
      r.on('upgrade', (res: http.IncomingMessage, socket: import('node:net').Socket) => {
        socket.destroy();
        reject(this.fail(`endpoint gave error ${res.statusCode ?? 101} ${http.STATUS_CODES[res.statusCode ?? 101] ?? ''}`.trim()));
      });
      r.on('error', (e: NodeJS.ErrnoException) => {
        if (e?.name === 'AbortError') return reject(this.fail('failed to call endpoint: request aborted, the run deadline passed'));
        const code = e?.code ?? 'UNKNOWN';
        reject(this.fail(`failed to call endpoint: ${code}`, ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN'].includes(code)));
      });
      r.end(body);
    });
  }

  /** json.Unmarshal into any (float64 numbers), with a position-only error. */
  parse(body: Buffer, what = 'failed to parse response json'): GoValue {
    const over = this.env.overFetchBudget?.();
    if (over) throw over;
    try {
      return parseGoJson(body.toString('utf8'), 'float');
    } catch (e) {
      if (e instanceof JsonSyntaxError) throw this.fail(`${what}: ${e.message}`);
      throw e;
    }
  }

  path(jsonPath: RenderedPath, doc: GoValue): GoValue {
    try {
      return evaluateJsonPath(jsonPath.path, doc);
    } catch (e) {
      if (e instanceof JsonPathError) {
        if (jsonPath.shown !== undefined) throw this.fail(`failed to get response path ${jsonPath.shown} (rendered from secrets, not shown): ${e.bare}`);
        throw this.fail(`failed to get response path ${jsonPath.path}: ${e.message}`);
      }
      throw e;
    }
  }

  /** Webhook.GetSecretMap: the (jsonPath'd) JSON object, each value through esutils.GetByteValue. */
  async secretMap(ref: { key: string; version?: string; property?: string } | undefined, jsonPath: RenderedPath): Promise<Map<string, Uint8Array>> {
    const body = await this.call(ref);
    let doc = this.parse(body);
    if (jsonPath.path !== '') doc = this.path(jsonPath, doc);
    return objectToSecretMap(doc, (text, what) => this.parse(text, what), (m) => this.fail(m));
  }
}

/** GetSecretMap after the jsonPath: a string is parsed as JSON again, then it must be an object. */
export function objectToSecretMap(doc: GoValue, parse: (text: Buffer, what: string) => GoValue, fail: (m: string) => Error): Map<string, Uint8Array> {
  if (typeof doc === 'string') doc = parse(Buffer.from(doc, 'utf8'), 'failed to parse response json from jsonpath');
  if (!isGoObject(doc)) throw fail(`failed to get response (wrong type: ${goType(doc)})`);
  const out = new Map<string, Uint8Array>();
  for (const [k, v] of doc) out.set(k, goByteValue(v));
  return out;
}

export function goType(v: GoValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || v instanceof GoNumber) return 'float64';
  return Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}';
}

/** extractSecretData (providers/v1/webhook/webhook.go): one value from a jsonPath result. */
export function extractSecretData(v: GoValue, fail: (m: string) => Error): Uint8Array {
  if (typeof v === 'boolean') return Buffer.from(v ? 'true' : 'false');
  if (v === null) return new Uint8Array();
  if (typeof v === 'number') return Buffer.from(formatFloatF0(v));
  if (v instanceof GoNumber) return Buffer.from(formatFloatF0(Number(v.text)));
  if (typeof v === 'string') return Buffer.from(v, 'utf8');
  if (Array.isArray(v)) {
    if (v.length === 0) throw fail("filter worked but didn't get any result");
    return extractSecretData(v[0]!, fail);
  }
  return Buffer.from(goMarshal(v), 'utf8');
}

/** strconv.FormatFloat(x, 'f', 0, 64): the exact value rounded half to even (2.5 → "2", -0.3 → "-0"). */
export function formatFloatF0(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  let n: number;
  if (Number.isInteger(a)) n = a;
  else {
    const t = Math.floor(a);
    const f = a - t; // exact for doubles with a fractional part
    n = f > 0.5 ? t + 1 : f < 0.5 ? t : t % 2 === 0 ? t : t + 1;
  }
  return (neg ? '-' : '') + BigInt(n).toString();
}

/**
 * Whether `u` falls under the allowed prefix `prefix` (a normalised href with no query or fragment): the
 * same origin, and the prefix's path as whole segments. `https://h/v1` allows `/v1`, `/v1?x` and `/v1/...`
 * but not `/v1x` or `/v1.json` (a string prefix would); `https://h/v1/` allows what is below `/v1/`.
 */
export function underPrefix(u: URL, prefix: string): boolean {
  const p = new URL(prefix);
  if (u.origin !== p.origin) return false;
  if (p.pathname.endsWith('/')) return u.pathname.startsWith(p.pathname);
  return u.pathname === p.pathname || u.pathname.startsWith(`${p.pathname}/`);
}

/**
 * Does the URL as written have a `.` or `..` path segment? The WHATWG parser resolves them (so does a
 * `%2e`, and it reads `\` as `/` and drops tabs and line breaks), which would let `.remoteRef.key: ..`
 * (QueryEscape keeps dots) climb out of the path a platform's URL template sets; Go's client would send
 * them as they are. Refused instead.
 */
export function hasDotSegment(raw: string): boolean {
  const text = raw.replace(/[\t\n\r]/g, '');
  const m = /^[A-Za-z][A-Za-z0-9+.\-]*:[\/\\]*[^\/\\?#]*(.*)$/s.exec(text);
  const rest = (m ? m[1]! : text).split(/[?#]/)[0]!;
  return rest.split(/[\/\\]/).some((seg) => {
    const d = seg.replace(/%2e/gi, '.');
    return d === '.' || d === '..';
  });
}

/** caBundle is []byte in the CRD: base64 in the manifest. */
function caPem(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}
