// Hostile tenant, part "keys are canonical before they are matched" (issue 14). An application whose policy
// rule allows only keys under a prefix (`prod/payments/*`, `pay-*`) ships ExternalSecrets whose keys and
// find paths start with that prefix but walk out of it: dot segments, their percent-encoded and double
// encoded forms, backslashes, `?`, `#`, empty segments, control characters. The built CLI runs them as
// argocd-cmp-server runs `generate`, and as `render`, against the loopback Vault, Google Secret Manager,
// Azure Key Vault and (through a recording proxy) moto, and the backends' request logs must stay EMPTY:
// the key is refused, with its field named, before any request (login and token requests included).
// Then each provider's client is driven directly, past the engine, to show that its HTTP layer refuses
// the same paths unsent. AWS takes keys in a JSON body: there a dot segment is a literal name, and the
// test shows it reads nothing of the other tenant, and that a find stays under its path.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { parseManifests } from '../../src/frontends/stream.js';
import type { KubeObject } from '../../src/engine/types.js';
import type { SecretsClient } from '../../src/providers/types.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { startAwsProxy, type AwsProxy } from '../helpers/aws-proxy.js';
import { FakeVault } from '../servers/vault/server.js';
import { startGsmServer, type GsmServer } from '../servers/gcpsm/server.js';
import { makeTestTls } from '../servers/tls-ca.js';
import { startTokenServer, type TokenServer } from '../servers/azurekv/token-server.js';
import { startVaultServer, type VaultServer } from '../servers/azurekv/vault-server.js';
import { runCli, semaphore } from '../faults/harness.js';
import { CmpWorkdir, runGenerate } from '../cmp/support.js';
import { makeProviderContext } from '../helpers/provider-context.js';

const OTHER = 'OTHER-TENANT-VALUE-7d1f';
const MINE = 'payments-value-3a9c';
const TOKEN = 'hvs.traversal-test-token';
const AZ = { tenant: '0c4a1e2b-0000-4000-8000-7a7e00000001', host: 'traversal-kv.vault.azure.net', clientId: 'pay-app', secret: 'az-client-secret-7' };
const azTls = makeTestTls([AZ.host]);
const NS = 'pay';

let dir: string;
let vault: FakeVault;
let gsm: GsmServer;
let token: TokenServer;
let akv: VaultServer;
let moto: Moto;
let aws: AwsProxy;
const wd = new CmpWorkdir();
const limit = semaphore(2);

/** Keys that start inside the allowed prefix `p` and try to leave it. */
function hostile(p: string): string[] {
  return [
    `${p}../other/db`,
    `${p}..`,
    `${p}./db`,
    `${p}%2e%2e/other/db`,
    `${p}%2E%2E/other/db`,
    `${p}.%2e/other/db`,
    `${p}%2e./other/db`,
    `${p}%252e%252e/other/db`,
    `${p}..%2fother%2fdb`,
    `${p}..%2Fother%2Fdb`,
    `${p}..%5cother%5cdb`,
    `${p}%c0%ae%c0%ae/other/db`,
    `${p}..\\other\\db`,
    `${p}db?version=1`,
    `${p}db#x`,
    `${p}/db`,
    `${p}db/`,
    `${p}db\u0000`,
    `${p}db\nX`,
    `${p}db\u007f`,
    `${p}db\u0085`,
    `${p}db\u2028`,
  ];
}

interface Backend {
  store: string;
  /** The key prefix the policy allows, and the key of the one secret under it. */
  prefix: string;
  mine: string;
  keys: string[];
  findPaths: string[];
  requests(): number;
}

const backends = (): Backend[] => [
  {
    store: 'vault',
    prefix: 'prod/payments/',
    mine: 'prod/payments/db',
    // A trailing '/' on a Vault key is dropped as ESO's client drops it: not a traversal, so not listed.
    keys: [...hostile('prod/payments/').filter((k) => k !== 'prod/payments/db/'), '/prod/payments/../../other/db', 'prod/payments//db'],
    findPaths: ['prod/payments/..', 'prod/payments/../other', 'prod/payments/%2e%2e', 'prod/payments/%252e%252e/other', 'prod/payments/..\\other', 'prod/payments//x', 'prod/payments/x\n'],
    requests: () => vault.requests.length,
  },
  {
    store: 'gcp',
    prefix: 'pay-',
    mine: 'pay-db',
    keys: [...hostile('pay-db/'), ...hostile('pay-'), 'pay-db/versions/1', 'pay-x/../../../projects/other-project/secrets/other-db'],
    findPaths: ['pay-/..', 'pay-%2e%2e', 'pay- OR name:other', 'pay-"', 'pay-\n'],
    requests: () => gsm.requests.length,
  },
  {
    store: 'azure',
    prefix: 'pay-',
    mine: 'pay-db',
    keys: [...hostile('pay-db/'), ...hostile('pay-'), ...hostile('secret/pay-db/'), 'secret/pay-db%2f..%2f..%2fother-db', 'secret/pay-.'],
    findPaths: ['pay-/..', 'pay-%2e%2e', 'pay-\\x', 'pay-?x'],
    requests: () => akv.requests.length + token.requests.length,
  },
];

function es(name: string, store: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name, namespace: NS },
    spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: store }, target: { name }, ...spec },
  };
}

const yamlStream = (objs: KubeObject[]) => objs.map((o) => JSON.stringify(o)).join('\n---\n') + '\n';

function platformStores(): KubeObject[] {
  const css = (name: string, provider: Record<string, unknown>): KubeObject => ({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterSecretStore',
    metadata: { name },
    spec: { provider },
  });
  const awsAuth = { secretRef: { accessKeyIDSecretRef: { name: 'aws', key: 'id', namespace: 'platform' }, secretAccessKeySecretRef: { name: 'aws', key: 'secret', namespace: 'platform' } } };
  return [
    css('vault', { vault: { server: vault.url, path: 'secret', version: 'v2', auth: { tokenSecretRef: { name: 'vault', key: 'token', namespace: 'platform' } } } }),
    css('gcp', { gcpsm: { projectID: 'tenant-project' } }),
    css('azure', {
      azurekv: {
        tenantId: AZ.tenant,
        vaultUrl: `https://${AZ.host}:${akv.port}`,
        authSecretRef: { clientId: { name: 'azure', key: 'id', namespace: 'platform' }, clientSecret: { name: 'azure', key: 'secret', namespace: 'platform' } },
      },
    }),
    css('aws-sm', { aws: { service: 'SecretsManager', region: 'us-east-1', auth: awsAuth } }),
    css('aws-ssm', { aws: { service: 'ParameterStore', region: 'us-east-1', auth: awsAuth } }),
  ];
}

/** The platform's RenderConfig: the stores, their credentials, and one rule confining every store's keys. */
function writeConfig(): string {
  const cfg = path.join(dir, 'platform');
  mkdirSync(cfg, { recursive: true });
  writeFileSync(path.join(cfg, 'stores.yaml'), yamlStream(platformStores()));
  const rule = {
    name: 'payments',
    stores: [
      { kind: 'ClusterSecretStore', name: 'vault', keys: ['prod/payments/*', '/prod/payments/*'] },
      { kind: 'ClusterSecretStore', name: 'gcp', keys: ['pay-*'] },
      { kind: 'ClusterSecretStore', name: 'azure', keys: ['pay-*', 'secret/pay-*'] },
      { kind: 'ClusterSecretStore', name: 'aws-sm', keys: ['/prod/payments/*'] },
      { kind: 'ClusterSecretStore', name: 'aws-ssm', keys: ['/prod/payments/*'] },
    ],
  };
  const config = {
    apiVersion: 'eso-render.dev/v1alpha1',
    kind: 'RenderConfig',
    metadata: { name: 'platform' },
    spec: { storeFiles: [path.join(cfg, 'stores.yaml')], credentialsDir: path.join(dir, 'creds'), policy: { rules: [rule] } },
  };
  writeFileSync(path.join(cfg, 'config.yaml'), JSON.stringify(config));
  return path.join(cfg, 'config.yaml');
}

function credential(name: string, key: string, value: string): void {
  mkdirSync(path.join(dir, 'creds', 'platform', name), { recursive: true });
  writeFileSync(path.join(dir, 'creds', 'platform', name, key), value);
}

function backendEnv(): Record<string, string> {
  return {
    AWS_ENDPOINT_URL: aws.url,
    AWS_REGION: 'us-east-1',
    ESO_RENDER_GCPSM_ENDPOINT: `127.0.0.1:${gsm.port}`,
    ESO_RENDER_GCPSM_INSECURE: 'true',
    ESO_RENDER_AZUREKV_CA_FILE: path.join(dir, 'ca.pem'),
    ESO_RENDER_AZUREKV_VAULT_ADDRESS: '127.0.0.1',
    AZURE_AUTHORITY_HOST: token.authorityHost,
  };
}

let configPath: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'traversal-'));
  [vault, gsm, token, moto] = await Promise.all([
    FakeVault.start(),
    startGsmServer({
      projectId: 'tenant-project',
      projectNumber: '424242',
      secrets: [
        { id: 'pay-db', versions: [{ data: MINE }] },
        { id: 'other-db', versions: [{ data: OTHER }] },
      ],
    }),
    startTokenServer({ tls: azTls, tenantId: AZ.tenant, clientSecrets: { [AZ.clientId]: AZ.secret } }),
    startMoto(),
  ]);
  akv = await startVaultServer({
    tls: azTls,
    vaultHost: AZ.host,
    tenantId: AZ.tenant,
    validTokens: token.issued,
    contents: { secrets: { 'pay-db': [{ version: 'v1', value: MINE }], 'other-db': [{ version: 'v1', value: OTHER }] }, certificates: {}, keys: {} },
  });
  aws = await startAwsProxy(moto.url);
  vault.mountKv('secret', 2);
  vault.put('secret', 'prod/payments/db', { password: MINE });
  vault.put('secret', 'prod/other/db', { password: OTHER });
  vault.put('secret', 'other/db', { password: OTHER });
  vault.addToken(TOKEN, ['root']);
  const seed = { accessKeyId: 'seed', secretAccessKey: 'seed' };
  const sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials: seed });
  for (const [k, v] of [['/prod/payments/db', MINE], ['/prod/other/db', OTHER], ['/prod/payments-other/db', OTHER]]) {
    await sm.send(new CreateSecretCommand({ Name: k, SecretString: v }));
  }
  sm.destroy();
  const ssm = new SSMClient({ region: 'us-east-1', endpoint: moto.url, credentials: seed });
  for (const [k, v] of [['/prod/payments/db', MINE], ['/prod/other/db', OTHER]]) {
    await ssm.send(new PutParameterCommand({ Name: k!, Value: v, Type: 'SecureString' }));
  }
  ssm.destroy();
  credential('vault', 'token', TOKEN);
  credential('azure', 'id', AZ.clientId);
  credential('azure', 'secret', AZ.secret);
  credential('aws', 'id', 'AKIATRAVERSALTEST');
  credential('aws', 'secret', 'traversal-secret-key');
  writeFileSync(path.join(dir, 'ca.pem'), azTls.caPem);
  configPath = writeConfig();
}, 90_000);

afterAll(async () => {
  await Promise.all([vault?.close(), gsm?.stop(), akv?.stop(), token?.stop(), moto?.stop(), aws?.stop()]);
  wd.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function clearLogs(): void {
  vault.resetLog();
  gsm.requests.length = 0;
  akv.requests.length = 0;
  token.requests.length = 0;
  aws.clear();
}

type Front = 'generate' | 'render';

/** Runs the stream through `generate` (as argocd-cmp-server) or `render`, with the platform's config. */
async function run(front: Front, objs: KubeObject[]): Promise<{ code: number; stdout: string; stderr: string }> {
  if (front === 'render') {
    return limit(() => runCli(['render', '--config', configPath, '--log-format', 'json', '--deadline', '20s'], yamlStream(objs), backendEnv(), 60_000));
  }
  const repo = wd.extract({ 'apps/pay/es.yaml': yamlStream(objs) });
  return limit(() =>
    runGenerate(repo, 'apps/pay', { app: 'pay-api', namespace: NS, project: 'payments', sidecar: { ...backendEnv(), ESO_RENDER_CONFIG: configPath, ESO_RENDER_LOG_FORMAT: 'json' } }),
  );
}

interface Finding {
  level?: string;
  message?: string;
  field?: string;
  resource?: string;
  [k: string]: unknown;
}

/** The JSON findings on stderr. */
function findings(stderr: string): Finding[] {
  return stderr
    .split('\n')
    .filter((l) => l.trim().startsWith('{'))
    .map((l) => JSON.parse(l) as Finding);
}

/** The finding that names this ExternalSecret and field. */
function findingFor(stderr: string, name: string, field: string): Finding | undefined {
  return findings(stderr).find((f) => {
    const ref = f['resourceRef'] as { name?: string; namespace?: string } | undefined;
    const at = f['field'] as unknown as { path?: string } | undefined;
    return ref?.name === name && ref.namespace === NS && at?.path === field;
  });
}

function expectRefusedUnsent(r: { code: number; stdout: string; stderr: string }, refused: { name: string; field: string }[], requests: () => number): void {
  expect(r.code, r.stderr).toBe(1);
  expect(r.stdout).toBe('');
  const missing = refused.filter((x) => {
    const f = findingFor(r.stderr, x.name, x.field);
    return !f || !/not canonical|refuses it before any request/.test(String(f.message));
  });
  expect(missing, r.stderr).toEqual([]);
  expect(requests(), 'requests reached the backend').toBe(0);
  expect(r.stderr).not.toContain(OTHER);
  expect(r.stderr).not.toContain(MINE);
  // Every control character in a refused key is escaped in what is printed.
  for (const line of r.stderr.split('\n')) expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/u);
}

describe.each(['generate', 'render'] as Front[])('%s: traversal keys and find paths are refused with zero requests', (front) => {
  for (const b of backends()) {
    it(`${b.store}: remoteRef.key, extract.key and find.path under the allowed prefix ${JSON.stringify(b.prefix)}`, async () => {
      clearLogs();
      const objs: KubeObject[] = [];
      const refused: { name: string; field: string }[] = [];
      b.keys.forEach((key, i) => {
        objs.push(es(`${b.store}-key-${i}`, b.store, { data: [{ secretKey: 'v', remoteRef: { key } }] }));
        refused.push({ name: `${b.store}-key-${i}`, field: 'spec.data[0].remoteRef.key' });
      });
      b.keys.slice(0, 6).forEach((key, i) => {
        objs.push(es(`${b.store}-extract-${i}`, b.store, { dataFrom: [{ extract: { key } }] }));
        refused.push({ name: `${b.store}-extract-${i}`, field: 'spec.dataFrom[0].extract.key' });
      });
      b.findPaths.forEach((p, i) => {
        objs.push(es(`${b.store}-find-${i}`, b.store, { dataFrom: [{ find: { path: p, name: { regexp: '.*' } } }] }));
        refused.push({ name: `${b.store}-find-${i}`, field: 'spec.dataFrom[0].find.path' });
      });
      const r = await run(front, objs);
      expectRefusedUnsent(r, refused, b.requests);
    });

    it(`${b.store}: one refused key among allowed reads still makes no request at all`, async () => {
      clearLogs();
      const r = await run(front, [
        es(`${b.store}-ok`, b.store, { data: [{ secretKey: 'v', remoteRef: { key: b.mine, ...(b.store === 'vault' ? { property: 'password' } : {}) } }] }),
        es(`${b.store}-bad`, b.store, { data: [{ secretKey: 'v', remoteRef: { key: b.keys[0]! } }] }),
      ]);
      expectRefusedUnsent(r, [{ name: `${b.store}-bad`, field: 'spec.data[0].remoteRef.key' }], b.requests);
    });

    it(`${b.store}: the allowed key itself is read (the request log sees it)`, async () => {
      clearLogs();
      const r = await run(front, [es(`${b.store}-ok`, b.store, { data: [{ secretKey: 'v', remoteRef: { key: b.mine, ...(b.store === 'vault' ? { property: 'password' } : {}) } }] })]);
      expect(r.code, r.stderr).toBe(0);
      const secret = parseManifests(r.stdout).map((i) => i.object).find((o) => o.kind === 'Secret');
      expect(Buffer.from(String((secret?.data as Record<string, string>)?.v), 'base64').toString()).toBe(MINE);
      expect(b.requests()).toBeGreaterThan(0);
    });
  }

  it('vault: a leading "/" is dropped as ESO drops it, and such a key stays under the allowed prefix', async () => {
    clearLogs();
    const r = await run(front, [es('vault-leading', 'vault', { data: [{ secretKey: 'v', remoteRef: { key: '/prod/payments/db', property: 'password' } }] })]);
    expect(r.code, r.stderr).toBe(0);
    expect(vault.requests.map((q) => q.path)).toEqual(['secret/data/prod/payments/db']);
  });

  it('aws: keys go in a JSON body, so a dot segment is a literal name: nothing of the other tenant is read', async () => {
    clearLogs();
    const keys = ['/prod/payments/../other/db', '/prod/payments/%2e%2e/other/db', '/prod/payments/..\\other\\db'];
    for (const store of ['aws-sm', 'aws-ssm']) {
      const r = await run(front, keys.map((key, i) => es(`${store}-dots-${i}`, store, { data: [{ secretKey: 'v', remoteRef: { key } }] })));
      expect(r.code, r.stderr).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).not.toContain(OTHER);
      // Each was asked for by its literal name, and the backend found nothing by that name.
      for (const k of keys) expect(aws.seen.some((s) => s.body.includes(JSON.stringify(k).slice(1, -1)) && !s.responseBody.includes(OTHER))).toBe(true);
    }
  });

  it('aws: a find path starting with "!" (a negation filter) is refused unsent; a find under the prefix stays under it', async () => {
    clearLogs();
    const bad = await run(front, [es('aws-negated', 'aws-sm', { dataFrom: [{ find: { path: '!/prod/payments/', name: { regexp: '.*' } } }] })]);
    expect(bad.code).toBe(1);
    expect(aws.seen).toEqual([]);
    clearLogs();
    const ok = await run(front, [es('aws-find', 'aws-sm', { dataFrom: [{ find: { path: '/prod/payments/', name: { regexp: '.*' } } }] })]);
    expect(ok.code, ok.stderr).toBe(0);
    const secret = parseManifests(ok.stdout).map((i) => i.object).find((o) => o.kind === 'Secret');
    const values = Object.values((secret?.data ?? {}) as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString());
    expect(values).toEqual([MINE]);
  });
});

describe('validate reports a traversal key too, without contacting anything', () => {
  it('names the field', async () => {
    clearLogs();
    const r = await limit(() =>
      runCli(['validate', '--config', configPath], yamlStream([es('v-bad', 'vault', { data: [{ secretKey: 'v', remoteRef: { key: 'prod/payments/../../other/db' } }] })]), backendEnv(), 60_000),
    );
    expect(r.code, r.stderr + r.stdout).toBe(1);
    expect(r.stdout + r.stderr).toContain('spec.data[0].remoteRef.key');
    expect(r.stdout + r.stderr).toContain('not canonical');
    expect(vault.requests.length).toBe(0);
  });
});

describe('past the engine: each provider client refuses the path unsent', () => {
  const clients: SecretsClient[] = [];
  afterAll(async () => {
    for (const c of clients) await c.close?.();
    for (const k of ['ESO_RENDER_GCPSM_ENDPOINT', 'ESO_RENDER_GCPSM_INSECURE', 'ESO_RENDER_AZUREKV_CA_FILE', 'ESO_RENDER_AZUREKV_VAULT_ADDRESS', 'AZURE_AUTHORITY_HOST']) delete process.env[k];
  });

  async function refusedUnsent(p: Promise<unknown>): Promise<string> {
    try {
      await p;
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('the read succeeded');
  }

  it('vault: dot segments in the built path never reach Vault, and the final URL must stay under the mount', async () => {
    const { createClient } = await import('../../src/providers/vault/index.js');
    const ctx = makeProviderContext({
      provider: 'vault',
      kind: 'ClusterSecretStore',
      name: 'vault',
      spec: { server: vault.url, path: 'secret', version: 'v2', auth: { tokenSecretRef: { name: 'vault', key: 'token', namespace: 'platform' } } },
      credentials: { 'platform/vault/token': TOKEN },
    });
    const client = await createClient(ctx);
    clients.push(client);
    clearLogs();
    for (const key of ['prod/payments/../../../sys/policy/root', 'prod/payments/%2e%2e/other/db', '../other/db', 'prod/payments/..\\..\\other', 'prod/payments/.']) {
      const m = await refusedUnsent(client.getSecret({ key }));
      expect(m).toMatch(/refused to send the request|Secret does not exist/);
      expect(m).not.toContain(OTHER);
    }
    await refusedUnsent(client.getAllSecrets({ path: 'prod/../other', name: { regexp: '.*' } }));
    // A literal '%2e%2e' is sent encoded (%252e), so Vault reads a key of that name, not a parent.
    expect(vault.requests.filter((q) => !q.path.startsWith('secret/data/prod/payments/') || q.path.includes('..'))).toEqual([]);
    expect(vault.requests.map((q) => q.path)).toEqual(['secret/data/prod/payments/%2e%2e/other/db']);
  });

  it('gcpsm: a resource name that is not a secret of the store project is refused unsent', async () => {
    process.env['ESO_RENDER_GCPSM_ENDPOINT'] = `127.0.0.1:${gsm.port}`;
    process.env['ESO_RENDER_GCPSM_INSECURE'] = 'true';
    const { createClient } = await import('../../src/providers/gcpsm/index.js');
    const ctx = makeProviderContext({ provider: 'gcpsm', kind: 'ClusterSecretStore', name: 'gcp', spec: { projectID: 'tenant-project' } });
    const client = await createClient(ctx);
    clients.push(client);
    clearLogs();
    for (const key of ['pay-db/../../other-project/secrets/other-db', '../other-db', 'pay-db/versions/1', 'pay db', 'projects/../secrets/other-db']) {
      expect(await refusedUnsent(client.getSecret({ key }))).toMatch(/refused to send the request/);
    }
    expect(await refusedUnsent(client.getSecret({ key: 'pay-db', version: '../../other-db/versions/1' }))).toMatch(/refused to send the request/);
    expect(await refusedUnsent(client.getAllSecrets({ path: 'pay- OR name:other', name: { regexp: '.*' } }))).toMatch(/refused to send the request/);
    expect(gsm.requests).toEqual([]);
  });

  it('azurekv: a request path the SDK built that normalises elsewhere, or is not the object asked for, is refused unsent', async () => {
    Object.assign(process.env, backendEnv());
    const { createClient } = await import('../../src/providers/azurekv/index.js');
    const ctx = makeProviderContext({
      provider: 'azurekv',
      kind: 'ClusterSecretStore',
      name: 'azure',
      spec: {
        tenantId: AZ.tenant,
        vaultUrl: `https://${AZ.host}:${akv.port}`,
        authSecretRef: { clientId: { name: 'azure', key: 'id', namespace: 'platform' }, clientSecret: { name: 'azure', key: 'secret', namespace: 'platform' } },
      },
      credentials: { 'platform/azure/id': AZ.clientId, 'platform/azure/secret': AZ.secret },
    });
    const client = await createClient(ctx);
    clients.push(client);
    clearLogs();
    for (const ref of [{ key: '..' }, { key: 'secret/..' }, { key: '.' }, { key: 'pay-db', version: '..' }, { key: 'cert/..' }, { key: 'key/.' }]) {
      const m = await refusedUnsent(client.getSecret(ref));
      expect(m).toMatch(/refused to send the request/);
    }
    expect(akv.requests).toEqual([]);
    expect(token.requests).toEqual([]);
  });
});
