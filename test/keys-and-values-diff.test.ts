// Differential test of KeysAndValues parsing (src/engine/keys-and-values.ts) against Go:
// test/keys-and-values-reference/main.go runs ESO's `yaml.Unmarshal(val, &map[string]string{})`
// (sigs.k8s.io/yaml's algorithm, from Debian's ghodss/yaml over gopkg.in/yaml.v2) for every case in
// one process; ours must give the same keys and values byte for byte, or fail where Go fails.
// Cases: test/keys-and-values-corpus/*.yaml (hand-written: YAML 1.1 scalars, tags, anchors, merges,
// multi-document, null keys, Unicode) plus seeded generated documents. A reference that cannot be
// built fails this file. Debian's yaml.v2 2.4.0 is the code that sigs.k8s.io/yaml's goyaml.v2 fork
// and go.yaml.in/yaml/v2 (v2.4.x, what ESO v2.9.0 resolves) continue; ghodss/yaml's
// convertToJSONableObject is sigs.k8s.io/yaml v1.6.0's, word for word but for one error's capital.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseKeysAndValues } from '../src/engine/keys-and-values.js';
import { buildGoReference, ensureGoPackages, type GoReference } from './helpers/go-ref.js';
import { seededRandom as rng } from '../src/testing/seeded-random.test-helper.js';

interface Case {
  name: string;
  text: Buffer;
  expect?: Record<string, string> | { error: true };
  differs?: string;
}

interface GoOut {
  name: string;
  map?: Record<string, string>;
  error?: string;
  panic?: string;
}

const here = fileURLToPath(new URL('.', import.meta.url));

function loadCorpus(): Case[] {
  const out: Case[] = [];
  const dir = join(here, 'keys-and-values-corpus');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
    const doc = parseYaml(readFileSync(join(dir, f), 'utf8')) as { cases: { name: string; text: string; expect?: Case['expect']; differs?: string }[] };
    for (const c of doc.cases) {
      out.push({ name: `${f.replace(/\.yaml$/, '')}/${c.name}`, text: Buffer.from(c.text ?? '', 'utf8'), expect: c.expect, differs: c.differs });
    }
  }
  return out;
}

// ---- generator ----


const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

// [YAML text of a key, the string Go makes of it]: the second is only used to avoid two keys that
// become the same string (which Go resolves at random).
const KEYS: [string, string][] = [
  ['a', 'a'], ['name', 'name'], ['DB_USER', 'DB_USER'], ['yes', 'true'], ['No', 'false'], ['"on"', 'on'], ["'y'", 'y'],
  ['1', '1'], ['0x1F', '31'], ['017', '15'], ['0o20', '16'], ['1_000', '1000'], ['1.5', '1.5'], ['2.50', '2.5'], ['.inf', '.inf'],
  ['-.inf', '-.inf'], ['é', 'é'], ['ключ', 'ключ'], ['日本', '日本'], ['"😀"', '😀'], ['"a b"', 'a b'], ['x y', 'x y'], ['-0', '0'],
  ['"tab\\there"', 'tab\there'], ["'it''s'", "it's"], ['"\\u00e9t\\u00e9"', 'été'], ['!!str 77', '77'], ['naïve', 'naïve'],
  ['key.with.dots', 'key.with.dots'], ['"<&>"', '<&>'], ['2001-12-14', '2001-12-14'], ['Ω', 'Ω'], ['k-1', 'k-1'], ['_u', '_u'],
];

const PLAIN = ['v', 'yes', 'Off', 'y', 'N', 'true', 'tRue', '0777', '0x1F', '0o17', '0b1010', '-0b11', '1_000', '+12', '-0', '08',
  '1.10', '3.14159265358979', '1e6', '6.02e23', '1e400', '.5', '-.inf', '.NaN', '.Nan', '12345678901234567890', '9223372036854775808',
  '123456789012345678901234567890', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '~', 'null', 'NULL', 'plain text here', 'café',
  '日本語', 'http://x.y/z?q=1', 'a#b', '0x', '1_', '_1', '.', '0.', '1e', '1.5.6', '0.1', '16777217', '100000', '1000000', '1e-7',
  'Ünïcödé ok', '😀', '-', '+1.5e+3', '0X1f', '1__2', '0.000001', '0.0001'];
const QUOTED = ["'yes'", "'0x1F'", "'it''s'", "''", '"yes"', '"\\x41\\u00e9\\U0001F600"', '"line\\nbreak"', '"tab\\t"', '"\\N\\_\\L\\P"',
  '"\\/\\\\"', '""', '"<b>&</b>"', '"\\e\\a"', "'日本 語'", '"Ünï"'];
const TAGGED = ['!!str 0x1F', '!!int "12"', '!!int 0x10', '!!float 1', '!!float "2.5"', '!!bool yes', '!!bool "true"', '!!null ""',
  '!!binary aGVsbG8=', '!!binary "/w=="', '!custom 12', '! 12', '!!str', '!!timestamp 2001-12-14', '!!str yes', '!!int -0b11',
  '!<tag:yaml.org,2002:str> 5'];
const BAD = ['!!int 1.5', '!!binary bad!', '!!bool 1', '{x: 1}', '[1, 2]', '!!null x'];
const BLOCK = ['|\n  line1\n  line2\n', '>\n  folded\n  text\n\n  para\n', '|-\n  strip\n', '|+\n  keep\n\n', '>-\n  a\n  b\n', '|\n  yes\n',
  '!!binary |\n  aGVs\n  bG8=\n'];

function genValue(r: () => number, flow: boolean): string {
  const x = r();
  if (x < 0.45) return pick(r, PLAIN);
  if (x < 0.65) return pick(r, QUOTED);
  if (x < 0.82) return pick(r, TAGGED);
  if (x < 0.84) return pick(r, BAD);
  if (flow) return pick(r, QUOTED);
  return pick(r, BLOCK);
}

/** Plain values that the `yaml` package and libyaml split the same way inside flow collections. */
function flowSafe(v: string): string {
  return v === '-' || v.includes('?') ? 'x' : v;
}

function generated(n: number, seed: number): Case[] {
  const r = rng(seed);
  const out: Case[] = [];
  for (let i = 0; i < n; i++) {
    const count = 1 + Math.floor(r() * 6);
    const used = new Set<string>();
    const keys: string[] = [];
    for (let k = 0; k < count; k++) {
      const [text, canon] = pick(r, KEYS);
      if (used.has(canon)) continue;
      used.add(canon);
      keys.push(text);
    }
    const flow = r() < 0.15;
    let text: string;
    if (flow) {
      text = '{' + keys.map((k) => `${k}: ${flowSafe(genValue(r, true))}`).join(', ') + '}';
    } else {
      const lines: string[] = [];
      let anchor: string | undefined;
      for (const k of keys) {
        const x = r();
        if (x < 0.08 && anchor) lines.push(`${k}: *${anchor}`);
        else if (x < 0.16) {
          anchor = `a${lines.length}`;
          lines.push(`${k}: &${anchor} ${pick(r, PLAIN)}`);
        } else lines.push(`${k}: ${genValue(r, false)}${r() < 0.1 ? ' # note' : ''}`);
        if (r() < 0.05) lines.push('# comment line');
      }
      if (r() < 0.12) {
        // a merge key whose names do not clash with the document's own keys (order effects are hand-written cases)
        const m = ['mk1', 'mk2'].filter(() => r() < 0.8);
        lines.splice(Math.floor(r() * (lines.length + 1)), 0, `<<: {${m.map((k) => `${k}: ${flowSafe(pick(r, PLAIN.filter((p) => !/[#,:{}[\]]/.test(p))))}`).join(', ')}}`);
      }
      text = lines.join('\n') + (r() < 0.7 ? '\n' : '');
      if (r() < 0.15) text = text.replace(/\n+$/, ''); // output that ends inside a block scalar
      if (r() < 0.08) text = text.split('\n').map((l) => (l ? '  ' + l : l)).join('\n'); // indented as a whole
      if (r() < 0.1) text = '---\n' + text;
      if (r() < 0.1) text += '\n---\nother: doc\n';
      if (r() < 0.08) text = text.replace(/\n/g, '\r\n');
    }
    out.push({ name: `generated/${i}`, text: Buffer.from(text, 'utf8') });
  }
  return out;
}

// ---- running ----

type Outcome = { map: Map<string, Buffer> } | { error: string };

function ours(c: Case): Outcome {
  try {
    const m = parseKeysAndValues(c.text);
    return { map: new Map([...m].map(([k, v]) => [k, Buffer.from(v, 'utf8')])) };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function show(o: Outcome): string {
  if ('error' in o) return `error (${o.error})`;
  return JSON.stringify(Object.fromEntries([...o.map].map(([k, v]) => [k, v.toString('utf8')])));
}

function compareGo(got: Outcome, ref: GoOut): string | null {
  if (ref.panic) return `the Go reference panicked: ${ref.panic}`;
  if (ref.error !== undefined) return 'error' in got ? null : `Go fails (${ref.error}); we give ${show(got)}`;
  if ('error' in got) return `Go gives a map; we fail: ${got.error}`;
  const want = new Map(Object.entries(ref.map ?? {}).map(([k, v]) => [Buffer.from(k, 'base64'), Buffer.from(v, 'base64')] as const));
  const problems: string[] = [];
  if (want.size !== got.map.size) problems.push(`Go has ${want.size} keys, we have ${got.map.size}`);
  for (const [kb, v] of want) {
    const mine = got.map.get(kb.toString('utf8'));
    if (!Buffer.from(kb.toString('utf8'), 'utf8').equals(kb)) problems.push(`Go key ${kb.toString('hex')} is not UTF-8`);
    if (!mine) problems.push(`key ${JSON.stringify(kb.toString('utf8'))} missing`);
    else if (!mine.equals(v)) problems.push(`key ${JSON.stringify(kb.toString('utf8'))}: Go ${JSON.stringify(v.toString('utf8'))}, we ${JSON.stringify(mine.toString('utf8'))}`);
  }
  return problems.length ? problems.join('; ') : null;
}

function compareExpect(c: Case, got: Outcome): string | null {
  const e = c.expect!;
  if ('error' in e && e.error === true) return 'error' in got ? null : `expected an error, got ${show(got)}`;
  if ('error' in got) return `expected ${JSON.stringify(e)}, got ${show(got)}`;
  const want = JSON.stringify(Object.fromEntries(Object.entries(e).sort()));
  const have = JSON.stringify(Object.fromEntries([...got.map].map(([k, v]) => [k, v.toString('utf8')]).sort()));
  return want === have ? null : `expected ${want}, got ${have}`;
}

const corpus = loadCorpus();
const cases = [...corpus, ...generated(900, 20260516)];
let reference: Map<string, GoOut> | Error;
let ref: GoReference | undefined;
try {
  ensureGoPackages({
    'golang-gopkg-yaml.v2-dev': '/usr/share/gocode/src/gopkg.in/yaml.v2',
    'golang-github-ghodss-yaml-dev': '/usr/share/gocode/src/github.com/ghodss/yaml',
  });
  ref = buildGoReference(join(here, 'keys-and-values-reference'), 'kvref');
  const outs = ref.run(cases.filter((c) => !c.differs).map((c) => ({ name: c.name, text: c.text.toString('base64') }))) as GoOut[];
  reference = new Map(outs.map((o) => [o.name, o]));
} catch (e) {
  reference = e as Error;
}

afterAll(() => ref?.cleanup());

describe('KeysAndValues parsing vs Go (sigs.k8s.io/yaml over goyaml v2)', () => {
  it('builds and runs the Go reference (Debian ghodss/yaml + yaml.v2)', () => {
    if (reference instanceof Error) throw reference;
    expect(reference.size).toBeGreaterThan(0);
  });

  it('has hundreds of cases, hand-written and generated, Unicode keys included', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(120);
    expect(cases.length).toBeGreaterThanOrEqual(800);
    expect(cases.filter((c) => /[^\x00-\x7f]/.test(c.text.toString('utf8'))).length).toBeGreaterThanOrEqual(100);
  });

  for (const c of cases) {
    it(c.name, () => {
      const got = ours(c);
      const problems: string[] = [];
      if (c.differs && !c.expect) problems.push('differs needs expect');
      if (c.expect) {
        const p = compareExpect(c, got);
        if (p) problems.push(`expect: ${p}`);
      }
      if (!c.differs) {
        if (reference instanceof Error) problems.push(`no Go reference: ${reference.message}`);
        else {
          const r = reference.get(c.name);
          if (!r) problems.push('no reference result');
          else {
            const p = compareGo(got, r);
            if (p) problems.push(`go: ${p}`);
          }
        }
      }
      expect(problems.join('\n'), `${c.name}: ${JSON.stringify(c.text.toString('utf8'))}`).toBe('');
    });
  }
});
