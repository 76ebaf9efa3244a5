#!/usr/bin/env node
// The `eso-render` bin, dist/cli.cjs: scripts/bundle.mjs bundles this file as CommonJS (a CommonJS entry
// starts about 10 ms sooner than an ES module one: node does not set up its ES module loader). `version`
// and the pass-through are answered from this small file (src/cli-start.ts); anything else runs
// dist/cli-main.cjs with its V8 code cache (src/code-cache.ts), or, where that cannot be used or
// ESO_RENDER_CODE_CACHE=0 says not to, requires the same bundle as it is.
//
// Only meaningful bundled: `__dirname` and `require` are the CommonJS bundle's own (tsc's ES module
// output of this file is never run).
import { finish, processIO } from './cli-io.js';
import { startCli, type Main } from './cli-start.js';
import { loadCachedMain } from './code-cache.js';

const requireMain = (): Main => (require(`${__dirname}/cli-main.cjs`) as { main: Main }).main;
finish(startCli(process.argv.slice(2), processIO(), async () => loadCachedMain(__dirname) ?? requireMain()));
