// HashiCorp Vault: the loopback server, KV v2 at secret/, token auth, behind the latency proxy.
import { FakeVault } from '../../test/servers/vault/server.js';
import { latencyProxy, proxied } from './proxy.js';
import type { BenchBackend, BenchContext } from './types.js';

export async function start(ctx: BenchContext): Promise<BenchBackend> {
  const vault = await FakeVault.start();
  ctx.stops.push(() => vault.close());
  vault.mountKv('secret', 2);
  vault.addToken('bench-token', ['secret/*']);
  for (let k = 0; k < ctx.unique; k++) vault.put('secret', `app-${k}`, JSON.parse(ctx.value(k)) as Record<string, unknown>);
  const proxy = await latencyProxy(ctx, { upstream: vault.url });
  return proxied(proxy, { token: 'bench-token' }, (p) => p.startsWith('/v1/secret/'));
}
