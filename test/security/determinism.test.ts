// Determinism: the same input and backend state, rendered in separate processes of the built CLI, give
// byte-identical output. The input is built to expose ordering bugs: many ExternalSecrets over five
// backends (fake, moto Secrets Manager and Parameter Store, loopback Vault, GCP and Azure), finds whose
// listings arrive in backend order, templates ranging over maps, a ClusterExternalSecret fanned out to
// namespaces, and answers held for random times by the proxies so concurrent reads complete in a
// different order on every run, at two different concurrency settings.

import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { KubeObject } from '../../src/engine/types.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';
import { FakeVault } from '../servers/vault/server.js';
import { startGsmServer, type GsmServer } from '../servers/gcpsm/server.js';
import { makeTestTls } from '../servers/tls-ca.js';
import { startTokenServer, type TokenServer } from '../servers/azurekv/token-server.js';
import { startVaultServer, type VaultServer } from '../servers/azurekv/vault-server.js';
import { runCli } from '../faults/harness.js';

const TEAMS = ['payments', 'checkout', 'search'];
const AZ = { tenant: '7d2e0f3a-0000-4000-8000-de7e0000a001', host: 'determinism-kv.vault.azure.net' };
const azTls = makeTestTls([AZ.host]);

let dir: string;
let moto: Moto;
let vault: FakeVault;
let gsm: GsmServer;
let token: TokenServer;
let akv: VaultServer;
const proxies: FaultProxy[] = [];

/** Secret names in an order unlike sorted order, so "sorted by accident" cannot pass for deterministic. */
const names = (n: number) => Array.from({ length: n }, (_, i) => `svc-${(i * 7) % n}`);
const jsonValue = (team: string, svc: string) =>
  JSON.stringify({ user: `${team}-${svc}`, password: `pw-${team}-${svc}`, port: 5432, tls: { on: true, ca: 'x' }, z: 'last', a: 'first' });

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'determinism-'));
  [moto, vault, token] = await Promise.all([
    startMoto(),
    FakeVault.start(),
    startTokenServer({ tls: azTls, tenantId: AZ.tenant, clientSecrets: { 'det-app': 'det-secret' } }),
  ]);
  gsm = await startGsmServer({
    projectId: 'det-project',
    projectNumber: '424242',
    pageSize: 3,
    secrets: TEAMS.flatMap((team) => names(6).map((svc) => ({ id: `${team}-${svc}`, labels: { team }, versions: [{ data: jsonValue(team, svc) }] }))),
  });
  akv = await startVaultServer({
    tls: azTls,
    vaultHost: AZ.host,
    tenantId: AZ.tenant,
    validTokens: token.issued,
    pageSize: 4,
    contents: {
      secrets: Object.fromEntries(TEAMS.flatMap((team) => names(5).map((svc) => [`${team}-${svc}`, [{ version: 'v1', value: jsonValue(team, svc), tags: { team } }]]))),
      certificates: {},
      keys: {},
    },
  });
  const seed = { accessKeyId: 'seed', secretAccessKey: 'seed' };
  const sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials: seed });
  const ssm = new SSMClient({ region: 'us-east-1', endpoint: moto.url, credentials: seed });
  for (const team of TEAMS) {
    for (const svc of names(10)) {
      await sm.send(new CreateSecretCommand({ Name: `${team}/${svc}`, SecretString: jsonValue(team, svc), Tags: [{ Key: 'team', Value: team }] }));
    }
    for (const svc of names(4)) await ssm.send(new PutParameterCommand({ Name: `/${team}/${svc}`, Value: jsonValue(team, svc), Type: 'SecureString' }));
  }
  sm.destroy();
  ssm.destroy();
  vault.mountKv('secret', 2);
  for (const team of TEAMS) for (const svc of names(8)) vault.put('secret', `apps/${team}/${svc}`, JSON.parse(jsonValue(team, svc)) as Record<string, unknown>);
  vault.addToken('det-token', ['secret/*']);
  mkdirSync(path.join(dir, 'creds', 'platform', 'vault-token'), { recursive: true });
  writeFileSync(path.join(dir, 'creds', 'platform', 'vault-token', 'token'), 'det-token');
  mkdirSync(path.join(dir, 'creds', 'platform', 'azure-sp'), { recursive: true });
  writeFileSync(path.join(dir, 'creds', 'platform', 'azure-sp', 'ClientID'), 'det-app');
  writeFileSync(path.join(dir, 'creds', 'platform', 'azure-sp', 'ClientSecret'), 'det-secret');
  writeFileSync(path.join(dir, 'ca.pem'), azTls.caPem);
}, 90_000);

afterAll(async () => {
  for (const p of proxies) await p.stop();
  await Promise.all([moto?.stop(), vault?.close(), gsm?.stop(), akv?.stop(), token?.stop()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A proxy that holds every answer 0-40 ms at random: completion order differs from run to run. */
async function jittery(upstream: string, tls = false): Promise<FaultProxy> {
  const p = await startFaultProxy({
    upstream,
    delayMs: () => Math.floor(Math.random() * 40),
    ...(tls ? { tls: azTls, upstreamCa: azTls.caPem, upstreamServername: AZ.host } : {}),
  });
  proxies.push(p);
  return p;
}

function input(urls: { vault: string; azure: string }): string {
  const objs: KubeObject[] = [];
  const css = (name: string, provider: Record<string, unknown>) =>
    objs.push({ apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name }, spec: { provider } });
  css('fake', { fake: { data: TEAMS.flatMap((team) => names(5).map((svc) => ({ key: `${team}/${svc}`, value: jsonValue(team, svc) }))) } });
  css('aws-sm', { aws: { service: 'SecretsManager', region: 'us-east-1' } });
  css('aws-ssm', { aws: { service: 'ParameterStore', region: 'us-east-1' } });
  css('vault', { vault: { server: urls.vault, path: 'secret', auth: { tokenSecretRef: { name: 'vault-token', key: 'token', namespace: 'platform' } } } });
  css('gcp', { gcpsm: { projectID: 'det-project' } });
  css('azure', { azurekv: { tenantId: AZ.tenant, vaultUrl: urls.azure, authSecretRef: { clientId: { name: 'azure-sp', key: 'ClientID', namespace: 'platform' }, clientSecret: { name: 'azure-sp', key: 'ClientSecret', namespace: 'platform' } } } });
  for (const team of [...TEAMS].reverse()) objs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: team, labels: { tier: 'apps', team } } });

  const key = (store: string, team: string, svc: string) =>
    store === 'aws-ssm' ? `/${team}/${svc}` : store === 'vault' ? `apps/${team}/${svc}` : store === 'fake' || store === 'aws-sm' ? `${team}/${svc}` : `${team}-${svc}`;
  const count: Record<string, number> = { fake: 5, 'aws-sm': 10, 'aws-ssm': 4, vault: 8, gcp: 6, azure: 5 };
  const ranged = '{{ range $k, $v := . }}{{ $k }}={{ $v }}\n{{ end }}';
  const stores = Object.keys(count);
  // Many ExternalSecrets: properties, whole-secret extracts (map keys come back in JSON order), and
  // templates that range over the map of everything fetched.
  for (let i = 0; i < 48; i++) {
    const store = stores[i % stores.length]!;
    const team = TEAMS[i % TEAMS.length]!;
    const svcs = names(count[store]!);
    const a = svcs[i % svcs.length]!;
    const b = svcs[(i + 3) % svcs.length]!;
    objs.push({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: `es-${i}`, namespace: team, labels: { index: String(i) } },
      spec: {
        secretStoreRef: { kind: 'ClusterSecretStore', name: store },
        target: {
          name: `es-${i}`,
          ...(i % 2 === 0 ? { template: { mergePolicy: 'Merge', data: { 'all.txt': ranged, 'dsn': '{{ .user }}:{{ .password }}@db:{{ .port }}' } } } : {}),
        },
        data: [
          { secretKey: 'user', remoteRef: { key: key(store, team, a), property: 'user' } },
          { secretKey: 'password', remoteRef: { key: key(store, team, a), property: 'password' } },
        ],
        dataFrom: [{ extract: { key: key(store, team, b) } }, { extract: { key: key(store, team, a) }, rewrite: [{ regexp: { source: '(.*)', target: 'a_$1' } }] }],
      },
    });
  }
  // Finds: listings come back in each backend's own order (and pages).
  const finds: [string, Record<string, unknown>][] = [
    ['fake', { name: { regexp: '^checkout/' } }],
    ['aws-sm', { name: { regexp: '^payments/' } }],
    ['aws-sm', { tags: { team: 'search' } }],
    ['aws-ssm', { path: '/checkout', name: { regexp: 'svc' } }],
    ['vault', { path: 'apps/search' }],
    ['vault', { path: 'apps', name: { regexp: 'svc-[0-3]$' } }],
    ['gcp', { tags: { team: 'payments' } }],
    ['gcp', { name: { regexp: '^search-' } }],
    ['azure', { tags: { team: 'checkout' } }],
    ['azure', { name: { regexp: '^payments-' } }],
  ];
  finds.forEach(([store, find], i) =>
    objs.push({
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: `find-${i}`, namespace: 'search' },
      spec: {
        secretStoreRef: { kind: 'ClusterSecretStore', name: store },
        target: { name: `find-${i}`, ...(i % 2 === 1 ? { template: { mergePolicy: 'Merge', data: { 'index.txt': ranged } } } : {}) },
        dataFrom: [{ find }],
      },
    }),
  );
  // A ClusterExternalSecret fanned out to every team namespace.
  objs.push({
    apiVersion: 'external-secrets.io/v1',
    kind: 'ClusterExternalSecret',
    metadata: { name: 'shared-config' },
    spec: {
      externalSecretName: 'shared-config',
      namespaceSelectors: [{ matchLabels: { tier: 'apps' } }],
      externalSecretSpec: {
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'aws-sm' },
        target: { template: { data: { 'config.yaml': 'teams:\n{{ range $k, $v := . }}  {{ $k }}: {{ $v | b64enc }}\n{{ end }}' } } },
        dataFrom: [{ find: { name: { regexp: '/svc-[12]$' } } }],
      },
    },
  });
  objs.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'payments' }, spec: { template: { spec: { containers: [{ name: 'web', image: 'web:1', envFrom: [{ secretRef: { name: 'es-0' } }] }] } } } });
  return objs.map((o) => JSON.stringify(o)).join('\n---\n') + '\n';
}

async function renderOnce(concurrency: number): Promise<{ stdout: string; stderr: string; code: number }> {
  const [aws, vaultP, azureP] = await Promise.all([jittery(moto.url), jittery(vault.url), jittery(`https://127.0.0.1:${akv.port}`, true)]);
  return runCli(
    ['render', '--credentials-dir', path.join(dir, 'creds'), '--concurrency', String(concurrency), '--deadline', '60s', '--rollout-on-change'],
    input({ vault: vaultP.url, azure: `https://${AZ.host}:${azureP.port}` }),
    {
      AWS_ENDPOINT_URL: aws.url,
      AWS_ACCESS_KEY_ID: 'AKIADETERMINISM00001',
      AWS_SECRET_ACCESS_KEY: 'determinism',
      AWS_REGION: 'us-east-1',
      ESO_RENDER_GCPSM_ENDPOINT: `127.0.0.1:${gsm.port}`,
      ESO_RENDER_GCPSM_INSECURE: 'true',
      ESO_RENDER_AZUREKV_CA_FILE: path.join(dir, 'ca.pem'),
      ESO_RENDER_AZUREKV_VAULT_ADDRESS: '127.0.0.1',
      AZURE_AUTHORITY_HOST: token.authorityHost,
      ...(process.env['DET_TRACE'] ? { NODE_OPTIONS: '--trace-warnings' } : {}),
    },
    120_000,
  );
}

// The proxies' addresses change between runs and are written into the stores, which are consumed (not
// emitted); nothing else in the output may differ.
describe('determinism across process runs', () => {
  it('the same input and backend state give byte-identical output, whatever the completion order', async () => {
    const first = await renderOnce(16);
    expect(first.code, first.stderr).toBe(0);
    const second = await renderOnce(2);
    expect(second.code, second.stderr).toBe(0);
    const third = await renderOnce(16);
    expect(third.code, third.stderr).toBe(0);

    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(sha(second.stdout)).toBe(sha(first.stdout));
    expect(sha(third.stdout)).toBe(sha(first.stdout));
    expect(second.stdout).toBe(first.stdout);

    // The output is what it claims to be: every ExternalSecret rendered, the CES fanned out, finds filled.
    const items = parseManifests(first.stdout).map((i) => i.object);
    const secrets = items.filter((o) => o.kind === 'Secret');
    expect(secrets.filter((o) => String(o.metadata?.name).startsWith('es-'))).toHaveLength(48);
    expect(secrets.filter((o) => o.metadata?.name === 'shared-config').map((o) => o.metadata?.namespace).sort()).toEqual([...TEAMS].sort());
    for (let i = 0; i < 10; i++) {
      const s = secrets.find((o) => o.metadata?.name === `find-${i}`);
      expect(Object.keys((s?.data ?? {}) as object).length, `find-${i}`).toBeGreaterThan(1);
    }
    const web = items.find((o) => o.kind === 'Deployment')!;
    expect(JSON.stringify(web)).toMatch(/checksum|rollout|hash/i);
  }, 240_000);
});
