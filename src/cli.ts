#!/usr/bin/env node
// `node dist/cli.js`: the same program as the `eso-render` bin, dist/cli.cjs (src/bin.ts), which it
// runs when it is beside it: the bin is CommonJS and loads the code-cached program (src/code-cache.ts),
// and node starts it sooner than a program of ES modules (the 100-resource pass-through 1.11× `node -e 0`
// against 1.27×; docs/benchmarks.md). With ESO_RENDER_CODE_CACHE=0, or without the bin, it runs the ES
// module build (src/cli-esm.ts and dist/chunks/), whose files show which modules a run loads (test/lazy).
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(dir, 'cli.cjs');
if (process.env['ESO_RENDER_CODE_CACHE'] !== '0' && existsSync(bin)) createRequire(import.meta.url)(bin);
else (await import('./cli-esm.js')).runEsm(dir);
