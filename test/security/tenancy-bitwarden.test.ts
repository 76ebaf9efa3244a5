// Tenancy for Bitwarden Secrets Manager stores in the shared sidecar (`eso-render generate`): a store the
// application defines reads with an access token from the app's own namespace only, never one of another
// namespace (token or CA), and never a token from the sidecar's environment (BWS_ACCESS_TOKEN, the
// Bitwarden CLI's variable, is not read: auth.secretRef.credentials is required). Every refusal is
// asserted as zero requests in the loopback SDK server's log. Needs `npm run build`.
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeBitwardenSdkServer, bwAccessToken, bwId } from '../servers/bitwarden/server.js';
import { Tenancy, b64, tempRoot, writePlatform, type Platform } from './tenancy-support.js';

const ESO = 'external-secrets.io/v1';
const PAYMENTS_TOKEN = bwAccessToken('payments-3318');
const OTHER_TEAM_TOKEN = bwAccessToken('other-team-7741');

let bw: FakeBitwardenSdkServer;
const tmp = tempRoot();
const tenancy = new Tenancy();
let p: Platform;

beforeAll(async () => {
  bw = await FakeBitwardenSdkServer.start();
  bw.addSecrets('acme', [
    { key: 'db', value: 'pw-payments-3318', project: 'payments' },
    { key: 'db', value: 'pw-other-team-7741', project: 'other-team' },
  ]);
  bw.addMachineAccount('payments-3318', 'acme', ['payments']);
  bw.addMachineAccount('other-team-7741', 'acme', ['other-team']);
  p = writePlatform(tmp.root, { policy: { rules: [{ name: 'pay-self', match: { projects: ['payments'] }, allowStreamStores: true }] } }, {
    'payments/bw-token/token': PAYMENTS_TOKEN,
    'other-team/bw-token/token': OTHER_TEAM_TOKEN,
    'other-team/bw-ca/ca.crt': bw.tls.caPem,
  });
});
afterAll(async () => {
  await bw?.close();
  tenancy.dispose();
  tmp.dispose();
});
beforeEach(() => bw.resetLog());

const app = { app: 'pay-api', namespace: 'payments', project: 'payments' };
const docs = (s: string) => parseAllDocuments(s).map((d) => d.toJS() as { kind?: string; data?: Record<string, string> });
const store = (kind: 'SecretStore' | 'ClusterSecretStore', project: string, auth: unknown, ca: Record<string, unknown> = { caBundle: bw.caBundle }) => ({
  apiVersion: ESO,
  kind,
  metadata: kind === 'SecretStore' ? { name: 'bw', namespace: 'payments' } : { name: 'bw' },
  spec: {
    provider: {
      bitwardensecretsmanager: { bitwardenServerSDKURL: bw.url, organizationID: bwId('org:acme'), projectID: bwId(`project:${project}`), ...ca, ...(auth === undefined ? {} : { auth }) },
    },
  },
});
const reads = (s: { kind: string }) => ({
  apiVersion: ESO,
  kind: 'ExternalSecret',
  metadata: { name: 'db', namespace: 'payments' },
  spec: { secretStoreRef: { kind: s.kind, name: 'bw' }, target: { name: 'db' }, data: [{ secretKey: 'password', remoteRef: { key: 'db' } }] },
});
const tokenRef = (namespace?: string) => ({ secretRef: { credentials: { name: 'bw-token', key: 'token', ...(namespace ? { namespace } : {}) } } });

describe('hostile tenant: Bitwarden stores the app defines', () => {
  it("a SecretStore with the app's own token reads its project's secret", async () => {
    const s = store('SecretStore', 'payments', tokenRef());
    const r = await tenancy.run([s, reads(s)], p, app);
    expect(r.code, r.stderr).toBe(0);
    const secret = docs(r.stdout).find((d) => d.kind === 'Secret')!;
    expect(b64(secret.data?.['password'])).toBe('pw-payments-3318');
    expect(bw.requests.length).toBeGreaterThan(0);
    expect(bw.requests.every((q) => q.token === PAYMENTS_TOKEN)).toBe(true);
  });

  it("a ClusterSecretStore naming another namespace's token: refused, zero requests", async () => {
    const s = store('ClusterSecretStore', 'other-team', tokenRef('other-team'));
    const r = await tenancy.run([s, reads(s)], p, app);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/credential other-team\/bw-token is outside the application's destination namespace "payments"/);
    expect(bw.requests).toEqual([]);
    expect(r.stdout).not.toContain('pw-other-team');
  });

  it("a CA from another namespace's Secret: refused, zero requests", async () => {
    const s = store('ClusterSecretStore', 'payments', tokenRef(), { caProvider: { type: 'Secret', name: 'bw-ca', key: 'ca.crt', namespace: 'other-team' } });
    const r = await tenancy.run([s, reads(s)], p, app);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/credential other-team\/bw-ca is outside the application's destination namespace "payments"/);
    expect(bw.requests).toEqual([]);
  });

  it("no auth block, an access token in the sidecar's environment: refused by field, zero requests", async () => {
    const s = store('SecretStore', 'other-team', undefined);
    const r = await tenancy.run([s, reads(s)], p, { ...app, sidecar: { BWS_ACCESS_TOKEN: OTHER_TEAM_TOKEN } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('spec.provider.bitwardensecretsmanager.auth: is required');
    expect(bw.requests).toEqual([]);
    expect(r.stderr).not.toContain(OTHER_TEAM_TOKEN);
  });

  it('a platform store with key patterns: a find, which reads the whole organization, is refused with or without a path, zero requests', async () => {
    const platformStore = { ...store('ClusterSecretStore', 'payments', tokenRef('payments')) };
    const keyed = writePlatform(tmp.root, { stores: [platformStore], policy: { rules: [{ name: 'pay-db', match: { projects: ['payments'] }, stores: [{ kind: 'ClusterSecretStore', name: 'bw', keys: ['db'] }] }] } }, { 'payments/bw-token/token': PAYMENTS_TOKEN });
    const find = (f: Record<string, unknown>) => ({ ...reads({ kind: 'ClusterSecretStore' }), spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'bw' }, target: { name: 'db' }, dataFrom: [{ find: f }] } });
    for (const f of [{ name: { regexp: '.*' } }, { path: 'db' }]) {
      const r = await tenancy.run([find(f)], keyed, app);
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('spec.dataFrom[0].find');
      expect(bw.requests).toEqual([]);
    }
    // The key the rule allows is read.
    const r = await tenancy.run([reads({ kind: 'ClusterSecretStore' })], keyed, app);
    expect(r.code, r.stderr).toBe(0);
    expect(b64(docs(r.stdout).find((d) => d.kind === 'Secret')!.data?.['password'])).toBe('pw-payments-3318');
  });
});
