// Evaluating one of our CommonJS bundles (dist/cli-main.cjs, the single executable's asset) as Node would
// require it, but through vm.Script so that V8 can be offered a code cache for it (docs/adr/0009-code-
// cache.md). Used by src/code-cache.ts (the bin), src/sea-main.ts and scripts/code-cache.mjs (which makes
// the caches); built-ins only, so the single executable's pass-through loads nothing more for it.
import { isAscii } from 'node:buffer';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Script } from 'node:vm';
import type { Main } from './cli-start.js';

/** The wrapper Node puts around a CommonJS module; a cache is made for, and offered with, this same text. */
export function wrapCommonJs(source: string): string {
  return `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
}

/**
 * A bundle's bytes as source text. Our bundles are ASCII (scripts/lib/ascii-source.mjs), read as latin1:
 * three times faster than decoding UTF-8 for the same string. Anything else is decoded as UTF-8.
 */
export function sourceText(bytes: Buffer): string {
  return bytes.toString(isAscii(bytes) ? 'latin1' : 'utf8');
}

type Wrapped = (e: object, r: NodeJS.Require, m: { exports: object }, f: string, d: string) => void;

/** Evaluates a CommonJS bundle's text as `file`, with `cachedData` offered to V8; its exports and the script. */
export function runCommonJs(file: string, source: string, cachedData: Buffer | undefined): { exports: { main?: Main }; script: Script } {
  const script = new Script(wrapCommonJs(source), { filename: file, ...(cachedData ? { cachedData } : {}) });
  const fn = script.runInThisContext() as Wrapped;
  const mod = { exports: {} as { main?: Main } };
  fn(mod.exports, createRequire(file), mod, file, path.dirname(file));
  return { exports: mod.exports, script };
}
