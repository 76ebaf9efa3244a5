// A loopback HTTP(S) proxy that holds every request for a fixed delay before forwarding it: a backend
// 20 ms away, as the backend-efficiency scenario needs. It counts the requests it forwards, by path.
// Listens on 127.0.0.1 only.

import http from 'node:http';
import https from 'node:https';

/**
 * upstream: base URL of the real (loopback) server. tls: { keyPem, certPem } to listen with HTTPS.
 * upstreamTls: { ca, servername } when the upstream is HTTPS with a private CA.
 */
export async function startLatencyProxy({ upstream, delayMs, tls, upstreamTls }) {
  const target = new URL(upstream);
  const client = target.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true, maxSockets: 256, ...(upstreamTls ?? {}) });
  const proxy = {
    url: '',
    requests: [],
    inFlight: 0,
    maxInFlight: 0,
    count: () => proxy.requests.length,
    clear: () => {
      proxy.requests.length = 0;
      proxy.maxInFlight = 0;
    },
    /** Median time the upstream itself took to answer (the backend's own service time). */
    upstreamMedianMs: () => {
      const xs = proxy.requests.map((r) => r.upstreamMs).filter((x) => x !== undefined).sort((a, b) => a - b);
      return xs.length ? xs[xs.length >> 1] : undefined;
    },
    stop: undefined,
  };
  const handler = (req, res) => {
    const body = [];
    req.on('data', (c) => body.push(c));
    req.on('end', () => {
      const rec = { method: req.method, path: req.url, upstreamMs: undefined };
      proxy.requests.push(rec);
      proxy.inFlight++;
      proxy.maxInFlight = Math.max(proxy.maxInFlight, proxy.inFlight);
      res.on('close', () => proxy.inFlight--);
      setTimeout(() => {
        const sent = process.hrtime.bigint();
        const headers = { ...req.headers };
        delete headers.connection;
        if (upstreamTls?.servername) headers.host = `${upstreamTls.servername}:${target.port}`;
        const up = client.request(
          { protocol: target.protocol, hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers, agent, ...(upstreamTls?.servername ? { servername: upstreamTls.servername } : {}) },
          (ur) => {
            rec.upstreamMs = Number(process.hrtime.bigint() - sent) / 1e6;
            const h = { ...ur.headers };
            delete h.connection;
            res.writeHead(ur.statusCode ?? 502, h);
            ur.pipe(res);
          },
        );
        up.on('error', (e) => {
          if (!res.headersSent) res.writeHead(502);
          res.end(String(e.code ?? 'proxy error'));
        });
        up.end(Buffer.concat(body));
      }, delayMs);
    });
  };
  const server = tls ? https.createServer({ key: tls.keyPem, cert: tls.certPem }, handler) : http.createServer(handler);
  server.keepAliveTimeout = 30_000;
  const sockets = new Set();
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = server.address().port;
  proxy.url = `${tls ? 'https' : 'http'}://127.0.0.1:${proxy.port}`;
  proxy.stop = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      agent.destroy();
      server.close(() => resolve());
    });
  return proxy;
}
