// Packages that only some runs use, loaded synchronously on first use instead of by an `import` that
// every run pays for (issue 19): re2js when a regular expression is compiled, node-forge and bcryptjs
// when a template calls a function that uses them. All three ship a CommonJS entry point, so
// `createRequire` loads them without making their callers async.
//
// The single executable (scripts/build-sea.mjs) bundles this file with every `load('<name>')` call
// rewritten to a plain `require('<name>')`, which esbuild sees and bundles (still evaluated on the first
// call); keep each call a literal package name.

import { createRequire } from 'node:module';

type Re2jsModule = typeof import('re2js');
type ForgeModule = typeof import('node-forge');
type BcryptModule = typeof import('bcryptjs');

const load = createRequire(import.meta.url);

let re2js: Re2jsModule | undefined;
let forge: ForgeModule | undefined;
let bcrypt: BcryptModule | undefined;

/** re2js's RE2JS class (Go's regexp syntax and semantics). */
export function re2(): Re2jsModule['RE2JS'] {
  return (re2js ??= load('re2js') as Re2jsModule).RE2JS;
}

/** node-forge (the PKCS#12 key derivation and RC2 that node's crypto lacks). */
export function nodeForge(): ForgeModule {
  return (forge ??= load('node-forge') as ForgeModule);
}

/** bcryptjs (sprig's htpasswd). */
export function bcryptjs(): BcryptModule {
  return (bcrypt ??= load('bcryptjs') as BcryptModule);
}

