// Vault's failure modes: what the user sees, what is retried, and that no value leaks into a message.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeVault } from '../../servers/vault/server.js';
import { NoSecretError, ProviderError } from '../../../src/providers/types.js';
import { text, tokenAuth, tokenCreds, vaultClient } from './harness.js';

let vault: FakeVault;
const VALUE = 'very-secret-value-7731';

beforeAll(async () => {
  vault = await FakeVault.start();
  vault.mountKv('secret', 2);
  vault.put('secret', 'allowed/app', { password: VALUE });
  vault.put('secret', 'other/app', { password: VALUE });
  vault.addToken('limited', ['secret/data/allowed/*']);
});
afterAll(async () => vault.close());
beforeEach(() => {
  vault.sealed = false;
  vault.clearFaults();
  vault.resetLog();
});

const client = (deadlineMs?: number) =>
  vaultClient(vault, { auth: tokenAuth }, { credentials: tokenCreds('limited'), ...(deadlineMs ? { deadlineMs } : {}) });

describe('errors', () => {
  it('403 permission denied names the store, key, path and server, and is not retried', async () => {
    const { client: c, ctx } = await client();
    const err = await c.getSecret({ key: 'secret/other/app', property: 'password' }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toContain('SecretStore/apps/vault-backend');
    expect(err.message).toContain('key "secret/other/app"');
    expect(err.message).toContain('path "secret/data/other/app"');
    expect(err.message).toContain(vault.url);
    expect(err.message).toContain('permission denied');
    expect(err.message).not.toContain(VALUE);
    expect(ctx.retries).toBe(0);
    expect(vault.count()).toBe(1);
  });

  it('an invalid token is permission denied too', async () => {
    const { client: c } = await vaultClient(vault, { auth: tokenAuth }, { credentials: tokenCreds('no-such-token') });
    await expect(c.getSecret({ key: 'secret/allowed/app' })).rejects.toThrow(/Code: 403.*permission denied/);
  });

  it('404 is NoSecretError (ESO\'s NoSecretErr), so the engine applies deletionPolicy rules', async () => {
    const { client: c } = await client();
    const err = await c.getSecret({ key: 'secret/allowed/missing' }).catch((e) => e);
    expect(err).toBeInstanceOf(NoSecretError);
    expect(err.detail).toBe(`Vault: not found (404) at secret/data/allowed/missing, vault ${vault.url}`);
  });

  it('a sealed Vault is reported as sealed, after retrying within the deadline', async () => {
    vault.sealed = true;
    const { client: c, ctx } = await client(2_000);
    const err = await c.getSecret({ key: 'secret/allowed/app' }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toContain('Code: 503');
    expect(err.message).toContain('Vault is sealed');
    expect(ctx.retries).toBeGreaterThan(0);
    expect(ctx.requests).toBe(ctx.retries + 1);
  });

  it('retries 429 and 5xx and then succeeds, counting every attempt', async () => {
    vault.fail({ status: 429, times: 2, path: /allowed\/app/ });
    vault.fail({ status: 502, times: 1, path: /allowed\/app/ });
    const { client: c, ctx } = await client();
    expect(text(await c.getSecret({ key: 'secret/allowed/app', property: 'password' }))).toBe(VALUE);
    expect(vault.count((r) => r.path === 'secret/data/allowed/app')).toBe(4);
    expect(ctx.requests).toBe(4);
    expect(ctx.retries).toBe(3);
  });

  it('does not retry past the run deadline', async () => {
    vault.fail({ status: 500, times: 1000 });
    const { client: c, ctx } = await client(150);
    const started = Date.now();
    await expect(c.getSecret({ key: 'secret/allowed/app' })).rejects.toThrow('Code: 500');
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(ctx.requests).toBeLessThan(5);
  });

  it('an unreachable server is a transport error naming the server', async () => {
    const { client: c } = await vaultClient(vault, { server: 'http://127.0.0.1:9', auth: tokenAuth }, { credentials: tokenCreds('limited'), deadlineMs: 500 });
    const err = await c.getSecret({ key: 'secret/allowed/app' }).catch((e) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err.message).toContain('http://127.0.0.1:9');
    expect(err.message).toContain('ECONNREFUSED');
  });

  it('a store spec without server is rejected with the field path', async () => {
    const { makeProviderContext } = await import('../../helpers/provider-context.js');
    const { createClient, validateStore } = await import('../../../src/providers/vault/index.js');
    const ctx = makeProviderContext({ provider: 'vault', spec: { auth: tokenAuth }, name: 'bad', namespace: 'apps' });
    await expect(createClient(ctx)).rejects.toThrow('SecretStore/apps/bad: spec.provider.vault.server: is required');
    expect(validateStore({ server: 'x', version: 'v3' })).toEqual([{ field: 'version', message: 'must be v1 or v2' }]);
    expect(validateStore({ server: 'https://vault:8200', auth: { appRole: { secretRef: { name: 'a', key: 'b' } } } })).toEqual([
      { field: 'auth.appRole', message: 'neither `roleId` nor `roleRef` was supplied' },
    ]);
    expect(validateStore({ server: 'https://vault:8200', auth: { tokenSecretRef: { name: 'a', key: 'b' } } })).toEqual([]);
  });
});
