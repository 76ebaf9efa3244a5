// Fault injection, AWS: moto behind the fault proxy, the real SDK in the built CLI. Each fault is tried
// transient (the first 2 requests fail, then the backend answers) and persistent (every request fails).
// A run must either recover through retries with exactly the fault-free output, or fail clean.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { startMoto, type Moto } from '../helpers/moto.js';
import { always, faults, firstN, startFaultProxy } from '../helpers/fault-proxy.js';
import { parse as parseYaml } from 'yaml';
import { parseManifests } from '../../src/frontends/stream.js';
import { faultMatrix, httpFaultScenarios, judgePartial, runCli, type HttpScenario, type Read } from './harness.js';

// Short enough to keep the suite quick, long enough for a loaded 2-core machine to load the SDK.
const DEADLINE_MS = 5_000;
// A short per-request timeout, so a stuck or dribbling request is retried well inside the deadline.
const REQUEST_TIMEOUT = { ESO_RENDER_REQUEST_TIMEOUT: '2s' };
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

const env = (url: string) => ({
  AWS_ENDPOINT_URL: url,
  AWS_ACCESS_KEY_ID: 'AKIAFAULTS0000000001',
  AWS_SECRET_ACCESS_KEY: 'fault-suite-secret',
  AWS_REGION: 'us-east-1',
  ...REQUEST_TIMEOUT,
});

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
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

const SCENARIOS: HttpScenario[] = [
  ...httpFaultScenarios(),
  { fault: 'ThrottlingException (400)', make: faults.awsThrottling, transient: 'recovered' },
];

describe.concurrent('AWS under faults, through the built CLI', () => {
  const { limit, baseline, marginMs } = faultMatrix<HttpScenario>(
    {
      backend: 'AWS (moto: Secrets Manager + Parameter Store)',
      scenarios: SCENARIOS,
      deadlineMs: DEADLINE_MS,
      attemptsPerRequest: 5,
      reads: READS,
      values: VALUES,
      stream: () => STREAM,
      rig: async (s, mode) => {
        const plan = s ? (mode === 'every request' ? always(s.make) : firstN(2, s.make)) : undefined;
        const proxy = await startFaultProxy({ upstream: moto.url, plan });
        return { env: env(proxy.url), faulted: () => proxy.faulted(), seen: () => proxy.log.length,
          log: () => proxy.log, stop: () => proxy.stop() };
      },
      checkBaseline: (stdout) => {
        const secrets = parseManifests(stdout).filter((i) => i.object.kind === 'Secret');
        expect(secrets.map((s) => s.object.metadata?.name)).toEqual(['db-credentials', 'api-token', 'app-config', 'ssm-settings']);
        const decoded = secrets.flatMap((s) => Object.values(s.object.data as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString('utf8')));
        for (const v of VALUES) expect(decoded).toContain(v);
      },
    },
    { beforeAll, afterAll, it, expect },
  );

  it('Parameter Store down, Secrets Manager up: nothing on stdout, only the Parameter Store reads named', async () => {
    const proxy = await startFaultProxy({ upstream: moto.url, plan: (req) => (String(req.headers['x-amz-target'] ?? '').startsWith('AmazonSSM.') ? faults.http503() : undefined) });
    try {
      const r = await limit(() => runCli(['render', '--deadline', `${DEADLINE_MS}ms`, '--log-format', 'json'], STREAM, env(proxy.url), DEADLINE_MS + 30_000));
      const problems = judgePartial(r, { baseline: baseline(), failing: READS.filter((x) => x.store === 'aws-ssm'), healthy: ['db-credentials', 'api-token', 'app-config'], deadlineMs: DEADLINE_MS, marginMs: marginMs(), values: VALUES });
      expect(proxy.faulted()).toBeGreaterThan(0);
      expect(problems, r.stderr).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it('KRM function under a persistent fault: the input items back unchanged (no Secret), every read named in results', async () => {
    const proxy = await startFaultProxy({ upstream: moto.url, plan: always(faults.http503) });
    try {
      const items = parseManifests(STREAM).map((i) => i.object);
      const rl = JSON.stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items, functionConfig: { apiVersion: 'eso-render.dev/v1alpha1', kind: 'RenderConfig', metadata: { name: 'faults' }, spec: { deadline: `${DEADLINE_MS}ms` } } });
      const r = await limit(() => runCli([], rl, env(proxy.url), DEADLINE_MS + 30_000));
      expect(r.code, r.stderr).toBe(1);
      const out = parseYaml(r.stdout) as { items: { kind: string }[]; results: { severity: string; message: string; resourceRef?: { name?: string }; field?: { path?: string }; tags?: Record<string, string> }[] };
      expect(out.items.map((i) => i.kind)).toEqual(items.map((i) => i.kind));
      expect(out.items.some((i) => i.kind === 'Secret')).toBe(false);
      for (const read of READS) {
        const named = out.results.some((x) => x.severity === 'error' && x.resourceRef?.name === read.externalSecret && (x.field?.path ?? '').startsWith(read.field) && x.message.includes(read.store) && (x.tags?.['key'] === read.key || x.message.includes(read.key)));
        expect(named, `${read.externalSecret} ${read.field}`).toBe(true);
      }
      for (const v of VALUES) expect(r.stdout + r.stderr).not.toContain(v);
    } finally {
      await proxy.stop();
    }
  });

  it('text log: each failing read\'s error line names its key, the extract of a whole secret too', async () => {
    const proxy = await startFaultProxy({ upstream: moto.url, plan: always(faults.http503) });
    try {
      const r = await limit(() => runCli(['render', '--deadline', `${DEADLINE_MS}ms`], STREAM, env(proxy.url), DEADLINE_MS + 30_000));
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
