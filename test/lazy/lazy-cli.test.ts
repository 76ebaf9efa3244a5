// `eso-render render` reads lazily (issue 19): a stream that names no ESO group is copied through
// before the yaml package loads; in a stream with ExternalSecrets only what the engine reads is parsed,
// and a document the engine reads that does not parse fails the run with its place.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandChunks } from '../helpers/bundle-modules.js';
import { esmCliPath, repoRoot, runCli } from '../helpers/cli.js';
import { fakeStoreYaml } from '../helpers/fake-store.js';

const plain = `# Source: web/templates/config.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  greeting: |
    hello
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.27   # pinned
        envFrom:
        - secretRef: { name: db }
`;

const store = fakeStoreYaml;
const es = `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: db
  namespace: apps
spec:
  secretStoreRef: { kind: ClusterSecretStore, name: fake }
  target: { name: db }
  data:
  - secretKey: password
    remoteRef: { key: /db/password }
`;
// A Deployment whose nested content is not valid YAML: nothing the line scan looks at.
const brokenDeployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
  namespace: apps
spec:
  template:
    spec:
      containers:
      - name: web
         image: nginx
`;

// A Service with the same fault: the engine never reads a Service.
const brokenService = brokenDeployment.replace('apps/v1', 'v1').replace('kind: Deployment', 'kind: Service');

function runWithModuleLog(args: string[], stdin: string): Promise<{ code: number; stdout: string; modules: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'eso-lazy-'));
  const log = path.join(dir, 'modules.log');
  return new Promise((resolve, reject) => {
    // The ES module build, whose chunks show which of our modules a run loads (the bin's code-cached
    // bundle is one file: test/lazy/code-cache.test.ts).
    const child = spawn(process.execPath, ['--import', path.join(repoRoot, 'bench/lib/module-log.mjs'), esmCliPath, ...args], {
      cwd: repoRoot,
      env: { PATH: process.env['PATH'] ?? '', ESO_BENCH_MODULE_LOG: log, ESO_RENDER_CODE_CACHE: '0' },
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      let modules: string[] = [];
      try {
        // The modules held by the files loaded (dist/cli.js is a bundle of chunks).
        modules = expandChunks(readFileSync(log, 'utf8').split('\n').filter(Boolean));
      } catch {
        // no module resolved through the hooks
      }
      rmSync(dir, { recursive: true, force: true });
      resolve({ code: code ?? -1, stdout, modules });
    });
    child.stdin.end(stdin);
  });
}

describe('render reads lazily', () => {
  it('a stream that names no ESO group comes back byte for byte without loading the yaml package', async () => {
    const r = await runWithModuleLog(['render', '-q'], plain);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(plain);
    expect(r.modules.some((m) => m.includes('/dist/frontends/passthrough.js'))).toBe(true);
    expect(r.modules.filter((m) => m.includes('node_modules/yaml/'))).toEqual([]);
    expect(r.modules.filter((m) => m.includes('/dist/frontends/stream.js'))).toEqual([]);
  });

  it('the pass-through prints what the whole command prints (summary line in both formats)', async () => {
    for (const format of ['text', 'json']) {
      const fast = await runCli(['render', '--log-format', format], plain);
      // --keep-stores changes nothing here but takes the whole command.
      const full = await runCli(['render', '--log-format', format, '--keep-stores'], plain);
      expect(fast).toEqual(full);
    }
  });

  it('the quickstart (a template, no regexp, no crypto) loads neither re2js nor node-forge nor bcryptjs; a regexp loads re2js alone', async () => {
    const files = ['store.yaml', 'db-credentials.yaml', 'app-config.yaml', 'deployment.yaml'];
    const quickstart = files.map((f) => readFileSync(path.join(repoRoot, 'kustomize-examples/quickstart', f), 'utf8')).join('---\n');
    const packages = (modules: string[]) => [...new Set(modules.map((m) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(m)?.[1]).filter(Boolean))].sort();
    const q = await runWithModuleLog(['render', '-q'], quickstart);
    expect(q.code).toBe(0);
    expect(q.stdout.match(/^kind: Secret$/gm)).toHaveLength(2);
    expect(q.modules.some((m) => m.includes('/dist/template/index.js'))).toBe(true);
    expect(packages(q.modules)).toEqual(['yaml']);
    const withRegexp = quickstart.replace('{{ .api_token | quote }}', '{{ .api_token | regexFind "[a-z]+" | quote }}');
    expect(withRegexp).not.toBe(quickstart);
    const r = await runWithModuleLog(['render', '-q'], withRegexp);
    expect(r.code).toBe(0);
    expect(packages(r.modules)).toEqual(['re2js', 'yaml']);
  });

  it('a stream the scan cannot decide goes through the whole command (CRLF, a BOM, flow style, a scalar document)', async () => {
    for (const input of [plain.replace(/\n/g, '\r\n'), `\uFEFF${plain}`, `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "x"}}\n`]) {
      const r = await runWithModuleLog(['render', '-q'], input);
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(input);
      expect(r.modules.some((m) => m.includes('node_modules/yaml/'))).toBe(true);
    }
    const scalar = await runCli(['render', '-q'], `${plain}---\njust a string\n`);
    expect(scalar.code).toBe(1);
    expect(scalar.stderr).toContain('<stdin>, document 2, line 23: the document is a string scalar, not a mapping');
  });

  it('with an ExternalSecret, the others pass through untouched, even one the engine never reads', async () => {
    const input = `${plain}---\n${store}---\n${es}---\n${brokenService}`;
    const r = await runCli(['render', '-q'], input);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout.startsWith(plain)).toBe(true);
    expect(r.stdout).toContain('kind: Secret\n');
    expect(r.stdout).toContain(`password: ${Buffer.from('s3cr3t-value').toString('base64')}`);
    expect(r.stdout.endsWith(`---\n${brokenService}`)).toBe(true);
  });

  it('a document the engine reads that does not parse fails the run with its place, and nothing is written', async () => {
    const input = `${plain}---\n${store}---\n${es}---\n${brokenDeployment}`;
    // With rollout stamping on, every workload is read (it may consume a rendered Secret).
    const r = await runCli(['render', '-q', '--rollout-on-change'], input);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    const line = /<stdin>, document 4, line \d+: invalid YAML[^\n]*/.exec(r.stderr)?.[0];
    expect(line).toBeDefined();
    expect(r.stderr).not.toContain('nginx');
    // The same error as `validate`, which parses every document, and the whole-stream reader.
    const v = await runCli(['validate'], input);
    expect(v.stderr).toContain(line);
  });

  it('without rollout stamping, a workload is read only if its text could ask for it', async () => {
    const input = `${plain}---\n${store}---\n${es}---\n${brokenDeployment}`;
    const r = await runCli(['render', '-q'], input);
    expect(r.code).toBe(0);
    expect(r.stdout.endsWith(`---\n${brokenDeployment}`)).toBe(true);
    const asks = brokenDeployment.replace('  namespace: apps\n', '  namespace: apps\n  annotations: { eso-render.dev/rollout-on-change: "true" }\n');
    const r2 = await runCli(['render', '-q'], `${plain}---\n${store}---\n${es}---\n${asks}`);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/<stdin>, document 4, line \d+: invalid YAML/);
  });

  it('a Namespace in a stream with ExternalSecrets is always read (its labels select namespaces)', async () => {
    const ns = `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: apps\n  labels: [oops\n`;
    const r = await runCli(['render', '-q'], `${store}---\n${es}---\n${ns}`);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/<stdin>, document 2, line \d+: invalid YAML/);
  });
});

// The input limits (issue 14) hold on every lazy path: counted before any document is parsed, and a
// document parsed on first use is not counted twice.
describe('render reads lazily within the input limits', () => {
  const limitsConfig = (limits: Record<string, number>) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eso-lazy-limits-'));
    const file = path.join(dir, 'render-config.yaml');
    writeFileSync(file, `apiVersion: eso-render.dev/v1alpha1\nkind: RenderConfig\nmetadata:\n  name: limits\nspec:\n  limits:\n${Object.entries(limits).map(([k, v]) => `    ${k}: ${v}\n`).join('')}`);
    return { dir, file };
  };

  it('the pass-through refuses a stream above the document limit as the whole command does', async () => {
    const many = `${plain}${'---\n'.repeat(20_000)}`;
    const fast = await runCli(['render', '-q'], many);
    expect(fast.code).toBe(1);
    expect(fast.stdout).toBe('');
    expect(fast.stderr).toContain('<stdin>: the input holds more than 20000 YAML documents (spec.limits.documents)');
    expect(await runCli(['render', '-q', '--keep-stores'], many)).toEqual(fast);
    // At the limit exactly, it passes through.
    const at = `${plain}${'---\n'.repeat(19_998)}`;
    const ok = await runCli(['render', '-q'], at);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toBe(at);
  });

  it('a stream with ExternalSecrets: its documents counted once, the ones parsed on first use included', async () => {
    const input = `${plain}---\n${store}---\n${es}`;
    // Four documents; with rollout stamping the Deployment is parsed after the stream was counted.
    const { dir, file } = limitsConfig({ documents: 4 });
    const r = await runCli(['render', '-q', '--rollout-on-change', '--config', file], input);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('kind: Secret\n');
    const three = limitsConfig({ documents: 3 });
    const refused = await runCli(['render', '-q', '--config', three.file], input);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('<stdin>: the input holds more than 3 YAML documents (spec.limits.documents)');
    rmSync(dir, { recursive: true, force: true });
    rmSync(three.dir, { recursive: true, force: true });
  });

  it('files given with -f are read lazily within the run\'s byte limit, added up over the files', async () => {
    const { dir, file } = limitsConfig({ inputBytes: plain.length + store.length + es.length + 10 });
    writeFileSync(path.join(dir, 'a.yaml'), `${plain}---\n${store}---\n${es}`);
    writeFileSync(path.join(dir, 'b.yaml'), plain);
    const one = await runCli(['render', '-q', '--config', file, '-f', path.join(dir, 'a.yaml')], '');
    expect(one.stderr).toBe('');
    expect(one.code).toBe(0);
    const both = await runCli(['render', '-q', '--config', file, '-f', path.join(dir, 'a.yaml'), '-f', path.join(dir, 'b.yaml')], '');
    expect(both.code).toBe(1);
    expect(both.stdout).toBe('');
    expect(both.stderr).toContain(`b.yaml: the input is larger than the limit of ${plain.length + store.length + es.length + 10} bytes (spec.limits.inputBytes)`);
    rmSync(dir, { recursive: true, force: true });
  });
});
