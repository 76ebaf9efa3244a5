// The commands: render | generate | krm | validate | version, plus the two ways kustomize and kpt call a
// function (no arguments with a ResourceList on stdin; a legacy plugin's config file as argv[1]).

import { existsSync, statSync } from 'node:fs';
import type { CommandIO } from './frontends/render-cmd.js';
import { VERSION } from './version.js';

// Each command's front end is imported when the command runs, so `version` and `--help` load nothing
// and each front end loads only what it uses.

const usage = `Usage: eso-render <command> [options]

Commands:
  render     render a manifest stream (stdin or -f) to stdout, ExternalSecrets replaced by Secrets
  generate   Argo CD Config Management Plugin: build the app folder, then render
  validate   check manifests without credentials (schemas, ESO rules, stores, policy, templates)
  krm        KRM function: a ResourceList on stdin, a ResourceList on stdout (also the default with no arguments)
  version    print the version

Run 'eso-render <command> --help' for a command's options.
`;

/**
 * Run one command. `passThroughTried`: the caller (the single executable's small main) already offered a
 * `render` stream to the pass-through and it declined, so it is not scanned twice.
 */
export async function main(argv: string[], io: CommandIO, opts: { passThroughTried?: boolean } = {}): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'render':
      // A stream with nothing to render is copied through before anything else loads (issue 19).
      return (
        (opts.passThroughTried ? undefined : await (await import('./frontends/passthrough.js')).passThrough(rest, io)) ??
        (await import('./frontends/render-cmd.js')).runRender(rest, io)
      );
    case 'validate':
      return (await import('./frontends/validate-cmd.js')).runValidate(rest, io);
    case 'version':
    case '--version':
      io.stdout(`eso-render ${VERSION}\n`);
      return 0;
    case '-h':
    case '--help':
    case 'help':
      io.stdout(usage);
      return 0;
    case undefined:
    case 'krm': {
      const { runKrm } = await import('./frontends/krm.js');
      const input = await io.stdin();
      io.releaseStdin?.();
      io.noteInput?.(input);
      const r = await runKrm(input, { cwd: io.cwd, vars: io.env });
      io.stdout(r.stdout);
      io.stderr(r.stderr);
      return r.code;
    }
    case 'generate':
      return (await import('./frontends/cmp.js')).runGenerate(rest, io);
    default:
      // kustomize's legacy exec plugins are called with the plugin config file as the only argument.
      if (existsSync(cmd) && statSync(cmd).isFile()) {
        const { runLegacyPlugin } = await import('./frontends/krm.js');
        const input = await io.stdin();
        io.noteInput?.(input);
        const r = await runLegacyPlugin(cmd, input, { cwd: io.cwd, vars: io.env });
        io.stdout(r.stdout);
        io.stderr(r.stderr);
        return r.code;
      }
      io.stderr(`eso-render: unknown command ${JSON.stringify(cmd)}\n\n${usage}`);
      return 2;
  }
}

