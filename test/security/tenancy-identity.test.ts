// Hostile tenant, part 2: identity and credentials. A store the application defines never borrows the
// sidecar's own identity (VAULT_TOKEN, its ServiceAccount token, the AWS default chain), never reads another
// namespace's credentials, and a platform IRSA store never takes its role from a ServiceAccount the app
// ships. Every refusal is asserted as zero requests in the servers' logs. Needs `npm run build`, moto_server.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { FakeVault } from '../servers/vault/server.js';
import { startMoto, type Moto } from '../helpers/moto.js';
import { startAwsProxy, type AwsProxy } from '../helpers/aws-proxy.js';
import { Attacker, Tenancy, b64, tempRoot, writePlatform, type Platform } from './tenancy-support.js';

const ESO = 'external-secrets.io/v1';
const PLATFORM_TOKEN = 'hvs.platform-root-token-5521';
const OTHER_TEAM_TOKEN = 'hvs.other-team-token-9012';
const SA_TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJzeXN0ZW06c2VydmljZWFjY291bnQ6YXJnb2NkOnJlcG8tc2VydmVyIn0.sig';

let vault: FakeVault;
let attacker: Attacker;
let moto: Moto;
let proxy: AwsProxy;
const tmp = tempRoot();
const tenancy = new Tenancy();
const saTokenFile = path.join(tmp.root, 'sa-token');

beforeAll(async () => {
  vault = await FakeVault.start();
  attacker = await Attacker.start();
  vault.mountKv('secret', 2);
  vault.put('secret', 'payments/db', { password: 'pw-payments-5521' });
  vault.put('secret', 'other-team/db', { password: 'pw-other-team-9012' });
  vault.addToken(PLATFORM_TOKEN, ['root']);
  vault.addToken(OTHER_TEAM_TOKEN, ['secret/data/other-team/*']);
  // The sidecar's own ServiceAccount token, as Vault's kubernetes auth would accept it.
  vault.enableJwtRole('kubernetes', 'kubernetes', 'argocd', [SA_TOKEN], ['root']);
  writeFileSync(saTokenFile, SA_TOKEN);
  moto = await startMoto();
  proxy = await startAwsProxy(moto.url);
}, 60_000);
afterAll(async () => {
  await vault?.close();
  await attacker?.stop();
  await proxy?.stop();
  await moto?.stop();
  tenancy.dispose();
  tmp.dispose();
});
beforeEach(() => {
  vault.resetLog();
  attacker.seen.length = 0;
  proxy.clear();
});

const app = { app: 'pay-api', namespace: 'payments', project: 'payments' };
const docs = (s: string) => parseAllDocuments(s).map((d) => d.toJS() as { kind?: string; metadata?: { name?: string }; data?: Record<string, string> });

const vaultStore = (kind: 'SecretStore' | 'ClusterSecretStore', name: string, o: { server?: string; auth?: unknown; namespace?: string } = {}) => ({
  apiVersion: ESO,
  kind,
  metadata: kind === 'SecretStore' ? { name, namespace: o.namespace ?? 'payments' } : { name },
  spec: { provider: { vault: { server: o.server ?? vault.url, path: 'secret', version: 'v2', ...(o.auth === undefined ? {} : { auth: o.auth }) } } },
});
const reads = (store: { kind: string; metadata: { name: string } }, key: string, namespace = 'payments') => ({
  apiVersion: ESO,
  kind: 'ExternalSecret',
  metadata: { name: 'db', namespace },
  spec: { secretStoreRef: { kind: store.kind, name: store.metadata.name }, target: { name: 'db' }, data: [{ secretKey: 'password', remoteRef: { key, property: 'password' } }] },
});

/** Stores the app defines are allowed (allowStreamStores): what is tested is what they may then use. */
const selfService = (extra: Record<string, unknown> = {}) =>
  writePlatform(tmp.root, { policy: { rules: [{ name: 'pay-self', match: { projects: ['payments'] }, allowStreamStores: true, targetNamespaces: ['pay-shared'] }] }, ...extra }, {
    'payments/vault-token/token': PLATFORM_TOKEN,
    'pay-shared/vault-token/token': PLATFORM_TOKEN,
    'other-team/vault-token/token': OTHER_TEAM_TOKEN,
  });

describe('hostile tenant: no ambient identity for app-defined stores', () => {
  let p: Platform;
  beforeAll(() => {
    p = selfService();
  });

  it('Vault store with no auth, VAULT_TOKEN set in the sidecar: refused, zero requests carrying the token', async () => {
    const store = vaultStore('ClusterSecretStore', 'mine');
    const r = await tenancy.run([store, reads(store, 'other-team/db')], p, { ...app, sidecar: { VAULT_TOKEN: PLATFORM_TOKEN } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/ClusterSecretStore\/mine is defined in the application's own manifests, and the shared sidecar never lends such a connection its own identity \(VAULT_TOKEN\); set spec.provider.vault.auth/);
    expect(vault.requests).toEqual([]);
    expect(r.stderr).not.toContain(PLATFORM_TOKEN);
  });

  it('the same toward an attacker server: it never sees a request, let alone the token', async () => {
    const store = vaultStore('SecretStore', 'mine', { server: attacker.url });
    const r = await tenancy.run([store, reads(store, 'anything')], p, { ...app, sidecar: { VAULT_TOKEN: PLATFORM_TOKEN } });
    expect(r.code, r.stderr).toBe(1);
    expect(attacker.seen).toEqual([]);
  });

  it('OpenBao store with no auth, BAO_TOKEN and VAULT_TOKEN set in the sidecar: refused, zero requests carrying the token', async () => {
    const store = { apiVersion: ESO, kind: 'SecretStore', metadata: { name: 'mine-bao', namespace: 'payments' }, spec: { provider: { openBao: { server: attacker.url, path: 'secret' } } } };
    const r = await tenancy.run([store, reads(store, 'other-team/db')], p, { ...app, sidecar: { BAO_TOKEN: PLATFORM_TOKEN, VAULT_TOKEN: PLATFORM_TOKEN } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/SecretStore\/payments\/mine-bao is defined in the application's own manifests, and the shared sidecar never lends such a connection its own identity \(BAO_TOKEN \/ VAULT_TOKEN\); set spec.provider.openBao.auth/);
    expect(attacker.seen).toEqual([]);
    expect(r.stderr).not.toContain(PLATFORM_TOKEN);
  });

  it('Vault kubernetes auth without secretRef (the sidecar\'s own ServiceAccount token): refused, zero requests', async () => {
    const store = vaultStore('ClusterSecretStore', 'mine', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'argocd' } } });
    const r = await tenancy.run([store, reads(store, 'other-team/db')], p, { ...app, sidecar: { ESO_RENDER_VAULT_SA_TOKEN_PATH: saTokenFile } });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/own identity \(the sidecar's ServiceAccount token \(ESO_RENDER_VAULT_SA_TOKEN_PATH\)\); set spec.provider.vault.auth.kubernetes.secretRef/);
    expect(vault.requests).toEqual([]);
  });

  it('AWS store with no auth, the sidecar holding AWS credentials in its environment: refused, zero AWS requests', async () => {
    const store = { apiVersion: ESO, kind: 'SecretStore', metadata: { name: 'aws', namespace: 'payments' }, spec: { provider: { aws: { service: 'SecretsManager', region: 'us-east-1' } } } };
    const r = await tenancy.run([store, reads(store, 'db')], p, { ...app, sidecar: awsSidecar() });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/never lends such a connection its own identity \(the AWS SDK's default chain.*\); set spec.provider.aws.auth.secretRef/);
    expect(proxy.seen).toEqual([]);
  });

  it('AWS store with auth.jwt (offline: the sidecar\'s own web identity token): refused, zero AWS requests', async () => {
    const store = {
      apiVersion: ESO, kind: 'SecretStore', metadata: { name: 'aws', namespace: 'payments' },
      spec: { provider: { aws: { service: 'SecretsManager', region: 'us-east-1', auth: { jwt: { serviceAccountRef: { name: 'mine' } } } } } },
    };
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'mine', namespace: 'payments', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/platform-admin' } } };
    const r = await tenancy.run([sa, store, reads(store, 'db')], p, { ...app, sidecar: awsSidecar(true) });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/own identity \(the sidecar's web identity token, AWS_WEB_IDENTITY_TOKEN_FILE, which auth.jwt uses offline\)/);
    expect(proxy.seen).toEqual([]);
  });
});

describe('hostile tenant: credentials of app-defined stores stay in the app\'s namespace', () => {
  let p: Platform;
  beforeAll(() => {
    p = selfService();
  });

  it('a ClusterSecretStore naming another namespace\'s credential: refused, zero requests', async () => {
    const store = vaultStore('ClusterSecretStore', 'borrowed', { auth: { tokenSecretRef: { name: 'vault-token', key: 'token', namespace: 'other-team' } } });
    const r = await tenancy.run([store, reads(store, 'other-team/db')], p, app);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/credential other-team\/vault-token is outside the application's destination namespace "payments"/);
    expect(vault.requests).toEqual([]);
  });

  it('a SecretStore in another namespace the app may target: its credentials are not the app\'s either, zero requests', async () => {
    const store = vaultStore('SecretStore', 'shared', { namespace: 'pay-shared', auth: { tokenSecretRef: { name: 'vault-token', key: 'token' } } });
    const r = await tenancy.run([store, reads(store, 'payments/db', 'pay-shared')], p, app);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/credential pay-shared\/vault-token is outside the application's destination namespace "payments"/);
    expect(vault.requests).toEqual([]);
  });

  it('a ServiceAccount outside the destination namespace (Vault kubernetes serviceAccountRef): refused, zero requests', async () => {
    const store = vaultStore('ClusterSecretStore', 'sa', { auth: { kubernetes: { mountPath: 'kubernetes', role: 'argocd', serviceAccountRef: { name: 'argocd-repo-server', namespace: 'argocd' } } } });
    const sa = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'argocd-repo-server', namespace: 'argocd' }, secrets: [{ name: 'vault-token' }] };
    const r = await tenancy.run([sa, store, reads(store, 'payments/db')], p, app);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/ServiceAccount argocd\/argocd-repo-server is outside the application's destination namespace "payments"/);
    expect(vault.requests).toEqual([]);
  });

  it('positive: a ClusterSecretStore of the app reads its credential from the app\'s namespace, as a SecretStore there would', async () => {
    const store = vaultStore('ClusterSecretStore', 'own', { auth: { tokenSecretRef: { name: 'vault-token', key: 'token' } } });
    const r = await tenancy.run([store, reads(store, 'payments/db')], p, app);
    expect(r.code, r.stderr).toBe(0);
    expect(b64(docs(r.stdout).find((d) => d.kind === 'Secret')!.data?.password)).toBe('pw-payments-5521');
    expect(vault.requests.map((q) => q.token)).toEqual([PLATFORM_TOKEN]);
  });
});

/** The sidecar's ambient AWS identity, aimed at the recording proxy in front of moto. */
function awsSidecar(webIdentity = false): Record<string, string> {
  const env: Record<string, string> = {
    AWS_ACCESS_KEY_ID: 'AKIASIDECARAMBIENT01',
    AWS_SECRET_ACCESS_KEY: 'sidecar-secret',
    AWS_ENDPOINT_URL: proxy.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: proxy.url,
    AWS_ENDPOINT_URL_STS: proxy.url,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  if (webIdentity) env.AWS_WEB_IDENTITY_TOKEN_FILE = saTokenFile;
  return env;
}

describe('hostile tenant: IRSA ServiceAccounts of platform stores come from the platform', () => {
  const irsaStore = {
    apiVersion: ESO, kind: 'ClusterSecretStore', metadata: { name: 'aws-irsa' },
    spec: { provider: { aws: { service: 'SecretsManager', region: 'us-east-1', auth: { jwt: { serviceAccountRef: { name: 'secrets-reader', namespace: 'payments' } } } } } },
  };
  const forged = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'secrets-reader', namespace: 'payments', annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/platform-admin' } } };
  const declared = { ...forged, metadata: { ...forged.metadata, annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/payments-secrets' } } };

  beforeAll(async () => {
    await moto.reset();
    const seed = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'seed', secretAccessKey: 'seed' } });
    await seed.send(new CreateSecretCommand({ Name: 'payments/db', SecretString: '{"password":"pw-aws-payments"}' }));
    seed.destroy();
  });

  it('a ServiceAccount the app ships is not the platform store\'s identity: refused, zero AWS requests', async () => {
    const p = writePlatform(tmp.root, { stores: [irsaStore] });
    const r = await tenancy.run([forged, reads(irsaStore, 'payments/db')], p, { ...app, sidecar: awsSidecar(true) });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/ClusterSecretStore\/aws-irsa: ServiceAccount payments\/secrets-reader is not declared by the platform \(spec.serviceAccounts or spec.serviceAccountFiles of the RenderConfig\); the one the application ships is not used/);
    expect(proxy.seen).toEqual([]);
  });

  it('the platform\'s declared ServiceAccount wins over one the app ships with the same name', async () => {
    const p = writePlatform(tmp.root, { stores: [irsaStore], serviceAccounts: [declared] });
    const r = await tenancy.run([forged, reads(irsaStore, 'payments/db')], p, { ...app, sidecar: awsSidecar(true) });
    expect(r.code, r.stderr).toBe(0);
    expect(b64(docs(r.stdout).find((d) => d.kind === 'Secret')!.data?.password)).toBe('pw-aws-payments');
    const sts = proxy.seen.filter((s) => s.op === 'AssumeRoleWithWebIdentity');
    expect(sts).toHaveLength(1);
    expect(new URLSearchParams(sts[0]!.body).get('RoleArn')).toBe('arn:aws:iam::123456789012:role/payments-secrets');
  });
});
