// The single executable (`npm run build:sea`): built here from dist/cli.js, copied into an empty folder
// with no node_modules, and run through every front end with output compared to `node dist/cli.js`.
// Also measures start-up side by side and prints the size and the ratios.
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';
import { cliPath, CmpWorkdir, quickstartFiles, repoRoot, runGenerate } from './support.js';

const hasKubectl = spawnSync('sh', ['-c', 'command -v kubectl']).status === 0;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
}

function run(program: string[], args: string[], opts: { cwd: string; input?: string; env?: NodeJS.ProcessEnv }): Ran {
  const t = process.hrtime.bigint();
  const r = spawnSync(program[0]!, [...program.slice(1), ...args], {
    cwd: opts.cwd,
    input: opts.input ?? '',
    env: opts.env ?? { PATH: '/nonexistent' },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr, ms: Number(process.hrtime.bigint() - t) / 1e6 };
}

/** The summary without timings (the only part that may differ between two runs). */
const untimed = (s: string) => s.replace(/\d+ ms/g, 'N ms');

describe('single executable', () => {
  let work: string;
  let sea: string;
  let buildLine = '';
  const node = [process.execPath, cliPath];

  beforeAll(() => {
    work = mkdtempSync(path.join(tmpdir(), 'eso-render-sea-test-'));
    const bin = path.join(work, 'build', 'eso-render');
    const r = spawnSync(process.execPath, [path.join(repoRoot, 'scripts/build-sea.mjs'), '--out', bin], { cwd: repoRoot, encoding: 'utf8', timeout: 240_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    buildLine = r.stdout.trim();
    // An empty folder: the executable, the example, nothing else.
    const run = path.join(work, 'run');
    mkdirSync(run);
    sea = path.join(run, 'eso-render');
    copyFileSync(bin, sea);
    cpSync(path.join(repoRoot, 'kustomize-examples/quickstart'), path.join(run, 'quickstart'), { recursive: true });
  }, 300_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('is one file, in a folder with no node_modules, and its size is reported', () => {
    const dir = path.dirname(sea);
    expect(readdirSync(dir).sort()).toEqual(['eso-render', 'quickstart']);
    expect(existsSync(path.join(dir, 'node_modules'))).toBe(false);
    const size = statSync(sea).size;
    console.log(`${buildLine}\nsingle executable: ${size} bytes (${(size / 1024 / 1024).toFixed(1)} MB)`);
    expect(size).toBeGreaterThan(10 * 1024 * 1024);
    expect(run([sea], ['version'], { cwd: dir }).stdout).toBe(run(node, ['version'], { cwd: dir }).stdout);
    // `version` is answered by the small SEA main; `--help` by the embedded rest of the program.
    const help = run([sea], ['--help'], { cwd: dir });
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/^Usage: eso-render <command>/);
    expect(help.stdout).toBe(run(node, ['--help'], { cwd: dir }).stdout);
  });

  it('render: the quickstart output is identical to node dist/cli.js', () => {
    const dir = path.dirname(sea);
    const a = run([sea], ['render', '-f', 'quickstart'], { cwd: dir });
    const b = run(node, ['render', '-f', 'quickstart'], { cwd: dir });
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(untimed(a.stderr)).toBe(untimed(b.stderr));
    expect(parseAllDocuments(a.stdout).filter((d) => (d.toJS() as { kind?: string }).kind === 'Secret')).toHaveLength(2);
  });

  it('render on stdin: a stream with nothing to render passes through, and one that needs the whole program gets the same stdin', () => {
    const dir = path.dirname(sea);
    const plain = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n';
    const quickstart = ['store.yaml', 'db-credentials.yaml', 'app-config.yaml', 'deployment.yaml'].map((f) => readFileSync(path.join(dir, 'quickstart', f), 'utf8')).join('---\n');
    for (const [input, args] of [
      [plain, ['render']],
      [plain, ['render', '--log-format', 'json']],
      [quickstart, ['render']],
      [plain, ['render', '--keep-stores']],
    ] as const) {
      const a = run([sea], [...args], { cwd: dir, input });
      const b = run(node, [...args], { cwd: dir, input });
      expect(a.code, a.stderr).toBe(0);
      expect(a.stdout).toBe(b.stdout);
      expect(untimed(a.stderr)).toBe(untimed(b.stderr));
      if (input === plain) expect(a.stdout).toBe(plain);
      else expect(a.stdout.match(/^kind: Secret$/gm)).toHaveLength(2);
    }
  });

  it('krm, the legacy kustomize plugin and validate: identical to node dist/cli.js', () => {
    const dir = path.dirname(sea);
    const items = ['store.yaml', 'db-credentials.yaml', 'app-config.yaml', 'deployment.yaml'].flatMap((f) =>
      parseAllDocuments(readFileSync(path.join(dir, 'quickstart', f), 'utf8')).map((d) => d.toJS()),
    );
    const rl = stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items });
    const a = run([sea], ['krm'], { cwd: dir, input: rl });
    const b = run(node, ['krm'], { cwd: dir, input: rl });
    expect(a.code, a.stderr).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(a.stdout).toMatch(/kind: ResourceList/);
    // The legacy kustomize exec plugin: the config file as the only argument, the resources on stdin.
    const cfgDir = mkdtempSync(path.join(work, 'legacy-'));
    const cfg = path.join(cfgDir, 'render-config.yaml');
    writeFileSync(cfg, 'apiVersion: eso-render.dev/v1alpha1\nkind: RenderConfig\nmetadata: {name: eso-render}\nspec: {deadline: 30s}\n');
    const stream = items.map((o) => stringify(o)).join('---\n');
    const la = run([sea], [cfg], { cwd: dir, input: stream });
    const lb = run(node, [cfg], { cwd: dir, input: stream });
    expect(la.code, la.stderr).toBe(0);
    expect(la.stdout).toBe(lb.stdout);
    expect(la.stdout).toMatch(/kind: Secret/);
    const va = run([sea], ['validate', '-f', 'quickstart'], { cwd: dir });
    const vb = run(node, ['validate', '-f', 'quickstart'], { cwd: dir });
    expect(va.code, va.stderr).toBe(0);
    expect([va.stdout, untimed(va.stderr)]).toEqual([vb.stdout, untimed(vb.stderr)]);
  });

  it('generate: run as argocd-cmp-server runs it, identical to node dist/cli.js', async () => {
    const wd = new CmpWorkdir();
    try {
      const repo = wd.extract(quickstartFiles('apps/shop'));
      const a = await runGenerate(repo, 'apps/shop', {}, { program: [sea] });
      const b = await runGenerate(repo, 'apps/shop', {});
      expect(a.code, a.stderr).toBe(0);
      expect(a.stdout).toBe(b.stdout);
      expect(untimed(a.stderr)).toBe(untimed(b.stderr));
    } finally {
      wd.dispose();
    }
  });

  it('packages loaded on first use (re2js, node-forge, bcryptjs) work from the bundle, identical to node dist/cli.js', () => {
    const dir = mkdtempSync(path.join(work, 'lazy-'));
    const p12 = readFileSync(path.join(repoRoot, 'test/fixtures/crypto/leaf-pass.p12')).toString('base64');
    const docs: unknown[] = [
      {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ClusterSecretStore',
        metadata: { name: 'fake' },
        spec: { provider: { fake: { data: [{ key: 'version', value: 'v1.4.2-rc.1' }, { key: 'bundle', value: p12 }, { key: 'user_name', value: 'shop' }] } } },
      },
      {
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: 'lazy', namespace: 'shop' },
        spec: {
          secretStoreRef: { kind: 'ClusterSecretStore', name: 'fake' },
          target: {
            name: 'lazy',
            template: {
              engineVersion: 'v2',
              data: {
                // re2js (sprig's regex and semver), node-forge (the PKCS#12 MAC key), bcryptjs (htpasswd: salted, so only its form is compared)
                checks: '{{ regexFind "[0-9]+" .version }} {{ semverCompare ">=1.4.0-0" .version }} {{ (semver .version).Minor }} {{ index . "user-name" }}',
                cert: '{{ .bundle | b64dec | pkcs12certPass "s3cret" }}',
                htpasswd: '{{ htpasswd "user" .version "bcrypt" }}',
              },
            },
          },
          // A rewrite transform (user_name becomes user-name): the engine's regexps go through re2js too.
          dataFrom: [{ find: { name: { regexp: '^(version|bundle|user_name)$' } }, rewrite: [{ regexp: { source: '_', target: '-' } }] }],
        },
      },
    ];
    writeFileSync(path.join(dir, 'stream.yaml'), docs.map((d) => stringify(d)).join('---\n'));
    const a = run([sea], ['render', '-f', 'stream.yaml'], { cwd: dir });
    const b = run(node, ['render', '-f', 'stream.yaml'], { cwd: dir });
    expect(a.code, a.stderr).toBe(0);
    expect(b.code, b.stderr).toBe(0);
    const secret = (out: string) => (parseAllDocuments(out).map((d) => d.toJS()).find((o) => o.kind === 'Secret') as { data: Record<string, string> }).data;
    const sa = secret(a.stdout);
    const sb = secret(b.stdout);
    const text = (v: string | undefined) => Buffer.from(v ?? '', 'base64').toString('utf8');
    expect(text(sa.checks)).toBe('1 true 4 shop');
    expect(text(sa.cert)).toMatch(/^-----BEGIN CERTIFICATE-----\n/);
    expect(text(sa.htpasswd)).toMatch(/^user:\$2a\$10\$/);
    expect(Object.keys(sa).sort()).toEqual(['cert', 'checks', 'htpasswd']);
    const { htpasswd: ha, ...restA } = sa;
    const { htpasswd: hb, ...restB } = sb;
    expect(text(hb)).toMatch(/^user:\$2a\$10\$/);
    expect(ha).not.toBe(hb);
    expect(restA).toEqual(restB);
  });

  it('every provider loads from the bundle: the same failures as node against closed loopback ports', () => {
    const dir = mkdtempSync(path.join(work, 'providers-'));
    const stores = {
      aws: { aws: { service: 'SecretsManager', region: 'us-east-1' } },
      vault: { vault: { server: 'http://127.0.0.1:9', path: 'secret', version: 'v2', auth: { tokenSecretRef: { name: 'creds', key: 'token' } } } },
      gcp: { gcpsm: { projectID: 'proj' } },
      azure: {
        azurekv: {
          vaultUrl: 'https://myvault.vault.azure.net',
          tenantId: '00000000-0000-0000-0000-000000000000',
          authSecretRef: { clientId: { name: 'creds', key: 'clientId' }, clientSecret: { name: 'creds', key: 'clientSecret' } },
        },
      },
    };
    const docs: unknown[] = [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'p' }, stringData: { token: 't', clientId: 'c', clientSecret: 's' } }];
    for (const [name, provider] of Object.entries(stores)) {
      docs.push({ apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name, namespace: 'p' }, spec: { provider } });
      docs.push({
        apiVersion: 'external-secrets.io/v1',
        kind: 'ExternalSecret',
        metadata: { name: `es-${name}`, namespace: 'p' },
        spec: { secretStoreRef: { kind: 'SecretStore', name }, target: { name: `es-${name}` }, data: [{ secretKey: 'k', remoteRef: { key: 'some-key' } }] },
      });
    }
    writeFileSync(path.join(dir, 'stream.yaml'), docs.map((d) => stringify(d)).join('---\n'));
    const env = {
      PATH: '/nonexistent',
      AWS_SECRETSMANAGER_ENDPOINT: 'http://127.0.0.1:9',
      AWS_ACCESS_KEY_ID: 'a',
      AWS_SECRET_ACCESS_KEY: 'b',
      ESO_RENDER_GCPSM_ENDPOINT: '127.0.0.1:9',
      ESO_RENDER_GCPSM_INSECURE: 'true',
      ESO_RENDER_AZUREKV_VAULT_ADDRESS: '127.0.0.1',
      AZURE_AUTHORITY_HOST: 'https://127.0.0.1:9',
    };
    const args = ['render', '-f', 'stream.yaml', '--allow-stream-credentials', '--deadline', '30s'];
    const errors = (r: Ran) => r.stderr.split('\n').filter((l) => l.startsWith('[error]')).sort();
    const a = run([sea], args, { cwd: dir, env });
    const b = run(node, args, { cwd: dir, env });
    expect(a.code).toBe(1);
    expect(a.stdout).toBe('');
    expect(errors(a)).toHaveLength(4);
    for (const s of ['aws', 'vault', 'gcp', 'azure']) expect(errors(a).join('\n')).toContain(`SecretStore/p/${s}`);
    expect(a.stderr).not.toMatch(/Cannot find module|internal error|only supports loading built-in modules/);
    expect(errors(a)).toEqual(errors(b));
  });
  // Start-up against node dist/cli.js is measured by the benchmark (npm run bench, cold start), not here:
  // a timed test on a shared machine is noise, and speed claims belong with side-by-side medians.
});
