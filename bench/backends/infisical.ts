// Infisical: project bench, environment prod, secrets at /, universal auth, behind the latency proxy.
import { FakeInfisical } from '../../test/servers/infisical/server.js';
import { latencyProxy, proxied } from './proxy.js';
import type { BenchBackend, BenchContext } from './types.js';

export async function start(ctx: BenchContext): Promise<BenchBackend> {
  const inf = await FakeInfisical.start();
  ctx.stops.push(() => inf.close());
  inf.addSecrets('bench', 'prod', '/', Object.fromEntries(Array.from({ length: ctx.unique }, (_, k) => [`app-${k}`, ctx.value(k)])));
  inf.addClient('bench-client', 'bench-client-secret', ['bench']);
  const proxy = await latencyProxy(ctx, { upstream: inf.url });
  return proxied(proxy, { clientId: 'bench-client', clientSecret: 'bench-client-secret' }, (p) => p.startsWith('/api/v3/secrets/raw/'));
}
