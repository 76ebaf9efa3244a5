// AWS Secrets Manager: moto, seeded directly, read through the latency proxy.
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startMoto } from '../../test/helpers/moto.js';
import { latencyProxy, proxied } from './proxy.js';
import type { BenchBackend, BenchContext } from './types.js';

export async function start(ctx: BenchContext): Promise<BenchBackend> {
  const moto = await startMoto();
  ctx.stops.push(() => moto.stop());
  const sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  for (let k = 0; k < ctx.unique; k++) await sm.send(new CreateSecretCommand({ Name: `bench/app-${k}`, SecretString: ctx.value(k) }));
  sm.destroy();
  const proxy = await latencyProxy(ctx, { upstream: moto.url });
  // Every request moto answers is a Secrets Manager call (the credentials are static).
  return proxied(proxy, { endpoint: proxy.url, direct: moto.url }, () => true);
}
