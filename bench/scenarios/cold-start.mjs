// Scenario 1: start-up. `eso-render render` on a 100-resource stream with no ExternalSecret, as
// `node dist/cli.js` and as the single executable, against `node -e 0`; and which packages it loaded.

import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expandChunks } from '../lib/bundle-modules.mjs';
import { interleaved, MODULE_LOG_HOOK, runOnce } from '../lib/measure.mjs';
import { plainStream } from '../lib/streams.mjs';

/** Path fragments of the provider SDKs: none may load when no ExternalSecret uses a provider. */
const SDK_PATHS = ['@aws-sdk/', '@smithy/', 'google-gax', '@google-cloud/', '@grpc/', '@azure/', 'google-auth-library'];

export async function coldStart({ root, runs, sea }) {
  const input = Buffer.from(plainStream(100));
  const sameAsInput = (r) => {
    if (!r.stdout.equals(input)) throw new Error('render did not write the stream back unchanged');
  };
  const subjects = [
    { name: 'node -e 0', argv: [process.execPath, '-e', '0'], input },
    // The floor for any renderer built on the `yaml` package: parse and write the stream, nothing else.
    { name: 'yaml parse+write', argv: [process.execPath, path.join(root, 'bench', 'yaml-baseline.mjs')], input },
    { name: 'node dist/cli.js render', argv: [process.execPath, 'dist/cli.js', 'render', '-q'], input, check: sameAsInput },
    // The bin: a CommonJS entry (ADR 9), which node starts without its ES module loader.
    { name: 'bin render', argv: [process.execPath, 'dist/cli.cjs', 'render', '-q'], input, check: sameAsInput },
    // Loading alone (every module `render` needs, no input read): start-up cost apart from parsing.
    { name: 'node dist/cli.js version', argv: [process.execPath, 'dist/cli.js', 'version'] },
  ];
  if (sea) subjects.push({ name: 'single executable render', argv: [sea, 'render', '-q'], input, check: sameAsInput });
  const t = await interleaved(subjects, runs, { cwd: root });

  // One more run with a module log: what did a run without ExternalSecrets load?
  const dir = mkdtempSync(path.join(tmpdir(), 'eso-bench-mods-'));
  const log = path.join(dir, 'modules.log');
  const r = await runOnce([process.execPath, '--import', MODULE_LOG_HOOK, 'dist/cli.js', 'render', '-q'], {
    input,
    cwd: root,
    env: { ESO_BENCH_MODULE_LOG: log },
  });
  const files = existsSync(log) ? [...new Set(readFileSync(log, 'utf8').split('\n').filter(Boolean))] : [];
  // The modules in the files loaded (a chunk of the bundle holds several; yaml is bundled).
  const loaded = [...new Set(expandChunks(root, files))];
  rmSync(dir, { recursive: true, force: true });
  if (r.code !== 0) throw new Error(`module-log run failed: ${r.stderr}`);
  const sdk = loaded.filter((u) => SDK_PATHS.some((p) => u.includes(`node_modules/${p}`)));
  const packages = [...new Set(loaded.map((u) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(u)?.[1]).filter(Boolean))].sort();
  const own = loaded.filter((u) => u.includes('/dist/') && !u.includes('node_modules')).length;
  const ownFiles = files.filter((u) => u.includes('/dist/') && !u.includes('node_modules')).length;

  const base = t['node -e 0'].medianMs;
  /** A row timing subject `name` against `node -e 0`. */
  const againstNode = (measure, name, extra = {}) => ({
    scenario: 'cold start',
    measure,
    subjectMs: t[name].medianMs,
    baseline: 'node -e 0',
    baselineMs: base,
    ratio: t[name].medianMs / base,
    ...extra,
  });
  const rows = [
    againstNode('node dist/cli.js render, 100 resources, no ExternalSecret', 'node dist/cli.js render', { target: 1.3 }),
    againstNode('eso-render render (the bin, dist/cli.cjs), same stream', 'bin render', { target: 1.3 }),
    againstNode('node dist/cli.js version (loading only)', 'node dist/cli.js version'),
    againstNode('yaml parse+write of the same stream (no renderer: the floor)', 'yaml parse+write', {
      note: `render is ${(t['node dist/cli.js render'].medianMs / t['yaml parse+write'].medianMs).toFixed(2)}× this`,
    }),
    sea
      ? againstNode('single executable render, same stream', 'single executable render', { target: 1.15 })
      : { scenario: 'cold start', measure: 'single executable render, same stream', baseline: 'node -e 0', baselineMs: base, target: 1.15, note: 'not built (npm run build:sea)' },
  ];
  rows.push({
    scenario: 'cold start',
    measure: 'provider SDK modules loaded',
    subject: sdk.length,
    target: 0,
    pass: sdk.length === 0,
    note: `packages loaded: ${packages.join(', ') || 'none'}; ${own} of our own modules in ${ownFiles} files`,
  });
  return { rows, raw: { timings: t, packagesLoaded: packages, sdkModules: sdk, ownModules: own, inputBytes: input.length } };
}
