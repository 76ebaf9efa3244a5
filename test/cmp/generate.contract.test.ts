// `eso-render generate` run exactly as argocd-cmp-server runs it (see support.ts): clean environment,
// app folder as working directory, files without exec bits. Needs `npm run build` (dist/cli.js).
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, mkdirSync, readFileSync, realpathSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { CmpWorkdir, quickstartFiles, runGenerate } from './support.js';

/** Gone, or a zombie waiting for a reaper (the container's init may not reap): either way it has ended. */
function ended(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return true;
  }
  try {
    return /^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

const onPath = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
const hasKubectl = onPath('kubectl');
const hasKustomize = onPath('kustomize');
const hasHelm = onPath('helm');

type Obj = { apiVersion?: string; kind?: string; metadata?: { name?: string; namespace?: string; annotations?: Record<string, string> }; data?: Record<string, string>; [k: string]: unknown };
const docs = (s: string): Obj[] => parseAllDocuments(s, { version: '1.1' }).map((d) => d.toJS() as Obj).filter((o) => o !== null);
const find = (objs: Obj[], kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata?.name === name);
const b64 = (s: string | undefined) => Buffer.from(s ?? '', 'base64').toString('utf8');

// Values held by the quickstart's fake store: they may appear in the Secrets on stdout, nowhere else.
const quickstartValues = ['correct-horse-battery-staple', 'tok-0a1b2c3d4e5f', 'tok-9f8e7d6c5b4a', 'app_user'];

const plainApp = {
  'apps/plain/store.yaml': `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: local, namespace: web}
spec:
  provider:
    fake:
      data:
        - {key: api, value: s3cr3t-plain-value}
`,
  'apps/plain/es.yaml': `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: api
  namespace: web
  annotations:
    config.kubernetes.io/index: '0'
    internal.config.kubernetes.io/path: es.yaml
spec:
  secretStoreRef: {kind: SecretStore, name: local}
  target: {name: api}
  data:
    - {secretKey: token, remoteRef: {key: api}}
`,
  'apps/plain/settings.json': JSON.stringify({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'settings', namespace: 'web', annotations: { 'config.kubernetes.io/path': 'settings.json', 'config.kubernetes.io/depends-on': '/namespaces/web/Secret/api', team: 'web' } },
    data: { enabled: 'on' },
  }),
  'apps/plain/fn-config.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: fn-config
  annotations: {config.kubernetes.io/local-config: "true"}
data: {x: "1"}
`,
  'apps/plain/README.md': '# not a manifest\n',
  'apps/plain/notes.txt': 'ignored\n',
};

describe('generate as argocd-cmp-server runs it', () => {
  const wd = new CmpWorkdir();
  let binDir: string;

  beforeAll(() => {
    // Stand-ins for a slow build and an environment dump, first on PATH as a `kustomize` would be.
    binDir = path.join(wd.root, 'bin');
    mkdirSync(binDir);
  });
  afterAll(() => wd.dispose());

  const fakeKustomize = (script: string): string => {
    const dir = path.join(binDir, String(Math.random()).slice(2));
    mkdirSync(dir);
    const p = path.join(dir, 'kustomize');
    writeFileSync(p, `#!/bin/sh\n${script}\n`);
    chmodSync(p, 0o755);
    return dir;
  };

  it('kustomize app: renders the Secrets in place of the ExternalSecrets, store dropped, files 0644', async () => {
    const repo = wd.extract(quickstartFiles('apps/shop'));
    expect(statSync(path.join(repo, 'apps/shop/kustomization.yaml')).mode & 0o777).toBe(0o644);
    const r = await runGenerate(repo, 'apps/shop', { app: 'shop', namespace: 'shop', project: 'default' });
    expect(r.stderr).toMatch(/rendered: 4 resources in, 3 out, 2 ExternalSecrets, 2 Secrets/);
    expect(r.code).toBe(0);
    const out = docs(r.stdout);
    expect(out.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual(['Deployment/shop', 'Secret/app-config', 'Secret/db-credentials']);
    const db = find(out, 'Secret', 'db-credentials')!;
    expect(b64(db.data?.password)).toBe('correct-horse-battery-staple');
    expect(b64(db.data?.username)).toBe('app_user');
    expect(b64(find(out, 'Secret', 'app-config')!.data?.['config.yaml'])).toContain('token: "tok-0a1b2c3d4e5f"');
    // The build tool's name is in the one summary line; no value on stderr.
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(hasKustomize ? /kustomize build/ : /kubectl kustomize/);
    for (const v of quickstartValues) expect(r.stderr).not.toContain(v);
  });

  it('plain folder: YAML and JSON files read, local-config objects and orchestrator annotations removed', async () => {
    const repo = wd.extract(plainApp);
    const r = await runGenerate(repo, 'apps/plain', { app: 'web', namespace: 'web' });
    expect(r.code, r.stderr).toBe(0);
    const out = docs(r.stdout);
    expect(out.map((o) => `${o.kind}/${o.metadata?.name}`).sort()).toEqual(['ConfigMap/settings', 'Secret/api']);
    expect(b64(find(out, 'Secret', 'api')!.data?.token)).toBe('s3cr3t-plain-value');
    // Argo CD would otherwise apply these annotations to the cluster; the user's own (depends-on) stay.
    expect(r.stdout).not.toMatch(/config\.kubernetes\.io\/(path|index)/);
    expect(find(out, 'ConfigMap', 'settings')!.metadata?.annotations).toEqual({ 'config.kubernetes.io/depends-on': '/namespaces/web/Secret/api', team: 'web' });
    expect(find(out, 'Secret', 'api')!.metadata?.annotations ?? {}).not.toHaveProperty('config.kubernetes.io/index');
    // YAML 1.1 reader (as Argo CD's): the string "on" stays a string.
    expect(find(out, 'ConfigMap', 'settings')!.data?.enabled).toBe('on');
    expect(r.stderr).not.toContain('s3cr3t-plain-value');
  });

  it('plain folder whose first file is JSON: still a YAML stream (Argo CD would read a leading `{` as JSON only)', async () => {
    const repo = wd.extract({
      'apps/j/a.json': '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"flag":"on"}}\n',
      'apps/j/b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\n',
    });
    const r = await runGenerate(repo, 'apps/j');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toMatch(/^\s*\{/);
    expect(docs(r.stdout).map((o) => o.metadata?.name)).toEqual(['a', 'b']);
    expect(find(docs(r.stdout), 'ConfigMap', 'a')!.data).toEqual({ flag: 'on' });
  });

  it('plain folder: a symlink out of the repository is refused, not published', async () => {
    const outside = wd.extract({ 'sidecar-file.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: sidecar-only}\ndata: {token: from-the-sidecar}\n' });
    const repo = wd.extract({ 'apps/link/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok}\n' });
    symlinkSync(path.join(outside, 'sidecar-file.yaml'), path.join(repo, 'apps/link/leak.yaml'));
    const r = await runGenerate(repo, 'apps/link');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('leak.yaml points outside the repository');
    expect(r.stderr).not.toContain('from-the-sidecar');
  });

  it("failing build: exits non-zero with the build tool's own error and prints nothing", async () => {
    const repo = wd.extract({
      'apps/broken/kustomization.yaml': 'resources:\n  - deployment.yaml\n  - missing-file.yaml\n',
      'apps/broken/deployment.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n',
    });
    const r = await runGenerate(repo, 'apps/broken');
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/(kubectl kustomize|kustomize build) failed \(exit status 1\)/);
    // kustomize's message, naming the missing file.
    expect(r.stderr).toMatch(/missing-file\.yaml/);
    expect(r.stderr).toMatch(/FAILED/);
  });

  it('empty output: refused (automated pruning would delete the app) unless allowed by env or parameter', async () => {
    const repo = wd.extract({
      'apps/empty/fn-config.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: only-local\n  annotations: {config.kubernetes.io/local-config: "true"}\n',
      'apps/empty/README.md': 'nothing to deploy\n',
    });
    const refused = await runGenerate(repo, 'apps/empty');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/rendered to no resources.*allow-empty=true/);

    const byEnv = await runGenerate(repo, 'apps/empty', { pluginEnv: { ESO_RENDER_ALLOW_EMPTY: 'true' } });
    expect(byEnv.code, byEnv.stderr).toBe(0);
    expect(byEnv.stdout).toBe('');
    const byParam = await runGenerate(repo, 'apps/empty', { parameters: [{ name: 'allow-empty', string: 'true' }] });
    expect(byParam.code, byParam.stderr).toBe(0);
    // A parameter wins over plugin.env.
    const paramWins = await runGenerate(repo, 'apps/empty', { pluginEnv: { ESO_RENDER_ALLOW_EMPTY: 'true' }, parameters: [{ name: 'allow-empty', string: 'false' }] });
    expect(paramWins.code).toBe(1);
  });

  describe.each(['json', 'env'] as const)('parameters set through %s', (how) => {
    const twoFiles = {
      // kustomize would build only a.yaml; the plain build reads both files.
      'apps/p/kustomization.yaml': 'resources: [a.yaml]\n',
      'apps/p/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: a}\n',
      'apps/p/b.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: b}\ndata: {k: b}\n',
    };

    it('build-mode=plain overrides the kustomization', async () => {
      const repo = wd.extract(twoFiles);
      const auto = await runGenerate(repo, 'apps/p');
      expect(auto.code, auto.stderr).toBe(0);
      expect(docs(auto.stdout).map((o) => o.metadata?.name)).toEqual(['a']);
      const plain = await runGenerate(repo, 'apps/p', { parameters: [{ name: 'build-mode', string: 'plain' }], paramsAs: how });
      expect(plain.code, plain.stderr).toBe(0);
      // The kustomization itself is not a manifest for the cluster.
      expect(docs(plain.stdout).map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual(['ConfigMap/a', 'ConfigMap/b']);
    });

    it('a kustomize option that would read outside the repository is refused, naming it', async () => {
      const repo = wd.extract(twoFiles);
      const r = await runGenerate(repo, 'apps/p', { parameters: [{ name: 'kustomize-build-options', string: '--load-restrictor LoadRestrictionsNone' }], paramsAs: how });
      expect(r.code).toBe(2);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('parameter "kustomize-build-options": --load-restrictor needs a value matching');
    });

    it('array parameters reach the build (helm-values-files outside the repository are refused)', async () => {
      const repo = wd.extract({ 'apps/c/Chart.yaml': 'apiVersion: v2\nname: c\nversion: 0.1.0\n', 'apps/c/values.yaml': '{}\n' });
      const r = await runGenerate(repo, 'apps/c', { parameters: [{ name: 'helm-values-files', array: ['values.yaml', '../../../../../../etc/passwd'] }], paramsAs: how });
      expect(r.stdout).toBe('');
      if (hasHelm) {
        expect(r.code).toBe(2);
        expect(r.stderr).toContain('values file "../../../../../../etc/passwd" is outside the repository');
      } else {
        expect(r.code).toBe(1);
        expect(r.stderr).toContain('helm is not on PATH');
      }
    });
  });

  it('an unknown parameter is an error naming it and the known ones', async () => {
    const repo = wd.extract(plainApp);
    const r = await runGenerate(repo, 'apps/plain', { parameters: [{ name: 'buildmode', string: 'plain' }] });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('parameter "buildmode": unknown parameter; eso-render takes build-mode,');
  });

  it('the Argo CD context reaches the tenancy policy: another destination namespace is refused', async () => {
    const repo = wd.extract(plainApp);
    const r = await runGenerate(repo, 'apps/plain', { app: 'web', namespace: 'not-web', project: 'payments' });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/namespace "web" is neither the application's destination namespace "not-web"/);
    expect(r.stderr).toMatch(/project "payments"/);
  });

  it('JSON log format: every stderr line is a JSON object, one of them the summary with the app context', async () => {
    const repo = wd.extract(plainApp);
    const r = await runGenerate(repo, 'apps/plain', { app: 'web', namespace: 'web', project: 'payments', pluginEnv: { ESO_RENDER_LOG_FORMAT: 'json' } });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    const summary = lines.filter((l) => l.msg === 'eso-render summary');
    expect(summary).toHaveLength(1);
    expect(summary[0]).toMatchObject({ ok: true, command: 'generate', app: 'web', project: 'payments', destinationNamespace: 'web', build: 'plain files', secretsEmitted: 1, externalSecrets: 1 });
    const failed = await runGenerate(repo, 'apps/plain', { app: 'web', namespace: 'elsewhere', sidecar: { ESO_RENDER_LOG_FORMAT: 'json' } });
    expect(failed.code).toBe(1);
    const failedLines = failed.stderr.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(failedLines.at(-1)).toMatchObject({ level: 'error', ok: false, app: 'web' });
    expect(failedLines.some((l) => l.level === 'error' && String(l.message).includes('policy'))).toBe(true);
    expect(failed.stderr).not.toContain('s3cr3t-plain-value');
  });

  it('platform stores and policy come from the RenderConfig named by ESO_RENDER_CONFIG on the sidecar', async () => {
    const platform = wd.extract({
      'config.yaml': `apiVersion: eso-render.dev/v1alpha1
kind: RenderConfig
metadata: {name: platform}
spec:
  storeFiles: [stores.yaml]
`,
      'stores.yaml': `apiVersion: external-secrets.io/v1
kind: ClusterSecretStore
metadata: {name: platform-fake}
spec:
  provider:
    fake:
      data:
        - {key: shared/db, value: from-the-platform-store}
`,
    });
    const repo = wd.extract({
      'apps/u/es.yaml': `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db, namespace: u}
spec:
  secretStoreRef: {kind: ClusterSecretStore, name: platform-fake}
  target: {name: db}
  data: [{secretKey: password, remoteRef: {key: shared/db}}]
`,
    });
    const noConfig = await runGenerate(repo, 'apps/u', { namespace: 'u' });
    expect(noConfig.code).toBe(1);
    expect(noConfig.stderr).toMatch(/platform-fake/);
    const r = await runGenerate(repo, 'apps/u', { namespace: 'u', sidecar: { ESO_RENDER_CONFIG: path.join(platform, 'config.yaml') } });
    expect(r.code, r.stderr).toBe(0);
    expect(b64(find(docs(r.stdout), 'Secret', 'db')!.data?.password)).toBe('from-the-platform-store');
    // A platform configuration that cannot be read fails closed.
    const missing = await runGenerate(repo, 'apps/u', { namespace: 'u', sidecar: { ESO_RENDER_CONFIG: path.join(platform, 'nope.yaml') } });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/ESO_RENDER_CONFIG/);
    // The platform's policy, matched against the Application's project from ARGOCD_APP_PROJECT_NAME.
    const policyDir = wd.extract({
      'config.yaml': `apiVersion: eso-render.dev/v1alpha1
kind: RenderConfig
metadata: {name: platform}
spec:
  storeFiles: [${JSON.stringify(path.join(platform, 'stores.yaml'))}]
  policy:
    rules:
      - name: payments-db
        match: {projects: [payments]}
        stores:
          - {kind: ClusterSecretStore, name: platform-fake, keys: ["shared/*"]}
`,
    });
    const withPolicy = (project: string) =>
      runGenerate(repo, 'apps/u', { namespace: 'u', project, sidecar: { ESO_RENDER_CONFIG: path.join(policyDir, 'config.yaml') } });
    const allowed = await withPolicy('payments');
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(b64(find(docs(allowed.stdout), 'Secret', 'db')!.data?.password)).toBe('from-the-platform-store');
    const refused = await withPolicy('marketing');
    expect(refused.code).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('policy: no rule allows project "marketing"');
    expect(refused.stderr).not.toContain('from-the-platform-store');
    // A relative path would be the app's own file: refused.
    const relative = await runGenerate(repo, 'apps/u', { namespace: 'u', sidecar: { ESO_RENDER_CONFIG: 'config.yaml' } });
    expect(relative.code).toBe(2);
    expect(relative.stderr).toContain('ESO_RENDER_CONFIG (sidecar) must be an absolute path');
  });

  it('kustomize on PATH is preferred, and sees no sidecar variable outside the build set', async () => {
    const dir = fakeKustomize(
      `printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: env-seen}\\ndata:\\n'; env | sed 's/=.*//' | sort | sed 's/.*/  "&": "1"/'`,
    );
    const repo = wd.extract({ 'apps/k/kustomization.yaml': 'resources: []\n' });
    const r = await runGenerate(repo, 'apps/k', {
      pluginEnv: { ESO_RENDER_ALLOW_EMPTY: 'false' },
      sidecar: { PATH: `${dir}:${process.env.PATH}`, AWS_SECRET_ACCESS_KEY: 'canary-aws', VAULT_TOKEN: 'canary-vault', HOME: '/tmp', ESO_RENDER_CONFIG: '' },
    });
    expect(r.code, r.stderr).toBe(0);
    const seen = Object.keys(find(docs(r.stdout), 'ConfigMap', 'env-seen')!.data ?? {});
    expect(seen).toEqual(expect.arrayContaining(['PATH', 'HOME', 'ARGOCD_APP_NAME', 'KUBE_VERSION', 'ARGOCD_ENV_ESO_RENDER_ALLOW_EMPTY']));
    expect(seen).not.toContain('AWS_SECRET_ACCESS_KEY');
    expect(seen).not.toContain('VAULT_TOKEN');
    expect(r.stderr).toMatch(/kustomize build \d+ ms/);
  });

  it('a build that outlives the deadline is stopped and the run fails promptly', async () => {
    const pidFile = path.join(wd.root, 'slow.pid');
    const dir = fakeKustomize(`echo $$ > ${JSON.stringify(pidFile)}; exec sleep 30`);
    const repo = wd.extract({ 'apps/slow/kustomization.yaml': 'resources: []\n' });
    const r = await runGenerate(repo, 'apps/slow', { parameters: [{ name: 'deadline', string: '1500ms' }], sidecar: { PATH: `${dir}:${process.env.PATH}` } });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/kustomize build did not finish before the deadline and was stopped/);
    expect(r.ms).toBeLessThan(10_000);
    expect(ended(Number(readFileSync(pidFile, 'utf8')))).toBe(true);
  });

  it('a deadline parameter longer than the platform allows is capped, and the run says so (counted in the summary)', async () => {
    const platform = mkdtempSync(path.join(wd.root, 'platform-'));
    writeFileSync(path.join(platform, 'config.yaml'), 'apiVersion: eso-render.dev/v1alpha1\nkind: RenderConfig\nmetadata: {name: eso-render}\nspec: {deadline: 30s}\n');
    const repo = wd.extract(plainApp);
    const sidecar = { ESO_RENDER_CONFIG: path.join(platform, 'config.yaml') };
    const longer = await runGenerate(repo, 'apps/plain', { namespace: 'web', parameters: [{ name: 'deadline', string: '10m' }, { name: 'build-mode', string: 'plain' }], sidecar });
    expect(longer.code, longer.stderr).toBe(0);
    expect(longer.stderr).toMatch(/\[warning\] parameter "deadline" \(10m0s\) is longer than the platform's deadline \(spec\.deadline of ESO_RENDER_CONFIG: 30s\); 30s is used/);
    expect(longer.stderr).toMatch(/, 0 errors, 1 warnings,/);
    const shorter = await runGenerate(repo, 'apps/plain', { namespace: 'web', parameters: [{ name: 'deadline', string: '20s' }, { name: 'build-mode', string: 'plain' }], sidecar });
    expect(shorter.code, shorter.stderr).toBe(0);
    expect(shorter.stderr).not.toMatch(/deadline/);
    expect(shorter.stderr).toMatch(/, 0 errors, 0 warnings,/);
  });

  it('SIGTERM from argocd-cmp-server ends the build and the run, with nothing on stdout', async () => {
    const pidFile = path.join(wd.root, 'term.pid');
    const dir = fakeKustomize(`echo $$ > ${JSON.stringify(pidFile)}; exec sleep 30`);
    const repo = wd.extract({ 'apps/term/kustomization.yaml': 'resources: []\n' });
    let pid = 0;
    const running = runGenerate(repo, 'apps/term', { sidecar: { PATH: `${dir}:${process.env.PATH}` } }, { onSpawn: (p) => (pid = p) });
    for (let i = 0; i < 100 && !existsSync(pidFile); i++) await new Promise((res) => setTimeout(res, 100));
    process.kill(pid, 'SIGTERM');
    const r = await running;
    expect(r.code).toBe(143);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/terminated \(SIGTERM\)/);
    await new Promise((res) => setTimeout(res, 200));
    expect(ended(Number(readFileSync(pidFile, 'utf8')))).toBe(true);
  });

  it('helm app: the helm template command line (recorded by a stand-in helm; the real one is tested below when installed)', async () => {
    const dir = fakeKustomize('');
    // Replace the stand-in kustomize with a helm that prints its arguments as a ConfigMap.
    writeFileSync(
      path.join(dir, 'helm'),
      `#!/bin/sh\nprintf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: argv}\\ndata:\\n'\ni=0\nfor a in "$@"; do printf '  a%02d: "%s"\\n' $i "$a"; i=$((i+1)); done\n`,
    );
    chmodSync(path.join(dir, 'helm'), 0o755);
    const repo = wd.extract({
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
      'charts/web/values-prod.yaml': 'a: 1\n',
      'charts/common.yaml': 'b: 2\n',
    });
    const r = await runGenerate(repo, 'charts/web', {
      app: 'team-a_web',
      namespace: 'web-prod',
      kubeVersion: '1.29.3',
      kubeApiVersions: 'apps/v1,apps/v1/Deployment,v1',
      parameters: [
        { name: 'helm-values-files', array: ['values-prod.yaml', '../common.yaml'] },
        { name: 'helm-values', string: 'c: 3\n' },
        { name: 'helm-parameters', map: { 'image.tag': 'v1.2.3', 'x': '--post-renderer=/bin/sh' } },
      ],
      sidecar: { PATH: `${dir}:${process.env.PATH}` },
    });
    expect(r.code, r.stderr).toBe(0);
    const argv = Object.values(find(docs(r.stdout), 'ConfigMap', 'argv')!.data ?? {});
    const real = (p: string) => realpathSync(path.join(repo, p));
    expect(argv.slice(0, 13)).toEqual([
      'template', 'web', '.', '--include-crds', '--namespace', 'web-prod', '--kube-version', '1.29.3',
      '--api-versions', 'apps/v1', '--api-versions', 'apps/v1/Deployment', '--api-versions',
    ]);
    expect(argv.slice(13, 18)).toEqual(['v1', '--values', real('charts/web/values-prod.yaml'), '--values', real('charts/common.yaml')]);
    // Inline values go through a temporary file; map parameters are --set pairs, one argv entry each.
    expect(argv[18]).toBe('--values');
    expect(argv[19]).toMatch(/eso-render-values-.*\/values\.yaml$/);
    expect(argv.slice(20)).toEqual(['--set', 'image.tag=v1.2.3', '--set', 'x=--post-renderer=/bin/sh']);
    expect(existsSync(argv[19]!)).toBe(false);
  });

  it.skipIf(!hasHelm)('helm app: helm template with the app name, namespace, KUBE_VERSION, KUBE_API_VERSIONS and values', async () => {
    const repo = wd.extract({
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
      'charts/web/values.yaml': 'greeting: default\n',
      'charts/web/values-prod.yaml': 'greeting: prod\n',
      'charts/web/templates/es.yaml': `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: {{ .Release.Name }}-db
  namespace: {{ .Release.Namespace }}
spec:
  secretStoreRef: {kind: SecretStore, name: local}
  target: {name: {{ .Release.Name }}-db}
  data: [{secretKey: password, remoteRef: {key: db}}]
`,
      'charts/web/templates/store.yaml': `apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: local, namespace: {{ .Release.Namespace }}}
spec: {provider: {fake: {data: [{key: db, value: helm-db-value}]}}}
`,
      'charts/web/templates/info.yaml': `apiVersion: v1
kind: ConfigMap
metadata: {name: info, namespace: {{ .Release.Namespace }}}
data:
  kube: {{ .Capabilities.KubeVersion.Version | quote }}
  hasWidget: {{ .Capabilities.APIVersions.Has "example.com/v1/Widget" | quote }}
  greeting: {{ .Values.greeting | quote }}
  extra: {{ .Values.extra | default "none" | quote }}
  tag: {{ .Values.image.tag | default "none" | quote }}
`,
    });
    const r = await runGenerate(repo, 'charts/web', {
      app: 'team-a_web',
      namespace: 'web-prod',
      kubeVersion: '1.29.3',
      kubeApiVersions: 'apps/v1,example.com/v1,example.com/v1/Widget,v1',
      parameters: [
        { name: 'helm-values-files', array: ['values-prod.yaml'] },
        { name: 'helm-values', string: 'extra: inline\n' },
        { name: 'helm-parameters', map: { 'image.tag': 'v1.2.3' } },
      ],
    });
    expect(r.code, r.stderr).toBe(0);
    const out = docs(r.stdout);
    expect(find(out, 'ConfigMap', 'info')!.data).toEqual({ kube: 'v1.29.3', hasWidget: 'true', greeting: 'prod', extra: 'inline', tag: 'v1.2.3' });
    const s = find(out, 'Secret', 'web-db')!;
    expect(s.metadata?.namespace).toBe('web-prod');
    expect(b64(s.data?.password)).toBe('helm-db-value');
    expect(r.stderr).toMatch(/helm template/);
  });
});
