// Runs the built CLI as a user would, with input on stdin: the `eso-render` bin, dist/cli.cjs.
import { spawn } from 'node:child_process';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
export const cliPath = path.join(repoRoot, 'dist', 'cli.cjs');
/** The ES module entry (`node dist/cli.js`): with ESO_RENDER_CODE_CACHE=0 it loads the program as ES module chunks. */
export const esmCliPath = path.join(repoRoot, 'dist', 'cli.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], stdin = '', opts: { cwd?: string; env?: NodeJS.ProcessEnv; entry?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [opts.entry ?? cliPath, ...args], {
      cwd: opts.cwd ?? repoRoot,
      env: opts.env ?? { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp' },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(stdin);
  });
}
