// Issue 14: in the shared sidecar (`eso-render generate`) an Application's build reads only files of its
// repository. Every kustomization reachable from the app folder, and a chart's Chart.yaml, is checked before
// kustomize or helm starts; an entry that is remote, absolute, escapes with `..` or through a symlink is
// refused by file and field, and no request leaves the sidecar. The platform may allow remote bases by URL
// glob (spec.build.allowRemoteBases). Needs `npm run build` and kustomize or kubectl on PATH.
import { symlinkSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runGenerate } from '../cmp/support.js';
import { Attacker, Tenancy, tempRoot, writePlatform } from './tenancy-support.js';

const tmp = tempRoot();
const tenancy = new Tenancy();
let attacker: Attacker;

beforeAll(async () => {
  attacker = await Attacker.start();
});
afterAll(async () => {
  await attacker.stop();
  tenancy.dispose();
  tmp.dispose();
});

const es = stringify({
  apiVersion: 'external-secrets.io/v1',
  kind: 'ExternalSecret',
  metadata: { name: 'db', namespace: 'shop' },
  spec: { secretStoreRef: { kind: 'SecretStore', name: 'fake' }, target: { name: 'db' }, data: [{ secretKey: 'k', remoteRef: { key: 'k' } }] },
});
const store = stringify({ apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 'fake', namespace: 'shop' }, spec: { provider: { fake: { data: [{ key: 'k', value: 'v' }] } } } });
const app = { app: 'shop', namespace: 'shop', project: 'web' };

async function generate(files: Record<string, string>, spec: Record<string, unknown> = {}, prepare?: (repo: string) => void) {
  const p = writePlatform(tmp.root, spec);
  const repo = tenancy.wd.extract({ 'apps/app/es.yaml': es, 'apps/app/store.yaml': store, ...files });
  prepare?.(repo);
  const before = attacker.seen.length;
  const r = await runGenerate(repo, 'apps/app', { ...app, sidecar: { ESO_RENDER_CONFIG: p.configPath } });
  return { ...r, requests: attacker.seen.slice(before).map((s) => `${s.method} ${s.url}`) };
}

const kustomization = (k: Record<string, unknown>) => ({ 'apps/app/kustomization.yaml': stringify(k) });

describe('the build of an app folder reads only files of its repository', () => {
  it('a resource URL is refused by file and field, and the server it names receives no request', async () => {
    const r = await generate(kustomization({ resources: ['es.yaml', 'store.yaml', `${attacker.url}/v1/secret/data/other-tenant/db?via=kustomize-resource`] }));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/kustomize build refused.*apps\/app\/kustomization\.yaml: resources: .*is remote/);
    expect(r.stdout).toBe('');
    expect(r.requests).toEqual([]);
  });

  it.each([
    ['a git URL in resources', { resources: ['es.yaml', 'github.com/org/repo//path?ref=x'] }, /resources: "github\.com\/org\/repo\/\/path\?ref=x" is remote/],
    ['an scp-like git URL in bases', { bases: ['git@github.com:org/repo.git'] }, /bases: "git@github\.com:org\/repo\.git" is remote/],
    ['an https component', { resources: ['es.yaml'], components: ['https://example.com/c'] }, /components: "https:\/\/example\.com\/c" is remote/],
    ['a remote patch file', { resources: ['es.yaml'], patches: [{ path: 'https://example.com/p.yaml' }] }, /patches\[0\]\.path: .* is remote/],
    ['a remote configMapGenerator file', { resources: ['es.yaml'], configMapGenerator: [{ name: 'c', files: ['https://example.com/f'] }] }, /configMapGenerator\[0\]\.files: .* is remote/],
    ['a helm chart with repo:', { helmCharts: [{ name: 'x', repo: 'https://charts.example.com', version: '1.0.0' }] }, /helmCharts\[0\]\.repo: .* is a chart repository/],
    ['an absolute path', { resources: ['/etc/passwd'] }, /resources: "\/etc\/passwd" is an absolute path/],
    ['a .. escape out of the repository', { resources: ['../../../outside'] }, /resources: "\.\.\/\.\.\/\.\.\/outside" is outside the repository/],
  ])('%s is refused before the build starts', async (_what, k, message) => {
    const r = await generate(kustomization(k));
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('a remote resource in a base the app folder includes is refused, naming the base', async () => {
    const r = await generate({
      ...kustomization({ resources: ['es.yaml', '../base'] }),
      'apps/base/kustomization.yaml': stringify({ resources: ['store.yaml', `${attacker.url}/base`] }),
      'apps/base/store.yaml': store,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/apps\/base\/kustomization\.yaml: resources: .* is remote/);
    expect(r.requests).toEqual([]);
  });

  it('a symlink leaving the repository is refused', async () => {
    const r = await generate(kustomization({ resources: ['es.yaml', 'store.yaml', 'link'] }), {}, (repo) => {
      symlinkSync('/etc', path.join(repo, 'apps/app/link'));
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/resources: "link" is outside the repository/);
  });

  it('a Chart.yaml dependency with a repository URL is refused', async () => {
    const r = await generate({
      'apps/app/Chart.yaml': stringify({ apiVersion: 'v2', name: 'c', version: '0.1.0', dependencies: [{ name: 'redis', version: '1.0.0', repository: `${attacker.url}/charts` }] }),
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/apps\/app\/Chart\.yaml: dependencies\[0\]\.repository: .* is a chart repository/);
    expect(r.requests).toEqual([]);
  });

  it('local bases in the repository still build', async () => {
    const r = await generate({
      ...kustomization({ resources: ['es.yaml', '../base'] }),
      'apps/base/kustomization.yaml': stringify({ resources: ['store.yaml'] }),
      'apps/base/store.yaml': store,
    });
    expect(r.stderr).not.toMatch(/refused/);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/kind: Secret/);
  });

  it('the platform can allow a remote base by URL glob (spec.build.allowRemoteBases); then the build fetches it', async () => {
    const r = await generate(kustomization({ resources: ['es.yaml', 'store.yaml', `${attacker.url}/allowed/base.yaml`] }), { build: { allowRemoteBases: [`${attacker.url}/allowed/*`] } });
    expect(r.stderr).not.toMatch(/refused before it started/);
    expect(r.requests.some((s) => s.includes('/allowed/base.yaml'))).toBe(true);
  });
});
