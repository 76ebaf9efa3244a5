// A loopback HTTP(S) service for the webhook provider: a generic JSON API. Routes are `METHOD /path`
// (the path without the query) answered with a status, a body and headers; a route may be a function of
// the request. Every request is recorded (method, path, query, headers, body) for request counts and
// assertions on what was sent; the in-flight high-water mark shows a concurrency bound. Unknown routes
// are 404 with a JSON body. TLS uses a certificate from test/servers/tls-ca.ts.

import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TestTls } from '../tls-ca.js';

export interface SeenRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** The raw request target (path and query as sent). */
  target: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Answer {
  status?: number;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Milliseconds to wait before answering. */
  delayMs?: number;
}

type Route = Answer | ((req: SeenRequest) => Answer);

export class FakeWebhook {
  readonly requests: SeenRequest[] = [];
  private readonly routes = new Map<string, Route>();
  private inFlight = 0;
  maxInFlight = 0;

  private constructor(
    private readonly server: http.Server,
    readonly url: string,
  ) {}

  static async start(tls?: TestTls): Promise<FakeWebhook> {
    let self: FakeWebhook | undefined;
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => self!.handle(req, res);
    const server = tls ? https.createServer({ key: tls.keyPem, cert: tls.certPem }, handler) : http.createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    self = new FakeWebhook(server, `${tls ? 'https' : 'http'}://127.0.0.1:${port}`);
    return self;
  }

  /** Answers `METHOD /path` with a JSON value (objects are JSON-encoded), an Answer, or a function. */
  route(method: string, path: string, answer: Route | unknown): void {
    const r: Route =
      typeof answer === 'function' ? (answer as Route)
      : typeof answer === 'object' && answer !== null && ('status' in answer || 'body' in answer) ? (answer as Answer)
      : { body: JSON.stringify(answer) };
    this.routes.set(`${method} ${path}`, r);
  }

  reset(): void {
    this.requests.length = 0;
    this.routes.clear();
    this.maxInFlight = 0;
  }

  count(method?: string, path?: string): number {
    return this.requests.filter((r) => (method === undefined || r.method === method) && (path === undefined || r.path === path)).length;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const seen: SeenRequest = {
        method: req.method ?? '',
        path: u.pathname,
        query: Object.fromEntries(u.searchParams),
        target: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      this.requests.push(seen);
      const route = this.routes.get(`${seen.method} ${seen.path}`);
      const a: Answer = route === undefined ? { status: 404, body: '{"error":"no such route"}' } : typeof route === 'function' ? route(seen) : route;
      const send = () => {
        const body = a.body ?? '';
        res.writeHead(a.status ?? 200, { 'content-type': 'application/json', ...(a.headers ?? {}) });
        this.inFlight--;
        res.end(body);
      };
      if (a.delayMs) setTimeout(send, a.delayMs);
      else send();
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}
