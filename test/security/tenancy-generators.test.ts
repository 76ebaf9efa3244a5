// Hostile tenant, part 1: generators are stores. An application that ships its own VaultDynamicSecret, aimed
// at the platform's Vault (read, write, delete) or at a server of its own, gets a failed run and causes
// not one request; the platform's own generators work where a rule grants them. Needs `npm run build`.
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeVault } from '../servers/vault/server.js';
import { Attacker, Tenancy, b64, tempRoot, writePlatform, type Platform } from './tenancy-support.js';

const GEN = 'generators.external-secrets.io/v1alpha1';
const ESO = 'external-secrets.io/v1';
const PLATFORM_TOKEN = 'hvs.platform-root-token-7731';

let vault: FakeVault;
let attacker: Attacker;
const tmp = tempRoot();
const tenancy = new Tenancy();

beforeAll(async () => {
  vault = await FakeVault.start();
  attacker = await Attacker.start();
  vault.mountDatabase('database', { app: { ttl: 600 }, admin: { ttl: 600 } });
  vault.mountKv('secret', 2);
  vault.put('secret', 'payments/db', { password: 'pw-payments-1234' });
  vault.addToken(PLATFORM_TOKEN, ['root']);
});
afterAll(async () => {
  await vault.close();
  await attacker.stop();
  tenancy.dispose();
  tmp.dispose();
});
beforeEach(() => {
  vault.resetLog();
  attacker.seen.length = 0;
});

/** The platform token lives in the credentials directory under the platform's namespace. */
const platformCredentials = { 'platform/vault-token/token': PLATFORM_TOKEN };
const platformAuth = { tokenSecretRef: { name: 'vault-token', key: 'token', namespace: 'platform' } };

const generator = (name: string, namespace: string, o: { server?: string; method?: string; path?: string; auth?: unknown } = {}) => ({
  apiVersion: GEN,
  kind: 'VaultDynamicSecret',
  metadata: { name, namespace },
  spec: {
    path: o.path ?? 'database/creds/admin',
    ...(o.method ? { method: o.method } : {}),
    provider: { server: o.server ?? vault.url, ...(o.auth === null ? {} : { auth: o.auth ?? platformAuth }) },
  },
});
const usesGenerator = (name: string, namespace: string) => ({
  apiVersion: ESO,
  kind: 'ExternalSecret',
  metadata: { name: `${name}-creds`, namespace },
  spec: { target: { name: `${name}-creds` }, dataFrom: [{ sourceRef: { generatorRef: { apiVersion: GEN, kind: 'VaultDynamicSecret', name } } }] },
});
const app = { app: 'pay-api', namespace: 'payments', project: 'payments' };
const docs = (s: string) => parseAllDocuments(s).map((d) => d.toJS() as { kind?: string; metadata?: { name?: string }; data?: Record<string, string> });

describe('hostile tenant: app-defined generators', () => {
  let open: Platform;
  let granted: Platform;
  beforeAll(() => {
    // No policy: the shared sidecar's defaults alone.
    open = writePlatform(tmp.root, {}, platformCredentials);
    // A rule that lets the app use generators it defines itself, for reads only.
    granted = writePlatform(tmp.root, {
      policy: { rules: [{ name: 'pay-own', match: { projects: ['payments'] }, generators: [{ kind: 'VaultDynamicSecret', name: '*', origin: 'application' }] }] },
    }, platformCredentials);
  });

  it.each(['GET', 'POST', 'DELETE', 'PUT'])('%s on the platform Vault with the platform token: refused, zero requests', async (method) => {
    const r = await tenancy.run([generator('steal', 'payments', { method, path: method === 'DELETE' ? 'sys/leases/revoke-prefix/database' : 'database/creds/admin' }), usesGenerator('steal', 'payments')], open, app);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/generator VaultDynamicSecret payments\/steal is defined in the application's own manifests and reaches a backend/);
    expect(vault.requests).toEqual([]);
    expect(vault.leases).toHaveLength(0);
  });

  it('toward an attacker server, with VAULT_TOKEN in the sidecar: refused, zero requests', async () => {
    const r = await tenancy.run([generator('exfil', 'payments', { server: attacker.url, auth: null }), usesGenerator('exfil', 'payments')], open, {
      ...app,
      sidecar: { VAULT_TOKEN: PLATFORM_TOKEN },
    });
    expect(r.code, r.stderr).toBe(1);
    expect(attacker.seen).toEqual([]);
    expect(r.stderr).not.toContain(PLATFORM_TOKEN);
  });

  it.each(['POST', 'PUT', 'DELETE'])('granted for reads only, a %s is still refused, zero requests', async (method) => {
    const r = await tenancy.run([generator('write', 'payments', { method }), usesGenerator('write', 'payments')], granted, app);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`generator VaultDynamicSecret payments/write uses method ${method} \\(spec.method\\).*rule pay-own allows methods GET, LIST`));
    expect(vault.requests).toEqual([]);
  });

  it('granted, a generator toward an attacker server without auth never carries the sidecar\'s VAULT_TOKEN: zero requests', async () => {
    const r = await tenancy.run([generator('exfil', 'payments', { server: attacker.url, auth: null }), usesGenerator('exfil', 'payments')], granted, {
      ...app,
      sidecar: { VAULT_TOKEN: PLATFORM_TOKEN },
    });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/never lends such a connection its own identity \(VAULT_TOKEN\); set spec.provider.auth/);
    expect(attacker.seen).toEqual([]);
  });

  it('granted, a generator in another namespace the app may target uses no credential of that namespace: zero requests', async () => {
    const p = writePlatform(tmp.root, {
      policy: { rules: [{ name: 'pay-own', match: { projects: ['payments'] }, targetNamespaces: ['pay-shared'], generators: [{ kind: 'VaultDynamicSecret', name: '*', origin: 'application' }] }] },
    }, { 'pay-shared/vault-token/token': PLATFORM_TOKEN });
    const own = { tokenSecretRef: { name: 'vault-token', key: 'token' } };
    const r = await tenancy.run([generator('borrow', 'pay-shared', { auth: own }), usesGenerator('borrow', 'pay-shared')], p, app);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/credential pay-shared\/vault-token is outside the application's destination namespace "payments"/);
    expect(vault.requests).toEqual([]);
  });

  it('granted, with its credential in the app\'s own namespace: it works', async () => {
    const own = writePlatform(tmp.root, {
      policy: { rules: [{ name: 'pay-own', match: { projects: ['payments'] }, generators: [{ kind: 'VaultDynamicSecret', name: '*', origin: 'application' }] }] },
    }, { 'payments/vault-token/token': PLATFORM_TOKEN });
    const r = await tenancy.run([generator('mine', 'payments', { path: 'database/creds/app', auth: { tokenSecretRef: { name: 'vault-token', key: 'token' } } }), usesGenerator('mine', 'payments')], own, app);
    expect(r.code, r.stderr).toBe(0);
    const secret = docs(r.stdout).find((d) => d.kind === 'Secret' && d.metadata?.name === 'mine-creds')!;
    expect(b64(secret.data?.username)).toMatch(/^v-app-/);
    expect(vault.requests.map((q) => `${q.verb} ${q.path}`)).toEqual(['GET database/creds/app']);
  });
});

describe('platform generators', () => {
  // A generator reads its credentials in the namespace it serves: the platform put the token there.
  const platformGenerator = (method?: string) => generator('db', 'payments', { path: 'database/creds/app', auth: { tokenSecretRef: { name: 'vault-token', key: 'token' } }, ...(method ? { method } : {}) });
  const credentials = { 'payments/vault-token/token': PLATFORM_TOKEN };

  it('a platform-supplied generator granted by a rule renders the app\'s credentials', async () => {
    const p = writePlatform(tmp.root, {
      generators: [platformGenerator()],
      policy: { rules: [{ name: 'pay-db', match: { projects: ['payments'] }, generators: [{ kind: 'VaultDynamicSecret', name: 'db', namespace: 'payments' }] }] },
    }, credentials);
    const r = await tenancy.run([usesGenerator('db', 'payments')], p, app);
    expect(r.code, r.stderr).toBe(0);
    const secret = docs(r.stdout).find((d) => d.kind === 'Secret')!;
    expect(Object.keys(secret.data ?? {}).sort()).toEqual(['password', 'username']);
    expect(vault.requests.map((q) => `${q.verb} ${q.path} ${q.token}`)).toEqual([`GET database/creds/app ${PLATFORM_TOKEN}`]);
    // The platform's generator is not the app's: it does not appear in the output.
    expect(docs(r.stdout).some((d) => d.kind === 'VaultDynamicSecret')).toBe(false);
  });

  it('a platform generator with a write method no rule allows: refused, zero requests', async () => {
    const p = writePlatform(tmp.root, {
      generators: [platformGenerator('POST')],
      policy: { rules: [{ name: 'pay-db', match: { projects: ['payments'] }, generators: [{ kind: 'VaultDynamicSecret', name: 'db' }] }] },
    }, credentials);
    const r = await tenancy.run([usesGenerator('db', 'payments')], p, app);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/uses method POST \(spec.method\), which writes to or deletes on the backend; rule pay-db allows methods GET, LIST/);
    expect(vault.requests).toEqual([]);
  });

  it('a platform generator granted to another project: refused for this one, zero requests', async () => {
    const p = writePlatform(tmp.root, {
      generators: [platformGenerator()],
      policy: { rules: [{ name: 'web-db', match: { projects: ['web'] }, generators: [{ kind: 'VaultDynamicSecret', name: 'db' }] }] },
    }, credentials);
    const r = await tenancy.run([usesGenerator('db', 'payments')], p, app);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/no rule allows project "payments" app "pay-api" namespace "payments" to use generator VaultDynamicSecret payments\/db/);
    expect(vault.requests).toEqual([]);
  });
});
