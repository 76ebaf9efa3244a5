// Fault injection, Infisical: the loopback Infisical API behind the HTTP fault proxy, the built CLI talking
// to the proxy as its hostAPI. The first request of a run is the universal-auth login, so the faults hit
// the login as well as the v3 raw secret reads; the revoke at the end is tried once and never fails a run.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeInfisical } from '../servers/infisical/server.js';
import { faults, type SeenRequest } from '../helpers/fault-proxy.js';
import { expectSecrets, faultMatrix, httpFaultScenarios, partialFaultProblems, proxyRig, type HttpScenario, type ProxiedBackend, type Read } from './harness.js';

const DEADLINE_MS = 4_000;
const REQUEST_TIMEOUT = { ESO_RENDER_REQUEST_TIMEOUT: '2s' };
const VALUES = ['inf-pw-Qe7r4', 'inf-token-Mb2x6', 'inf-env-Wd9k3'];
const CLIENT_SECRET = 'inf-client-secret-Jh5t8';

let inf: FakeInfisical;
let creds: string;

const stream = (host: string) => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: inf, namespace: apps}
spec:
  provider:
    infisical:
      hostAPI: "${host}"
      auth: {universalAuthCredentials: {clientId: {name: inf-ua, key: clientId}, clientSecret: {name: inf-ua, key: clientSecret}}}
      secretsScope: {projectSlug: shop, environmentSlug: prod}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db-credentials, namespace: apps}
spec:
  secretStoreRef: {name: inf, kind: SecretStore}
  data:
  - {secretKey: username, remoteRef: {key: DB_CREDENTIALS, property: username}}
  - {secretKey: password, remoteRef: {key: DB_CREDENTIALS, property: password}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: api-token, namespace: apps}
spec:
  secretStoreRef: {name: inf, kind: SecretStore}
  data:
  - {secretKey: token, remoteRef: {key: API_TOKEN}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: app-env, namespace: apps}
spec:
  secretStoreRef: {name: inf, kind: SecretStore}
  dataFrom:
  - extract: {key: /app/APP_ENV}
`;

const READS: Read[] = [
  { externalSecret: 'db-credentials', field: 'spec.data[0]', store: 'inf', key: 'DB_CREDENTIALS' },
  { externalSecret: 'db-credentials', field: 'spec.data[1]', store: 'inf', key: 'DB_CREDENTIALS' },
  { externalSecret: 'api-token', field: 'spec.data[0]', store: 'inf', key: 'API_TOKEN' },
  { externalSecret: 'app-env', field: 'spec.dataFrom[0]', store: 'inf', key: '/app/APP_ENV' },
];

beforeAll(async () => {
  inf = await FakeInfisical.start();
  inf.addSecrets('shop', 'prod', '/', { DB_CREDENTIALS: JSON.stringify({ username: 'shop', password: VALUES[0] }), API_TOKEN: VALUES[1]! });
  inf.addSecrets('shop', 'prod', '/app', { APP_ENV: JSON.stringify({ ENV: VALUES[2], MODE: 'prod' }) });
  inf.addClient('inf-client', CLIENT_SECRET, ['shop']);
  creds = mkdtempSync(path.join(tmpdir(), 'faults-inf-'));
  mkdirSync(path.join(creds, 'apps', 'inf-ua'), { recursive: true });
  writeFileSync(path.join(creds, 'apps', 'inf-ua', 'clientId'), 'inf-client');
  writeFileSync(path.join(creds, 'apps', 'inf-ua', 'clientSecret'), CLIENT_SECRET);
});

afterAll(async () => {
  await inf?.close();
  if (creds) rmSync(creds, { recursive: true, force: true });
});

describe.concurrent('Infisical under faults, through the built CLI', () => {
  const backend: ProxiedBackend = {
    upstream: () => inf.url,
    env: () => ({ ...REQUEST_TIMEOUT }),
    stdin: (proxyUrl) => stream(proxyUrl),
    extraArgs: () => ['--credentials-dir', creds],
  };
  const { limit, baseline, marginMs } = faultMatrix<HttpScenario>(
    {
      backend: 'Infisical (loopback)',
      scenarios: httpFaultScenarios(),
      deadlineMs: DEADLINE_MS,
      attemptsPerRequest: 5,
      reads: READS,
      values: [...VALUES, CLIENT_SECRET],
      stream: () => stream('http://127.0.0.1:1'),
      rig: proxyRig(backend),
      checkBaseline: expectSecrets(expect, ['db-credentials', 'api-token', 'app-env'], VALUES),
    },
    { beforeAll, afterAll, it, expect },
  );

  it('one secret failing, the rest healthy: nothing on stdout, only that read named', async () => {
    const plan = (req: SeenRequest) => (req.url.includes('/secrets/raw/APP_ENV') ? faults.http500() : undefined);
    const r = await partialFaultProblems(backend, plan, { limit, baseline: baseline(), marginMs: marginMs(), deadlineMs: DEADLINE_MS, reads: READS, failing: (x) => x.externalSecret === 'app-env', values: [...VALUES, CLIENT_SECRET] });
    expect(r.problems, r.stderr).toEqual([]);
  });
});
