// Kubernetes: the loopback API server (Secrets of another cluster), a bearer token, behind the latency
// proxy. Secret app-k holds data keys username and password.
import { FakeKubeApi } from '../../test/servers/kubernetes/server.js';
import { latencyProxy, proxied } from './proxy.js';
import type { BenchBackend, BenchContext } from './types.js';

export async function start(ctx: BenchContext): Promise<BenchBackend> {
  const api = await FakeKubeApi.start();
  ctx.stops.push(() => api.close());
  api.addToken('bench-kube-token', 'bench-reader', ['bench-remote']);
  for (let k = 0; k < ctx.unique; k++) api.put('bench-remote', `app-${k}`, JSON.parse(ctx.value(k)) as Record<string, string>);
  const proxy = await latencyProxy(ctx, { upstream: api.url });
  return proxied(proxy, { token: 'bench-kube-token', namespace: 'bench-remote' }, (p) => p.startsWith('/api/v1/namespaces/bench-remote/secrets/'));
}
