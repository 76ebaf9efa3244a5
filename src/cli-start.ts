// What every entry point does before the rest of the program is loaded (issue 19, start like `cat`):
// `version` is answered and a `render` stream with nothing to render is passed through with only the
// pass-through's few modules compiled; anything else loads the command table (src/cli-main.ts) through
// `loadMain` and hands it the same CommandIO, stdin included. The bin (dist/cli.cjs, which dist/cli.js
// runs too) loads it from the code-cached bundle when it can (src/code-cache.ts), the ES module build
// (src/cli-esm.ts) from the same bundle or its chunks, the single executable from its embedded asset.
import { createRequire } from 'node:module';
import type { main as cliMain } from './cli-main.js';
import type { CommandIO } from './frontends/render-cmd.js';
import { VERSION } from './version.js';

export type Main = typeof cliMain;

export async function startCli(argv: string[], io: CommandIO, loadMain: () => Promise<Main>): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === 'version' || cmd === '--version') {
    io.stdout(`eso-render ${VERSION}\n`);
    return 0;
  }
  if (cmd === 'render') {
    const code = await (await import('./frontends/passthrough.js')).passThrough(rest, io);
    if (code !== undefined) return code;
  }
  const main = await loadMain();
  const noteInput = fitV8ToRun();
  return main(argv, noteInput ? { ...io, noteInput } : io, { passThroughTried: cmd === 'render' });
}

/**
 * How many ESO apiVersions a run's input holds before V8's optimizing compiler is turned on (ADR 11):
 * with fewer, TurboFan's compiles cost more time than the optimized code saves, and 8-16 MB of peak memory.
 */
export const OPTIMIZE_FROM = 1500;

/**
 * How often an ESO apiVersion occurs in `input`, counted up to `atMost`; reads nothing else of it. (The
 * pass-through's `mentionsEso`, in frontends/stream-scan.ts, asks only whether one does; this entry file
 * must not load the stream modules, scripts/bundle.mjs checks it.)
 */
export function countEsoMentions(input: string | Uint8Array, atMost: number): number {
  const needle = 'external-secrets.io/';
  const hay = typeof input === 'string' ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  let n = 0;
  for (let at = hay.indexOf(needle); at !== -1 && n < atMost; at = hay.indexOf(needle, at + needle.length)) n++;
  return n;
}

/**
 * V8's settings for a run of a fraction of a second, made once the program is compiled: V8 refuses a code
 * cache made under other flags, and ours are made under none (docs/adr/0009-code-cache.md). node:v8 is
 * required here, not imported, so that `version` and the pass-through never load it. Returns the
 * CommandIO.noteInput that turns the optimizing compiler back on for a large input, or undefined where
 * TurboFan is left as V8 has it.
 *
 * - The young generation stays at its first size (ADR 10). V8 doubles it each time as much has survived
 *   it as it holds, up to 16 MB a semi-space: worth it to a long-lived server, not to this. The 1,000-resource
 *   stream peaks 4.4 MB lower at the same speed, 10,000 ExternalSecrets 19 MB lower at 5 % more time. V8
 *   reads the flag each time it would grow the young generation, so setting it at run time takes effect.
 * - TurboFan is off until the input holds OPTIMIZE_FROM ESO resources (ADR 11). V8 reads the flag each
 *   time it considers a function for optimization. The input is counted before it is parsed, so a large
 *   stream is read with TurboFan already on.
 *
 * V8 writes an error to stderr for a flag it does not know, so the growth factor is set only on the V8s of
 * Node 20 to 24 (11 to 13; later V8s floor it at 2, where 1 changes nothing). TurboFan is turned off only
 * on Node 20's V8 (11): from V8 12 (Node 22) Maglev optimizes between Sparkplug and TurboFan, which
 * changes the trade, unmeasured.
 */
function fitV8ToRun(): ((input: string | Uint8Array) => void) | undefined {
  const major = Number(process.versions.v8.split('.')[0]);
  if (!(major >= 11 && major <= 13)) return undefined;
  const v8 = createRequire(process.execPath)('node:v8') as typeof import('node:v8');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
  if (major !== 11) return undefined;
  v8.setFlagsFromString('--no-turbofan');
  let seen = 0;
  return (input) => {
    if (seen >= OPTIMIZE_FROM) return;
    seen += countEsoMentions(input, OPTIMIZE_FROM - seen);
    if (seen >= OPTIMIZE_FROM) v8.setFlagsFromString('--turbofan');
  };
}
