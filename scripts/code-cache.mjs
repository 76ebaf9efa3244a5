#!/usr/bin/env node
// Makes dist/cli-main.cache, the V8 code cache dist/cli.js offers when it compiles dist/cli-main.cjs
// (src/code-cache.ts; docs/adr/0009-code-cache.md). Run by scripts/bundle.mjs after it wrote the bundle.
//
// The cache is taken after a training run, the quickstart on the built-in fake store (no network, no
// credentials, nothing written but the cache), so it holds the bytecode of every function that run
// compiled, not only the bundle's top level: a run like it then compiles almost nothing. It is made by
// the node running the build; another node (version or V8 flags) refuses it, and dist/cli.js then
// compiles from source, as it would without a cache.
import { writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const dist = path.join(root, 'dist');
const { runCommonJs, sealCache } = await import(path.join(dist, 'code-cache.js'));

const file = path.join(dist, 'cli-main.cjs');
const source = readFileSync(file);
const { exports, script } = runCommonJs(file, source.toString('utf8'), undefined);
let out = '';
let err = '';
const io = {
  stdout: (s) => void (out += s),
  stderr: (s) => void (err += s),
  env: {},
  cwd: root,
};
const argv = ['render', '-f', path.join(root, 'kustomize-examples', 'quickstart')];
const code = await exports.main(argv, io, {});
if (code !== 0 || !out.includes('kind: Secret')) {
  process.stderr.write(`code-cache: the training run (eso-render ${argv.join(' ')}) failed with exit ${code}:\n${err}`);
  process.exit(1);
}
// Sealed with the digests of the source and of the payload, which dist/cli.js checks before V8 reads it.
writeFileSync(path.join(dist, 'cli-main.cache'), sealCache(source, script.createCachedData()));
