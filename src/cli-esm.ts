// The ES module build of the program (dist/cli.js runs it with ESO_RENDER_CODE_CACHE=0 or without the
// bin beside it). `version` and the pass-through need nothing else (src/cli-start.ts); the rest of the
// program comes from the code-cached bundle (src/code-cache.ts) when it can be used, else from the ES
// module chunks (dist/chunks/).
import { finish, processIO } from './cli-io.js';
import { startCli } from './cli-start.js';
import { loadCachedMain } from './code-cache.js';

/** Runs the command line; `dir` is dist/, where the code-cached bundle is looked for. */
export function runEsm(dir: string): void {
  finish(startCli(process.argv.slice(2), processIO(), async () => loadCachedMain(dir) ?? (await import('./cli-main.js')).main));
}
