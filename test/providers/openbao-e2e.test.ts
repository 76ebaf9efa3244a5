// ESO's OpenBao provider through the built CLI against the loopback OpenBao: every auth method (token,
// userPass, appRole with roleId and roleRef, the environment token), KV v1 and v2, property, version,
// extract, find by name, the CA bundle, the auth namespace, ESO's error wording, and request counts
// (one login per store, one read per unique key and version).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeOpenBao } from '../servers/openbao/server.js';
import { makeTestTls } from '../servers/tls-ca.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { runCli } from '../helpers/cli.js';

let bao: FakeOpenBao;
let baoTls: FakeOpenBao;
let caPem: string;
let creds: string;

function credential(ns: string, name: string, key: string, value: string) {
  mkdirSync(path.join(creds, ns, name), { recursive: true });
  writeFileSync(path.join(creds, ns, name, key), value);
}

beforeAll(async () => {
  bao = await FakeOpenBao.start();
  bao.mountKv('kv', 2);
  bao.mountKv('legacy', 1);
  bao.put('kv', 'app/db', '{"username":"shop","password":"bao-pw-1","port":5432.0,"html":"<a&b>"}');
  bao.put('kv', 'app/db', '{"username":"shop","password":"bao-pw-2","port":5432.0,"html":"<a&b>"}');
  bao.put('kv', 'cfg-a', { A: '1' });
  bao.put('kv', 'cfg-b', { B: '2' });
  bao.put('kv', 'other', { O: 'x' });
  bao.put('legacy', 'app', { token: 'legacy-token-v' });
  bao.mountKv('kv', 2, 'team-a');
  bao.put('kv', 'ns-secret', { v: 'in-team-a' }, 'team-a');
  bao.addToken('bao-root', ['kv/*', 'legacy/*']);
  bao.addToken('bao-env-token', ['kv/*']);
  bao.addToken('bao-team-token', ['kv/*'], 'team-a');
  bao.enableUser('userpass', 'userpass', 'alice', 'alice-pw', ['legacy/*'], 'team-a');
  bao.mountKv('legacy', 1, 'team-a');
  bao.put('legacy', 'app', { token: 'team-a-legacy' }, 'team-a');
  bao.enableAppRole('approle', 'role-1', 'secret-1', ['kv/*']);
  const t = makeTestTls(['localhost']);
  caPem = t.caPem;
  baoTls = await FakeOpenBao.start({ tls: { keyPem: t.keyPem, certPem: t.certPem } });
  baoTls.mountKv('kv', 2);
  baoTls.put('kv', 'tls-secret', { v: 'over-tls' });
  baoTls.addToken('bao-root', ['kv/*']);
  creds = mkdtempSync(path.join(tmpdir(), 'openbao-e2e-'));
  credential('apps', 'bao-token', 'token', 'bao-root');
  credential('apps', 'bao-team', 'token', 'bao-team-token');
  credential('apps', 'bao-userpass', 'password', 'alice-pw');
  credential('apps', 'bao-approle', 'secret-id', 'secret-1');
  credential('apps', 'bao-approle', 'role-id', 'role-1');
  credential('apps', 'bao-ca', 'ca.crt', caPem);
});
afterAll(async () => {
  await bao?.close();
  await baoTls?.close();
  if (creds) rmSync(creds, { recursive: true, force: true });
});
beforeEach(() => {
  bao.resetLog();
  baoTls.resetLog();
});

const env = (extra: Record<string, string> = {}) => ({ PATH: process.env.PATH ?? '', HOME: '/tmp', ...extra });
const render = (stream: string, extra: Record<string, string> = {}) => runCli(['render', '--credentials-dir', creds], stream, { env: env(extra) });

/** A clean run: exit 0 and the summary line only. */
function ok(r: { code: number; stderr: string }): void {
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr.trim().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(/, 0 errors, /);
}

function secrets(stdout: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const i of parseManifests(stdout)) {
    if (i.object.kind !== 'Secret') continue;
    out[i.object.metadata!.name!] = Object.fromEntries(Object.entries((i.object.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }
  return out;
}

const store = (name: string, body: string) => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: ${name}, namespace: apps}
spec:
  provider:
    openBao:
${body.replace(/^/gm, '      ')}
---
`;
const es = (name: string, storeName: string, body: string) => `
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: ${name}, namespace: apps}
spec:
  secretStoreRef: {name: ${storeName}, kind: SecretStore}
${body.replace(/^/gm, '  ')}
---
`;

const tokenStore = () => store('bao', `server: "${bao.url}"\nauth:\n  tokenSecretRef: {name: bao-token, key: token}`);

describe('openBao through the CLI', () => {
  it('token auth, KV v2 at the default mount `kv`: property, whole secret, version, extract; one read per unique key and version', async () => {
    const r = await render(
      tokenStore() +
        es('db', 'bao', `data:
- {secretKey: user, remoteRef: {key: app/db, property: username}}
- {secretKey: pass, remoteRef: {key: app/db, property: password}}
- {secretKey: port, remoteRef: {key: app/db, property: port}}
- {secretKey: all, remoteRef: {key: app/db}}
- {secretKey: first, remoteRef: {key: app/db, property: password, version: "1"}}
- {secretKey: firstAgain, remoteRef: {key: app/db, property: password, version: "01"}}`) +
        es('db-extract', 'bao', `dataFrom:\n- extract: {key: app/db}`),
    );
    ok(r);
    expect(r.code).toBe(0);
    const s = secrets(r.stdout);
    expect(s.db).toEqual({
      user: 'shop',
      pass: 'bao-pw-2',
      port: '5432.0',
      // json.Marshal: sorted keys, HTML escaped, numbers verbatim.
      all: '{"html":"\\u003ca\\u0026b\\u003e","password":"bao-pw-2","port":5432.0,"username":"shop"}',
      first: 'bao-pw-1',
      firstAgain: 'bao-pw-1',
    });
    // extract: GetSecret's JSON unmarshalled into map[string]any, so 5432.0 becomes float64 5432.
    expect(s['db-extract']).toEqual({ html: '<a&b>', password: 'bao-pw-2', port: '5432', username: 'shop' });
    const seen = bao.requests.map((q) => `${q.verb} ${q.path}${q.query.version ? `?version=${q.query.version}` : ''} ${q.token}`).sort();
    expect(seen).toEqual(['GET kv/data/app/db bao-root', 'GET kv/data/app/db?version=1 bao-root']);
    expect(r.stderr).toContain('2 requests (SecretStore/apps/bao=2)');
  });

  it('userPass login in auth.namespace, KV v1 mount: one login, then reads with its token in the store namespace', async () => {
    const r = await render(
      store('bao-v1', `server: "${bao.url}"\npath: legacy\nversion: v1\nnamespace: team-a\nauth:\n  namespace: team-a\n  userPass: {username: alice, secretRef: {name: bao-userpass, key: password}}`) +
        es('legacy', 'bao-v1', `data:\n- {secretKey: token, remoteRef: {key: app, property: token}}\n- {secretKey: all, remoteRef: {key: app}}`),
    );
    ok(r);
    expect(secrets(r.stdout).legacy).toEqual({ token: 'team-a-legacy', all: '{"token":"team-a-legacy"}' });
    expect(bao.requests.map((q) => `${q.method} ${q.path} ${q.namespace}`)).toEqual(['POST auth/userpass/login/alice team-a', 'GET legacy/app team-a']);
    expect(bao.requests[0]!.body).toEqual({ password: 'alice-pw' });
  });

  it('appRole with roleId and with roleRef: one login per store', async () => {
    const r = await render(
      store('role-id', `server: "${bao.url}"\nauth:\n  appRole: {roleId: role-1, secretRef: {name: bao-approle, key: secret-id}}`) +
        store('role-ref', `server: "${bao.url}"\nauth:\n  appRole: {roleRef: {name: bao-approle, key: role-id}, secretRef: {name: bao-approle, key: secret-id}}`) +
        es('a', 'role-id', `data:\n- {secretKey: a, remoteRef: {key: cfg-a, property: A}}\n- {secretKey: b, remoteRef: {key: cfg-b, property: B}}`) +
        es('b', 'role-ref', `data:\n- {secretKey: a, remoteRef: {key: cfg-a, property: A}}`),
    );
    ok(r);
    expect(secrets(r.stdout)).toEqual({ a: { a: '1', b: '2' }, b: { a: '1' } });
    const logins = bao.requests.filter((q) => q.path === 'auth/approle/login');
    expect(logins.map((q) => q.body)).toEqual([{ role_id: 'role-1', secret_id: 'secret-1' }, { role_id: 'role-1', secret_id: 'secret-1' }]);
    expect(bao.requests.filter((q) => q.path.startsWith('kv/')).length).toBe(3);
  });

  it('no auth block: the environment token (BAO_TOKEN, else VAULT_TOKEN) and namespace, as OpenBao\'s Go API reads them', async () => {
    const stream = store('env', `server: "${bao.url}"`) + es('e', 'env', `data:\n- {secretKey: v, remoteRef: {key: ns-secret, property: v}}`);
    const r = await render(stream, { BAO_TOKEN: 'bao-team-token', BAO_NAMESPACE: 'team-a', VAULT_TOKEN: 'ignored' });
    ok(r);
    expect(secrets(r.stdout).e).toEqual({ v: 'in-team-a' });
    const r2 = await render(stream, { VAULT_TOKEN: 'bao-team-token', VAULT_NAMESPACE: 'team-a' });
    expect(secrets(r2.stdout).e).toEqual({ v: 'in-team-a' });
    expect(bao.requests.map((q) => `${q.token} ${q.namespace}`)).toEqual(['bao-team-token team-a', 'bao-team-token team-a']);
  });

  it('find by name lists the mount once and reads each match; tags and find.path are refused before any request', async () => {
    const r = await render(tokenStore() + es('found', 'bao', `dataFrom:\n- find: {name: {regexp: "^cfg-"}}`));
    ok(r);
    expect(secrets(r.stdout).found).toEqual({ 'cfg-a': '{"A":"1"}', 'cfg-b': '{"B":"2"}' });
    expect(bao.requests.map((q) => `${q.verb} ${q.path}`).sort()).toEqual(['GET kv/data/cfg-a', 'GET kv/data/cfg-b', 'LIST kv/metadata/']);
    bao.resetLog();
    const tags = await render(tokenStore() + es('t', 'bao', `dataFrom:\n- find: {tags: {team: a}}`));
    expect(tags.code).not.toBe(0);
    expect(tags.stdout).toBe('');
    expect(tags.stderr).toContain('tag based search is not implemented');
    const p = await render(tokenStore() + es('p', 'bao', `dataFrom:\n- find: {path: app, name: {regexp: "."}}`));
    expect(p.code).not.toBe(0);
    expect(p.stderr).toContain('find.path is not supported');
    expect(bao.requests).toEqual([]);
  });

  it('a matched name that is a folder fails the find, as in ESO (OpenBao\'s not-found is not ESO\'s NoSecretErr)', async () => {
    const r = await render(tokenStore() + es('f', 'bao', `dataFrom:\n- find: {name: {regexp: "^app"}}`));
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('secret not found: at kv/data/app/');
  });

  it('fails closed with ESO\'s wording: missing secret, missing property, version on KV v1, bad version', async () => {
    const cases: [string, string][] = [
      [es('x', 'bao', `data:\n- {secretKey: v, remoteRef: {key: nope}}`), 'secret not found: at kv/data/nope'],
      [es('x', 'bao', `data:\n- {secretKey: v, remoteRef: {key: cfg-a, property: Z}}`), 'cannot find secret data for key: "Z"'],
      [es('x', 'bao', `data:\n- {secretKey: v, remoteRef: {key: cfg-a, version: "v2"}}`), 'invalid Ref.Version: strconv.Atoi: parsing "v2": invalid syntax'],
      [es('x', 'bao', `data:\n- {secretKey: v, remoteRef: {key: cfg-a, version: "9"}}`), 'secret not found: for version 9 at kv/data/cfg-a'],
    ];
    for (const [e, msg] of cases) {
      const r = await render(tokenStore() + es('ok', 'bao', `data:\n- {secretKey: a, remoteRef: {key: cfg-a, property: A}}`) + e);
      expect(r.code, msg).not.toBe(0);
      expect(r.stdout, msg).toBe('');
      expect(r.stderr, msg).toContain(msg);
      expect(r.stderr).toContain('SecretStore/apps/bao');
    }
    const v1 = await render(
      store('v1', `server: "${bao.url}"\npath: legacy\nversion: v1\nauth:\n  tokenSecretRef: {name: bao-token, key: token}`) + es('x', 'v1', `data:\n- {secretKey: v, remoteRef: {key: app, version: "1"}}`),
    );
    expect(v1.stderr).toContain('OpenBao KVv1 secrets do not support versioning (use KVv2)');
    const login = await render(
      store('bad', `server: "${bao.url}"\nauth:\n  appRole: {roleId: role-1, secretRef: {name: bao-token, key: token}}`) + es('x', 'bad', `data:\n- {secretKey: v, remoteRef: {key: cfg-a}}`),
    );
    expect(login.code).not.toBe(0);
    expect(login.stderr).toContain('unable to log in to auth method: unable to log in with app role auth: Code: 400');
    expect(login.stderr).not.toContain('bao-root');
  });

  it('refuses Vault-only fields by name, and keys that are not canonical paths, before any request', async () => {
    const h = await render(store('h', `server: "${bao.url}"\nheaders: {X-A: b}\nauth:\n  tokenSecretRef: {name: bao-token, key: token}`) + es('x', 'h', `data:\n- {secretKey: v, remoteRef: {key: cfg-a}}`));
    expect(h.code).not.toBe(0);
    expect(h.stderr).toContain('spec.provider.openBao.headers');
    const k = await render(
      store('k', `server: "${bao.url}"\nauth:\n  kubernetes: {role: r}`) + es('x', 'k', `data:\n- {secretKey: v, remoteRef: {key: cfg-a}}`),
    );
    expect(k.stderr).toContain('spec.provider.openBao.auth.kubernetes');
    for (const key of ['/cfg-a', 'cfg-a/', 'app/../cfg-a', 'app%2fdb']) {
      const r = await render(tokenStore() + es('x', 'bao', `data:\n- {secretKey: v, remoteRef: {key: "${key}"}}`));
      expect(r.code, key).not.toBe(0);
      expect(r.stderr, key).toContain('is not canonical');
    }
    expect(bao.requests).toEqual([]);
  });

  it('caBundle and caProvider: HTTPS with the store\'s CA; without it the TLS handshake fails', async () => {
    const ca = Buffer.from(caPem).toString('base64');
    const body = (tlsField: string) => `server: "${baoTls.url.replace('127.0.0.1', 'localhost')}"\n${tlsField}auth:\n  tokenSecretRef: {name: bao-token, key: token}`;
    const read = es('t', 'tls', `data:\n- {secretKey: v, remoteRef: {key: tls-secret, property: v}}`);
    const a = await render(store('tls', body(`caBundle: ${ca}\n`)) + read);
    ok(a);
    expect(secrets(a.stdout).t).toEqual({ v: 'over-tls' });
    const b = await render(store('tls', body(`caProvider: {type: Secret, name: bao-ca, key: ca.crt}\n`)) + read);
    expect(secrets(b.stdout).t).toEqual({ v: 'over-tls' });
    const c = await render(store('tls', body('')) + read, { ESO_RENDER_REQUEST_TIMEOUT: '2s' });
    expect(c.code).not.toBe(0);
    expect(c.stdout).toBe('');
    const d = await render(store('tls', body(`caBundle: ${Buffer.from('not a pem').toString('base64')}\n`)) + read);
    expect(d.stderr).toContain('cannot set OpenBao CA certificate');
    expect(baoTls.requests.length).toBe(2);
  });
});
