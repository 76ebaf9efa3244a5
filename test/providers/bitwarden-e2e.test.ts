// Bitwarden Secrets Manager through the built CLI against the loopback Bitwarden SDK server (HTTPS, the
// store's CA): every read form ESO's provider has (a secret by id, by name within the store's project,
// extract of a JSON or YAML value, find returning every secret of the organization by id), ESO's error
// wording, the CA sources, fail-closed runs, refusals before any request, the per-store bound, and
// request counts (the listing and each secret once per run, however many refs share them).

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/frontends/stream.js';
import { runCli } from '../helpers/cli.js';
import { makeTestTls } from '../servers/tls-ca.js';
import { FakeBitwardenSdkServer, bwId } from '../servers/bitwarden/server.js';

let bw: FakeBitwardenSdkServer;
let creds: string;
let ids: Record<string, string>;
let token: string;
const ORG = bwId('org:acme');
const PAYMENTS = bwId('project:payments');

const APP_CONFIG = '{"user":"shop","port":5432,"ratio":1.50,"big":1e6,"ok":true,"nested":{"b":2,"a":"x y"},"list":[1,"two"],"none":null}';

beforeAll(async () => {
  bw = await FakeBitwardenSdkServer.start();
  const [dbPw, appConfig, yamlConfig, dupA, dupB, plain] = bw.addSecrets('acme', [
    { key: 'db-password', value: 'pw-Bw7q2', project: 'payments' },
    { key: 'app-config', value: APP_CONFIG, project: 'payments' },
    { key: 'yaml-config', value: 'host: db.internal\nport: "5432"\nlevels: [1, 2]\n', project: 'payments' },
    { key: 'twice', value: 'one-Tz1', project: 'payments' },
    { key: 'twice', value: 'two-Tz2', project: 'payments' },
    { key: 'plain', value: 'just text', project: 'payments' },
  ]);
  const [billingPw] = bw.addSecrets('acme', [{ key: 'db-password', value: 'billing-pw-Kx4', project: 'billing' }]);
  bw.addSecrets('acme', [{ key: 'hidden', value: 'not-granted-Qq9', project: 'secret-project' }]);
  ids = { dbPw: dbPw!, appConfig: appConfig!, yamlConfig: yamlConfig!, dupA: dupA!, dupB: dupB!, plain: plain!, billingPw: billingPw! };
  token = bw.addMachineAccount('eso', 'acme', ['payments', 'billing']);
  creds = mkdtempSync(path.join(tmpdir(), 'bw-e2e-'));
  const put = (ns: string, name: string, key: string, value: string) => {
    mkdirSync(path.join(creds, ns, name), { recursive: true });
    writeFileSync(path.join(creds, ns, name, key), value);
  };
  put('apps', 'bw-token', 'token', `${token}\n`);
  put('apps', 'bw-wrong', 'token', '0.00000000-0000-4000-a000-000000000000.nope:bm9wZQ==');
  put('apps', 'bw-ca', 'ca.crt', bw.tls.caPem);
});
afterAll(async () => {
  await bw.close();
  rmSync(creds, { recursive: true, force: true });
});
beforeEach(() => bw.resetLog());

interface StoreOpts {
  tokenSecret?: string;
  ca?: Record<string, unknown>;
  url?: string;
  extra?: Record<string, unknown>;
}
const store = (name: string, o: StoreOpts = {}) =>
  JSON.stringify({
    apiVersion: 'external-secrets.io/v1',
    kind: 'SecretStore',
    metadata: { name, namespace: 'apps' },
    spec: {
      provider: {
        bitwardensecretsmanager: {
          bitwardenServerSDKURL: o.url ?? bw.url,
          organizationID: ORG,
          projectID: PAYMENTS,
          auth: { secretRef: { credentials: { name: o.tokenSecret ?? 'bw-token', key: 'token' } } },
          ...(o.ca ?? { caBundle: bw.caBundle }),
          ...(o.extra ?? {}),
        },
      },
    },
  });

const es = (name: string, storeName: string, spec: string) => `
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: ${name}, namespace: apps}
spec:
  secretStoreRef: {name: ${storeName}, kind: SecretStore}
${spec}`;

const render = (stream: string, extra: string[] = []) => runCli(['render', '--credentials-dir', creds, '--deadline', '20s', ...extra], stream);

function secrets(stdout: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const i of parseManifests(stdout)) {
    if (i.object.kind !== 'Secret') continue;
    out[i.object.metadata!.name!] = Object.fromEntries(Object.entries((i.object.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }
  return out;
}

describe('bitwardensecretsmanager through the CLI', () => {
  it('by id, by name within the project, extract of JSON and YAML; each listing and secret requested once', async () => {
    const r = await render(
      store('bw', { extra: { apiURL: 'https://api.bitwarden.eu/', identityURL: 'https://identity.bitwarden.eu' } }) +
        es('byid', 'bw', `  data:
  - {secretKey: pass, remoteRef: {key: ${ids['dbPw']}}}
  - {secretKey: upper, remoteRef: {key: ${ids['dbPw']!.toUpperCase()}}}
  - {secretKey: withprop, remoteRef: {key: ${ids['dbPw']}, property: ignored, version: "7"}}`) +
        es('byname', 'bw', `  data:
  - {secretKey: pass, remoteRef: {key: db-password}}
  - {secretKey: again, remoteRef: {key: db-password}}`) +
        es('extract', 'bw', `  dataFrom:
  - extract: {key: app-config}
  - extract: {key: ${ids['yamlConfig']}}`),
    );
    expect(r.code, r.stderr).toBe(0);
    // 1 listing; by id: db-password (also a name candidate) and the upper-case id; by name the billing
    // secret of the same name (read to learn its project); app-config and yaml-config.
    expect(r.stderr).toContain('6 requests (SecretStore/apps/bw=6), 0 retries, 0 errors');
    const s = secrets(r.stdout);
    // The project decides between the two secrets named db-password; property and version are not read (as ESO).
    expect(s['byid']).toEqual({ pass: 'pw-Bw7q2', upper: 'pw-Bw7q2', withprop: 'pw-Bw7q2' });
    expect(s['byname']).toEqual({ pass: 'pw-Bw7q2', again: 'pw-Bw7q2' });
    // JSON is YAML to go-yaml v3: numbers as %v, nested mappings re-marshalled, lists as %v, null as <nil>.
    expect(s['extract']).toEqual({
      user: 'shop',
      port: '5432',
      ratio: '1.5',
      big: '1e+06',
      ok: 'true',
      nested: 'a: x y\nb: 2',
      list: '[1 two]',
      none: '<nil>',
      host: 'db.internal',
      levels: '[1 2]',
    });
    const gets = bw.requests.filter((q) => q.path === '/rest/api/1/secret').map((q) => (JSON.parse(q.body) as { id: string }).id);
    expect(new Set(gets).size).toBe(gets.length);
    expect(bw.requests.filter((q) => q.path === '/rest/api/1/secrets').map((q) => q.body)).toEqual([JSON.stringify({ organizationID: ORG })]);
    expect(bw.requests.every((q) => q.method === 'GET' && q.token === token && q.apiUrl === 'https://api.bitwarden.eu' && q.identityUrl === 'https://identity.bitwarden.eu')).toBe(true);
    expect(r.stderr).not.toContain('pw-Bw7q2');
  });

  it('find returns every secret of the organization the account sees, keyed by id, whatever the selector (as ESO)', async () => {
    const r = await render(
      store('bw') +
        es('all', 'bw', `  dataFrom:
  - find: {name: {regexp: "^db-"}}`) +
        es('tags', 'bw', `  dataFrom:
  - find: {tags: {team: x}}
  data:
  - {secretKey: pass, remoteRef: {key: db-password}}`),
    );
    expect(r.code, r.stderr).toBe(0);
    // 1 listing (shared by both finds and the name lookup) and 7 visible secrets, each once.
    expect(r.stderr).toContain('8 requests (SecretStore/apps/bw=8), 0 retries, 0 errors');
    const s = secrets(r.stdout);
    const expected = {
      [ids['dbPw']!]: 'pw-Bw7q2',
      [ids['appConfig']!]: APP_CONFIG,
      [ids['yamlConfig']!]: 'host: db.internal\nport: "5432"\nlevels: [1, 2]\n',
      [ids['dupA']!]: 'one-Tz1',
      [ids['dupB']!]: 'two-Tz2',
      [ids['plain']!]: 'just text',
      [ids['billingPw']!]: 'billing-pw-Kx4',
    };
    expect(s['all']).toEqual(expected);
    expect(s['tags']).toEqual({ ...expected, pass: 'pw-Bw7q2' });
  });

  it('the per-store concurrency bound holds for a find that reads every secret', async () => {
    bw.delayMs = 50;
    try {
      const r = await render(store('bw') + es('all', 'bw', `  dataFrom:\n  - find: {name: {regexp: ".*"}}`), ['--concurrency', '2']);
      expect(r.code, r.stderr).toBe(0);
      expect(Object.keys(secrets(r.stdout)['all']!).length).toBe(7);
      expect(bw.maxInFlight).toBeLessThanOrEqual(2);
      expect(bw.maxInFlight).toBeGreaterThanOrEqual(1);
    } finally {
      bw.delayMs = 0;
    }
  });

  it("ESO's errors, and a failing read fails the whole run without a value", async () => {
    const unknownId = bwId('nowhere');
    const cases: [string, string][] = [
      [`  data:\n  - {secretKey: x, remoteRef: {key: nowhere}}`, `no secret found for project id ${PAYMENTS} and name nowhere`],
      [`  data:\n  - {secretKey: x, remoteRef: {key: twice}}`, `failed to get secret: more than one secret found for project ${PAYMENTS} with key twice`],
      [`  data:\n  - {secretKey: x, remoteRef: {key: ${unknownId}}}`, 'failed to get secret: failed to get secret: failed to perform http request, got response: (the SDK server\'s message is not shown) with status code 400'],
      [`  dataFrom:\n  - extract: {key: plain}`, 'key "plain": error unmarshalling secret: the value is neither a YAML mapping nor a JSON object'],
    ];
    for (const [spec, message] of cases) {
      const r = await render(store('bw') + es('ok', 'bw', `  data:\n  - {secretKey: p, remoteRef: {key: db-password}}`) + es('bad', 'bw', spec));
      expect(r.code, message).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('SecretStore/apps/bw');
      for (const v of ['pw-Bw7q2', 'one-Tz1', 'two-Tz2', 'just text', 'Resource not found']) expect(r.stderr).not.toContain(v);
    }
  });

  it('a token the SDK server cannot log in with: ESO\'s wording, no body, no token', async () => {
    const r = await render(store('bw', { tokenSecret: 'bw-wrong' }) + es('x', 'bw', `  data:\n  - {secretKey: p, remoteRef: {key: db-password}}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('failed to get secret: failed to get all secrets: failed to list secrets: failed to perform http request, got response: (the SDK server\'s message is not shown) with status code 400');
    expect(r.stderr).not.toContain('invalid_client');
    expect(r.stderr).not.toContain('bm9wZQ');
  });

  it('the CA: raw PEM or base64 caBundle, caProvider Secret; none, another CA or a foreign namespace fail', async () => {
    const ok = es('x', 'bw', `  data:\n  - {secretKey: p, remoteRef: {key: ${ids['dbPw']}}}`);
    for (const ca of [{ caBundle: bw.tls.caPem }, { caProvider: { type: 'Secret', name: 'bw-ca', key: 'ca.crt' } }]) {
      const r = await render(store('bw', { ca }) + ok);
      expect(r.code, r.stderr).toBe(0);
      expect(secrets(r.stdout)['x']).toEqual({ p: 'pw-Bw7q2' });
    }
    bw.resetLog();
    const refused: [Record<string, unknown>, string][] = [
      [{}, 'could not create SdkClient: error creating https client: failed to append caBundle'],
      [{ caBundle: 'not a certificate' }, 'failed to decode ca bundle'],
      [{ caProvider: { type: 'Secret', name: 'bw-ca', key: 'ca.crt', namespace: 'other' } }, 'namespace should either be empty or match the namespace of the SecretStore'],
    ];
    for (const [ca, msg] of refused) {
      const r = await render(store('bw', { ca }) + ok);
      expect(r.code, msg).toBe(1);
      expect(r.stderr).toContain(msg);
    }
    expect(bw.requests).toEqual([]);
    // A CA that did not sign the server's certificate: the TLS handshake fails, nothing is read.
    const other = Buffer.from(makeTestTls([], 'another CA').caPem).toString('base64');
    const r = await render(store('bw', { ca: { caBundle: other } }) + ok);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("the SDK server's certificate is not trusted by the store's caBundle/caProvider");
    expect(bw.requests).toEqual([]);
  });

  it('store checks and find.path refuse before any request', async () => {
    const ok = es('x', 'bw', `  data:\n  - {secretKey: p, remoteRef: {key: db-password}}`);
    let r = await render(store('bw', { url: '' }) + ok);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bitwardenServerSDKURL not configured');
    r = await render(store('bw', { url: 'ftp://x' }) + ok);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('spec.provider.bitwardensecretsmanager.bitwardenServerSDKURL: an http(s) URL');
    r = await render(store('bw') + es('f', 'bw', `  dataFrom:\n  - find: {path: payments/}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('spec.dataFrom[0].find.path');
    expect(r.stderr).toContain("ESO's Bitwarden provider ignores find.path");
    expect(bw.requests).toEqual([]);
  });
});
