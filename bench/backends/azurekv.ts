// Azure Key Vault: HTTPS with a private CA (which the client process trusts through NODE_EXTRA_CA_CERTS,
// as a real vault's public CA is trusted), a token endpoint, the vault behind an HTTPS latency proxy.
import { startTokenServer } from '../../test/servers/azurekv/token-server.js';
import { startVaultServer } from '../../test/servers/azurekv/vault-server.js';
import { latencyProxy, proxied } from './proxy.js';
import type { BenchBackend, BenchContext } from './types.js';

const TENANT = 'd3bc2180-0000-4000-8000-154105743342';
export const VAULT_HOST = 'bench-vault.vault.azure.net';

export async function start(ctx: BenchContext): Promise<BenchBackend> {
  const { tls } = ctx;
  const token = await startTokenServer({ tls, tenantId: TENANT, clientSecrets: { 'bench-app': 'bench-password' } });
  ctx.stops.push(() => token.stop());
  const contents = { secrets: {} as Record<string, { version: string; value: string }[]>, certificates: {}, keys: {} };
  for (let k = 0; k < ctx.unique; k++) contents.secrets[`app-${k}`] = [{ version: `v${k}`, value: ctx.value(k) }];
  const akv = await startVaultServer({ tls, vaultHost: VAULT_HOST, tenantId: TENANT, contents, validTokens: token.issued, pageSize: 25 });
  ctx.stops.push(() => akv.stop());
  const proxy = await latencyProxy(ctx, { upstream: `https://127.0.0.1:${akv.port}`, tls, upstreamTls: { ca: tls.caPem, servername: VAULT_HOST } });
  const b = proxied(
    proxy,
    { vaultUrl: `https://${VAULT_HOST}:${proxy.port}`, authorityHost: token.authorityHost, tenantId: TENANT, clientId: 'bench-app', clientSecret: 'bench-password' },
    (p) => p.startsWith('/secrets/'),
  );
  return {
    ...b,
    all: () => proxy.count() + token.requests.length,
    reset: () => {
      proxy.clear();
      token.requests.length = 0;
    },
  };
}
