// Fault injection, Kubernetes: the loopback Kubernetes API behind the fault proxy, eso-render's kubernetes
// provider in the built CLI. Two stores (bearer token, namespaces team-a and legacy); reads, an extract
// and a find by labels; each fault transient (first 2 requests) and persistent (every request).
// Recovered with the fault-free output, or failed clean.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeKubeApi } from '../servers/kubernetes/server.js';
import { faults, type SeenRequest } from '../helpers/fault-proxy.js';
import { expectSecrets, faultMatrix, httpFaultScenarios, partialFaultProblems, proxyRig, type HttpScenario, type ProxiedBackend, type Read } from './harness.js';

const DEADLINE_MS = 4_000;
// A short per-request timeout, so a stuck or dribbling request is retried well inside the deadline.
const REQUEST_TIMEOUT = { ESO_RENDER_REQUEST_TIMEOUT: '2s' };
const VALUES = ['kube-pw-Tn4k8', 'kube-cfg-Wq1z5', 'kube-legacy-Ye6m3'];
const CREDENTIALS = { tokenA: 'kube-token-a-Fv9c2', tokenLegacy: 'kube-token-legacy-Ud7s1' };

let kube: FakeKubeApi;
let creds: string;

const stream = (server: string) => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: kube-a, namespace: apps}
spec:
  provider:
    kubernetes:
      server: {url: "${server}"}
      remoteNamespace: team-a
      auth:
        token: {bearerToken: {name: kube-token-a, key: token}}
---
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: kube-legacy, namespace: apps}
spec:
  provider:
    kubernetes:
      server: {url: "${server}"}
      remoteNamespace: legacy
      auth:
        token: {bearerToken: {name: kube-token-legacy, key: token}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db-credentials, namespace: apps}
spec:
  secretStoreRef: {name: kube-a, kind: SecretStore}
  data:
  - {secretKey: username, remoteRef: {key: shop-db, property: username}}
  - {secretKey: password, remoteRef: {key: shop-db, property: password}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: app-config, namespace: apps}
spec:
  secretStoreRef: {name: kube-a, kind: SecretStore}
  dataFrom:
  - extract: {key: shop-config}
  - find: {tags: {app: shop-config}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: legacy, namespace: apps}
spec:
  secretStoreRef: {name: kube-legacy, kind: SecretStore}
  target:
    template:
      data:
        url: "https://svc:{{ .token }}@legacy.internal"
  data:
  - {secretKey: token, remoteRef: {key: app, property: token}}
`;

const READS: Read[] = [
  { externalSecret: 'db-credentials', field: 'spec.data[0]', store: 'kube-a', key: 'shop-db' },
  { externalSecret: 'db-credentials', field: 'spec.data[1]', store: 'kube-a', key: 'shop-db' },
  { externalSecret: 'app-config', field: 'spec.dataFrom[0]', store: 'kube-a', key: 'shop-config' },
  { externalSecret: 'legacy', field: 'spec.data[0]', store: 'kube-legacy', key: 'app' },
];

beforeAll(async () => {
  kube = await FakeKubeApi.start();
  kube.put('team-a', 'shop-db', { username: 'shop', password: VALUES[0] });
  kube.put('team-a', 'shop-config', { CONFIG: VALUES[1], MODE: 'prod' }, { labels: { app: 'shop-config' } });
  kube.put('legacy', 'app', { token: VALUES[2] });
  kube.addToken(CREDENTIALS.tokenA, 'system:serviceaccount:remote:a', ['team-a']);
  kube.addToken(CREDENTIALS.tokenLegacy, 'system:serviceaccount:remote:legacy', ['legacy']);
  creds = mkdtempSync(path.join(tmpdir(), 'faults-kubernetes-'));
  const put = (name: string, key: string, value: string) => {
    mkdirSync(path.join(creds, 'apps', name), { recursive: true });
    writeFileSync(path.join(creds, 'apps', name, key), value);
  };
  put('kube-token-a', 'token', CREDENTIALS.tokenA);
  put('kube-token-legacy', 'token', CREDENTIALS.tokenLegacy);
});

afterAll(async () => {
  await kube?.close();
  if (creds) rmSync(creds, { recursive: true, force: true });
});

const SCENARIOS: HttpScenario[] = httpFaultScenarios();

describe.concurrent('Kubernetes under faults, through the built CLI', () => {
  const backend: ProxiedBackend = {
    upstream: () => kube.url,
    env: () => ({ ...REQUEST_TIMEOUT }),
    stdin: (proxyUrl) => stream(proxyUrl),
    extraArgs: () => ['--credentials-dir', creds],
  };
  const { limit, baseline, marginMs } = faultMatrix<HttpScenario>(
    {
      backend: 'Kubernetes API (loopback, two namespaces, bearer tokens)',
      scenarios: SCENARIOS,
      deadlineMs: DEADLINE_MS,
      attemptsPerRequest: 5,
      reads: READS,
      values: [...VALUES, CREDENTIALS.tokenA, CREDENTIALS.tokenLegacy],
      stream: () => stream('http://127.0.0.1:1'),
      rig: proxyRig(backend),
      checkBaseline: expectSecrets(expect, ['db-credentials', 'app-config', 'legacy'], [VALUES[0]!, VALUES[1]!, `https://svc:${VALUES[2]}@legacy.internal`]),
    },
    { beforeAll, afterAll, it, expect },
  );

  it('the legacy namespace failing, team-a healthy: nothing on stdout, only the legacy read named', async () => {
    const plan = (req: SeenRequest) => (req.url.startsWith('/api/v1/namespaces/legacy/') ? faults.http500() : undefined);
    const r = await partialFaultProblems(backend, plan, { limit, baseline: baseline(), marginMs: marginMs(), deadlineMs: DEADLINE_MS, reads: READS, failing: (x) => x.store === 'kube-legacy', values: VALUES });
    expect(r.problems, r.stderr).toEqual([]);
  });
});
