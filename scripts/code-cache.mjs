#!/usr/bin/env node
// Makes the V8 code cache of one of our CommonJS bundles (src/run-commonjs.ts; docs/adr/0009-code-cache.md):
//   node scripts/code-cache.mjs                         dist/cli-main.cjs -> dist/cli-main.cache, sealed
//                                                       (src/code-cache.ts checks the seal); run by
//                                                       scripts/bundle.mjs
//   node scripts/code-cache.mjs --bundle F --out C --raw
//                                                       the single executable's asset (scripts/build-sea.mjs
//                                                       runs it with the node it embeds)
//
// The cache is taken after a training run, the quickstart on the built-in fake store (no network, no
// credentials, nothing written but the cache), so it holds the bytecode of every function that run
// compiled, not only the bundle's top level: a run like it then compiles almost nothing. It is made by
// the node running this script; another node (version or V8 flags) refuses it, and the program then
// compiles from source, as it would without a cache.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.join(root, 'dist');
const { values: opt } = parseArgs({
  options: {
    bundle: { type: 'string', default: path.join(dist, 'cli-main.cjs') },
    out: { type: 'string', default: path.join(dist, 'cli-main.cache') },
    raw: { type: 'boolean', default: false },
  },
});
const { runCommonJs, sourceText } = await import(path.join(dist, 'run-commonjs.js'));
const { sealCache } = await import(path.join(dist, 'code-cache.js'));

const file = path.resolve(opt.bundle);
const source = readFileSync(file);
// The same text the program compiles at run time (sourceText), or V8 refuses the cache.
const { exports, script } = runCommonJs(file, sourceText(source), undefined);
let out = '';
let err = '';
const io = { stdout: (s) => void (out += s), stderr: (s) => void (err += s), env: {}, cwd: root };
const argv = ['render', '-f', path.join(root, 'kustomize-examples', 'quickstart')];
const code = await exports.main(argv, io, {});
if (code !== 0 || !out.includes('kind: Secret')) {
  process.stderr.write(`code-cache: the training run (eso-render ${argv.join(' ')}) failed with exit ${code}:\n${err}`);
  process.exit(1);
}
const payload = script.createCachedData();
writeFileSync(path.resolve(opt.out), opt.raw ? payload : sealCache(source, payload));
// SDK keep-alive timers must not hold the build.
process.exit(0);
