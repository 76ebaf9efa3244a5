// What the example tests share: the real CLI bundled once per test file (esbuild, dependencies left in
// node_modules), an `eso-render` wrapper on PATH as users install it, and a way to run kpt/kubectl.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { parseAllDocuments } from 'yaml';
import { kustomizeBin, mayUpdateExpected } from '../setup/tools.js';

export const repoRoot = resolve(import.meta.dirname, '../..');
export const examplesDir = join(repoRoot, 'kustomize-examples');

export interface Cli {
  /** Folder holding the `eso-render` wrapper and `kustomize`; put it first on PATH. */
  binDir: string;
  /** Absolute path of the wrapper. */
  bin: string;
  /** Environment with the wrapper on PATH. */
  env: NodeJS.ProcessEnv;
  dispose(): void;
}

/** Bundles src/cli.ts into `.tmp/` (inside the repo, so bare imports resolve to node_modules). */
export async function buildCli(): Promise<Cli> {
  mkdirSync(join(repoRoot, '.tmp'), { recursive: true });
  const dir = mkdtempSync(join(repoRoot, '.tmp', 'krm-e2e-'));
  const out = join(dir, 'eso-render.mjs');
  await build({
    entryPoints: [join(repoRoot, 'src/cli.ts')],
    outfile: out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'silent',
    // A front end that another engineer has not written yet (a lazily imported module) stays a runtime
    // import instead of failing the whole bundle.
    plugins: [
      {
        name: 'missing-lazy-modules',
        setup(b) {
          b.onResolve({ filter: /^\.\.?\// }, (a) =>
            a.kind === 'dynamic-import' && !existsSync(join(a.resolveDir, a.path.replace(/\.js$/, '.ts'))) ? { path: a.path, external: true } : undefined,
          );
        },
      },
    ],
  });
  const binDir = join(dir, 'bin');
  mkdirSync(binDir);
  const bin = join(binDir, 'eso-render');
  writeFileSync(bin, `#!/bin/sh\nexec node ${JSON.stringify(out)} "$@"\n`);
  chmodSync(bin, 0o755);
  // The pinned standalone kustomize (devDependency), as `kustomize` on the same PATH.
  symlinkSync(kustomizeBin(), join(binDir, 'kustomize'));
  return {
    binDir,
    bin,
    env: { ...process.env, PATH: `${binDir}${delimiter}${process.env.PATH ?? ''}` },
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export interface Ran {
  stdout: string;
  stderr: string;
  code: number;
}

export function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv; input?: string }): Ran {
  const r = spawnSync(cmd, args, { cwd: opts.cwd, env: opts.env, input: opts.input ?? '', encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw r.error;
  return { stdout: r.stdout, stderr: r.stderr, code: r.status ?? -1 };
}

export function onPath(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).status === 0;
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/** The documents of a YAML stream as plain objects. */
export function docs(text: string): Record<string, any>[] {
  return parseAllDocuments(text)
    .map((d) => d.toJS())
    .filter((d) => d !== null && d !== undefined);
}

export function decode(b64: string): string {
  return Buffer.from(b64, 'base64').toString('utf8');
}

/** Set UPDATE_EXPECTED=1 to rewrite an expected file from the actual output (then read the diff!); refused under CI. */
export function expectedFile(path: string, actual: string): string {
  if (mayUpdateExpected()) writeFileSync(path, actual);
  return readFileSync(path, 'utf8');
}
