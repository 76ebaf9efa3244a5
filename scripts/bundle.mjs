#!/usr/bin/env node
// The second step of `npm run build` (issue 19, start like `cat`): after tsc has compiled src/ to dist/,
// esbuild bundles dist/cli.js into an ES module with code splitting and writes it over dist/cli.js, its
// chunks to dist/chunks/. Node's ES module loader used to read, resolve and compile ~175 files one by one
// for the quickstart; the bundle loads ~45.
//
//   - Every `await import('./literal.js')` (command front ends, providers, template function groups,
//     key rules, the RenderConfig reader, sealing) stays a separate chunk, loaded on first use, so the
//     pass-through path and each run still load only what they use.
//   - `yaml` is bundled (most runs use it; it is 73 small files). The other dependencies stay external:
//     the provider SDKs are large, loaded by few runs, and keep `npm pack` small; re2js, node-forge and
//     bcryptjs are loaded by src/common/lazy-packages.ts through createRequire, which esbuild leaves as is.
//   - `yaml`'s Node entry point is CommonJS; a banner gives each chunk a `require` (createRequire) for the
//     built-ins it requires.
//   - The rest of dist/ (tsc's output) stays: the single executable (scripts/build-sea.mjs) bundles
//     dist/cli-main.js and dist/sea-main.js, and unit tests import dist/ modules. It is not shipped: the
//     package's `files` are dist/cli.js and dist/chunks/.
//   - dist/bundle-inputs.json maps each output file to the modules in it, for test/lazy (which asserts on
//     modules, not file names) and bench/ (which lists packages loaded).
import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { build } from 'esbuild';
import { makeAscii } from './lib/ascii-source.mjs';
import { lazyPackageNames, lazyPackagesPlugin } from './lib/lazy-packages-plugin.mjs';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.join(root, 'dist');

function die(msg) {
  process.stderr.write(`bundle: ${msg}\n`);
  process.exit(1);
}

const entry = path.join(dist, 'cli.js');
if (!existsSync(entry)) die(`${entry} does not exist; run tsc first`);
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const bundled = new Set(['yaml']);
const external = Object.keys(pkg.dependencies).filter((n) => !bundled.has(n));

// Inside dist/ so that the moves below stay on one file system.
const out = mkdtempSync(path.join(dist, '.bundle-'));
try {
  const result = await build({
    absWorkingDir: root,
    entryPoints: [entry],
    outbase: dist,
    outdir: out,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: `node${pkg.engines.node.replace(/^>=/, '')}`,
    entryNames: '[name]',
    // A chunk loaded by `import('./x/y.js')` is named after its module: chunks/x/y-HASH.js.
    chunkNames: 'chunks/[dir]/[name]-[hash]',
    external: [...external, ...external.map((n) => `${n}/*`)],
    banner: { js: "import { createRequire as __esoCreateRequire } from 'node:module'; const require = __esoCreateRequire(import.meta.url);" },
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
  });
  for (const w of result.warnings) process.stderr.write(`bundle: warning: ${w.text}${w.location ? ` (${w.location.file}:${w.location.line})` : ''}\n`);

  const inputs = {};
  for (const [file, o] of Object.entries(result.metafile.outputs)) {
    const rel = path.relative(out, path.resolve(root, file));
    inputs[rel] = Object.keys(o.inputs).map((i) => path.relative(root, path.resolve(root, i)));
  }
  // The pass-through (issue 19) must stay small: the entry loads the command table and the I/O helpers,
  // `render` then the pass-through, and neither yaml nor the engine until a stream needs them.
  const entryOut = result.metafile.outputs[path.relative(root, path.join(out, 'cli.js'))];
  if (!entryOut) die('no cli.js in the output');
  const staticClosure = new Set();
  const walk = (f) => {
    for (const imp of result.metafile.outputs[f]?.imports ?? []) {
      if (imp.kind === 'import-statement' && !imp.external && !staticClosure.has(imp.path)) {
        staticClosure.add(imp.path);
        walk(imp.path);
      }
    }
  };
  walk(path.relative(root, path.join(out, 'cli.js')));
  const eager = [...Object.keys(entryOut.inputs), ...[...staticClosure].flatMap((f) => Object.keys(result.metafile.outputs[f].inputs))];
  const heavy = eager.filter((i) => /node_modules\/|engine\/|frontends\/stream|providers\//.test(i));
  if (heavy.length > 0) die(`the entry loads more than the command table: ${heavy.join(', ')}`);

  rmSync(path.join(dist, 'chunks'), { recursive: true, force: true });
  renameSync(path.join(out, 'chunks'), path.join(dist, 'chunks'));
  renameSync(path.join(out, 'cli.js'), entry);

  // dist/cli-main.cjs: the commands (dist/cli-main.js and all it imports, yaml included) as one CommonJS
  // file, which dist/cli.js compiles with a V8 code cache (src/code-cache.ts, scripts/code-cache.mjs,
  // docs/adr/0009-code-cache.md). The same packages stay external as in the chunks; lazy-packages.js's
  // packages too (required on first use).
  const commonJs = {
    absWorkingDir: root,
    bundle: true,
    format: 'cjs',
    platform: 'node',
    target: `node${pkg.engines.node.replace(/^>=/, '')}`,
    legalComments: 'none',
    logLevel: 'silent',
    metafile: true,
  };
  const cjsFile = path.join(dist, 'cli-main.cjs');
  const cjs = await build({
    ...commonJs,
    entryPoints: [path.join(dist, 'cli-main.js')],
    outfile: cjsFile,
    external: [...external, ...external.map((n) => `${n}/*`), ...lazyPackageNames],
    // `import()` of an external package (the Azure and Google SDKs) becomes `require()`: a function
    // compiled from the code cache loses vm.Script's dynamic-import callback (Node 20), and the callback
    // itself is experimental. Both SDKs ship a CommonJS entry.
    supported: { 'dynamic-import': false },
    charset: 'ascii',
    // Whitespace only: V8 keeps the whole source text in the heap, 1.65 MB of it 1.19 MB without the
    // indentation (0.9 MB lower peak, the same time; docs/benchmarks.md). Names stay, so error classes and
    // stack frames read as in the source; minifying syntax and names took 0.1-0.3 MB more, not worth a
    // program that reads differently from its source.
    minifyWhitespace: true,
    plugins: [lazyPackagesPlugin(die)],
  });
  makeAscii(cjsFile);
  const cjsText = readFileSync(cjsFile, 'utf8');
  if (/\bimport\(/.test(cjsText.replace(/\/\/.*$|\/\*[\s\S]*?\*\//gm, ''))) die('dist/cli-main.cjs still holds an import() (it cannot run from the code cache)');
  for (const w of cjs.warnings) process.stderr.write(`bundle: warning: ${w.text}${w.location ? ` (${w.location.file}:${w.location.line})` : ''}\n`);
  // dist/cli.cjs, the bin: src/bin.ts with the pass-through, as CommonJS; it requires nothing of ours
  // but dist/cli-main.cjs, and that only when the pass-through declines.
  const bin = await build({
    ...commonJs,
    entryPoints: [path.join(dist, 'bin.js')],
    outfile: path.join(dist, 'cli.cjs'),
    external: [...external, ...external.map((n) => `${n}/*`)],
  });
  const binInputs = Object.keys(bin.metafile.inputs);
  const binHeavy = binInputs.filter((i) => /node_modules\/|engine\/|frontends\/stream\.|providers\/|cli-main\./.test(i));
  if (binHeavy.length > 0) die(`dist/cli.cjs holds more than the pass-through: ${binHeavy.join(', ')}`);
  for (const [file, o] of [...Object.entries(cjs.metafile.outputs), ...Object.entries(bin.metafile.outputs)]) {
    inputs[path.relative(dist, path.resolve(root, file))] = Object.keys(o.inputs).map((i) => path.relative(root, path.resolve(root, i)));
  }
  writeFileSync(path.join(dist, 'bundle-inputs.json'), `${JSON.stringify(inputs, null, 1)}\n`);
} finally {
  rmSync(out, { recursive: true, force: true });
}
rmSync(path.join(dist, 'cli-main.cache'), { force: true });
const cc = spawnSync(process.execPath, [path.join(root, 'scripts', 'code-cache.mjs')], { stdio: 'inherit' });
if (cc.status !== 0) die('making the code cache failed');
