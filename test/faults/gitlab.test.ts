// Fault injection, GitLab: the loopback GitLab server behind the HTTP fault proxy, the built CLI talking to
// the proxy as the store's url. Values come from JSON variable bodies, so a cut-off or malformed body fails
// to decode instead of passing for a value; 429 and 5xx are retried as client-go does, resets and timeouts too.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeGitLab } from '../servers/gitlab/server.js';
import { always, faults, firstN, startFaultProxy } from '../helpers/fault-proxy.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { faultMatrix, httpFaultScenarios, judgePartial, runCli, type HttpScenario, type Read } from './harness.js';

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
  const { limit, baseline, marginMs } = faultMatrix<HttpScenario>(
    {
      backend: 'GitLab (loopback)',
      scenarios: httpFaultScenarios(),
      deadlineMs: DEADLINE_MS,
      attemptsPerRequest: 5,
      reads: READS,
      values: [...VALUES, TOKEN],
      stream: () => stream('http://127.0.0.1:1'),
      rig: async (s, mode) => {
        const plan = s ? (mode === 'every request' ? always(s.make) : firstN(2, s.make)) : undefined;
        const proxy = await startFaultProxy({ upstream: gl.url, plan });
        return {
          env: { ...REQUEST_TIMEOUT },
          extraArgs: ['--credentials-dir', creds],
          stdin: stream(proxy.url),
          faulted: () => proxy.faulted(),
          seen: () => proxy.log.length,
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

  it('one variable failing, the rest healthy: nothing on stdout, only that read named', async () => {
    const proxy = await startFaultProxy({ upstream: gl.url, plan: (req) => (req.url.includes('/variables/APP_ENV') ? faults.http500() : undefined) });
    try {
      const r = await limit(() => runCli(['render', '--deadline', `${DEADLINE_MS}ms`, '--log-format', 'json', '--credentials-dir', creds], stream(proxy.url), {}, DEADLINE_MS + 30_000));
      const problems = judgePartial(r, { baseline: baseline(), failing: READS.filter((x) => x.externalSecret === 'app-env'), healthy: ['db-credentials', 'api-token'], deadlineMs: DEADLINE_MS, marginMs: marginMs(), values: [...VALUES, TOKEN] });
      expect(problems, r.stderr).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});
