// Infisical through the built CLI against the loopback Infisical API: every read form ESO's provider has
// (a key in the store's secretsPath, a relative `sub/NAME` and an absolute `/folder/NAME` key, a gjson
// property, extract of a JSON value, find by name and by path over a recursive listing, imports,
// reference expansion on and off), every auth method that works offline (universal auth, access token,
// JWT, LDAP, Kubernetes with a token file), the refused ones by field, ESO's errors, fail-closed runs and
// request counts (one login, each secret once, one listing, one revoke per store and run).

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/frontends/stream.js';
import { runCli } from '../helpers/cli.js';
import { FakeInfisical } from '../servers/infisical/server.js';
import { startFaultProxy } from '../helpers/fault-proxy.js';
import { makeTestTls } from '../servers/tls-ca.js';

const CLIENT_ID = 'ua-client-7f3e';
const CLIENT_SECRET = 'ua-secret-Vb8n2Qx';
let inf: FakeInfisical;
let creds: string;
let saTokenFile: string;

beforeAll(async () => {
  inf = await FakeInfisical.start();
  inf.addSecrets('shop', 'prod', '/', { API_KEY: 'api-key-Tq4w9', DB_URL: 'postgres://db:5432/${DB_NAME}', DB_NAME: 'shop', CONFIG: '{"user":"shop","port":5432,"nested":{"tier":"gold"}}', NOT_JSON: 'plain' });
  inf.addSecrets('shop', 'prod', '/my-app', { SERVICE_PASSWORD: 'svc-pw-Hx2k7', ADMIN_PASSWORD: 'admin-pw-Lm5c1', LINK: '${prod.billing.BILLING_TOKEN}' });
  inf.addSecrets('shop', 'prod', '/my-app/db', { DB_PASSWORD: 'nested-db-pw-Rr3' });
  inf.addSecrets('shop', 'prod', '/billing', { BILLING_TOKEN: 'billing-tok-Zp6y' });
  inf.addSecrets('shop', 'prod', '/shared', { SHARED_KEY: 'shared-key-Gg9' });
  inf.addImport('shop', 'prod', '/my-app', { env: 'prod', folder: '/shared' });
  inf.addSecrets('other', 'prod', '/', { API_KEY: 'other-team-key' });
  inf.addClient(CLIENT_ID, CLIENT_SECRET, ['shop']);
  inf.addToken('pre-made-token-8Kd', ['shop']);
  inf.addIdentity('jwt-identity', { jwt: 'eyJ.jwt-proof.sig' }, ['shop']);
  inf.addIdentity('ldap-identity', { ldap: ['svc-reader', 'ldap-pw-Ws4'] }, ['shop']);
  inf.addIdentity('k8s-identity', { k8s: 'sa-token-from-file-Nv2' }, ['shop']);
  creds = mkdtempSync(path.join(tmpdir(), 'inf-e2e-'));
  saTokenFile = path.join(creds, 'sa-token');
  writeFileSync(saTokenFile, 'sa-token-from-file-Nv2\n');
  const put = (ns: string, name: string, data: Record<string, string>) => {
    mkdirSync(path.join(creds, ns, name), { recursive: true });
    for (const [k, v] of Object.entries(data)) writeFileSync(path.join(creds, ns, name, k), v);
  };
  put('apps', 'ua', { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
  put('apps', 'ua-wrong', { clientId: CLIENT_ID, clientSecret: 'wrong' });
  put('apps', 'ua-empty', { clientId: '', clientSecret: CLIENT_SECRET });
  put('apps', 'tok', { accessToken: 'pre-made-token-8Kd\n' });
  put('apps', 'jwt', { identityId: 'jwt-identity', jwt: 'eyJ.jwt-proof.sig' });
  put('apps', 'ldap', { identityId: 'ldap-identity', ldapUsername: 'svc-reader', ldapPassword: 'ldap-pw-Ws4' });
  put('apps', 'k8s', { identityId: 'k8s-identity', serviceAccountTokenPath: saTokenFile });
});
afterAll(async () => {
  await inf.close();
  rmSync(creds, { recursive: true, force: true });
});
beforeEach(() => inf.resetLog());

const UA = { universalAuthCredentials: { clientId: { name: 'ua', key: 'clientId' }, clientSecret: { name: 'ua', key: 'clientSecret' } } };

const store = (name: string, o: { auth?: unknown; scope?: Record<string, unknown>; host?: string } = {}) => `
---
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: ${name}, namespace: apps}
spec:
  provider:
    infisical:
      hostAPI: ${o.host ?? inf.url}
      auth: ${JSON.stringify(o.auth ?? UA)}
      secretsScope: ${JSON.stringify({ projectSlug: 'shop', environmentSlug: 'prod', ...(o.scope ?? {}) })}
`;

const es = (name: string, storeName: string, spec: string) => `
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: ${name}, namespace: apps}
spec:
  secretStoreRef: {name: ${storeName}, kind: SecretStore}
${spec}`;

const render = (stream: string, env: Record<string, string> = {}) =>
  runCli(['render', '--credentials-dir', creds, '--deadline', '20s'], stream, { env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env } });

function secrets(stdout: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const i of parseManifests(stdout)) {
    if (i.object.kind !== 'Secret') continue;
    out[i.object.metadata!.name!] = Object.fromEntries(Object.entries((i.object.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }
  return out;
}

const reads = () => inf.requests.filter((q) => q.path.startsWith('/api/v3/'));

describe('infisical through the CLI', () => {
  it('data by key (bare, relative, absolute), property, extract, imports and expansion; each secret requested once', async () => {
    const r = await render(
      store('inf') +
        es('app', 'inf', `  data:
  - {secretKey: api, remoteRef: {key: API_KEY}}
  - {secretKey: api-again, remoteRef: {key: API_KEY}}
  - {secretKey: url, remoteRef: {key: DB_URL}}
  - {secretKey: user, remoteRef: {key: CONFIG, property: user}}
  - {secretKey: tier, remoteRef: {key: CONFIG, property: nested.tier}}
  - {secretKey: port, remoteRef: {key: CONFIG, property: port}}
  - {secretKey: svc, remoteRef: {key: my-app/SERVICE_PASSWORD}}
  - {secretKey: nested, remoteRef: {key: /my-app/db/DB_PASSWORD}}`) +
        es('cfg', 'inf', `  dataFrom:
  - extract: {key: CONFIG}`) +
        es('scoped', 'inf-app', `  data:
  - {secretKey: admin, remoteRef: {key: ADMIN_PASSWORD}}
  - {secretKey: imported, remoteRef: {key: SHARED_KEY}}
  - {secretKey: link, remoteRef: {key: LINK}}
  - {secretKey: root, remoteRef: {key: /API_KEY}}`) +
        store('inf-app', { scope: { secretsPath: '/my-app' } }),
    );
    expect(r.code, r.stderr).toBe(0);
    const s = secrets(r.stdout);
    expect(s['app']).toEqual({ api: 'api-key-Tq4w9', 'api-again': 'api-key-Tq4w9', url: 'postgres://db:5432/shop', user: 'shop', tier: 'gold', port: '', svc: 'svc-pw-Hx2k7', nested: 'nested-db-pw-Rr3' });
    expect(s['cfg']).toEqual({ user: 'shop', port: '5432', nested: '{"tier":"gold"}' });
    expect(s['scoped']).toEqual({ admin: 'admin-pw-Lm5c1', imported: 'shared-key-Gg9', link: 'billing-tok-Zp6y', root: 'api-key-Tq4w9' });
    // Store inf: login, 5 secrets (API_KEY, DB_URL, CONFIG, SERVICE_PASSWORD, DB_PASSWORD), revoke. Store inf-app: login, 4 secrets, revoke.
    expect(r.stderr).toContain('13 requests (SecretStore/apps/inf=7 SecretStore/apps/inf-app=6), 0 retries, 0 errors');
    const one = reads().map((q) => `${q.query['secretPath']} ${q.path}`);
    // Unique per store (each store has its own token): /API_KEY of inf-app is the same secret as API_KEY of inf.
    const perStore = reads().map((q) => `${q.token} ${q.query['secretPath']} ${q.path}`);
    expect(new Set(perStore).size).toBe(perStore.length);
    expect(one).toContain('/my-app /api/v3/secrets/raw/SERVICE_PASSWORD');
    expect(one).toContain('/my-app/db /api/v3/secrets/raw/DB_PASSWORD');
    expect(one).toContain('/ /api/v3/secrets/raw/API_KEY');
    const q = reads()[0]!.query;
    expect(q).toMatchObject({ workspaceSlug: 'shop', environment: 'prod', include_imports: 'true', type: 'shared', expandSecretReferences: 'true' });
    // The login carries the client credentials and no token; every read carries the issued token, which is revoked at the end.
    const logins = inf.requests.filter((x) => x.path === '/api/v1/auth/universal-auth/login');
    expect(logins.map((x) => x.body)).toEqual([
      { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, organizationSlug: '' },
      { clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, organizationSlug: '' },
    ]);
    expect(logins.every((x) => x.token === '')).toBe(true);
    expect(inf.revoked.length).toBe(2);
    expect(new Set(reads().map((x) => x.token))).toEqual(new Set(inf.revoked));
  });

  it('find by name and by path over a recursive listing, imports included; one listing for every find', async () => {
    const r = await render(
      store('inf', { scope: { recursive: true } }) +
        es('byname', 'inf', `  dataFrom:
  - find: {name: {regexp: "_PASSWORD$"}}`) +
        es('bypath', 'inf', `  dataFrom:
  - find: {path: /my-app}`) +
        es('both', 'inf', `  dataFrom:
  - find: {path: /my-app/db, name: {regexp: "^DB_"}}`) +
        store('flat', { scope: { secretsPath: '/my-app', expandSecretReferences: false } }) +
        es('flat', 'flat', `  dataFrom:
  - find: {name: {regexp: ".*"}}`),
    );
    expect(r.code, r.stderr).toBe(0);
    const s = secrets(r.stdout);
    expect(s['byname']).toEqual({ SERVICE_PASSWORD: 'svc-pw-Hx2k7', ADMIN_PASSWORD: 'admin-pw-Lm5c1', DB_PASSWORD: 'nested-db-pw-Rr3' });
    expect(s['bypath']).toEqual({ SERVICE_PASSWORD: 'svc-pw-Hx2k7', ADMIN_PASSWORD: 'admin-pw-Lm5c1', LINK: 'billing-tok-Zp6y', DB_PASSWORD: 'nested-db-pw-Rr3' });
    expect(s['both']).toEqual({ DB_PASSWORD: 'nested-db-pw-Rr3' });
    // Not recursive: only /my-app's own secrets and its import; references left as written.
    expect(s['flat']).toEqual({ SERVICE_PASSWORD: 'svc-pw-Hx2k7', ADMIN_PASSWORD: 'admin-pw-Lm5c1', LINK: '${prod.billing.BILLING_TOKEN}', SHARED_KEY: 'shared-key-Gg9' });
    expect(r.stderr).toContain('6 requests (SecretStore/apps/flat=3 SecretStore/apps/inf=3), 0 retries, 0 errors');
    const lists = reads().map((x) => x.query);
    expect(lists).toContainEqual(expect.objectContaining({ secretPath: '/', recursive: 'true', expandSecretReferences: 'true', include_imports: 'true' }));
    expect(lists).toContainEqual(expect.objectContaining({ secretPath: '/my-app', recursive: 'false', expandSecretReferences: 'false' }));
  });

  it('every offline auth method: access token, JWT, LDAP, Kubernetes with a token file', async () => {
    const auths: Record<string, unknown> = {
      tok: { tokenAuthCredentials: { accessToken: { name: 'tok', key: 'accessToken' } } },
      jwt: { jwtAuthCredentials: { identityId: { name: 'jwt', key: 'identityId' }, jwt: { name: 'jwt', key: 'jwt' } } },
      ldap: { ldapAuthCredentials: { identityId: { name: 'ldap', key: 'identityId' }, ldapUsername: { name: 'ldap', key: 'ldapUsername' }, ldapPassword: { name: 'ldap', key: 'ldapPassword' } } },
      k8s: { kubernetesAuthCredentials: { identityId: { name: 'k8s', key: 'identityId' }, serviceAccountTokenPath: { name: 'k8s', key: 'serviceAccountTokenPath' } } },
    };
    let stream = '';
    for (const [name, auth] of Object.entries(auths)) stream += store(name, { auth }) + es(name, name, `  data:\n  - {secretKey: api, remoteRef: {key: API_KEY}}`);
    const r = await render(stream);
    expect(r.code, r.stderr).toBe(0);
    const s = secrets(r.stdout);
    for (const name of Object.keys(auths)) expect(s[name], name).toEqual({ api: 'api-key-Tq4w9' });
    // Token auth: no login and no revoke (ESO keeps a given token); the others log in and revoke.
    expect(r.stderr).toContain('10 requests (SecretStore/apps/jwt=3 SecretStore/apps/k8s=3 SecretStore/apps/ldap=3 SecretStore/apps/tok=1), 0 retries, 0 errors');
    const bodies = Object.fromEntries(inf.requests.filter((x) => x.path.endsWith('/login')).map((x) => [x.path, x.body]));
    expect(bodies['/api/v1/auth/jwt-auth/login']).toEqual({ identityId: 'jwt-identity', jwt: 'eyJ.jwt-proof.sig', organizationSlug: '' });
    expect(bodies['/api/v1/auth/ldap-auth/login']).toEqual({ identityId: 'ldap-identity', username: 'svc-reader', password: 'ldap-pw-Ws4', organizationSlug: '' });
    expect(bodies['/api/v1/auth/kubernetes-auth/login']).toEqual({ identityId: 'k8s-identity', jwt: 'sa-token-from-file-Nv2', organizationSlug: '' });
    expect(reads().filter((x) => x.token === 'pre-made-token-8Kd').length).toBe(1);
    expect(inf.revoked).not.toContain('pre-made-token-8Kd');
    expect(inf.revoked.length).toBe(3);
  });

  it('auth methods that need the host\'s cloud identity are refused by field, with zero requests', async () => {
    const refused: [string, unknown][] = [
      ['awsAuthCredentials', { awsAuthCredentials: { identityId: { name: 'jwt', key: 'identityId' } } }],
      ['azureAuthCredentials', { azureAuthCredentials: { identityId: { name: 'jwt', key: 'identityId' } } }],
      ['gcpIdTokenAuthCredentials', { gcpIdTokenAuthCredentials: { identityId: { name: 'jwt', key: 'identityId' } } }],
      ['gcpIamAuthCredentials', { gcpIamAuthCredentials: { identityId: { name: 'jwt', key: 'identityId' }, serviceAccountKeyFilePath: { name: 'jwt', key: 'jwt' } } }],
      ['ociAuthCredentials', { ociAuthCredentials: { identityId: { name: 'jwt', key: 'identityId' }, privateKey: { name: 'jwt', key: 'jwt' }, fingerprint: { name: 'jwt', key: 'jwt' }, userId: { name: 'jwt', key: 'jwt' }, tenancyId: { name: 'jwt', key: 'jwt' }, region: { name: 'jwt', key: 'jwt' } } }],
    ];
    for (const [field, auth] of refused) {
      const r = await render(store('inf', { auth }) + es('x', 'inf', `  data:\n  - {secretKey: a, remoteRef: {key: API_KEY}}`));
      expect(r.code, field).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`spec.provider.infisical.auth.${field}: refused offline`);
    }
    const none = await render(store('inf', { auth: {} }) + es('x', 'inf', `  data:\n  - {secretKey: a, remoteRef: {key: API_KEY}}`));
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('authentication method not found');
    // An empty client id is refused where the go-sdk would read INFISICAL_UNIVERSAL_AUTH_CLIENT_ID.
    const empty = await render(
      store('inf', { auth: { universalAuthCredentials: { clientId: { name: 'ua-empty', key: 'clientId' }, clientSecret: { name: 'ua-empty', key: 'clientSecret' } } } }) +
        es('x', 'inf', `  data:\n  - {secretKey: a, remoteRef: {key: API_KEY}}`),
      { INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: CLIENT_ID },
    );
    expect(empty.code).toBe(1);
    expect(empty.stderr).toContain('universalAuthCredentials.clientId: the referenced credential is empty');
    expect(inf.requests).toEqual([]);
  });

  it('ESO\'s errors, and a failing read fails the whole run', async () => {
    const cases: [string, string][] = [
      [`  data:\n  - {secretKey: x, remoteRef: {key: NOPE}}`, 'Secret does not exist'],
      [`  data:\n  - {secretKey: x, remoteRef: {key: CONFIG, property: missing}}`, 'property missing does not exist in secret CONFIG'],
      [`  dataFrom:\n  - extract: {key: NOT_JSON}`, 'unable to unmarshal secret NOT_JSON: invalid character in JSON input'],
      [`  dataFrom:\n  - find: {tags: {team: a}}`, 'find by tags not supported'],
      [`  dataFrom:\n  - find: {name: {regexp: "(("}}`, 'could not compile find.name.regexp [((]'],
    ];
    for (const [spec, message] of cases) {
      const r = await render(store('inf') + es('ok', 'inf', `  data:\n  - {secretKey: p, remoteRef: {key: API_KEY}}`) + es('bad', 'inf', spec));
      expect(r.code, message).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('SecretStore/apps/inf');
      expect(r.stderr).not.toContain('api-key-Tq4w9');
      expect(r.stderr).not.toContain('plain');
    }
  });

  it('login and permission failures name the store and the status, never a body', async () => {
    let r = await render(
      store('inf', { auth: { universalAuthCredentials: { clientId: { name: 'ua-wrong', key: 'clientId' }, clientSecret: { name: 'ua-wrong', key: 'clientSecret' } } } }) +
        es('x', 'inf', `  data:\n  - {secretKey: p, remoteRef: {key: API_KEY}}`),
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('SecretStore/apps/inf: key "API_KEY": failed to authenticate via universal auth APIError: CallUniversalAuthLogin unsuccessful response [POST /api/v1/auth/universal-auth/login] [status-code=401]');
    expect(r.stderr).not.toContain('Invalid credentials');
    expect(inf.requests.length).toBe(1);
    inf.resetLog();
    r = await render(store('inf', { scope: { projectSlug: 'other' } }) + es('x', 'inf', `  data:\n  - {secretKey: p, remoteRef: {key: API_KEY}}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('APIError: CallRetrieveSecretV3Raw unsuccessful response [GET /api/v3/secrets/raw/API_KEY] [status-code=403]');
    expect(r.stderr).not.toContain('You are not allowed');
  });

  it('the per-store concurrency bound holds', async () => {
    inf.delayMs = 40;
    try {
      const data = ['API_KEY', 'DB_URL', 'DB_NAME', 'CONFIG', 'NOT_JSON', '/my-app/SERVICE_PASSWORD', '/my-app/ADMIN_PASSWORD'].map((k, i) => `  - {secretKey: k${i}, remoteRef: {key: ${k}}}`).join('\n');
      const r = await runCli(['render', '--credentials-dir', creds, '--deadline', '20s', '--concurrency', '2'], store('inf') + es('all', 'inf', `  data:\n${data}`));
      expect(r.code, r.stderr).toBe(0);
      expect(Object.keys(secrets(r.stdout)['all']!).length).toBe(7);
      expect(inf.maxInFlight).toBeLessThanOrEqual(2);
    } finally {
      inf.delayMs = 0;
    }
  });

  it('store checks and key rules refuse before any request', async () => {
    const bad: [string, string][] = [
      [store('inf', { scope: { projectSlug: '' } }), 'secretsScope.projectSlug and secretsScope.environmentSlug cannot be empty'],
      [store('inf', { scope: { secretsPath: '/a/../b' } }), 'secretsScope.secretsPath "/a/../b" is not canonical'],
      [store('inf', { host: 'ftp://x' }), 'spec.provider.infisical.hostAPI'],
    ];
    for (const [s, msg] of bad) {
      const r = await render(s + es('x', 'inf', `  data:\n  - {secretKey: p, remoteRef: {key: API_KEY}}`));
      expect(r.code, msg).toBe(1);
      expect(r.stderr).toContain(msg);
    }
    for (const key of ['../other/API_KEY', 'my-app/%2e%2e/API_KEY', 'a//b', 'my-app/', 'x?y', 'a\\\\b']) {
      const r = await render(store('inf') + es('x', 'inf', `  data:\n  - {secretKey: p, remoteRef: {key: "${key}"}}`));
      expect(r.code, key).toBe(1);
      expect(r.stderr, key).toContain('is not canonical');
    }
    expect(inf.requests).toEqual([]);
  });

  it('hostAPI defaults to Infisical Cloud; ESO_RENDER_INFISICAL_HOST_API points the default elsewhere', async () => {
    const noHost = store('inf').replace(/ {6}hostAPI: .*\n/, '');
    const r = await render(noHost + es('x', 'inf', `  data:\n  - {secretKey: p, remoteRef: {key: API_KEY}}`), { ESO_RENDER_INFISICAL_HOST_API: inf.url });
    expect(r.code, r.stderr).toBe(0);
    expect(secrets(r.stdout)['x']).toEqual({ p: 'api-key-Tq4w9' });
    expect(inf.requests[0]!.path).toBe('/api/v1/auth/universal-auth/login');
  });

  it('an HTTPS Infisical with a private CA: caBundle and caProvider are trusted, the system roots alone are not', async () => {
    const tls = makeTestTls();
    const proxy = await startFaultProxy({ upstream: inf.url, tls });
    mkdirSync(path.join(creds, 'apps', 'inf-ca'), { recursive: true });
    writeFileSync(path.join(creds, 'apps', 'inf-ca', 'ca.crt'), tls.caPem);
    try {
      const host = `https://127.0.0.1:${proxy.port}`;
      const read = es('x', 'inf', `  data:\n  - {secretKey: p, remoteRef: {key: API_KEY}}`);
      const withCa = (extra: string) => store('inf', { host }).replace('      auth:', `${extra}\n      auth:`);
      let r = await render(withCa(`      caBundle: ${Buffer.from(tls.caPem).toString('base64')}`) + read);
      expect(r.code, r.stderr).toBe(0);
      expect(secrets(r.stdout)['x']).toEqual({ p: 'api-key-Tq4w9' });
      r = await render(withCa('      caProvider: {type: Secret, name: inf-ca, key: ca.crt}') + read);
      expect(r.code, r.stderr).toBe(0);
      expect(secrets(r.stdout)['x']).toEqual({ p: 'api-key-Tq4w9' });
      const before = proxy.log.length;
      r = await render(store('inf', { host }) + read);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('failed to authenticate via universal auth CallUniversalAuthLogin:');
      // The TLS handshake fails, so no request reaches the proxy.
      expect(proxy.log.length).toBe(before);
    } finally {
      await proxy.stop();
    }
  });
});
