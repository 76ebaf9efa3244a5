// Fault injection, Doppler: the loopback Doppler API behind the HTTP fault proxy, the built CLI pointed at
// the proxy by ESO_RENDER_DOPPLER_API_ADDRESS. The data reads of the stream travel in one batched download
// and the find in another, so the fault-free run makes two requests; values come from JSON bodies, so a
// cut-off or HTML body fails (or is retried) instead of passing for the secrets.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeDoppler } from '../servers/doppler/server.js';
import { faults, type SeenRequest } from '../helpers/fault-proxy.js';
import { expectSecrets, faultMatrix, httpFaultScenarios, partialFaultProblems, proxyRig, type HttpScenario, type ProxiedBackend, type Read } from './harness.js';

const DEADLINE_MS = 4_000;
const REQUEST_TIMEOUT = { ESO_RENDER_REQUEST_TIMEOUT: '2s' };
const VALUES = ['dp-pw-Rb6t1', 'dp-token-Gs3n8', 'dp-env-Xc5v2'];
const TOKEN = 'dp.st.faults.Pz4k7';

let dp: FakeDoppler;
let creds: string;

const STREAM = `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: doppler, namespace: apps}
spec:
  provider:
    doppler:
      auth: {secretRef: {dopplerToken: {name: doppler-token, key: dopplerToken}}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db-credentials, namespace: apps}
spec:
  secretStoreRef: {name: doppler, kind: SecretStore}
  data:
  - {secretKey: username, remoteRef: {key: DB_USER}}
  - {secretKey: password, remoteRef: {key: DB_PASSWORD}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: api-token, namespace: apps}
spec:
  secretStoreRef: {name: doppler, kind: SecretStore}
  data:
  - {secretKey: token, remoteRef: {key: API_TOKEN}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: app-env, namespace: apps}
spec:
  secretStoreRef: {name: doppler, kind: SecretStore}
  dataFrom:
  - find: {path: APP_}
`;

const READS: Read[] = [
  { externalSecret: 'db-credentials', field: 'spec.data[0]', store: 'doppler', key: 'DB_USER' },
  { externalSecret: 'db-credentials', field: 'spec.data[1]', store: 'doppler', key: 'DB_PASSWORD' },
  { externalSecret: 'api-token', field: 'spec.data[0]', store: 'doppler', key: 'API_TOKEN' },
  { externalSecret: 'app-env', field: 'spec.dataFrom[0]', store: 'doppler', key: 'APP_' },
];

beforeAll(async () => {
  dp = await FakeDoppler.start();
  dp.addConfig('shop', 'prd', { DB_USER: 'shop', DB_PASSWORD: VALUES[0]!, API_TOKEN: VALUES[1]!, APP_ENV: VALUES[2]!, APP_MODE: 'prod' });
  dp.addServiceToken(TOKEN, 'shop', 'prd');
  creds = mkdtempSync(path.join(tmpdir(), 'faults-doppler-'));
  mkdirSync(path.join(creds, 'apps', 'doppler-token'), { recursive: true });
  writeFileSync(path.join(creds, 'apps', 'doppler-token', 'dopplerToken'), TOKEN);
});

afterAll(async () => {
  await dp?.close();
  if (creds) rmSync(creds, { recursive: true, force: true });
});

describe.concurrent('Doppler under faults, through the built CLI', () => {
  const backend: ProxiedBackend = {
    upstream: () => dp.url,
    env: (proxyUrl) => ({ ...REQUEST_TIMEOUT, ESO_RENDER_DOPPLER_API_ADDRESS: proxyUrl }),
    extraArgs: () => ['--credentials-dir', creds],
  };
  const { limit, baseline, marginMs } = faultMatrix<HttpScenario>(
    {
      backend: 'Doppler API (loopback)',
      scenarios: httpFaultScenarios(),
      deadlineMs: DEADLINE_MS,
      attemptsPerRequest: 5,
      reads: READS,
      values: [...VALUES, TOKEN],
      stream: () => STREAM,
      rig: proxyRig(backend),
      checkBaseline: expectSecrets(expect, ['db-credentials', 'api-token', 'app-env'], VALUES),
    },
    { beforeAll, afterAll, it, expect },
  );

  it('the whole-config download failing, the batched names healthy: nothing on stdout, only the find named', async () => {
    const plan = (req: SeenRequest) => (req.url.includes('secrets=') ? undefined : faults.http500());
    const r = await partialFaultProblems(backend, plan, { limit, baseline: baseline(), marginMs: marginMs(), deadlineMs: DEADLINE_MS, reads: READS, failing: (x) => x.externalSecret === 'app-env', values: [...VALUES, TOKEN], stdin: STREAM });
    expect(r.problems, r.stderr).toEqual([]);
  });
});
