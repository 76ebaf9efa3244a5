// Fault injection, webhook: the loopback JSON service behind the HTTP fault proxy, the store's URL (and the
// RenderConfig's allowedURLs) pointed at the proxy. Three data reads (result.jsonPath into a JSON body)
// and one extract make four GET requests in the fault-free run; values come from JSON bodies, so a cut-off
// or HTML body fails (or is retried) instead of passing for the secrets.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWebhook } from '../servers/webhook/server.js';
import { faults, type SeenRequest } from '../helpers/fault-proxy.js';
import { expectSecrets, faultMatrix, httpFaultScenarios, partialFaultProblems, proxyRig, type HttpScenario, type ProxiedBackend, type Read } from './harness.js';

const DEADLINE_MS = 4_000;
const REQUEST_TIMEOUT = { ESO_RENDER_REQUEST_TIMEOUT: '2s' };
const VALUES = ['wh-pw-Rb6t1', 'wh-token-Gs3n8', 'wh-env-Xc5v2'];
const TOKEN = 'wh-bearer-Pz4k7';

let wh: FakeWebhook;
let dir: string;

const stream = (base: string) => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: webhook, namespace: apps}
spec:
  provider:
    webhook:
      url: "${base}/api/{{ .remoteRef.key }}"
      headers: {Authorization: "Bearer {{ .auth.token }}"}
      result: {jsonPath: "$.value"}
      secrets: [{name: auth, secretRef: {name: webhook-auth}}]
---
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: webhook-map, namespace: apps}
spec:
  provider:
    webhook:
      url: "${base}/api/{{ .remoteRef.key }}"
      headers: {Authorization: "Bearer {{ .auth.token }}"}
      result: {}
      secrets: [{name: auth, secretRef: {name: webhook-auth}}]
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db-credentials, namespace: apps}
spec:
  secretStoreRef: {name: webhook, kind: SecretStore}
  data:
  - {secretKey: username, remoteRef: {key: db-user}}
  - {secretKey: password, remoteRef: {key: db-password}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: api-token, namespace: apps}
spec:
  secretStoreRef: {name: webhook, kind: SecretStore}
  data:
  - {secretKey: token, remoteRef: {key: api-token}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: app-env, namespace: apps}
spec:
  secretStoreRef: {name: webhook-map, kind: SecretStore}
  dataFrom:
  - extract: {key: app-env}
`;

const READS: Read[] = [
  { externalSecret: 'db-credentials', field: 'spec.data[0]', store: 'webhook', key: 'db-user' },
  { externalSecret: 'db-credentials', field: 'spec.data[1]', store: 'webhook', key: 'db-password' },
  { externalSecret: 'api-token', field: 'spec.data[0]', store: 'webhook', key: 'api-token' },
  { externalSecret: 'app-env', field: 'spec.dataFrom[0]', store: 'webhook-map', key: 'app-env' },
];

function configFor(base: string): string {
  const file = path.join(dir, `config-${base.replace(/\W/g, '_')}.yaml`);
  writeFileSync(file, `apiVersion: eso-render.dev/v1alpha1\nkind: RenderConfig\nmetadata: {name: faults}\nspec:\n  webhook: {allowedURLs: ["${base}/api/"]}\n`);
  return file;
}

beforeAll(async () => {
  wh = await FakeWebhook.start();
  const guarded = (body: unknown) => (q: { headers: Record<string, unknown> }) => (q.headers['authorization'] === `Bearer ${TOKEN}` ? { body: JSON.stringify(body) } : { status: 401, body: '{}' });
  wh.route('GET', '/api/db-user', guarded({ value: 'shop' }));
  wh.route('GET', '/api/db-password', guarded({ value: VALUES[0] }));
  wh.route('GET', '/api/api-token', guarded({ value: VALUES[1] }));
  wh.route('GET', '/api/app-env', guarded({ APP_ENV: VALUES[2], APP_MODE: 'prod' }));
  dir = mkdtempSync(path.join(tmpdir(), 'faults-webhook-'));
  mkdirSync(path.join(dir, 'creds', 'apps', 'webhook-auth'), { recursive: true });
  writeFileSync(path.join(dir, 'creds', 'apps', 'webhook-auth', 'token'), TOKEN);
});

afterAll(async () => {
  await wh?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.concurrent('webhook under faults, through the built CLI', () => {
  const backend: ProxiedBackend = {
    upstream: () => wh.url,
    env: () => ({ ...REQUEST_TIMEOUT }),
    stdin: (proxyUrl) => stream(proxyUrl),
    extraArgs: (proxyUrl) => ['--credentials-dir', path.join(dir, 'creds'), '--config', configFor(proxyUrl)],
  };
  const { limit, baseline, marginMs } = faultMatrix<HttpScenario>(
    {
      backend: 'webhook JSON service (loopback)',
      scenarios: httpFaultScenarios(),
      deadlineMs: DEADLINE_MS,
      attemptsPerRequest: 5,
      reads: READS,
      values: [...VALUES, TOKEN],
      stream: () => stream(wh.url),
      rig: proxyRig(backend),
      checkBaseline: expectSecrets(expect, ['db-credentials', 'api-token', 'app-env'], VALUES),
    },
    { beforeAll, afterAll, it, expect },
  );

  it('the extract endpoint failing, the data reads healthy: nothing on stdout, only the extract named', async () => {
    const plan = (req: SeenRequest) => (req.url.includes('app-env') ? faults.http500() : undefined);
    const r = await partialFaultProblems(backend, plan, { limit, baseline: baseline(), marginMs: marginMs(), deadlineMs: DEADLINE_MS, reads: READS, failing: (x) => x.externalSecret === 'app-env', values: [...VALUES, TOKEN] });
    expect(r.problems, r.stderr).toEqual([]);
  });
});
