// A loopback Doppler API, written from Doppler's REST API v3 reference (https://docs.doppler.com/reference/api
// and the "Download secrets" endpoint): GET /v3/configs/config/secrets/download with `project`, `config`,
// `format` (json, env, yaml, docker, dotnet-json), `name_transformer` (camel, upper-camel, lower-snake,
// tf-var, dotnet-env, lower-kebab) and `secrets` (a comma-separated list of names). Tokens are sent as the
// HTTP Basic user name or as a bearer token; a service token is bound to one config (project and config may
// be left out), a personal token needs both. The download of a whole config carries Doppler's
// DOPPLER_PROJECT, DOPPLER_CONFIG and DOPPLER_ENVIRONMENT. Errors are `{"messages": [...], "success":
// false}`; answers carry an ETag and honour If-None-Match. Every request is logged for request counts.

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';

export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  token: string;
  /** How the token came: `basic` (user name) or `bearer`. */
  scheme: string;
  accept: string;
}

type Grant = { kind: 'service'; project: string; config: string } | { kind: 'personal' };

const words = (name: string) => name.split('_').filter((w) => w !== '');
const cap = (w: string) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase();

/** Doppler's name transformers, as its CLI documents them (API_KEY → apiKey, ApiKey, api_key, TF_VAR_api_key, api-key). */
export function transformName(name: string, how: string): string {
  switch (how) {
    case 'camel':
      return words(name).map((w, i) => (i === 0 ? w.toLowerCase() : cap(w))).join('');
    case 'upper-camel':
      return words(name).map(cap).join('');
    case 'lower-snake':
      return name.toLowerCase();
    case 'tf-var':
      return `TF_VAR_${name.toLowerCase()}`;
    case 'lower-kebab':
      return name.toLowerCase().replace(/_/g, '-');
    case 'dotnet-env':
      // SMTP__USER_NAME → Smtp__UserName: `__` separates sections, each section upper-camel.
      return name.split('__').map((s) => words(s).map(cap).join('')).join('__');
    default:
      return name;
  }
}

const TRANSFORMERS = new Set(['camel', 'upper-camel', 'lower-snake', 'tf-var', 'dotnet-env', 'lower-kebab']);
const FORMATS = new Set(['json', 'env', 'yaml', 'docker', 'dotnet-json', 'env-no-quotes']);

/** The body of a download in `format` (Doppler's CLI `secrets download --format` shapes). */
export function formatBody(secrets: [string, string][], format: string): { body: string; type: string } {
  switch (format) {
    case 'env':
      return { body: secrets.map(([k, v]) => `${k}=${JSON.stringify(v)}\n`).join(''), type: 'text/plain; charset=utf-8' };
    case 'env-no-quotes':
    case 'docker':
      return { body: secrets.map(([k, v]) => `${k}=${v}\n`).join(''), type: 'text/plain; charset=utf-8' };
    case 'yaml':
      return { body: secrets.map(([k, v]) => `${k}: ${JSON.stringify(v)}\n`).join(''), type: 'text/plain; charset=utf-8' };
    case 'dotnet-json':
      return { body: JSON.stringify(Object.fromEntries(secrets.map(([k, v]) => [transformName(k, 'dotnet-env').replace(/__/g, ':'), v]))), type: 'application/json; charset=utf-8' };
    default:
      return { body: JSON.stringify(Object.fromEntries(secrets)), type: 'application/json; charset=utf-8' };
  }
}

export class FakeDoppler {
  readonly requests: SeenRequest[] = [];
  /** project → config → (environment, secrets). */
  private readonly projects = new Map<string, Map<string, { environment: string; secrets: Map<string, string> }>>();
  private readonly tokens = new Map<string, Grant>();
  /** Fails the next `times` requests (that match `when`, if given) with `status` and Doppler's error body. */
  readonly faults: { status: number; message: string; times: number; when?: (q: Record<string, string>) => boolean }[] = [];
  delayMs = 0;
  maxInFlight = 0;
  private inFlight = 0;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeDoppler> {
    let self: FakeDoppler | undefined;
    const server = http.createServer((req, res) => {
      const s = self!;
      s.inFlight++;
      s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
      res.on('close', () => s.inFlight--);
      if (s.delayMs > 0) setTimeout(() => s.handle(req, res), s.delayMs);
      else s.handle(req, res);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new FakeDoppler(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  addConfig(project: string, config: string, secrets: Record<string, string>, environment = config.split('_')[0]!): void {
    if (!this.projects.has(project)) this.projects.set(project, new Map());
    this.projects.get(project)!.set(config, { environment, secrets: new Map(Object.entries(secrets)) });
  }

  addServiceToken(token: string, project: string, config: string): void {
    this.tokens.set(token, { kind: 'service', project, config });
  }

  addPersonalToken(token: string): void {
    this.tokens.set(token, { kind: 'personal' });
  }

  resetLog(): void {
    this.requests.length = 0;
    this.maxInFlight = 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization ?? '';
    let token = '';
    let scheme = '';
    if (auth.startsWith('Basic ')) {
      const user = Buffer.from(auth.slice(6), 'base64').toString('utf8');
      token = user.includes(':') ? user.slice(0, user.indexOf(':')) : user;
      scheme = 'basic';
    } else if (auth.startsWith('Bearer ')) {
      token = auth.slice(7);
      scheme = 'bearer';
    }
    const query = Object.fromEntries(url.searchParams);
    this.requests.push({ method: req.method ?? '', path: url.pathname, query, token, scheme, accept: String(req.headers.accept ?? '') });
    const send = (status: number, body: string, type: string, extra: Record<string, string> = {}) => {
      const bytes = Buffer.from(body, 'utf8');
      res.writeHead(status, { 'content-type': type, 'content-length': bytes.length, ...extra });
      res.end(bytes);
    };
    const error = (status: number, message: string) => send(status, JSON.stringify({ messages: [message], success: false }), 'application/json; charset=utf-8');
    const fault = this.faults.find((f) => f.times > 0 && (!f.when || f.when(query)));
    if (fault) {
      fault.times--;
      return error(fault.status, fault.message);
    }
    if (req.method !== 'GET') return error(405, 'Method not allowed');
    if (url.pathname !== '/v3/configs/config/secrets/download') return error(404, 'Not found');
    const grant = this.tokens.get(token);
    if (!grant) return error(401, 'Invalid auth token');
    let project = query['project'];
    let config = query['config'];
    if (grant.kind === 'service') {
      if (project !== undefined && project !== grant.project) return error(403, `This token does not have access to requested project '${project}'`);
      if (config !== undefined && config !== grant.config) return error(403, `This token does not have access to requested config '${config}'`);
      project = grant.project;
      config = grant.config;
    }
    if (!project) return error(400, 'You must specify a project');
    if (!config) return error(400, 'You must specify a config');
    const p = this.projects.get(project);
    if (!p) return error(404, `Could not find requested project '${project}'`);
    const c = p.get(config);
    if (!c) return error(404, `Could not find requested config '${config}'`);
    const format = query['format'] ?? 'json';
    if (!FORMATS.has(format)) return error(400, 'Invalid format');
    const transformer = query['name_transformer'];
    if (transformer !== undefined && !TRANSFORMERS.has(transformer)) return error(400, 'Invalid name transformer');
    let entries: [string, string][] = [...c.secrets, ['DOPPLER_PROJECT', project], ['DOPPLER_CONFIG', config], ['DOPPLER_ENVIRONMENT', c.environment]];
    if (query['secrets'] !== undefined) {
      const wanted = new Set(query['secrets'].split(',').filter((n) => n !== ''));
      entries = entries.filter(([k]) => wanted.has(k));
    }
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (transformer) entries = entries.map(([k, v]) => [transformName(k, transformer), v]);
    const { body, type } = formatBody(entries, format);
    const etag = `W/"${createHash('sha256').update(body).digest('hex').slice(0, 32)}"`;
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, { etag });
      return res.end();
    }
    send(200, body, type, { etag });
  }
}
