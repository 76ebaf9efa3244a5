// ESO's kubernetes provider through the built CLI against the loopback Kubernetes API: token, client
// certificate and kubeconfig (authRef) auth; caBundle and caProvider; every read form (a key's whole data,
// a key, a gjson path into a key, metadata, extract with and without property, find by name and by
// labels); ESO's error wording; request counts (one GET per Secret name, one LIST per selector).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import forge from 'node-forge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeKubeApi } from '../servers/kubernetes/server.js';
import { makeTestTls } from '../servers/tls-ca.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { runCli } from '../helpers/cli.js';

let kube: FakeKubeApi;
let creds: string;
let caPem: string;
const TOKEN = 'kube-token-apps-reader';

/** A client certificate for `cn`, signed by a fresh CA (returned for the server to trust). */
function clientCert(cn: string): { caPem: string; certPem: string; keyPem: string } {
  const mk = () => {
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    return { priv: forge.pki.privateKeyFromPem(privateKey), pub: forge.pki.publicKeyFromPem(publicKey), pem: privateKey };
  };
  const caK = mk();
  const ca = forge.pki.createCertificate();
  ca.publicKey = caK.pub;
  ca.serialNumber = '01';
  ca.validity.notBefore = new Date(Date.now() - 60_000);
  ca.validity.notAfter = new Date(Date.now() + 3600_000);
  ca.setSubject([{ name: 'commonName', value: 'client CA' }]);
  ca.setIssuer([{ name: 'commonName', value: 'client CA' }]);
  ca.setExtensions([{ name: 'basicConstraints', cA: true }, { name: 'keyUsage', keyCertSign: true }]);
  ca.sign(caK.priv as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  const k = mk();
  const c = forge.pki.createCertificate();
  c.publicKey = k.pub;
  c.serialNumber = '02';
  c.validity.notBefore = ca.validity.notBefore;
  c.validity.notAfter = ca.validity.notAfter;
  c.setSubject([{ name: 'commonName', value: cn }]);
  c.setIssuer(ca.subject.attributes);
  c.setExtensions([{ name: 'extKeyUsage', clientAuth: true }]);
  c.sign(caK.priv as forge.pki.rsa.PrivateKey, forge.md.sha256.create());
  return { caPem: forge.pki.certificateToPem(ca), certPem: forge.pki.certificateToPem(c), keyPem: k.pem };
}

function credential(ns: string, name: string, key: string, value: string) {
  mkdirSync(path.join(creds, ns, name), { recursive: true });
  writeFileSync(path.join(creds, ns, name, key), value);
}

const kubeconfig = (user: Record<string, unknown>, server = kube.url) =>
  JSON.stringify({
    apiVersion: 'v1',
    kind: 'Config',
    'current-context': 'remote',
    contexts: [{ name: 'remote', context: { cluster: 'c', user: 'u' } }],
    clusters: [{ name: 'c', cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: 'u', user }],
  });

beforeAll(async () => {
  const t = makeTestTls(['localhost']);
  caPem = t.caPem;
  const cc = clientCert('system:serviceaccount:remote:reader');
  kube = await FakeKubeApi.start({ tls: { keyPem: t.keyPem, certPem: t.certPem, clientCaPem: cc.caPem } });
  kube.put('team-a', 'db', { username: 'shop', password: 'kube-pw-1', config: '{"db":{"host":"db.internal","port":5432}}' }, { labels: { app: 'shop', tier: 'db' }, annotations: { owner: 'payments', meta: '{"x":{"y":"z"}}' } });
  kube.put('team-a', 'api-key', { key: 'kube-api-1' }, { labels: { app: 'shop' } });
  kube.put('team-a', 'json-in-key', { nested: '{"a":"1","b":{"c":2}}' });
  kube.put('team-a', 'other', { o: 'x' }, { labels: { app: 'other' } });
  kube.put('default', 'in-default', { d: 'default-ns' });
  kube.put('team-b', 'b-secret', { b: 'team-b' });
  kube.addToken(TOKEN, 'system:serviceaccount:remote:reader', ['team-a', 'default']);
  kube.grant('system:serviceaccount:remote:reader', ['team-a', 'default']);
  creds = mkdtempSync(path.join(tmpdir(), 'kube-e2e-'));
  credential('apps', 'kube-token', 'token', TOKEN);
  credential('apps', 'kube-ca', 'ca.crt', caPem);
  credential('apps', 'kube-cert', 'tls.crt', cc.certPem);
  credential('apps', 'kube-cert', 'tls.key', cc.keyPem);
  credential('apps', 'kubeconfig', 'config', kubeconfig({ token: TOKEN }));
  credential('apps', 'kubeconfig-file', 'config', kubeconfig({ tokenFile: '/var/run/secrets/kubernetes.io/serviceaccount/token' }));
  credential('apps', 'kubeconfig-exec', 'config', kubeconfig({ exec: { command: 'cat', args: ['/etc/passwd'], apiVersion: 'client.authentication.k8s.io/v1' } }));
});
afterAll(async () => {
  await kube?.close();
  if (creds) rmSync(creds, { recursive: true, force: true });
});
beforeEach(() => kube.resetLog());

const render = (stream: string) => runCli(['render', '--credentials-dir', creds], stream, { env: { PATH: process.env.PATH ?? '', HOME: '/tmp' } });

function ok(r: { code: number; stderr: string }): void {
  expect(r.code, r.stderr).toBe(0);
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

const ca64 = () => Buffer.from(caPem).toString('base64');
const store = (name: string, provider: string) => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: ${name}, namespace: apps}
spec:
  provider:
    kubernetes:
${provider.replace(/^/gm, '      ')}
---
`;
const tokenStore = (ns = 'team-a') => store('remote', `server: {url: "${kube.url}", caBundle: ${ca64()}}\nremoteNamespace: ${ns}\nauth:\n  token: {bearerToken: {name: kube-token, key: token}}`);
const es = (name: string, storeName: string, body: string) => `
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: ${name}, namespace: apps}
spec:
  secretStoreRef: {name: ${storeName}, kind: SecretStore}
${body.replace(/^/gm, '  ')}
---
`;
const gets = () => kube.requests.map((q) => `${q.path}${q.query.labelSelector !== undefined ? `?labelSelector=${q.query.labelSelector}` : ''}`).sort();

describe('kubernetes through the CLI', () => {
  it('token auth over HTTPS with caBundle: every data[] form, metadata, extract; one GET per Secret', async () => {
    const r = await render(
      tokenStore() +
        es('db', 'remote', `data:
- {secretKey: user, remoteRef: {key: db, property: username}}
- {secretKey: host, remoteRef: {key: db, property: config.db.host}}
- {secretKey: port, remoteRef: {key: db, property: config.db.port}}
- {secretKey: all, remoteRef: {key: db}}
- {secretKey: meta, remoteRef: {key: db, metadataPolicy: Fetch}}
- {secretKey: labels, remoteRef: {key: db, property: labels, metadataPolicy: Fetch}}
- {secretKey: owner, remoteRef: {key: db, property: annotations.owner, metadataPolicy: Fetch}}
- {secretKey: metaPath, remoteRef: {key: db, property: annotations.meta.x, metadataPolicy: Fetch}}`) +
        es('db-extract', 'remote', `dataFrom:\n- extract: {key: db}`) +
        es('db-extract-meta', 'remote', `dataFrom:\n- extract: {key: db, metadataPolicy: Fetch}`) +
        es('nested-extract', 'remote', `dataFrom:\n- extract: {key: json-in-key, property: nested}`),
    );
    ok(r);
    const s = secrets(r.stdout);
    expect(s.db).toEqual({
      user: 'shop',
      host: 'db.internal',
      port: '5432',
      all: '{"config":"{\\"db\\":{\\"host\\":\\"db.internal\\",\\"port\\":5432}}","password":"kube-pw-1","username":"shop"}',
      meta: '{"annotations":{"meta":"{\\"x\\":{\\"y\\":\\"z\\"}}","owner":"payments"},"labels":{"app":"shop","tier":"db"}}',
      labels: '{"app":"shop","tier":"db"}',
      owner: 'payments',
      metaPath: '{"y":"z"}',
    });
    expect(s['db-extract']).toEqual({ username: 'shop', password: 'kube-pw-1', config: '{"db":{"host":"db.internal","port":5432}}' });
    expect(s['db-extract-meta']).toEqual({ labels: '{"app":"shop","tier":"db"}', annotations: '{"meta":"{\\"x\\":{\\"y\\":\\"z\\"}}","owner":"payments"}' });
    // extract with property: each member of the selected JSON object, JSON-encoded (strings keep their quotes).
    expect(s['nested-extract']).toEqual({ a: '"1"', b: '{"c":2}' });
    expect(gets()).toEqual(['/api/v1/namespaces/team-a/secrets/db', '/api/v1/namespaces/team-a/secrets/json-in-key']);
    expect(kube.requests.every((q) => q.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(r.stderr).toContain('2 requests (SecretStore/apps/remote=2)');
  }, 60_000);

  it('find by name and by labels: one LIST each, each Secret\'s data as JSON under its name', async () => {
    const r = await render(
      tokenStore() +
        es('by-name', 'remote', `dataFrom:\n- find: {name: {regexp: "^(db|api-key)$"}}`) +
        es('by-label', 'remote', `dataFrom:\n- find: {tags: {app: shop}}`),
    );
    ok(r);
    const s = secrets(r.stdout);
    expect(Object.keys(s['by-name']!).sort()).toEqual(['api-key', 'db']);
    expect(s['by-name']!['api-key']).toBe('{"key":"kube-api-1"}');
    expect(Object.keys(s['by-label']!).sort()).toEqual(['api-key', 'db']);
    expect(s['by-label']!.db).toBe('{"config":"{\\"db\\":{\\"host\\":\\"db.internal\\",\\"port\\":5432}}","password":"kube-pw-1","username":"shop"}');
    expect(gets()).toEqual(['/api/v1/namespaces/team-a/secrets', '/api/v1/namespaces/team-a/secrets?labelSelector=app=shop']);
  });

  it('client certificate auth with caProvider; remoteNamespace defaults to `default`', async () => {
    const r = await render(
      store('mtls', `server:\n  url: "${kube.url}"\n  caProvider: {type: Secret, name: kube-ca, key: ca.crt}\nauth:\n  cert:\n    clientCert: {name: kube-cert, key: tls.crt}\n    clientKey: {name: kube-cert, key: tls.key}`) +
        es('d', 'mtls', `data:\n- {secretKey: d, remoteRef: {key: in-default, property: d}}`),
    );
    ok(r);
    expect(secrets(r.stdout).d).toEqual({ d: 'default-ns' });
    expect(kube.requests.map((q) => `${q.user} ${q.path}`)).toEqual(['system:serviceaccount:remote:reader /api/v1/namespaces/default/secrets/in-default']);
    expect(kube.requests[0]!.authorization).toBeUndefined();
  });

  it('a kubeconfig through authRef (inline token and CA); file, exec and the sidecar\'s token file are refused before any request', async () => {
    const read = (st: string) => es('k', st, `data:\n- {secretKey: v, remoteRef: {key: api-key, property: key}}`);
    const r = await render(store('kc', `remoteNamespace: team-a\nauthRef: {name: kubeconfig, key: config}`) + read('kc'));
    ok(r);
    expect(secrets(r.stdout).k).toEqual({ v: 'kube-api-1' });
    expect(kube.requests.length).toBe(1);
    kube.resetLog();
    const f = await render(store('kc', `remoteNamespace: team-a\nauthRef: {name: kubeconfig-file, key: config}`) + read('kc'));
    expect(f.code).not.toBe(0);
    expect(f.stdout).toBe('');
    expect(f.stderr).toContain('users[].user.tokenFile is not supported');
    const x = await render(store('kc', `remoteNamespace: team-a\nauthRef: {name: kubeconfig-exec, key: config}`) + read('kc'));
    expect(x.stderr).toContain('users[].user.exec is not supported');
    expect(x.stderr).not.toContain('/etc/passwd');
    expect(kube.requests).toEqual([]);
  });

  it('fails closed with ESO\'s wording', async () => {
    const cases: [string, string, string][] = [
      [tokenStore(), `data:\n- {secretKey: v, remoteRef: {key: nope}}`, 'secrets "nope" not found'],
      [tokenStore(), `data:\n- {secretKey: v, remoteRef: {key: db, property: nope}}`, 'property nope does not exist in data of secret "db"'],
      [tokenStore(), `data:\n- {secretKey: v, remoteRef: {key: db, property: labels.nope, metadataPolicy: Fetch}}`, 'property labels.nope does not exist in metadata of secret "db"'],
      [tokenStore(), `dataFrom:\n- extract: {key: db, property: nope}`, 'property nope does not exist in key db'],
      [tokenStore(), `dataFrom:\n- extract: {key: db, property: password}`, 'failed to unmarshal secret: invalid JSON format'],
      [tokenStore(), `data:\n- {secretKey: v, remoteRef: {key: db, property: annotations.meta.x.y, metadataPolicy: Fetch}}`, 'property annotations.meta.x.y does not exist in metadata of secret "db"'],
      [tokenStore('team-b'), `data:\n- {secretKey: v, remoteRef: {key: b-secret}}`, 'secrets "b-secret" is forbidden: User "system:serviceaccount:remote:reader" cannot get resource "secrets"'],
      [store('remote', `server: {url: "${kube.url}", caBundle: ${ca64()}}`), `data:\n- {secretKey: v, remoteRef: {key: db}}`, 'spec.provider.kubernetes.auth: no auth provider given'],
      [store('remote', `server: {url: "${kube.url}", caBundle: ${ca64()}}\nauth:\n  serviceAccount: {name: reader}`), `data:\n- {secretKey: v, remoteRef: {key: db}}`, 'auth.serviceAccount needs the Kubernetes TokenRequest API'],
      [store('remote', `server: {url: "${kube.url}"}\nauth:\n  token: {bearerToken: {name: kube-token, key: token}}\n  cert: {clientCert: {name: kube-cert, key: tls.crt}, clientKey: {name: kube-cert, key: tls.key}}`), `data:\n- {secretKey: v, remoteRef: {key: db}}`, 'spec.provider.kubernetes.auth: must set at most 1 field'],
      [store('remote', `server: {url: "${kube.url}"}\nremoteNamespace: team-a\nauth:\n  token: {bearerToken: {name: kube-token, key: token}}`), `data:\n- {secretKey: v, remoteRef: {key: db}}`, 'certificate'],
    ];
    for (const [st, body, msg] of cases) {
      const r = await render(st + es('x', 'remote', body));
      expect(r.code, msg).not.toBe(0);
      expect(r.stdout, msg).toBe('');
      expect(r.stderr, msg).toContain(msg);
      expect(r.stderr, msg).not.toContain('kube-pw-1');
      expect(r.stderr, msg).not.toContain(TOKEN);
    }
    // extract of a missing Secret is ESO's NoSecretErr (GetSecretMap maps NotFound), not the API text.
    const missing = await render(tokenStore() + es('x', 'remote', `dataFrom:\n- extract: {key: nope}`));
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).not.toContain('secrets "nope" not found');
  }, 120_000);

  it('keys that are not Secret names and tags that are not labels are refused before any request', async () => {
    for (const key of ['../team-b/secrets/b-secret', 'a/b', 'UPPER', 'a%2fb', '.', 'x'.repeat(254)]) {
      const r = await render(tokenStore() + es('x', 'remote', `data:\n- {secretKey: v, remoteRef: {key: "${key}"}}`));
      expect(r.code, key).not.toBe(0);
      expect(r.stderr, key).toContain('is not canonical');
    }
    const t = await render(tokenStore() + es('x', 'remote', `dataFrom:\n- find: {tags: {"app,x": shop}}`));
    expect(t.code).not.toBe(0);
    expect(t.stderr).toContain('invalid label key');
    expect(kube.requests).toEqual([]);
  });
});
