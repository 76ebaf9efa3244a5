// Shared set-up for the Vault provider tests: a fresh loopback Vault and a client built through the
// provider module, as the engine builds it.
import { createClient } from '../../../src/providers/vault/index.js';
import type { SecretsClient } from '../../../src/providers/types.js';
import { makeProviderContext, type TestContext, type TestContextOptions } from '../../helpers/provider-context.js';
import type { FakeVault } from '../../servers/vault/server.js';

export const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
export const mapText = (m: Map<string, Uint8Array>) => Object.fromEntries([...m].map(([k, v]) => [k, text(v)]));

export async function vaultClient(
  vault: FakeVault,
  spec: Record<string, unknown>,
  extra: Partial<TestContextOptions> = {},
): Promise<{ client: SecretsClient; ctx: TestContext }> {
  const ctx = makeProviderContext({
    provider: 'vault',
    spec: { server: vault.url, ...spec },
    name: 'vault-backend',
    namespace: 'apps',
    ...extra,
  });
  const client = await createClient(ctx);
  return { client, ctx };
}

/** A token-auth store spec reading the token from apps/vault-token/token. */
export const tokenAuth = { tokenSecretRef: { name: 'vault-token', key: 'token' } };
export const tokenCreds = (token: string) => ({ 'apps/vault-token/token': token });
