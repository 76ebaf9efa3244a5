// The backend-efficiency scenario's servers, in a process of their own (so their work is not timed as
// the renderer's): each backend of bench/backends/<name>.ts, seeded with the same `unique` JSON secrets and
// 20 ms away (behind bench/lib/latency-proxy.mjs, or with the server's own delay). Everything listens on
// 127.0.0.1. Bundled with esbuild by bench/scenarios/backends.mjs and started with child_process.fork; it
// answers { id, cmd: 'counts' | 'reset' | 'stop' } messages with { id, result }.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { makeTestTls } from '../../test/servers/tls-ca.js';
import * as aws from './aws.js';
import * as azurekv from './azurekv.js';
import * as bitwarden from './bitwarden.js';
import * as doppler from './doppler.js';
import * as gcpsm from './gcpsm.js';
import * as gitlab from './gitlab.js';
import * as infisical from './infisical.js';
import * as kubernetes from './kubernetes.js';
import * as onepassword from './onepassword.js';
import * as openbao from './openbao.js';
import type { BenchBackend, BenchContext } from './types.js';
import * as vault from './vault.js';
import * as webhook from './webhook.js';

/** Every backend of the scenario, by the name bench/scenarios/backend-clients.mjs knows it by. */
const modules: Record<string, { start(ctx: BenchContext): Promise<BenchBackend> }> = { aws, vault, gcpsm, azurekv, openbao, kubernetes, onepassword, gitlab, doppler, infisical, bitwarden, webhook };

const DELAY = Number(process.env['ESO_BENCH_DELAY_MS'] ?? 20);
const UNIQUE = Number(process.env['ESO_BENCH_UNIQUE'] ?? 200);
const value = (k: number) => JSON.stringify({ username: `user-${k}`, password: `pw-${k}-horse-battery` });

async function main() {
  const tlsDir = process.env['ESO_BENCH_TLS_DIR']!;
  const tls = { caPem: readFileSync(path.join(tlsDir, 'ca.pem'), 'utf8'), keyPem: readFileSync(path.join(tlsDir, 'key.pem'), 'utf8'), certPem: readFileSync(path.join(tlsDir, 'cert.pem'), 'utf8') };
  const ctx: BenchContext = { delayMs: DELAY, unique: UNIQUE, value, tls, stops: [] };
  const only = (process.env['ESO_BENCH_BACKENDS'] ?? '').split(',').filter((x) => x !== '');
  const backends: Record<string, BenchBackend> = {};
  for (const [name, m] of Object.entries(modules)) if (only.length === 0 || only.includes(name)) backends[name] = await m.start(ctx);

  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    (stopping ??= (async () => {
      for (const s of [...ctx.stops].reverse()) await Promise.resolve().then(s).catch(() => undefined);
    })());

  const each = <T>(f: (b: BenchBackend) => T) => Object.fromEntries(Object.entries(backends).map(([n, b]) => [n, f(b)]));
  const counts = () => ({
    reads: each((b) => b.reads()),
    all: each((b) => b.all()),
    maxInFlight: each((b) => b.maxInFlight?.()),
    serviceMs: each((b) => b.serviceMs?.()),
  });

  process.on('message', async (m: { id: number; cmd: string }) => {
    let result: unknown = null;
    if (m.cmd === 'counts') result = counts();
    else if (m.cmd === 'reset') for (const b of Object.values(backends)) b.reset();
    else if (m.cmd === 'stop') await stopAll();
    process.send!({ id: m.id, result });
    if (m.cmd === 'stop') process.disconnect();
  });
  // The scenario's process gone (finished, failed, killed): stop the servers with it.
  process.once('disconnect', () => void stopAll().then(() => process.exit(0)));
  process.send!({ type: 'ready', info: { delayMs: DELAY, unique: UNIQUE, ...each((b) => b.info) } });
}

/** `--make-tls DIR`: a private CA and a certificate for the HTTPS backends' host names, as PEM files. */
function makeTls(dir: string): void {
  const tls = makeTestTls([azurekv.VAULT_HOST, 'localhost']);
  writeFileSync(path.join(dir, 'ca.pem'), tls.caPem);
  writeFileSync(path.join(dir, 'key.pem'), tls.keyPem);
  writeFileSync(path.join(dir, 'cert.pem'), tls.certPem);
}

if (process.argv[2] === '--make-tls') makeTls(process.argv[3]!);
else main().catch((e: unknown) => {
  process.stderr.write(`backend host failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
