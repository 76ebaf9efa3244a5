#!/usr/bin/env node
// `node dist/cli.js`: the same program as the `eso-render` bin (dist/cli.cjs, src/cli-cjs.ts), as an ES
// module. `version` and the pass-through need nothing else (src/cli-start.ts); the rest of the program
// comes from the code-cached bundle (src/code-cache.ts), or from the ES module chunks (dist/chunks/) where
// that cannot be used or ESO_RENDER_CODE_CACHE=0 says not to.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { finish, processIO } from './cli-io.js';
import { startCli } from './cli-start.js';
import { loadCachedMain } from './code-cache.js';

const dir = path.dirname(fileURLToPath(import.meta.url));
finish(startCli(process.argv.slice(2), processIO(), async () => loadCachedMain(dir) ?? (await import('./cli-main.js')).main));
