#!/usr/bin/env node
// `npm run bench`: eso-render's benchmark suite (issue 9). Builds nothing itself (the npm script runs
// `npm run build` first); uses dist/ and, when built, the single executable dist/eso-render.
// Prints a table and writes bench/results.json. Every figure is a ratio against a baseline measured in
// the same run, subjects and baselines interleaved, medians of N runs.
//
//   node bench/run.mjs [--only cold,lazy,engine,backends,growth,template] [--quick] [--out FILE]

import { existsSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { coldStart } from './scenarios/cold-start.mjs';
import { engineCost, growth } from './scenarios/engine-cost.mjs';
import { backends } from './scenarios/backends.mjs';
import { template } from './scenarios/template.mjs';
import { lazy } from './scenarios/lazy.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { values: opt } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    out: { type: 'string', default: path.join(root, 'bench', 'results.json') },
    sea: { type: 'string' },
  },
});
const only = opt.only ? new Set(opt.only.split(',')) : undefined;
const want = (s) => !only || only.has(s);
const q = opt.quick;
// Repetitions: enough for a stable median on a shared 2-core machine, within ~10 minutes in all.
const RUNS = { cold: q ? 5 : 21, engine: q ? 1 : 3, growthSmall: q ? 1 : 5, growthLarge: q ? 1 : 3, backends: q ? 1 : 5, naive: 1, template: q ? 3 : 9, lazy: q ? 5 : 21, lazyMixed: q ? 3 : 9 };

const log = (s) => process.stderr.write(`${s}\n`);
if (!existsSync(path.join(root, 'dist', 'cli.js'))) {
  log('bench: dist/cli.js is missing; run `npm run build` (npm run bench does)');
  process.exit(2);
}
const seaPath = opt.sea ?? path.join(root, 'dist', 'eso-render');
const sea = existsSync(seaPath) ? seaPath : undefined;

const machine = () => ({
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model,
  memoryGB: +(os.totalmem() / 2 ** 30).toFixed(1),
  node: process.version,
  platform: `${os.platform()} ${os.release()} ${os.arch()}`,
  loadAverage: os.loadavg().map((x) => +x.toFixed(2)),
});

const started = new Date();
const results = { date: started.toISOString(), machine: machine(), runs: RUNS, seaBuilt: !!sea, scenarios: {} };
const rows = [];
const timed = async (name, fn) => {
  const t0 = Date.now();
  log(`bench: ${name}…`);
  try {
    const r = await fn();
    rows.push(...r.rows);
    results.scenarios[name] = { seconds: (Date.now() - t0) / 1000, rows: r.rows, raw: r.raw };
    return r;
  } catch (e) {
    log(`bench: ${name} failed: ${e instanceof Error ? e.message : e}`);
    const row = { scenario: name, measure: 'scenario failed', note: e instanceof Error ? e.message : String(e), pass: false };
    rows.push(row);
    results.scenarios[name] = { seconds: (Date.now() - t0) / 1000, rows: [row], error: row.note };
    return undefined;
  }
};

if (want('cold')) await timed('cold start', () => coldStart({ root, runs: RUNS.cold, sea }));
if (want('lazy')) await timed('start like cat', () => lazy({ root, runs: RUNS.lazy, runsMixed: RUNS.lazyMixed, log }));
let tenK;
if (want('engine') || want('growth')) {
  const r = await timed('engine cost', () => engineCost({ root, runs: RUNS.engine, log }));
  if (r) tenK = { render: r.renderMedianMs, yaml: r.yamlMedianMs, renderRssKB: r.raw.timings.render.medianMaxRssKB, yamlRssKB: r.raw.timings['yaml parse+write'].medianMaxRssKB };
}
if (want('backends')) await timed('backends', () => backends({ root, runs: RUNS.backends, naiveRuns: RUNS.naive, log }));
if (want('growth') && tenK) await timed('growth', () => growth({ root, runs: RUNS.growthSmall, runsLarge: RUNS.growthLarge, tenK, log }));
if (want('template')) await timed('template', () => template({ root, runs: RUNS.template }));

for (const r of rows) if (r.pass === undefined && r.target !== undefined && r.ratio !== undefined) r.pass = r.ratio <= r.target;
results.machine.loadAverageAtEnd = os.loadavg().map((x) => +x.toFixed(2));
results.seconds = (Date.now() - started.getTime()) / 1000;
results.table = table(rows);
writeFileSync(opt.out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`${results.table}\n`);
process.stdout.write(
  `\n${started.toISOString()} · ${results.machine.cpus} × ${results.machine.cpuModel} · ${results.machine.memoryGB} GB · node ${process.version} · load ${results.machine.loadAverage.join(' ')} → ${results.machine.loadAverageAtEnd.join(' ')} · ${results.seconds.toFixed(0)} s · ${path.relative(process.cwd(), opt.out)}\n`,
);

function fmtMs(ms) {
  if (ms === undefined) return '';
  return ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
}

/** A Markdown table (it reads as plain text too). */
function table(rs) {
  const head = ['scenario', 'measure', 'subject', 'baseline', 'ratio', 'target', 'met', 'note'];
  const body = rs.map((r) => [
    r.scenario,
    r.measure,
    r.subjectMs !== undefined ? fmtMs(r.subjectMs) : r.subject !== undefined ? String(+Number(r.subject).toFixed(2)) : '',
    [r.baseline, r.baselineMs !== undefined ? fmtMs(r.baselineMs) : ''].filter(Boolean).join(': '),
    r.ratio !== undefined ? `${r.ratio.toFixed(2)}` : '',
    r.target !== undefined ? `≤ ${r.target}` : '',
    r.pass === undefined ? '' : r.pass ? 'yes' : '**no**',
    r.note ?? '',
  ]);
  const esc = (s) => String(s).replace(/\|/g, '\\|');
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((b) => `| ${b.map(esc).join(' | ')} |`)].join('\n');
}
