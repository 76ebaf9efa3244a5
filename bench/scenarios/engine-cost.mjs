// Scenario 2: the engine's own cost. `eso-render render` (the bin, node dist/cli.cjs) on 10,000 ExternalSecrets (data with
// properties, dataFrom extract and find, rewrites, templates) on the fake store, against a process that
// only parses and writes the same stream with `yaml`. Peak memory of both, and of `node -e 0`.
// Scenario 4 (growth) reuses the same subject at 1k, 10k and 50k.

import path from 'node:path';
import { interleaved } from '../lib/measure.mjs';
import { engineStream } from '../lib/streams.mjs';

function secretsOut(expected) {
  return (r) => {
    const text = r.stdout.toString('utf8');
    let n = 0;
    for (let i = text.indexOf('\nkind: Secret\n'); i !== -1; i = text.indexOf('\nkind: Secret\n', i + 1)) n++;
    if (n !== expected) throw new Error(`render wrote ${n} Secrets, expected ${expected}`);
  };
}

function subjects(root, input, n, { rss }) {
  return [
    { name: 'yaml parse+write', argv: [process.execPath, path.join(root, 'bench', 'yaml-baseline.mjs')], input, rss },
    { name: 'render', argv: [process.execPath, 'dist/cli.cjs', 'render', '-q'], input, rss, check: secretsOut(n) },
  ];
}

export async function engineCost({ root, runs, log }) {
  const input = Buffer.from(engineStream(10_000));
  const t = await interleaved(
    [...subjects(root, input, 10_000, { rss: true }), { name: 'node -e 0', argv: [process.execPath, '-e', '0'], rss: true }],
    runs,
    { cwd: root, onRound: (i) => log(`  engine cost: round ${i}/${runs}`) },
  );
  const render = t['render'];
  const yaml = t['yaml parse+write'];
  const nodeRss = t['node -e 0'].medianMaxRssKB * 1024;
  const renderRss = render.medianMaxRssKB * 1024;
  const yamlRss = yaml.medianMaxRssKB * 1024;
  const rows = [
    {
      scenario: 'engine cost',
      measure: 'render 10,000 ExternalSecrets on the fake store',
      subjectMs: render.medianMs,
      baseline: 'yaml parse+write of the same stream',
      baselineMs: yaml.medianMs,
      ratio: render.medianMs / yaml.medianMs,
      target: 1.0,
    },
    {
      scenario: 'engine cost',
      measure: 'peak memory above node -e 0, in input sizes',
      subject: (renderRss - nodeRss) / input.length,
      baseline: `yaml parse+write: ${((yamlRss - nodeRss) / input.length).toFixed(1)}`,
      ratio: (renderRss - nodeRss) / input.length,
      target: 4,
      note: `input ${(input.length / 1e6).toFixed(1)} MB; peak RSS render ${(renderRss / 1e6).toFixed(0)} MB, yaml ${(yamlRss / 1e6).toFixed(0)} MB, node -e 0 ${(nodeRss / 1e6).toFixed(0)} MB`,
    },
    {
      scenario: 'engine cost',
      measure: 'peak memory: render minus the yaml baseline, in input sizes',
      subject: (renderRss - yamlRss) / input.length,
      ratio: (renderRss - yamlRss) / input.length,
      target: 4,
      note: 'the same limit read against the process that only parses and writes',
    },
  ];
  return { rows, raw: { inputBytes: input.length, timings: t }, renderMedianMs: render.medianMs, yamlMedianMs: yaml.medianMs };
}

export async function growth({ root, runs, runsLarge, tenK, log }) {
  const out = { 10_000: tenK };
  const raw = {};
  for (const [n, r] of [[1_000, runs], [50_000, runsLarge]]) {
    const input = Buffer.from(engineStream(n));
    const t = await interleaved(subjects(root, input, n, { rss: true }), r, { cwd: root, onRound: (i) => log(`  growth ${n}: round ${i}/${r}`) });
    out[n] = { render: t['render'].medianMs, yaml: t['yaml parse+write'].medianMs, renderRssKB: t['render'].medianMaxRssKB, yamlRssKB: t['yaml parse+write'].medianMaxRssKB };
    raw[n] = { inputBytes: input.length, timings: t };
  }
  const rows = [
    {
      scenario: 'growth',
      measure: 'render time 1k → 10k ExternalSecrets (×10 input)',
      ratio: out[10_000].render / out[1_000].render,
      baseline: 'render at 1k',
      subjectMs: out[10_000].render,
      baselineMs: out[1_000].render,
      note: `yaml parse+write grows ×${(out[10_000].yaml / out[1_000].yaml).toFixed(2)}`,
    },
    {
      scenario: 'growth',
      measure: 'render time 10k → 50k ExternalSecrets (×5 input)',
      ratio: out[50_000].render / out[10_000].render,
      baseline: 'render at 10k',
      subjectMs: out[50_000].render,
      baselineMs: out[10_000].render,
      target: 5.5,
      note: `yaml parse+write grows ×${(out[50_000].yaml / out[10_000].yaml).toFixed(2)}; at 50k render ${(out[50_000].render / 1000).toFixed(1)} s vs yaml ${(out[50_000].yaml / 1000).toFixed(1)} s, peak RSS ${(out[50_000].renderRssKB / 1024).toFixed(0)} MB vs ${(out[50_000].yamlRssKB / 1024).toFixed(0)} MB`,
    },
  ];
  return { rows, raw: { medians: out, runs: raw } };
}
