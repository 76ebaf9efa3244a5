// The template engine's function groups load on first use of a name (issue 19): a run loads the groups
// its templates name, Go's `function "x" not defined` still comes from the parse step, and a template
// read from a ConfigMap (templateFrom) has every group at hand.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandChunks } from '../helpers/bundle-modules.js';
import { esmCliPath, repoRoot, runCli } from '../helpers/cli.js';
import { GROUP_LOADERS, GROUP_ORDER } from '../../src/template/funcs/groups.js';
import { REMOVED } from '../../src/template/funcs/index.js';
import { FUNCTION_NAMES } from '../../src/template/funcs/names.generated.js';
import { fakeStoreYaml } from '../helpers/fake-store.js';

const store = fakeStoreYaml;
const withTemplate = (data: string) => `apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata:
  name: db
  namespace: apps
spec:
  secretStoreRef: { kind: ClusterSecretStore, name: fake }
  target:
    name: db
    template:
${data}
  data:
  - secretKey: password
    remoteRef: { key: /db/password }
`;

async function renderLogged(stdin: string): Promise<{ code: number; stdout: string; stderr: string; funcs: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'eso-funcs-'));
  const log = path.join(dir, 'modules.log');
  try {
    const r = await runCli(['render', '-q'], stdin, {
      // The ES module build, whose chunks show which modules a run loads.
      entry: esmCliPath,
      env: { PATH: process.env['PATH'] ?? '', ESO_BENCH_MODULE_LOG: log, ESO_RENDER_CODE_CACHE: '0', NODE_OPTIONS: `--import=${path.join(repoRoot, 'bench/lib/module-log.mjs')}` },
    });
    let modules: string[] = [];
    try {
      // The modules held by the files loaded (dist/cli.js is a bundle of chunks).
      modules = expandChunks(readFileSync(log, 'utf8').split('\n').filter(Boolean));
    } catch {
      // nothing resolved
    }
    const funcs = [...new Set(modules.map((m) => /\/dist\/template\/funcs\/([^/]+)\.js$/.exec(m)?.[1]).filter((x): x is string => !!x))].sort();
    return { ...r, funcs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const secretValue = (out: string, key: string): string => {
  const m = new RegExp(`^  ${key}: (\\S+)$`, 'm').exec(out);
  if (!m) throw new Error(`no data key ${key} in the output`);
  return Buffer.from(m[1]!, 'base64').toString('utf8');
};

describe('template functions load by group', () => {
  it('names.generated.ts lists every function of every group, with the group whose entry wins', async () => {
    const owner = new Map<string, readonly [string, boolean]>();
    for (const g of GROUP_ORDER) for (const e of await GROUP_LOADERS[g]()) if (!REMOVED.has(e.name)) owner.set(e.name, [g, !!e.nondeterministic]);
    expect(new Map([...FUNCTION_NAMES].sort())).toEqual(new Map([...owner].sort()));
  });

  it('the quickstart loads the string and JSON groups and none of dates, crypto or ESO\'s own', async () => {
    const files = ['store.yaml', 'db-credentials.yaml', 'app-config.yaml', 'deployment.yaml'];
    const quickstart = files.map((f) => readFileSync(path.join(repoRoot, 'kustomize-examples/quickstart', f), 'utf8')).join('---\n');
    const r = await renderLogged(quickstart);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/^kind: Secret$/gm)).toHaveLength(2);
    expect(r.funcs).toContain('sprig-strings');
    expect(r.funcs).toContain('sprig-json');
    expect(r.funcs.filter((f) => /^(sprig-dates|sprig-time|crypto|eso-)/.test(f))).toEqual([]);
  });

  it('a function of another group is loaded for the template that calls it', async () => {
    const r = await renderLogged(`${store}---\n${withTemplate('      data:\n        encoded: "{{ .password | b64enc }}"\n        doc: "{{ dict \\"p\\" .password | toYaml }}"')}`);
    expect(r.code, r.stderr).toBe(0);
    expect(secretValue(r.stdout, 'encoded')).toBe(Buffer.from('s3cr3t-value').toString('base64'));
    expect(secretValue(r.stdout, 'doc')).toBe('p: s3cr3t-value'); // toYaml trims the final newline, as sprig's does
    expect(r.funcs).toEqual(expect.arrayContaining(['sprig-misc', 'sprig-dicts', 'eso-yaml']));
  });

  it('an unknown function fails at parse with Go\'s message, with no group loaded for it', async () => {
    const r = await renderLogged(`${store}---\n${withTemplate('      data:\n        x: "{{ .password | nosuchfunction }}"')}`);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('function "nosuchfunction" not defined');
    expect(r.stdout).not.toContain('kind: Secret');
  });

  it('a template read from a ConfigMap (templateFrom) may call any function', async () => {
    const cm = `apiVersion: v1
kind: ConfigMap
metadata:
  name: tpl
  namespace: apps
data:
  t: "{{ .password | b64enc }}"
`;
    const es = withTemplate('      templateFrom:\n      - configMap:\n          name: tpl\n          items:\n          - key: t');
    const r = await renderLogged(`${store}---\n${cm}---\n${es}`);
    expect(r.code, r.stderr).toBe(0);
    expect(secretValue(r.stdout, 't')).toBe(Buffer.from('s3cr3t-value').toString('base64'));
    expect(r.funcs).toEqual(expect.arrayContaining(['sprig-misc', 'crypto', 'eso-pkcs12']));
  });
});
