// The kpt example run by the real kpt: `fn render` with a Kptfile exec pipeline, `fn eval --exec` with a
// config file and with key=value arguments, and failures (exit codes and messages as kpt shows them).
import { cpSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCli, decode, docs, examplesDir, expectedFile, onPath, readText, repoRoot, run, type Cli } from './support.js';

const pkgRoot = join(examplesDir, 'kpt-package');
const app = join(pkgRoot, 'app');
const failing = join(import.meta.dirname, 'fixtures', 'failing-package');


let cli: Cli;
beforeAll(async () => {
  cli = await buildCli();
});
afterAll(() => cli?.dispose());

/** The items of a ResourceList printed by `kpt ... -o stdout`. */
function items(stdout: string): Record<string, any>[] {
  const [rl] = docs(stdout);
  expect(rl?.kind).toBe('ResourceList');
  return rl!.items;
}

function secretValues(secret: Record<string, any>): Record<string, string> {
  return Object.fromEntries(Object.entries(secret.data as Record<string, string>).map(([k, v]) => [k, decode(v)]));
}

/** What ESO would write for the two ExternalSecrets of the package, from platform/fake-store.yaml. */
function expectRenderedPackage(out: Record<string, any>[]): void {
  expect(out.filter((o) => o.kind === 'ExternalSecret')).toEqual([]);
  const secrets = out.filter((o) => o.kind === 'Secret');
  expect(secrets.map((s) => `${s.metadata.namespace}/${s.metadata.name}`)).toEqual(['payments/payments-db', 'payments/stripe-api']);
  // dataFrom.extract flattens the JSON object; the number keeps its JSON spelling.
  expect(secretValues(secrets[0]!)).toEqual({ user: 'payments', password: 'pa55-w0rd-fake', port: '5432' });
  // remoteRef.version "3" matches the fake entry with that exact version.
  expect(secretValues(secrets[1]!)).toEqual({ 'api-key': 'sk_test_fake_4242' });
  for (const [i, s] of secrets.entries()) {
    expect(s.type).toBe('Opaque');
    expect(s.metadata.labels['reconcile.external-secrets.io/managed']).toBe('true');
    // Written where its ExternalSecret was.
    expect(s.metadata.annotations['config.kubernetes.io/path']).toBe('external-secrets.yaml');
    expect(s.metadata.annotations['config.kubernetes.io/index']).toBe(String(i));
  }
  // Everything else passes through: the Kptfile, the config, the Deployment and the ConfigMap.
  expect(out.filter((o) => o.kind !== 'Secret').map((o) => o.kind)).toEqual(['Kptfile', 'Deployment', 'ConfigMap', 'RenderConfig']);
}

describe('kpt (kpt-package example)', () => {
  it('kpt fn render --allow-exec --output stdout renders the package as expected', () => {
    const r = run('kpt', ['fn', 'render', 'app', '--allow-exec', '--output', 'stdout'], { cwd: pkgRoot, env: cli.env });
    expect(r.stderr).toContain('[PASS] "eso-render"');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expectedFile(join(pkgRoot, 'expected-render.yaml'), r.stdout));
    expectRenderedPackage(items(r.stdout));
  });

  it('keeps untouched items as written, comments and scalars included', () => {
    const r = run('kpt', ['fn', 'render', 'app', '--allow-exec', '--output', 'stdout'], { cwd: pkgRoot, env: cli.env });
    expect(r.stdout).toContain('- # The payments API; it reads both Secrets. Comments and spelling here survive the render.\n');
    expect(r.stdout).toContain('    replicas: 2 # two for availability\n');
    expect(r.stdout).toContain('      matchLabels: {app: payments}\n');
    expect(r.stdout).toContain('    feature: on\n');
    expect(r.stdout).toContain('    # Relative to this package\'s folder under `kpt fn render` (kpt says where the package is).\n');
  });

  it('resolves storeFiles against the package folder, wherever kpt runs from', () => {
    const fromRepo = run('kpt', ['fn', 'render', join('kustomize-examples', 'kpt-package', 'app'), '--allow-exec', '-o', 'stdout'], { cwd: repoRoot, env: cli.env });
    const fromApp = run('kpt', ['fn', 'render', '.', '--allow-exec', '-o', 'stdout'], { cwd: app, env: cli.env });
    expect([fromRepo.code, fromApp.code]).toEqual([0, 0]);
    expect(fromRepo.stdout).toBe(readText(join(pkgRoot, 'expected-render.yaml')));
    expect(fromApp.stdout).toBe(fromRepo.stdout);
  });

  it('kpt fn eval --exec with --fn-config (paths relative to where kpt runs)', () => {
    const r = run('kpt', ['fn', 'eval', '.', '--exec', 'eso-render', '--fn-config', 'render-config.yaml', '-o', 'stdout'], { cwd: app, env: cli.env });
    expect(r.stderr).toContain('[PASS] "eso-render"');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expectedFile(join(pkgRoot, 'expected-eval.yaml'), r.stdout));
    expectRenderedPackage(items(r.stdout));
  });

  it('kpt fn eval --exec with key=value arguments (a ConfigMap function config)', () => {
    const r = run('kpt', ['fn', 'eval', 'app', '--exec', 'eso-render', '-o', 'stdout', '--', 'storeFiles=platform/fake-store.yaml', 'deadline=20s'], { cwd: pkgRoot, env: cli.env });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(readText(join(pkgRoot, 'expected-eval.yaml')));
  });

  it('kpt fn eval from the wrong folder fails with exit 3, naming the path it tried', () => {
    const r = run('kpt', ['fn', 'eval', 'app', '--exec', 'eso-render', '--fn-config', 'app/render-config.yaml', '-o', 'stdout'], { cwd: pkgRoot, env: cli.env });
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('[FAIL] "eso-render"');
    expect(r.stderr).toContain('Exit code: 3');
    expect(r.stderr).toContain(
      `[error] eso-render.dev/v1alpha1/RenderConfig/eso-render spec.storeFiles[0]: ../platform/fake-store.yaml does not exist (resolved to ${join(examplesDir, 'platform', 'fake-store.yaml')})`,
    );
  });

  it('a bad function config argument fails with exit 3 and says which key', () => {
    const r = run('kpt', ['fn', 'eval', 'app', '--exec', 'eso-render', '-o', 'stdout', '--', 'keepStores=maybe', 'storefiles=x.yaml'], { cwd: pkgRoot, env: cli.env });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('Exit code: 3');
    expect(r.stderr).toContain('[error] v1/ConfigMap/function-input data.keepStores: must be "true" or "false", got "maybe"');
    expect(r.stderr).toMatch(/\[error\] v1\/ConfigMap\/function-input data.storefiles: unknown key; known keys are stores, storeFiles/);
  });

  it('with selectors (kpt sends only the ExternalSecrets and merges by kpt-resource-id), each Secret still replaces its ExternalSecret', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'kpt-selectors-'));
    try {
      cpSync(pkgRoot, tmp, { recursive: true });
      const kptfile = join(tmp, 'app', 'Kptfile');
      const selectors = '      selectors:\n        - kind: ExternalSecret\n';
      writeFileSync(kptfile, readText(kptfile).replace('      configPath: render-config.yaml\n', `      configPath: render-config.yaml\n${selectors}`));
      const r = run('kpt', ['fn', 'render', 'app', '--allow-exec', '-o', 'stdout'], { cwd: tmp, env: cli.env });
      expect(r.stderr).toContain('[RUNNING] "eso-render" on 2 resource(s)');
      expect(r.code).toBe(0);
      expect(r.stdout.replace('      selectors:\n      - kind: ExternalSecret\n', '')).toBe(readText(join(pkgRoot, 'expected-render.yaml')));
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('in-place render writes Secret values into the package: the reason the docs use --output stdout', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'kpt-inplace-'));
    try {
      cpSync(pkgRoot, tmp, { recursive: true });
      const r = run('kpt', ['fn', 'render', 'app', '--allow-exec'], { cwd: tmp, env: cli.env });
      expect(r.code).toBe(0);
      const written = readText(join(tmp, 'app', 'external-secrets.yaml'));
      expect(written).toContain('kind: Secret');
      expect(written).toContain(Buffer.from('pa55-w0rd-fake').toString('base64'));
      expect(written).not.toContain('kind: ExternalSecret');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('kpt failures', () => {
  it('an ExternalSecret that cannot be rendered: kpt reports FAIL, exit 1, the resource, field, key and store', () => {
    const r = run('kpt', ['fn', 'render', '.', '--allow-exec', '-o', 'stdout'], { cwd: failing, env: cli.env });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('[FAIL] "eso-render"');
    expect(r.stderr).toContain('Exit code: 1');
    expect(r.stderr).toContain(
      '[error] external-secrets.io/v1/ExternalSecret/team-a/api spec.data[0]: error processing spec.data[0] (key: team-a/api), err: Secret does not exist (key team-a/api exists, but has no property password) [store SecretStore/team-a/vault-standin]',
    );
    // The file and document the ExternalSecret came from, on the line eso-render prints to stderr.
    expect(r.stderr).toContain('(resources.yaml#1)');
    expect(r.stderr).not.toContain('do-not-leak-9931');
  });

  it('leaves the package untouched when rendering in place fails', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'kpt-fail-'));
    try {
      cpSync(failing, tmp, { recursive: true });
      const before = Object.fromEntries(readdirSync(tmp).map((f) => [f, readText(join(tmp, f))]));
      const r = run('kpt', ['fn', 'render', '.', '--allow-exec'], { cwd: tmp, env: cli.env });
      expect(r.code).toBe(1);
      const after = Object.fromEntries(readdirSync(tmp).map((f) => [f, readText(join(tmp, f))]));
      expect(after).toEqual(before);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
