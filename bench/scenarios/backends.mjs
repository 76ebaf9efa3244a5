// Scenario 3: backend efficiency. 1,000 ExternalSecrets reading 200 unique secrets (half a `username`
// property, half a `password` one) from loopback backends that answer 20 ms late: requests made and wall
// time of `render` against the floor ceil(unique / (batch × concurrency)) × 20 ms, against the same run
// on the fake store (the engine's own cost), and against a naive client in the same run: one request
// per data entry, one at a time, written with the same client library the provider uses.

import { fork, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { median } from '../lib/measure.mjs';

const ES = 1_000;
const UNIQUE = 200;
const DELAY = 20;

const hostBundle = (root) => path.join(root, 'bench', '.cache', 'host.mjs');

async function buildHost(root) {
  await build({
    entryPoints: [path.join(root, 'bench', 'backends', 'host.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    packages: 'external',
    target: 'node20',
    outfile: hostBundle(root),
    logLevel: 'silent',
  });
}

async function startHost(root) {
  const child = fork(hostBundle(root), [], {
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
    env: { ...process.env, ESO_BENCH_DELAY_MS: String(DELAY), ESO_BENCH_UNIQUE: String(UNIQUE), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  const info = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`backend host exited with ${code}`)));
    child.on('message', (m) => m.type === 'ready' && resolve(m.info));
  });
  let next = 0;
  const pending = new Map();
  child.on('message', (m) => {
    if (m.id !== undefined) {
      pending.get(m.id)?.(m.result);
      pending.delete(m.id);
    }
  });
  const call = (cmd) =>
    new Promise((resolve) => {
      const id = ++next;
      pending.set(id, resolve);
      child.send({ id, cmd });
    });
  return { info, call, child };
}

function stream(backend) {
  const docs = [];
  for (let i = 0; i < ES; i++) {
    const k = i % UNIQUE;
    const property = i % (2 * UNIQUE) < UNIQUE ? 'username' : 'password';
    const key = backend === 'aws' ? `bench/app-${k}` : `app-${k}`;
    docs.push(`apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: es-${i}
  namespace: bench
spec:
  secretStoreRef: { kind: SecretStore, name: ${backend} }
  target: { name: secret-${i} }
  data:
    - secretKey: ${property}
      remoteRef: { key: ${key}, property: ${property} }
`);
  }
  return docs.join('---\n');
}

function storeFor(backend, info) {
  const provider = {
    aws: { aws: { service: 'SecretsManager', region: 'us-east-1' } },
    vault: { vault: { server: info.vault.url, path: 'secret', version: 'v2', auth: { tokenSecretRef: { name: 'vault-token', key: 'token' } } } },
    gcpsm: { gcpsm: { projectID: info.gcpsm.project } },
    azurekv: {
      azurekv: {
        tenantId: info.azurekv.tenantId,
        vaultUrl: info.azurekv.vaultUrl,
        authSecretRef: { clientId: { name: 'azure-sp', key: 'ClientID' }, clientSecret: { name: 'azure-sp', key: 'ClientSecret' } },
      },
    },
    bitwarden: {
      bitwardensecretsmanager: { bitwardenServerSDKURL: info.bitwarden.url, caBundle: info.bitwarden.caBundle, organizationID: info.bitwarden.organizationID, projectID: info.bitwarden.projectID, auth: { secretRef: { credentials: { name: 'bw-token', key: 'token' } } } },
    },
    fake: {
      fake: {
        data: Array.from({ length: UNIQUE }, (_, k) => ({ key: `app-${k}`, value: JSON.stringify({ username: `user-${k}`, password: `pw-${k}-horse-battery` }) })),
      },
    },
  }[backend];
  return { apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: backend, namespace: 'bench' }, spec: { provider } };
}

/** One request per data entry, one at a time, with the provider's own client library. */
async function naiveLoop(backend, info) {
  const keys = Array.from({ length: ES }, (_, i) => i % UNIQUE);
  const t0 = process.hrtime.bigint();
  let bytes = 0;
  if (backend === 'aws') {
    const { SecretsManagerClient, GetSecretValueCommand } = await import('@aws-sdk/client-secrets-manager');
    const c = new SecretsManagerClient({ region: 'us-east-1', endpoint: info.aws.endpoint, credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
    for (const k of keys) bytes += (await c.send(new GetSecretValueCommand({ SecretId: `bench/app-${k}` }))).SecretString.length;
    c.destroy();
  } else if (backend === 'vault') {
    // The Vault provider is a thin HTTP client of its own (ADR 0005); the naive loop uses plain HTTP too.
    const http = await import('node:http');
    const agent = new http.Agent({ keepAlive: true });
    for (const k of keys) {
      bytes += await new Promise((resolve, reject) => {
        http
          .get(`${info.vault.url}/v1/secret/data/app-${k}`, { agent, headers: { 'X-Vault-Token': info.vault.token } }, (res) => {
            let n = 0;
            res.on('data', (d) => (n += d.length));
            res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`vault ${res.statusCode}`))));
          })
          .on('error', reject);
      });
    }
    agent.destroy();
  } else if (backend === 'gcpsm') {
    const { SecretManagerServiceClient } = await import('@google-cloud/secret-manager');
    const gax = await import('google-gax');
    const [host, port] = info.gcpsm.endpoint.split(':');
    const c = new SecretManagerServiceClient({ apiEndpoint: host, port: Number(port), sslCreds: gax.grpc.credentials.createInsecure(), authClient: new gax.googleAuthLibrary.PassThroughClient() });
    for (const k of keys) {
      const [r] = await c.accessSecretVersion({ name: `projects/${info.gcpsm.project}/secrets/app-${k}/versions/latest` });
      bytes += r.payload.data.length;
    }
    await c.close();
  } else if (backend === 'bitwarden') {
    // The provider is a thin HTTPS client of its own; the naive loop sends ESO's request by id per entry.
    const https = await import('node:https');
    const agent = new https.Agent({ keepAlive: true, ca: Buffer.from(info.bitwarden.caBundle, 'base64').toString('utf8') });
    const ids = await bwIds(info, agent);
    for (const k of keys) bytes += (await bwGet(info, agent, '/rest/api/1/secret', { id: ids.get(`app-${k}`) })).length;
    agent.destroy();
  } else {
    const https = await import('node:https');
    const { ClientSecretCredential } = await import('@azure/identity');
    const { SecretClient } = await import('@azure/keyvault-secrets');
    // The vault's host name resolves to the loopback server; its CA is trusted via NODE_EXTRA_CA_CERTS.
    const agent = new https.Agent({ keepAlive: true, lookup: (_h, o, cb) => (o?.all ? cb(null, [{ address: '127.0.0.1', family: 4 }]) : cb(null, '127.0.0.1', 4)) });
    const cred = new ClientSecretCredential(info.azurekv.tenantId, info.azurekv.clientId, info.azurekv.clientSecret, {
      authorityHost: info.azurekv.authorityHost,
      disableInstanceDiscovery: true,
    });
    const c = new SecretClient(info.azurekv.vaultUrl, cred, { agent, retryOptions: { maxRetries: 0 } });
    for (const k of keys) bytes += (await c.getSecret(`app-${k}`)).value.length;
    agent.destroy();
  }
  if (bytes === 0) throw new Error(`${backend}: naive loop read nothing`);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

/** One GET with a JSON body to the Bitwarden SDK server, as ESO's SdkClient sends it. */
async function bwGet(info, agent, p, body) {
  const https = await import('node:https');
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const r = https.request(`${info.bitwarden.url}${p}`, { method: 'GET', agent, headers: { 'Warden-Access-Token': info.bitwarden.token, 'Content-Length': Buffer.byteLength(data) } }, (res) => {
      const chunks = [];
      res.on('data', (d) => chunks.push(d));
      res.on('end', () => (res.statusCode === 200 ? resolve(Buffer.concat(chunks)) : reject(new Error(`bitwarden ${res.statusCode}`))));
    });
    r.on('error', reject);
    r.end(data);
  });
}

async function bwIds(info, agent) {
  const list = JSON.parse((await bwGet(info, agent, '/rest/api/1/secrets', { organizationID: info.bitwarden.organizationID })).toString());
  return new Map(list.data.map((d) => [d.key, d.id]));
}

/**
 * Runs the scenario in a child process that trusts the loopback Azure vault's private CA through
 * NODE_EXTRA_CA_CERTS, the way a real vault's public CA is trusted, rather than through the provider's
 * ESO_RENDER_AZUREKV_CA_FILE (whose per-request cost is a finding of its own, see docs/benchmarks.md).
 */
export async function backends({ root, runs, naiveRuns, log }) {
  await buildHost(root);
  const tlsDir = mkdtempSync(path.join(tmpdir(), 'eso-bench-tls-'));
  try {
    const made = spawnSync(process.execPath, [hostBundle(root), '--make-tls', tlsDir], { stdio: 'inherit' });
    if (made.status !== 0) throw new Error('could not make the loopback TLS certificates');
    const child = fork(fileURLToPath(import.meta.url), ['--child'], {
      stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      env: { ...process.env, NODE_EXTRA_CA_CERTS: path.join(tlsDir, 'ca.pem'), ESO_BENCH_TLS_DIR: tlsDir },
    });
    return await new Promise((resolve, reject) => {
      child.on('message', (m) => {
        if (m.type === 'log') log(m.text);
        else if (m.type === 'result') resolve(m.result);
        else if (m.type === 'error') reject(new Error(m.message));
      });
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`backends child exited with ${code}`)));
      child.send({ root, runs, naiveRuns });
    });
  } finally {
    rmSync(tlsDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--child') && process.send) {
  process.once('message', (opts) => {
    runBackends({ ...opts, log: (text) => process.send({ type: 'log', text }) }).then(
      (result) => process.send({ type: 'result', result }, () => process.exit(0)),
      (e) => process.send({ type: 'error', message: e instanceof Error ? e.message : String(e) }, () => process.exit(1)),
    );
  });
}

async function runBackends({ root, runs, naiveRuns, log }) {
  const host = await startHost(root);
  const { info } = host;
  const dir = mkdtempSync(path.join(tmpdir(), 'eso-bench-creds-'));
  const cred = (ns, name, key, v) => {
    mkdirSync(path.join(dir, ns, name), { recursive: true });
    writeFileSync(path.join(dir, ns, name, key), v);
  };
  cred('bench', 'vault-token', 'token', info.vault.token);
  cred('bench', 'azure-sp', 'ClientID', info.azurekv.clientId);
  cred('bench', 'azure-sp', 'ClientSecret', info.azurekv.clientSecret);
  cred('bench', 'bw-token', 'token', info.bitwarden.token);
  Object.assign(process.env, {
    AWS_SECRETSMANAGER_ENDPOINT: info.aws.endpoint,
    AWS_ACCESS_KEY_ID: 'testing',
    AWS_SECRET_ACCESS_KEY: 'testing',
    AWS_REGION: 'us-east-1',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    ESO_RENDER_GCPSM_ENDPOINT: info.gcpsm.endpoint,
    ESO_RENDER_GCPSM_INSECURE: 'true',
    ESO_RENDER_AZUREKV_VAULT_ADDRESS: '127.0.0.1',
    AZURE_AUTHORITY_HOST: info.azurekv.authorityHost,
  });
  const dist = (p) => pathToFileURL(path.join(root, 'dist', p)).href;
  const { render } = await import(dist('engine/render.js'));
  const { parseManifests } = await import(dist('frontends/stream.js'));
  const { defaultRenderOptions } = await import(dist('engine/types.js'));
  const options = { ...defaultRenderOptions, credentialsDir: dir };
  const { perStore } = options.concurrency;

  const renderOnce = async (backend, concurrency = options.concurrency) => {
    const items = parseManifests(stream(backend)); // parsing is not part of the timed run
    const platformStores = [storeFor(backend, info)];
    await host.call('reset');
    const cpu0 = process.cpuUsage();
    const t0 = process.hrtime.bigint();
    const out = await render(items, { ...options, platformStores, concurrency });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    if (!out.ok) throw new Error(`${backend}: render failed: ${out.results.find((r) => r.severity === 'error')?.message}`);
    if (out.items.length !== ES) throw new Error(`${backend}: ${out.items.length} items out`);
    const counts = await host.call('counts');
    return {
      ms,
      cpuMs,
      requests: backend === 'fake' ? Object.values(out.stats.requests).reduce((a, b) => a + b, 0) : counts[backend],
      engineCounted: out.stats.requests,
      all: counts.all,
      maxInFlight: counts.maxInFlight[backend],
      serviceMs: counts.serviceMs[backend],
    };
  };

  const backendsList = ['aws', 'vault', 'gcpsm', 'azurekv', 'bitwarden'];
  const results = {};
  try {
    for (const b of [...backendsList, 'fake']) await renderOnce(b); // warm: SDKs loaded, connections primed
    const samples = Object.fromEntries([...backendsList, 'fake'].map((b) => [b, []]));
    for (let i = 0; i < runs; i++) {
      for (let j = 0; j <= backendsList.length; j++) {
        const b = [...backendsList, 'fake'][(i + j) % (backendsList.length + 1)];
        samples[b].push(await renderOnce(b));
      }
      log(`  backends: round ${i + 1}/${runs}`);
    }
    // The per-store bound is honoured: Vault again with 4 requests per store instead of 16.
    const bounded = [];
    for (let i = 0; i < runs; i++) bounded.push(await renderOnce('vault', { perStore: 4, global: options.concurrency.global }));
    results.vaultPerStore4 = {
      wallMs: median(bounded.map((x) => x.ms)),
      maxInFlight: Math.max(...bounded.map((x) => x.maxInFlight)),
      floorMs: Math.ceil(UNIQUE / 4) * DELAY,
      samples: bounded,
    };
    const naive = {};
    for (const b of backendsList) {
      const ms = [];
      for (let i = 0; i < naiveRuns; i++) ms.push(await naiveLoop(b, info));
      naive[b] = median(ms);
      log(`  backends: naive ${b} ${(naive[b] / 1000).toFixed(1)} s`);
    }
    const engineMs = median(samples.fake.map((s) => s.ms));
    for (const b of backendsList) {
      const batch = b === 'aws' ? 20 : 1;
      // Bitwarden names are found through the organization's listing, one round trip before the reads.
      const floorMs = Math.ceil(UNIQUE / (batch * perStore)) * DELAY + (b === 'bitwarden' ? DELAY : 0);
      const wall = median(samples[b].map((s) => s.ms));
      const requests = median(samples[b].map((s) => s.requests));
      const med = (f) => {
        const xs = samples[b].map(f).filter((x) => typeof x === 'number');
        return xs.length ? median(xs) : undefined;
      };
      results[b] = {
        wallMs: wall,
        requests,
        floorMs,
        engineMs,
        naiveMs: naive[b],
        cpuMs: med((x) => x.cpuMs),
        serviceMs: med((x) => x.serviceMs),
        maxInFlight: med((x) => x.maxInFlight),
        samples: samples[b],
      };
    }
    results.fake = { wallMs: engineMs, samples: samples.fake };
  } finally {
    await host.call('stop');
    rmSync(dir, { recursive: true, force: true });
  }

  const rows = [];
  for (const b of backendsList) {
    const r = results[b];
    const requestTarget = b === 'aws' ? Math.ceil(UNIQUE / 20) : b === 'bitwarden' ? UNIQUE + 1 : UNIQUE;
    rows.push({
      scenario: 'backends',
      measure: `${b}: requests for ${ES} ExternalSecrets over ${UNIQUE} secrets`,
      subject: r.requests,
      baseline: `naive: ${ES}`,
      ratio: r.requests / requestTarget,
      target: 1,
      note: `target ${requestTarget} (${b === 'aws' ? 'BatchGetSecretValue, 20 per call' : b === 'bitwarden' ? 'one listing of the organization, then one per unique secret' : 'one per unique secret'})${b === 'azurekv' ? '; Key Vault answers the first, unauthenticated request with the bearer challenge that names the tenant, so one request more is the protocol' : ''}`,
    });
    rows.push({
      scenario: 'backends',
      measure: `${b}: wall time vs 1.5 × floor + engine cost`,
      subjectMs: r.wallMs,
      baseline: `floor ${r.floorMs} ms + engine ${r.engineMs.toFixed(0)} ms`,
      baselineMs: 1.5 * r.floorMs + r.engineMs,
      ratio: r.wallMs / (1.5 * r.floorMs + r.engineMs),
      target: 1,
      note: [
        r.naiveMs !== undefined ? `naive loop ${(r.naiveMs / 1000).toFixed(1)} s (${(r.naiveMs / r.wallMs).toFixed(0)}× slower)` : undefined,
        `renderer CPU ${r.cpuMs.toFixed(0)} ms`,
        r.serviceMs !== undefined ? `backend's own answer time ${r.serviceMs.toFixed(1)} ms` : undefined,
        r.maxInFlight !== undefined ? `${r.maxInFlight} in flight at most` : undefined,
        `per-store concurrency ${perStore}`,
      ]
        .filter(Boolean)
        .join('; '),
    });
  }
  const v4 = results.vaultPerStore4;
  rows.push({
    scenario: 'backends',
    measure: 'vault with concurrency.perStore 4: most requests in flight, against the bound',
    subject: v4.maxInFlight,
    baseline: 'bound 4',
    target: 1,
    ratio: v4.maxInFlight / 4,
    note: `wall ${v4.wallMs.toFixed(0)} ms against its floor ceil(200/4) × 20 ms = ${v4.floorMs} ms`,
  });
  return { rows, raw: { results, delayMs: DELAY, externalSecrets: ES, unique: UNIQUE, concurrency: options.concurrency } };
}
