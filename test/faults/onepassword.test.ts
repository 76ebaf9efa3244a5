// Fault injection, 1Password Connect: the loopback Connect server behind the HTTP fault proxy, the built
// CLI talking to the proxy as its connectHost. Fields come from JSON item bodies; the file read checks
// its stated size, so a cut-off file body fails instead of passing for the file.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeConnect } from '../servers/onepassword/server.js';
import { faults, type SeenRequest } from '../helpers/fault-proxy.js';
import { expectSecrets, faultMatrix, httpFaultScenarios, partialFaultProblems, proxyRig, type HttpScenario, type ProxiedBackend, type Read } from './harness.js';

const DEADLINE_MS = 4_000;
const REQUEST_TIMEOUT = { ESO_RENDER_REQUEST_TIMEOUT: '2s' };
const VALUES = ['op-pw-Rb6t1', 'op-token-Gs3n8', 'op-env-Xc5v2'];
const TOKEN = 'connect-token-Pz4k7';

let op: FakeConnect;
let creds: string;

const stream = (host: string) => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: op, namespace: apps}
spec:
  provider:
    onepassword:
      connectHost: "${host}"
      vaults: {production: 1}
      auth: {secretRef: {connectTokenSecretRef: {name: op-connect, key: token}}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db-credentials, namespace: apps}
spec:
  secretStoreRef: {name: op, kind: SecretStore}
  data:
  - {secretKey: username, remoteRef: {key: db-credentials, property: username}}
  - {secretKey: password, remoteRef: {key: db-credentials, property: password}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: api-token, namespace: apps}
spec:
  secretStoreRef: {name: op, kind: SecretStore}
  data:
  - {secretKey: token, remoteRef: {key: api-token}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: app-env, namespace: apps}
spec:
  secretStoreRef: {name: op, kind: SecretStore}
  dataFrom:
  - extract: {key: app-env}
`;

const READS: Read[] = [
  { externalSecret: 'db-credentials', field: 'spec.data[0]', store: 'op', key: 'db-credentials' },
  { externalSecret: 'db-credentials', field: 'spec.data[1]', store: 'op', key: 'db-credentials' },
  { externalSecret: 'api-token', field: 'spec.data[0]', store: 'op', key: 'api-token' },
  { externalSecret: 'app-env', field: 'spec.dataFrom[0]', store: 'op', key: 'app-env' },
];

beforeAll(async () => {
  op = await FakeConnect.start();
  op.addVault('production', [
    { title: 'db-credentials', fields: [{ label: 'username', value: 'shop' }, { label: 'password', value: VALUES[0]! }] },
    { title: 'api-token', fields: [{ label: 'password', value: VALUES[1]! }] },
    { title: 'app-env', fields: [{ label: 'ENV', value: VALUES[2]! }, { label: 'MODE', value: 'prod' }] },
  ]);
  op.addToken(TOKEN, ['production']);
  creds = mkdtempSync(path.join(tmpdir(), 'faults-op-'));
  mkdirSync(path.join(creds, 'apps', 'op-connect'), { recursive: true });
  writeFileSync(path.join(creds, 'apps', 'op-connect', 'token'), TOKEN);
});

afterAll(async () => {
  await op?.close();
  if (creds) rmSync(creds, { recursive: true, force: true });
});

describe.concurrent('1Password Connect under faults, through the built CLI', () => {
  const backend: ProxiedBackend = {
    upstream: () => op.url,
    env: () => ({ ...REQUEST_TIMEOUT }),
    stdin: (proxyUrl) => stream(proxyUrl),
    extraArgs: () => ['--credentials-dir', creds],
  };
  const { limit, baseline, marginMs } = faultMatrix<HttpScenario>(
    {
      backend: '1Password Connect (loopback)',
      scenarios: httpFaultScenarios(),
      deadlineMs: DEADLINE_MS,
      attemptsPerRequest: 5,
      reads: READS,
      values: [...VALUES, TOKEN],
      stream: () => stream('http://127.0.0.1:1'),
      rig: proxyRig(backend),
      checkBaseline: expectSecrets(expect, ['db-credentials', 'api-token', 'app-env'], VALUES),
    },
    { beforeAll, afterAll, it, expect },
  );

  it('one item failing, the rest healthy: nothing on stdout, only that read named', async () => {
    const appEnv = op.itemId('production', 'app-env');
    const plan = (req: SeenRequest) => (req.url.includes(`/items/${appEnv}`) ? faults.http500() : undefined);
    const r = await partialFaultProblems(backend, plan, { limit, baseline: baseline(), marginMs: marginMs(), deadlineMs: DEADLINE_MS, reads: READS, failing: (x) => x.externalSecret === 'app-env', values: [...VALUES, TOKEN] });
    expect(r.problems, r.stderr).toEqual([]);
  });
});
