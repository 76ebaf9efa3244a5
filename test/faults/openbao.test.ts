// Fault injection, OpenBao: the loopback OpenBao behind the fault proxy, eso-render's openBao provider in
// the built CLI. Two stores (KV v2 at the default mount with AppRole login, KV v1 with userPass); each
// fault transient (first 2 requests) and persistent (every request). Recovered with the fault-free
// output, or failed clean.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenBao } from '../servers/openbao/server.js';
import { faults, type SeenRequest } from '../helpers/fault-proxy.js';
import { expectSecrets, faultMatrix, httpFaultScenarios, partialFaultProblems, proxyRig, type HttpScenario, type ProxiedBackend, type Read } from './harness.js';

const DEADLINE_MS = 4_000;
// A short per-request timeout, so a stuck or dribbling request is retried well inside the deadline.
const REQUEST_TIMEOUT = { ESO_RENDER_REQUEST_TIMEOUT: '2s' };
const VALUES = ['bao-pw-Tn4k8', 'bao-cfg-Wq1z5', 'bao-legacy-Ye6m3'];
const CREDENTIALS = { secretId: 'bao-approle-secret-Fv9c2', password: 'bao-user-pw-Ud7s1' };

let bao: FakeOpenBao;
let creds: string;

const stream = (server: string) => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: bao-kv2, namespace: apps}
spec:
  provider:
    openBao:
      server: "${server}"
      auth:
        appRole: {roleId: fault-role, secretRef: {name: bao-approle, key: secret-id}}
---
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: bao-kv1, namespace: apps}
spec:
  provider:
    openBao:
      server: "${server}"
      path: legacy
      version: v1
      auth:
        userPass: {username: fault-user, secretRef: {name: bao-user, key: password}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db-credentials, namespace: apps}
spec:
  secretStoreRef: {name: bao-kv2, kind: SecretStore}
  data:
  - {secretKey: username, remoteRef: {key: shop/db, property: username}}
  - {secretKey: password, remoteRef: {key: shop/db, property: password}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: app-config, namespace: apps}
spec:
  secretStoreRef: {name: bao-kv2, kind: SecretStore}
  dataFrom:
  - extract: {key: shop/config}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: legacy, namespace: apps}
spec:
  secretStoreRef: {name: bao-kv1, kind: SecretStore}
  target:
    template:
      data:
        url: "https://svc:{{ .token }}@legacy.internal"
  data:
  - {secretKey: token, remoteRef: {key: app, property: token}}
`;

const READS: Read[] = [
  { externalSecret: 'db-credentials', field: 'spec.data[0]', store: 'bao-kv2', key: 'shop/db' },
  { externalSecret: 'db-credentials', field: 'spec.data[1]', store: 'bao-kv2', key: 'shop/db' },
  { externalSecret: 'app-config', field: 'spec.dataFrom[0]', store: 'bao-kv2', key: 'shop/config' },
  { externalSecret: 'legacy', field: 'spec.data[0]', store: 'bao-kv1', key: 'app' },
];

beforeAll(async () => {
  bao = await FakeOpenBao.start();
  bao.mountKv('kv', 2);
  bao.mountKv('legacy', 1);
  bao.put('kv', 'shop/db', { username: 'shop', password: VALUES[0] });
  bao.put('kv', 'shop/config', { CONFIG: VALUES[1], MODE: 'prod' });
  bao.put('legacy', 'app', { token: VALUES[2] });
  bao.enableAppRole('approle', 'fault-role', CREDENTIALS.secretId, ['kv/*']);
  bao.enableUser('userpass', 'userpass', 'fault-user', CREDENTIALS.password, ['legacy/*']);
  creds = mkdtempSync(path.join(tmpdir(), 'faults-openbao-'));
  const put = (name: string, key: string, value: string) => {
    mkdirSync(path.join(creds, 'apps', name), { recursive: true });
    writeFileSync(path.join(creds, 'apps', name, key), value);
  };
  put('bao-approle', 'secret-id', CREDENTIALS.secretId);
  put('bao-user', 'password', CREDENTIALS.password);
});

afterAll(async () => {
  await bao?.close();
  if (creds) rmSync(creds, { recursive: true, force: true });
});

const SCENARIOS: HttpScenario[] = httpFaultScenarios();

describe.concurrent('OpenBao under faults, through the built CLI', () => {
  const backend: ProxiedBackend = {
    upstream: () => bao.url,
    env: () => ({ ...REQUEST_TIMEOUT }),
    stdin: (proxyUrl) => stream(proxyUrl),
    extraArgs: () => ['--credentials-dir', creds],
  };
  const { limit, baseline, marginMs } = faultMatrix<HttpScenario>(
    {
      backend: 'OpenBao (loopback, KV v2 + AppRole, KV v1 + userPass)',
      scenarios: SCENARIOS,
      deadlineMs: DEADLINE_MS,
      attemptsPerRequest: 5,
      reads: READS,
      values: [...VALUES, CREDENTIALS.secretId, CREDENTIALS.password],
      stream: () => stream('http://127.0.0.1:1'),
      rig: proxyRig(backend),
      checkBaseline: expectSecrets(expect, ['db-credentials', 'app-config', 'legacy'], [VALUES[0]!, VALUES[1]!, `https://svc:${VALUES[2]}@legacy.internal`]),
    },
    { beforeAll, afterAll, it, expect },
  );

  it('the KV v1 mount failing, KV v2 healthy: nothing on stdout, only the KV v1 read named', async () => {
    const plan = (req: SeenRequest) => (req.url.startsWith('/v1/legacy/') ? faults.http500() : undefined);
    const r = await partialFaultProblems(backend, plan, { limit, baseline: baseline(), marginMs: marginMs(), deadlineMs: DEADLINE_MS, reads: READS, failing: (x) => x.store === 'bao-kv1', values: VALUES });
    expect(r.problems, r.stderr).toEqual([]);
  });
});
