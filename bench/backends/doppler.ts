// Doppler: one config holding every secret (names in Doppler's UPPER_SNAKE form), a service token,
// behind the latency proxy.
import { FakeDoppler } from '../../test/servers/doppler/server.js';
import { latencyProxy, proxied } from './proxy.js';
import type { BenchBackend, BenchContext } from './types.js';

export async function start(ctx: BenchContext): Promise<BenchBackend> {
  const doppler = await FakeDoppler.start();
  ctx.stops.push(() => doppler.close());
  doppler.addConfig('bench', 'prd', Object.fromEntries(Array.from({ length: ctx.unique }, (_, k) => [`APP_${k}`, ctx.value(k)])));
  doppler.addServiceToken('dp.st.bench', 'bench', 'prd');
  const proxy = await latencyProxy(ctx, { upstream: doppler.url });
  return proxied(proxy, { token: 'dp.st.bench' }, () => true);
}
