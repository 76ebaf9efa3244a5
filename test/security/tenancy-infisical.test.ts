// Tenancy for Infisical stores in the shared sidecar (`eso-render generate`): a store the application
// defines logs in with machine-identity credentials from the app's own namespace only, never another
// namespace's, never the sidecar's ServiceAccount token (kubernetesAuthCredentials) and never the
// INFISICAL_* variables of the sidecar's environment the go-sdk falls back to for an empty credential.
// Every refusal is asserted as zero requests in the loopback Infisical API's log. Needs `npm run build`.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeInfisical } from '../servers/infisical/server.js';
import { Tenancy, b64, tempRoot, writePlatform, type Platform } from './tenancy-support.js';

const ESO = 'external-secrets.io/v1';
const PAY_SECRET = 'inf-payments-secret-5521';
const OTHER_SECRET = 'inf-other-team-secret-9907';

let inf: FakeInfisical;
const tmp = tempRoot();
const tenancy = new Tenancy();
let p: Platform;
let saToken: string;

beforeAll(async () => {
  inf = await FakeInfisical.start();
  inf.addSecrets('payments', 'prod', '/', { DB_PASSWORD: 'pw-payments-5521' });
  inf.addSecrets('other-team', 'prod', '/', { DB_PASSWORD: 'pw-other-team-9907' });
  inf.addClient('pay-client', PAY_SECRET, ['payments']);
  inf.addClient('other-client', OTHER_SECRET, ['other-team']);
  // The sidecar's own ServiceAccount token would log in as a platform identity that reads other-team.
  saToken = path.join(tmp.root, 'sidecar-sa-token');
  writeFileSync(saToken, 'sidecar-sa-token-4410');
  inf.addIdentity('platform-identity', { k8s: 'sidecar-sa-token-4410' }, ['other-team']);
  p = writePlatform(tmp.root, { policy: { rules: [{ name: 'pay-self', match: { projects: ['payments'] }, allowStreamStores: true }] } }, {
    'payments/inf-ua/clientId': 'pay-client',
    'payments/inf-ua/clientSecret': PAY_SECRET,
    'payments/inf-empty/clientId': '',
    'payments/inf-empty/clientSecret': OTHER_SECRET,
    'payments/inf-k8s/identityId': 'platform-identity',
    'other-team/inf-ua/clientId': 'other-client',
    'other-team/inf-ua/clientSecret': OTHER_SECRET,
  });
});
afterAll(async () => {
  await inf?.close();
  tenancy.dispose();
  tmp.dispose();
});
beforeEach(() => inf.resetLog());

const app = { app: 'pay-api', namespace: 'payments', project: 'payments' };
const docs = (s: string) => parseAllDocuments(s).map((d) => d.toJS() as { kind?: string; data?: Record<string, string> });
const store = (kind: 'SecretStore' | 'ClusterSecretStore', project: string, auth: unknown) => ({
  apiVersion: ESO,
  kind,
  metadata: kind === 'SecretStore' ? { name: 'inf', namespace: 'payments' } : { name: 'inf' },
  spec: { provider: { infisical: { hostAPI: inf.url, auth, secretsScope: { projectSlug: project, environmentSlug: 'prod' } } } },
});
const reads = (s: { kind: string }) => ({
  apiVersion: ESO,
  kind: 'ExternalSecret',
  metadata: { name: 'db', namespace: 'payments' },
  spec: { secretStoreRef: { kind: s.kind, name: 'inf' }, target: { name: 'db' }, data: [{ secretKey: 'password', remoteRef: { key: 'DB_PASSWORD' } }] },
});
const ua = (name: string, namespace?: string) => ({
  universalAuthCredentials: {
    clientId: { name, key: 'clientId', ...(namespace ? { namespace } : {}) },
    clientSecret: { name, key: 'clientSecret', ...(namespace ? { namespace } : {}) },
  },
});

describe('hostile tenant: Infisical stores the app defines', () => {
  it('a SecretStore with the app\'s own machine identity reads its project', async () => {
    const s = store('SecretStore', 'payments', ua('inf-ua'));
    const r = await tenancy.run([s, reads(s)], p, app);
    expect(r.code, r.stderr).toBe(0);
    const secret = docs(r.stdout).find((d) => d.kind === 'Secret')!;
    expect(b64(secret.data?.['password'])).toBe('pw-payments-5521');
    expect(inf.requests.filter((q) => q.path.endsWith('/login')).map((q) => q.body?.['clientId'])).toEqual(['pay-client']);
  });

  it('a ClusterSecretStore naming another namespace\'s credentials: refused, zero requests', async () => {
    const s = store('ClusterSecretStore', 'other-team', ua('inf-ua', 'other-team'));
    const r = await tenancy.run([s, reads(s)], p, app);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/credential other-team\/inf-ua is outside the application's destination namespace "payments"/);
    expect(inf.requests).toEqual([]);
    expect(r.stdout).not.toContain('pw-other-team');
  });

  it('kubernetesAuthCredentials (the sidecar\'s ServiceAccount token): refused by field, zero requests', async () => {
    const s = store('SecretStore', 'other-team', { kubernetesAuthCredentials: { identityId: { name: 'inf-k8s', key: 'identityId' } } });
    const r = await tenancy.run([s, reads(s)], p, { ...app, sidecar: { ESO_RENDER_INFISICAL_SA_TOKEN_PATH: saToken } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain("is defined in the application's own manifests, and the shared sidecar never lends such a connection its own identity");
    expect(r.stderr).toContain('spec.provider.infisical.auth.universalAuthCredentials');
    expect(inf.requests).toEqual([]);
    expect(r.stderr).not.toContain('sidecar-sa-token-4410');
  });

  it('an empty client id with INFISICAL_UNIVERSAL_AUTH_* in the sidecar\'s environment: refused, zero requests', async () => {
    const s = store('SecretStore', 'other-team', ua('inf-empty'));
    const r = await tenancy.run([s, reads(s)], p, {
      ...app,
      sidecar: { INFISICAL_UNIVERSAL_AUTH_CLIENT_ID: 'other-client', INFISICAL_UNIVERSAL_AUTH_CLIENT_SECRET: OTHER_SECRET },
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('universalAuthCredentials.clientId: the referenced credential is empty');
    expect(inf.requests).toEqual([]);
    expect(r.stderr).not.toContain(OTHER_SECRET);
  });

  it('a key that climbs out of the store\'s secretsPath is refused before any request', async () => {
    const s = store('SecretStore', 'payments', ua('inf-ua'));
    const e = reads(s);
    e.spec.data[0]!.remoteRef.key = 'team/../../other/DB_PASSWORD';
    const r = await tenancy.run([s, e], p, app);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('is not canonical');
    expect(inf.requests).toEqual([]);
  });
});
