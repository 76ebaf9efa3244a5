// Fault injection, GitLab: the loopback GitLab server behind the HTTP fault proxy, the built CLI talking to
// the proxy as the store's url. Values come from JSON variable bodies, so a cut-off or malformed body fails
// to decode instead of passing for a value; 429 and 5xx are retried as client-go does, resets and timeouts too.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitLab } from '../servers/gitlab/server.js';
import { faults, type SeenRequest } from '../helpers/fault-proxy.js';
import { expectSecrets, faultMatrix, httpFaultScenarios, partialFaultProblems, proxyRig, type HttpScenario, type ProxiedBackend, type Read } from './harness.js';

const DEADLINE_MS = 4_000;
const REQUEST_TIMEOUT = { ESO_RENDER_REQUEST_TIMEOUT: '2s' };
const VALUES = ['gl-pw-Rb6t1', 'gl-token-Gs3n8', 'gl-env-Xc5v2'];
const TOKEN = 'glpat-faults-Pz4k7';

let gl: FakeGitLab;
let project: number;
let creds: string;

const stream = (url: string) => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: gl, namespace: apps}
spec:
  provider:
    gitlab:
      url: "${url}"
      projectID: "${project}"
      auth: {SecretRef: {accessToken: {name: gitlab-token, key: token}}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db-credentials, namespace: apps}
spec:
  secretStoreRef: {name: gl, kind: SecretStore}
  data:
  - {secretKey: username, remoteRef: {key: DB_CREDENTIALS, property: username}}
  - {secretKey: password, remoteRef: {key: DB_CREDENTIALS, property: password}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: api-token, namespace: apps}
spec:
  secretStoreRef: {name: gl, kind: SecretStore}
  data:
  - {secretKey: token, remoteRef: {key: API_TOKEN}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: app-env, namespace: apps}
spec:
  secretStoreRef: {name: gl, kind: SecretStore}
  dataFrom:
  - extract: {key: APP_ENV}
`;

const READS: Read[] = [
  { externalSecret: 'db-credentials', field: 'spec.data[0]', store: 'gl', key: 'DB_CREDENTIALS' },
  { externalSecret: 'db-credentials', field: 'spec.data[1]', store: 'gl', key: 'DB_CREDENTIALS' },
  { externalSecret: 'api-token', field: 'spec.data[0]', store: 'gl', key: 'API_TOKEN' },
  { externalSecret: 'app-env', field: 'spec.dataFrom[0]', store: 'gl', key: 'APP_ENV' },
];

beforeAll(async () => {
  gl = await FakeGitLab.start();
  project = gl.addProject('shop/app', [
    { key: 'DB_CREDENTIALS', value: JSON.stringify({ username: 'shop', password: VALUES[0] }) },
    { key: 'API_TOKEN', value: VALUES[1]! },
    { key: 'APP_ENV', value: JSON.stringify({ ENV: VALUES[2], MODE: 'prod' }) },
  ]);
  gl.addToken(TOKEN);
  creds = mkdtempSync(path.join(tmpdir(), 'faults-gl-'));
  mkdirSync(path.join(creds, 'apps', 'gitlab-token'), { recursive: true });
  writeFileSync(path.join(creds, 'apps', 'gitlab-token', 'token'), TOKEN);
});

afterAll(async () => {
  await gl?.close();
  if (creds) rmSync(creds, { recursive: true, force: true });
});

describe.concurrent('GitLab under faults, through the built CLI', () => {
  const backend: ProxiedBackend = {
    upstream: () => gl.url,
    env: () => ({ ...REQUEST_TIMEOUT }),
    stdin: (proxyUrl) => stream(proxyUrl),
    extraArgs: () => ['--credentials-dir', creds],
  };
  const { limit, baseline, marginMs } = faultMatrix<HttpScenario>(
    {
      backend: 'GitLab (loopback)',
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

  it('one variable failing, the rest healthy: nothing on stdout, only that read named', async () => {
    const plan = (req: SeenRequest) => (req.url.includes('/variables/APP_ENV') ? faults.http500() : undefined);
    const r = await partialFaultProblems(backend, plan, { limit, baseline: baseline(), marginMs: marginMs(), deadlineMs: DEADLINE_MS, reads: READS, failing: (x) => x.externalSecret === 'app-env', values: [...VALUES, TOKEN] });
    expect(r.problems, r.stderr).toEqual([]);
  });
});
