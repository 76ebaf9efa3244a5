// The single executable's main (scripts/build-sea.mjs bundles it alone; issue 19). It answers `version`
// and passes a `render` stream with nothing to render through, as dist/cli.js does, with only the
// pass-through's few modules compiled; anything else evaluates the rest of the program, bundled from
// src/cli-main.ts and embedded as the SEA asset `cli-main.cjs` (with its V8 code cache, `cli-main.cache`,
// trained on the quickstart as dist/cli-main.cache is: docs/adr/0009-code-cache.md), and hands it the same CommandIO, stdin included.
//
// Not used by dist/cli.js: outside a single executable there is no asset to load.
import { isAscii } from 'node:buffer';
import { createRequire } from 'node:module';
import { getAsset } from 'node:sea';
import path from 'node:path';
import { Script } from 'node:vm';
import { finish, processIO } from './cli-io.js';
import { startCli, type Main } from './cli-start.js';

/** Evaluate the embedded rest of the program (a CommonJS bundle that requires built-ins only). */
function loadCliMain(): Main {
  const filename = path.join(path.dirname(process.execPath), 'cli-main.cjs');
  let cachedData: Buffer | undefined;
  try {
    cachedData = Buffer.from(getAsset('cli-main.cache'));
  } catch {
    // built without a code cache
  }
  // ASCII (scripts/build-sea.mjs): read as latin1, three times faster than decoding UTF-8.
  const raw = Buffer.from(getAsset('cli-main.cjs'));
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${raw.toString(isAscii(raw) ? 'latin1' : 'utf8')}\n})`;
  const script = new Script(wrapped, { filename, ...(cachedData ? { cachedData } : {}) });
  const fn = script.runInThisContext() as (e: object, r: NodeJS.Require, m: { exports: object }, f: string, d: string) => void;
  const mod = { exports: {} as { main?: Main } };
  fn(mod.exports, createRequire(process.execPath), mod, filename, path.dirname(filename));
  if (typeof mod.exports.main !== 'function') throw new Error('internal: the embedded program has no main');
  return mod.exports.main;
}

finish(startCli(process.argv.slice(2), processIO(), async () => loadCliMain()));
