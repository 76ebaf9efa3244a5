// The backend-efficiency scenario's servers, in a process of their own (so their work is not timed as
// the renderer's): moto behind a 20 ms latency proxy, the loopback Vault behind one, the loopback Google
// Secret Manager with its built-in 20 ms delay, and the loopback Azure Key Vault (HTTPS) behind an HTTPS
// latency proxy, each seeded with the same `unique` JSON secrets. Everything listens on 127.0.0.1.
// Bundled with esbuild by bench/scenarios/backends.mjs and started with child_process.fork; it answers
// { id, cmd: 'counts' | 'reset' | 'stop' } messages with { id, result }.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startMoto } from '../../test/helpers/moto.js';
import { FakeVault } from '../../test/servers/vault/server.js';
import { startGsmServer } from '../../test/servers/gcpsm/server.js';
import { startTokenServer } from '../../test/servers/azurekv/token-server.js';
import { startVaultServer } from '../../test/servers/azurekv/vault-server.js';
import { makeTestTls } from '../../test/servers/tls-ca.js';
import { FakeBitwardenSdkServer, bwId } from '../../test/servers/bitwarden/server.js';
// @ts-expect-error plain JS helper
import { startLatencyProxy } from '../lib/latency-proxy.mjs';

const DELAY = Number(process.env['ESO_BENCH_DELAY_MS'] ?? 20);
const UNIQUE = Number(process.env['ESO_BENCH_UNIQUE'] ?? 200);
const TENANT = 'd3bc2180-0000-4000-8000-154105743342';
const VAULT_HOST = 'bench-vault.vault.azure.net';
const PROJECT = 'bench-project';
const value = (k: number) => JSON.stringify({ username: `user-${k}`, password: `pw-${k}-horse-battery` });

async function main() {
  const stops: (() => Promise<void>)[] = [];

  // AWS: moto, seeded directly, read through the latency proxy.
  const moto = await startMoto();
  stops.push(() => moto.stop());
  const creds = { accessKeyId: 'testing', secretAccessKey: 'testing' };
  const sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials: creds });
  for (let k = 0; k < UNIQUE; k++) await sm.send(new CreateSecretCommand({ Name: `bench/app-${k}`, SecretString: value(k) }));
  sm.destroy();
  const awsProxy = await startLatencyProxy({ upstream: moto.url, delayMs: DELAY });
  stops.push(() => awsProxy.stop());

  // Vault: KV v2 at secret/, token auth.
  const vault = await FakeVault.start();
  stops.push(() => vault.close());
  vault.mountKv('secret', 2);
  vault.addToken('bench-token', ['secret/*']);
  for (let k = 0; k < UNIQUE; k++) vault.put('secret', `app-${k}`, JSON.parse(value(k)) as Record<string, unknown>);
  const vaultProxy = await startLatencyProxy({ upstream: vault.url, delayMs: DELAY });
  stops.push(() => vaultProxy.stop());

  // Google Secret Manager: gRPC, plaintext, the server's own delay.
  const secrets = Array.from({ length: UNIQUE }, (_, k) => ({ id: `app-${k}`, versions: [{ data: value(k) }] }));
  const gsm = await startGsmServer({ projectId: PROJECT, projectNumber: '123456789012', secrets });
  gsm.delayMs = DELAY;
  stops.push(() => gsm.stop());

  // Azure Key Vault: HTTPS with a private CA (made by `--make-tls`, which the client process trusts
  // through NODE_EXTRA_CA_CERTS, as a real vault's public CA is trusted), a token endpoint, the vault
  // behind an HTTPS latency proxy.
  const tlsDir = process.env['ESO_BENCH_TLS_DIR']!;
  const tls = { caPem: readFileSync(path.join(tlsDir, 'ca.pem'), 'utf8'), keyPem: readFileSync(path.join(tlsDir, 'key.pem'), 'utf8'), certPem: readFileSync(path.join(tlsDir, 'cert.pem'), 'utf8') };
  const token = await startTokenServer({ tls, tenantId: TENANT, clientSecrets: { 'bench-app': 'bench-password' } });
  stops.push(() => token.stop());
  const contents = { secrets: {} as Record<string, { version: string; value: string }[]>, certificates: {}, keys: {} };
  for (let k = 0; k < UNIQUE; k++) contents.secrets[`app-${k}`] = [{ version: `v${k}`, value: value(k) }];
  const akv = await startVaultServer({ tls, vaultHost: VAULT_HOST, tenantId: TENANT, contents, validTokens: token.issued, pageSize: 25 });
  stops.push(() => akv.stop());
  const akvProxy = await startLatencyProxy({
    upstream: `https://127.0.0.1:${akv.port}`,
    delayMs: DELAY,
    tls,
    upstreamTls: { ca: tls.caPem, servername: VAULT_HOST },
  });
  stops.push(() => akvProxy.stop());

  // Bitwarden: the SDK server (HTTPS, the same private CA) behind an HTTPS latency proxy, one project.
  const bw = await FakeBitwardenSdkServer.start(tls);
  stops.push(() => bw.close());
  bw.addSecrets('bench', Array.from({ length: UNIQUE }, (_, k) => ({ key: `app-${k}`, value: value(k), project: 'bench' })));
  const bwToken = bw.addMachineAccount('bench', 'bench', ['bench']);
  const bwProxy = await startLatencyProxy({ upstream: bw.url, delayMs: DELAY, tls, upstreamTls: { ca: tls.caPem, servername: 'localhost' } });
  stops.push(() => bwProxy.stop());

  const counts = () => ({
    aws: awsProxy.count(),
    vault: vaultProxy.requests.filter((r: { path: string }) => r.path.startsWith('/v1/secret/')).length,
    gcpsm: gsm.requests.filter((r) => r.method === 'AccessSecretVersion').length,
    azurekv: akvProxy.requests.filter((r: { path: string }) => r.path.startsWith('/secrets/')).length,
    bitwarden: bwProxy.count(),
    // Everything, authentication included, for the record.
    all: { aws: awsProxy.count(), vault: vaultProxy.count(), gcpsm: gsm.requests.length, azurekv: akvProxy.count(), azureToken: token.requests.length },
    // Most requests in flight at once, and the backend's own median answer time behind the proxy.
    maxInFlight: { aws: awsProxy.maxInFlight, vault: vaultProxy.maxInFlight, azurekv: akvProxy.maxInFlight, bitwarden: bwProxy.maxInFlight },
    serviceMs: { aws: awsProxy.upstreamMedianMs(), vault: vaultProxy.upstreamMedianMs(), azurekv: akvProxy.upstreamMedianMs(), bitwarden: bwProxy.upstreamMedianMs() },
  });
  const reset = () => {
    awsProxy.clear();
    vaultProxy.clear();
    akvProxy.clear();
    bwProxy.clear();
    gsm.requests.length = 0;
    token.requests.length = 0;
  };

  process.on('message', async (m: { id: number; cmd: string }) => {
    let result: unknown = null;
    if (m.cmd === 'counts') result = counts();
    else if (m.cmd === 'reset') reset();
    else if (m.cmd === 'stop') {
      for (const s of stops.reverse()) await s().catch(() => undefined);
    }
    process.send!({ id: m.id, result });
    if (m.cmd === 'stop') process.disconnect();
  });
  process.send!({
    type: 'ready',
    info: {
      delayMs: DELAY,
      unique: UNIQUE,
      aws: { endpoint: awsProxy.url, direct: moto.url },
      vault: { url: vaultProxy.url, token: 'bench-token' },
      gcpsm: { endpoint: `127.0.0.1:${gsm.port}`, project: PROJECT },
      azurekv: {
        vaultUrl: `https://${VAULT_HOST}:${akvProxy.port}`,
        authorityHost: token.authorityHost,
        tenantId: TENANT,
        clientId: 'bench-app',
        clientSecret: 'bench-password',
        caFile: path.join(tlsDir, 'ca.pem'),
      },
      bitwarden: { url: `https://127.0.0.1:${bwProxy.port}`, token: bwToken, caBundle: Buffer.from(tls.caPem).toString('base64'), organizationID: bwId('org:bench'), projectID: bwId('project:bench') },
    },
  });
}

/** `--make-tls DIR`: a private CA and a certificate for the vault's host name, as PEM files. */
function makeTls(dir: string): void {
  const tls = makeTestTls([VAULT_HOST, 'localhost']);
  writeFileSync(path.join(dir, 'ca.pem'), tls.caPem);
  writeFileSync(path.join(dir, 'key.pem'), tls.keyPem);
  writeFileSync(path.join(dir, 'cert.pem'), tls.certPem);
}

if (process.argv[2] === '--make-tls') makeTls(process.argv[3]!);
else main().catch((e: unknown) => {
  process.stderr.write(`backend host failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
