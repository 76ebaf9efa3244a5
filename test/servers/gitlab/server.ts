// A loopback GitLab REST API v4 server for CI/CD variables, written from GitLab's public API reference
// (https://docs.gitlab.com/api/project_level_variables/, /api/group_level_variables/, /api/projects/#list-groups
// and /api/rest/#pagination): `PRIVATE-TOKEN` authentication, projects by id or URL-encoded namespace path,
// a single variable by key with `filter[environment_scope]` (409 when several scopes share a key and no
// filter picks one), offset pagination (`page`, `per_page` up to 100, X-Page / X-Total-Pages / X-Next-Page
// headers), a project's ancestor groups, and errors as `{"message": "..."}`. Every request is logged for
// the tests' request counts. Optionally served over TLS with a test CA.

import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface GlVariable {
  key: string;
  value: string;
  /** Default `*` (all environments). */
  environment_scope?: string;
  masked?: boolean;
  protected?: boolean;
}
export interface SeenRequest {
  method: string;
  /** The raw path, still percent-encoded. */
  path: string;
  query: Record<string, string>;
  /** The query string as sent (after '?'), still encoded. */
  rawQuery: string;
  token: string;
}

interface Group {
  id: number;
  fullPath: string;
  parent?: number;
  variables: GlVariable[];
}
interface Project {
  id: number;
  pathWithNamespace: string;
  group?: number;
  variables: GlVariable[];
}

export class FakeGitLab {
  readonly requests: SeenRequest[] = [];
  private readonly groups: Group[] = [];
  private readonly projects: Project[] = [];
  /** token → the project and group ids it may read (undefined: every one). */
  private readonly tokens = new Map<string, Set<number> | undefined>();
  /** Fails the next `times` requests whose raw path starts with `/api/v4/<prefix>` with `status`. */
  readonly faults: { prefix: string; status: number; times: number; headers?: Record<string, string> }[] = [];
  /** Holds each answer this long (to observe how many requests a client keeps in flight). */
  delayMs = 0;
  /** The most requests in flight at once since the last resetLog. */
  maxInFlight = 0;
  private inFlight = 0;
  private nextId = 100;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(tls?: { keyPem: string; certPem: string }): Promise<FakeGitLab> {
    let self: FakeGitLab | undefined;
    const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => {
      const s = self!;
      s.inFlight++;
      s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
      res.on('close', () => s.inFlight--);
      if (s.delayMs > 0) setTimeout(() => s.handle(req, res), s.delayMs);
      else s.handle(req, res);
    };
    const server = tls ? https.createServer({ key: tls.keyPem, cert: tls.certPem }, onRequest) : http.createServer(onRequest);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new FakeGitLab(server, `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  /** A group (a subgroup when `parent` is given); returns its numeric id. */
  addGroup(fullPath: string, variables: GlVariable[] = [], parent?: number): number {
    const id = this.nextId++;
    this.groups.push({ id, fullPath, variables, ...(parent !== undefined ? { parent } : {}) });
    return id;
  }

  /** A project in `group` (if any); returns its numeric id. */
  addProject(pathWithNamespace: string, variables: GlVariable[], group?: number): number {
    const id = this.nextId++;
    this.projects.push({ id, pathWithNamespace, variables, ...(group !== undefined ? { group } : {}) });
    return id;
  }

  /** `ids` limits the token to those projects and groups; without it the token reads everything. */
  addToken(token: string, ids?: number[]): void {
    this.tokens.set(token, ids ? new Set(ids) : undefined);
  }

  resetLog(): void {
    this.requests.length = 0;
    this.maxInFlight = 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private ancestors(p: Project): Group[] {
    const out: Group[] = [];
    let g = this.groups.find((x) => x.id === p.group);
    while (g) {
      out.push(g);
      g = this.groups.find((x) => x.id === g!.parent);
    }
    return out;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const raw = req.url ?? '/';
    const q = raw.indexOf('?');
    const rawPath = q >= 0 ? raw.slice(0, q) : raw;
    const params = new URLSearchParams(q >= 0 ? raw.slice(q + 1) : '');
    const token = String(req.headers['private-token'] ?? '');
    this.requests.push({ method: req.method ?? '', path: rawPath, query: Object.fromEntries(params), rawQuery: q >= 0 ? raw.slice(q + 1) : '', token });
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      const bytes = Buffer.from(JSON.stringify(body));
      res.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.length, ...headers });
      res.end(bytes);
    };
    const error = (status: number, message: string, headers: Record<string, string> = {}) => send(status, { message }, headers);
    const fault = this.faults.find((f) => f.times > 0 && rawPath.startsWith(`/api/v4/${f.prefix}`));
    if (fault) {
      fault.times--;
      return error(fault.status, `${fault.status} injected`, fault.headers ?? {});
    }
    if (req.method !== 'GET') return error(405, '405 Method Not Allowed');
    if (!this.tokens.has(token)) return error(401, '401 Unauthorized');
    const granted = this.tokens.get(token);
    const may = (id: number) => granted === undefined || granted.has(id);
    let parts: string[];
    try {
      parts = rawPath.split('/').slice(1).map((p) => decodeURIComponent(p));
    } catch {
      return error(400, '400 Bad Request');
    }
    if (parts[0] !== 'api' || parts[1] !== 'v4') return error(404, '404 Not Found');
    const [scope, id, sub, key, ...rest] = parts.slice(2);
    if (rest.length > 0) return error(404, '404 Not Found');
    let variables: GlVariable[];
    if (scope === 'projects') {
      const p = this.projects.find((x) => String(x.id) === id || x.pathWithNamespace === id);
      if (!p || !may(p.id)) return error(404, '404 Project Not Found');
      if (sub === 'groups' && key === undefined) {
        const groups = this.ancestors(p).map((g) => ({ id: g.id, name: g.fullPath.split('/').pop(), full_name: g.fullPath.replace(/\//g, ' / '), full_path: g.fullPath, web_url: `${this.url}/groups/${g.fullPath}`, avatar_url: null }));
        return this.page(groups, params, send, error);
      }
      variables = p.variables;
    } else if (scope === 'groups') {
      const g = this.groups.find((x) => String(x.id) === id || x.fullPath === id);
      if (!g || !may(g.id)) return error(404, '404 Group Not Found');
      variables = g.variables;
    } else {
      return error(404, '404 Not Found');
    }
    if (sub !== 'variables') return error(404, '404 Not Found');
    const json = (v: GlVariable) => ({
      variable_type: 'env_var',
      key: v.key,
      value: v.value,
      protected: v.protected ?? false,
      masked: v.masked ?? false,
      hidden: false,
      raw: false,
      environment_scope: v.environment_scope ?? '*',
      description: null,
    });
    if (key === undefined) return this.page(variables.map(json), params, send, error);
    // Ci::VariablesFinder: by key, and by the exact environment_scope when filter[environment_scope] is given.
    const env = params.get('filter[environment_scope]');
    const found = variables.filter((v) => v.key === key && (env === null || (v.environment_scope ?? '*') === env));
    if (found.length === 0) return error(404, '404 Variable Not Found');
    if (found.length > 1) return error(409, "There are multiple variables with provided parameters. Please use 'filter[environment_scope]'");
    return send(200, json(found[0]!));
  }

  /** Offset pagination as GitLab's REST API does it. */
  private page(all: unknown[], params: URLSearchParams, send: (s: number, b: unknown, h?: Record<string, string>) => void, error: (s: number, m: string) => void): void {
    const page = Number(params.get('page') ?? '1');
    const perPage = Number(params.get('per_page') ?? '20');
    if (!Number.isInteger(page) || page < 1 || !Number.isInteger(perPage) || perPage < 1) return error(400, '400 Bad request - page is invalid');
    const per = Math.min(perPage, 100);
    const totalPages = Math.max(1, Math.ceil(all.length / per));
    const items = all.slice((page - 1) * per, page * per);
    send(200, items, {
      'x-page': String(page),
      'x-per-page': String(per),
      'x-total': String(all.length),
      'x-total-pages': String(totalPages),
      'x-next-page': page < totalPages ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(page - 1) : '',
    });
  }
}
