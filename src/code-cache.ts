// dist/cli.cjs (the `eso-render` bin) and dist/cli.js run the program from dist/cli-main.cjs, one CommonJS bundle of src/cli-main.ts and
// everything it imports (yaml included; the provider SDKs and the lazily loaded packages stay in
// node_modules), compiled with the V8 code cache dist/cli-main.cache that `npm run build` makes by
// running the quickstart once (scripts/code-cache.mjs; docs/adr/0009-code-cache.md). Node 20 has no
// compile cache for ES modules, and compiling our code was most of a small run's start-up.
//
// V8 checks the cache's version and flags and the source's length, and compiles from source when they do
// not fit; it does not check the bytes themselves (a corrupted cache aborts the process inside V8), nor
// that the cache was made for this source. So the cache file carries the SHA-256 of the source it was
// made for and of its own payload (`sealCache`), both checked before V8 sees it (about 2 ms); a missing,
// stale, damaged or refused cache is never an error, only a slower start. The bundle holds no `import()`
// (scripts/bundle.mjs makes them `require()`): a function compiled from a code cache loses vm.Script's
// dynamic-import callback. Without the bundle, or with ESO_RENDER_CODE_CACHE=0, the caller loads the
// program without the cache.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Main } from './cli-start.js';
import { runCommonJs, sourceText } from './run-commonjs.js';

const MAGIC = Buffer.from('eso-render V8 code cache 1\n');

const sha256 = (b: Buffer): Buffer => createHash('sha256').update(b).digest();

/** The cache file's bytes: a header naming the source it was made for and the payload's digest, then the payload. */
export function sealCache(source: Buffer, payload: Buffer): Buffer {
  return Buffer.concat([MAGIC, sha256(source), sha256(payload), payload]);
}

/** The payload of a cache file made for `source`, or undefined when it is not one (stale, damaged, truncated). */
export function openCache(source: Buffer, file: Buffer): Buffer | undefined {
  const head = MAGIC.length;
  if (file.length <= head + 64 || !file.subarray(0, head).equals(MAGIC)) return undefined;
  const payload = file.subarray(head + 64);
  if (!file.subarray(head, head + 32).equals(sha256(source))) return undefined;
  if (!file.subarray(head + 32, head + 64).equals(sha256(payload))) return undefined;
  return payload;
}

/**
 * `main` from `dir`/cli-main.cjs with its code cache, or undefined when the caller must load the program
 * another way (dist/cli.js: the ES module chunks; dist/cli.cjs: the same bundle, required as it is).
 */
export function loadCachedMain(dir: string, env: NodeJS.ProcessEnv = process.env): Main | undefined {
  if (env.ESO_RENDER_CODE_CACHE === '0') return undefined;
  const file = path.join(dir, 'cli-main.cjs');
  let source: Buffer;
  try {
    source = readFileSync(file);
  } catch {
    return undefined;
  }
  let cachedData: Buffer | undefined;
  try {
    cachedData = openCache(source, readFileSync(path.join(dir, 'cli-main.cache')));
  } catch {
    // built without a cache: compiled from source
  }
  const { exports } = runCommonJs(file, sourceText(source), cachedData);
  if (typeof exports.main !== 'function') throw new Error('internal: dist/cli-main.cjs has no main');
  return exports.main;
}
