// Our CommonJS bundles (dist/cli-main.cjs, the single executable's asset) are kept ASCII, so that
// src/run-commonjs.ts reads them as latin1, three times faster than decoding UTF-8. esbuild escapes
// strings (charset: 'ascii') but not regular expression literals and comments; a \uXXXX escape of each
// non-ASCII UTF-16 unit means the same there (and in identifiers).
import { readFileSync, writeFileSync } from 'node:fs';

export function makeAscii(file) {
  const text = readFileSync(file, 'utf8');
  writeFileSync(file, text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
}
