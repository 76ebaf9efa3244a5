// The one place eso-render starts other programs (kustomize, kubectl, helm). No shell is involved:
// arguments reach the program as given, so a value from an Application can never become a flag or a
// command of its own. Each child runs in its own process group so a deadline or a SIGTERM from
// argocd-cmp-server ends it together with anything it started (kustomize runs helm, helm runs plugins).
import { spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

export interface ProcessResult {
  /** Exit code, or null when the process was ended by a signal. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: string;
  /** Ended by us because the deadline passed or the run was aborted. */
  killed: 'deadline' | 'aborted' | undefined;
  /** stdout grew past `maxStdoutBytes` and the process was stopped. */
  truncated: boolean;
}

export interface RunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Milliseconds before the process group gets SIGTERM (and SIGKILL 2 s later). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Cap on stdout; a build printing more is stopped rather than exhausting memory. */
  maxStdoutBytes?: number;
  /** Cap on the stderr kept (the tail is what explains a failure). */
  maxStderrBytes?: number;
}

/** The executable `name` would resolve to on `PATH`, or undefined. */
export function findOnPath(name: string, pathVar: string | undefined): string | undefined {
  if (isAbsolute(name)) return isExecutable(name) ? name : undefined;
  for (const dir of (pathVar ?? '').split(delimiter)) {
    if (dir === '') continue;
    const p = join(dir, name);
    if (isExecutable(p)) return p;
  }
  return undefined;
}

function isExecutable(p: string): boolean {
  try {
    if (!statSync(p).isFile()) return false;
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const live = new Set<ChildProcess>();

function killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, sig);
  } catch {
    try {
      child.kill(sig);
    } catch {
      // already gone
    }
  }
}

/** Ends every child still running (used on SIGTERM before exiting). */
export function killAllChildren(): void {
  for (const c of live) killGroup(c, 'SIGKILL');
}

export function runProcess(file: string, args: readonly string[], opts: RunOptions): Promise<ProcessResult> {
  const maxOut = opts.maxStdoutBytes ?? 256 * 1024 * 1024;
  const maxErr = opts.maxStderrBytes ?? 64 * 1024;
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn(file, args, { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    } catch (e) {
      reject(e);
      return;
    }
    live.add(child);
    const out: Buffer[] = [];
    let outBytes = 0;
    let err = '';
    let killed: ProcessResult['killed'];
    let truncated = false;
    let hardKill: NodeJS.Timeout | undefined;
    const stop = (why: NonNullable<ProcessResult['killed']> | 'truncated') => {
      if (why === 'truncated') truncated = true;
      else killed ??= why;
      killGroup(child, 'SIGTERM');
      hardKill ??= setTimeout(() => killGroup(child, 'SIGKILL'), 2000);
    };
    const timer = setTimeout(() => stop('deadline'), Math.max(0, opts.timeoutMs));
    const onAbort = () => stop('aborted');
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.signal?.aborted) onAbort();
    child.stdout!.on('data', (d: Buffer) => {
      if (truncated) return;
      outBytes += d.length;
      if (outBytes > maxOut) stop('truncated');
      else out.push(d);
    });
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString('utf8');
      if (err.length > 2 * maxErr) err = err.slice(-maxErr);
    });
    const finish = () => {
      clearTimeout(timer);
      if (hardKill) clearTimeout(hardKill);
      opts.signal?.removeEventListener('abort', onAbort);
      live.delete(child);
    };
    child.on('error', (e) => {
      finish();
      reject(e);
    });
    child.on('close', (code, signal) => {
      finish();
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out),
        stderr: err.length > maxErr ? err.slice(-maxErr) : err,
        killed,
        truncated,
      });
    });
  });
}
