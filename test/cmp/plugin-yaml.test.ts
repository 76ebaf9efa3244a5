// plugin.yaml read as argocd-cmp-server reads it (YAML 1.1 → JSON, cmpserver/plugin/config.go) and checked
// against the ConfigManagementPlugin schema (plugin-contracts.md §B.2). Argo CD ignores unknown keys
// silently, so a misspelled field would just switch a feature off: unknown keys are errors here.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseDocument } from 'yaml';
import { parameterSpecs } from '../../src/frontends/cmp-settings.js';
import { CmpWorkdir, quickstartFiles, repoRoot } from './support.js';

const text = readFileSync(path.join(repoRoot, 'plugin.yaml'), 'utf8');

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
const isObj = (v: unknown): v is Record<string, Json> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isStrList = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The checks config.go and the repo-server make, plus the field names its structs declare. */
function checkCmp(p: unknown): string[] {
  const errs: string[] = [];
  const keys = (o: Record<string, Json>, where: string, allowed: string[]) => {
    for (const k of Object.keys(o)) if (!allowed.includes(k)) errs.push(`${where}.${k}: not a field of the schema`);
  };
  const command = (v: unknown, where: string, required: boolean) => {
    if (v === undefined) {
      if (required) errs.push(`${where}: required`);
      return;
    }
    if (!isObj(v)) return void errs.push(`${where}: must be a mapping`);
    keys(v, where, ['command', 'args']);
    if (!isStrList(v.command) || (required && v.command.length === 0)) errs.push(`${where}.command: a non-empty list of strings`);
    if (v.args !== undefined && !isStrList(v.args)) errs.push(`${where}.args: a list of strings`);
  };
  if (!isObj(p)) return ['top level: must be a mapping'];
  keys(p, '', ['apiVersion', 'kind', 'metadata', 'spec']);
  if (p.apiVersion !== 'argoproj.io/v1alpha1') errs.push('apiVersion: argoproj.io/v1alpha1');
  if (p.kind !== 'ConfigManagementPlugin') errs.push('kind: must be ConfigManagementPlugin');
  if (!isObj(p.metadata) || typeof p.metadata.name !== 'string' || p.metadata.name === '') errs.push('metadata.name: required');
  if (!isObj(p.spec)) return [...errs, 'spec: required'];
  const s = p.spec;
  keys(s, 'spec', ['version', 'init', 'generate', 'discover', 'parameters', 'preserveFileMode', 'provideGitCreds']);
  if (s.version !== undefined && typeof s.version !== 'string') errs.push('spec.version: must be a string (quote it)');
  command(s.init, 'spec.init', false);
  command(s.generate, 'spec.generate', true);
  if (s.discover !== undefined) {
    if (!isObj(s.discover)) errs.push('spec.discover: must be a mapping');
    else {
      keys(s.discover, 'spec.discover', ['fileName', 'find']);
      if (s.discover.fileName !== undefined && typeof s.discover.fileName !== 'string') errs.push('spec.discover.fileName: a string');
      if (s.discover.find !== undefined) {
        if (!isObj(s.discover.find)) errs.push('spec.discover.find: a mapping');
        else {
          keys(s.discover.find, 'spec.discover.find', ['command', 'args', 'glob']);
          if (s.discover.find.glob !== undefined && typeof s.discover.find.glob !== 'string') errs.push('spec.discover.find.glob: a string');
          if (s.discover.find.command !== undefined) command({ command: s.discover.find.command, ...(s.discover.find.args ? { args: s.discover.find.args } : {}) }, 'spec.discover.find', true);
        }
      }
    }
  }
  for (const b of ['preserveFileMode', 'provideGitCreds']) if (s[b] !== undefined && typeof s[b] !== 'boolean') errs.push(`spec.${b}: true or false`);
  if (s.parameters !== undefined) {
    if (!isObj(s.parameters)) errs.push('spec.parameters: a mapping');
    else {
      keys(s.parameters, 'spec.parameters', ['static', 'dynamic']);
      if (s.parameters.dynamic !== undefined) command(s.parameters.dynamic, 'spec.parameters.dynamic', true);
      const st = s.parameters.static ?? [];
      if (!Array.isArray(st)) errs.push('spec.parameters.static: a list');
      else
        st.forEach((a, i) => {
          const w = `spec.parameters.static[${i}]`;
          if (!isObj(a)) return void errs.push(`${w}: a mapping`);
          keys(a, w, ['name', 'title', 'tooltip', 'required', 'itemType', 'collectionType', 'string', 'array', 'map']);
          if (typeof a.name !== 'string' || a.name === '') errs.push(`${w}.name: required`);
          for (const f of ['title', 'tooltip', 'itemType', 'string']) if (a[f] !== undefined && typeof a[f] !== 'string') errs.push(`${w}.${f}: a string`);
          if (a.required !== undefined && typeof a.required !== 'boolean') errs.push(`${w}.required: true or false`);
          const ct = a.collectionType ?? '';
          if (!['', 'string', 'array', 'map'].includes(ct as string)) errs.push(`${w}.collectionType: "", string, array or map`);
          if (a.array !== undefined && !isStrList(a.array)) errs.push(`${w}.array: a list of strings`);
          if (a.map !== undefined && !(isObj(a.map) && Object.values(a.map).every((x) => typeof x === 'string'))) errs.push(`${w}.map: a map of strings`);
          if (ct === 'array' && (a.string !== undefined || a.map !== undefined)) errs.push(`${w}: an array parameter announces array`);
          if (ct === 'map' && (a.string !== undefined || a.array !== undefined)) errs.push(`${w}: a map parameter announces map`);
          if ((ct === '' || ct === 'string') && (a.array !== undefined || a.map !== undefined)) errs.push(`${w}: a string parameter announces string`);
        });
    }
  }
  return errs;
}

describe('plugin.yaml', () => {
  const p11 = parse(text, { version: '1.1' }) as Record<string, Json>;

  it('is valid YAML 1.1 and reads the same under 1.2 (no implicit booleans, numbers or octals)', () => {
    const doc = parseDocument(text, { version: '1.1' });
    expect(doc.errors).toEqual([]);
    expect(parse(text, { version: '1.2' })).toEqual(p11);
  });

  it('passes the ConfigManagementPlugin schema checks', () => {
    expect(checkCmp(p11)).toEqual([]);
  });

  it('the schema checks catch what Argo CD would reject or silently ignore', () => {
    const broken = structuredClone(p11) as { kind: string; spec: Record<string, Json> };
    broken.kind = 'ConfigMap';
    broken.spec.version = 1.0;
    broken.spec.discovery = {};
    (broken.spec.generate as Record<string, Json>).command = [];
    expect(checkCmp(broken)).toEqual(
      expect.arrayContaining(['kind: must be ConfigManagementPlugin', 'spec.version: must be a string (quote it)', 'spec.discovery: not a field of the schema', 'spec.generate.command: a non-empty list of strings']),
    );
    // An unquoted 1.0 really is a number for a YAML 1.1 reader.
    expect((parse(text.replace('version: "v1"', 'version: 1.0'), { version: '1.1' }) as { spec: { version: unknown } }).spec.version).toBe(1);
  });

  it('names the plugin eso-render with a quoted version; generate runs `eso-render generate`', () => {
    const spec = p11.spec as Record<string, { command: string[]; args?: string[] }> & { version: string };
    expect((p11.metadata as Record<string, string>).name).toBe('eso-render');
    expect(text).toMatch(/version: "v1"/);
    expect(spec.generate.command).toEqual(['/usr/local/bin/eso-render', 'generate']);
    // The image installs the executable where plugin.yaml looks for it.
    expect(readFileSync(path.join(repoRoot, 'plugin/Dockerfile'), 'utf8')).toMatch(/^COPY .*\/usr\/local\/bin\/eso-render$/m);
  });

  it('announces exactly the parameters generate reads, with matching collection types', () => {
    const st = (p11.spec as { parameters: { static: { name: string; collectionType?: string }[] } }).parameters.static;
    expect(st.map((a) => a.name).sort()).toEqual(Object.keys(parameterSpecs).sort());
    for (const a of st) expect(a.collectionType ?? 'string').toBe(parameterSpecs[a.name]!.kind);
    const mode = st.find((a) => a.name === 'build-mode') as { string?: string; tooltip?: string };
    expect(mode.string).toBe('auto');
    for (const m of ['kustomize', 'helm', 'plain']) expect(mode.tooltip).toContain(m);
  });

  const run = (cmd: { command: string[]; args?: string[] }, cwd: string) => {
    const argv = [...cmd.command, ...(cmd.args ?? [])];
    // No shell of ours: exactly Go's exec.Command(argv[0], argv[1:]...).
    return spawnSync(argv[0]!, argv.slice(1), { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' }, encoding: 'utf8' });
  };

  it('discovery matches app folders holding ESO resources (exit 0 and output), and no others', () => {
    const find = (p11.spec as { discover: { find: { command: string[] } } }).discover.find;
    const wd = new CmpWorkdir();
    try {
      const repo = wd.extract({
        ...quickstartFiles('apps/shop'),
        'apps/web/deployment.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n',
        'apps/json/es.json': '{"apiVersion":"external-secrets.io/v1beta1","kind":"ExternalSecret","metadata":{"name":"x"}}',
        'apps/nested/overlays/prod/es.yml': 'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata: {name: x}\n',
        'apps/gitonly/.git/config.yaml': 'external-secrets.io/v1\n',
      });
      const matches = (app: string) => {
        const r = run(find, path.join(repo, app));
        return r.status === 0 && r.stdout.trim() !== '';
      };
      expect(matches('apps/shop')).toBe(true);
      expect(matches('apps/json')).toBe(true);
      expect(matches('apps/nested')).toBe(true);
      expect(matches('apps/web')).toBe(false);
      expect(matches('apps/gitonly')).toBe(false);
    } finally {
      wd.dispose();
    }
  });

  it('init runs helm dependency build only for a chart with dependencies not vendored in charts/', () => {
    const init = (p11.spec as { init: { command: string[]; args: string[] } }).init;
    const wd = new CmpWorkdir();
    try {
      const chart = 'apiVersion: v2\nname: web\nversion: 0.1.0\n';
      const deps = `${chart}dependencies:\n  - {name: redis, version: 1.0.0, repository: oci://registry.example.com/charts}\n`;
      const repo = wd.extract({
        ...quickstartFiles('apps/shop'),
        'charts/nodeps/Chart.yaml': chart,
        'charts/vendored/Chart.yaml': deps,
        'charts/vendored/charts/redis-1.0.0.tgz': 'x',
        'charts/deps/Chart.yaml': deps,
      });
      // A `helm` that records its arguments, so the test sees whether and how init calls it.
      const bin = path.join(wd.root, 'bin');
      mkdirSync(bin);
      const log = path.join(wd.root, 'helm.log');
      writeFileSync(path.join(bin, 'helm'), `#!/bin/sh\necho "$PWD $*" >> ${JSON.stringify(log)}\n`);
      chmodSync(path.join(bin, 'helm'), 0o755);
      const runInit = (app: string) =>
        spawnSync(init.command[0]!, [...init.command.slice(1), ...init.args], { cwd: path.join(repo, app), env: { PATH: `${bin}:/bin:/usr/bin` }, encoding: 'utf8' });
      for (const app of ['apps/shop', 'charts/nodeps', 'charts/vendored', 'charts/deps']) {
        const r = runInit(app);
        expect(r.status, app).toBe(0);
        expect(r.stdout).toBe('');
      }
      expect(readFileSync(log, 'utf8').trim().split('\n')).toEqual([`${path.join(repo, 'charts/deps')} dependency build`]);
    } finally {
      wd.dispose();
    }
  });
});
