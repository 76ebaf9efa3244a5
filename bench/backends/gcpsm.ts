// Google Secret Manager: the loopback gRPC server (plaintext), with its own 20 ms delay.
import { startGsmServer } from '../../test/servers/gcpsm/server.js';
import type { BenchBackend, BenchContext } from './types.js';

export const PROJECT = 'bench-project';

export async function start(ctx: BenchContext): Promise<BenchBackend> {
  const secrets = Array.from({ length: ctx.unique }, (_, k) => ({ id: `app-${k}`, versions: [{ data: ctx.value(k) }] }));
  const gsm = await startGsmServer({ projectId: PROJECT, projectNumber: '123456789012', secrets });
  gsm.delayMs = ctx.delayMs;
  ctx.stops.push(() => gsm.stop());
  return {
    info: { endpoint: `127.0.0.1:${gsm.port}`, project: PROJECT },
    reads: () => gsm.requests.filter((r) => r.method === 'AccessSecretVersion').length,
    all: () => gsm.requests.length,
    reset: () => {
      gsm.requests.length = 0;
    },
  };
}
