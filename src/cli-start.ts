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
  keepYoungGenerationSmall();
  return main(argv, io, { passThroughTried: cmd === 'render' });
}

/**
 * Peak memory (issue 19). V8 doubles the young generation each time as much has survived it as it holds,
 * up to 16 MB a semi-space: worth it to a long-lived server, not to a run that lasts a fraction of a
 * second and is started once per Application and build. Kept at its first size, the 1,000-resource stream
 * peaks 4.4 MB lower at the same speed, 10,000 ExternalSecrets 19 MB lower at 5 % more time (ADR 10,
 * docs/adr/0010-young-generation.md). V8 reads this flag each time it would grow the young generation,
 * so setting it at run time takes effect. It is set only once the program is compiled: V8 refuses a code cache made
 * under other flags, and ours are made under none (docs/adr/0009-code-cache.md). node:v8 is required
 * here, not imported, so that `version` and the pass-through never load it.
 */
function keepYoungGenerationSmall(): void {
  // V8 writes an error to stderr for a flag it does not know, so only the V8 versions of Node 20 to 24
  // (11 to 13) get it; later V8s define it with a floor of 2 (then this changes nothing).
  const major = Number(process.versions.v8.split('.')[0]);
  if (!(major >= 11 && major <= 13)) return;
  const v8 = createRequire(process.execPath)('node:v8') as typeof import('node:v8');
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
