// Bitwarden Secrets Manager: the Bitwarden SDK server (HTTPS, the scenario's private CA) behind an HTTPS
// latency proxy, one project, a machine account.
import { FakeBitwardenSdkServer, bwId } from '../../test/servers/bitwarden/server.js';
import { latencyProxy, proxied } from './proxy.js';
import type { BenchBackend, BenchContext } from './types.js';

export async function start(ctx: BenchContext): Promise<BenchBackend> {
  const { tls } = ctx;
  const bw = await FakeBitwardenSdkServer.start(tls);
  ctx.stops.push(() => bw.close());
  bw.addSecrets('bench', Array.from({ length: ctx.unique }, (_, k) => ({ key: `app-${k}`, value: ctx.value(k), project: 'bench' })));
  const token = bw.addMachineAccount('bench', 'bench', ['bench']);
  const proxy = await latencyProxy(ctx, { upstream: bw.url, tls, upstreamTls: { ca: tls.caPem, servername: 'localhost' } });
  return proxied(
    proxy,
    { url: `https://127.0.0.1:${proxy.port}`, token, caBundle: Buffer.from(tls.caPem).toString('base64'), organizationID: bwId('org:bench'), projectID: bwId('project:bench') },
    () => true,
  );
}
