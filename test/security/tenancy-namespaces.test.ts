// Hostile tenant, part 3: namespace facts come from the platform. An application that ships a Namespace
// with forged labels does not pass a ClusterSecretStore's namespaceSelector condition, nor steer a
// ClusterExternalSecret's selection; Namespaces the platform declares do. Needs `npm run build`.
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeVault } from '../servers/vault/server.js';
import { Tenancy, b64, tempRoot, writePlatform } from './tenancy-support.js';

const ESO = 'external-secrets.io/v1';
const TOKEN = 'hvs.platform-token-3141';

let vault: FakeVault;
const tmp = tempRoot();
const tenancy = new Tenancy();

beforeAll(async () => {
  vault = await FakeVault.start();
  vault.mountKv('secret', 2);
  vault.put('secret', 'payments/db', { password: 'pw-payments-3141' });
  vault.addToken(TOKEN, ['root']);
});
afterAll(async () => {
  await vault.close();
  tenancy.dispose();
  tmp.dispose();
});
beforeEach(() => vault.resetLog());

const docs = (s: string) => parseAllDocuments(s).map((d) => d.toJS() as { kind?: string; metadata?: { name?: string; namespace?: string }; data?: Record<string, string> });
const namespace = (name: string, labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });

/** The payments team's store: only namespaces labelled team=payments may use it. */
const guarded = {
  apiVersion: ESO,
  kind: 'ClusterSecretStore',
  metadata: { name: 'payments-vault' },
  spec: {
    conditions: [{ namespaceSelector: { matchLabels: { team: 'payments' } } }],
    provider: { vault: { server: '', path: 'secret', version: 'v2', auth: { tokenSecretRef: { name: 'vault-token', key: 'token', namespace: 'platform' } } } },
  },
};
const withServer = () => ({ ...guarded, spec: { ...guarded.spec, provider: { vault: { ...guarded.spec.provider.vault, server: vault.url } } } });
const reads = (ns: string) => ({
  apiVersion: ESO,
  kind: 'ExternalSecret',
  metadata: { name: 'db', namespace: ns },
  spec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'payments-vault' }, target: { name: 'db' }, data: [{ secretKey: 'password', remoteRef: { key: 'payments/db', property: 'password' } }] },
});
const creds = { 'platform/vault-token/token': TOKEN };

describe('hostile tenant: forged Namespace labels', () => {
  it('a Namespace the app ships, labelled team=payments, does not open the payments store: refused, zero requests', async () => {
    const p = writePlatform(tmp.root, { stores: [withServer()] }, creds);
    const r = await tenancy.run([namespace('shop', { team: 'payments' }), reads('shop')], p, { app: 'shop', namespace: 'shop', project: 'web' });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/using cluster store "payments-vault" is not allowed from namespace "shop": denied by spec.condition \(a namespaceSelector needs the Namespace shop declared in spec.namespaces\/spec.namespaceFiles of the platform RenderConfig/);
    expect(vault.requests).toEqual([]);
  });

  it('the platform\'s declaration of the namespace wins over the app\'s forged one: refused, zero requests', async () => {
    const p = writePlatform(tmp.root, { stores: [withServer()], namespaces: [namespace('shop', { team: 'web' })] }, creds);
    const r = await tenancy.run([namespace('shop', { team: 'payments' }), reads('shop')], p, { app: 'shop', namespace: 'shop', project: 'web' });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/denied by spec.condition/);
    expect(vault.requests).toEqual([]);
  });

  it('positive: a namespace the platform declares with the label uses the store', async () => {
    const p = writePlatform(tmp.root, { stores: [withServer()], namespaces: [namespace('payments', { team: 'payments' })] }, creds);
    const r = await tenancy.run([reads('payments')], p, { app: 'pay-api', namespace: 'payments', project: 'payments' });
    expect(r.code, r.stderr).toBe(0);
    expect(b64(docs(r.stdout).find((d) => d.kind === 'Secret')!.data?.password)).toBe('pw-payments-3141');
    expect(vault.requests.length).toBe(1);
  });
});

describe('hostile tenant: ClusterExternalSecret selection', () => {
  const open = () => ({ ...withServer(), metadata: { name: 'open-vault' }, spec: { provider: withServer().spec.provider } });
  const fanOut = {
    apiVersion: ESO,
    kind: 'ClusterExternalSecret',
    metadata: { name: 'fan' },
    spec: {
      namespaceSelectors: [{ matchLabels: { 'fan-out': 'db' } }],
      externalSecretSpec: { secretStoreRef: { kind: 'ClusterSecretStore', name: 'open-vault' }, target: { name: 'db' }, data: [{ secretKey: 'password', remoteRef: { key: 'payments/db', property: 'password' } }] },
    },
  };

  it('Namespaces the app ships do not count, and the error says where to declare them: zero requests', async () => {
    const p = writePlatform(tmp.root, { stores: [open()] }, creds);
    const r = await tenancy.run([namespace('payments', { 'fan-out': 'db' }), fanOut], p, { app: 'pay-api', namespace: 'payments', project: 'payments' });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/selects namespaces by label, but the shared sidecar reads Namespace labels only from the platform configuration, which declares none \(spec.namespaces or spec.namespaceFiles of the platform RenderConfig\)/);
    expect(vault.requests).toEqual([]);
  });

  it('positive: selection reads the declared Namespaces and the warning names what it selected', async () => {
    const p = writePlatform(tmp.root, { stores: [open()], namespaces: [namespace('payments', { 'fan-out': 'db' }), namespace('web', {})] }, creds);
    const r = await tenancy.run([namespace('payments', { 'fan-out': 'db' }), namespace('kube-system', { 'fan-out': 'db' }), fanOut], p, { app: 'pay-api', namespace: 'payments', project: 'payments' });
    expect(r.code, r.stderr).toBe(0);
    expect(docs(r.stdout).filter((d) => d.kind === 'Secret').map((d) => d.metadata?.namespace)).toEqual(['payments']);
    expect(r.stderr).toMatch(/selected by label namespaces "payments" out of the Namespaces declared in the platform configuration \(the shared sidecar does not trust Namespaces in the stream\); ESO would select from every namespace of the cluster, so this view is only as complete as what was declared/);
  });
});
