// Tenancy for Doppler stores in the shared sidecar (`eso-render generate`): a store the application defines
// reads with a Doppler token from the app's own namespace only, never one of another namespace, never a
// token from the sidecar's environment (DOPPLER_TOKEN is not read), and never the sidecar's ServiceAccount
// through auth.oidcConfig. Every refusal is asserted as zero requests in the loopback Doppler API's log.
// Needs `npm run build`.
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeDoppler } from '../servers/doppler/server.js';
import { Tenancy, b64, tempRoot, writePlatform, type Platform } from './tenancy-support.js';

const ESO = 'external-secrets.io/v1';
const PAYMENTS_TOKEN = 'dp.st.payments.3318';
const OTHER_TEAM_TOKEN = 'dp.st.other-team.7741';

let dp: FakeDoppler;
const tmp = tempRoot();
const tenancy = new Tenancy();
let p: Platform;

beforeAll(async () => {
  dp = await FakeDoppler.start();
  dp.addConfig('payments', 'prd', { DB_PASSWORD: 'pw-payments-3318' });
  dp.addConfig('other-team', 'prd', { DB_PASSWORD: 'pw-other-team-7741' });
  dp.addServiceToken(PAYMENTS_TOKEN, 'payments', 'prd');
  dp.addServiceToken(OTHER_TEAM_TOKEN, 'other-team', 'prd');
  p = writePlatform(tmp.root, { policy: { rules: [{ name: 'pay-self', match: { projects: ['payments'] }, allowStreamStores: true }] } }, {
    'payments/doppler-token/dopplerToken': PAYMENTS_TOKEN,
    'other-team/doppler-token/dopplerToken': OTHER_TEAM_TOKEN,
  });
});
afterAll(async () => {
  await dp?.close();
  tenancy.dispose();
  tmp.dispose();
});
beforeEach(() => dp.resetLog());

const app = () => ({ app: 'pay-api', namespace: 'payments', project: 'payments', sidecar: { ESO_RENDER_DOPPLER_API_ADDRESS: dp.url } });
const docs = (s: string) => parseAllDocuments(s).map((d) => d.toJS() as { kind?: string; data?: Record<string, string> });
const store = (kind: 'SecretStore' | 'ClusterSecretStore', auth: unknown) => ({
  apiVersion: ESO,
  kind,
  metadata: kind === 'SecretStore' ? { name: 'dp', namespace: 'payments' } : { name: 'dp' },
  spec: { provider: { doppler: { ...(auth === undefined ? {} : { auth }) } } },
});
const reads = (s: { kind: string }) => ({
  apiVersion: ESO,
  kind: 'ExternalSecret',
  metadata: { name: 'db', namespace: 'payments' },
  spec: { secretStoreRef: { kind: s.kind, name: 'dp' }, target: { name: 'db' }, data: [{ secretKey: 'password', remoteRef: { key: 'DB_PASSWORD' } }] },
});
const tokenRef = (namespace?: string) => ({ secretRef: { dopplerToken: { name: 'doppler-token', ...(namespace ? { namespace } : {}) } } });

describe('hostile tenant: Doppler stores the app defines', () => {
  it("a SecretStore with the app's own token reads its config", async () => {
    const s = store('SecretStore', tokenRef());
    const r = await tenancy.run([s, reads(s)], p, app());
    expect(r.code, r.stderr).toBe(0);
    const secret = docs(r.stdout).find((d) => d.kind === 'Secret')!;
    expect(b64(secret.data?.['password'])).toBe('pw-payments-3318');
    expect(dp.requests.length).toBeGreaterThan(0);
    expect(dp.requests.every((q) => q.token === PAYMENTS_TOKEN)).toBe(true);
  });

  it("a ClusterSecretStore naming another namespace's token: refused, zero requests", async () => {
    const s = store('ClusterSecretStore', tokenRef('other-team'));
    const r = await tenancy.run([s, reads(s)], p, app());
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/credential other-team\/doppler-token is outside the application's destination namespace "payments"/);
    expect(dp.requests).toEqual([]);
    expect(r.stdout).not.toContain('pw-other-team');
  });

  it("no auth block, a Doppler token in the sidecar's environment: refused by field, zero requests", async () => {
    const s = store('SecretStore', undefined);
    const r = await tenancy.run([s, reads(s)], p, { ...app(), sidecar: { ...app().sidecar, DOPPLER_TOKEN: OTHER_TEAM_TOKEN } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('spec.provider.doppler.auth: is required');
    expect(dp.requests).toEqual([]);
    expect(r.stderr).not.toContain(OTHER_TEAM_TOKEN);
  });

  it("auth.oidcConfig would borrow the sidecar's identity: refused by field, zero requests", async () => {
    const s = store('SecretStore', { oidcConfig: { identity: 'ident-other-team', serviceAccountRef: { name: 'default' } } });
    const r = await tenancy.run([s, reads(s)], p, app());
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain("is defined in the application's own manifests, and the shared sidecar never lends such a connection its own identity");
    expect(r.stderr).toContain('set spec.provider.doppler.auth.secretRef.dopplerToken');
    expect(dp.requests).toEqual([]);
  });
});
