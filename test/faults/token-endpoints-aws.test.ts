// Fault injection at AWS STS: moto serves both STS and Secrets Manager; only the STS route
// (AWS_ENDPOINT_URL_STS) passes the fault proxy, and behind it a recording proxy that keeps the
// credentials STS hands out (so the test can check none is printed). Secrets Manager is reached direct
// with the assumed role's key. Both STS steps a store can take: AssumeRole (store `role`, from the
// default chain's static key) and AssumeRoleWithWebIdentity (store `auth.jwt`, the process's web
// identity token). The judge counts requests and never times the run (see token-harness.ts).

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startMoto, type Moto } from '../helpers/moto.js';
import { startAwsProxy, type AwsProxy } from '../helpers/aws-proxy.js';
import { startFaultProxy, type SeenRequest } from '../helpers/fault-proxy.js';
import { parseManifests } from '../../src/frontends/stream.js';
import type { Read } from './harness.js';
import { routePlan, tokenMatrix } from './token-harness.js';

const ROLE = 'arn:aws:iam::123456789012:role/eso-token-faults';
const VALUES = ['aws-sts-pw-Vb3n7', 'aws-sts-api-Tc8m2'];
const STATIC = { AWS_ACCESS_KEY_ID: 'AKIATOKENFAULTS00001', AWS_SECRET_ACCESS_KEY: 'token-fault-static-secret-Jq4w' };
const WEB_IDENTITY_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6YXBwczpyZWFkZXIifQ.c2lnbmF0dXJlLVhlNXJxTTg';

let moto: Moto;
let recorder: AwsProxy;
let dir: string;

const STEPS = [
  {
    op: 'AssumeRole',
    store: `spec: {provider: {aws: {service: SecretsManager, region: us-east-1, role: "${ROLE}"}}}`,
    extra: '',
  },
  {
    op: 'AssumeRoleWithWebIdentity',
    store: 'spec: {provider: {aws: {service: SecretsManager, region: us-east-1, auth: {jwt: {serviceAccountRef: {name: reader}}}}}}',
    extra: `
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: reader
  namespace: apps
  annotations: {eks.amazonaws.com/role-arn: "${ROLE}"}`,
  },
] as const;

const stream = (step: (typeof STEPS)[number]) => `
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: aws-sts, namespace: apps}
${step.store}${step.extra}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db-credentials, namespace: apps}
spec:
  secretStoreRef: {name: aws-sts, kind: SecretStore}
  data:
  - {secretKey: password, remoteRef: {key: sts/db, property: password}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: api-token, namespace: apps}
spec:
  secretStoreRef: {name: aws-sts, kind: SecretStore}
  data:
  - {secretKey: token, remoteRef: {key: sts/api-token}}
`;

const READS: Read[] = [
  { externalSecret: 'db-credentials', field: 'spec.data[0]', store: 'aws-sts', key: 'sts/db' },
  { externalSecret: 'api-token', field: 'spec.data[0]', store: 'aws-sts', key: 'sts/api-token' },
];

/** The secret parts of what STS answered (moto's XML): the session's secret key and token. */
function issued(body: string): string[] {
  return [...body.matchAll(/<(SecretAccessKey|SessionToken)>([^<]+)<\//g)].map((m) => m[2]!);
}

beforeAll(async () => {
  moto = await startMoto();
  recorder = await startAwsProxy(moto.url);
  const sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'seed', secretAccessKey: 'seed' } });
  await sm.send(new CreateSecretCommand({ Name: 'sts/db', SecretString: JSON.stringify({ username: 'shop', password: VALUES[0] }) }));
  await sm.send(new CreateSecretCommand({ Name: 'sts/api-token', SecretString: VALUES[1] }));
  sm.destroy();
  dir = mkdtempSync(path.join(tmpdir(), 'token-faults-aws-'));
  writeFileSync(path.join(dir, 'web-identity-token'), `${WEB_IDENTITY_TOKEN}\n`);
}, 60_000);

afterAll(async () => {
  await recorder?.stop();
  await moto?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const isSts = (req: SeenRequest) => /(^|&)Action=AssumeRole/.test(req.body);

for (const step of STEPS) {
  describe.concurrent(`AWS: faults at STS ${step.op}, Secrets Manager healthy`, () => {
    tokenMatrix(
      {
        backend: `AWS (moto; STS ${step.op} behind the fault proxy)`,
        store: 'SecretStore/apps/aws-sts',
        // The STS call that failed, or the deadline passing before STS answered it.
        step: new RegExp(`${step.op} ${ROLE.replace(/[/.]/g, '\\$&')} in SecretStore/apps/aws-sts \\(region us-east-1\\) failed: |deadline exceeded before STS \\(${step.op} ${ROLE.replace(/[/.]/g, '\\$&')}\\) answered`),
        reads: READS,
        values: VALUES,
        persistentDeadlineMs: 12_000,
        transientDeadlineMs: 25_000,
        // One STS call per run, shared by every read; the SDK client tries it at most 5 times
        // (MAX_ATTEMPTS in src/providers/aws/sdk-options.ts) and a failure is not asked again.
        persistentCeiling: { requests: 5, why: `one ${step.op} per run x 5 attempts` },
        // Nothing asks STS again for a read: a faulted request is retried once, by the SDK.
        extraPerFaulted: 1,
        rig: async (s, mode) => {
          const proxy = await startFaultProxy({ upstream: recorder.url, plan: routePlan(s, mode, isSts) });
          const seenBefore = recorder.seen.length;
          return {
            env: {
              AWS_ENDPOINT_URL: moto.url,
              AWS_ENDPOINT_URL_STS: proxy.url,
              AWS_REGION: 'us-east-1',
              ESO_RENDER_REQUEST_TIMEOUT: '2s',
              ...(step.op === 'AssumeRole' ? STATIC : { AWS_WEB_IDENTITY_TOKEN_FILE: path.join(dir, 'web-identity-token') }),
            },
            stdin: stream(step),
            // Only the STS route passes this proxy.
            tokenRequests: () => proxy.log.length,
            faulted: () => proxy.faulted(),
            log: () => proxy.log,
            secrets: () => [STATIC.AWS_SECRET_ACCESS_KEY, WEB_IDENTITY_TOKEN, ...recorder.seen.slice(seenBefore).flatMap((x) => issued(x.responseBody))],
            stop: () => proxy.stop(),
          };
        },
        checkBaseline: (stdout) => {
          const secrets = parseManifests(stdout).filter((i) => i.object.kind === 'Secret');
          expect(secrets.map((x) => x.object.metadata?.name)).toEqual(['db-credentials', 'api-token']);
          const decoded = secrets.flatMap((x) => Object.values(x.object.data as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString('utf8')));
          for (const v of VALUES) expect(decoded).toContain(v);
        },
      },
      { beforeAll, afterAll, it, expect },
    );
  });
}
