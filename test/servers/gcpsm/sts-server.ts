// A loopback Google Security Token Service (sts.googleapis.com/v1/token): the OAuth 2.0 token exchange
// (RFC 8693) as Google's public STS API documents it. POST, form-encoded body with grant_type
// `urn:ietf:params:oauth:grant-type:token-exchange`, audience, scope, requested_token_type,
// subject_token and subject_token_type; a JSON answer with access_token, issued_token_type, token_type
// and expires_in, or a 400 `{error, error_description}`. Workload identity federation through an
// `external_account` credentials file (token_url + a file credential_source) exchanges its subject
// token here. Plain HTTP on 127.0.0.1 only; records what it was sent and every token it issued.

import { randomBytes } from 'node:crypto';
import http from 'node:http';
import type net from 'node:net';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

export interface StsServerOptions {
  /** The workload identity pool provider's audience the credentials file must name. */
  audience: string;
  /** The subject tokens (e.g. an OIDC token the platform wrote to a file) this STS accepts. */
  subjectTokens: string[];
}

export interface StsServer {
  /** http://127.0.0.1:<port> */
  url: string;
  /** The token endpoint: url + /v1/token. */
  tokenUrl: string;
  /** Access tokens issued so far (the Secret Manager loopback accepts exactly these). */
  issued: Set<string>;
  /** Exchange requests answered, accepted or not. */
  exchanges: number;
  stop(): Promise<void>;
}

function oauthError(res: http.ServerResponse, status: number, error: string, description: string): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error, error_description: description }));
}

export async function startStsServer(o: StsServerOptions): Promise<StsServer> {
  const sockets = new Set<net.Socket>();
  const issued = new Set<string>();
  const self = { issued, exchanges: 0 } as StsServer;
  const server = http.createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (d: Buffer) => parts.push(d));
    req.on('end', () => {
      if (req.method !== 'POST' || (req.url ?? '').split('?')[0] !== '/v1/token') {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":404,"status":"NOT_FOUND"}}');
        return;
      }
      self.exchanges++;
      if (!/^application\/x-www-form-urlencoded/.test(req.headers['content-type'] ?? '')) {
        oauthError(res, 400, 'invalid_request', 'Invalid Content-Type');
        return;
      }
      const form = new URLSearchParams(Buffer.concat(parts).toString('utf8'));
      if (form.get('grant_type') !== TOKEN_EXCHANGE_GRANT) return oauthError(res, 400, 'unsupported_grant_type', 'Unsupported grant_type');
      if (form.get('requested_token_type') !== ACCESS_TOKEN_TYPE) return oauthError(res, 400, 'invalid_request', 'Invalid requested_token_type');
      if (form.get('audience') !== o.audience) return oauthError(res, 400, 'invalid_target', 'The target service indicated by the "audience" parameters is invalid.');
      if (!form.get('subject_token_type')) return oauthError(res, 400, 'invalid_request', 'Missing subject_token_type');
      if (!o.subjectTokens.includes(form.get('subject_token') ?? '')) return oauthError(res, 400, 'invalid_grant', 'The subject token is invalid.');
      const token = `ya29.sts-${randomBytes(24).toString('base64url')}`;
      issued.add(token);
      res
        .writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
        .end(JSON.stringify({ access_token: token, issued_token_type: ACCESS_TOKEN_TYPE, token_type: 'Bearer', expires_in: 3599 }));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as net.AddressInfo).port;
  Object.assign(self, {
    url: `http://127.0.0.1:${port}`,
    tokenUrl: `http://127.0.0.1:${port}/v1/token`,
    stop: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  });
  return self;
}
