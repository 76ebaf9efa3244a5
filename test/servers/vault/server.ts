// A loopback Vault: the parts of Vault's HTTP API (https://developer.hashicorp.com/vault/api-docs) that
// eso-render uses, served on 127.0.0.1 over HTTP or HTTPS. KV v1 and v2 (versions, soft delete, destroy,
// custom metadata, LIST), a database-style dynamic engine with leases, the auth methods token, approle,
// kubernetes, jwt, userpass, ldap and cert, namespaces (X-Vault-Namespace), seal state, policies, and fault
// switches. Every request is recorded so tests can count them.

import http from 'node:http';
import net from 'node:net';
import tls from 'node:tls';
import { X509Certificate, randomBytes, randomUUID } from 'node:crypto';
import { LIST_MARK_HEADER, listVerbRewriter } from './list-verb.js';

/** JSON text kept verbatim in responses (so tests can serve `1.50` or big integers exactly). */
export class RawJson {
  constructor(readonly text: string) {}
}

function toJson(v: unknown): string {
  if (v instanceof RawJson) return v.text;
  if (v === undefined) return 'null';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(toJson).join(',') + ']';
  return '{' + Object.entries(v as Record<string, unknown>).map(([k, x]) => JSON.stringify(k) + ':' + toJson(x)).join(',') + '}';
}

export interface RecordedRequest {
  method: string;
  /** Vault's verb: LIST for both `LIST` and `GET ?list=true`. */
  verb: string;
  /** Logical path after /v1/, without the query. */
  path: string;
  query: Record<string, string>;
  namespace: string;
  token?: string;
  body?: unknown;
  clientCertCN?: string;
  status: number;
  headers: http.IncomingHttpHeaders;
}

interface KvVersion {
  data: string | null; // raw JSON text; null once destroyed
  created: string;
  deleted?: string;
  destroyed: boolean;
}
interface KvEntry {
  v1?: string; // raw JSON text for KV v1
  versions: Map<number, KvVersion>;
  current: number;
  customMetadata: Record<string, string> | null;
  created: string;
  updated: string;
  maxVersions: number;
}
interface KvMount {
  type: 'kv';
  version: 1 | 2;
  entries: Map<string, KvEntry>;
}
interface DbMount {
  type: 'database';
  roles: Map<string, { ttl: number }>;
}
type Mount = KvMount | DbMount;

interface Grant {
  policies: string[];
}
interface AuthMount {
  type: 'approle' | 'kubernetes' | 'jwt' | 'userpass' | 'ldap' | 'cert';
  // approle: role_id -> secret ids; kubernetes/jwt: role -> accepted JWTs; userpass/ldap: user -> password;
  // cert: name -> certificate PEM
  approle: Map<string, Grant & { secretIds: Set<string> }>;
  roles: Map<string, Grant & { jwts: Set<string> }>;
  users: Map<string, Grant & { password: string }>;
  certs: Map<string, Grant & { fingerprint: string }>;
}

export interface TokenInfo {
  namespace: string;
  policies: string[];
  /** Which auth mount issued it (for tests). */
  issuedBy: string;
}

export interface Lease {
  id: string;
  namespace: string;
  path: string;
  ttl: number;
  revoked: boolean;
}

interface Namespace {
  mounts: Map<string, Mount>;
  auth: Map<string, AuthMount>;
}

export interface Fault {
  status: number;
  /** How many matching requests fail (default 1). */
  times?: number;
  /** Only requests whose logical path matches. */
  path?: RegExp;
  /** Add a Retry-After header (seconds). */
  retryAfter?: number;
}

export interface FakeVaultOptions {
  /** Serve HTTPS with this key and certificate. */
  tls?: { keyPem: string; certPem: string; clientCaPem?: string };
}

const now = () => new Date().toISOString();

export class FakeVault {
  readonly requests: RecordedRequest[] = [];
  readonly tokens = new Map<string, TokenInfo>();
  readonly leases: Lease[] = [];
  sealed = false;
  private readonly faults: (Fault & { left: number })[] = [];
  private readonly namespaces = new Map<string, Namespace>();
  private readonly httpServer: http.Server;
  private listener?: net.Server;
  private readonly sockets = new Set<net.Socket>();
  url = '';

  private constructor(private readonly opts: FakeVaultOptions) {
    this.httpServer = http.createServer((req, res) => this.handle(req, res));
    this.ns('');
  }

  static async start(opts: FakeVaultOptions = {}): Promise<FakeVault> {
    const v = new FakeVault(opts);
    await v.listen();
    return v;
  }

  private listen(): Promise<void> {
    const t = this.opts.tls;
    const inject = (socket: net.Socket, peer?: X509Certificate) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      const wrapped = listVerbRewriter(socket) as net.Socket & { fakeVaultPeer?: X509Certificate };
      if (peer) wrapped.fakeVaultPeer = peer;
      this.httpServer.emit('connection', wrapped);
    };
    this.listener = t
      ? tls.createServer(
          { key: t.keyPem, cert: t.certPem, requestCert: true, rejectUnauthorized: false, ...(t.clientCaPem ? { ca: t.clientCaPem } : {}) },
          (s) => {
            const raw = s.getPeerCertificate(false)?.raw;
            inject(s, raw && raw.length ? new X509Certificate(raw) : undefined);
          },
        )
      : net.createServer((s) => inject(s));
    return new Promise((resolve) => {
      this.listener!.listen(0, '127.0.0.1', () => {
        const port = (this.listener!.address() as net.AddressInfo).port;
        this.url = `${t ? 'https' : 'http'}://127.0.0.1:${port}`;
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.listener?.close(() => r()) ?? r());
  }

  // ---- configuration used by tests -------------------------------------------------------------

  private ns(name: string): Namespace {
    let n = this.namespaces.get(name);
    if (!n) {
      n = { mounts: new Map(), auth: new Map() };
      this.namespaces.set(name, n);
    }
    return n;
  }

  mountKv(path: string, version: 1 | 2, namespace = ''): void {
    this.ns(namespace).mounts.set(path.replace(/\/+$/, ''), { type: 'kv', version, entries: new Map() });
  }

  mountDatabase(path: string, roles: Record<string, { ttl?: number }>, namespace = ''): void {
    const m: DbMount = { type: 'database', roles: new Map() };
    for (const [r, o] of Object.entries(roles)) m.roles.set(r, { ttl: o.ttl ?? 3600 });
    this.ns(namespace).mounts.set(path, m);
  }

  /** Write a KV secret (a new version on v2). `data` may be raw JSON text to keep number formatting. */
  put(mountPath: string, key: string, data: Record<string, unknown> | string, namespace = ''): number {
    const mount = this.kvMount(mountPath, namespace);
    const text = typeof data === 'string' ? data : JSON.stringify(data);
    return this.kvWrite(mount, key, text);
  }

  setCustomMetadata(mountPath: string, key: string, md: Record<string, string>, namespace = ''): void {
    const e = this.kvMount(mountPath, namespace).entries.get(key);
    if (!e) throw new Error(`no such secret ${key}`);
    e.customMetadata = md;
  }

  /** Soft-delete (or destroy) one version of a KV v2 secret. */
  deleteVersion(mountPath: string, key: string, version: number, destroy = false, namespace = ''): void {
    const v = this.kvMount(mountPath, namespace).entries.get(key)?.versions.get(version);
    if (!v) throw new Error('no such version');
    if (destroy) {
      v.destroyed = true;
      v.data = null;
    } else v.deleted = now();
  }

  private kvMount(path: string, namespace: string): KvMount {
    const m = this.ns(namespace).mounts.get(path);
    if (!m || m.type !== 'kv') throw new Error(`no kv mount ${path}`);
    return m;
  }

  /** A token with policies (path globs such as `secret/data/*`, or `root`). */
  addToken(token: string, policies: string[] = ['root'], namespace = ''): void {
    this.tokens.set(token, { namespace, policies, issuedBy: 'token' });
  }

  private authMount(path: string, type: AuthMount['type'], namespace: string): AuthMount {
    const n = this.ns(namespace);
    let m = n.auth.get(path);
    if (!m) {
      m = { type, approle: new Map(), roles: new Map(), users: new Map(), certs: new Map() };
      n.auth.set(path, m);
    }
    return m;
  }

  enableAppRole(path: string, roleId: string, secretId: string, policies: string[], namespace = ''): void {
    const m = this.authMount(path, 'approle', namespace);
    const r = m.approle.get(roleId) ?? { policies, secretIds: new Set<string>() };
    r.secretIds.add(secretId);
    m.approle.set(roleId, r);
  }

  /** kubernetes or jwt: the role accepts exactly these tokens (signature checks are Vault's business). */
  enableJwtRole(type: 'kubernetes' | 'jwt', path: string, role: string, jwts: string[], policies: string[], namespace = ''): void {
    this.authMount(path, type, namespace).roles.set(role, { policies, jwts: new Set(jwts) });
  }

  enableUser(type: 'userpass' | 'ldap', path: string, username: string, password: string, policies: string[], namespace = ''): void {
    this.authMount(path, type, namespace).users.set(username, { password, policies });
  }

  enableCert(path: string, name: string, certPem: string, policies: string[], namespace = ''): void {
    this.authMount(path, 'cert', namespace).certs.set(name, { policies, fingerprint: new X509Certificate(certPem).fingerprint256 });
  }

  /** Make the next matching request(s) fail with `status`. */
  fail(f: Fault): void {
    this.faults.push({ ...f, left: f.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Recorded requests, optionally filtered. */
  count(filter: (r: RecordedRequest) => boolean = () => true): number {
    return this.requests.filter(filter).length;
  }

  resetLog(): void {
    this.requests.length = 0;
  }

  // ---- HTTP ---------------------------------------------------------------------------------------

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const query = Object.fromEntries(url.searchParams);
      const listed = req.headers[LIST_MARK_HEADER] === 'LIST' || (req.method === 'GET' && ['true', '1'].includes(query.list ?? ''));
      const verb = listed ? 'LIST' : (req.method ?? 'GET');
      const path = decodeURIComponent(url.pathname.replace(/^\/v1\//, ''));
      let body: unknown;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text) {
        try {
          body = JSON.parse(text);
        } catch {
          body = undefined;
        }
      }
      const token = typeof req.headers['x-vault-token'] === 'string' ? req.headers['x-vault-token'] : undefined;
      const namespace = (typeof req.headers['x-vault-namespace'] === 'string' ? req.headers['x-vault-namespace'] : '').replace(/^\/+|\/+$/g, '');
      const peer = (req.socket as net.Socket & { fakeVaultPeer?: X509Certificate }).fakeVaultPeer;
      const rec: RecordedRequest = {
        method: req.method ?? '',
        verb,
        path,
        query,
        namespace,
        ...(token ? { token } : {}),
        ...(body !== undefined ? { body } : {}),
        ...(peer ? { clientCertCN: /CN=([^\n,]+)/.exec(peer.subject)?.[1] ?? '' } : {}),
        status: 0,
        headers: req.headers,
      };
      this.requests.push(rec);
      const send = (status: number, payload?: unknown, extra: Record<string, string> = {}) => {
        rec.status = status;
        if (payload === undefined) {
          res.writeHead(status, extra);
          res.end();
          return;
        }
        const out = toJson(payload);
        res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(out), ...extra });
        res.end(out);
      };
      const error = (status: number, ...errors: string[]) => send(status, { errors });
      try {
        this.route({ verb, path, query, namespace, token, body, peer }, send, error);
      } catch (e) {
        error(500, `internal error: ${(e as Error).message}`);
      }
    });
  }

  private route(
    r: { verb: string; path: string; query: Record<string, string>; namespace: string; token?: string; body: unknown; peer?: X509Certificate },
    send: (status: number, payload?: unknown, extra?: Record<string, string>) => void,
    error: (status: number, ...errors: string[]) => void,
  ): void {
    const fault = this.faults.find((f) => f.left > 0 && (!f.path || f.path.test(r.path)));
    if (fault) {
      fault.left--;
      return send(fault.status, { errors: [fault.status === 429 ? 'rate limit quota exceeded' : 'injected fault'] },
        fault.retryAfter !== undefined ? { 'Retry-After': String(fault.retryAfter) } : {});
    }
    if (r.path === 'sys/health') return send(this.sealed ? 503 : 200, { initialized: true, sealed: this.sealed, standby: false });
    if (r.path === 'sys/seal-status') return send(200, { type: 'shamir', initialized: true, sealed: this.sealed });
    if (this.sealed) return error(503, 'Vault is sealed');
    const ns = this.namespaces.get(r.namespace);
    if (!ns) return error(403, 'permission denied'); // an unknown namespace looks like a denial, as in Vault

    if (r.path.startsWith('auth/') && !r.path.startsWith('auth/token/')) return this.login(r, send, error);

    const info = r.token ? this.tokens.get(r.token) : undefined;
    // A token works in its own namespace and in the ones below it.
    if (!info || !(info.namespace === '' || r.namespace === info.namespace || r.namespace.startsWith(info.namespace + '/'))) {
      return error(403, 'permission denied');
    }
    if (r.path === 'auth/token/lookup-self') {
      return send(200, this.envelope({ data: { policies: info.policies, ttl: 3600, type: 'service', expire_time: null, namespace_path: r.namespace } }));
    }
    if (!this.allowed(info, r.path)) return error(403, 'permission denied');
    if (r.path.startsWith('sys/leases/')) return this.leaseApi(r, send, error);

    const [mountPath, mount] = this.findMount(ns, r.path);
    if (!mount) return error(404, `no handler for route "${r.path}". route entry not found.`);
    const rest = r.path.slice(mountPath.length).replace(/^\/+/, '');
    if (mount.type === 'database') return this.database(mountPath, mount, rest, r, send, error);
    if (mount.version === 1) return this.kv1(mount, rest, r, send, error);
    return this.kv2(mount, rest, r, send, error);
  }

  private allowed(info: TokenInfo, path: string): boolean {
    return info.policies.some((p) => {
      if (p === 'root') return true;
      const re = new RegExp('^' + p.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
      return re.test(path) || re.test(path.replace(/\/$/, ''));
    });
  }

  private findMount(ns: Namespace, path: string): [string, Mount | undefined] {
    let best: [string, Mount | undefined] = ['', undefined];
    for (const [p, m] of ns.mounts) {
      if ((path === p || path.startsWith(p + '/')) && p.length > best[0].length) best = [p, m];
    }
    return best;
  }

  private envelope(x: { data?: unknown; lease_id?: string; lease_duration?: number; renewable?: boolean; auth?: unknown; mount_type?: string }) {
    return {
      request_id: randomUUID(),
      lease_id: x.lease_id ?? '',
      renewable: x.renewable ?? false,
      lease_duration: x.lease_duration ?? 0,
      data: x.data ?? null,
      wrap_info: null,
      warnings: null,
      auth: x.auth ?? null,
      mount_type: x.mount_type ?? '',
    };
  }

  // ---- auth ---------------------------------------------------------------------------------------

  private login(
    r: { verb: string; path: string; namespace: string; body: unknown; peer?: X509Certificate },
    send: (status: number, payload?: unknown) => void,
    error: (status: number, ...errors: string[]) => void,
  ): void {
    const ns = this.ns(r.namespace);
    const rest = r.path.slice('auth/'.length);
    let mountPath = '';
    for (const p of ns.auth.keys()) if (rest.startsWith(p + '/') && p.length > mountPath.length) mountPath = p;
    if (!mountPath) return error(403, 'permission denied');
    const m = ns.auth.get(mountPath)!;
    const op = rest.slice(mountPath.length + 1);
    if (r.verb !== 'POST' && r.verb !== 'PUT') return error(405, 'unsupported operation');
    const b = (r.body ?? {}) as Record<string, unknown>;
    const issue = (policies: string[], metadata: Record<string, string>) => {
      const token = 'hvs.' + randomBytes(12).toString('base64url');
      this.tokens.set(token, { namespace: r.namespace, policies, issuedBy: `${m.type}:${mountPath}` });
      send(200, this.envelope({
        auth: {
          client_token: token,
          accessor: randomBytes(8).toString('hex'),
          policies: ['default', ...policies],
          token_policies: ['default', ...policies],
          metadata,
          lease_duration: 3600,
          renewable: true,
          entity_id: randomUUID(),
          token_type: 'service',
          orphan: true,
          mfa_requirement: null,
          num_uses: 0,
        },
      }));
    };
    switch (m.type) {
      case 'approle': {
        if (op !== 'login') return error(405, 'unsupported path');
        const role = m.approle.get(String(b.role_id ?? ''));
        if (!role || !role.secretIds.has(String(b.secret_id ?? ''))) return error(400, 'invalid role or secret ID');
        return issue(role.policies, { role_name: 'app' });
      }
      case 'kubernetes':
      case 'jwt': {
        if (op !== 'login') return error(405, 'unsupported path');
        const role = m.roles.get(String(b.role ?? ''));
        if (!role) return error(400, `role "${String(b.role ?? '')}" could not be found`);
        if (!role.jwts.has(String(b.jwt ?? ''))) return m.type === 'kubernetes' ? error(403, 'permission denied') : error(400, 'error validating token: invalid token');
        return issue(role.policies, { role: String(b.role) });
      }
      case 'userpass':
      case 'ldap': {
        const user = /^login\/(.+)$/.exec(op)?.[1];
        const u = user ? m.users.get(user) : undefined;
        if (!u || u.password !== String(b.password ?? '')) return error(400, m.type === 'ldap' ? 'ldap operation failed: failed to bind as user' : 'invalid username or password');
        return issue(u.policies, { username: user! });
      }
      case 'cert': {
        if (op !== 'login') return error(405, 'unsupported path');
        if (!r.peer) return error(400, 'client certificate must be supplied');
        const name = typeof b.name === 'string' ? b.name : undefined;
        const match = [...m.certs].find(([n, c]) => (!name || n === name) && c.fingerprint === r.peer!.fingerprint256);
        if (!match) return error(400, 'invalid certificate or no client certificate supplied');
        return issue(match[1].policies, { cert_name: match[0] });
      }
    }
  }

  // ---- leases -------------------------------------------------------------------------------------

  private leaseApi(
    r: { verb: string; path: string; body: unknown },
    send: (status: number, payload?: unknown) => void,
    error: (status: number, ...errors: string[]) => void,
  ): void {
    const id = String((r.body as Record<string, unknown> | undefined)?.lease_id ?? '');
    const lease = this.leases.find((l) => l.id === id && !l.revoked);
    if (r.path === 'sys/leases/lookup') {
      if (!lease) return error(400, 'invalid lease');
      return send(200, this.envelope({ data: { id: lease.id, ttl: lease.ttl, renewable: true } }));
    }
    if (r.path === 'sys/leases/revoke') {
      if (lease) lease.revoked = true;
      return send(204);
    }
    if (r.path === 'sys/leases/renew') {
      if (!lease) return error(400, 'lease not found');
      return send(200, { lease_id: lease.id, renewable: true, lease_duration: lease.ttl });
    }
    return error(404, 'unsupported path');
  }

  // ---- database-style dynamic engine --------------------------------------------------------------

  private database(
    mountPath: string,
    m: DbMount,
    rest: string,
    r: { verb: string; namespace: string },
    send: (status: number, payload?: unknown) => void,
    error: (status: number, ...errors: string[]) => void,
  ): void {
    const role = /^creds\/([^/]+)$/.exec(rest)?.[1];
    if (!role || !['GET', 'POST', 'PUT'].includes(r.verb)) return error(405, 'unsupported operation');
    const cfg = m.roles.get(role);
    if (!cfg) return error(400, `unknown role: ${role}`);
    const id = `${mountPath}/creds/${role}/${randomBytes(12).toString('base64url')}`;
    this.leases.push({ id, namespace: r.namespace, path: `${mountPath}/creds/${role}`, ttl: cfg.ttl, revoked: false });
    send(200, this.envelope({
      lease_id: id,
      lease_duration: cfg.ttl,
      renewable: true,
      data: { username: `v-${role}-${randomBytes(5).toString('hex')}`, password: randomBytes(15).toString('base64url') },
      mount_type: 'database',
    }));
  }

  // ---- KV v1 -------------------------------------------------------------------------------------

  private kv1(
    m: KvMount,
    rest: string,
    r: { verb: string; body: unknown },
    send: (status: number, payload?: unknown) => void,
    error: (status: number, ...errors: string[]) => void,
  ): void {
    const key = rest.replace(/\/+$/, '');
    if (r.verb === 'LIST') {
      const keys = this.children(m, key);
      return keys.length ? send(200, this.envelope({ data: { keys } })) : error(404);
    }
    if (r.verb === 'GET') {
      const e = m.entries.get(key);
      if (!e?.v1) return error(404);
      return send(200, this.envelope({ data: new RawJson(e.v1), lease_duration: 2764800, mount_type: 'kv' }));
    }
    if (r.verb === 'POST' || r.verb === 'PUT') {
      this.kvWrite(m, key, JSON.stringify(r.body ?? {}));
      return send(204);
    }
    if (r.verb === 'DELETE') {
      m.entries.delete(key);
      return send(204);
    }
    return error(405, 'unsupported operation');
  }

  private kvWrite(m: KvMount, key: string, text: string): number {
    const t = now();
    let e = m.entries.get(key);
    if (!e) {
      e = { versions: new Map(), current: 0, customMetadata: null, created: t, updated: t, maxVersions: 0 };
      m.entries.set(key, e);
    }
    e.updated = t;
    if (m.version === 1) {
      e.v1 = text;
      return 0;
    }
    e.current += 1;
    e.versions.set(e.current, { data: text, created: t, destroyed: false });
    return e.current;
  }

  /** Direct children of `prefix` (folders end in `/`), sorted as Vault sorts them. */
  private children(m: KvMount, prefix: string): string[] {
    const p = prefix === '' ? '' : prefix + '/';
    const out = new Set<string>();
    for (const [k, e] of m.entries) {
      if (m.version === 2 && e.versions.size === 0) continue;
      if (m.version === 1 && e.v1 === undefined) continue;
      if (!k.startsWith(p)) continue;
      const tail = k.slice(p.length);
      const slash = tail.indexOf('/');
      out.add(slash < 0 ? tail : tail.slice(0, slash + 1));
    }
    return [...out].sort();
  }

  // ---- KV v2 -------------------------------------------------------------------------------------

  private kv2(
    m: KvMount,
    rest: string,
    r: { verb: string; query: Record<string, string>; body: unknown },
    send: (status: number, payload?: unknown) => void,
    error: (status: number, ...errors: string[]) => void,
  ): void {
    const slash = rest.indexOf('/');
    const op = slash < 0 ? rest : rest.slice(0, slash);
    const key = slash < 0 ? '' : rest.slice(slash + 1).replace(/\/+$/, '');
    const body = (r.body ?? {}) as Record<string, unknown>;
    const e = m.entries.get(key);
    const versionMeta = (n: number, v: KvVersion) => ({
      created_time: v.created,
      custom_metadata: e?.customMetadata ?? null,
      deletion_time: v.deleted ?? '',
      destroyed: v.destroyed,
      version: n,
    });
    if (op === 'data') {
      if (r.verb === 'GET') {
        if (!e || e.versions.size === 0) return error(404);
        const n = r.query.version && r.query.version !== '0' ? Number(r.query.version) : e.current;
        const v = e.versions.get(n);
        if (!v) return error(404);
        if (v.deleted || v.destroyed) {
          // Vault answers 404 but still returns the version's metadata, with data null.
          return send(404, this.envelope({ data: { data: null, metadata: versionMeta(n, v) }, mount_type: 'kv' }));
        }
        return send(200, this.envelope({ data: { data: new RawJson(v.data!), metadata: versionMeta(n, v) }, mount_type: 'kv' }));
      }
      if (r.verb === 'POST' || r.verb === 'PUT') {
        const n = this.kvWrite(m, key, JSON.stringify(body.data ?? {}));
        const v = m.entries.get(key)!.versions.get(n)!;
        return send(200, this.envelope({ data: versionMeta(n, v) }));
      }
      if (r.verb === 'DELETE') {
        const v = e?.versions.get(e.current);
        if (v) v.deleted = now();
        return send(204);
      }
      return error(405, 'unsupported operation');
    }
    if (op === 'metadata') {
      if (r.verb === 'LIST') {
        const keys = this.children(m, key);
        return keys.length ? send(200, this.envelope({ data: { keys } })) : error(404);
      }
      if (r.verb === 'GET') {
        if (!e || e.versions.size === 0) return error(404);
        const versions: Record<string, unknown> = {};
        for (const [n, v] of e.versions) versions[String(n)] = { created_time: v.created, deletion_time: v.deleted ?? '', destroyed: v.destroyed };
        return send(200, this.envelope({
          data: {
            cas_required: false,
            created_time: e.created,
            current_version: e.current,
            custom_metadata: e.customMetadata,
            delete_version_after: '0s',
            max_versions: e.maxVersions,
            oldest_version: Math.min(...e.versions.keys()),
            updated_time: e.updated,
            versions,
          },
        }));
      }
      if (r.verb === 'POST' || r.verb === 'PUT') {
        if (!e) this.kvWrite(m, key, '{}');
        const entry = m.entries.get(key)!;
        if (body.custom_metadata && typeof body.custom_metadata === 'object') entry.customMetadata = body.custom_metadata as Record<string, string>;
        return send(204);
      }
      if (r.verb === 'DELETE') {
        m.entries.delete(key);
        return send(204);
      }
      return error(405, 'unsupported operation');
    }
    if ((op === 'delete' || op === 'undelete' || op === 'destroy') && (r.verb === 'POST' || r.verb === 'PUT')) {
      const list = Array.isArray(body.versions) ? (body.versions as number[]) : [];
      for (const n of list) {
        const v = e?.versions.get(Number(n));
        if (!v) continue;
        if (op === 'delete') v.deleted = now();
        else if (op === 'undelete') delete v.deleted;
        else {
          v.destroyed = true;
          v.data = null;
        }
      }
      return send(204);
    }
    return error(404, `no handler for route "${op}"`);
  }
}
