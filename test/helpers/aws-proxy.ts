// A loopback HTTP proxy in front of moto: records every AWS request (operation, signing key id, body)
// and lets a test answer chosen operations itself, exactly as AWS would (e.g. an AccessDeniedException).

import { createServer, type IncomingMessage, type Server } from 'node:http';

export interface Seen {
  /** `secretsmanager.GetSecretValue`, `AmazonSSM.GetParameters`, or the Query `Action` (STS). */
  op: string;
  /** The access key id from the SigV4 Authorization header, if signed. */
  accessKeyId?: string;
  body: string;
  status: number;
  responseBody: string;
}

export interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface AwsProxy {
  url: string;
  seen: Seen[];
  /** Returns a reply to answer the request here, or undefined to forward it to moto. */
  intercept: ((op: string, body: string) => Reply | undefined) | undefined;
  ops(): string[];
  clear(): void;
  stop(): Promise<void>;
}

/** The JSON-protocol error AWS sends when an IAM policy does not allow the action. */
export function accessDenied(action: string): Reply {
  const body = JSON.stringify({
    __type: 'AccessDeniedException',
    Message: `User: arn:aws:sts::123456789012:assumed-role/eso-reader/session is not authorized to perform: ${action} because no identity-based policy allows the ${action} action`,
  });
  return { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'AccessDeniedException:' }, body };
}

export function throttled(): Reply {
  const body = JSON.stringify({ __type: 'ThrottlingException', Message: 'Rate exceeded' });
  return { status: 400, headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amzn-errortype': 'ThrottlingException:' }, body };
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => resolve(Buffer.concat(parts)));
    req.on('error', reject);
  });
}

function operation(req: IncomingMessage, body: string): string {
  const target = req.headers['x-amz-target'];
  if (typeof target === 'string') return target;
  const action = new URLSearchParams(body).get('Action');
  return action ?? `${req.method} ${req.url}`;
}

export async function startAwsProxy(upstream: string): Promise<AwsProxy> {
  const proxy: AwsProxy = {
    url: '',
    seen: [],
    intercept: undefined,
    ops: () => proxy.seen.map((s) => s.op),
    clear: () => {
      proxy.seen.length = 0;
    },
    stop: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer(async (req, res) => {
    try {
      const raw = await readBody(req);
      const body = raw.toString('utf8');
      const op = operation(req, body);
      const auth = req.headers.authorization;
      const accessKeyId = typeof auth === 'string' ? /Credential=([^/]+)\//.exec(auth)?.[1] : undefined;
      const reply = proxy.intercept?.(op, body);
      if (reply) {
        proxy.seen.push({ op, accessKeyId, body, status: reply.status, responseBody: reply.body });
        res.writeHead(reply.status, reply.headers).end(reply.body);
        return;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) {
        if (typeof v === 'string' && !['host', 'connection', 'content-length', 'transfer-encoding'].includes(k)) headers[k] = v;
      }
      const up = await fetch(upstream + (req.url ?? '/'), {
        method: req.method,
        headers,
        body: req.method === 'GET' || req.method === 'HEAD' ? undefined : raw,
      });
      const upBody = Buffer.from(await up.arrayBuffer());
      proxy.seen.push({ op, accessKeyId, body, status: up.status, responseBody: upBody.toString('utf8') });
      const outHeaders: Record<string, string> = {};
      up.headers.forEach((v, k) => {
        if (!['content-length', 'transfer-encoding', 'connection', 'content-encoding'].includes(k)) outHeaders[k] = v;
      });
      res.writeHead(up.status, outHeaders).end(upBody);
    } catch (e) {
      res.writeHead(502).end(String(e));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  proxy.url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  return proxy;
}
