// A loopback Infisical API, written from Infisical's public API reference
// (https://infisical.com/docs/api-reference): machine-identity logins (`POST /api/v1/auth/universal-auth/login`
// with clientId/clientSecret, `jwt-auth`, `ldap-auth` and `kubernetes-auth` with identityId and jwt or
// username/password; each answers `{accessToken, expiresIn, accessTokenMaxTTL, tokenType: "Bearer"}`),
// `POST /api/v1/auth/token/revoke`, and the v3 raw secrets endpoints: `GET /api/v3/secrets/raw` (list:
// workspaceId or workspaceSlug, environment, secretPath, recursive, include_imports,
// expandSecretReferences) and `GET /api/v3/secrets/raw/{secretName}` (one secret in secretPath, imports
// searched after the folder's own secrets). References `${NAME}` (same environment and folder) and
// `${env.folder.sub.NAME}` are expanded when expandSecretReferences is true. Errors are
// `{"statusCode": N, "message": "...", "error": "..."}`. Every request is logged for the tests' counts.

import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  token: string;
  body?: Record<string, unknown>;
}

interface StoredSecret {
  env: string;
  folder: string;
  key: string;
  value: string;
}

export class FakeInfisical {
  readonly requests: SeenRequest[] = [];
  /** project slug → secrets. */
  private readonly projects = new Map<string, StoredSecret[]>();
  /** Imports: (project, env, folder) → the (env, folder) it imports. */
  private readonly imports: { project: string; env: string; folder: string; from: { env: string; folder: string } }[] = [];
  /** Universal auth clients: clientId → [clientSecret, organizationSlug or ''] */
  private readonly clients = new Map<string, { secret: string; org: string; projects: Set<string> }>();
  /** identityId → what it may present: jwt, ldap user/password, kubernetes token. */
  private readonly identities = new Map<string, { jwt?: string; ldap?: [string, string]; k8s?: string; projects: Set<string> }>();
  /** Access tokens: token → the projects it may read; revoked ones are dropped. */
  private readonly tokens = new Map<string, Set<string>>();
  readonly revoked: string[] = [];
  private issued = 0;
  /** Fails the next `times` requests whose path starts with `prefix` with `status`. */
  readonly faults: { prefix: string; status: number; times: number }[] = [];
  delayMs = 0;
  maxInFlight = 0;
  private inFlight = 0;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(): Promise<FakeInfisical> {
    let self: FakeInfisical | undefined;
    const server = http.createServer((req, res) => {
      const s = self!;
      s.inFlight++;
      s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
      res.on('close', () => s.inFlight--);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const go = () => s.handle(req, Buffer.concat(chunks), res);
        if (s.delayMs > 0) setTimeout(go, s.delayMs);
        else go();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new FakeInfisical(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  /** Adds secrets to `project`/`env`, each `folder` an absolute path such as `/` or `/app/db`. */
  addSecrets(project: string, env: string, folder: string, secrets: Record<string, string>): void {
    const list = this.projects.get(project) ?? [];
    for (const [key, value] of Object.entries(secrets)) list.push({ env, folder, key, value });
    this.projects.set(project, list);
  }

  addImport(project: string, env: string, folder: string, from: { env: string; folder: string }): void {
    this.imports.push({ project, env, folder, from });
  }

  addClient(clientId: string, clientSecret: string, projects: string[], org = ''): void {
    this.clients.set(clientId, { secret: clientSecret, org, projects: new Set(projects) });
  }

  addIdentity(identityId: string, proof: { jwt?: string; ldap?: [string, string]; k8s?: string }, projects: string[]): void {
    this.identities.set(identityId, { ...proof, projects: new Set(projects) });
  }

  /** A pre-made access token (token auth). */
  addToken(token: string, projects: string[]): void {
    this.tokens.set(token, new Set(projects));
  }

  resetLog(): void {
    this.requests.length = 0;
    this.revoked.length = 0;
    this.maxInFlight = 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private handle(req: http.IncomingMessage, raw: Buffer, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization ?? '';
    const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    const query = Object.fromEntries(url.searchParams.entries());
    let body: Record<string, unknown> | undefined;
    if (raw.length > 0) {
      try {
        body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
      } catch {
        body = undefined;
      }
    }
    this.requests.push({ method: req.method ?? '', path: url.pathname, query, token, ...(body ? { body } : {}) });
    const send = (status: number, payload: unknown) => {
      const bytes = Buffer.from(JSON.stringify(payload));
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': bytes.length });
      res.end(bytes);
    };
    const error = (status: number, message: string) =>
      send(status, { statusCode: status, message, error: ({ 400: 'BadRequest', 401: 'UnauthorizedError', 403: 'PermissionDenied', 404: 'NotFound' } as Record<number, string>)[status] ?? 'Error' });
    const fault = this.faults.find((f) => f.times > 0 && url.pathname.startsWith(f.prefix));
    if (fault) {
      fault.times--;
      return error(fault.status, 'injected fault');
    }
    const issue = (projects: Set<string>) => {
      const t = `st.${(++this.issued).toString(36)}.${Math.random().toString(36).slice(2, 10)}`;
      this.tokens.set(t, projects);
      return send(200, { accessToken: t, expiresIn: 7200, accessTokenMaxTTL: 43200, tokenType: 'Bearer' });
    };
    const p = url.pathname;
    if (req.method === 'POST' && p.startsWith('/api/v1/auth/')) {
      if (!body) return error(400, 'body must be JSON');
      const org = typeof body['organizationSlug'] === 'string' ? body['organizationSlug'] : '';
      if (p === '/api/v1/auth/universal-auth/login') {
        if (auth !== '') return error(400, 'login requests carry no token');
        const c = this.clients.get(String(body['clientId'] ?? ''));
        if (!c || c.secret !== body['clientSecret'] || (org !== '' && org !== c.org)) return error(401, 'Invalid credentials');
        return issue(c.projects);
      }
      const id = this.identities.get(String(body['identityId'] ?? ''));
      if (p === '/api/v1/auth/jwt-auth/login') {
        if (!id?.jwt || id.jwt !== body['jwt']) return error(401, 'Invalid JWT');
        return issue(id.projects);
      }
      if (p === '/api/v1/auth/ldap-auth/login') {
        if (!id?.ldap || id.ldap[0] !== body['username'] || id.ldap[1] !== body['password']) return error(401, 'Invalid credentials');
        return issue(id.projects);
      }
      if (p === '/api/v1/auth/kubernetes-auth/login') {
        if (!id?.k8s || id.k8s !== body['jwt']) return error(401, 'Access denied: failed to validate the ServiceAccount token');
        return issue(id.projects);
      }
      if (p === '/api/v1/auth/token/revoke') {
        if (!this.tokens.has(token) || body['accessToken'] !== token) return error(401, 'Invalid token');
        this.tokens.delete(token);
        this.revoked.push(token);
        return send(200, { message: 'Successfully revoked access token' });
      }
      return error(404, `Route POST:${p} not found`);
    }
    if (req.method !== 'GET' || !p.startsWith('/api/v3/secrets/raw')) return error(404, `Route ${req.method}:${p} not found`);
    const granted = this.tokens.get(token);
    if (!granted) return error(401, 'Token missing or invalid');
    const project = query['workspaceId'] || query['workspaceSlug'] || '';
    const env = query['environment'] ?? '';
    if (!project || !env) return error(400, 'Missing workspace id or environment');
    const secrets = this.projects.get(project);
    if (!secrets) return error(404, `Project with slug '${project}' not found`);
    if (!granted.has(project)) return error(403, 'You are not allowed to read secrets of this project');
    const folder = trimSlash(query['secretPath'] ?? '/');
    const expand = query['expandSecretReferences'] === 'true';
    const withImports = query['include_imports'] === 'true';
    const shape = (x: StoredSecret) => ({
      id: `${x.env}:${x.folder}:${x.key}`,
      _id: `${x.env}:${x.folder}:${x.key}`,
      workspace: project,
      environment: x.env,
      version: 1,
      type: 'shared',
      secretKey: x.key,
      secretValue: expand ? this.expand(project, x, 0) : x.value,
      secretComment: '',
      secretPath: x.folder,
      tags: [],
    });
    const importsOf = (e: string, f: string) => this.imports.filter((i) => i.project === project && i.env === e && i.folder === f);
    const rest = p.slice('/api/v3/secrets/raw'.length);
    if (rest === '' || rest === '/') {
      const recursive = query['recursive'] === 'true';
      const inScope = secrets.filter((x) => x.env === env && (x.folder === folder || (recursive && (folder === '/' || x.folder.startsWith(folder + '/')))));
      // Folders in path order, the scope's own folder first, as Infisical lists them.
      inScope.sort((a, b) => (a.folder === b.folder ? 0 : a.folder.length - b.folder.length || (a.folder < b.folder ? -1 : 1)));
      const imports = withImports
        ? importsOf(env, folder).map((i) => ({ secretPath: i.from.folder, environment: i.from.env, folderId: `${i.from.env}:${i.from.folder}`, secrets: secrets.filter((x) => x.env === i.from.env && x.folder === i.from.folder).map(shape) }))
        : [];
      return send(200, { secrets: inScope.map(shape), imports });
    }
    const name = decodeURIComponent(rest.slice(1));
    if (name.includes('/')) return error(404, `Route GET:${p} not found`);
    let found = secrets.find((x) => x.env === env && x.folder === folder && x.key === name);
    if (!found && withImports) {
      for (const i of importsOf(env, folder)) {
        found = secrets.find((x) => x.env === i.from.env && x.folder === i.from.folder && x.key === name);
        if (found) break;
      }
    }
    if (!found) return error(404, `Secret with name '${name}' not found`);
    return send(200, { secret: shape(found) });
  }

  /** Infisical's reference syntax: `${NAME}` in the secret's own folder, `${env.a.b.NAME}` elsewhere. */
  private expand(project: string, x: StoredSecret, depth: number): string {
    if (depth > 5) return x.value;
    const all = this.projects.get(project) ?? [];
    return x.value.replace(/\$\{([^}]+)\}/g, (whole, ref: string) => {
      const parts = ref.split('.');
      let target: StoredSecret | undefined;
      if (parts.length === 1) target = all.find((y) => y.env === x.env && y.folder === x.folder && y.key === parts[0]);
      else {
        const folder = parts.length === 2 ? '/' : '/' + parts.slice(1, -1).join('/');
        target = all.find((y) => y.env === parts[0] && y.folder === folder && y.key === parts[parts.length - 1]);
      }
      return target ? this.expand(project, target, depth + 1) : whole;
    });
  }
}

function trimSlash(p: string): string {
  const t = p.trim();
  return t.length > 1 && t.endsWith('/') ? t.slice(0, -1) : t === '' ? '/' : t;
}
