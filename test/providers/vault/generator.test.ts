// The VaultDynamicSecret generator against the loopback Vault's database engine (leases) and others.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeVault } from '../../servers/vault/server.js';
import { generate } from '../../../src/providers/vault/generator-dynamic.js';
import type { GeneratorContext } from '../../../src/providers/types.js';
import { ProviderError } from '../../../src/providers/types.js';
import { makeProviderContext } from '../../helpers/provider-context.js';
import { mapText } from './harness.js';

let vault: FakeVault;

beforeAll(async () => {
  vault = await FakeVault.start();
  vault.addToken('gen-token', ['database/creds/*', 'secret/*', 'kv/*']);
  vault.mountDatabase('database', { app: { ttl: 3600 } });
  vault.mountKv('secret', 2);
  vault.mountKv('kv', 1);
  vault.put('secret', 'cfg', '{"port":5432.0}');
  vault.put('secret', 'cfg', '{"port":6543}');
  vault.enableAppRole('approle', 'gen-role', 'gen-secret', ['database/creds/*']);
});
afterAll(async () => vault.close());
beforeEach(() => vault.resetLog());

function genCtx(spec: Record<string, unknown>, credentials: Record<string, string> = { 'apps/vault-token/token': 'gen-token' }) {
  const base = makeProviderContext({ provider: 'vault', spec: {}, namespace: 'apps', credentials });
  const ctx: GeneratorContext & { requests: number } = {
    generator: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'VaultDynamicSecret', metadata: { name: 'db-creds', namespace: 'apps' }, spec },
    credentials: base.credentials,
    signal: base.signal,
    deadline: base.deadline,
    namespace: 'apps',
    requests: 0,
    countRequest(n = 1) {
      ctx.requests += n;
    },
    countRetry() {},
  };
  return ctx;
}

const provider = () => ({ server: vault.url, auth: { tokenSecretRef: { name: 'vault-token', key: 'token' } } });

describe('VaultDynamicSecret', () => {
  it('issues database credentials with a lease; every call is a new lease', async () => {
    const ctx = genCtx({ provider: provider(), path: 'database/creds/app', method: 'GET' });
    const first = mapText(await generate(ctx));
    const second = mapText(await generate(ctx));
    expect(Object.keys(first).sort()).toEqual(['password', 'username']);
    expect(first.username).toMatch(/^v-app-/);
    expect(second.username).not.toBe(first.username);
    expect(vault.leases.filter((l) => l.path === 'database/creds/app' && !l.revoked)).toHaveLength(2);
    expect(vault.requests.map((r) => `${r.verb} ${r.path}`)).toEqual(['GET database/creds/app', 'GET database/creds/app']);
    expect(ctx.requests).toBe(2);
  });

  it('logs in once per run for the same Vault configuration', async () => {
    const spec = {
      provider: { server: vault.url, auth: { appRole: { roleId: 'gen-role', secretRef: { name: 'ar', key: 'secret-id' } } } },
      path: 'database/creds/app',
    };
    const ctx = genCtx(spec, { 'apps/ar/secret-id': 'gen-secret' });
    await generate(ctx);
    await generate(ctx);
    expect(vault.count((r) => r.path === 'auth/approle/login')).toBe(1);
    expect(vault.count((r) => r.path === 'database/creds/app')).toBe(2);
  });

  it('POST writes the parameters with Vault\'s write (PUT); an empty answer needs allowEmptyResponse', async () => {
    const spec = { provider: provider(), path: 'kv/generated', method: 'POST', parameters: { a: 'b' } };
    await expect(generate(genCtx(spec))).rejects.toThrow('empty response from Vault');
    expect(vault.requests.at(-1)).toMatchObject({ method: 'PUT', path: 'kv/generated', body: { a: 'b' } });
    expect(mapText(await generate(genCtx({ ...spec, allowEmptyResponse: true })))).toEqual({});
  });

  it('GET with getParameters; Data keeps Vault\'s number text, nested maps are compact JSON', async () => {
    const got = mapText(await generate(genCtx({ provider: provider(), path: 'secret/data/cfg', getParameters: { version: ['1'] } })));
    expect(got.data).toBe('{"port":5432.0}');
    expect(JSON.parse(got.metadata!)).toMatchObject({ version: 1, destroyed: false });
    expect(vault.requests.at(-1)!.query).toEqual({ version: '1' });
  });

  it('resultType Auth returns the login response\'s auth block', async () => {
    const got = mapText(
      await generate(genCtx({ provider: provider(), path: 'auth/approle/login', method: 'POST', parameters: { role_id: 'gen-role', secret_id: 'gen-secret' }, resultType: 'Auth' })),
    );
    expect(got.client_token).toMatch(/^hvs\./);
    expect(got.lease_duration).toBe('3600');
    expect(got.renewable).toBe('true');
    expect(got.policies).toBe('["default","database/creds/*"]');
    expect(got.identity_policies).toBe('');
    expect(Object.keys(got).sort()).toEqual(
      ['accessor', 'client_token', 'entity_id', 'identity_policies', 'lease_duration', 'metadata', 'mfa_requirement', 'orphan', 'policies', 'renewable', 'token_policies'],
    );
  });

  it('resultType Raw returns the whole response', async () => {
    const got = mapText(await generate(genCtx({ provider: provider(), path: 'database/creds/app', resultType: 'Raw' })));
    expect(got.lease_id).toMatch(/^database\/creds\/app\//);
    expect(got.lease_duration).toBe('3600');
    expect(got.renewable).toBe('true');
    expect(Object.keys(JSON.parse(got.data!)).sort()).toEqual(['password', 'username']);
    expect(got.mount_type).toBe('database');
    expect(got.warnings).toBe('');
    expect(Object.keys(got).sort()).toEqual(['data', 'lease_duration', 'lease_id', 'mount_type', 'renewable', 'request_id', 'warnings']);
  });

  it('errors name the generator, the path and Vault\'s error', async () => {
    const err = await generate(genCtx({ provider: provider(), path: 'database/creds/nope' })).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toContain('VaultDynamicSecret/apps/db-creds');
    expect(err.message).toContain('"database/creds/nope"');
    expect(err.message).toContain('unknown role: nope');
    await expect(generate(genCtx({ path: 'x' }))).rejects.toThrow('no Vault provider config in spec');
  });
});
