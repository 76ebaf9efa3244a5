// 1Password Connect: the loopback Connect server, one vault, item app-k with fields username and
// password, a bearer token, behind the latency proxy.
import { FakeConnect } from '../../test/servers/onepassword/server.js';
import { latencyProxy, proxied } from './proxy.js';
import type { BenchBackend, BenchContext } from './types.js';

export async function start(ctx: BenchContext): Promise<BenchBackend> {
  const connect = await FakeConnect.start();
  ctx.stops.push(() => connect.close());
  const items = Array.from({ length: ctx.unique }, (_, k) => {
    const v = JSON.parse(ctx.value(k)) as { username: string; password: string };
    return { title: `app-${k}`, category: 'LOGIN', fields: [{ label: 'username', value: v.username }, { label: 'password', value: v.password, type: 'CONCEALED' }] };
  });
  connect.addVault('bench', items);
  connect.addToken('bench-connect-token', ['bench']);
  const proxy = await latencyProxy(ctx, { upstream: connect.url });
  // Reads of an item: its lookup by title and the item itself (the vault's lookup is counted in all()).
  return proxied(proxy, { token: 'bench-connect-token', vault: 'bench' }, (p) => /^\/v1\/vaults\/[^/]+\/items/.test(p));
}
