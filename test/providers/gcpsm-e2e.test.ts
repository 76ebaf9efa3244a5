// End to end through the engine: a seed-style Google Secret Manager setup (a SecretStore authenticated
// with a service account key from the credentials folder, ExternalSecrets reading properties, extract
// and find by labels) rendered against the loopback gRPC Secret Manager over TLS, the key's
// signature checked by the server on every call.

import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { render } from '../../src/engine/render.js';
import { defaultRenderOptions, type Item } from '../../src/engine/types.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { executeTemplate } from '../../src/template/index.js';
import { startGsmServer, type GsmServer } from '../servers/gcpsm/server.js';
import { makeTestTls } from '../servers/tls-ca.js';

// The quickstart's templated example needs the template engine; until it lands that case waits.
const templateEngineReady = (() => {
  try {
    executeTemplate('probe', 'x', new Map());
    return true;
  } catch (e) {
    return !/not implemented/.test((e as Error).message);
  }
})();

const PROJECT = 'alphabet-123';
const DB = '{"username":"shop_user","password":"gcp-horse-battery-staple","host":"10.0.0.7"}';
let gsm: GsmServer;
let dir: string;
const saved = { ...process.env };

beforeAll(async () => {
  const tls = makeTestTls();
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  const email = 'eso-render@alphabet-123.iam.gserviceaccount.com';
  gsm = await startGsmServer({
    projectId: PROJECT,
    projectNumber: '987654321098',
    tls,
    requireServiceAccount: { clientEmail: email, publicKeyPem: publicKey },
    secrets: [
      { id: 'database_credentials', versions: [{ data: DB }] },
      { id: 'app-env', versions: [{ data: '{"LOG_LEVEL":"info","WORKERS":4,"EMPTY":null}' }] },
      { id: 'shop-stripe-key', labels: { team: 'shop' }, versions: [{ data: 'sk_live_123' }] },
      { id: 'shop-smtp-password', labels: { team: 'shop' }, versions: [{ data: 'smtp-pass' }] },
      { id: 'billing-token', labels: { team: 'billing' }, versions: [{ data: 'not-for-shop' }] },
      { id: 'prod-db-credentials', versions: [{ data: '{"username":"app_user","password":"correct-horse-battery-staple","host":"db.internal","port":5432}' }] },
      { id: 'prod-api-token', versions: [{ data: 'tok-9f8e7d6c5b4a' }, { data: 'tok-0a1b2c3d4e5f' }] },
      { id: 'prod-feature-flags', versions: [{ data: '{"beta":"on","maxUsers":"250"}' }] },
    ],
  });
  dir = mkdtempSync(path.join(tmpdir(), 'gcpsm-e2e-'));
  writeFileSync(path.join(dir, 'ca.pem'), tls.caPem);
  const key = JSON.stringify({ type: 'service_account', project_id: PROJECT, private_key_id: 'k1', private_key: privateKey, client_email: email });
  for (const ns of ['shop', 'platform']) {
    mkdirSync(path.join(dir, 'creds', ns, 'gcpsm-secret'), { recursive: true });
    writeFileSync(path.join(dir, 'creds', ns, 'gcpsm-secret', 'secret-access-credentials'), key);
  }
  process.env['ESO_RENDER_GCPSM_ENDPOINT'] = `localhost:${gsm.port}`; // a host name: TLS server names may not be IPs
  process.env['ESO_RENDER_GCPSM_CA_FILE'] = path.join(dir, 'ca.pem');
  delete process.env['ESO_RENDER_GCPSM_INSECURE'];
});

afterAll(async () => {
  await gsm?.stop();
  rmSync(dir, { recursive: true, force: true });
  process.env = saved;
});

beforeEach(() => {
  gsm.requests.length = 0;
});

const options = () => ({ ...defaultRenderOptions, credentialsDir: path.join(dir, 'creds') });

function secretData(items: Item[], name: string): Record<string, string> {
  const s = items.find((i) => i.object.kind === 'Secret' && i.object.metadata?.name === name)!.object;
  return Object.fromEntries(Object.entries(s.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

const STORE = `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: example
  namespace: shop
spec:
  provider:
    gcpsm:
      auth:
        secretRef:
          secretAccessKeySecretRef:
            name: gcpsm-secret
            key: secret-access-credentials
      projectID: ${PROJECT}
`;

const DATABASE = `
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: database-credentials
  namespace: shop
spec:
  refreshInterval: 1h
  secretStoreRef:
    kind: SecretStore
    name: example
  target:
    name: database-credentials
    creationPolicy: Owner
  data:
  - secretKey: database_username
    remoteRef:
      key: database_credentials
      property: username
  - secretKey: database_password
    remoteRef:
      key: database_credentials
      property: password
`;

const APP = `
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: app-env
  namespace: shop
spec:
  secretStoreRef:
    kind: SecretStore
    name: example
  target:
    name: app-env
  dataFrom:
  - extract:
      key: app-env
  - find:
      tags:
        team: shop
    rewrite:
    - regexp:
        source: "^shop-(.*)$"
        target: "\${1}"
  data:
  - secretKey: DB_HOST
    remoteRef:
      key: database_credentials
      property: host
`;

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: shop
        image: shop:1
        envFrom:
        - secretRef:
            name: app-env
`;

describe('Google Secret Manager seed examples, rendered', () => {
  it('a SecretStore with a service account key: properties, extract and find by labels', async () => {
    const out = await render(parseManifests([STORE, DATABASE, APP, DEPLOYMENT].join('\n---\n')), options());
    if (!out.ok) throw new Error(out.results.map((r) => r.message).join('\n'));
    expect(secretData(out.items, 'database-credentials')).toEqual({
      database_username: 'shop_user',
      database_password: 'gcp-horse-battery-staple',
    });
    expect(secretData(out.items, 'app-env')).toEqual({
      LOG_LEVEL: 'info',
      WORKERS: '4',
      EMPTY: '',
      'stripe-key': 'sk_live_123',
      'smtp-password': 'smtp-pass',
      DB_HOST: '10.0.0.7',
    });
    expect(out.items.map((i) => i.object.kind)).toEqual(['Secret', 'Secret', 'Deployment']);
    // database_credentials is read once for its three properties, across both ExternalSecrets.
    const access = gsm.requests.filter((r) => r.method === 'AccessSecretVersion').map((r) => r.name).sort();
    expect(access).toEqual([
      `projects/${PROJECT}/secrets/app-env/versions/latest`,
      `projects/${PROJECT}/secrets/database_credentials/versions/latest`,
      `projects/${PROJECT}/secrets/shop-smtp-password/versions/latest`,
      `projects/${PROJECT}/secrets/shop-stripe-key/versions/latest`,
    ]);
    const lists = gsm.requests.filter((r) => r.method === 'ListSecrets');
    expect(lists.every((r) => r.filter === 'labels.team=shop')).toBe(true);
    expect(out.stats.requests).toEqual({ 'SecretStore/shop/example': access.length + lists.length });
    // Every call carried the key's signed JWT (the server rejects anything else).
    expect(gsm.requests.every((r) => r.authorization?.startsWith('Bearer '))).toBe(true);
  });

  it('a missing secret fails the run, naming resource, field, store and key but no value', async () => {
    const broken = DATABASE.replace('key: database_credentials\n      property: password', 'key: no_such_secret\n      property: password');
    const out = await render(parseManifests([STORE, broken].join('\n---\n')), options());
    expect(out.ok).toBe(false);
    const err = out.results.find((r) => r.severity === 'error' && r.field?.path === 'spec.data[1]')!;
    expect(err.resourceRef).toMatchObject({ kind: 'ExternalSecret', name: 'database-credentials', namespace: 'shop' });
    expect(JSON.stringify(err)).toContain('no_such_secret');
    expect(JSON.stringify(err)).toContain('SecretStore/shop/example');
    for (const r of out.results) expect(JSON.stringify(r)).not.toContain('gcp-horse');
  });

  it.skipIf(!templateEngineReady)('the quickstart, pointed at a platform gcpsm store: properties, a pinned version and a template', async () => {
    const dirUrl = new URL('../../kustomize-examples/quickstart/', import.meta.url);
    const text = ['db-credentials.yaml', 'app-config.yaml']
      .map((f) => readFileSync(new URL(f, dirUrl), 'utf8'))
      .join('\n---\n')
      .replace(/name: fake\b/g, 'name: gcp')
      // Secret Manager IDs cannot hold slashes; version `v2` is version number 2 there.
      .replace(/\/prod\/db\/credentials/g, 'prod-db-credentials')
      .replace(/\/prod\/app\/api-token, version: v2/g, 'prod-api-token, version: "2"')
      .replace(/\/prod\/app\/feature-flags/g, 'prod-feature-flags');
    const platformStore = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { name: 'gcp' },
      spec: {
        provider: {
          gcpsm: {
            projectID: PROJECT,
            auth: { secretRef: { secretAccessKeySecretRef: { name: 'gcpsm-secret', key: 'secret-access-credentials', namespace: 'platform' } } },
          },
        },
      },
    };
    const out = await render(parseManifests(text), { ...options(), platformStores: [platformStore] });
    if (!out.ok) throw new Error(out.results.map((r) => r.message).join('\n'));
    expect(secretData(out.items, 'db-credentials')).toEqual({ username: 'app_user', password: 'correct-horse-battery-staple' });
    expect(secretData(out.items, 'app-config')['config.yaml']).toBe(
      [
        'database:',
        '  url: postgres://app_user:correct-horse-battery-staple@db.internal:5432/shop',
        'api:',
        '  token: "tok-0a1b2c3d4e5f"',
        'features:',
        '  beta: "on"',
        '  maxUsers: "250"',
        '',
      ].join('\n'),
    );
    // prod-db-credentials (six properties over two ExternalSecrets), api-token version 2, feature flags.
    expect(out.stats.requests).toEqual({ 'ClusterSecretStore/gcp': 3 });
  });
});
