// What every entry point does before the rest of the program is loaded (issue 19, start like `cat`):
// `version` is answered and a `render` stream with nothing to render is passed through with only the
// pass-through's few modules compiled; anything else loads the command table (src/cli-main.ts) through
// `loadMain` and hands it the same CommandIO, stdin included. dist/cli.js loads it from the code-cached
// bundle when it can (src/code-cache.ts), the single executable from its embedded asset.
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
  return (await loadMain())(argv, io, { passThroughTried: cmd === 'render' });
}
