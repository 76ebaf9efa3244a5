// Timing helpers: child processes timed from spawn to exit, subjects interleaved round by round (so a
// burst of load on the shared machine hits subject and baseline alike), medians of N runs.

import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const RSS_HOOK = path.join(here, 'rss-hook.mjs');
export const MODULE_LOG_HOOK = path.join(here, 'module-log.mjs');

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Runs argv once with `input` on stdin; resolves { ms, code, stdoutBytes, stdout?, stderr, maxRssKB? }.
 * `rss: true` adds `--import rss-hook` (node commands only) to learn the peak resident set size.
 */
export function runOnce(argv, { input, env, cwd, keepStdout = false, rss = false } = {}) {
  let dir;
  let args = argv.slice(1);
  const childEnv = { ...process.env, ...env };
  if (rss) {
    dir = mkdtempSync(path.join(tmpdir(), 'eso-bench-rss-'));
    childEnv.ESO_BENCH_RSS_FILE = path.join(dir, 'rss');
    args = ['--import', RSS_HOOK, ...args];
  }
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(argv[0], args, { cwd, env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    const out = [];
    let outBytes = 0;
    let stderr = '';
    child.stdout.on('data', (d) => {
      outBytes += d.length;
      if (keepStdout) out.push(d);
    });
    child.stderr.on('data', (d) => {
      stderr = (stderr + d.toString('utf8')).slice(-4000);
    });
    child.on('error', reject);
    child.stdin.on('error', () => {}); // a subject that exits without reading stdin (node -e 0)
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - t0) / 1e6;
      const r = { ms, code, stdoutBytes: outBytes, stderr };
      if (keepStdout) r.stdout = Buffer.concat(out);
      if (dir) {
        try {
          r.maxRssKB = Number(readFileSync(path.join(dir, 'rss'), 'utf8'));
        } catch {
          r.maxRssKB = undefined;
        }
        rmSync(dir, { recursive: true, force: true });
      }
      resolve(r);
    });
    child.stdin.end(input ?? '');
  });
}

/**
 * Runs every subject `n` times, interleaved: round i runs each subject once, in an order rotated by i.
 * Each subject is { name, argv, input?, env?, rss?, check?(result) }; `check` throws on a wrong answer.
 * Returns { [name]: { ms: number[], medianMs, maxRssKB?: number[] } }.
 */
export async function interleaved(subjects, n, { cwd, onRound } = {}) {
  const out = Object.fromEntries(subjects.map((s) => [s.name, { ms: [], maxRssKB: [] }]));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < subjects.length; j++) {
      const s = subjects[(i + j) % subjects.length];
      const r = await runOnce(s.argv, { input: s.input, env: s.env, cwd, rss: s.rss, keepStdout: !!s.check });
      if (r.code !== 0) throw new Error(`${s.name}: exit code ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
      s.check?.(r);
      out[s.name].ms.push(r.ms);
      if (r.maxRssKB !== undefined) out[s.name].maxRssKB.push(r.maxRssKB);
    }
    onRound?.(i + 1);
  }
  for (const v of Object.values(out)) {
    v.medianMs = median(v.ms);
    if (v.maxRssKB.length) v.medianMaxRssKB = median(v.maxRssKB);
    else delete v.maxRssKB;
  }
  return out;
}

/** Times an async function in this process: `n` interleaved rounds over named functions. */
export async function interleavedInProcess(fns, n) {
  const out = Object.fromEntries(Object.keys(fns).map((k) => [k, { ms: [] }]));
  const names = Object.keys(fns);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < names.length; j++) {
      const name = names[(i + j) % names.length];
      const t0 = process.hrtime.bigint();
      await fns[name]();
      out[name].ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  for (const v of Object.values(out)) v.medianMs = median(v.ms);
  return out;
}
