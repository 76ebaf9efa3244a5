// Store credentials are never emitted: a Secret in the stream that served as a store's credential leaves
// with the store; other Secrets pass through.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeVault } from '../servers/vault/server.js';
import { render } from '../../src/engine/render.js';
import { defaultRenderOptions, type Item } from '../../src/engine/types.js';

let vault: FakeVault;
beforeAll(async () => {
  vault = await FakeVault.start();
  vault.mountKv('secret', 2);
  vault.put('secret', 'app/db', { password: 'from-vault' });
  vault.addToken('tok-credential-canary');
});
afterAll(async () => vault?.close());

function stream(): Item[] {
  return [
    { object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'vault-token', namespace: 'apps' }, stringData: { token: 'tok-credential-canary' } } },
    { object: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'unrelated', namespace: 'apps' }, stringData: { x: 'y' } } },
    {
      object: {
        apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 'vault', namespace: 'apps' },
        spec: { provider: { vault: { server: vault.url, path: 'secret', version: 'v2', auth: { tokenSecretRef: { name: 'vault-token', key: 'token' } } } } },
      },
    },
    {
      object: {
        apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: 'db', namespace: 'apps' },
        spec: { secretStoreRef: { name: 'vault' }, data: [{ secretKey: 'password', remoteRef: { key: 'app/db', property: 'password' } }] },
      },
    },
  ];
}

describe('store credentials from the stream', () => {
  it('are used, then dropped with their store; other Secrets pass through', async () => {
    const out = await render(stream(), { ...defaultRenderOptions, allowStreamCredentials: true });
    if (!out.ok) throw new Error(JSON.stringify(out.results));
    const names = out.items.map((i) => `${i.object.kind}/${i.object.metadata?.name}`);
    expect(names).toEqual(['Secret/unrelated', 'Secret/db']);
    expect(JSON.stringify(out.items.map((i) => i.object))).not.toContain('tok-credential-canary');
  });

  it('are kept with --keep-stores, which keeps what the stores need', async () => {
    const out = await render(stream(), { ...defaultRenderOptions, allowStreamCredentials: true, keepStores: true });
    if (!out.ok) throw new Error(JSON.stringify(out.results));
    expect(out.items.map((i) => `${i.object.kind}/${i.object.metadata?.name}`)).toEqual(['Secret/vault-token', 'Secret/unrelated', 'SecretStore/vault', 'Secret/db']);
  });
});
