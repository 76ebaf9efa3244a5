// Scenario 5: the quickstart's app-config template (kustomize-examples/quickstart/app-config.yaml)
// rendered 10,000 times through the template engine, against plain string concatenation of the same
// output; and the parse cache: 1,000 ExternalSecrets sharing one template text parse it once.

import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { interleavedInProcess } from '../lib/measure.mjs';
import { APP_CONFIG_TEMPLATE, engineStream } from '../lib/streams.mjs';

const N = 10_000;

export async function template({ root, runs }) {
  const dist = (p) => pathToFileURL(path.join(root, 'dist', p)).href;
  const tpl = await import(dist('template/index.js'));
  const { parseManifests } = await import(dist('frontends/stream.js'));
  const { render } = await import(dist('engine/render.js'));
  const { defaultRenderOptions } = await import(dist('engine/types.js'));

  // The text must be the quickstart's, not a copy that drifted.
  const quickstart = readFileSync(path.join(root, 'kustomize-examples/quickstart/app-config.yaml'), 'utf8');
  const inFile = /config\.yaml: \|\n((?: {10}.*\n|\n)+)/.exec(quickstart)?.[1]?.replace(/^ {10}/gm, '');
  if (inFile !== APP_CONFIG_TEMPLATE) throw new Error('the quickstart template changed; update bench/lib/streams.mjs');

  // One parse per template text across a whole render.
  const before = tpl.templateParseCount();
  const out = await render(parseManifests(engineStream(1_000)), defaultRenderOptions);
  if (!out.ok) throw new Error(`render failed: ${out.results.map((r) => r.message).join('; ')}`);
  const parses = tpl.templateParseCount() - before;

  const enc = new TextEncoder();
  const data = new Map(
    Object.entries({
      db_username: 'app_user',
      db_password: 'correct-horse-battery-staple',
      db_host: 'db.internal',
      db_port: '5432',
      api_token: 'tok-0a1b2c3d4e5f',
      flags: '{"beta":"on","maxUsers":"250"}',
    }).map(([k, v]) => [k, enc.encode(v)]),
  );
  const dec = new TextDecoder();
  const viaTemplate = () => dec.decode(tpl.executeTemplate('config.yaml', APP_CONFIG_TEMPLATE, data));
  // What a hand-written renderer would do: read the values, sort the flags, concatenate.
  const viaConcat = () => {
    const s = (k) => dec.decode(data.get(k));
    const flags = JSON.parse(s('flags'));
    let text = `database:\n  url: postgres://${s('db_username')}:${s('db_password')}@${s('db_host')}:${s('db_port')}/shop\napi:\n  token: ${JSON.stringify(s('api_token'))}\nfeatures:`;
    for (const k of Object.keys(flags).sort()) text += `\n  ${k}: ${JSON.stringify(String(flags[k]))}`;
    return `${text}\n`;
  };
  if (viaTemplate() !== viaConcat()) throw new Error('template and concatenation outputs differ');
  let sink = 0;
  const t = await interleavedInProcess(
    {
      template: () => {
        for (let i = 0; i < N; i++) sink += viaTemplate().length;
      },
      concat: () => {
        for (let i = 0; i < N; i++) sink += viaConcat().length;
      },
    },
    runs,
  );
  if (sink === 0) throw new Error('nothing rendered');
  return {
    rows: [
      {
        scenario: 'template',
        measure: `quickstart app-config template × ${N.toLocaleString('en')}`,
        subjectMs: t.template.medianMs,
        baseline: 'string concatenation of the same output',
        baselineMs: t.concat.medianMs,
        ratio: t.template.medianMs / t.concat.medianMs,
        note: `${((t.template.medianMs * 1000) / N).toFixed(1)} µs per render`,
      },
      {
        scenario: 'template',
        measure: 'template parses while rendering 1,000 ExternalSecrets (250 templated, one text)',
        subject: parses,
        target: 1,
        pass: parses <= 1,
        note: 'templateParseCount() delta',
      },
    ],
    raw: { timings: t, parses },
  };
}
