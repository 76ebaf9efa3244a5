// Tenancy for 1Password Connect stores in the shared sidecar (`eso-render generate`): a store the
// application defines reads with a Connect token from the app's own namespace only, never one of another
// namespace, and never a token from the sidecar's environment (OP_CONNECT_TOKEN is not read). Every
// refusal is asserted as zero requests in the loopback Connect server's log. Needs `npm run build`.
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeConnect } from '../servers/onepassword/server.js';
import { Tenancy, b64, tempRoot, writePlatform, type Platform } from './tenancy-support.js';

const ESO = 'external-secrets.io/v1';
const PAYMENTS_TOKEN = 'op-payments-token-3318';
const OTHER_TEAM_TOKEN = 'op-other-team-token-7741';

let op: FakeConnect;
const tmp = tempRoot();
const tenancy = new Tenancy();
let p: Platform;

beforeAll(async () => {
  op = await FakeConnect.start();
  op.addVault('payments', [{ title: 'db', fields: [{ label: 'password', value: 'pw-payments-3318' }] }]);
  op.addVault('other-team', [{ title: 'db', fields: [{ label: 'password', value: 'pw-other-team-7741' }] }]);
  op.addToken(PAYMENTS_TOKEN, ['payments']);
  op.addToken(OTHER_TEAM_TOKEN, ['other-team']);
  p = writePlatform(tmp.root, { policy: { rules: [{ name: 'pay-self', match: { projects: ['payments'] }, allowStreamStores: true }] } }, {
    'payments/op-token/token': PAYMENTS_TOKEN,
    'other-team/op-token/token': OTHER_TEAM_TOKEN,
  });
});
afterAll(async () => {
  await op?.close();
  tenancy.dispose();
  tmp.dispose();
});
beforeEach(() => op.resetLog());

const app = { app: 'pay-api', namespace: 'payments', project: 'payments' };
const docs = (s: string) => parseAllDocuments(s).map((d) => d.toJS() as { kind?: string; data?: Record<string, string> });
const store = (kind: 'SecretStore' | 'ClusterSecretStore', vault: string, auth: unknown) => ({
  apiVersion: ESO,
  kind,
  metadata: kind === 'SecretStore' ? { name: 'op', namespace: 'payments' } : { name: 'op' },
  spec: { provider: { onepassword: { connectHost: op.url, vaults: { [vault]: 1 }, ...(auth === undefined ? {} : { auth }) } } },
});
const reads = (s: { kind: string }) => ({
  apiVersion: ESO,
  kind: 'ExternalSecret',
  metadata: { name: 'db', namespace: 'payments' },
  spec: { secretStoreRef: { kind: s.kind, name: 'op' }, target: { name: 'db' }, data: [{ secretKey: 'password', remoteRef: { key: 'db' } }] },
});
const tokenRef = (namespace?: string) => ({ secretRef: { connectTokenSecretRef: { name: 'op-token', key: 'token', ...(namespace ? { namespace } : {}) } } });

describe('hostile tenant: 1Password Connect stores the app defines', () => {
  it('a SecretStore with the app\'s own token reads its vault', async () => {
    const s = store('SecretStore', 'payments', tokenRef());
    const r = await tenancy.run([s, reads(s)], p, app);
    expect(r.code, r.stderr).toBe(0);
    const secret = docs(r.stdout).find((d) => d.kind === 'Secret')!;
    expect(b64(secret.data?.['password'])).toBe('pw-payments-3318');
    expect(op.requests.every((q) => q.token === PAYMENTS_TOKEN)).toBe(true);
  });

  it('a ClusterSecretStore naming another namespace\'s token: refused, zero requests', async () => {
    const s = store('ClusterSecretStore', 'other-team', tokenRef('other-team'));
    const r = await tenancy.run([s, reads(s)], p, app);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/credential other-team\/op-token is outside the application's destination namespace "payments"/);
    expect(op.requests).toEqual([]);
    expect(r.stdout).not.toContain('pw-other-team');
  });

  it('no auth block, a Connect token in the sidecar\'s environment: refused by field, zero requests', async () => {
    const s = store('SecretStore', 'other-team', undefined);
    const r = await tenancy.run([s, reads(s)], p, { ...app, sidecar: { OP_CONNECT_TOKEN: OTHER_TEAM_TOKEN, OP_CONNECT_HOST: op.url } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('spec.provider.onepassword.auth: is required');
    expect(op.requests).toEqual([]);
    expect(r.stderr).not.toContain(OTHER_TEAM_TOKEN);
  });
});
