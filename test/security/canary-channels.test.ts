// Canaries on every output channel beside `render`'s (issue 20): `validate`'s stdout and stderr, the
// Argo CD CMP `generate` command's stdout and stderr, and `kpt fn render`: every file kpt wrote in the
// package, kpt's stdout and stderr, and its results file. The canaries live in a loopback Vault that
// the platform configuration (a RenderConfig: stores and the credentials folder) points at; the store
// token is a canary too. Each channel runs with failing reads, a failing backend (malformed and cut-off
// answers through the fault proxy), a sealed render, and (where the channel has it) --redact. On a
// plaintext success a canary may appear only in the data of the Secret emitted for it; everywhere else
// the detector (test/helpers/canary.ts) looks for it in any case, hex, digests, base64 at any offset
// and percent-encoding. Each scan is shown able to fail by planting a canary in what it scans.

import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { FakeVault } from '../servers/vault/server.js';
import { always, faults, startFaultProxy, type Fault, type FaultProxy } from '../helpers/fault-proxy.js';
import { controllerKeys } from '../helpers/sealing.js';
import { canary, leaks } from '../helpers/canary.js';
import { runCli } from '../faults/harness.js';
import { CmpWorkdir, runGenerate } from '../cmp/support.js';
import { spawn } from 'node:child_process';
import { buildCli, onPath, type Cli } from '../krm/support.js';

const NS = 'shop';
const PLAIN = canary('chan-plain');
const PW = canary('chan-json-pw');
const NESTED = canary('chan-json-nested');
const TOKEN = canary('chan-cred-vault-token');
const STREAM_SECRET = canary('chan-stream-secret');

let vault: FakeVault;
let dir: string;
let cli: Cli;
let wd: CmpWorkdir;
const proxies: FaultProxy[] = [];

beforeAll(async () => {
  vault = await FakeVault.start();
  vault.mountKv('secret', 2);
  vault.addToken(TOKEN, ['secret/*']);
  vault.put('secret', 'canary-plain', { value: PLAIN });
  vault.put('secret', 'canary-json', { username: 'app', password: PW, nested: JSON.stringify({ token: NESTED }) });
  dir = mkdtempSync(path.join(tmpdir(), 'canary-channels-'));
  mkdirSync(path.join(dir, 'creds', 'platform', 'vault-token'), { recursive: true });
  writeFileSync(path.join(dir, 'creds', 'platform', 'vault-token', 'token'), TOKEN);
  const keys = controllerKeys();
  writeFileSync(path.join(dir, 'seal-cert.pem'), keys.certPem);
  writeFileSync(path.join(dir, 'platform.key'), randomBytes(32));
  cli = await buildCli();
  wd = new CmpWorkdir();
}, 120_000);

afterAll(async () => {
  for (const p of proxies) await p.stop();
  await vault?.close();
  cli?.dispose();
  wd?.dispose();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A platform configuration (RenderConfig + store file) pointing at `vaultUrl`; returns the RenderConfig's path. */
function platformConfig(vaultUrl: string, o: { sealed?: boolean } = {}): string {
  const at = mkdtempSync(path.join(dir, 'platform-'));
  writeFileSync(
    path.join(at, 'stores.yaml'),
    `apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: {name: vault}
spec:
  provider:
    vault:
      server: ${vaultUrl}
      path: secret
      version: v2
      auth: {tokenSecretRef: {name: vault-token, key: token, namespace: platform}}
`,
  );
  const seal = o.sealed ? `  platformKeyFile: ${path.join(dir, 'platform.key')}\n  seal: {certFile: ${path.join(dir, 'seal-cert.pem')}}\n` : '';
  writeFileSync(
    path.join(at, 'config.yaml'),
    `apiVersion: eso-render.dev/v1alpha1
kind: RenderConfig
metadata: {name: platform}
spec:
  storeFiles: [${path.join(at, 'stores.yaml')}]
  credentialsDir: ${path.join(dir, 'creds')}
  deadline: 10s
${seal}`,
  );
  return path.join(at, 'config.yaml');
}

const es = (name: string, spec: string) => `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: ${name}, namespace: ${NS}}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: vault}
  target: {name: ${name}}
${spec}`;

/** Reads that succeed: every canary of the backend lands in this Secret's data. */
const OK = es(
  'ok',
  `  data:
  - {secretKey: plain, remoteRef: {key: canary-plain, property: value}}
  - {secretKey: password, remoteRef: {key: canary-json, property: password}}
  - {secretKey: nested, remoteRef: {key: canary-json, property: nested}}
`,
);
/** Reads that fail after the value was fetched: a missing property, a template that would print it. */
const FAILING = [
  es('missing-property', `  data:\n  - {secretKey: x, remoteRef: {key: canary-json, property: nope}}\n`),
  es(
    'template-fail',
    `  target:\n    name: template-fail\n    template:\n      data:\n        out: '{{ .plain | fail }}'\n  data:\n  - {secretKey: plain, remoteRef: {key: canary-plain, property: value}}\n`,
  ).replace('  target: {name: template-fail}\n', ''),
  es(
    'template-json',
    `  target:\n    name: template-json\n    template:\n      data:\n        out: '{{ (.json | fromJson).nested | lower | fail }}'\n  data:\n  - {secretKey: json, remoteRef: {key: canary-json}}\n`,
  ).replace('  target: {name: template-json}\n', ''),
];
/** A stream Secret holding a canary: validate must not echo it. */
const STREAM_SECRET_DOC = `apiVersion: v1
kind: Secret
metadata: {name: stray, namespace: ${NS}}
data: {token: ${Buffer.from(STREAM_SECRET).toString('base64')}}
`;
const stream = (...docs: string[]) => docs.join('---\n');

async function faultyVault(fault: () => Fault): Promise<FaultProxy> {
  const p = await startFaultProxy({ upstream: vault.url, plan: always(fault) });
  proxies.push(p);
  return p;
}
const BACKEND_FAULTS: [string, () => Fault][] = [
  ['truncated JSON', faults.truncated],
  ['reset mid-body', faults.reset],
  ['HTML page (200)', () => faults.html(200)],
];

/** The data values of every Secret in a YAML text (base64, as written), to be cut out before a scan. */
function secretData(text: string): string[] {
  const out: string[] = [];
  for (const d of parseAllDocuments(text)) {
    const o = d.toJS() as { kind?: string; data?: Record<string, string>; items?: unknown[] } | null;
    const objs = o?.kind === 'ResourceList' || o?.kind === 'List' ? ((o.items ?? []) as typeof o[]) : [o];
    for (const x of objs) if (x?.kind === 'Secret' && x.data) out.push(...Object.values(x.data).map(String));
  }
  return out;
}

/** Canaries in `text` once the data values of the Secrets it carries are removed. */
function leaksOutsideSecretData(text: string): string[] {
  let rest = text;
  for (const v of secretData(text)) rest = rest.split(v).join('<data>');
  return leaks(rest);
}

/** Every regular file under `root`, relative path -> text. */
function filesUnder(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = path.join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out[path.relative(root, p)] = readFileSync(p, 'utf8');
    }
  };
  walk(root);
  return out;
}

const scanAll = (texts: Record<string, string>, allowSecretData: boolean) =>
  Object.entries(texts).flatMap(([where, t]) => (allowSecretData ? leaksOutsideSecretData(t) : leaks(t)).map((l) => `${where}: ${l}`));

// ---- validate ----------------------------------------------------------------------------------------

describe.concurrent('validate: no canary on stdout or stderr, and no backend contacted', () => {
  for (const format of ['text', 'json']) {
    it(`reads that would fail, a template that would print a value, a stream Secret; --log-format ${format}`, async () => {
      // The store points through a pass-through proxy that counts what this run alone sends.
      const p = await startFaultProxy({ upstream: vault.url });
      proxies.push(p);
      const r = await runCli(['validate', '--config', platformConfig(p.url), '--log-format', format], stream(OK, ...FAILING, STREAM_SECRET_DOC), {}, 60_000);
      expect(r.code, r.stderr).not.toBe(2);
      expect(scanAll({ stdout: r.stdout, stderr: r.stderr }, false)).toEqual([]);
      // Had validate fetched, these would be the requests that brought the canaries.
      expect(p.log.length).toBe(0);
      // The scan can fail: the same stderr with the stream Secret's canary base64-encoded inside a longer text is caught.
      expect(scanAll({ stderr: `${r.stderr}${Buffer.from(`token=${STREAM_SECRET};`).toString('base64')}` }, false).length).toBeGreaterThan(0);
    }, 90_000);
  }
});

// ---- CMP generate --------------------------------------------------------------------------------------

const app = (...docs: string[]) => wd.extract({ 'apps/shop/external-secrets.yaml': stream(...docs) });
const generate = (config: string, ...docs: string[]) => runGenerate(app(...docs), 'apps/shop', { namespace: NS, sidecar: { ESO_RENDER_CONFIG: config } });

describe.concurrent('CMP generate: no canary on stdout or stderr', () => {
  it('a plaintext success: canaries only in the emitted Secret data', async () => {
    const r = await generate(platformConfig(vault.url), OK);
    expect(r.code, r.stderr).toBe(0);
    expect(secretData(r.stdout).length).toBe(3);
    expect(scanAll({ stdout: r.stdout, stderr: r.stderr }, true)).toEqual([]);
    // The scan can fail: the same output with a canary planted outside the data (a label) is caught.
    const planted = r.stdout.replace('kind: Secret\n', `kind: Secret\n# ${Buffer.from(` ${PLAIN} `).toString('base64')}\n`);
    expect(planted).not.toBe(r.stdout);
    expect(scanAll({ stdout: planted }, true).length).toBeGreaterThan(0);
  }, 90_000);

  it('failing reads and templates: fails closed, no canary', async () => {
    const r = await generate(platformConfig(vault.url), OK, ...FAILING);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(scanAll({ stdout: r.stdout, stderr: r.stderr }, false)).toEqual([]);
    // The scan can fail: stderr with a percent-encoded canary is caught.
    expect(scanAll({ stderr: `${r.stderr}\n${encodeURIComponent(PW).replace(/-/g, '%2D')}` }, false).length).toBeGreaterThan(0);
  }, 90_000);

  for (const [name, fault] of BACKEND_FAULTS) {
    it(`a failing backend (${name}): fails closed, no canary`, async () => {
      const p = await faultyVault(fault);
      const r = await generate(platformConfig(p.url), OK, ...FAILING);
      expect(p.faulted()).toBeGreaterThan(0);
      expect(r.code).not.toBe(0);
      expect(r.stdout).toBe('');
      expect(scanAll({ stdout: r.stdout, stderr: r.stderr }, false)).toEqual([]);
    }, 90_000);
  }

  it('sealed: no canary anywhere, not even in the SealedSecret', async () => {
    const r = await generate(platformConfig(vault.url, { sealed: true }), OK);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/kind: SealedSecret/);
    expect(scanAll({ stdout: r.stdout, stderr: r.stderr }, false)).toEqual([]);
  }, 90_000);
});

// ---- kpt fn render -----------------------------------------------------------------------------------

const kptReady = onPath('kpt');

/** A kpt package whose Kptfile runs eso-render with the platform configuration `config`. */
function kptPackage(config: string, ...docs: string[]): { pkg: string; results: string } {
  const root = mkdtempSync(path.join(dir, 'kpt-'));
  const pkg = path.join(root, 'app');
  mkdirSync(pkg);
  writeFileSync(
    path.join(pkg, 'Kptfile'),
    `apiVersion: kpt.dev/v1
kind: Kptfile
metadata:
  name: shop
  annotations: {config.kubernetes.io/local-config: "true"}
pipeline:
  mutators:
    - exec: eso-render
      configPath: render-config.yaml
`,
  );
  // The function config: the platform's RenderConfig, marked local so kpt does not treat it as output.
  writeFileSync(
    path.join(pkg, 'render-config.yaml'),
    readFileSync(config, 'utf8').replace('metadata: {name: platform}', 'metadata:\n  name: platform\n  annotations: {config.kubernetes.io/local-config: "true"}'),
  );
  writeFileSync(path.join(pkg, 'external-secrets.yaml'), stream(...docs));
  writeFileSync(path.join(pkg, 'deployment.yaml'), `apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: ${NS}}\nspec: {template: {spec: {containers: [{name: web, image: nginx}]}}}\n`);
  const results = path.join(root, 'results');
  mkdirSync(results);
  return { pkg, results };
}

/** kpt, not blocking this process: the loopback Vault answering the function runs here too. */
function runAsync(cmd: string, args: string[], o: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: o.cwd, env: o.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function kptRender(config: string, ...docs: string[]) {
  const { pkg, results } = kptPackage(config, ...docs);
  const r = await runAsync('kpt', ['fn', 'render', pkg, '--allow-exec', '--results-dir', results], { cwd: path.dirname(pkg), env: cli.env });
  return { r, files: filesUnder(pkg), results: filesUnder(results) };
}

/** Everything kpt left behind: the package's files (written or not), its results, its stdout and stderr. */
const kptTexts = (k: Awaited<ReturnType<typeof kptRender>>) => ({
  ...Object.fromEntries(Object.entries(k.files).map(([f, t]) => [`package ${f}`, t])),
  ...Object.fromEntries(Object.entries(k.results).map(([f, t]) => [`results ${f}`, t])),
  'kpt stdout': k.r.stdout,
  'kpt stderr': k.r.stderr,
});

describe.skipIf(!kptReady).concurrent('kpt fn render: no canary in any file kpt wrote, its results or its output', () => {
  it('a plaintext success: canaries only in the data of the Secrets written into the package', async () => {
    const k = await kptRender(platformConfig(vault.url), OK);
    expect(k.r.code, k.r.stderr).toBe(0);
    expect(k.r.stderr).toContain('[PASS] "eso-render"');
    expect(Object.keys(k.results).length).toBeGreaterThan(0);
    const written = Object.values(k.files).join('\n---\n');
    expect(secretData(written).length).toBe(3);
    expect(scanAll(kptTexts(k), true)).toEqual([]);
    // The scan can fail: a canary planted in a written file outside Secret data (an annotation, in hex) is caught.
    const planted = { ...kptTexts(k), 'package planted.yaml': `metadata: {annotations: {x: "${Buffer.from(NESTED).toString('hex')}"}}\n` };
    expect(scanAll(planted, true).length).toBeGreaterThan(0);
  }, 120_000);

  it('failing reads and templates: kpt fails, the package is left as it was, no canary', async () => {
    const k = await kptRender(platformConfig(vault.url), OK, ...FAILING);
    expect(k.r.code).not.toBe(0);
    expect(secretData(Object.values(k.files).join('\n---\n'))).toEqual([]);
    expect(scanAll(kptTexts(k), false)).toEqual([]);
  }, 120_000);

  for (const [name, fault] of BACKEND_FAULTS) {
    it(`a failing backend (${name}): kpt fails, no canary`, async () => {
      const p = await faultyVault(fault);
      const k = await kptRender(platformConfig(p.url), OK, ...FAILING);
      expect(p.faulted()).toBeGreaterThan(0);
      expect(k.r.code).not.toBe(0);
      expect(scanAll(kptTexts(k), false)).toEqual([]);
    }, 120_000);
  }

  it('sealed: no canary in any file, not even the SealedSecret kpt wrote', async () => {
    const k = await kptRender(platformConfig(vault.url, { sealed: true }), OK);
    expect(k.r.code, k.r.stderr).toBe(0);
    expect(Object.values(k.files).join('\n')).toMatch(/kind: SealedSecret/);
    expect(scanAll(kptTexts(k), false)).toEqual([]);
  }, 120_000);
});
