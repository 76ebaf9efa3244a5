// Fault injection, webhook: the loopback JSON service behind the HTTP fault proxy, the store's URL (and the
// RenderConfig's allowedURLs) pointed at the proxy. Three data reads (result.jsonPath into a JSON body)
// and one extract make four GET requests in the fault-free run; values come from JSON bodies, so a cut-off
// or HTML body fails (or is retried) instead of passing for the secrets.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWebhook } from '../servers/webhook/server.js';
import { always, faults, firstN, startFaultProxy } from '../helpers/fault-proxy.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { faultMatrix, httpFaultScenarios, judgePartial, runCli, type HttpScenario, type Read } from './harness.js';

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
  const { limit, baseline, marginMs } = faultMatrix<HttpScenario>(
    {
      backend: 'webhook JSON service (loopback)',
      scenarios: httpFaultScenarios(),
      deadlineMs: DEADLINE_MS,
      attemptsPerRequest: 5,
      reads: READS,
      values: [...VALUES, TOKEN],
      stream: () => stream(wh.url),
      rig: async (s, mode) => {
        const plan = s ? (mode === 'every request' ? always(s.make) : firstN(2, s.make)) : undefined;
        const proxy = await startFaultProxy({ upstream: wh.url, plan });
        return {
          env: { ...REQUEST_TIMEOUT },
          extraArgs: ['--credentials-dir', path.join(dir, 'creds'), '--config', configFor(proxy.url)],
          stdin: stream(proxy.url),
          faulted: () => proxy.faulted(),
          seen: () => proxy.log.length,
          log: () => proxy.log,
          stop: () => proxy.stop(),
        };
      },
      checkBaseline: (stdout) => {
        const secrets = parseManifests(stdout).filter((i) => i.object.kind === 'Secret');
        expect(secrets.map((x) => x.object.metadata?.name)).toEqual(['db-credentials', 'api-token', 'app-env']);
        const decoded = secrets.flatMap((x) => Object.values(x.object.data as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString('utf8')));
        for (const v of VALUES) expect(decoded).toContain(v);
      },
    },
    { beforeAll, afterAll, it, expect },
  );

  it('the extract endpoint failing, the data reads healthy: nothing on stdout, only the extract named', async () => {
    const proxy = await startFaultProxy({ upstream: wh.url, plan: (req) => (req.url.includes('app-env') ? faults.http500() : undefined) });
    try {
      const r = await limit(() =>
        runCli(['render', '--deadline', `${DEADLINE_MS}ms`, '--log-format', 'json', '--credentials-dir', path.join(dir, 'creds'), '--config', configFor(proxy.url)], stream(proxy.url), { ...REQUEST_TIMEOUT }, DEADLINE_MS + 30_000),
      );
      const problems = judgePartial(r, { baseline: baseline(), failing: READS.filter((x) => x.externalSecret === 'app-env'), healthy: ['db-credentials', 'api-token'], deadlineMs: DEADLINE_MS, marginMs: marginMs(), values: [...VALUES, TOKEN] });
      expect(problems, r.stderr).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});
