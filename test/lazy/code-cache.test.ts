// The bin (dist/cli.cjs) and `node dist/cli.js` run the program from dist/cli-main.cjs with the V8 code
// cache `npm run build` trained on the quickstart (src/code-cache.ts, scripts/code-cache.mjs, ADR 9).
// What a user relies on: the cache is one this node accepts, and it changes nothing but start-up time:
// the same output, messages and exit codes with it, without it, with a cache V8 refuses, and from the ES
// module build; the pass-through needs none of it.
import { copyFileSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Script } from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, esmCliPath, repoRoot, runCli, type CliResult } from '../helpers/cli.js';
import { openCache } from '../../src/code-cache.js';
import { wrapCommonJs } from '../../src/run-commonjs.js';

const dist = path.join(repoRoot, 'dist');
const quickstartDir = path.join(repoRoot, 'kustomize-examples/quickstart');
const quickstart = ['store.yaml', 'db-credentials.yaml', 'app-config.yaml', 'deployment.yaml']
  .map((f) => readFileSync(path.join(quickstartDir, f), 'utf8'))
  .join('---\n');
const broken = quickstart.replace('key: /db/password', 'key: /no/such/key');
const env = { PATH: process.env['PATH'] ?? '', HOME: '/tmp' };

/** The run's result with the summary's duration (`34 ms`) left out: it is the only thing allowed to differ. */
const stable = (r: CliResult) => ({ ...r, stderr: r.stderr.replace(/\b\d+ ms\b/g, 'N ms').replace(/"durationMs":\d+/g, '"durationMs":N') });

describe('the code-cached bundle', () => {
  let copy: string;
  beforeAll(() => {
    // Inside the repository, so the external packages resolve from its node_modules as from dist/.
    copy = mkdtempSync(path.join(dist, '.code-cache-test-'));
    for (const f of ['cli.cjs', 'cli-main.cjs']) copyFileSync(path.join(dist, f), path.join(copy, f));
  });
  afterAll(() => rmSync(copy, { recursive: true, force: true }));

  it('ships a cache this node accepts, trained beyond the top level', () => {
    const bytes = readFileSync(path.join(dist, 'cli-main.cjs'));
    const source = bytes.toString('utf8');
    const cache = openCache(bytes, readFileSync(path.join(dist, 'cli-main.cache')))!;
    expect(cache).toBeDefined();
    const script = new Script(wrapCommonJs(source), { filename: 'cli-main.cjs', cachedData: cache });
    expect(script.cachedDataRejected).toBe(false);
    // A cache of the uncompiled bundle holds only its top level; the trained one holds what the
    // quickstart compiled as well.
    const untrained = new Script(wrapCommonJs(source), { filename: 'cli-main.cjs' }).createCachedData();
    expect(cache.length).toBeGreaterThan(untrained.length * 2);
  });

  const cases: Array<[string, string[], string]> = [
    ['render, the quickstart', ['render'], quickstart],
    ['render, a key the store lacks (exit 1, nothing written)', ['render'], broken],
    ['render, JSON log', ['render', '--log-format', 'json'], quickstart],
    ['validate', ['validate'], quickstart],
    ['an unknown option', ['render', '--no-such-option'], quickstart],
  ];

  it.each(cases)('%s: the same with and without the cache, from the bin and from dist/cli.js', async (_name, args, stdin) => {
    const bin = stable(await runCli(args, stdin, { env }));
    expect(bin.stdout + bin.stderr).not.toBe('');
    expect(stable(await runCli(args, stdin, { env: { ...env, ESO_RENDER_CODE_CACHE: '0' } }))).toEqual(bin);
    expect(stable(await runCli(args, stdin, { env, entry: esmCliPath }))).toEqual(bin);
    expect(stable(await runCli(args, stdin, { env: { ...env, ESO_RENDER_CODE_CACHE: '0' }, entry: esmCliPath }))).toEqual(bin);
  });

  it('a missing cache or one V8 refuses changes nothing but speed', async () => {
    const expected = stable(await runCli(['render'], quickstart, { env }));
    expect(expected.code).toBe(0);
    const entry = path.join(copy, 'cli.cjs');
    rmSync(path.join(copy, 'cli-main.cache'), { force: true });
    expect(stable(await runCli(['render'], quickstart, { env, entry }))).toEqual(expected);
    // Damaged: V8 would abort on it; the digest check keeps it from V8.
    const cache = readFileSync(path.join(dist, 'cli-main.cache'));
    for (let i = 64; i < cache.length; i += 997) cache[i] = cache[i]! ^ 0xff;
    writeFileSync(path.join(copy, 'cli-main.cache'), cache);
    expect(stable(await runCli(['render'], quickstart, { env, entry }))).toEqual(expected);
    // Truncated.
    writeFileSync(path.join(copy, 'cli-main.cache'), readFileSync(path.join(dist, 'cli-main.cache')).subarray(0, 100_000));
    expect(stable(await runCli(['render'], quickstart, { env, entry }))).toEqual(expected);
    // Stale: made for another bundle of the same length (V8 itself compares only the length).
    const source = readFileSync(path.join(dist, 'cli-main.cjs'), 'utf8');
    const other = source.replace(/\?(\s*)"rendered"(\s*):/g, '?$1"RENDERED"$2:');
    expect(other).not.toBe(source);
    expect(other.length).toBe(source.length);
    writeFileSync(path.join(copy, 'cli-main.cjs'), other);
    copyFileSync(path.join(dist, 'cli-main.cache'), path.join(copy, 'cli-main.cache'));
    // The edited source runs, not the bytecode of the old one.
    expect(stable(await runCli(['render'], quickstart, { env, entry }))).toEqual({ ...expected, stderr: expected.stderr.replace('rendered:', 'RENDERED:') });
    copyFileSync(path.join(dist, 'cli-main.cjs'), path.join(copy, 'cli-main.cjs'));
  });

  it('the bin passes a stream with nothing to render through without the bundle', async () => {
    const dir = mkdtempSync(path.join(dist, '.code-cache-pass-'));
    try {
      copyFileSync(path.join(dist, 'cli.cjs'), path.join(dir, 'cli.cjs'));
      const plain = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: "0755"\n';
      const r = await runCli(['render', '-q'], plain, { env, entry: path.join(dir, 'cli.cjs') });
      expect(r).toEqual({ code: 0, stdout: plain, stderr: '' });
      expect(statSync(path.join(dir, 'cli.cjs')).size).toBeLessThan(64 * 1024);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('is what package.json names as the bin', () => {
    const pkg = JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[] };
    expect(path.join(repoRoot, pkg.bin['eso-render']!)).toBe(cliPath);
    for (const f of ['dist/cli.cjs', 'dist/cli-main.cjs', 'dist/cli-main.cache']) expect(pkg.files).toContain(f);
  });
});
