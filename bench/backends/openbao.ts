// OpenBao: the loopback server (the Vault one, which OpenBao's API is), KV v2 at kv/, token auth,
// behind the latency proxy.
import { FakeOpenBao } from '../../test/servers/openbao/server.js';
import { latencyProxy, proxied } from './proxy.js';
import type { BenchBackend, BenchContext } from './types.js';

export async function start(ctx: BenchContext): Promise<BenchBackend> {
  const bao = await FakeOpenBao.start();
  ctx.stops.push(() => bao.close());
  bao.mountKv('kv', 2);
  bao.addToken('bench-bao-token', ['kv/*']);
  for (let k = 0; k < ctx.unique; k++) bao.put('kv', `app-${k}`, JSON.parse(ctx.value(k)) as Record<string, unknown>);
  const proxy = await latencyProxy(ctx, { upstream: bao.url });
  return proxied(proxy, { token: 'bench-bao-token' }, (p) => p.startsWith('/v1/kv/'));
}
