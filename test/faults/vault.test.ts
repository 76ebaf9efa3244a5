// Fault injection, Vault: the loopback Vault behind the fault proxy, eso-render's own Vault client in the
// built CLI. Two stores (KV v2 with AppRole login, KV v1 with a token); each fault transient (first 2
// requests) and persistent (every request). Recovered with the fault-free output, or failed clean.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeVault } from '../servers/vault/server.js';
import { always, faults, firstN, startFaultProxy } from '../helpers/fault-proxy.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { faultMatrix, httpFaultScenarios, judgePartial, runCli, type HttpScenario, type Read } from './harness.js';
import { controllerKeys, unseal } from '../helpers/sealing.js';

const DEADLINE_MS = 4_000;
// A short per-request timeout, so a stuck or dribbling request is retried well inside the deadline.
const REQUEST_TIMEOUT = { ESO_RENDER_REQUEST_TIMEOUT: '2s' };
const VALUES = ['vault-pw-Tn4k8', 'vault-cfg-Wq1z5', 'vault-legacy-Ye6m3'];
const CREDENTIALS = { secretId: 'approle-secret-Fv9c2', token: 'hvs.legacy-token-Ud7s1' };

let vault: FakeVault;
let creds: string;

const stream = (server: string) => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: vault-kv2, namespace: apps}
spec:
  provider:
    vault:
      server: "${server}"
      path: secret
      version: v2
      auth:
        appRole: {roleId: fault-role, secretRef: {name: vault-approle, key: secret-id}}
---
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: vault-kv1, namespace: apps}
spec:
  provider:
    vault:
      server: "${server}"
      path: legacy
      version: v1
      auth:
        tokenSecretRef: {name: vault-token, key: token}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db-credentials, namespace: apps}
spec:
  secretStoreRef: {name: vault-kv2, kind: SecretStore}
  data:
  - {secretKey: username, remoteRef: {key: shop/db, property: username}}
  - {secretKey: password, remoteRef: {key: shop/db, property: password}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: app-config, namespace: apps}
spec:
  secretStoreRef: {name: vault-kv2, kind: SecretStore}
  dataFrom:
  - extract: {key: shop/config}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: legacy, namespace: apps}
spec:
  secretStoreRef: {name: vault-kv1, kind: SecretStore}
  target:
    template:
      data:
        url: "https://svc:{{ .token }}@legacy.internal"
  data:
  - {secretKey: token, remoteRef: {key: app, property: token}}
`;

const READS: Read[] = [
  { externalSecret: 'db-credentials', field: 'spec.data[0]', store: 'vault-kv2', key: 'shop/db' },
  { externalSecret: 'db-credentials', field: 'spec.data[1]', store: 'vault-kv2', key: 'shop/db' },
  { externalSecret: 'app-config', field: 'spec.dataFrom[0]', store: 'vault-kv2', key: 'shop/config' },
  { externalSecret: 'legacy', field: 'spec.data[0]', store: 'vault-kv1', key: 'app' },
];

beforeAll(async () => {
  vault = await FakeVault.start();
  vault.mountKv('secret', 2);
  vault.mountKv('legacy', 1);
  vault.put('secret', 'shop/db', { username: 'shop', password: VALUES[0] });
  vault.put('secret', 'shop/config', { CONFIG: VALUES[1], MODE: 'prod' });
  vault.put('legacy', 'app', { token: VALUES[2] });
  vault.enableAppRole('approle', 'fault-role', CREDENTIALS.secretId, ['secret/*']);
  vault.addToken(CREDENTIALS.token, ['legacy/*']);
  creds = mkdtempSync(path.join(tmpdir(), 'faults-vault-'));
  const put = (name: string, key: string, value: string) => {
    mkdirSync(path.join(creds, 'apps', name), { recursive: true });
    writeFileSync(path.join(creds, 'apps', name, key), value);
  };
  put('vault-approle', 'secret-id', CREDENTIALS.secretId);
  put('vault-token', 'token', CREDENTIALS.token);
  sealPrivateKey = controllerKeys();
  writeFileSync(path.join(creds, 'seal-cert.pem'), sealPrivateKey.certPem);
  writeFileSync(path.join(creds, 'platform.key'), Buffer.alloc(32, 0x42));
});

/** The same matrix with sealing on (issue 17): fails clean the same way; a recovered run is the sealed baseline. */
let sealPrivateKey: ReturnType<typeof controllerKeys>;
const sealing = () => ['--platform-key-file', path.join(creds, 'platform.key'), '--seal-cert', path.join(creds, 'seal-cert.pem')];

afterAll(async () => {
  await vault?.close();
  if (creds) rmSync(creds, { recursive: true, force: true });
});

const SCENARIOS: HttpScenario[] = httpFaultScenarios();

describe.concurrent('Vault under faults, through the built CLI', () => {
  const { limit, baseline, marginMs } = faultMatrix<HttpScenario>(
    {
      backend: 'Vault (loopback, KV v2 + AppRole, KV v1 + token)',
      scenarios: SCENARIOS,
      deadlineMs: DEADLINE_MS,
      attemptsPerRequest: 5,
      reads: READS,
      values: [...VALUES, CREDENTIALS.secretId, CREDENTIALS.token],
      stream: () => stream('http://127.0.0.1:1'),
      rig: async (s, mode) => {
        const plan = s ? (mode === 'every request' ? always(s.make) : firstN(2, s.make)) : undefined;
        const proxy = await startFaultProxy({ upstream: vault.url, plan });
        return {
          env: { ...REQUEST_TIMEOUT },
          extraArgs: ['--credentials-dir', creds],
          stdin: stream(proxy.url),
          faulted: () => proxy.faulted(),
          seen: () => proxy.log.length,
          log: () => proxy.log,
          stop: () => proxy.stop(),
        };
      },
      checkBaseline: (stdout) => {
        const secrets = parseManifests(stdout).filter((i) => i.object.kind === 'Secret');
        expect(secrets.map((s) => s.object.metadata?.name)).toEqual(['db-credentials', 'app-config', 'legacy']);
        const decoded = secrets.flatMap((s) => Object.values(s.object.data as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString('utf8')));
        expect(decoded).toContain(VALUES[0]);
        expect(decoded).toContain(VALUES[1]);
        expect(decoded).toContain(`https://svc:${VALUES[2]}@legacy.internal`);
      },
    },
    { beforeAll, afterAll, it, expect },
  );

  it('the KV v1 mount failing, KV v2 healthy: nothing on stdout, only the KV v1 read named', async () => {
    const proxy = await startFaultProxy({ upstream: vault.url, plan: (req) => (req.url.startsWith('/v1/legacy/') ? faults.http500() : undefined) });
    try {
      const r = await limit(() => runCli(['render', '--deadline', `${DEADLINE_MS}ms`, '--log-format', 'json', '--credentials-dir', creds], stream(proxy.url), {}, DEADLINE_MS + 30_000));
      const problems = judgePartial(r, { baseline: baseline(), failing: READS.filter((x) => x.store === 'vault-kv1'), healthy: ['db-credentials', 'app-config'], deadlineMs: DEADLINE_MS, marginMs: marginMs(), values: VALUES });
      expect(proxy.faulted()).toBeGreaterThan(0);
      expect(problems, r.stderr).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});

describe.concurrent('Vault under faults, with sealing on, through the built CLI', () => {
  faultMatrix<HttpScenario>(
    {
      backend: 'Vault, sealed output (loopback, KV v2 + AppRole, KV v1 + token)',
      scenarios: SCENARIOS,
      deadlineMs: DEADLINE_MS,
      attemptsPerRequest: 5,
      reads: READS,
      values: [...VALUES, CREDENTIALS.secretId, CREDENTIALS.token],
      stream: () => stream('http://127.0.0.1:1'),
      rig: async (s, mode) => {
        const plan = s ? (mode === 'every request' ? always(s.make) : firstN(2, s.make)) : undefined;
        const proxy = await startFaultProxy({ upstream: vault.url, plan });
        return {
          env: { ...REQUEST_TIMEOUT },
          extraArgs: ['--credentials-dir', creds, ...sealing()],
          stdin: stream(proxy.url),
          faulted: () => proxy.faulted(),
          seen: () => proxy.log.length,
          stop: () => proxy.stop(),
        };
      },
      checkBaseline: (stdout) => {
        const objs = parseManifests(stdout).map((i) => i.object);
        expect(objs.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual(['SealedSecret/db-credentials', 'SealedSecret/app-config', 'SealedSecret/legacy']);
        for (const v of VALUES) expect(stdout).not.toContain(v);
        const decoded = objs.flatMap((o) => Object.values(unseal(sealPrivateKey.privateKeyPem, o)['data'] as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString('utf8')));
        expect(decoded).toContain(VALUES[0]);
        expect(decoded).toContain(VALUES[1]);
        expect(decoded).toContain(`https://svc:${VALUES[2]}@legacy.internal`);
      },
    },
    { beforeAll, afterAll, it, expect },
  );
});
