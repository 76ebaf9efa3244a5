// Micro-benchmark (issue 19): readSimpleDocument (dist/frontends/yaml-fast.js) against the `yaml` path
// (Parser + Composer with readOptions, doc.toJS(toJSOptions)) on the documents of the 10,000-ExternalSecret
// stream (bench/lib/streams.mjs engineStream), cut into documents by the scan (stream-scan.js).
//   cold: a fresh process per reader, timing the module import and one pass over all documents;
//   warm: in this process, after warm-up, the best of a few passes.
// Run after `npm run build`: node bench/yaml-fast-micro.mjs [count]   (count defaults to 10000)
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { engineStream } from './lib/streams.mjs';

const dist = new URL('../dist/frontends/', import.meta.url);
const count = Number(process.argv[process.argv[2] === '--cold' ? 4 : 2] ?? 10000);

function documents() {
  return import(new URL('stream-scan.js', dist).href).then(({ scanStream }) => {
    const text = engineStream(count);
    const docs = scanStream(text);
    if (!docs) throw new Error('the scan declined the stream');
    return { text, docs };
  });
}

async function loadReader(which) {
  if (which === 'fast') {
    const { readSimpleDocument } = await import(new URL('yaml-fast.js', dist).href);
    return (text, from, to) => readSimpleDocument(text, from, to);
  }
  const { Parser, Composer } = await import('yaml');
  const { readOptions, toJSOptions } = await import(new URL('yaml-schema.js', dist).href);
  return (text, from, to) => {
    const slice = text.slice(from, to);
    const composer = new Composer(readOptions);
    let value;
    const take = (d) => {
      if (d.errors.length === 0 && d.contents !== null) value = d.toJS(toJSOptions);
    };
    for (const tok of new Parser().parse(slice)) for (const d of composer.next(tok)) take(d);
    for (const d of composer.end(false, slice.length)) take(d);
    return value;
  };
}

function pass(read, { text, docs }) {
  let accepted = 0;
  const t0 = performance.now();
  for (const d of docs) if (read(text, d.start, d.end) !== undefined) accepted++;
  return { ms: performance.now() - t0, accepted };
}

if (process.argv[2] === '--cold') {
  // One reader in a fresh process: import, then one pass.
  const input = await documents();
  const t0 = performance.now();
  const read = await loadReader(process.argv[3]);
  const importMs = performance.now() - t0;
  const { ms, accepted } = pass(read, input);
  process.stdout.write(JSON.stringify({ importMs, ms, accepted, docs: input.docs.length }));
} else {
  const self = fileURLToPath(import.meta.url);
  const cold = {};
  for (const which of ['fast', 'yaml']) {
    const r = spawnSync(process.execPath, [self, '--cold', which, String(count)], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    cold[which] = JSON.parse(r.stdout);
  }
  const input = await documents();
  const warm = {};
  for (const which of ['fast', 'yaml']) {
    const read = await loadReader(which);
    pass(read, input); // warm-up
    let best = Infinity;
    let accepted = 0;
    for (let i = 0; i < 3; i++) {
      const r = pass(read, input);
      best = Math.min(best, r.ms);
      accepted = r.accepted;
    }
    warm[which] = { ms: best, accepted };
  }
  const f = (x) => x.toFixed(1);
  console.log(`${input.docs.length} documents (${(input.text.length / 1e6).toFixed(1)} MB), readSimpleDocument accepted ${warm.fast.accepted}`);
  console.log(`cold  fast: import ${f(cold.fast.importMs)} ms + pass ${f(cold.fast.ms)} ms`);
  console.log(`cold  yaml: import ${f(cold.yaml.importMs)} ms + pass ${f(cold.yaml.ms)} ms`);
  console.log(`cold  ratio (pass): ${f(cold.yaml.ms / cold.fast.ms)}x; with imports: ${f((cold.yaml.ms + cold.yaml.importMs) / (cold.fast.ms + cold.fast.importMs))}x`);
  console.log(`warm  fast: ${f(warm.fast.ms)} ms   yaml: ${f(warm.yaml.ms)} ms   ratio ${f(warm.yaml.ms / warm.fast.ms)}x`);
}
