// What every fault-injection file shares: running the built CLI with a bound on its life, judging a run
// (recovered through retries with the fault-free output, or failed clean), and the per-fault report.

import { spawn } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import { cliPath, repoRoot } from '../helpers/cli.js';
import { always, faults, firstN, startFaultProxy, type Fault, type FaultProxy, type FaultProxyOptions, type Plan, type ProxyLogEntry } from '../helpers/fault-proxy.js';
import { parseManifests } from '../../src/frontends/stream.js';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
  ms: number;
  /** The process outlived its deadline by far and was killed by the harness. */
  killed: boolean;
  /** Time from the last byte written (stdout or stderr) to the process's exit. */
  exitLagMs: number;
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
    let lastOutput = started;
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, killAfterMs);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
      lastOutput = Date.now();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
      lastOutput = Date.now();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const now = Date.now();
      resolve({ code: code ?? -1, stdout, stderr, ms: now - started, killed, exitLagMs: now - lastOutput });
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
/** How long a process may take to exit once it has written its result (a loaded machine is slow). */
const EXIT_LAG_MS = 1_000;

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
  // Once the result is out, nothing may keep the process alive (sockets, SDK timers).
  if (!r.killed && r.exitLagMs > EXIT_LAG_MS) problems.push(`the process lived ${r.exitLagMs} ms after its last output`);
  if (STACK_FRAME.test(r.stderr)) problems.push('stack trace on stderr');
  if (/eso-render: internal error/.test(r.stderr)) problems.push('eso-render: internal error on stderr');
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

/** One fault scenario of a backend's matrix. */
export interface Scenario {
  fault: string;
  /** What a transient fault (the first 2 requests) must lead to; undefined: either outcome, but clean. */
  transient?: Outcome;
  /** Deadline for the transient run, when the fault itself costs time (hangs, slow bodies). */
  transientDeadlineMs?: number;
}

export type Mode = 'every request' | 'first 2 requests';

/** A backend (or a proxy in front of it) set up for one run. */
export interface Rig {
  env: Record<string, string>;
  extraArgs?: string[];
  /** The input stream, when it depends on the rig (a server address in a store); else the matrix's. */
  stdin?: string;
  /** Requests (or connections) that got the fault. */
  faulted(): number;
  /** Requests (or connections) seen. */
  seen(): number;
  /** The HTTP requests seen, in order, when the rig has an HTTP fault proxy (for Retry-After spacing). */
  log?(): ProxyLogEntry[];
  stop(): Promise<void>;
}

export interface Matrix<S extends Scenario> {
  backend: string;
  scenarios: S[];
  deadlineMs: number;
  reads: Read[];
  values: string[];
  stream: () => string;
  /** A rig with no fault (scenario undefined), or with this scenario's fault in this mode. */
  rig: (s: S | undefined, mode: Mode) => Promise<Rig>;
  /** Checks on the fault-free output (decoded values and so on). */
  checkBaseline: (stdout: string) => void;
  concurrency?: number;
  /**
   * The retry budget, written out here rather than imported: at most this many attempts per request of
   * the fault-free run. A persistent fault may cost at most attempts x the fault-free request count; a
   * transient one at most one extra request per faulted request. Raising the client's limit fails this.
   */
  attemptsPerRequest: number;
}

/**
 * Registers the fault-free baseline (beforeAll), one test per scenario and mode, and the report
 * (afterAll). Runs the built CLI with `--log-format json` so findings can be checked field by field.
 */
export function faultMatrix<S extends Scenario>(m: Matrix<S>, hooks: { beforeAll: (fn: () => Promise<void>, t?: number) => void; afterAll: (fn: () => void) => void; it: (name: string, fn: () => Promise<void>, t?: number) => void; expect: typeof import('vitest').expect }): { report: FaultReport; limit: ReturnType<typeof semaphore>; baseline: () => string; marginMs: () => number } {
  const { beforeAll, afterAll, it, expect } = hooks;
  const report = new FaultReport(m.backend);
  const limit = semaphore(m.concurrency ?? 3);
  let baseline = '';
  let baselineSeen = 0;
  let margin = 3_000;
  const args = (deadlineMs: number, extra: string[] = []) => ['render', '--deadline', `${deadlineMs}ms`, '--log-format', 'json', ...extra];

  beforeAll(async () => {
    const rig = await m.rig(undefined, 'every request');
    try {
      const r = await runCli(args(m.deadlineMs, rig.extraArgs), rig.stdin ?? m.stream(), rig.env, 30_000);
      expect(r.code, r.stderr).toBe(0);
      baseline = r.stdout;
      baselineSeen = rig.seen();
      expect(baselineSeen).toBeGreaterThan(0);
      // Start-up and exit time on this machine as loaded right now, so a slow box is not a failure.
      margin = Math.max(margin, r.ms);
    } finally {
      await rig.stop();
    }
    m.checkBaseline(baseline);
  }, 60_000);
  afterAll(() => report.print());

  for (const s of m.scenarios) {
    for (const mode of ['every request', 'first 2 requests'] as const) {
      const want = mode === 'every request' ? 'fails clean' : (s.transient ?? 'recovers or fails clean');
      const deadline = mode === 'every request' ? m.deadlineMs : (s.transientDeadlineMs ?? m.deadlineMs);
      it(`${s.fault}, ${mode}: ${want}`, async () => {
        const rig = await m.rig(s, mode);
        try {
          const r = await limit(() => runCli(args(deadline, rig.extraArgs), rig.stdin ?? m.stream(), rig.env, deadline + 30_000));
          const j = judge(r, { baseline, reads: mode === 'every request' ? m.reads : [], deadlineMs: deadline, marginMs: margin, values: m.values });
          const note = j.problems.join('; ') || (r.code ? firstError(r.stderr) : '');
          report.add({ fault: s.fault, mode, outcome: j.outcome, code: r.code, ms: r.ms, requests: rig.seen(), faulted: rig.faulted(), note });
          if (mode === 'every request') expect(rig.faulted()).toBeGreaterThan(0);
          // A stuck first request that is never retried leaves the second fault unused.
          else expect([1, 2]).toContain(rig.faulted());
          expect(j.problems, r.stderr).toEqual([]);
          if (mode === 'every request') expect(j.outcome).toBe('failed clean');
          else if (s.transient) expect(j.outcome, r.stderr).toBe(s.transient);
          // Request ceilings: retries are bounded per request, not only by the deadline.
          const ceiling = mode === 'every request' ? m.attemptsPerRequest * baselineSeen : baselineSeen + rig.faulted();
          expect(rig.seen(), `${rig.seen()} requests; ceiling ${ceiling} (${m.attemptsPerRequest} attempts x ${baselineSeen} fault-free requests)`).toBeLessThanOrEqual(ceiling);
          if (rig.log) expect(overRetried(rig.log(), m.attemptsPerRequest)).toEqual([]);
          if (mode === 'first 2 requests' && rig.log) expect(retryAfterViolations(rig.log())).toEqual([]);
        } finally {
          await rig.stop();
        }
      }, deadline + 60_000);
    }
  }
  return { report, limit, baseline: () => baseline, marginMs: () => margin };
}

/** Requests sent more often than the retry budget allows (the same method, URL and body). */
export function overRetried(log: ProxyLogEntry[], attempts: number): string[] {
  const counts = new Map<string, number>();
  for (const e of log) counts.set(e.identity, (counts.get(e.identity) ?? 0) + 1);
  return [...counts].filter(([, n]) => n > attempts).map(([id, n]) => `${id.slice(0, 120)}: ${n} attempts, budget ${attempts}`);
}

/**
 * Every request answered with a Retry-After of N seconds must not be sent again (same method, URL, and
 * for AWS operation and body)
 * sooner than N seconds later. Returns one line per early retry.
 */
export function retryAfterViolations(log: ProxyLogEntry[]): string[] {
  const out: string[] = [];
  for (const [i, e] of log.entries()) {
    if (!e.retryAfter) continue;
    const waitMs = Number(e.retryAfter) * 1000;
    const next = log.slice(i + 1).find((x) => x.identity === e.identity);
    // 50 ms of slack for timer granularity on a loaded machine.
    if (next && next.at - e.at < waitMs - 50) out.push(`${e.method} ${e.url}: retried after ${next.at - e.at} ms, Retry-After asked ${waitMs} ms`);
  }
  return out;
}

/**
 * A fault that hits only part of the stream: the run must still write nothing, name the failing reads,
 * and report no error against the ExternalSecrets whose reads succeeded.
 */
export function judgePartial(r: Run, o: { baseline: string; failing: Read[]; healthy: string[]; deadlineMs: number; marginMs: number; values: string[] }): string[] {
  const j = judge(r, { baseline: o.baseline, reads: o.failing, deadlineMs: o.deadlineMs, marginMs: o.marginMs, values: o.values });
  const problems = [...j.problems];
  if (j.outcome === 'recovered' || r.code === 0) problems.push('exit 0: a persistent fault on part of the stream must fail the run');
  const errs = jsonFindings(r.stderr).results.filter((x) => x.level === 'error');
  for (const h of o.healthy) if (errs.some((x) => x.resourceRef?.name === h)) problems.push(`an error is reported against ${h}, whose reads succeeded`);
  return problems;
}

/** A scenario whose fault is one the HTTP fault proxy injects. */
export interface HttpScenario extends Scenario {
  make: () => Fault;
}

/** The faults every HTTP backend is put through (AWS adds its own throttling error). */
export function httpFaultScenarios(): HttpScenario[] {
  return [
    { fault: 'HTTP 500', make: faults.http500, transient: 'recovered' },
    { fault: 'HTTP 502', make: faults.http502, transient: 'recovered' },
    { fault: 'HTTP 503', make: faults.http503, transient: 'recovered' },
    { fault: 'HTTP 429 + Retry-After: 1', make: () => faults.tooMany(1), transient: 'recovered' },
    { fault: 'connection reset mid-body', make: faults.reset, transient: 'recovered' },
    { fault: 'truncated JSON body (200)', make: faults.truncated },
    { fault: 'HTML error page (502)', make: () => faults.html(502), transient: 'recovered' },
    { fault: 'HTML error page (200)', make: () => faults.html(200) },
    // A request that never answers, or answers past the deadline: one stuck request must not sink the
    // run when retrying it would have worked (issue 10: per-request timeouts).
    { fault: 'no answer (timeout)', make: faults.hang, transient: 'recovered', transientDeadlineMs: 8_000 },
    { fault: 'slow body (1 byte / 250 ms)', make: faults.slow, transient: 'recovered', transientDeadlineMs: 8_000 },
  ];
}

/** An HTTP backend behind the fault proxy, and how a run of the CLI is pointed at the proxy. */
export interface ProxiedBackend {
  /** The backend's own address (the proxy's upstream), read when a proxy starts. */
  upstream: () => string;
  /** TLS for the proxy and the CA of the upstream, when the backend speaks HTTPS. */
  tls?: () => Pick<FaultProxyOptions, 'tls' | 'upstreamCa'>;
  /** Environment of a run through the proxy at `proxyUrl` (an address override, a request timeout). */
  env?: (proxyUrl: string) => Record<string, string>;
  /** The input stream for a run through the proxy, when the stream names the backend's address. */
  stdin?: (proxyUrl: string) => string;
  /** Further arguments of a run through the proxy (read at each run: a credentials folder made in beforeAll). */
  extraArgs?: (proxyUrl: string) => string[];
}

/** A fault proxy in front of the backend with `plan` (none: a clean proxy). */
export function proxyFor(b: ProxiedBackend, plan: Plan | undefined): Promise<FaultProxy> {
  return startFaultProxy({ upstream: b.upstream(), plan, ...(b.tls?.() ?? {}) });
}

/** The matrix's rig for a proxied backend: every request or the first two get the scenario's fault. */
export function proxyRig(b: ProxiedBackend): (s: HttpScenario | undefined, mode: Mode) => Promise<Rig> {
  return async (s, mode) => {
    const proxy = await proxyFor(b, s ? (mode === 'every request' ? always(s.make) : firstN(2, s.make)) : undefined);
    return {
      env: b.env?.(proxy.url) ?? {},
      ...(b.extraArgs ? { extraArgs: b.extraArgs(proxy.url) } : {}),
      ...(b.stdin ? { stdin: b.stdin(proxy.url) } : {}),
      faulted: () => proxy.faulted(),
      seen: () => proxy.log.length,
      log: () => proxy.log,
      stop: () => proxy.stop(),
    };
  };
}

/** A baseline check: the Secrets come out with these names, in order, and hold every value. */
export function expectSecrets(expect: typeof import('vitest').expect, secretNames: string[], values: string[]): (stdout: string) => void {
  return (stdout) => {
    const secrets = parseManifests(stdout).filter((i) => i.object.kind === 'Secret');
    expect(secrets.map((x) => x.object.metadata?.name)).toEqual(secretNames);
    const decoded = secrets.flatMap((x) => Object.values(x.object.data as Record<string, string>).map((v) => Buffer.from(v, 'base64').toString('utf8')));
    for (const v of values) expect(decoded).toContain(v);
  };
}

/**
 * Runs the CLI with `plan` failing some requests for good (those of the reads `failing` picks) and judges
 * it as judgePartial does, the healthy ExternalSecrets being those with no failing read: the problems
 * found (none expected), a plan that faulted nothing among them.
 */
export async function partialFaultProblems(
  b: ProxiedBackend,
  plan: Plan,
  o: { limit: ReturnType<typeof semaphore>; baseline: string; marginMs: number; deadlineMs: number; reads: Read[]; failing: (r: Read) => boolean; values: string[]; stdin?: string },
): Promise<{ problems: string[]; stderr: string; faulted: number }> {
  const proxy = await proxyFor(b, plan);
  try {
    const stdin = b.stdin ? b.stdin(proxy.url) : o.stdin ?? '';
    const args = ['render', '--deadline', `${o.deadlineMs}ms`, '--log-format', 'json', ...(b.extraArgs?.(proxy.url) ?? [])];
    const r = await o.limit(() => runCli(args, stdin, b.env?.(proxy.url) ?? {}, o.deadlineMs + 30_000));
    const failing = o.reads.filter(o.failing);
    const healthy = [...new Set(o.reads.filter((x) => !failing.includes(x)).map((x) => x.externalSecret))];
    const problems = judgePartial(r, { baseline: o.baseline, failing, healthy, deadlineMs: o.deadlineMs, marginMs: o.marginMs, values: o.values });
    if (proxy.faulted() === 0) problems.push('the fault was never injected: the plan matched no request');
    return { problems, stderr: r.stderr, faulted: proxy.faulted() };
  } finally {
    await proxy.stop();
  }
}
