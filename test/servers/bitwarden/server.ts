// A loopback Bitwarden SDK server (github.com/external-secrets/bitwarden-sdk-server, the REST wrapper ESO
// talks to), written from its README and API: HTTPS only, `GET /ready` and `/live`, and under
// `/rest/api/1` the Warden routes `GET /secret {"id"}`, `GET /secrets {"organizationId"}` and
// `GET /secrets-by-ids {"ids"}`, each request logging in with the `Warden-Access-Token` header (a
// Bitwarden machine account access token, `0.<client id>.<client secret>:<encryption key>`). JSON field
// names match case-insensitively, as Go's encoding/json does (ESO sends `organizationID`). Errors are
// Go's http.Error: text/plain, 401 without a token, 400 for a failed login or a failed Bitwarden call
// (the SDK's message), 500 for a body that is not JSON. A machine account sees the secrets of the projects
// it was granted, as Bitwarden's API does. Every request is logged for the tests' request counts.

import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { createHash } from 'node:crypto';
import { makeTestTls, type TestTls } from '../tls-ca.js';

export interface BwSecretSpec {
  key: string;
  value: string;
  /** The project holding it; undefined: a secret of no project (only an organization admin sees it). */
  project?: string;
  note?: string;
}
export interface SeenRequest {
  method: string;
  path: string;
  /** The JSON body as sent. */
  body: string;
  token: string;
  apiUrl: string | undefined;
  identityUrl: string | undefined;
}

/** A UUID derived from `seed` so runs are repeatable. */
export function bwId(seed: string): string {
  const h = createHash('sha256').update(seed).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A machine account access token in Bitwarden's format. */
export function bwAccessToken(seed: string): string {
  const h = createHash('sha256').update(`token:${seed}`).digest('base64url');
  return `0.${bwId(`client:${seed}`)}.${h.slice(0, 30)}:${Buffer.from(h.slice(0, 16)).toString('base64')}`;
}

interface Secret {
  id: string;
  organizationId: string;
  projectId?: string;
  key: string;
  value: string;
  note: string;
}

export class FakeBitwardenSdkServer {
  readonly requests: SeenRequest[] = [];
  private readonly secrets: Secret[] = [];
  /** access token → organization and the project ids it may read. */
  private readonly accounts = new Map<string, { organizationId: string; projects: Set<string> }>();
  /** Holds each answer this long (to observe how many requests a client keeps in flight). */
  delayMs = 0;
  maxInFlight = 0;
  private inFlight = 0;

  private constructor(
    private readonly server: https.Server,
    readonly url: string,
    readonly tls: TestTls,
  ) {}

  static async start(tls: TestTls = makeTestTls()): Promise<FakeBitwardenSdkServer> {
    let self: FakeBitwardenSdkServer | undefined;
    const server = https.createServer({ key: tls.keyPem, cert: tls.certPem }, (req, res) => {
      const s = self!;
      s.inFlight++;
      s.maxInFlight = Math.max(s.maxInFlight, s.inFlight);
      // Counted out when the answer is written (res.end), before the client can have read it: 'finish' and
      // 'close' may come after the client's next request on the kept-alive connection has arrived.
      let open = true;
      const done = () => {
        if (open) s.inFlight--;
        open = false;
      };
      const end = res.end.bind(res) as (...a: unknown[]) => typeof res;
      res.end = ((...a: unknown[]) => {
        done();
        return end(...a);
      }) as typeof res.end;
      res.on('close', done);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        if (s.delayMs > 0) setTimeout(() => s.handle(req, res, body), s.delayMs);
        else s.handle(req, res, body);
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    self = new FakeBitwardenSdkServer(server, `https://127.0.0.1:${(server.address() as AddressInfo).port}`, tls);
    return self;
  }

  /** The CA as a store's caBundle (base64 of the PEM, as ESO's docs show it). */
  get caBundle(): string {
    return Buffer.from(this.tls.caPem).toString('base64');
  }

  /** Adds secrets to an organization; returns their ids in order. */
  addSecrets(organization: string, secrets: BwSecretSpec[]): string[] {
    const organizationId = bwId(`org:${organization}`);
    return secrets.map((x) => {
      const id = bwId(`secret:${organization}:${x.project ?? ''}:${x.key}:${this.secrets.length}`);
      this.secrets.push({ id, organizationId, key: x.key, value: x.value, note: x.note ?? '', ...(x.project !== undefined ? { projectId: bwId(`project:${x.project}`) } : {}) });
      return id;
    });
  }

  /** A machine account of `organization` granted `projects`; returns its access token (`token`, else one made from `seed`). */
  addMachineAccount(seed: string, organization: string, projects: string[], token = bwAccessToken(seed)): string {
    this.accounts.set(token, { organizationId: bwId(`org:${organization}`), projects: new Set(projects.map((p) => bwId(`project:${p}`))) });
    return token;
  }

  resetLog(): void {
    this.requests.length = 0;
    this.maxInFlight = 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private handle(req: import('node:http').IncomingMessage, res: import('node:http').ServerResponse, body: string): void {
    const url = new URL(req.url ?? '/', 'https://x');
    const token = String(req.headers['warden-access-token'] ?? '');
    const header = (n: string) => (req.headers[n] === undefined ? undefined : String(req.headers[n]));
    this.requests.push({ method: req.method ?? '', path: url.pathname, body, token, apiUrl: header('warden-api-url'), identityUrl: header('warden-identity-url') });
    const text = (status: number, msg: string) => {
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
      res.end(`${msg}\n`);
    };
    const json = (v: unknown) => {
      const bytes = Buffer.from(JSON.stringify(v));
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'content-length': bytes.length });
      res.end(bytes);
    };
    if (req.method === 'GET' && url.pathname === '/ready') return text(200, 'ready');
    if (req.method === 'GET' && url.pathname === '/live') return text(200, 'live');
    const route = url.pathname.startsWith('/rest/api/1/') ? url.pathname.slice('/rest/api/1'.length) : undefined;
    if (route === undefined || !['/secret', '/secrets', '/secrets-by-ids'].includes(route)) return text(404, '404 page not found');
    if (req.method !== 'GET') return text(405, 'Method Not Allowed');
    if (token === '') return text(401, 'Missing Warden access token');
    const account = this.accounts.get(token);
    if (!/^0\.[0-9a-f-]{36}\.[A-Za-z0-9_-]+:[A-Za-z0-9+/=]+$/.test(token) || !account) {
      return text(400, 'failed to login to bitwarden using access token: bitwarden login: Received error message from server: [400 Bad Request] {"error":"invalid_client"}');
    }
    let request: Record<string, unknown>;
    try {
      const parsed = JSON.parse(body) as unknown;
      request = parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
    } catch {
      return text(500, 'invalid character looking for beginning of value');
    }
    // encoding/json matches field names case-insensitively.
    const field = (name: string) => Object.entries(request).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
    const visible = (x: Secret) => x.organizationId === account.organizationId && x.projectId !== undefined && account.projects.has(x.projectId);
    const full = (x: Secret) => ({
      creationDate: '2026-01-01T00:00:00Z',
      id: x.id,
      key: x.key,
      note: x.note,
      organizationId: x.organizationId,
      ...(x.projectId !== undefined ? { projectId: x.projectId } : {}),
      revisionDate: '2026-01-01T00:00:00Z',
      value: x.value,
    });
    const notFound = 'Received error message from server: [404 Not Found] {"message":"Resource not found.","validationErrors":null,"exceptionMessage":null,"exceptionStackTrace":null,"innerExceptionMessage":null,"object":"error"}';
    // The SDK reads ids as UUIDs (Rust's uuid: any case, with or without dashes).
    const uuid = (v: unknown) => String(v ?? '').toLowerCase().replace(/-/g, '');
    if (route === '/secret') {
      const id = uuid(field('id'));
      const x = this.secrets.find((y) => uuid(y.id) === id);
      if (!x || !visible(x)) return text(400, `failed to get secret: ${notFound}`);
      return json(full(x));
    }
    if (route === '/secrets-by-ids') {
      const ids = field('ids');
      const want = Array.isArray(ids) ? ids.map(uuid) : [];
      const found = want.map((id) => this.secrets.find((y) => uuid(y.id) === id && visible(y)));
      if (found.some((x) => !x)) return text(400, `failed to get secrets: ${notFound}`);
      return json({ data: found.map((x) => full(x!)) });
    }
    const org = String(field('organizationId') ?? '');
    if (org !== account.organizationId) return text(400, `failed to get secret: ${notFound}`);
    return json({ data: this.secrets.filter(visible).map((x) => ({ id: x.id, organizationId: x.organizationId, key: x.key })) });
  }
}
