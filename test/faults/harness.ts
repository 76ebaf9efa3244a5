// What every fault-injection file shares: running the built CLI with a bound on its life, judging a run
// (recovered through retries with the fault-free output, or failed clean), and the per-fault report.

import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { cliPath, repoRoot } from '../helpers/cli.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** The process outlived its deadline by far and was killed by the harness. */
  killed: boolean;
}

/** Runs `node dist/cli.js <args>` with `stdin`; kills it (and says so) if it lives past `killAfterMs`. */
export function runCli(args: string[], stdin: string, env: Record<string, string>, killAfterMs: number): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const child = spawn(process.execPath, [cliPath, ...args], {
      cwd: repoRoot,
      env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/tmp', ...env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let killed = false;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, stdout, stderr, ms: Date.now() - started, killed });
    });
    child.stdin.end(stdin);
  });
}

/** One remote read of the stream, as a failure must name it. */
export interface Read {
  externalSecret: string;
  field: string;
  store: string;
  key: string;
}

export type Outcome = 'recovered' | 'failed clean';

export interface Judgement {
  outcome: Outcome | 'WRONG';
  problems: string[];
}

const STACK_FRAME = /\n\s+at .+:\d+:\d+/;

interface JsonResult {
  level?: string;
  message?: string;
  resourceRef?: { name?: string };
  field?: { path?: string };
  tags?: Record<string, string>;
}

/** The findings of a `--log-format json` run (one JSON object a line); other lines are returned as text. */
export function jsonFindings(stderr: string): { results: JsonResult[]; otherLines: string[] } {
  const results: JsonResult[] = [];
  const otherLines: string[] = [];
  for (const line of stderr.split('\n')) {
    if (!line.trim()) continue;
    try {
      const v = JSON.parse(line) as unknown;
      if (v && typeof v === 'object' && !Array.isArray(v)) results.push(v as JsonResult);
      else otherLines.push(line);
    } catch {
      otherLines.push(line);
    }
  }
  return { results, otherLines };
}

/** Whether an error finding names this read: resource, field, store and key (in tags or in the text). */
export function names(r: JsonResult, read: Read): boolean {
  const text = r.message ?? '';
  return (
    r.level === 'error' &&
    r.resourceRef?.name === read.externalSecret &&
    (r.field?.path ?? '').startsWith(read.field) &&
    ((r.tags?.['store'] ?? '').includes(read.store) || text.includes(read.store)) &&
    (r.tags?.['key'] === read.key || text.includes(read.key))
  );
}

/**
 * Recovered: exit 0 and stdout byte-identical to the fault-free run. Failed clean: exit 1, nothing on
 * stdout, every failing read named (ExternalSecret, field, store, key) by an error finding, no stack
 * trace, no value, done within the deadline plus `marginMs`. Anything else is wrong, with the reasons.
 * Expects a run with `--log-format json`.
 */
export function judge(r: Run, o: { baseline: string; reads: Read[]; deadlineMs: number; marginMs: number; values: string[] }): Judgement {
  const problems: string[] = [];
  if (r.killed) problems.push(`still running ${r.ms} ms after start (deadline ${o.deadlineMs} ms): killed`);
  else if (r.ms > o.deadlineMs + o.marginMs) problems.push(`took ${r.ms} ms, deadline ${o.deadlineMs} ms + ${o.marginMs} ms margin`);
  if (STACK_FRAME.test(r.stderr)) problems.push('stack trace on stderr');
  if (/internal error/i.test(r.stderr)) problems.push('internal error on stderr');
  for (const v of o.values) if (r.stderr.includes(v)) problems.push(`a secret value on stderr (${v.slice(0, 8)}…)`);
  const { results, otherLines } = jsonFindings(r.stderr);
  if (otherLines.length) problems.push(`stderr lines that are not JSON findings: ${otherLines.slice(0, 2).join(' / ').slice(0, 200)}`);
  if (r.code === 0) {
    if (r.stdout !== o.baseline) problems.push('exit 0 but the output differs from the fault-free run');
    return { outcome: problems.length ? 'WRONG' : 'recovered', problems };
  }
  if (r.code !== 1) problems.push(`exit ${r.code}, want 0 or 1`);
  if (r.stdout !== '') problems.push(`partial output: ${r.stdout.length} bytes on stdout`);
  for (const read of o.reads) {
    if (!results.some((x) => names(x, read))) problems.push(`no error names ${read.externalSecret} ${read.field} (${read.store} ${read.key})`);
  }
  return { outcome: problems.length ? 'WRONG' : 'failed clean', problems };
}

/** The first error finding's message, shortened, for the report. */
export function firstError(stderr: string): string {
  return (jsonFindings(stderr).results.find((x) => x.level === 'error')?.message ?? '').slice(0, 140);
}

/** At most `n` CLI runs at once across a file's concurrent tests (each run loads an SDK: CPU-heavy). */
export function semaphore(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (fn) => {
    while (active >= n) await new Promise<void>((r) => waiting.push(r));
    active++;
    try {
      return await fn();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

export interface ReportRow {
  fault: string;
  mode: string;
  outcome: string;
  code: number;
  ms: number;
  requests: number;
  faulted: number;
  note: string;
}

/** Collects rows and prints the per-fault table; ESO_RENDER_FAULT_REPORT=<file> appends it there too. */
export class FaultReport {
  readonly rows: ReportRow[] = [];
  constructor(readonly backend: string) {}

  add(row: ReportRow): void {
    this.rows.push(row);
  }

  table(): string {
    const head = `### ${this.backend}\n\n| fault | when | outcome | exit | ms | requests | faulted | note |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n`;
    const order = (r: ReportRow) => `${r.fault}\u0000${r.mode}`;
    const body = [...this.rows]
      .sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))
      .map((r) => `| ${r.fault} | ${r.mode} | ${r.outcome} | ${r.code} | ${r.ms} | ${r.requests} | ${r.faulted} | ${r.note.replace(/\|/g, '/')} |`)
      .join('\n');
    return `${head}${body}\n`;
  }

  print(): void {
    const t = this.table();
    console.log(t);
    const file = process.env['ESO_RENDER_FAULT_REPORT'];
    if (file) appendFileSync(file, `${t}\n`);
  }
}
