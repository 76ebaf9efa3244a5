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
import { always, faults, firstN, startFaultProxy } from '../helpers/fault-proxy.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { faultMatrix, httpFaultScenarios, judgePartial, runCli, type HttpScenario, type Read } from './harness.js';

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
  const { limit, baseline, marginMs } = faultMatrix<HttpScenario>(
    {
      backend: 'Bitwarden SDK server (loopback)',
      scenarios: httpFaultScenarios(),
      deadlineMs: DEADLINE_MS,
      attemptsPerRequest: 5,
      reads: READS,
      values: [...VALUES, token],
      stream: () => stream('https://127.0.0.1:1'),
      rig: async (s, mode) => {
        const plan = s ? (mode === 'every request' ? always(s.make) : firstN(2, s.make)) : undefined;
        const proxy = await startFaultProxy({ upstream: bw.url, plan, tls: { keyPem: bw.tls.keyPem, certPem: bw.tls.certPem }, upstreamCa: bw.tls.caPem });
        return {
          env: { ...REQUEST_TIMEOUT },
          extraArgs: ['--credentials-dir', creds],
          stdin: stream(`https://127.0.0.1:${proxy.port}`),
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

  it('one secret failing, the rest healthy: nothing on stdout, only that read named', async () => {
    const proxy = await startFaultProxy({
      upstream: bw.url,
      tls: { keyPem: bw.tls.keyPem, certPem: bw.tls.certPem },
      upstreamCa: bw.tls.caPem,
      plan: (req) => (req.body.includes(appEnvId) ? faults.http500() : undefined),
    });
    try {
      const r = await limit(() => runCli(['render', '--deadline', `${DEADLINE_MS}ms`, '--log-format', 'json', '--credentials-dir', creds], stream(`https://127.0.0.1:${proxy.port}`), {}, DEADLINE_MS + 30_000));
      const problems = judgePartial(r, { baseline: baseline(), failing: READS.filter((x) => x.externalSecret === 'app-env'), healthy: ['db-credentials', 'api-token'], deadlineMs: DEADLINE_MS, marginMs: marginMs(), values: [...VALUES, token] });
      expect(problems, r.stderr).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});
