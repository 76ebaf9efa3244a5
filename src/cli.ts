#!/usr/bin/env node
// The one executable: render | generate | krm | validate | version, plus the two ways kustomize and kpt
// call a function (no arguments with a ResourceList on stdin; a legacy plugin's config file as argv[1]).

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

let stdinRead: Promise<Buffer> | undefined;
function readStdinBytes(): Promise<Buffer> {
  stdinRead ??= new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    process.stdin.on('data', (c: Buffer) => chunks.push(c));
    process.stdin.on('end', () => resolve(Buffer.concat(chunks)));
    process.stdin.on('error', reject);
  });
  return stdinRead;
}

const io: CommandIO = {
  stdin: async () => (await readStdinBytes()).toString('utf8'),
  stdinBytes: readStdinBytes,
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  env: process.env,
  cwd: process.cwd(),
};

async function main(argv: string[]): Promise<number> {
  const [cmd, ...rest] = argv;
  switch (cmd) {
    case 'render':
      // A stream with nothing to render is copied through before anything else loads (issue 19).
      return (await (await import('./frontends/passthrough.js')).passThrough(rest, io)) ?? (await import('./frontends/render-cmd.js')).runRender(rest, io);
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
      const r = await runKrm(await io.stdin(), { cwd: io.cwd, vars: io.env });
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
        const r = await runLegacyPlugin(cmd, await io.stdin(), { cwd: io.cwd, vars: io.env });
        io.stdout(r.stdout);
        io.stderr(r.stderr);
        return r.code;
      }
      io.stderr(`eso-render: unknown command ${JSON.stringify(cmd)}\n\n${usage}`);
      return 2;
  }
}

/** Exit once stdout and stderr are flushed: SDK timers (retry sleeps, keep-alive sockets) must not hold the process. */
function exitAfterFlush(code: number): void {
  let pending = 2;
  const done = () => {
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

main(process.argv.slice(2)).then(exitAfterFlush, (e: unknown) => {
  // Never a stack trace to the user: it could carry values from a provider's response.
  process.stderr.write(`eso-render: internal error: ${e instanceof Error ? e.name : 'unknown'}\n`);
  exitAfterFlush(2);
});
