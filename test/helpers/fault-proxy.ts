// A loopback proxy that injects the faults a real network and a real backend produce: error statuses,
// throttling, connection resets, requests never answered, bodies dribbled past the deadline, malformed
// bodies. Two flavours:
//  - HTTP (optionally terminating TLS): per request, the plan picks a fault or forwards to the backend.
//  - TCP: per connection, for protocols the HTTP flavour cannot read (gRPC over HTTP/2).
// Only 127.0.0.1; every socket and timer is dropped by stop().

import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';

export type Fault =
  /** Answer with this status (and body) instead of the backend. */
  | { kind: 'status'; status: number; headers?: Record<string, string>; body?: string }
  /** Forward, send the headers and half the body, then destroy the socket. */
  | { kind: 'reset' }
  /** Read the request and never answer. */
  | { kind: 'hang' }
  /** Forward, then dribble the real answer `chunk` bytes every `everyMs` (default 1 byte / 250 ms). */
  | { kind: 'slow'; chunk?: number; everyMs?: number }
  /** The backend's status and headers with its body cut in half (a well-framed response, broken JSON). */
  | { kind: 'truncated' }
  /** A load balancer's HTML error page. */
  | { kind: 'html'; status?: number };

export const faults = {
  http500: (): Fault => ({ kind: 'status', status: 500, headers: { 'content-type': 'application/json' }, body: '{"errors":["backend failure"]}' }),
  http502: (): Fault => ({ kind: 'status', status: 502, headers: { 'content-type': 'text/plain' }, body: 'bad gateway' }),
  http503: (): Fault => ({ kind: 'status', status: 503, headers: { 'content-type': 'application/json' }, body: '{"errors":["service unavailable"]}' }),
  tooMany: (retryAfterSeconds = 1): Fault => ({
    kind: 'status',
    status: 429,
    headers: { 'content-type': 'application/json', 'retry-after': String(retryAfterSeconds) },
    body: '{"errors":["rate limit exceeded"]}',
  }),
  /** What AWS JSON-protocol services send when a caller is throttled. */
  awsThrottling: (): Fault => ({
    kind: 'status',
    status: 400,
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'ThrottlingException:' },
    body: JSON.stringify({ __type: 'ThrottlingException', Message: 'Rate exceeded' }),
  }),
  reset: (): Fault => ({ kind: 'reset' }),
  hang: (): Fault => ({ kind: 'hang' }),
  slow: (): Fault => ({ kind: 'slow' }),
  truncated: (): Fault => ({ kind: 'truncated' }),
  html: (status = 502): Fault => ({ kind: 'html', status }),
};

export interface SeenRequest {
  /** 1-based, in arrival order. */
  n: number;
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface ProxyLogEntry {
  n: number;
  method: string;
  url: string;
  /** When the request had been read (Date.now()). */
  at: number;
  fault?: Fault['kind'];
  /** The Retry-After header the fault answered with, if any. */
  retryAfter?: string;
  /** What tells one request from another on the same URL (AWS: the operation and its body). */
  identity: string;
}

export type Plan = (req: SeenRequest) => Fault | undefined;

/** The first `n` requests get `fault`, the rest go through. */
export const firstN = (n: number, fault: () => Fault): Plan => (req) => (req.n <= n ? fault() : undefined);
/** Every request gets `fault`. */
export const always = (fault: () => Fault): Plan => () => fault();

export interface FaultProxyOptions {
  /** http(s)://127.0.0.1:<port> of the backend. */
  upstream: string;
  plan?: Plan;
  /** Serve HTTPS with this key and certificate (the backend's own test certificate, for a TLS client). */
  tls?: { keyPem: string; certPem: string };
  /** Trust this CA and check this name when the backend is HTTPS. */
  upstreamCa?: string;
  upstreamServername?: string;
  /** Hold each answer this long (ms) before sending it: random delays reorder concurrent responses. */
  delayMs?: (req: SeenRequest) => number;
}

export interface FaultProxy {
  url: string;
  port: number;
  log: ProxyLogEntry[];
  plan: Plan | undefined;
  /** Requests that got a fault. */
  faulted(): number;
  stop(): Promise<void>;
}

const HOP = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'proxy-connection', 'upgrade']);
const HTML = '<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>\n';

interface Upstream {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    stream.on('data', (d: Buffer) => parts.push(d));
    stream.on('end', () => resolve(Buffer.concat(parts)));
    stream.on('error', reject);
  });
}

export async function startFaultProxy(o: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(o.upstream);
  if (target.hostname !== '127.0.0.1') throw new Error('the fault proxy forwards to 127.0.0.1 only');
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let count = 0;

  const forward = (req: http.IncomingMessage, body: Buffer): Promise<Upstream> =>
    new Promise((resolve, reject) => {
      const headers: Record<string, string | string[]> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined && !HOP.has(k)) headers[k] = v;
      headers['host'] = req.headers.host ?? target.host;
      headers['content-length'] = String(body.length);
      const lib = target.protocol === 'https:' ? https : http;
      const up = lib.request(
        {
          host: '127.0.0.1',
          port: target.port,
          method: req.method,
          path: req.url,
          headers,
          agent: false,
          ...(target.protocol === 'https:' ? { ca: o.upstreamCa, servername: o.upstreamServername } : {}),
        },
        async (res) => {
          try {
            const data = await readAll(res);
            const out: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined && !HOP.has(k)) out[k] = Array.isArray(v) ? v.join(', ') : v;
            resolve({ status: res.statusCode ?? 502, headers: out, body: data });
          } catch (e) {
            reject(e);
          }
        },
      );
      up.on('error', reject);
      up.end(body);
    });

  const handler = async (req: http.IncomingMessage, res: http.ServerResponse) => {
    const body = await readAll(req);
    const n = ++count;
    const seen: SeenRequest = { n, method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: body.toString('utf8') };
    const fault = proxy.plan?.(seen);
    const retryAfter = fault?.kind === 'status' ? fault.headers?.['retry-after'] : undefined;
    // The body by digest only: it may hold a credential (a login), which test output must not show.
    const identity = `${seen.method} ${seen.url} ${String(req.headers['x-amz-target'] ?? '')} body#${createHash('sha256').update(body).digest('hex').slice(0, 12)}`;
    proxy.log.push({ n, method: seen.method, url: seen.url, at: Date.now(), identity, ...(fault ? { fault: fault.kind } : {}), ...(retryAfter ? { retryAfter } : {}) });
    try {
      if (fault?.kind === 'hang') return; // the socket stays open until the client gives up or stop()
      if (fault?.kind === 'status') {
        res.writeHead(fault.status, fault.headers ?? {}).end(fault.body ?? '');
        return;
      }
      if (fault?.kind === 'html') {
        res.writeHead(fault.status ?? 502, { 'content-type': 'text/html' }).end(HTML);
        return;
      }
      const up = await forward(req, body);
      const hold = o.delayMs?.(seen) ?? 0;
      if (hold > 0) await new Promise<void>((r) => timers.add(setTimeout(r, hold)));
      if (!fault) {
        res.writeHead(up.status, { ...up.headers, 'content-length': String(up.body.length) }).end(up.body);
        return;
      }
      if (fault.kind === 'truncated') {
        const cut = up.body.subarray(0, Math.floor(up.body.length / 2));
        res.writeHead(up.status, { ...up.headers, 'content-length': String(cut.length) }).end(cut);
        return;
      }
      if (fault.kind === 'reset') {
        res.writeHead(up.status, { ...up.headers, 'content-length': String(up.body.length) });
        res.write(up.body.subarray(0, Math.floor(up.body.length / 2)), () => res.socket?.destroy());
        return;
      }
      // slow: the real answer, a few bytes at a time; ends when the body is out or the client leaves.
      res.writeHead(up.status, { ...up.headers, 'content-length': String(up.body.length) });
      const chunk = fault.chunk ?? 1;
      let at = 0;
      const tick = setInterval(() => {
        if (res.destroyed || at >= up.body.length) {
          clearInterval(tick);
          timers.delete(tick);
          if (!res.destroyed) res.end();
          return;
        }
        res.write(up.body.subarray(at, at + chunk));
        at += chunk;
      }, fault.everyMs ?? 250);
      timers.add(tick);
    } catch {
      if (!res.headersSent) res.writeHead(599).end();
      else res.destroy();
    }
  };

  const server = o.tls ? https.createServer({ key: o.tls.keyPem, cert: o.tls.certPem }, handler) : http.createServer(handler);
  server.on(o.tls ? 'secureConnection' : 'connection', (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_e, s) => s.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  const proxy: FaultProxy = {
    url: `${o.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    log: [],
    plan: o.plan,
    faulted: () => proxy.log.filter((l) => l.fault).length,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return proxy;
}

// ---- TCP flavour ------------------------------------------------------------------------------------

export type TcpFault =
  /** Accept, let the client send, then destroy the connection before any answer. */
  | 'reset'
  /** Accept and never answer (nothing is forwarded). */
  | 'hang'
  /** Forward, but the backend's bytes reach the client one small chunk every 250 ms. */
  | 'slow'
  /** Answer whatever arrives with an HTTP/1.1 HTML error page, as a misconfigured load balancer would. */
  | 'html';

export interface TcpFaultProxy {
  /** 127.0.0.1:<port> */
  endpoint: string;
  port: number;
  /** Faults given, by connection. */
  log: (TcpFault | 'pass')[];
  plan: ((connection: number) => TcpFault | undefined) | undefined;
  stop(): Promise<void>;
}

export async function startTcpFaultProxy(upstreamPort: number, plan?: (connection: number) => TcpFault | undefined): Promise<TcpFaultProxy> {
  const sockets = new Set<net.Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let count = 0;
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  };
  const server = net.createServer((client) => {
    track(client);
    const fault = proxy.plan?.(++count);
    proxy.log.push(fault ?? 'pass');
    if (fault === 'hang') {
      client.resume();
      return;
    }
    if (fault === 'reset') {
      client.once('data', () => client.resetAndDestroy());
      return;
    }
    if (fault === 'html') {
      client.once('data', () => client.end(`HTTP/1.1 502 Bad Gateway\r\ncontent-type: text/html\r\ncontent-length: ${Buffer.byteLength(HTML)}\r\nconnection: close\r\n\r\n${HTML}`));
      return;
    }
    const up = net.connect(upstreamPort, '127.0.0.1');
    track(up);
    client.on('close', () => up.destroy());
    up.on('close', () => client.destroy());
    client.pipe(up);
    if (fault !== 'slow') {
      up.pipe(client);
      return;
    }
    const queue: Buffer[] = [];
    up.on('data', (d: Buffer) => queue.push(d));
    const tick = setInterval(() => {
      if (client.destroyed) {
        clearInterval(tick);
        timers.delete(tick);
        return;
      }
      const head = queue[0];
      if (!head) return;
      client.write(head.subarray(0, 8));
      if (head.length <= 8) queue.shift();
      else queue[0] = head.subarray(8);
    }, 250);
    timers.add(tick);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  const proxy: TcpFaultProxy = {
    endpoint: `127.0.0.1:${port}`,
    port,
    log: [],
    plan,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearInterval(t);
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  return proxy;
}
