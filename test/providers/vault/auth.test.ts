// Every ESO auth method (except cert, in tls.test.ts) against the loopback Vault, through the real client.
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeVault } from '../../servers/vault/server.js';
import { ProviderError } from '../../../src/providers/types.js';
import { SA_TOKEN_PATH_ENV } from '../../../src/providers/vault/auth.js';
import { text, vaultClient } from './harness.js';

let vault: FakeVault;
let dir: string;
const READ = ['secret/data/*'];
const SA_JWT = 'eyJhbGciOiJSUzI1NiJ9.own-service-account.sig';

beforeAll(async () => {
  vault = await FakeVault.start();
  vault.mountKv('secret', 2);
  vault.put('secret', 'app', { who: 'app' });
  for (let i = 0; i < 10; i++) vault.put('secret', `many/${i}`, { i: String(i) });
  vault.addToken('static-token', READ);
  vault.enableAppRole('approle', 'role-123', 'secret-456', READ);
  vault.enableAppRole('custom-approle', 'role-9', 'secret-9', READ);
  vault.enableJwtRole('kubernetes', 'kubernetes', 'eso', [SA_JWT, 'referenced-sa-jwt', 'legacy-sa-jwt'], READ);
  vault.enableJwtRole('kubernetes', 'k8s-prod', 'eso', ['referenced-sa-jwt'], READ);
  vault.enableJwtRole('jwt', 'jwt', 'ci', ['oidc-jwt'], READ);
  vault.enableUser('userpass', 'userpass', 'alice', 'alice-pw', READ);
  vault.enableUser('ldap', 'corp-ldap', 'bob', 'bob-pw', READ);
  // Namespaces: the AppRole lives in `admin`, the secrets in `admin/team-a`.
  vault.mountKv('secret', 2, 'admin/team-a');
  vault.put('secret', 'app', { who: 'team-a' }, 'admin/team-a');
  vault.enableAppRole('approle', 'ns-role', 'ns-secret', READ, 'admin');
  dir = mkdtempSync(path.join(tmpdir(), 'vault-auth-'));
});
afterAll(async () => {
  await vault.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.VAULT_TOKEN;
  delete process.env[SA_TOKEN_PATH_ENV];
});

const logins = () => vault.requests.filter((r) => r.path.startsWith('auth/'));

async function readWith(auth: Record<string, unknown> | undefined, credentials: Record<string, string> = {}, extra: Record<string, unknown> = {}) {
  vault.resetLog();
  const { client, ctx } = await vaultClient(vault, { ...(auth ? { auth } : {}), ...extra }, { credentials });
  const who = text(await client.getSecret({ key: 'secret/app', property: 'who' }));
  const read = vault.requests.find((r) => r.path === 'secret/data/app')!;
  return { who, read, ctx, client };
}

describe('auth methods', () => {
  it('tokenSecretRef: the referenced token is sent, no login (trailing newline of a file ignored)', async () => {
    const r = await readWith({ tokenSecretRef: { name: 'vt', key: 'token' } }, { 'apps/vt/token': 'static-token\n' });
    expect(r.who).toBe('app');
    expect(r.read.token).toBe('static-token');
    expect(logins()).toHaveLength(0);
  });

  it('VAULT_TOKEN from the environment when the store has no auth block', async () => {
    process.env.VAULT_TOKEN = 'static-token';
    const r = await readWith(undefined);
    expect(r.read.token).toBe('static-token');
  });

  it('appRole with roleId, and with roleRef, at a custom path', async () => {
    const a = await readWith({ appRole: { roleId: 'role-123', secretRef: { name: 'ar', key: 'secret-id' } } }, { 'apps/ar/secret-id': 'secret-456' });
    expect(a.who).toBe('app');
    expect(logins()).toMatchObject([{ method: 'POST', path: 'auth/approle/login', body: { role_id: 'role-123', secret_id: 'secret-456' } }]);
    expect(vault.tokens.get(a.read.token!)?.issuedBy).toBe('approle:approle');

    const b = await readWith(
      { appRole: { path: 'custom-approle', roleRef: { name: 'ar', key: 'role-id' }, secretRef: { name: 'ar', key: 'secret-id' } } },
      { 'apps/ar/role-id': 'role-9', 'apps/ar/secret-id': 'secret-9' },
    );
    expect(b.who).toBe('app');
    expect(logins()[0]!.path).toBe('auth/custom-approle/login');
  });

  it('kubernetes with the process\'s own ServiceAccount token (path from the env override)', async () => {
    const file = path.join(dir, 'token');
    writeFileSync(file, SA_JWT + '\n');
    process.env[SA_TOKEN_PATH_ENV] = file;
    const r = await readWith({ kubernetes: { mountPath: 'kubernetes', role: 'eso' } });
    expect(r.who).toBe('app');
    expect(logins()).toMatchObject([{ path: 'auth/kubernetes/login', body: { role: 'eso', jwt: SA_JWT } }]);
  });

  it('kubernetes with a referenced token Secret (key defaults to token) at a custom mountPath', async () => {
    const r = await readWith({ kubernetes: { mountPath: 'k8s-prod', role: 'eso', secretRef: { name: 'sa-token' } } }, { 'apps/sa-token/token': 'referenced-sa-jwt' });
    expect(r.who).toBe('app');
    expect(logins()[0]).toMatchObject({ path: 'auth/k8s-prod/login', body: { jwt: 'referenced-sa-jwt' } });
  });

  it('kubernetes with serviceAccountRef uses the ServiceAccount\'s legacy token Secret', async () => {
    vault.resetLog();
    const { client } = await vaultClient(
      vault,
      { auth: { kubernetes: { mountPath: 'kubernetes', role: 'eso', serviceAccountRef: { name: 'eso-sa' } } } },
      {
        credentials: { 'apps/eso-sa-token-abc/token': 'legacy-sa-jwt' },
        serviceAccounts: [{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'eso-sa', namespace: 'apps' }, secrets: [{ name: 'eso-sa-token-abc' }] }],
      },
    );
    expect(text(await client.getSecret({ key: 'secret/app', property: 'who' }))).toBe('app');
    expect(logins()[0]!.body).toMatchObject({ jwt: 'legacy-sa-jwt' });
  });

  it('a missing own ServiceAccount token is a clear error', async () => {
    process.env[SA_TOKEN_PATH_ENV] = path.join(dir, 'does-not-exist');
    const err = await readWith({ kubernetes: { role: 'eso' } }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toMatch(/cannot read Kubernetes service account token from file system: .*does-not-exist: ENOENT/);
  });

  it('jwt with a secretRef and role', async () => {
    const r = await readWith({ jwt: { path: 'jwt', role: 'ci', secretRef: { name: 'oidc', key: 'jwt' } } }, { 'apps/oidc/jwt': 'oidc-jwt' });
    expect(r.who).toBe('app');
    expect(logins()[0]).toMatchObject({ path: 'auth/jwt/login', body: { role: 'ci', jwt: 'oidc-jwt' } });
  });

  it('userPass and ldap post the password to login/<username> at their paths', async () => {
    const u = await readWith({ userPass: { path: 'userpass', username: 'alice', secretRef: { name: 'up', key: 'password' } } }, { 'apps/up/password': 'alice-pw' });
    expect(u.who).toBe('app');
    expect(logins()[0]).toMatchObject({ path: 'auth/userpass/login/alice', body: { password: 'alice-pw' } });
    const l = await readWith({ ldap: { path: 'corp-ldap', username: 'bob', secretRef: { name: 'ld', key: 'password' } } }, { 'apps/ld/password': 'bob-pw' });
    expect(l.who).toBe('app');
    expect(logins()[0]!.path).toBe('auth/corp-ldap/login/bob');
  });

  it('follows ESO\'s order: tokenSecretRef wins over appRole', async () => {
    const r = await readWith(
      { tokenSecretRef: { name: 'vt', key: 'token' }, appRole: { roleId: 'role-123', secretRef: { name: 'ar', key: 'secret-id' } } },
      { 'apps/vt/token': 'static-token', 'apps/ar/secret-id': 'secret-456' },
    );
    expect(r.read.token).toBe('static-token');
    expect(logins()).toHaveLength(0);
  });

  it('an auth block with no method is ESO\'s errAuthFormat; unsupported cloud methods say so', async () => {
    await expect(readWith({})).rejects.toThrow('cannot initialize Vault client: no valid auth method specified');
    await expect(readWith({ iam: { vaultRole: 'x' } })).rejects.toThrow('auth.iam is not supported');
  });

  it('a failed login names the method and path and Vault\'s error, never the credential', async () => {
    const err = await readWith({ appRole: { roleId: 'role-123', secretRef: { name: 'ar', key: 'secret-id' } } }, { 'apps/ar/secret-id': 'WRONG-secret-id-value' }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toContain('SecretStore/apps/vault-backend');
    expect(err.message).toContain('appRole login at auth/approle/login failed');
    expect(err.message).toContain('invalid role or secret ID');
    expect(err.message).not.toContain('WRONG-secret-id-value');
  });
});

describe('one login per store per run', () => {
  it('logs in once for many concurrent reads of different paths', async () => {
    vault.resetLog();
    const { client, ctx } = await vaultClient(
      vault,
      { auth: { appRole: { roleId: 'role-123', secretRef: { name: 'ar', key: 'secret-id' } } } },
      { credentials: { 'apps/ar/secret-id': 'secret-456' } },
    );
    const got = await Promise.all(Array.from({ length: 10 }, (_, i) => client.getSecret({ key: `secret/many/${i}`, property: 'i' })));
    expect(got.map(text)).toEqual(Array.from({ length: 10 }, (_, i) => String(i)));
    expect(logins()).toHaveLength(1);
    expect(ctx.requests).toBe(11);
    const tokens = new Set(vault.requests.filter((r) => !r.path.startsWith('auth/')).map((r) => r.token));
    expect(tokens.size).toBe(1);
  });
});

describe('namespaces', () => {
  it('sends the store namespace on reads and auth.namespace on the login only', async () => {
    const r = await readWith(
      { namespace: 'admin', appRole: { roleId: 'ns-role', secretRef: { name: 'ar', key: 'secret-id' } } },
      { 'apps/ar/secret-id': 'ns-secret' },
      { namespace: 'admin/team-a' },
    );
    expect(r.who).toBe('team-a');
    expect(logins()[0]).toMatchObject({ path: 'auth/approle/login', namespace: 'admin' });
    expect(r.read.namespace).toBe('admin/team-a');
  });

  it('without auth.namespace the login goes to the store namespace', async () => {
    const err = await readWith(
      { appRole: { roleId: 'ns-role', secretRef: { name: 'ar', key: 'secret-id' } } },
      { 'apps/ar/secret-id': 'ns-secret' },
      { namespace: 'admin/team-a' },
    ).catch((e) => e);
    // The AppRole is mounted in `admin`, not in `admin/team-a`, so Vault denies it.
    expect(logins()[0]).toMatchObject({ namespace: 'admin/team-a' });
    expect(err.message).toContain('permission denied');
  });
});
