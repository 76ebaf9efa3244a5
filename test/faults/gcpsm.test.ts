// Fault injection, Google Secret Manager: the loopback gRPC Secret Manager, the real Node client in the
// built CLI (plaintext, ESO_RENDER_GCPSM_ENDPOINT/INSECURE). gRPC carries no HTTP statuses of its own:
// the service's errors are status codes (UNAVAILABLE for a 503, RESOURCE_EXHAUSTED for a 429, INTERNAL
// for a 500), injected by the server; the network's faults (reset, no answer, slow bytes, an HTML page
// from a load balancer) are injected per connection by the TCP fault proxy.

import * as grpc from '@grpc/grpc-js';
import { afterAll, describe, expect, it, beforeAll } from 'vitest';
import { startGsmServer, type Fault as GsmFault } from '../servers/gcpsm/server.js';
import { startTcpFaultProxy, type TcpFault } from '../helpers/fault-proxy.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { faultMatrix, judgePartial, runCli, type Read, type Scenario } from './harness.js';

const PROJECT = 'fault-project-1';
const DEADLINE_MS = 5_000;
// A short per-request timeout, so a stuck or dribbling request is retried well inside the deadline.
const REQUEST_TIMEOUT = { ESO_RENDER_REQUEST_TIMEOUT: '2s' };
const VALUES = ['gcp-pw-Ja3r7', 'gcp-token-Kc8e2', 'gcp-env-Mv4s9'];

const STREAM = `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: gcp, namespace: apps}
spec: {provider: {gcpsm: {projectID: ${PROJECT}}}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db-credentials, namespace: apps}
spec:
  secretStoreRef: {name: gcp, kind: SecretStore}
  data:
  - {secretKey: username, remoteRef: {key: db-credentials, property: username}}
  - {secretKey: password, remoteRef: {key: db-credentials, property: password}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: api-token, namespace: apps}
spec:
  secretStoreRef: {name: gcp, kind: SecretStore}
  data:
  - {secretKey: token, remoteRef: {key: api-token}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: app-env, namespace: apps}
spec:
  secretStoreRef: {name: gcp, kind: SecretStore}
  dataFrom:
  - extract: {key: app-env}
`;

const READS: Read[] = [
  { externalSecret: 'db-credentials', field: 'spec.data[0]', store: 'gcp', key: 'db-credentials' },
  { externalSecret: 'db-credentials', field: 'spec.data[1]', store: 'gcp', key: 'db-credentials' },
  { externalSecret: 'api-token', field: 'spec.data[0]', store: 'gcp', key: 'api-token' },
  { externalSecret: 'app-env', field: 'spec.dataFrom[0]', store: 'gcp', key: 'app-env' },
];

interface GcpScenario extends Scenario {
  code?: grpc.status;
  tcp?: TcpFault;
}

const SCENARIOS: GcpScenario[] = [
  { fault: 'UNAVAILABLE (as HTTP 503)', code: grpc.status.UNAVAILABLE, transient: 'recovered' },
  { fault: 'RESOURCE_EXHAUSTED (as HTTP 429)', code: grpc.status.RESOURCE_EXHAUSTED, transient: 'recovered' },
  { fault: 'INTERNAL (as HTTP 500)', code: grpc.status.INTERNAL },
  { fault: 'connection reset', tcp: 'reset', transient: 'recovered' },
  { fault: 'HTML error page from a load balancer', tcp: 'html', transient: 'recovered' },
  { fault: 'no answer (timeout)', tcp: 'hang', transient: 'recovered', transientDeadlineMs: 8_000 },
  { fault: 'slow bytes (8 bytes / 250 ms)', tcp: 'slow', transient: 'recovered', transientDeadlineMs: 8_000 },
];

const stops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const s of stops) await s();
});

describe.concurrent('Google Secret Manager under faults, through the built CLI', () => {
  const { limit, baseline, marginMs } = faultMatrix<GcpScenario>(
    {
      backend: 'GCP Secret Manager (loopback gRPC)',
      scenarios: SCENARIOS,
      deadlineMs: DEADLINE_MS,
      attemptsPerRequest: 6,
      reads: READS,
      values: VALUES,
      stream: () => STREAM,
      rig: async (s, mode) => {
        // A server per run: its fault switches are server-wide.
        const gsm = await startGsmServer({
          projectId: PROJECT,
          projectNumber: '123456789012',
          secrets: [
            { id: 'db-credentials', versions: [{ data: JSON.stringify({ username: 'shop', password: VALUES[0] }) }] },
            { id: 'api-token', versions: [{ data: VALUES[1] }] },
            { id: 'app-env', versions: [{ data: JSON.stringify({ ENV: VALUES[2], MODE: 'prod' }) }] },
          ],
        });
        const budget = mode === 'every request' ? 1_000_000 : 2;
        const fault: GsmFault | undefined = s?.code !== undefined ? { method: 'AccessSecretVersion', code: s.code, times: budget } : undefined;
        if (fault) gsm.faults.push(fault);
        let connections = 0;
        const proxy = await startTcpFaultProxy(gsm.port, (n) => {
          connections = n;
          return s?.tcp && n <= budget ? s.tcp : undefined;
        });
        const stop = async () => {
          await proxy.stop();
          await gsm.stop();
        };
        stops.push(stop);
        return {
          env: { ESO_RENDER_GCPSM_ENDPOINT: proxy.endpoint, ESO_RENDER_GCPSM_INSECURE: 'true', ...REQUEST_TIMEOUT },
          faulted: () => (fault ? budget - (fault.times ?? 0) : proxy.log.filter((l) => l !== 'pass').length),
          // Requests in one unit for the baseline and for status faults (RPCs); connections for TCP-level faults.
          seen: () => (s?.tcp ? connections : gsm.requests.length),
          stop,
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
    const gsm = await startGsmServer({
      projectId: PROJECT,
      projectNumber: '123456789012',
      secrets: [
        { id: 'db-credentials', versions: [{ data: JSON.stringify({ username: 'shop', password: VALUES[0] }) }] },
        { id: 'api-token', versions: [{ data: VALUES[1] }] },
        { id: 'app-env', versions: [{ data: JSON.stringify({ ENV: VALUES[2], MODE: 'prod' }) }] },
      ],
    });
    stops.push(() => gsm.stop());
    gsm.faults.push({ method: 'AccessSecretVersion', match: 'app-env', code: grpc.status.UNAVAILABLE });
    const env = { ESO_RENDER_GCPSM_ENDPOINT: `127.0.0.1:${gsm.port}`, ESO_RENDER_GCPSM_INSECURE: 'true' };
    const r = await limit(() => runCli(['render', '--deadline', `${DEADLINE_MS}ms`, '--log-format', 'json'], STREAM, env, DEADLINE_MS + 30_000));
    const problems = judgePartial(r, { baseline: baseline(), failing: READS.filter((x) => x.externalSecret === 'app-env'), healthy: ['db-credentials', 'api-token'], deadlineMs: DEADLINE_MS, marginMs: marginMs(), values: VALUES });
    expect(gsm.requests.some((q) => q.name?.includes('app-env'))).toBe(true);
    expect(problems, r.stderr).toEqual([]);
  });
});
