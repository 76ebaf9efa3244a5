// Fault injection, Bitwarden Secrets Manager: the loopback Bitwarden SDK server behind the HTTP fault
// proxy (HTTPS with the server's own certificate, so the store's caBundle is what the client trusts), the
// built CLI talking to the proxy as its bitwardenServerSDKURL. Reads by name (the organization's listing,
// then each secret of that name), by id, and an extract of a JSON value. Every request of a read is
// retried at most 5 times (the shared retry budget), within the run's deadline.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBitwardenSdkServer, bwAccessToken, bwId } from '../servers/bitwarden/server.js';
import { faults, type SeenRequest } from '../helpers/fault-proxy.js';
import { expectSecrets, faultMatrix, httpFaultScenarios, partialFaultProblems, proxyRig, type HttpScenario, type ProxiedBackend, type Read } from './harness.js';

const DEADLINE_MS = 4_000;
const REQUEST_TIMEOUT = { ESO_RENDER_REQUEST_TIMEOUT: '2s' };
const VALUES = ['bw-pw-Hd5r8', 'bw-token-Wq2m6', 'bw-env-Lc9x3'];

let bw: FakeBitwardenSdkServer;
let creds: string;
const token = bwAccessToken('faults');
let apiTokenId: string;
let appEnvId: string;

const stream = (url: string) => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: bw, namespace: apps}
spec:
  provider:
    bitwardensecretsmanager:
      bitwardenServerSDKURL: "${url}"
      caBundle: ${bw ? bw.caBundle : 'none'}
      organizationID: ${bwId('org:acme')}
      projectID: ${bwId('project:payments')}
      auth: {secretRef: {credentials: {name: bw-token, key: token}}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db-credentials, namespace: apps}
spec:
  secretStoreRef: {name: bw, kind: SecretStore}
  data:
  - {secretKey: password, remoteRef: {key: db-password}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: api-token, namespace: apps}
spec:
  secretStoreRef: {name: bw, kind: SecretStore}
  data:
  - {secretKey: token, remoteRef: {key: ${apiTokenId ?? 'x'}}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: app-env, namespace: apps}
spec:
  secretStoreRef: {name: bw, kind: SecretStore}
  dataFrom:
  - extract: {key: app-env}
`;

const READS: Read[] = [
  { externalSecret: 'db-credentials', field: 'spec.data[0]', store: 'bw', key: 'db-password' },
  { externalSecret: 'api-token', field: 'spec.data[0]', store: 'bw', key: 'api-token' },
  { externalSecret: 'app-env', field: 'spec.dataFrom[0]', store: 'bw', key: 'app-env' },
];

beforeAll(async () => {
  bw = await FakeBitwardenSdkServer.start();
  [, apiTokenId, appEnvId] = bw.addSecrets('acme', [
    { key: 'db-password', value: VALUES[0]!, project: 'payments' },
    { key: 'api-token', value: VALUES[1]!, project: 'payments' },
    { key: 'app-env', value: JSON.stringify({ ENV: VALUES[2], MODE: 'prod' }), project: 'payments' },
  ]) as [string, string, string];
  READS[1]!.key = apiTokenId;
  bw.addMachineAccount('faults', 'acme', ['payments']);
  creds = mkdtempSync(path.join(tmpdir(), 'faults-bw-'));
  mkdirSync(path.join(creds, 'apps', 'bw-token'), { recursive: true });
  writeFileSync(path.join(creds, 'apps', 'bw-token', 'token'), token);
});

afterAll(async () => {
  await bw?.close();
  if (creds) rmSync(creds, { recursive: true, force: true });
});

describe.concurrent('Bitwarden SDK server under faults, through the built CLI', () => {
  const backend: ProxiedBackend = {
    upstream: () => bw.url,
    tls: () => ({ tls: { keyPem: bw.tls.keyPem, certPem: bw.tls.certPem }, upstreamCa: bw.tls.caPem }),
    env: () => ({ ...REQUEST_TIMEOUT }),
    stdin: (proxyUrl) => stream(proxyUrl),
    extraArgs: () => ['--credentials-dir', creds],
  };
  const { limit, baseline, marginMs } = faultMatrix<HttpScenario>(
    {
      backend: 'Bitwarden SDK server (loopback)',
      scenarios: httpFaultScenarios(),
      deadlineMs: DEADLINE_MS,
      attemptsPerRequest: 5,
      reads: READS,
      values: [...VALUES, token],
      stream: () => stream('https://127.0.0.1:1'),
      rig: proxyRig(backend),
      checkBaseline: expectSecrets(expect, ['db-credentials', 'api-token', 'app-env'], VALUES),
    },
    { beforeAll, afterAll, it, expect },
  );

  it('one secret failing, the rest healthy: nothing on stdout, only that read named', async () => {
    const plan = (req: SeenRequest) => (req.body.includes(appEnvId) ? faults.http500() : undefined);
    const r = await partialFaultProblems(backend, plan, { limit, baseline: baseline(), marginMs: marginMs(), deadlineMs: DEADLINE_MS, reads: READS, failing: (x) => x.externalSecret === 'app-env', values: [...VALUES, token] });
    expect(r.problems, r.stderr).toEqual([]);
  });
});
