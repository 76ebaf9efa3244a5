// The single executable's main (scripts/build-sea.mjs bundles it alone; issue 19). It answers `version`
// and passes a `render` stream with nothing to render through, as dist/cli.js does, with only the
// pass-through's few modules compiled; anything else evaluates the rest of the program, bundled from
// src/cli-main.ts and embedded as the SEA asset `cli-main.cjs` (with its V8 code cache, `cli-main.cache`,
// trained on the quickstart as dist/cli-main.cache is: docs/adr/0009-code-cache.md), and hands it the same CommandIO, stdin included.
//
// Not used by dist/cli.js: outside a single executable there is no asset to load.
import { getAsset } from 'node:sea';
import path from 'node:path';
import { finish, processIO } from './cli-io.js';
import { startCli, type Main } from './cli-start.js';
import { runCommonJs, sourceText } from './run-commonjs.js';

/** Evaluate the embedded rest of the program (a CommonJS bundle that requires built-ins only). */
function loadCliMain(): Main {
  const filename = path.join(path.dirname(process.execPath), 'cli-main.cjs');
  let cachedData: Buffer | undefined;
  try {
    cachedData = Buffer.from(getAsset('cli-main.cache'));
  } catch {
    // built without a code cache
  }
  const { exports } = runCommonJs(filename, sourceText(Buffer.from(getAsset('cli-main.cjs'))), cachedData);
  if (typeof exports.main !== 'function') throw new Error('internal: the embedded program has no main');
  return exports.main;
}

finish(startCli(process.argv.slice(2), processIO(), async () => loadCliMain()));
