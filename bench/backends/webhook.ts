// Webhook: the loopback JSON service answering GET /api/secrets/app-<k> with secret k's JSON, a bearer
// token checked, behind the latency proxy.
import { FakeWebhook } from '../../test/servers/webhook/server.js';
import { latencyProxy, proxied } from './proxy.js';
import type { BenchBackend, BenchContext } from './types.js';

export async function start(ctx: BenchContext): Promise<BenchBackend> {
  const wh = await FakeWebhook.start();
  ctx.stops.push(() => wh.close());
  for (let k = 0; k < ctx.unique; k++) {
    wh.route('GET', `/api/secrets/app-${k}`, (q) => (q.headers['authorization'] === 'Bearer bench-webhook-token' ? { body: ctx.value(k) } : { status: 401, body: '{}' }));
  }
  const proxy = await latencyProxy(ctx, { upstream: wh.url });
  return proxied(proxy, { token: 'bench-webhook-token' }, () => true);
}
