// Scenario: start like `cat` (issue 19). The quickstart against `node -e 0`; 1,000 resources of which
// 50 ExternalSecrets against a process that only parses and writes the stream with `yaml`, and its peak
// memory above `node -e 0` in input sizes. (The 100-resource cold start and the 10,000-ExternalSecret
// rows are in cold-start.mjs and engine-cost.mjs.)

import path from 'node:path';
import { interleaved } from '../lib/measure.mjs';
import { mixedStream, quickstartStream } from '../lib/streams.mjs';

const secrets = (expected, indent = '') => (r) => {
  const n = r.stdout.toString('utf8').split(`\n${indent}kind: Secret\n`).length - 1;
  if (n !== expected) throw new Error(`render wrote ${n} Secrets, expected ${expected}`);
};

/** A stream's documents as the items of a ResourceList, kpt's and kustomize's layout (`- ` at column 0). */
function asResourceList(stream) {
  const entries = stream
    .split(/^---\n/m)
    .filter((d) => d.trim() !== '')
    .map((d) => d.replace(/\n$/, '').split('\n').map((l, i) => (i === 0 ? `- ${l}` : l === '' ? '' : `  ${l}`)).join('\n') + '\n');
  return `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${entries.join('')}`;
}

export async function lazy({ root, runs, runsMixed, log }) {
  const node0 = { name: 'node -e 0', argv: [process.execPath, '-e', '0'] };
  const quick = Buffer.from(quickstartStream(root));
  const q = await interleaved(
    [
      node0,
      // The bin (ADR 9: a CommonJS entry, the program from a V8 code cache), and `node dist/cli.js` (a small ES module that runs the bin).
      { name: 'bin quickstart', argv: [process.execPath, 'dist/cli.cjs', 'render', '-q'], input: quick, check: secrets(2) },
      { name: 'render quickstart', argv: [process.execPath, 'dist/cli.js', 'render', '-q'], input: quick, check: secrets(2) },
    ],
    runs,
    { cwd: root, onRound: (i) => i % 5 === 0 && log(`  quickstart: round ${i}/${runs}`) },
  );

  const mixed = Buffer.from(mixedStream(1000, 50));
  // The same 50 ExternalSecrets among 1,000 more documents that are only copied through: the difference
  // in peak memory is what a passed-through byte costs, apart from what any run pays to start.
  const mixed2k = Buffer.from(mixedStream(2000, 50));
  const m = await interleaved(
    [
      { ...node0, rss: true },
      { name: 'yaml parse+write', argv: [process.execPath, path.join(root, 'bench', 'yaml-baseline.mjs')], input: mixed, rss: true },
      { name: 'render 1,000 (50 ExternalSecrets)', argv: [process.execPath, 'dist/cli.cjs', 'render', '-q'], input: mixed, rss: true, check: secrets(50) },
      { name: 'render 2,000 (50 ExternalSecrets)', argv: [process.execPath, 'dist/cli.cjs', 'render', '-q'], input: mixed2k, rss: true, check: secrets(50) },
      { name: 'yaml parse+write (2,000)', argv: [process.execPath, path.join(root, 'bench', 'yaml-baseline.mjs')], input: mixed2k, rss: true },
      // What any run pays, whatever its input: the program, its code cache and what node touches for it.
      { name: 'render quickstart', argv: [process.execPath, 'dist/cli.cjs', 'render', '-q'], input: quick, rss: true, check: secrets(2) },
      // What a node program pays only to copy the stream: the floor of the memory row.
      { name: 'node cat (readFileSync)', argv: [process.execPath, '-e', "const fs = require('fs'); fs.writeSync(1, fs.readFileSync(0))"], input: mixed, rss: true },
      { name: 'node cat (stream pipe)', argv: [process.execPath, '-e', 'process.stdin.pipe(process.stdout)'], input: mixed, rss: true },
    ],
    runsMixed,
    { cwd: root, onRound: (i) => log(`  1,000 resources: round ${i}/${runsMixed}`) },
  );
  // The same resources as a KRM function's stdin (issue 19: the items are read lazily too).
  const list = Buffer.from(asResourceList(mixedStream(1000, 50)));
  const k = await interleaved(
    [
      { name: 'yaml parse+write (ResourceList)', argv: [process.execPath, path.join(root, 'bench', 'yaml-baseline.mjs')], input: list },
      { name: 'KRM function 1,000 (50 ExternalSecrets)', argv: [process.execPath, 'dist/cli.cjs'], input: list, check: secrets(50, '  ') },
    ],
    runsMixed,
    { cwd: root, onRound: (i) => log(`  1,000 resources as a ResourceList: round ${i}/${runsMixed}`) },
  );
  const kr = k['KRM function 1,000 (50 ExternalSecrets)'];
  const ky = k['yaml parse+write (ResourceList)'];
  const r = m['render 1,000 (50 ExternalSecrets)'];
  const y = m['yaml parse+write'];
  const nodeRss = m['node -e 0'].medianMaxRssKB * 1024;
  const above = (kb) => (kb * 1024 - nodeRss) / mixed.length;
  const r2 = m['render 2,000 (50 ExternalSecrets)'];
  const fixedKB = m['render quickstart'].medianMaxRssKB - nodeRss / 1024;
  const y2 = m['yaml parse+write (2,000)'];
  const perByte = (kb1, kb2) => ((kb2 - kb1) * 1024) / (mixed2k.length - mixed.length);
  const rows = [
    {
      scenario: 'start like cat',
      measure: 'the quickstart (4 resources, 2 ExternalSecrets, fake store), eso-render render (the bin, dist/cli.cjs)',
      subjectMs: q['bin quickstart'].medianMs,
      baseline: 'node -e 0',
      baselineMs: q['node -e 0'].medianMs,
      ratio: q['bin quickstart'].medianMs / q['node -e 0'].medianMs,
      target: 1.6,
    },
    {
      scenario: 'start like cat',
      measure: 'the same, node dist/cli.js render (a small ES module that runs the bin)',
      subjectMs: q['render quickstart'].medianMs,
      baseline: 'node -e 0',
      baselineMs: q['node -e 0'].medianMs,
      ratio: q['render quickstart'].medianMs / q['node -e 0'].medianMs,
    },
    {
      scenario: 'start like cat',
      measure: '1,000 resources of which 50 ExternalSecrets (fake store), the bin',
      subjectMs: r.medianMs,
      baseline: 'yaml parse+write of the same stream',
      baselineMs: y.medianMs,
      ratio: r.medianMs / y.medianMs,
      target: 0.35,
      note: `render is ${(r.medianMs / m['node -e 0'].medianMs).toFixed(2)}× node -e 0 (${m['node -e 0'].medianMs.toFixed(0)} ms)`,
    },
    {
      scenario: 'start like cat',
      measure: 'peak memory above node -e 0, the 1,000-resource stream, in input sizes',
      subject: above(r.medianMaxRssKB),
      baseline: `yaml parse+write: ${above(y.medianMaxRssKB).toFixed(1)}`,
      ratio: above(r.medianMaxRssKB),
      target: 8,
      note: `of it, what any run pays (the quickstart's peak, 3 kB of input): ${((fixedKB * 1024) / mixed.length).toFixed(1)}; a node cat: ${above(m['node cat (readFileSync)'].medianMaxRssKB).toFixed(1)} (readFileSync), ${above(m['node cat (stream pipe)'].medianMaxRssKB).toFixed(1)} (stream pipe); input ${(mixed.length / 1e3).toFixed(0)} kB; peak RSS render ${(r.medianMaxRssKB / 1e3).toFixed(0)} MB, yaml ${(y.medianMaxRssKB / 1e3).toFixed(0)} MB, node -e 0 ${(nodeRss / 1e6).toFixed(0)} MB`,
    },
    {
      scenario: 'start like cat',
      measure: 'peak memory per passed-through byte: 2,000 resources against 1,000 (the same 50 ExternalSecrets)',
      subject: perByte(r.medianMaxRssKB, r2.medianMaxRssKB),
      baseline: `yaml parse+write: ${perByte(y.medianMaxRssKB, y2.medianMaxRssKB).toFixed(1)}`,
      ratio: perByte(r.medianMaxRssKB, r2.medianMaxRssKB),
      note: `input ${(mixed.length / 1e3).toFixed(0)} kB and ${(mixed2k.length / 1e3).toFixed(0)} kB; peak RSS render ${(r.medianMaxRssKB / 1e3).toFixed(0)} and ${(r2.medianMaxRssKB / 1e3).toFixed(0)} MB`,
    },
    {
      scenario: 'start like cat',
      measure: 'peak memory above node -e 0 of any run: the quickstart (4 resources, 2 ExternalSecrets), MB',
      subject: fixedKB / 1024,
      baseline: 'node -e 0',
      ratio: fixedKB / 1024,
      note: `${((fixedKB * 1024) / mixed.length).toFixed(1)}× the 1,000-resource stream's input on its own; peak RSS ${(m['render quickstart'].medianMaxRssKB / 1e3).toFixed(0)} MB`,
    },
    {
      scenario: 'start like cat',
      measure: 'KRM function: the same 1,000 resources as a ResourceList on stdin, the bin',
      subjectMs: kr.medianMs,
      baseline: 'yaml parse+write of the same ResourceList',
      baselineMs: ky.medianMs,
      ratio: kr.medianMs / ky.medianMs,
      target: 0.35,
      note: `input ${(list.length / 1e3).toFixed(0)} kB`,
    },
  ];
  return { rows, raw: { quickstartBytes: quick.length, mixedBytes: mixed.length, listBytes: list.length, quickstart: q, mixed: m, resourceList: k } };
}
