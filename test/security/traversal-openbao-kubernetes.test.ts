// Hostile tenant, "keys are canonical before they are matched" (issue 14), for the openBao and kubernetes
// providers. Through the built CLI (`render` with a policy allowing only keys under a prefix): traversal
// keys are refused with the field named and the backends' request logs stay empty. Past the engine, each
// client is driven directly and its HTTP layer refuses the same paths unsent.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenBao } from '../servers/openbao/server.js';
import { FakeKubeApi } from '../servers/kubernetes/server.js';
import { makeProviderContext } from '../helpers/provider-context.js';
import { runCli } from '../helpers/cli.js';

const OTHER = 'other-tenant-value-7731';
let bao: FakeOpenBao;
let kube: FakeKubeApi;
let dir: string;

beforeAll(async () => {
  bao = await FakeOpenBao.start();
  bao.mountKv('kv', 2);
  bao.put('kv', 'prod/payments/db', { password: 'mine' });
  bao.put('kv', 'other/db', { password: OTHER });
  bao.addToken('bao-token', ['kv/*']);
  kube = await FakeKubeApi.start();
  kube.put('payments', 'pay-db', { password: 'mine' });
  kube.put('other', 'db', { password: OTHER });
  kube.addToken('kube-token', 'reader', ['payments', 'other']);
  dir = mkdtempSync(path.join(tmpdir(), 'traversal-new-'));
});
afterAll(async () => {
  await bao?.close();
  await kube?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function refused(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('the read succeeded');
}

describe('through the CLI: traversal keys under an allowed prefix are refused, zero requests', () => {
  it.each([
    ['openBao', () => ({ openBao: { server: bao.url, auth: { tokenSecretRef: { name: 'creds', key: 'bao', namespace: 'platform' } } } }), 'prod/payments/*', ['prod/payments/../../other/db', 'prod/payments/%2e%2e/other/db', 'prod/payments//db', 'prod/payments/..\\other', 'prod/payments/db/']],
    ['kubernetes', () => ({ kubernetes: { server: { url: kube.url }, remoteNamespace: 'payments', auth: { token: { bearerToken: { name: 'creds', key: 'kube', namespace: 'platform' } } } } }), 'pay-*', ['pay-db/../../other/secrets/db', 'pay-%2e%2e', 'pay-db/x', 'pay-..', 'pay-DB']],
  ] as const)('%s (and the allowed key is read)', async (name, provider, prefix, keys) => {
    // The platform's store (credentials from its folder) and one rule confining its keys to the prefix.
    const store = { apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 's' }, spec: { provider: provider() } };
    writeFileSync(path.join(dir, `${name}-stores.yaml`), JSON.stringify(store));
    mkdirSync(path.join(dir, 'creds/platform/creds'), { recursive: true });
    writeFileSync(path.join(dir, 'creds/platform/creds/bao'), 'bao-token');
    writeFileSync(path.join(dir, 'creds/platform/creds/kube'), 'kube-token');
    const config = path.join(dir, `${name}.json`);
    writeFileSync(
      config,
      JSON.stringify({
        apiVersion: 'eso-render.dev/v1alpha1',
        kind: 'RenderConfig',
        metadata: { name: 'platform' },
        spec: { storeFiles: [path.join(dir, `${name}-stores.yaml`)], credentialsDir: path.join(dir, 'creds'), policy: { rules: [{ name: 'payments', stores: [{ kind: 'ClusterSecretStore', name: 's', keys: [prefix] }] }] } },
      }),
    );
    const es = {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: { name: 'steal', namespace: 'payments' },
      spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 's' }, data: keys.map((key, i) => ({ secretKey: `k${i}`, remoteRef: { key } })) },
    };
    bao.resetLog();
    kube.resetLog();
    const r = await runCli(['render', '--config', config, '--log-format', 'json'], JSON.stringify(es));
    expect(r.code, r.stderr).not.toBe(0);
    expect(r.stdout).toBe('');
    for (let i = 0; i < keys.length; i++) expect(r.stderr, keys[i]).toContain(`spec.data[${i}].remoteRef.key`);
    expect(r.stderr).not.toContain(OTHER);
    expect(bao.requests).toEqual([]);
    expect(kube.requests).toEqual([]);
    // The same store and rule read the allowed key: the refusals above are the keys', not the setup's.
    const allowed = { ...es, spec: { ...es.spec, data: [{ secretKey: 'p', remoteRef: { key: name === 'openBao' ? 'prod/payments/db' : 'pay-db', property: 'password' } }] } };
    const good = await runCli(['render', '--config', config], JSON.stringify(allowed));
    expect(good.code, good.stderr).toBe(0);
    expect(bao.requests.length + kube.requests.length).toBe(1);
  });
});

describe('past the engine: each client refuses the path unsent', () => {
  it('openBao: dot segments never reach OpenBao, and every path stays under the mount', async () => {
    const { createClient } = await import('../../src/providers/openbao/index.js');
    const ctx = makeProviderContext({ provider: 'openBao', kind: 'ClusterSecretStore', name: 'bao', spec: { server: bao.url, auth: { tokenSecretRef: { name: 'c', key: 't', namespace: 'platform' } } }, credentials: { 'platform/c/t': 'bao-token' } });
    const client = await createClient(ctx);
    bao.resetLog();
    for (const key of ['prod/payments/../../other/db', '../other/db', 'prod/payments/.']) {
      const m = await refused(client.getSecret({ key }));
      expect(m).toMatch(/refused to send the request/);
      expect(m).not.toContain(OTHER);
    }
    await client.close?.();
    expect(bao.requests).toEqual([]);
  });

  it('kubernetes: a name with a / or a dot segment never reaches the API server', async () => {
    const { createClient } = await import('../../src/providers/kubernetes/index.js');
    const ctx = makeProviderContext({ provider: 'kubernetes', kind: 'ClusterSecretStore', name: 'k', spec: { server: { url: kube.url }, remoteNamespace: 'payments', auth: { token: { bearerToken: { name: 'c', key: 't', namespace: 'platform' } } } }, credentials: { 'platform/c/t': 'kube-token' } });
    const client = await createClient(ctx);
    kube.resetLog();
    for (const key of ['../other/secrets/db', '..', '.', 'pay-db/../../other/secrets/db']) {
      const m = await refused(client.getSecret({ key }));
      expect(m).toMatch(/refused to send the request/);
      expect(m).not.toContain(OTHER);
    }
    // Percent signs are sent encoded: the API server reads a (missing) Secret of that literal name.
    const m = await refused(client.getSecret({ key: '%2e%2e' }));
    expect(m).toContain('not found');
    await client.close?.();
    expect(kube.requests.map((q) => q.path)).toEqual(['/api/v1/namespaces/payments/secrets/%252e%252e']);
  });
});
