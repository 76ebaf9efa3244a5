// Fault injection, 1Password Connect: the loopback Connect server behind the HTTP fault proxy, the built
// CLI talking to the proxy as its connectHost. Fields come from JSON item bodies; the file read checks
// its stated size, so a cut-off file body fails instead of passing for the file.

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeConnect } from '../servers/onepassword/server.js';
import { always, faults, firstN, startFaultProxy } from '../helpers/fault-proxy.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { faultMatrix, httpFaultScenarios, judgePartial, runCli, type HttpScenario, type Read } from './harness.js';

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
  const { limit, baseline, marginMs } = faultMatrix<HttpScenario>(
    {
      backend: '1Password Connect (loopback)',
      scenarios: httpFaultScenarios(),
      deadlineMs: DEADLINE_MS,
      attemptsPerRequest: 5,
      reads: READS,
      values: [...VALUES, TOKEN],
      stream: () => stream('http://127.0.0.1:1'),
      rig: async (s, mode) => {
        const plan = s ? (mode === 'every request' ? always(s.make) : firstN(2, s.make)) : undefined;
        const proxy = await startFaultProxy({ upstream: op.url, plan });
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

  it('one item failing, the rest healthy: nothing on stdout, only that read named', async () => {
    const appEnv = op.itemId('production', 'app-env');
    const proxy = await startFaultProxy({ upstream: op.url, plan: (req) => (req.url.includes(`/items/${appEnv}`) ? faults.http500() : undefined) });
    try {
      const r = await limit(() => runCli(['render', '--deadline', `${DEADLINE_MS}ms`, '--log-format', 'json', '--credentials-dir', creds], stream(proxy.url), {}, DEADLINE_MS + 30_000));
      const problems = judgePartial(r, { baseline: baseline(), failing: READS.filter((x) => x.externalSecret === 'app-env'), healthy: ['db-credentials', 'api-token'], deadlineMs: DEADLINE_MS, marginMs: marginMs(), values: [...VALUES, TOKEN] });
      expect(problems, r.stderr).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});
