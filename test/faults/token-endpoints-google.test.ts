// Fault injection at Google's token endpoint: workload identity federation through Application Default
// Credentials (an `external_account` file in GOOGLE_APPLICATION_CREDENTIALS: token_url + a file
// credential_source), the token exchange answered by the loopback STS (test/servers/gcpsm/sts-server.ts)
// behind the fault proxy; the loopback Secret Manager direct, over TLS (ESO_RENDER_GCPSM_CA_FILE), and
// accepting only a bearer token that STS issued, so a run that skipped the exchange fails. The real
// google-auth-library and Secret Manager client in the built CLI. Every fault persistent and transient;
// the judge counts requests and never times the run (see token-harness.ts).

import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestTls } from '../servers/tls-ca.js';
import { startGsmServer, type GsmServer } from '../servers/gcpsm/server.js';
import { startStsServer, type StsServer } from '../servers/gcpsm/sts-server.js';
import { startFaultProxy, type SeenRequest } from '../helpers/fault-proxy.js';
import { parseManifests } from '../../src/frontends/stream.js';
import { runCli, type Read } from './harness.js';
import { routePlan, tokenMatrix } from './token-harness.js';

const PROJECT = 'token-faults-project';
const AUDIENCE = '//iam.googleapis.com/projects/123456789012/locations/global/workloadIdentityPools/render-pool/providers/render-oidc';
const SUBJECT_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6YXJnb2NkOnJlbmRlcmVyIn0.c3ViamVjdC10b2tlbi1zaWduYXR1cmUtR3o4cQ';
const VALUES = ['gcp-tok-pw-Vn3k8', 'gcp-tok-api-Lq5w2', 'gcp-tok-env-Tc7j4'];

const tls = makeTestTls();
let sts: StsServer;
let gsm: GsmServer;
let dir: string;

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
  { externalSecret: 'api-token', field: 'spec.data[0]', store: 'gcp', key: 'api-token' },
  { externalSecret: 'app-env', field: 'spec.dataFrom[0]', store: 'gcp', key: 'app-env' },
];

beforeAll(async () => {
  sts = await startStsServer({ audience: AUDIENCE, subjectTokens: [SUBJECT_TOKEN] });
  gsm = await startGsmServer({
    projectId: PROJECT,
    projectNumber: '123456789012',
    tls,
    requireBearer: sts.issued,
    secrets: [
      { id: 'db-credentials', versions: [{ data: JSON.stringify({ username: 'shop', password: VALUES[0] }) }] },
      { id: 'api-token', versions: [{ data: VALUES[1]! }] },
      { id: 'app-env', versions: [{ data: JSON.stringify({ ENV: VALUES[2], MODE: 'prod' }) }] },
    ],
  });
  dir = mkdtempSync(path.join(tmpdir(), 'token-faults-google-'));
  writeFileSync(path.join(dir, 'ca.pem'), tls.caPem);
  writeFileSync(path.join(dir, 'subject-token'), SUBJECT_TOKEN);
});

afterAll(async () => {
  await gsm?.stop();
  await sts?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** The external_account file google-auth-library reads from GOOGLE_APPLICATION_CREDENTIALS. */
const adcJson = (tokenUrl: string) => ({
  type: 'external_account',
  audience: AUDIENCE,
  subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
  token_url: tokenUrl,
  credential_source: { file: path.join(dir, 'subject-token') },
});
function adcFile(tokenUrl: string): string {
  const file = path.join(dir, `adc-${Math.random().toString(36).slice(2)}.json`);
  writeFileSync(file, JSON.stringify(adcJson(tokenUrl)));
  return file;
}

const ENV = (adc: string) => ({
  GOOGLE_APPLICATION_CREDENTIALS: adc,
  ESO_RENDER_GCPSM_ENDPOINT: `localhost:${gsm.port}`,
  ESO_RENDER_GCPSM_CA_FILE: path.join(dir, 'ca.pem'),
  ESO_RENDER_REQUEST_TIMEOUT: '2s',
});

describe('Google: the token exchange is on the path', () => {
  it('a bearer token from another STS (the exchange skipped, as far as Secret Manager knows) is refused: the run fails closed', async () => {
    const other = await startStsServer({ audience: AUDIENCE, subjectTokens: [SUBJECT_TOKEN] });
    try {
      const r = await runCli(['render', '--deadline', '10s', '--log-format', 'json'], STREAM, ENV(adcFile(other.tokenUrl)), 70_000);
      expect(other.exchanges).toBeGreaterThan(0);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/UNAUTHENTICATED/);
      for (const t of other.issued) expect(r.stderr).not.toContain(t);
    } finally {
      await other.stop();
    }
  }, 90_000);

  it('a credentials file that cannot be loaded fails closed, naming the cause, never quoting the file', async () => {
    const broken = path.join(dir, 'broken-adc.json');
    const secretBit = 'MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-private-key-part';
    writeFileSync(broken, `{"type": "service_account", "private_key": "${secretBit}`);
    const missing = path.join(dir, 'no-such-adc.json');
    for (const [file, why] of [[broken, 'the file is not valid JSON'], [missing, 'ENOENT']] as const) {
      const r = await runCli(['render', '--deadline', '10s'], STREAM, ENV(file), 70_000);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(`SecretStore/apps/gcp: cannot load Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS, gcloud's application default login or the metadata server): ${why}`);
      expect(r.stderr).not.toContain(secretBit.slice(0, 12));
    }
  }, 90_000);

  it('the external_account file of docs/providers/gcpsm.md has the fields this test gives google-auth-library', () => {
    const md = readFileSync(path.join(import.meta.dirname, '../../docs/providers/gcpsm.md'), 'utf8');
    const block = [...md.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => JSON.parse(m[1]!) as Record<string, unknown>).find((j) => j['type'] === 'external_account');
    expect(block).toBeDefined();
    expect(Object.keys(block!).sort()).toEqual(Object.keys(adcJson('x')).sort());
    expect(block!['token_url']).toBe('https://sts.googleapis.com/v1/token');
  });
});

/** Where the fault-free run's Secret Manager requests start (earlier tests sent their own). */
let baselineFrom = 0;
const isExchange = (req: SeenRequest) => req.method === 'POST' && req.url.split('?')[0] === '/v1/token';

describe.concurrent('Google: faults at the STS token exchange, Secret Manager healthy', () => {
  tokenMatrix(
    {
      backend: 'Google Secret Manager (STS token exchange behind the fault proxy)',
      store: 'SecretStore/apps/gcp',
      step: /getting a token from the Google STS token exchange \(Application Default Credentials\) failed: |deadline exceeded before the Google STS token exchange \(Application Default Credentials\) answered/,
      reads: READS,
      values: VALUES,
      persistentDeadlineMs: 12_000,
      transientDeadlineMs: 25_000,
      // One token step per store, shared by the 3 reads, tried 5 times by the provider (connection.ts
      // stsToken turns google-auth-library's own STS retries off: they ignored Retry-After and had no timeout).
      persistentCeiling: { requests: 5, why: '1 token step per store x 5 provider attempts (library retries off)' },
      // A faulted exchange is tried once more by that one step.
      extraPerFaulted: 1,
      rig: async (s, mode) => {
        const plan = routePlan(s, mode, isExchange);
        const proxy = await startFaultProxy({ upstream: sts.url, plan });
        const issuedBefore = new Set(sts.issued);
        if (!s) baselineFrom = gsm.requests.length;
        return {
          env: ENV(adcFile(`${proxy.url}/v1/token`)),
          stdin: STREAM,
          tokenRequests: () => proxy.log.length,
          faulted: () => proxy.faulted(),
          log: () => proxy.log,
          secrets: () => [SUBJECT_TOKEN, ...[...sts.issued].filter((t) => !issuedBefore.has(t))],
          stop: () => proxy.stop(),
        };
      },
      checkBaseline: (stdout) => {
        const secrets = parseManifests(stdout).filter((i) => i.object.kind === 'Secret');
        expect(secrets.map((x) => x.object.metadata?.name)).toEqual(['db-credentials', 'api-token', 'app-env']);
        const decoded = secrets.flatMap((x) => Object.values(x.object.data as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString('utf8')));
        for (const v of VALUES) expect(decoded).toContain(v);
        // Every call carried a token the STS issued (the server refuses any other).
        const seen = gsm.requests.slice(baselineFrom);
        expect(seen.length).toBeGreaterThan(0);
        for (const r of seen) expect(sts.issued.has((r.authorization ?? '').replace(/^Bearer /, ''))).toBe(true);
      },
    },
    { beforeAll, afterAll, it, expect },
  );
});
