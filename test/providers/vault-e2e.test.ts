// End to end through the engine: ESO's Vault seed examples (a `vault-backend` SecretStore with token auth
// reading properties and metadata of `secret/foo`; database credentials from a VaultDynamicSecret) and the
// request count of a large run, against the loopback Vault.

import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { render } from '../../src/engine/render.js';
import { defaultRenderOptions, type Item } from '../../src/engine/types.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { FakeVault } from '../servers/vault/server.js';
import { SA_TOKEN_PATH_ENV } from '../../src/providers/vault/auth.js';
import { cliPath } from '../helpers/cli.js';

// The built CLI (npm test builds dist/ first); ESO_RENDER_CLI points at another build.
const cli = process.env.ESO_RENDER_CLI ?? cliPath;

let vault: FakeVault;
let creds: string;
const SA_JWT = 'eyJhbGciOiJSUzI1NiJ9.argocd-repo-server.sig';

function credential(ns: string, name: string, key: string, value: string) {
  mkdirSync(path.join(creds, ns, name), { recursive: true });
  writeFileSync(path.join(creds, ns, name, key), value);
}

beforeAll(async () => {
  vault = await FakeVault.start();
  vault.mountKv('secret', 2);
  vault.put('secret', 'foo', { 'my-value': 's3cr3t', other: '<not used>' });
  vault.setCustomMetadata('secret', 'foo', { dev: 'seb', team: 'payments' });
  vault.addToken('root-e2e', ['secret/*']);
  vault.mountDatabase('database', { 'my-role': { ttl: 3600 } });
  vault.enableJwtRole('kubernetes', 'kubernetes', 'external-secrets-operator', [SA_JWT], ['database/creds/*']);
  vault.enableAppRole('approle', 'bulk-role', 'bulk-secret', ['secret/data/*']);
  for (let p = 0; p < 20; p++) vault.put('secret', `bulk/app-${p}`, { user: `user-${p}`, pass: `pass-${p}`, host: `db-${p}.internal` });
  creds = mkdtempSync(path.join(tmpdir(), 'vault-e2e-creds-'));
  credential('apps', 'vault-token', 'token', 'root-e2e');
  credential('apps', 'approle', 'secret-id', 'bulk-secret');
  writeFileSync(path.join(creds, 'sa-token'), SA_JWT);
  process.env[SA_TOKEN_PATH_ENV] = path.join(creds, 'sa-token');
});
afterAll(async () => {
  await vault.close();
  rmSync(creds, { recursive: true, force: true });
  delete process.env[SA_TOKEN_PATH_ENV];
});
beforeEach(() => vault.resetLog());

const options = () => ({ ...defaultRenderOptions, credentialsDir: creds });

function secretData(items: Item[], name: string): Record<string, string> {
  const s = items.find((i) => i.object.kind === 'Secret' && i.object.metadata?.name === name)!.object;
  return Object.fromEntries(Object.entries(s.data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
}

const vaultBackend = () => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: vault-backend
  namespace: apps
spec:
  provider:
    vault:
      server: "${vault.url}"
      path: "secret"
      version: "v2"
      auth:
        tokenSecretRef:
          name: "vault-token"
          key: "token"
`;

describe('ESO Vault seed examples, rendered', () => {
  it('vault-backend with token auth: a property, all metadata, one metadata entry', async () => {
    const input = parseManifests(`${vaultBackend()}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: vault-example
  namespace: apps
spec:
  refreshInterval: "15s"
  secretStoreRef:
    name: vault-backend
    kind: SecretStore
  target:
    name: example-sync
  data:
  - secretKey: foobar
    remoteRef:
      key: foo
      property: my-value
  - secretKey: tags
    remoteRef:
      metadataPolicy: Fetch
      key: foo
  - secretKey: developer
    remoteRef:
      metadataPolicy: Fetch
      key: foo
      property: dev
`);
    const out = await render(input, options());
    if (!out.ok) throw new Error(out.results.map((r) => r.message).join('\n'));
    const data = secretData(out.items, 'example-sync');
    expect(data.foobar).toBe('s3cr3t');
    expect(data.developer).toBe('seb');
    expect(JSON.parse(data.tags!)).toMatchObject({ dev: 'seb', team: 'payments', current_version: '1' });
    expect(out.items.map((i) => i.object.kind)).toEqual(['Secret']);
    // One data read and one metadata read, whatever the number of entries using them.
    expect(vault.requests.map((r) => r.path).sort()).toEqual(['secret/data/foo', 'secret/metadata/foo']);
    expect(out.stats.requests).toEqual({ 'SecretStore/apps/vault-backend': 2 });
  });

  it('VaultDynamicSecret: database credentials with a fresh lease, kubernetes auth with the pod\'s own token', async () => {
    const input = parseManifests(`
apiVersion: generators.external-secrets.io/v1alpha1
kind: VaultDynamicSecret
metadata:
  name: psql-example
  namespace: apps
spec:
  path: "/database/creds/my-role"
  method: "GET"
  provider:
    server: "${vault.url}"
    auth:
      kubernetes:
        mountPath: "kubernetes"
        role: "external-secrets-operator"
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: psql-example-es
  namespace: apps
spec:
  refreshInterval: 1h
  target:
    name: psql-example-for-use
  dataFrom:
  - sourceRef:
      generatorRef:
        apiVersion: generators.external-secrets.io/v1alpha1
        kind: VaultDynamicSecret
        name: psql-example
`);
    const leasesBefore = vault.leases.length;
    const out = await render(input, options());
    if (!out.ok) throw new Error(out.results.map((r) => r.message).join('\n'));
    const data = secretData(out.items, 'psql-example-for-use');
    expect(Object.keys(data).sort()).toEqual(['password', 'username']);
    expect(data.username).toMatch(/^v-my-role-/);
    expect(vault.leases.length).toBe(leasesBefore + 1);
    expect(vault.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST auth/kubernetes/login', 'GET database/creds/my-role']);
    expect(out.items.map((i) => i.object.kind)).toEqual(['Secret']);

    // A second render is a second set of credentials and a second lease: what Argo CD sees on refresh.
    const again = await render(parseManifests(input.map((i) => JSON.stringify(i.object)).join('\n---\n')), options());
    if (!again.ok) throw new Error(again.results.map((r) => r.message).join('\n'));
    expect(secretData(again.items, 'psql-example-for-use').username).not.toBe(data.username);
    expect(vault.leases.length).toBe(leasesBefore + 2);
  });

  it('50 ExternalSecrets taking 3 properties each from 20 paths: 20 reads and 1 login', async () => {
    const store = `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata:
  name: vault-bulk
  namespace: apps
spec:
  provider:
    vault:
      server: "${vault.url}"
      path: secret
      auth:
        appRole:
          roleId: bulk-role
          secretRef:
            name: approle
            key: secret-id
`;
    const ess = Array.from({ length: 50 }, (_, i) => {
      const p = i % 20;
      return `
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: app-${i}
  namespace: apps
spec:
  secretStoreRef: { name: vault-bulk, kind: SecretStore }
  target: { name: app-${i} }
  data:
  - { secretKey: user, remoteRef: { key: bulk/app-${p}, property: user } }
  - { secretKey: pass, remoteRef: { key: bulk/app-${p}, property: pass } }
  - { secretKey: host, remoteRef: { key: bulk/app-${p}, property: host } }
`;
    });
    const out = await render(parseManifests([store, ...ess].join('\n---\n')), options());
    if (!out.ok) throw new Error(out.results.map((r) => r.message).join('\n'));
    expect(out.items).toHaveLength(50);
    expect(secretData(out.items, 'app-37')).toEqual({ user: 'user-17', pass: 'pass-17', host: 'db-17.internal' });
    expect(vault.count((r) => r.path === 'auth/approle/login')).toBe(1);
    expect(vault.count((r) => r.path.startsWith('secret/data/bulk/'))).toBe(20);
    expect(vault.count()).toBe(21);
    expect(out.stats.requests).toEqual({ 'SecretStore/apps/vault-bulk': 21 });
  });

  it('a platform ClusterSecretStore: extract and find, with find keys converted as ESO\'s controller does', async () => {
    vault.put('secret', 'teams/dev/config', '{"url":"https://dev.example","retries":3.0,"tls":{"on":true}}');
    vault.put('secret', 'teams/dev/db', { user: 'dev' });
    vault.put('secret', 'teams/prod/config', { url: 'https://prod.example' });
    vault.enableAppRole('approle', 'platform-role', 'platform-secret', ['secret/data/*', 'secret/metadata/*']);
    credential('platform', 'vault-approle', 'secret-id', 'platform-secret');
    const platformStore = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ClusterSecretStore',
      metadata: { name: 'vault-platform' },
      spec: {
        provider: {
          vault: {
            server: vault.url,
            path: 'secret',
            auth: { appRole: { roleId: 'platform-role', secretRef: { name: 'vault-approle', key: 'secret-id', namespace: 'platform' } } },
          },
        },
      },
    };
    const input = parseManifests(`
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: team-config, namespace: apps }
spec:
  secretStoreRef: { name: vault-platform, kind: ClusterSecretStore }
  target: { name: team-config }
  dataFrom:
  - extract: { key: teams/dev/config }
  - find: { path: teams/dev, name: { regexp: "db$" } }
`);
    const out = await render(input, { ...options(), platformStores: [platformStore] });
    if (!out.ok) throw new Error(out.results.map((r) => r.message).join('\n'));
    expect(secretData(out.items, 'team-config')).toEqual({
      url: 'https://dev.example',
      retries: '3',
      tls: '{"on":true}',
      teams_dev_db: '{"user":"dev"}',
    });
    expect(vault.requests.filter((r) => r.verb === 'LIST').map((r) => r.path)).toEqual(['secret/metadata/teams/dev/']);
  });

  it('a denied read fails the run naming the ExternalSecret, store and path, with no value anywhere', async () => {
    const input = parseManifests(`${vaultBackend().replace('name: "vault-token"', 'name: "vault-token"')}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: denied
  namespace: apps
spec:
  secretStoreRef: { name: vault-backend, kind: SecretStore }
  target: { name: denied }
  data:
  - { secretKey: a, remoteRef: { key: foo, property: my-value } }
  - { secretKey: b, remoteRef: { key: foo, property: no-such-property } }
`);
    const out = await render(input, options());
    expect(out.ok).toBe(false);
    const err = out.results.find((r) => r.severity === 'error')!;
    expect(err.message).toContain('SecretStore/apps/vault-backend');
    expect(err.message).toContain('cannot find secret data for key: "no-such-property"');
    for (const r of out.results) expect(JSON.stringify(r)).not.toContain('s3cr3t');
  });
});

describe.skipIf(!existsSync(cli))('the built CLI', () => {
  it('renders the vault-backend example from stdin, loads the provider lazily and exits when done', async () => {
    const input = `${vaultBackend()}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: { name: vault-example, namespace: apps }
spec:
  secretStoreRef: { name: vault-backend, kind: SecretStore }
  target: { name: example-sync }
  data:
  - { secretKey: foobar, remoteRef: { key: foo, property: my-value } }
`;
    const started = Date.now();
    const r = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [cli, 'render', '--credentials-dir', creds], {
        env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp' },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
      child.stdin.end(input);
    });
    expect(r.stderr).not.toContain('s3cr3t');
    expect(r.code, r.stderr).toBe(0);
    const [secret] = parseManifests(r.stdout);
    expect(secret!.object).toMatchObject({ kind: 'Secret', metadata: { name: 'example-sync', namespace: 'apps' } });
    expect(Buffer.from((secret!.object.data as Record<string, string>).foobar!, 'base64').toString('utf8')).toBe('s3cr3t');
    // Keep-alive sockets to Vault must not hold the process open.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
