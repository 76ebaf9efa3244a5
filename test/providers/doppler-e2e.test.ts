// Doppler through the built CLI against the loopback Doppler API: every read form ESO's provider has (a
// secret by name, extract of a JSON secret, find of the whole config, by name regexp and by path prefix,
// nameTransformer, format downloads), service and personal tokens, ESO's error wording, fail-closed runs,
// and request counts (every planned name downloaded once per run, in a few batched downloads; the whole
// config once per run however many finds share it).

import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseManifests } from '../../src/frontends/stream.js';
import { runCli } from '../helpers/cli.js';
import { FakeDoppler } from '../servers/doppler/server.js';

const SERVICE = 'dp.st.prd.Hk2x9QwErTy';
const PERSONAL = 'dp.pt.Zr5Lp3MnBv';
let dp: FakeDoppler;
let creds: string;

const PRD = {
  DB_USER: 'shop',
  DB_PASSWORD: 'prd-pw-Hk2x9',
  API_KEY: 'api-key-Gs3n8',
  STRIPE_KEY: 'sk-live-Xc5v2',
  SMTP__USER_NAME: 'mailer',
  APP_JSON: '{"host":"db.internal","port":5432,"tls":{"mode":"verify-full"},"nothing":null}',
  NOT_JSON: 'plain-text-Vb8',
};

beforeAll(async () => {
  dp = await FakeDoppler.start();
  dp.addConfig('auth-api', 'prd', PRD);
  dp.addConfig('auth-api', 'stg', { DB_PASSWORD: 'stg-pw-Qa1' });
  dp.addConfig('billing', 'dev', { BILLING_KEY: 'billing-dev-Op0' });
  dp.addServiceToken(SERVICE, 'auth-api', 'prd');
  dp.addPersonalToken(PERSONAL);
  creds = mkdtempSync(path.join(tmpdir(), 'doppler-e2e-'));
  const put = (ns: string, name: string, key: string, value: string) => {
    mkdirSync(path.join(creds, ns, name), { recursive: true });
    writeFileSync(path.join(creds, ns, name, key), value);
  };
  put('apps', 'doppler-token', 'dopplerToken', SERVICE);
  put('apps', 'doppler-personal', 'token', PERSONAL);
  put('apps', 'doppler-wrong', 'dopplerToken', 'dp.st.not-a-token');
  put('platform', 'doppler-token', 'dopplerToken', SERVICE);
});
afterAll(async () => {
  await dp.close();
  rmSync(creds, { recursive: true, force: true });
});
beforeEach(() => dp.resetLog());

const store = (name: string, extra: Record<string, unknown> = {}, token: Record<string, unknown> = { name: 'doppler-token' }) => `
---
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: ${name}, namespace: apps}
spec:
  provider:
    doppler: ${JSON.stringify({ auth: { secretRef: { dopplerToken: token } }, ...extra })}
`;

const es = (name: string, storeName: string, spec: string, kind = 'SecretStore') => `
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: ${name}, namespace: apps}
spec:
  secretStoreRef: {name: ${storeName}, kind: ${kind}}
${spec}`;

const env = () => ({ PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ESO_RENDER_DOPPLER_API_ADDRESS: dp.url });
const render = (stream: string, args: string[] = [], e: NodeJS.ProcessEnv = env()) => runCli(['render', '--credentials-dir', creds, '--deadline', '20s', ...args], stream, { env: e });

function secrets(stdout: string): Record<string, Record<string, string>> {
  const out: Record<string, Record<string, string>> = {};
  for (const i of parseManifests(stdout)) {
    if (i.object.kind !== 'Secret') continue;
    out[i.object.metadata!.name!] = Object.fromEntries(Object.entries((i.object.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
  }
  return out;
}

describe('doppler through the CLI', () => {
  it('secrets by name and extract: one batched download for every planned name, token as the Basic user', async () => {
    const r = await render(
      store('dp') +
        es('db', 'dp', `  data:
  - {secretKey: user, remoteRef: {key: DB_USER}}
  - {secretKey: pass, remoteRef: {key: DB_PASSWORD}}
  - {secretKey: prop, remoteRef: {key: API_KEY, property: ignored, version: "7"}}`) +
        es('api', 'dp', `  data:
  - {secretKey: key, remoteRef: {key: API_KEY}}
  - {secretKey: pass, remoteRef: {key: DB_PASSWORD}}`) +
        es('app', 'dp', `  dataFrom:
  - extract: {key: APP_JSON}`),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('1 requests (SecretStore/apps/dp=1), 0 retries, 0 errors');
    const s = secrets(r.stdout);
    // ESO's provider reads neither property nor version: the whole value.
    expect(s['db']).toEqual({ user: 'shop', pass: 'prd-pw-Hk2x9', prop: 'api-key-Gs3n8' });
    expect(s['api']).toEqual({ key: 'api-key-Gs3n8', pass: 'prd-pw-Hk2x9' });
    // Strings unquoted, other JSON kept as its source text, null empty.
    expect(s['app']).toEqual({ host: 'db.internal', port: '5432', tls: '{"mode":"verify-full"}', nothing: '' });
    expect(dp.requests).toHaveLength(1);
    const q = dp.requests[0]!;
    expect(q.path).toBe('/v3/configs/config/secrets/download');
    expect(q.query).toEqual({ secrets: 'API_KEY,APP_JSON,DB_PASSWORD,DB_USER' });
    expect(q.scheme).toBe('basic');
    expect(q.token).toBe(SERVICE);
    expect(q.accept).toBe('application/json');
  });

  it('find: the whole config once for every find, by name regexp, by path prefix, both; tags are not read', async () => {
    const r = await render(
      store('dp') +
        es('all', 'dp', `  dataFrom:\n  - find: {}`) +
        es('byname', 'dp', `  dataFrom:\n  - find: {name: {regexp: "^(API|STRIPE)_KEY$"}}`) +
        es('bypath', 'dp', `  dataFrom:\n  - find: {path: DB_}`) +
        es('both', 'dp', `  dataFrom:\n  - find: {path: DB_, name: {regexp: "PASS"}}`) +
        es('tags', 'dp', `  dataFrom:\n  - find: {path: STRIPE, tags: {team: none}}`),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('1 requests (SecretStore/apps/dp=1), 0 retries, 0 errors');
    const s = secrets(r.stdout);
    expect(s['all']).toEqual({ ...PRD, DOPPLER_PROJECT: 'auth-api', DOPPLER_CONFIG: 'prd', DOPPLER_ENVIRONMENT: 'prd' });
    expect(s['byname']).toEqual({ API_KEY: 'api-key-Gs3n8', STRIPE_KEY: 'sk-live-Xc5v2' });
    expect(s['bypath']).toEqual({ DB_USER: 'shop', DB_PASSWORD: 'prd-pw-Hk2x9' });
    expect(s['both']).toEqual({ DB_PASSWORD: 'prd-pw-Hk2x9' });
    expect(s['tags']).toEqual({ STRIPE_KEY: 'sk-live-Xc5v2' });
    expect(dp.requests.map((q) => q.query)).toEqual([{}]);
  });

  it('nameTransformer applies to find only; format downloads one DOPPLER_SECRETS_FILE', async () => {
    const r = await render(
      store('camel', { nameTransformer: 'camel' }) +
        store('kebab', { nameTransformer: 'lower-kebab' }) +
        store('envfile', { format: 'env' }) +
        store('jsonfile', { format: 'json', nameTransformer: 'dotnet-env' }) +
        es('camel', 'camel', `  dataFrom:\n  - find: {name: {regexp: "^db"}}\n  data:\n  - {secretKey: raw, remoteRef: {key: DB_USER}}`) +
        es('kebab', 'kebab', `  dataFrom:\n  - find: {path: api}`) +
        es('envfile', 'envfile', `  dataFrom:\n  - find: {}`) +
        es('jsonfile', 'jsonfile', `  dataFrom:\n  - find: {name: {regexp: FILE}}`),
    );
    expect(r.code, r.stderr).toBe(0);
    const s = secrets(r.stdout);
    expect(s['camel']).toEqual({ dbUser: 'shop', dbPassword: 'prd-pw-Hk2x9', raw: 'shop' });
    expect(s['kebab']).toEqual({ 'api-key': 'api-key-Gs3n8' });
    expect(Object.keys(s['envfile']!)).toEqual(['DOPPLER_SECRETS_FILE']);
    expect(s['envfile']!['DOPPLER_SECRETS_FILE']).toContain('DB_PASSWORD="prd-pw-Hk2x9"\n');
    expect(JSON.parse(s['jsonfile']!['DOPPLER_SECRETS_FILE']!)).toMatchObject({ Smtp__UserName: 'mailer', DbUser: 'shop' });
    const downloads = dp.requests.filter((q) => q.query['secrets'] === undefined).map((q) => ({ ...q.query, accept: q.accept }));
    expect(downloads).toEqual(
      expect.arrayContaining([
        { name_transformer: 'camel', accept: 'application/json' },
        { name_transformer: 'lower-kebab', accept: 'application/json' },
        { format: 'env', accept: 'text/plain' },
        { format: 'json', name_transformer: 'dotnet-env', accept: 'application/json' },
      ]),
    );
    // The data read of the camel store asks for the raw name, without the transformer.
    expect(dp.requests.filter((q) => q.query['secrets'] !== undefined).map((q) => q.query)).toEqual([{ secrets: 'DB_USER' }]);
    expect(r.stderr).toContain('5 requests');
  });

  it('a personal token with project and config; the default key dopplerToken; a ClusterSecretStore token by namespace', async () => {
    const r = await render(
      store('personal', { project: 'billing', config: 'dev' }, { name: 'doppler-personal', key: 'token' }) +
        es('billing', 'personal', `  data:\n  - {secretKey: k, remoteRef: {key: BILLING_KEY}}`) +
        `\n---
apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: {name: dp-cluster}
spec:
  provider:
    doppler: {auth: {secretRef: {dopplerToken: {name: doppler-token, namespace: platform}}}}
` +
        es('cluster', 'dp-cluster', `  data:\n  - {secretKey: k, remoteRef: {key: STRIPE_KEY}}`, 'ClusterSecretStore'),
    );
    expect(r.code, r.stderr).toBe(0);
    expect(secrets(r.stdout)).toEqual({ billing: { k: 'billing-dev-Op0' }, cluster: { k: 'sk-live-Xc5v2' } });
    expect(dp.requests.find((q) => q.token === PERSONAL)!.query).toEqual({ project: 'billing', config: 'dev', secrets: 'BILLING_KEY' });
  });

  it('reads = unique reads over many names, in batches, within the per-store concurrency bound', async () => {
    const names = Array.from({ length: 120 }, (_, i) => `BULK_${String(i).padStart(3, '0')}`);
    dp.addConfig('bulk', 'prd', Object.fromEntries(names.map((n) => [n, `v-${n}`])));
    dp.addServiceToken('dp.st.bulk', 'bulk', 'prd');
    const dir = path.join(creds, 'bulk');
    mkdirSync(path.join(dir, 'doppler-token'), { recursive: true });
    writeFileSync(path.join(dir, 'doppler-token', 'dopplerToken'), 'dp.st.bulk');
    const stream =
      store('dp').replace('namespace: apps', 'namespace: bulk') +
      names.map((n, i) => es(`es-${i}`, 'dp', `  data:\n  - {secretKey: a, remoteRef: {key: ${n}}}\n  - {secretKey: b, remoteRef: {key: ${names[(i + 1) % names.length]}}}`).replace('namespace: apps', 'namespace: bulk')).join('');
    dp.delayMs = 50;
    try {
      const r = await render(stream, ['--concurrency', '2']);
      expect(r.code, r.stderr).toBe(0);
      // 120 unique names, 240 data entries: ceil(120 / 50) downloads.
      expect(r.stderr).toContain('3 requests (SecretStore/bulk/dp=3), 0 retries, 0 errors');
      const s = secrets(r.stdout);
      expect(s['es-7']).toEqual({ a: 'v-BULK_007', b: 'v-BULK_008' });
      expect(dp.maxInFlight).toBeLessThanOrEqual(2);
      const asked = dp.requests.flatMap((q) => q.query['secrets']!.split(','));
      expect(asked.sort()).toEqual([...names].sort());
    } finally {
      dp.delayMs = 0;
    }
  });

  it("ESO's errors, and a failing read fails the whole run", async () => {
    const cases: [string, string, string?][] = [
      [`  data:\n  - {secretKey: x, remoteRef: {key: NOWHERE}}`, "could not get secret NOWHERE: Doppler API Client Error: secret 'NOWHERE' not found"],
      [`  dataFrom:\n  - extract: {key: NOT_JSON}`, 'unable to unmarshal secret NOT_JSON: invalid character in JSON input'],
      [`  dataFrom:\n  - extract: {key: DB_USER}`, 'unable to unmarshal secret DB_USER:'],
      [`  dataFrom:\n  - find: {name: {regexp: "("}}`, 'could not compile find.name.regexp [(]'],
      [`  data:\n  - {secretKey: x, remoteRef: {key: DB_USER}}`, 'could not get secret DB_USER: Doppler API Client Error (HTTP 401): invalid or missing Doppler token', 'doppler-wrong'],
      [`  dataFrom:\n  - find: {}`, 'could not get secrets Doppler API Client Error (HTTP 401): invalid or missing Doppler token', 'doppler-wrong'],
    ];
    for (const [spec, message, tokenSecret] of cases) {
      const r = await render(store('dp', {}, { name: tokenSecret ?? 'doppler-token' }) + es('ok', 'dp', `  data:\n  - {secretKey: p, remoteRef: {key: DB_PASSWORD}}`) + es('bad', 'dp', spec));
      expect(r.code, message).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(message);
      expect(r.stderr).toContain('SecretStore/apps/dp');
      for (const v of Object.values(PRD)) expect(r.stderr).not.toContain(v);
      expect(r.stderr).not.toContain('Invalid auth token');
    }
  });

  it('project and config errors name the status, never the body', async () => {
    let r = await render(store('dp', {}, { name: 'doppler-personal', key: 'token' }) + es('x', 'dp', `  data:\n  - {secretKey: p, remoteRef: {key: DB_USER}}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("Doppler API Client Error (HTTP 400): the Doppler API rejected the request (a personal token needs the store's project and config)");
    r = await render(store('dp', { project: 'billing', config: 'dev' }) + es('x', 'dp', `  data:\n  - {secretKey: p, remoteRef: {key: DB_USER}}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Doppler API Client Error (HTTP 403): the Doppler token has no access to this project or config');
    expect(r.stderr).not.toContain('does not have access to requested');
    r = await render(store('dp', { project: 'auth-api', config: 'nope' }, { name: 'doppler-personal', key: 'token' }) + es('x', 'dp', `  data:\n  - {secretKey: p, remoteRef: {key: DB_USER}}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Doppler API Client Error (HTTP 404): project or config not found');
  });

  it('store checks, oidcConfig, the env override and key rules refuse before any request', async () => {
    const read = (s: string) => es('x', s, `  data:\n  - {secretKey: p, remoteRef: {key: DB_USER}}`);
    const bad: [string, string][] = [
      [store('dp').replace('{"auth":{"secretRef":{"dopplerToken":{"name":"doppler-token"}}}}', '{"auth":{}}'), "Exactly one of 'secretRef' or 'oidcConfig' must be specified"],
      [store('dp', {}, { name: '' }), 'spec.provider.doppler.auth.secretRef.dopplerToken.name: must not be empty'],
      [store('dp').replace('{"auth":{"secretRef":{"dopplerToken":{"name":"doppler-token"}}}}', '{"auth":{"oidcConfig":{"identity":"ident-1","serviceAccountRef":{"name":"doppler-sa"}}}}'), 'spec.provider.doppler.auth.oidcConfig needs the Kubernetes TokenRequest API'],
      [store('dp').replace('{"auth":{"secretRef":{"dopplerToken":{"name":"doppler-token"}}}}', '{"auth":{"oidcConfig":{"identity":"","serviceAccountRef":{"name":"doppler-sa"}}}}'), 'invalid store: oidcConfig.identity cannot be empty'],
      [store('dp', {}, { name: 'doppler-token', namespace: 'other' }), 'invalid store: namespace should either be empty or match the namespace of the SecretStore'],
      [store('dp', { format: 'xml' }), 'spec.provider.doppler.format'],
      [store('dp', { nameTransformer: 'shout' }), 'spec.provider.doppler.nameTransformer'],
    ];
    for (const [s, msg] of bad) {
      const r = await render(s + read('dp'));
      expect(r.code, msg).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(msg);
    }
    let r = await render(`apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: {name: dp}
spec:
  provider:
    doppler: {auth: {secretRef: {dopplerToken: {name: doppler-token}}}}
` + es('x', 'dp', `  data:\n  - {secretKey: p, remoteRef: {key: DB_USER}}`, 'ClusterSecretStore'));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('invalid store: cluster scope requires namespace');
    r = await render(store('dp') + read('dp'), [], { ...env(), ESO_RENDER_DOPPLER_API_ADDRESS: 'ftp://doppler.internal' });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('ESO_RENDER_DOPPLER_API_ADDRESS="ftp://doppler.internal" is not an http(s) URL');
    r = await render(store('dp') + es('x', 'dp', `  data:\n  - {secretKey: p, remoteRef: {key: "DB_USER,DB_PASSWORD"}}`));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("comma-separated secrets parameter");
    expect(dp.requests).toEqual([]);
  });
});
