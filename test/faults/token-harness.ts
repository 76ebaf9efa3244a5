// What the token-endpoint fault files share (Azure's Entra ID token endpoint, AWS STS, Google's STS
// token exchange): the faults, and a judge that counts instead of timing. The backend that holds the
// secrets is healthy and reached direct; only the token endpoint sits behind the fault proxy.
//
// Deterministic under load by construction: no assertion reads the wall clock except the Retry-After
// spacing (a lower bound, which a slow machine only makes easier), the runs' deadlines are far above a
// loaded machine's start-up time, and each ceiling is a count of requests the token endpoint saw.

import { faults, type Fault, type Plan, type ProxyLogEntry, type SeenRequest } from '../helpers/fault-proxy.js';
import { jsonFindings, names, retryAfterViolations, runCli, semaphore, type Mode, type Read, type Run } from './harness.js';

export interface TokenScenario {
  fault: string;
  make: () => Fault;
  /** What the transient fault (the first 2 token requests) must lead to; undefined: either, but clean. */
  transient?: 'recovered';
}

/** 5xx, 429 with Retry-After, reset, timeout, slow body, malformed bodies: each persistent and transient. */
export function tokenFaultScenarios(): TokenScenario[] {
  return [
    { fault: 'HTTP 500', make: faults.http500, transient: 'recovered' },
    { fault: 'HTTP 503', make: faults.http503, transient: 'recovered' },
    { fault: 'HTTP 429 + Retry-After: 1', make: () => faults.tooMany(1), transient: 'recovered' },
    { fault: 'connection reset mid-body', make: faults.reset, transient: 'recovered' },
    { fault: 'no answer (timeout)', make: faults.hang, transient: 'recovered' },
    { fault: 'slow body (1 byte / 250 ms)', make: faults.slow, transient: 'recovered' },
    // A 200 whose body is not a token answer is not retried (as for every backend's 200): either outcome,
    // but clean.
    { fault: 'malformed body (truncated JSON, 200)', make: faults.truncated },
    { fault: 'malformed body (HTML page, 200)', make: () => faults.html(200) },
  ];
}

/** The token endpoint behind a fault proxy, the secret backend direct, for one run. */
export interface TokenRig {
  env: Record<string, string>;
  extraArgs?: string[];
  stdin: string;
  /** Requests the token endpoint was sent (faulted ones included). */
  tokenRequests(): number;
  /** Token requests that got the fault. */
  faulted(): number;
  /** The token endpoint's requests in order (for Retry-After spacing). */
  log(): ProxyLogEntry[];
  /** What the token endpoint issued or was sent as a credential during the run: none may be printed. */
  secrets(): string[];
  stop(): Promise<void>;
}

export interface TokenMatrix {
  backend: string;
  /** The store as every failing read's error must name it (e.g. `SecretStore/apps/azure`). */
  store: string;
  /** The token step as every failing read's error must name it. */
  step: RegExp;
  reads: Read[];
  values: string[];
  /** The run's deadline under a persistent fault (a stuck token request fails by it). */
  persistentDeadlineMs: number;
  /** The run's deadline under a transient fault: room for two timed-out attempts on a loaded machine. */
  transientDeadlineMs: number;
  /**
   * The most requests the token endpoint may see in a run with a persistent fault, and why: the
   * retry budget written out, so raising a retry limit fails the test.
   */
  persistentCeiling: { requests: number; why: string };
  /** Token requests a transient fault may add per faulted request (re-tries of the waiting callers). */
  extraPerFaulted: number;
  rig(s: TokenScenario | undefined, mode: Mode): Promise<TokenRig>;
  checkBaseline(stdout: string): void;
}

/**
 * The plan for one scenario and mode, on the requests `hits` selects only (one route of the token
 * service): every such request, or the first 2 of them; other requests pass.
 */
export function routePlan(s: TokenScenario | undefined, mode: Mode, hits: (req: SeenRequest) => boolean): Plan | undefined {
  if (!s) return undefined;
  let n = 0;
  return (req) => {
    if (!hits(req)) return undefined;
    n++;
    return mode === 'every request' || n <= 2 ? s.make() : undefined;
  };
}

const STACK_FRAME = /\n\s+at .+:\d+:\d+/;

/** Every 12-character window of each secret (a truncated answer may carry half a token). */
export function leaked(text: string, secrets: string[]): string[] {
  const out: string[] = [];
  for (const s of secrets) {
    if (s.length < 12) {
      if (s && text.includes(s)) out.push(`${s.slice(0, 4)}…`);
      continue;
    }
    for (let i = 0; i + 12 <= s.length; i++) {
      if (text.includes(s.slice(i, i + 12))) {
        out.push(`${s.slice(0, 4)}… (from offset ${i})`);
        break;
      }
    }
  }
  return out;
}

/**
 * Problems of one run, no clock involved. Persistent: exit 1, nothing on stdout, every read named by an
 * error that names the store and the token step. Transient: the fault-free output byte for byte (when
 * the scenario says recovered), else either that or a clean failure. Always: JSON findings only, no
 * stack trace, no value, no token or credential (nor a 12-character piece of one).
 */
export function judgeTokenRun(r: Run, o: { mode: Mode; s: TokenScenario; m: TokenMatrix; baseline: string; secrets: string[] }): string[] {
  const problems: string[] = [];
  if (r.killed) problems.push(`killed by the harness ${r.ms} ms after start (the run's own deadline did not end it)`);
  if (STACK_FRAME.test(r.stderr)) problems.push('stack trace on stderr');
  if (/eso-render: internal error/.test(r.stderr)) problems.push('eso-render: internal error on stderr');
  for (const v of o.m.values) if (r.stderr.includes(v)) problems.push(`a secret value on stderr (${v.slice(0, 4)}…)`);
  for (const l of leaked(`${r.stderr}\n${r.stdout}`, o.secrets)) problems.push(`a token or credential in the output: ${l}`);
  const { results, otherLines } = jsonFindings(r.stderr);
  if (otherLines.length) problems.push(`stderr lines that are not JSON findings: ${otherLines.slice(0, 2).join(' / ').slice(0, 200)}`);
  const mustRecover = o.mode === 'first 2 requests' && o.s.transient === 'recovered';
  if (r.code === 0) {
    if (o.mode === 'every request') problems.push('exit 0 under a persistent token fault');
    else if (r.stdout !== o.baseline) problems.push('exit 0 but the output differs from the fault-free run');
    return problems;
  }
  if (mustRecover) problems.push(`exit ${r.code}: a transient token fault must be recovered from (${(results.find((x) => x.level === 'error')?.message ?? '').slice(0, 200)})`);
  if (r.code !== 1) problems.push(`exit ${r.code}, want 1`);
  if (r.stdout !== '') problems.push(`partial output: ${r.stdout.length} bytes on stdout`);
  for (const read of o.m.reads) {
    const hit = results.find((x) => names(x, read));
    if (!hit) problems.push(`no error names ${read.externalSecret} ${read.field} (${read.store} ${read.key})`);
    else if (!(hit.message ?? '').includes(o.m.store) || !o.m.step.test(hit.message ?? '')) {
      problems.push(`the error for ${read.externalSecret} ${read.field} does not name the store ${o.m.store} and the token step ${o.m.step}: ${(hit.message ?? '').slice(0, 240)}`);
    }
  }
  return problems;
}

/** At most 2 CLI runs at once in a test file, whichever matrix they belong to (each loads an SDK). */
const limit = semaphore(2);

const args = (deadlineMs: number, extra: string[] = []) => ['render', '--deadline', `${deadlineMs}ms`, '--log-format', 'json', ...extra];

/** Registers the fault-free baseline, one test per scenario and mode, and prints a table at the end. */
export function tokenMatrix(
  m: TokenMatrix,
  hooks: { beforeAll: (fn: () => Promise<void>, t?: number) => void; afterAll: (fn: () => void) => void; it: (name: string, fn: () => Promise<void>, t?: number) => void; expect: typeof import('vitest').expect },
): void {
  const { beforeAll, afterAll, it, expect } = hooks;
  let baseline = '';
  let baselineTokenRequests = 0;
  const rows: string[] = [];

  beforeAll(async () => {
    const rig = await m.rig(undefined, 'every request');
    try {
      const r = await limit(() => runCli(args(m.transientDeadlineMs, rig.extraArgs), rig.stdin, rig.env, m.transientDeadlineMs + 60_000));
      expect(r.code, r.stderr).toBe(0);
      baseline = r.stdout;
      baselineTokenRequests = rig.tokenRequests();
      // The token endpoint is really on the path: the fault-free run asked it for a token.
      expect(baselineTokenRequests).toBeGreaterThan(0);
      expect(leaked(r.stderr, rig.secrets())).toEqual([]);
    } finally {
      await rig.stop();
    }
    m.checkBaseline(baseline);
  }, m.transientDeadlineMs + 180_000);
  afterAll(() => {
    console.log(`### ${m.backend}: token endpoint faults (fault-free run: ${baselineTokenRequests} token requests; persistent ceiling ${m.persistentCeiling.requests}: ${m.persistentCeiling.why})\n\n| fault | when | exit | token requests | faulted | note |\n| --- | --- | --- | --- | --- | --- |\n${rows.sort().join('\n')}\n`);
  });

  for (const s of tokenFaultScenarios()) {
    for (const mode of ['every request', 'first 2 requests'] as const) {
      const deadline = mode === 'every request' ? m.persistentDeadlineMs : m.transientDeadlineMs;
      const want = mode === 'every request' ? 'fails closed' : s.transient === 'recovered' ? 'recovers' : 'recovers or fails closed';
      it(`token endpoint ${s.fault}, ${mode}: ${want}`, async () => {
        const rig = await m.rig(s, mode);
        try {
          const r = await limit(() => runCli(args(deadline, rig.extraArgs), rig.stdin, rig.env, deadline + 60_000));
          const problems = judgeTokenRun(r, { mode, s, m, baseline, secrets: rig.secrets() });
          const first = jsonFindings(r.stderr).results.find((x) => x.level === 'error')?.message ?? '';
          const cause = first.replace(/^.*?, err: /, '');
          rows.push(`| ${s.fault} | ${mode} | ${r.code} | ${rig.tokenRequests()} | ${rig.faulted()} | ${(problems.join('; ') || cause).slice(0, 300).replace(/\|/g, '/')} |`);
          expect(problems, r.stderr).toEqual([]);
          // The fault was really met at the token endpoint.
          if (mode === 'every request') expect(rig.faulted()).toBeGreaterThan(0);
          else expect([1, 2]).toContain(rig.faulted());
          // Request ceilings on the token endpoint: bounded by the retry budget, not only by the deadline.
          const ceiling = mode === 'every request' ? m.persistentCeiling.requests : baselineTokenRequests + m.extraPerFaulted * rig.faulted();
          expect(rig.tokenRequests(), `${rig.tokenRequests()} token requests; ceiling ${ceiling}`).toBeLessThanOrEqual(ceiling);
          if (mode === 'first 2 requests') expect(retryAfterViolations(rig.log())).toEqual([]);
        } finally {
          await rig.stop();
        }
      }, deadline + 300_000);
    }
  }
}
