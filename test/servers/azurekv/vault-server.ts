// A loopback Azure Key Vault (HTTPS) speaking the data-plane REST API the @azure/keyvault-* SDKs use:
// GET secrets/{name}[/{version}], GET secrets (paged with nextLink), GET certificates/{name}[/{version}]
// (`cer` as base64 DER), GET keys/{name}[/{version}] (JWK, base64url members), 404 *NotFound error
// bodies, 403 for disabled secrets, and the bearer challenge: a request without a valid token gets
// 401 with `WWW-Authenticate: Bearer authorization="…/<tenant>", resource="https://vault.azure.net"`.

import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface VaultAttributes {
  enabled?: boolean;
  /** Unix seconds. */
  created?: number;
  updated?: number;
  exp?: number;
  nbf?: number;
}

export interface VaultObjectVersion {
  version: string;
  attributes?: VaultAttributes;
  tags?: Record<string, string>;
}

export interface VaultSecretVersion extends VaultObjectVersion {
  value: string;
  contentType?: string;
}

export interface VaultCertVersion extends VaultObjectVersion {
  /** DER bytes. */
  cer: Uint8Array;
}

export interface VaultKeyVersion extends VaultObjectVersion {
  /** JWK as the service returns it (base64url strings for byte members). */
  key: Record<string, unknown>;
}

/** Versions in creation order; the last one is "latest". */
export interface VaultContents {
  secrets: Record<string, VaultSecretVersion[]>;
  certificates: Record<string, VaultCertVersion[]>;
  keys: Record<string, VaultKeyVersion[]>;
}

export interface VaultRequest {
  method: string;
  path: string;
  query: string;
  /** Whether the request carried a token this vault accepts. */
  authorized: boolean;
  status: number;
}

export interface VaultFault {
  /** Requests whose path contains this. */
  match: string;
  status: number;
  code: string;
  message?: string;
  times?: number;
}

export interface VaultServerOptions {
  tls: { keyPem: string; certPem: string };
  /** The host name clients use (a *.vault.azure.net name the test resolves to 127.0.0.1). */
  vaultHost: string;
  tenantId: string;
  contents: VaultContents;
  /** Accepted bearer tokens (shared with the token server). */
  validTokens: Set<string>;
  pageSize?: number;
}

export interface VaultServer {
  port: number;
  /** https://<vaultHost>:<port> */
  vaultUrl: string;
  requests: VaultRequest[];
  faults: VaultFault[];
  stop(): Promise<void>;
}

function attrs(a: VaultAttributes | undefined) {
  return { enabled: a?.enabled ?? true, created: a?.created ?? 1_700_000_000, updated: a?.updated ?? 1_700_000_000, ...(a?.exp ? { exp: a.exp } : {}), ...(a?.nbf ? { nbf: a.nbf } : {}), recoveryLevel: 'Recoverable+Purgeable' };
}

function pick<T extends VaultObjectVersion>(versions: T[] | undefined, version: string | undefined): T | undefined {
  if (!versions || versions.length === 0) return undefined;
  return version ? versions.find((v) => v.version === version) : versions[versions.length - 1];
}

export async function startVaultServer(opts: VaultServerOptions): Promise<VaultServer> {
  const requests: VaultRequest[] = [];
  const faults: VaultFault[] = [];
  const pageSize = opts.pageSize ?? 2;
  let base = '';

  const server = https.createServer({ key: opts.tls.keyPem, cert: opts.tls.certPem }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://placeholder');
    const token = /^Bearer (.+)$/.exec(req.headers['authorization'] ?? '')?.[1];
    const rec: VaultRequest = { method: req.method ?? '', path: url.pathname, query: url.search, authorized: !!token && opts.validTokens.has(token), status: 0 };
    requests.push(rec);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      rec.status = status;
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const error = (status: number, code: string, message: string) => send(status, { error: { code, message } });
    req.resume();
    req.on('end', () => {
      if (!url.searchParams.get('api-version')) return error(400, 'BadParameter', 'The request URI must contain an api-version');
      if (!rec.authorized) {
        return send(401, { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } }, {
          'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${opts.tenantId}", resource="https://vault.azure.net"`,
        });
      }
      const fault = faults.find((f) => url.pathname.includes(f.match) && f.times !== 0);
      if (fault) {
        if (fault.times !== undefined) fault.times--;
        return error(fault.status, fault.code, fault.message ?? `injected ${fault.code}`);
      }
      if (req.method !== 'GET') return error(405, 'BadParameter', 'Method not allowed');
      const parts = url.pathname.split('/').filter(Boolean);
      const [collection, name, version] = parts;

      if (collection === 'secrets' && parts.length === 1) {
        const names = Object.keys(opts.contents.secrets).sort();
        const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
        const slice = names.slice(skip, skip + pageSize);
        const value = slice.map((n) => {
          const latest = pick(opts.contents.secrets[n], undefined)!;
          return { id: `${base}/secrets/${n}`, attributes: attrs(latest.attributes), tags: latest.tags ?? {}, ...(latest.contentType ? { contentType: latest.contentType } : {}) };
        });
        const next = skip + pageSize < names.length ? `${base}/secrets?api-version=${url.searchParams.get('api-version')}&$skiptoken=${skip + pageSize}` : null;
        return send(200, { value, nextLink: next });
      }
      if (!name || parts.length > 3) return error(400, 'BadParameter', 'Unsupported request');

      if (collection === 'secrets') {
        const s = pick(opts.contents.secrets[name], version);
        if (!s) return error(404, 'SecretNotFound', `A secret with (name/id) ${name}${version ? `/${version}` : ''} was not found in this key vault.`);
        if (s.attributes?.enabled === false) return error(403, 'Forbidden', 'Operation get is not allowed on a disabled secret.');
        return send(200, {
          value: s.value,
          id: `${base}/secrets/${name}/${s.version}`,
          attributes: attrs(s.attributes),
          tags: s.tags ?? {},
          ...(s.contentType ? { contentType: s.contentType } : {}),
        });
      }
      if (collection === 'certificates') {
        const c = pick(opts.contents.certificates[name], version);
        if (!c) return error(404, 'CertificateNotFound', `A certificate with (name/id) ${name}${version ? `/${version}` : ''} was not found in this key vault.`);
        return send(200, {
          id: `${base}/certificates/${name}/${c.version}`,
          kid: `${base}/keys/${name}/${c.version}`,
          sid: `${base}/secrets/${name}/${c.version}`,
          x5t: 'dGVzdA',
          cer: Buffer.from(c.cer).toString('base64'),
          attributes: attrs(c.attributes),
          tags: c.tags ?? {},
        });
      }
      if (collection === 'keys') {
        const k = pick(opts.contents.keys[name], version);
        if (!k) return error(404, 'KeyNotFound', `A key with (name/id) ${name}${version ? `/${version}` : ''} was not found in this key vault.`);
        return send(200, { key: { kid: `${base}/keys/${name}/${k.version}`, ...k.key }, attributes: attrs(k.attributes), tags: k.tags ?? {} });
      }
      return error(400, 'BadParameter', 'Unsupported request');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `https://${opts.vaultHost}:${port}`;
  return {
    port,
    vaultUrl: base,
    requests,
    faults,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
