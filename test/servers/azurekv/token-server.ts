// A loopback Microsoft Entra ID token endpoint (HTTPS): the OpenID configuration MSAL reads for an
// authority, and the v2.0 token endpoint for client credentials (client secret) and client
// assertions (workload identity), and an App Service style managed identity endpoint. It issues opaque access tokens and remembers which are valid.

import https from 'node:https';
import { constants, createPublicKey, randomBytes, verify } from 'node:crypto';
import type { AddressInfo } from 'node:net';

export interface TokenServerOptions {
  tls: { keyPem: string; certPem: string };
  tenantId: string;
  /** client_id → client_secret accepted for the client credentials grant. */
  clientSecrets?: Record<string, string>;
  /** client_id → federated token (client_assertion) accepted for workload identity. */
  clientAssertions?: Record<string, string>;
  /** client_id → certificate PEM whose key must sign the client assertion (certificate credentials). */
  clientCertificates?: Record<string, string>;
  /** The X-IDENTITY-HEADER value of the App Service managed identity endpoint (GET /msi/token). */
  managedIdentityHeader?: string;
}

export interface TokenRequestRecord {
  path: string;
  grantType?: string;
  clientId?: string;
  scope?: string;
  assertionType?: string;
  /** Managed identity requests: the resource and the user-assigned client ID asked for. */
  resource?: string;
}

export interface TokenServer {
  /** The authority host to configure: https://127.0.0.1:<port> */
  authorityHost: string;
  requests: TokenRequestRecord[];
  /** Access tokens issued so far (the vault server accepts only these). */
  issued: Set<string>;
  stop(): Promise<void>;
}

/** Checks a client assertion JWT (RS256 or PS256) against the registered certificate's public key. */
function signedByCertificate(assertion: string | null, certPem: string | undefined): boolean {
  const parts = (assertion ?? '').split('.');
  if (!certPem || parts.length !== 3) return false;
  const header = JSON.parse(Buffer.from(parts[0]!, 'base64url').toString('utf8')) as { alg?: string };
  const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: number };
  const key = createPublicKey(certPem);
  const data = Buffer.from(`${parts[0]}.${parts[1]}`);
  const sig = Buffer.from(parts[2]!, 'base64url');
  const ok =
    header.alg === 'PS256'
      ? verify('sha256', data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }, sig)
      : header.alg === 'RS256' && verify('sha256', data, key, sig);
  return ok && !!claims.exp && claims.exp * 1000 > Date.now();
}

export async function startTokenServer(opts: TokenServerOptions): Promise<TokenServer> {
  const requests: TokenRequestRecord[] = [];
  const issued = new Set<string>();
  let ownBase = '';

  const server = https.createServer({ key: opts.tls.keyPem, cert: opts.tls.certPem }, (req, res) => {
    const url = new URL(req.url ?? '/', ownBase);
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(JSON.stringify(body));
    };
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const t = opts.tenantId;
      if (req.method === 'GET' && url.pathname === `/${t}/v2.0/.well-known/openid-configuration`) {
        requests.push({ path: url.pathname });
        // The endpoints at the address the client asked (a proxy in front of this server stays on the path).
        const host = req.headers.host;
        const base = host && /^127\.0\.0\.1:\d+$/.test(host) ? `https://${host}` : ownBase;
        send(200, {
          issuer: `${base}/${t}/v2.0`,
          authorization_endpoint: `${base}/${t}/oauth2/v2.0/authorize`,
          token_endpoint: `${base}/${t}/oauth2/v2.0/token`,
          end_session_endpoint: `${base}/${t}/oauth2/v2.0/logout`,
          jwks_uri: `${base}/${t}/discovery/v2.0/keys`,
          response_types_supported: ['code', 'id_token', 'token'],
          token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
        });
        return;
      }
      if (req.method === 'GET' && url.pathname === '/msi/token') {
        const rec: TokenRequestRecord = { path: url.pathname };
        const resource = url.searchParams.get('resource');
        if (resource) rec.resource = resource;
        const clientId = url.searchParams.get('client_id');
        if (clientId) rec.clientId = clientId;
        requests.push(rec);
        if (!opts.managedIdentityHeader || req.headers['x-identity-header'] !== opts.managedIdentityHeader) {
          send(401, { error: 'unauthorized', error_description: 'missing or wrong X-IDENTITY-HEADER' });
          return;
        }
        const token = randomBytes(24).toString('base64url');
        issued.add(token);
        send(200, { access_token: token, expires_on: String(Math.floor(Date.now() / 1000) + 3600), resource, token_type: 'Bearer', client_id: clientId ?? 'system' });
        return;
      }
      if (req.method === 'POST' && url.pathname === `/${t}/oauth2/v2.0/token`) {
        const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
        const rec: TokenRequestRecord = { path: url.pathname };
        const grantType = form.get('grant_type');
        if (grantType) rec.grantType = grantType;
        const clientId = form.get('client_id') ?? '';
        if (clientId) rec.clientId = clientId;
        const scope = form.get('scope');
        if (scope) rec.scope = scope;
        const assertionType = form.get('client_assertion_type');
        if (assertionType) rec.assertionType = assertionType;
        requests.push(rec);
        const secretOk = opts.clientSecrets?.[clientId] !== undefined && form.get('client_secret') === opts.clientSecrets[clientId];
        const assertionOk =
          opts.clientAssertions?.[clientId] !== undefined && form.get('client_assertion') === opts.clientAssertions[clientId];
        const certificateOk =
          assertionType === 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer' &&
          signedByCertificate(form.get('client_assertion'), opts.clientCertificates?.[clientId]);
        if (grantType !== 'client_credentials' || !(secretOk || assertionOk || certificateOk)) {
          send(401, {
            error: 'invalid_client',
            error_description: 'AADSTS7000215: Invalid client secret provided.',
            error_codes: [7000215],
          });
          return;
        }
        const token = randomBytes(24).toString('base64url');
        issued.add(token);
        send(200, { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: token });
        return;
      }
      send(404, { error: 'not_found' });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ownBase = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    authorityHost: ownBase,
    requests,
    issued,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
