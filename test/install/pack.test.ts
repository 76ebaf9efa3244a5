// The package as a user gets it: a fresh clone of this commit, README's "Get the command" section run
// line by line (npm ci, npm pack, npm install -g into a scratch prefix, eso-render version), the
// package's contents, the README's Usage examples with the installed command, and `npx eso-render
// version` from the packed tarball in an empty folder. Needs the npm registry (dependencies).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { repoRoot } from '../setup/tools.js';

const version = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).version as string;
const tmp = mkdtempSync(join(tmpdir(), 'eso-render-pack-'));
const clone = join(tmp, 'clone');
const prefix = join(tmp, 'global');
// No eso-render of ours on PATH: only the one the README's commands install.
const env: NodeJS.ProcessEnv = {
  ...process.env,
  npm_config_prefix: prefix,
  npm_config_update_notifier: 'false',
  npm_config_fund: 'false',
  npm_config_audit: 'false',
  // Dependencies already in npm's cache are not fetched again.
  npm_config_prefer_offline: 'true',
  PATH: `${join(prefix, 'bin')}:${process.env.PATH}`,
};

function sh(script: string, cwd: string) {
  const r = spawnSync('sh', ['-ec', script], { cwd, env, encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** The sh block of README.md's first section, "Get the command". */
function readmeInstall(): string {
  const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');
  const first = readme.split(/^## /m)[1]!;
  expect(first.startsWith('Get the command\n')).toBe(true);
  return /```sh\n([\s\S]*?)```/.exec(first)![1]!;
}

let install: ReturnType<typeof sh>;
beforeAll(() => {
  const head = spawnSync('git', ['rev-parse', 'HEAD'], { cwd: repoRoot, encoding: 'utf8' }).stdout.trim();
  const c = sh(`git clone --quiet ${JSON.stringify(repoRoot)} ${JSON.stringify(clone)} && git -C ${JSON.stringify(clone)} checkout --quiet ${head}`, tmp);
  expect(c.stderr).toBe('');
  mkdirSync(prefix);
  install = sh(readmeInstall(), clone);
}, 900_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }), 600_000);

describe('installable package (README, "Get the command")', () => {
  it('the README\'s commands, run in a fresh clone, end with `eso-render version` printing the version', () => {
    expect(install.stderr).not.toMatch(/npm (ERR|error)/);
    expect(install.code).toBe(0);
    expect(install.stdout.trimEnd().split('\n').at(-1)).toBe(`eso-render ${version}`);
  });

  it('the package holds the built CLI, schemas and docs, and no tests, sources or fixtures', () => {
    const r = sh(`tar tzf eso-render-${version}.tgz`, clone);
    expect(r.code).toBe(0);
    const files = r.stdout.trim().split('\n').map((f) => f.replace(/^package\//, ''));
    expect(files).toContain('dist/cli.js');
    expect(files).toContain('schemas/renderconfig.schema.json');
    expect(files).toContain('README.md');
    expect(files).toContain('LICENSE');
    const unwanted = files.filter((f) => /^(src|test|bench|scripts|kustomize-examples|node_modules|\.ci)\//.test(f) || /\.ts$|\.test\.js$/.test(f));
    expect(unwanted).toEqual([]);
    // The bundles (scripts/bundle.mjs): dist/cli.js and its chunks, with every chunk it imports (the
    // installed command ran above), and not tsc's one-file-per-module tree beside it.
    const chunks = files.filter((f) => f.startsWith('dist/chunks/'));
    expect(chunks.length).toBeGreaterThan(50);
    expect(chunks.some((f) => /^dist\/chunks\/frontends\/passthrough-\w+\.js$/.test(f))).toBe(true);
    // The bin and the code-cached program (ADR 9).
    const top = ['dist/cli-main.cache', 'dist/cli-main.cjs', 'dist/cli.cjs', 'dist/cli.js'];
    expect(files.filter((f) => f.startsWith('dist/') && !f.startsWith('dist/chunks/')).sort()).toEqual(top);
  });

  it('the README\'s Usage example renders the quickstart with the installed command', () => {
    const r = sh('eso-render render -f kustomize-examples/quickstart', clone);
    expect(r.code).toBe(0);
    const objs = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(objs.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toEqual(['Deployment/shop', 'Secret/app-config', 'Secret/db-credentials']);
    expect(r.stderr).toMatch(/^eso-render: rendered: /);
  });

  it('`npx eso-render version` from the packed tarball works in an empty folder', () => {
    const empty = join(tmp, 'empty');
    mkdirSync(empty);
    const r = sh(`npx --yes --package ${JSON.stringify(join(clone, `eso-render-${version}.tgz`))} eso-render version`, empty);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(`eso-render ${version}`);
  }, 600_000);
});
