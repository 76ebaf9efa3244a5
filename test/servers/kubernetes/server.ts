// A loopback Kubernetes API server: the Secret reads of the core/v1 API
// (https://kubernetes.io/docs/reference/kubernetes-api/config-and-storage-resources/secret-v1/):
// `GET /api/v1/namespaces/{namespace}/secrets/{name}` and `GET /api/v1/namespaces/{namespace}/secrets`
// with `labelSelector` (equality terms `k=v`, comma-separated), answering Secret and SecretList objects
// and, on error, a `Status` with the API server's messages (NotFound, Forbidden, Unauthorized).
// Authentication by bearer token or by TLS client certificate (CN = user); each user may read the
// namespaces it is granted. HTTPS with a test CA (or HTTP). Every request is recorded for counting.

import http from 'node:http';
import https from 'node:https';
import type net from 'node:net';
import type tls from 'node:tls';

export interface KubeRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  user?: string;
  status: number;
  authorization?: string;
}

interface StoredSecret {
  data: Record<string, Buffer>;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface KubeApiOptions {
  tls?: { keyPem: string; certPem: string; clientCaPem?: string };
}

export class FakeKubeApi {
  readonly requests: KubeRequest[] = [];
  private readonly secrets = new Map<string, Map<string, StoredSecret>>();
  private readonly tokens = new Map<string, string>();
  private readonly grants = new Map<string, Set<string>>();
  private readonly sockets = new Set<net.Socket>();
  private server!: http.Server;
  url = '';

  static async start(opts: KubeApiOptions = {}): Promise<FakeKubeApi> {
    const k = new FakeKubeApi();
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => k.handle(req, res);
    k.server = opts.tls
      ? https.createServer({ key: opts.tls.keyPem, cert: opts.tls.certPem, requestCert: true, rejectUnauthorized: false, ...(opts.tls.clientCaPem ? { ca: opts.tls.clientCaPem } : {}) }, handler)
      : http.createServer(handler);
    k.server.on('connection', (s: net.Socket) => {
      k.sockets.add(s);
      s.on('close', () => k.sockets.delete(s));
    });
    await new Promise<void>((r) => k.server.listen(0, '127.0.0.1', r));
    const port = (k.server.address() as net.AddressInfo).port;
    k.url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
    return k;
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }

  put(namespace: string, name: string, data: Record<string, string | Buffer>, meta: { labels?: Record<string, string>; annotations?: Record<string, string> } = {}): void {
    let ns = this.secrets.get(namespace);
    if (!ns) this.secrets.set(namespace, (ns = new Map()));
    const bytes = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.isBuffer(v) ? v : Buffer.from(v, 'utf8')]));
    ns.set(name, { data: bytes, ...meta });
  }

  /** A bearer token for `user`, who may read Secrets in `namespaces`. */
  addToken(token: string, user: string, namespaces: string[]): void {
    this.tokens.set(token, user);
    this.grant(user, namespaces);
  }

  /** Lets `user` (a token's user, or a client certificate's CN) read Secrets in `namespaces`. */
  grant(user: string, namespaces: string[]): void {
    this.grants.set(user, new Set(namespaces));
  }

  resetLog(): void {
    this.requests.length = 0;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const query = Object.fromEntries(url.searchParams);
    const rec: KubeRequest = { method: req.method ?? '', path: url.pathname, query, status: 0, ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) };
    this.requests.push(rec);
    const send = (status: number, body: unknown) => {
      rec.status = status;
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const status = (code: number, reason: string, message: string, details?: Record<string, string>) =>
      send(code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code });

    let user: string | undefined;
    const auth = req.headers.authorization;
    if (auth?.startsWith('Bearer ')) user = this.tokens.get(auth.slice(7));
    else {
      const peer = (req.socket as tls.TLSSocket).getPeerCertificate?.();
      if (peer && peer.subject && (req.socket as tls.TLSSocket).authorized) user = peer.subject.CN as string;
    }
    if (!user) return status(401, 'Unauthorized', 'Unauthorized');
    rec.user = user;
    if (req.method !== 'GET') return status(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/secrets(?:\/([^/]+))?$/.exec(url.pathname);
    if (!m) return status(404, 'NotFound', 'the server could not find the requested resource');
    const ns = decodeURIComponent(m[1]!);
    const name = m[2] !== undefined ? decodeURIComponent(m[2]) : undefined;
    const verb = name === undefined ? 'list' : 'get';
    if (!this.grants.get(user)?.has(ns)) {
      return status(403, 'Forbidden', `secrets${name ? ` "${name}"` : ''} is forbidden: User "${user}" cannot ${verb} resource "secrets" in API group "" in the namespace "${ns}"`, { ...(name ? { name } : {}), kind: 'secrets' });
    }
    const store = this.secrets.get(ns) ?? new Map<string, StoredSecret>();
    const object = (n: string, s: StoredSecret) => ({
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: n, namespace: ns, ...(s.labels ? { labels: s.labels } : {}), ...(s.annotations ? { annotations: s.annotations } : {}) },
      data: Object.fromEntries(Object.entries(s.data).map(([k, v]) => [k, v.toString('base64')])),
      type: 'Opaque',
    });
    if (name !== undefined) {
      const s = store.get(name);
      if (!s) return status(404, 'NotFound', `secrets "${name}" not found`, { name, kind: 'secrets' });
      return send(200, object(name, s));
    }
    const terms = (query.labelSelector ?? '').split(',').filter((t) => t !== '').map((t) => t.split('=') as [string, string]);
    const items = [...store.entries()]
      .filter(([, s]) => terms.every(([k, v]) => s.labels?.[k] === v))
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([n, s]) => object(n, s));
    return send(200, { kind: 'SecretList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items });
  }
}
