#!/usr/bin/env node
// `npm run build:sea`: eso-render as one self-contained executable (Node single executable application).
// Offline: esbuild and postject come from node_modules, the node binary from this machine.
//
//   1. bundle dist/cli-main.js (every command) and everything it imports (every provider: the registry's
//      import('./aws/index.js') paths are literal, so esbuild follows them) into one CommonJS file, and
//      dist/sea-main.js (`version` and the `render` pass-through, a few small modules) into another: a
//      Node 20 SEA main must be CJS, and its require() loads built-ins only. The small one is the SEA's
//      main; the large one is an asset it evaluates only when a run needs more than the pass-through
//      (issue 19: the executable used to compile 9 MB of code before doing anything);
//   2. turn the small bundle into a SEA blob with a V8 code cache (faster start), the large one and its
//      own V8 code cache (made by the node that will run it) as assets;
//   3. copy node, strip its symbols (before injecting: stripping afterwards would break the blob), and
//      inject the blob with postject.
//
// Options: --entry FILE (the commands, default dist/cli-main.js), --main FILE (the SEA main, default
// dist/sea-main.js), --out FILE (default dist/eso-render), --node FILE (the
// node binary to copy, default this one), --no-strip, --keep-bundle.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import postject from 'postject';
import { makeAscii } from './lib/ascii-source.mjs';
import { lazyPackagesPlugin } from './lib/lazy-packages-plugin.mjs';

const FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');

const { values: opt } = parseArgs({
  options: {
    entry: { type: 'string', default: path.join(root, 'dist', 'cli-main.js') },
    main: { type: 'string', default: path.join(root, 'dist', 'sea-main.js') },
    out: { type: 'string', default: path.join(root, 'dist', 'eso-render') },
    node: { type: 'string', default: process.execPath },
    'no-strip': { type: 'boolean', default: false },
    'keep-bundle': { type: 'boolean', default: false },
  },
});

function die(msg) {
  process.stderr.write(`build-sea: ${msg}\n`);
  process.exit(1);
}

const entry = path.resolve(opt.entry);
const seaMain = path.resolve(opt.main);
const out = path.resolve(opt.out);
const nodeBin = path.resolve(opt.node);
for (const f of [entry, seaMain]) if (!existsSync(f)) die(`${f} does not exist; run \`npm run build\` first`);
if (!readFileSync(nodeBin).includes(FUSE)) die(`${nodeBin} has no SEA fuse; it cannot become a single executable`);

const work = mkdtempSync(path.join(tmpdir(), 'eso-render-sea-'));
const t0 = Date.now();
try {
  // 1. Bundle.
  const shim = path.join(work, 'supports-color.cjs');
  // `debug` (via node-vault) tries require('supports-color'); in a SEA that prints a warning on every
  // run. Colour detection is irrelevant for a program whose stderr is read by machines.
  writeFileSync(shim, 'module.exports = false;\n');
  const bundle = path.join(work, 'cli-main.cjs');
  const mainBundle = path.join(work, 'sea-main.cjs');
  const common = {
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    alias: { 'supports-color': shim },
    legalComments: 'none',
    // As dist/cli-main.cjs (scripts/bundle.mjs): V8 holds the source text in the heap.
    minifyWhitespace: true,
    logLevel: 'silent',
    metafile: true,
    plugins: [lazyPackagesPlugin(die)],
  };
  const result = await build({ ...common, entryPoints: [entry], outfile: bundle });
  const mainResult = await build({ ...common, entryPoints: [seaMain], outfile: mainBundle });
  for (const w of [...result.warnings, ...mainResult.warnings]) {
    // import.meta in ESM dependencies is empty in CJS; only worth a look if it is our own code.
    if (w.location?.file && !w.location.file.includes('node_modules')) process.stderr.write(`build-sea: warning: ${w.text} (${w.location.file})\n`);
  }
  const mainInputs = Object.keys(mainResult.metafile.inputs);
  if (mainInputs.some((f) => f.includes('node_modules/') || f.includes('/cli-main.'))) die(`the SEA main bundles more than the pass-through: ${mainInputs.join(', ')}`);
  const inputs = Object.keys(result.metafile.inputs);
  for (const p of ['aws', 'vault', 'gcpsm', 'azurekv', 'fake']) {
    if (!inputs.some((f) => f.includes(`providers/${p}/index.`))) die(`the bundle does not include the ${p} provider`);
  }
  for (const p of ['re2js', 'node-forge', 'bcryptjs', 'yaml']) {
    if (!inputs.some((f) => f.includes(`node_modules/${p}/`))) die(`the bundle does not include ${p}`);
  }

  // 2. SEA blob, with the code cache made by the node that will run it.
  const blob = path.join(work, 'eso-render.blob');
  const seaConfig = path.join(work, 'sea-config.json');
  // The asset is evaluated by sea-main.ts inside this same wrapper; V8 accepts the cache only for the
  // same source text, V8 version and flags, and the script falls back to compiling if it does not.
  const cache = path.join(work, 'cli-main.cache');
  // ASCII and trained as dist/cli-main.cjs and its cache are (scripts/lib/ascii-source.mjs,
  // scripts/code-cache.mjs), by the node that will run it; no seal: the asset and its cache are one file.
  makeAscii(bundle);
  const mc = spawnSync(nodeBin, [path.join(root, 'scripts', 'code-cache.mjs'), '--bundle', bundle, '--out', cache, '--raw'], { encoding: 'utf8' });
  if (mc.status !== 0) die(`making the code cache failed:\n${mc.stderr}`);
  writeFileSync(
    seaConfig,
    JSON.stringify({
      main: mainBundle,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      assets: { 'cli-main.cjs': bundle, 'cli-main.cache': cache },
    }),
  );
  const sea = spawnSync(nodeBin, ['--experimental-sea-config', seaConfig], { encoding: 'utf8' });
  if (sea.status !== 0) die(`node --experimental-sea-config failed:\n${sea.stderr}`);

  // 3. Copy node, strip, inject.
  mkdirSync(path.dirname(out), { recursive: true });
  rmSync(out, { force: true });
  copyFileSync(nodeBin, out);
  chmodSync(out, 0o755);
  if (!opt['no-strip']) {
    const s = spawnSync('strip', ['--strip-all', out], { encoding: 'utf8' });
    if (s.error) process.stderr.write('build-sea: strip not found; the executable keeps node\'s symbols\n');
    else if (s.status !== 0) die(`strip failed:\n${s.stderr}`);
  }
  // postject writes harmless "Can't find string offset for section name" notes to stderr; keep them out.
  const origWarn = console.warn;
  console.warn = () => {};
  try {
    await postject.inject(out, 'NODE_SEA_BLOB', readFileSync(blob), { sentinelFuse: FUSE });
  } finally {
    console.warn = origWarn;
  }
  if (opt['keep-bundle']) {
    copyFileSync(bundle, `${out}.cjs`);
    copyFileSync(mainBundle, `${out}.main.cjs`);
  }

  const mb = (n) => `${(n / 1024 / 1024).toFixed(1)} MB`;
  process.stdout.write(
    `build-sea: ${out}: ${statSync(out).size} bytes (${mb(statSync(out).size)}; bundle ${mb(statSync(bundle).size)}, main ${(statSync(mainBundle).size / 1024).toFixed(0)} kB, blob ${mb(statSync(blob).size)}, node ${process.versions.node}) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
