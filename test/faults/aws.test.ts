// Fault injection, AWS: moto behind the fault proxy, the real SDK in the built CLI. Each fault is tried
// transient (the first 2 requests fail, then the backend answers) and persistent (every request fails).
// A run must either recover through retries with exactly the fault-free output, or fail clean.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startMoto, type Moto } from '../helpers/moto.js';
import { always, faults, firstN, startFaultProxy, type Fault } from '../helpers/fault-proxy.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { FaultReport, firstError, judge, runCli, semaphore, type Outcome, type Read } from './harness.js';

// Short enough to keep the suite quick, long enough for a loaded 2-core machine to load the SDK.
const DEADLINE_MS = 5_000;
/** Set from the fault-free run: start-up and exit time on this machine, as it is loaded right now. */
let marginMs = 3_000;
const limit = semaphore(3);
const VALUES = ['aws-pw-Zk8q1', 'aws-token-Qm3v9', 'aws-cfg-Lr5t2', 'aws-ssm-Hb7w4', 'aws-flag-Px2n6'];

const STREAM = `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: aws-sm, namespace: apps}
spec: {provider: {aws: {service: SecretsManager, region: us-east-1}}}
---
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: aws-ssm, namespace: apps}
spec: {provider: {aws: {service: ParameterStore, region: us-east-1}}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db-credentials, namespace: apps}
spec:
  secretStoreRef: {name: aws-sm, kind: SecretStore}
  data:
  - {secretKey: username, remoteRef: {key: prod/db, property: username}}
  - {secretKey: password, remoteRef: {key: prod/db, property: password}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: api-token, namespace: apps}
spec:
  secretStoreRef: {name: aws-sm, kind: SecretStore}
  data:
  - {secretKey: token, remoteRef: {key: prod/api-token}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: app-config, namespace: apps}
spec:
  secretStoreRef: {name: aws-sm, kind: SecretStore}
  dataFrom:
  - extract: {key: prod/app-config}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: ssm-settings, namespace: apps}
spec:
  secretStoreRef: {name: aws-ssm, kind: SecretStore}
  data:
  - {secretKey: dsn, remoteRef: {key: /prod/dsn}}
  - {secretKey: flag, remoteRef: {key: /prod/flags, property: beta}}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: shop, namespace: apps}
spec: {template: {spec: {containers: [{name: shop, image: shop:1}]}}}
`;

const READS: Read[] = [
  { externalSecret: 'db-credentials', field: 'spec.data[0]', store: 'aws-sm', key: 'prod/db' },
  { externalSecret: 'db-credentials', field: 'spec.data[1]', store: 'aws-sm', key: 'prod/db' },
  { externalSecret: 'api-token', field: 'spec.data[0]', store: 'aws-sm', key: 'prod/api-token' },
  { externalSecret: 'app-config', field: 'spec.dataFrom[0]', store: 'aws-sm', key: 'prod/app-config' },
  { externalSecret: 'ssm-settings', field: 'spec.data[0]', store: 'aws-ssm', key: '/prod/dsn' },
  { externalSecret: 'ssm-settings', field: 'spec.data[1]', store: 'aws-ssm', key: '/prod/flags' },
];

let moto: Moto;
let baseline = '';
const report = new FaultReport('AWS (moto: Secrets Manager + Parameter Store)');

const env = (url: string) => ({
  AWS_ENDPOINT_URL: url,
  AWS_ACCESS_KEY_ID: 'AKIAFAULTS0000000001',
  AWS_SECRET_ACCESS_KEY: 'fault-suite-secret',
  AWS_REGION: 'us-east-1',
});
const args = (deadlineMs: number, logFormat = 'json') => ['render', '--deadline', `${deadlineMs}ms`, '--log-format', logFormat];

beforeAll(async () => {
  moto = await startMoto();
  const creds = { accessKeyId: 'seed', secretAccessKey: 'seed' };
  const sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials: creds });
  await sm.send(new CreateSecretCommand({ Name: 'prod/db', SecretString: JSON.stringify({ username: 'shop', password: VALUES[0] }) }));
  await sm.send(new CreateSecretCommand({ Name: 'prod/api-token', SecretString: VALUES[1] }));
  await sm.send(new CreateSecretCommand({ Name: 'prod/app-config', SecretString: JSON.stringify({ CONFIG: VALUES[2], MODE: 'prod' }) }));
  sm.destroy();
  const ssm = new SSMClient({ region: 'us-east-1', endpoint: moto.url, credentials: creds });
  await ssm.send(new PutParameterCommand({ Name: '/prod/dsn', Value: VALUES[3], Type: 'SecureString' }));
  await ssm.send(new PutParameterCommand({ Name: '/prod/flags', Value: JSON.stringify({ beta: VALUES[4] }), Type: 'String' }));
  ssm.destroy();

  // The fault-free run, through a proxy that injects nothing: the output every recovered run must match.
  const proxy = await startFaultProxy({ upstream: moto.url });
  try {
    const r = await runCli(args(DEADLINE_MS), STREAM, env(proxy.url), 30_000);
    expect(r.code, r.stderr).toBe(0);
    baseline = r.stdout;
    marginMs = Math.max(marginMs, r.ms);
  } finally {
    await proxy.stop();
  }
  const secrets = parseManifests(baseline).filter((i) => i.object.kind === 'Secret');
  expect(secrets.map((s) => s.object.metadata?.name)).toEqual(['db-credentials', 'api-token', 'app-config', 'ssm-settings']);
  const decoded = secrets.flatMap((s) => Object.values(s.object.data as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString('utf8')));
  for (const v of VALUES) expect(decoded).toContain(v);
});

afterAll(async () => {
  report.print();
  await moto?.stop();
});

interface Scenario {
  fault: string;
  make: () => Fault;
  /** What a transient fault (first 2 requests) must lead to; undefined: either outcome, but clean. */
  transient?: Outcome;
  /** Deadline for the transient run, when the fault costs time (hangs, slow bodies). */
  transientDeadlineMs?: number;
}

const SCENARIOS: Scenario[] = [
  { fault: 'HTTP 500', make: faults.http500, transient: 'recovered' },
  { fault: 'HTTP 502', make: faults.http502, transient: 'recovered' },
  { fault: 'HTTP 503', make: faults.http503, transient: 'recovered' },
  { fault: 'HTTP 429 + Retry-After: 1', make: () => faults.tooMany(1), transient: 'recovered' },
  { fault: 'ThrottlingException (400)', make: faults.awsThrottling, transient: 'recovered' },
  { fault: 'connection reset mid-body', make: faults.reset, transient: 'recovered' },
  { fault: 'truncated JSON body', make: faults.truncated },
  { fault: 'HTML error page (502)', make: () => faults.html(502), transient: 'recovered' },
  { fault: 'HTML error page (200)', make: () => faults.html(200) },
  // A request that never answers, or answers past the deadline: one stuck request must not sink the
  // run when retrying it would have worked (issue 10: per-request timeouts).
  { fault: 'no answer (timeout)', make: faults.hang, transient: 'recovered', transientDeadlineMs: 8_000 },
  { fault: 'slow body (1 byte / 250 ms)', make: faults.slow, transient: 'recovered', transientDeadlineMs: 8_000 },
];

describe.concurrent('AWS under faults, through the built CLI', () => {
  for (const s of SCENARIOS) {
    it(`${s.fault}, every request: fails clean`, async () => {
      const proxy = await startFaultProxy({ upstream: moto.url, plan: always(s.make) });
      try {
        const r = await limit(() => runCli(args(DEADLINE_MS), STREAM, env(proxy.url), DEADLINE_MS + 30_000));
        const j = judge(r, { baseline, reads: READS, deadlineMs: DEADLINE_MS, marginMs, values: VALUES });
        report.add({ fault: s.fault, mode: 'every request', outcome: j.outcome, code: r.code, ms: r.ms, requests: proxy.log.length, faulted: proxy.faulted(), note: j.problems.join('; ') || firstError(r.stderr) });
        expect(proxy.faulted()).toBeGreaterThan(0);
        expect(j.problems, r.stderr).toEqual([]);
        expect(j.outcome).toBe('failed clean');
      } finally {
        await proxy.stop();
      }
    });

    it(`${s.fault}, first 2 requests: ${s.transient ?? 'recovers or fails clean'}`, async () => {
      const deadline = s.transientDeadlineMs ?? DEADLINE_MS;
      const proxy = await startFaultProxy({ upstream: moto.url, plan: firstN(2, s.make) });
      try {
        const r = await limit(() => runCli(args(deadline), STREAM, env(proxy.url), deadline + 30_000));
        const j = judge(r, { baseline, reads: [], deadlineMs: deadline, marginMs, values: VALUES });
        report.add({ fault: s.fault, mode: 'first 2 requests', outcome: j.outcome, code: r.code, ms: r.ms, requests: proxy.log.length, faulted: proxy.faulted(), note: j.problems.join('; ') || (r.code ? firstError(r.stderr) : '') });
        expect(proxy.faulted()).toBe(2);
        expect(j.problems, r.stderr).toEqual([]);
        if (s.transient) expect(j.outcome, r.stderr).toBe(s.transient);
      } finally {
        await proxy.stop();
      }
    });
  }

  it('text log: each failing read\'s error line names its key, the extract of a whole secret too', async () => {
    const proxy = await startFaultProxy({ upstream: moto.url, plan: always(faults.http503) });
    try {
      const r = await limit(() => runCli(args(DEADLINE_MS, 'text'), STREAM, env(proxy.url), DEADLINE_MS + 30_000));
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      const lines = r.stderr.split('\n').filter((l) => l.startsWith('[error]'));
      const unnamed = READS.filter((x) => !lines.some((l) => l.includes(x.externalSecret) && l.includes(x.field) && l.includes(x.store) && l.includes(x.key)));
      expect(unnamed, r.stderr).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });
});
