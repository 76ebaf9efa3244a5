// Differential test of how eso-render reads YAML where ESO reads it with sigs.k8s.io/yaml over goyaml v2:
// KeysAndValues output (src/engine/keys-and-values.ts) and the fromYaml template function
// (src/template/funcs/eso-yaml.ts), both over the port of goyaml's reader, scanner and parser in
// src/common/goyaml-parse.ts. test/goyaml-reference/main.go runs ESO's two yaml.Unmarshal calls (Debian's
// ghodss/yaml + gopkg.in/yaml.v2 2.4.0) on every case in one process. For each case:
//   - where Go fails, we fail with Go's exact text: KeysAndValues as ESO prints it
//     ("could not unmarshal template to 'map[string][]byte': " + Go's error), fromYaml under "Error";
//   - where Go succeeds, we give the same map (KeysAndValues: the same keys and values byte for byte;
//     fromYaml: the same json.Marshal bytes).
// Cases: test/goyaml-corpus/*.yaml (hand-written: the syntax errors people make and the corners where
// libyaml differs from YAML 1.2 readers) plus hundreds of seeded mutations of valid documents (characters
// deleted, inserted and doubled, indentation moved, tabs, quotes, flow brackets, directives, tags,
// anchors, block scalar headers, document markers, Unicode line breaks). A reference that cannot be
// built fails this file (never a skip).
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { parseKeysAndValues } from '../src/engine/keys-and-values.js';
import { fromYaml } from '../src/template/funcs/eso-yaml.js';
import { encodeJson } from '../src/template/funcs/sprig-json.js';
import { buildGoReference, ensureGoPackages, type GoReference } from './helpers/go-ref.js';
import { seededRandom as rng } from '../src/testing/seeded-random.test-helper.js';

const ESO_KV = "could not unmarshal template to 'map[string][]byte': ";

interface Case {
  name: string;
  text: Buffer;
}

interface GoResult {
  error?: string;
  json?: string;
  panic?: string;
}

interface GoOut {
  name: string;
  kv: GoResult;
  fromYaml: GoResult;
}

const here = fileURLToPath(new URL('.', import.meta.url));

function loadCorpus(): Case[] {
  const out: Case[] = [];
  const dir = join(here, 'goyaml-corpus');
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.yaml')).sort()) {
    const doc = parseYaml(readFileSync(join(dir, f), 'utf8')) as { cases: { name: string; text: string }[] };
    for (const c of doc.cases) out.push({ name: `${f.replace(/\.yaml$/, '')}/${c.name}`, text: Buffer.from(c.text ?? '', 'utf8') });
  }
  return out;
}

// ---- generator: mutations of valid documents ----


const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const BASES = [
  'a: 1\nb: two\nc: "three"\n',
  'user: admin\npassword: s3cr3t\nport: 5432\n',
  'a:\n  b: 1\n  c: [x, y]\nd: {e: f, g: h}\n',
  'list:\n  - one\n  - two: 2\n    three: 3\n  - [a, b]\nk: v\n',
  "q1: 'single ''quoted'''\nq2: \"double \\\"q\\\" \\u00e9 \\x41\"\nq3: \"multi\n  line\"\n",
  'lit: |\n  line one\n  line two\nfold: >-\n  folded\n  text\n\n  para\nkeep: |+\n  kept\n\nx: y\n',
  'base: &b {x: 1, y: 2}\nother:\n  <<: *b\n  z: 3\nref: *b\n',
  '%YAML 1.1\n%TAG !e! tag:example.com,2000:\n---\na: !e!thing v\nb: !!str 12\nc: !!int "7"\n...\n',
  '---\nfirst: doc\n---\nsecond: doc\n',
  '? complex key\n: complex value\n? [a, b]\n: seq key\nplain: value # comment\n',
  'é: café\nключ: значение\n日本: 語\n"😀": "\\u00e9"\n',
  'a: x\u2028y\nb: "p\u2029q"\nc: >\n  m\u2028  n\n',
  '{a: 1, b: [2, 3], "c": {d: e}, ? f: g}\n',
  '- a\n- b: c\n  d: e\n- - nested\n  - seq\n',
  'bin: !!binary aGVsbG8=\nts: 2001-12-14\nn: ~\nf: 1.5e3\no: 0o17\nh: 0x1F\nyes: on\n',
  'a: &x 1\nb: *x\nc: [*x, &y 2, *y]\nd: {k: *y}\n',
  'key with spaces: value with: colon\nurl: http://x/y?z=1#f\ntab:\tvalue\n',
  'a:\n- 1\n- 2\nb:\n  - c: |\n      block in seq\n    d: 4\n',
];

const INSERTS = [' ', '  ', '\t', '\n', '\r\n', ':', ': ', '-', '- ', '?', '? ', ',', '[', ']', '{', '}', '"', "'", '!', '!!', '&', '*', '|', '>', '|-', '>+', '|2', '|0',
  '#', ' #', '%', '%YAML 1.1\n', '%YAML 1.2\n', '%TAG ! !x\n', '@', '`', '\\', '\\x', '\\u12', '\u2028', '\u2029', '\u0085', '\r', '\ufeff', '\x01', '\x7f', '---', '---\n', '...',
  '...\n', '&a ', '*a', '*zz', '!<x>', '!<', '!e!', 'é', '😀', '<<: ', 'x', '0', '\u00a0'];

function mutate(r: () => number, s: string): string {
  const n = s.length;
  const at = Math.floor(r() * (n + 1));
  const x = r();
  if (x < 0.25 && n > 0) return s.slice(0, at) + s.slice(at + 1); // delete a character
  if (x < 0.55) return s.slice(0, at) + pick(r, INSERTS) + s.slice(at); // insert a token
  if (x < 0.65 && n > 0) return s.slice(0, at) + s[Math.min(at, n - 1)]! + s.slice(at); // double a character
  const lines = s.split('\n');
  const li = Math.floor(r() * lines.length);
  if (x < 0.75) lines[li] = ' '.repeat(1 + Math.floor(r() * 3)) + lines[li]; // indent a line more
  else if (x < 0.82) lines[li] = lines[li]!.replace(/^ {1,2}/, ''); // indent a line less
  else if (x < 0.87) lines[li] = lines[li]!.replace(/^( *)/, (m) => m.replace(/ /, '\t')); // a tab in the indentation
  else if (x < 0.92) lines.splice(li, 0, lines[li]!); // duplicate a line
  else if (x < 0.96) lines.splice(li, 1); // drop a line
  else lines[li] = lines[li]!.replace(/["'[\]{}]/, ''); // drop a quote or bracket
  return lines.join('\n');
}

function generated(n: number, seed: number): Case[] {
  const r = rng(seed);
  const out: Case[] = [];
  for (let i = 0; i < n; i++) {
    let s = pick(r, BASES);
    const k = 1 + Math.floor(r() * 3);
    for (let j = 0; j < k; j++) s = mutate(r, s);
    if (r() < 0.1) s = s.replace(/\n+$/, '');
    out.push({ name: `mutated/${i}`, text: Buffer.from(s, 'utf8') });
  }
  // Large inputs: a reader error or a syntax error past libyaml's first 512-byte chunk.
  const big = 'k: v\n'.repeat(150);
  out.push({ name: 'large/control-char-late', text: Buffer.from(big + 'x: \x01\n') });
  out.push({ name: 'large/bad-utf8-late', text: Buffer.concat([Buffer.from(big + 'x: '), Buffer.from([0xff, 0x0a])]) });
  out.push({ name: 'large/syntax-then-bad-utf8', text: Buffer.concat([Buffer.from('a: [1\n' + big), Buffer.from([0xc3])]) });
  out.push({ name: 'large/bad-utf8-after-first-doc', text: Buffer.concat([Buffer.from('a: 1\n---\n' + big), Buffer.from([0xfe])]) });
  out.push({ name: 'large/simple-key-over-1024', text: Buffer.from('"' + 'x'.repeat(1100) + '": v\n') });
  out.push({ name: 'large/plain-key-over-1024', text: Buffer.from('y'.repeat(1030) + ': v\n') });
  // U+FEFF at line starts: goyaml skips a character at column 0 when its buffer (refilled in 512-byte chunks) starts with U+FEFF.
  const lines = Array.from({ length: 300 }, (_, j) => `${j % 7 === 3 ? '\ufeff' : ''}k${j}: ${'x'.repeat(j % 13)}`).join('\n') + '\n';
  out.push({ name: 'large/bom-line-starts', text: Buffer.from(lines) });
  out.push({ name: 'large/bom-line-starts-after-two-boms', text: Buffer.from('\ufeff\ufeff' + lines) });
  out.push({ name: 'large/bom-line-starts-crlf', text: Buffer.from('\ufeff' + lines.replace(/\n/g, '\r\n')) });
  return out;
}

// ---- running ----

type Outcome = { json: Buffer } | { error: string };

function oursKv(c: Case): Outcome {
  try {
    const m = parseKeysAndValues(c.text);
    const obj: Record<string, string> = {};
    for (const k of [...m.keys()].sort()) obj[k] = m.get(k)!;
    return { json: Buffer.from(JSON.stringify(obj), 'utf8') };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function oursFromYaml(c: Case): Outcome {
  try {
    const m = fromYaml(c.text.toString('latin1'));
    const e = m.get('Error');
    if (m.size === 1 && typeof e === 'string' && /^(error converting YAML to JSON|error unmarshaling JSON): /.test(e)) {
      return { error: Buffer.from(e, 'latin1').toString('utf8') };
    }
    return { json: Buffer.from(encodeJson(m, true), 'latin1') };
  } catch (e) {
    return { error: `(our bound) ${(e as Error).message}` };
  }
}

/** Go's KeysAndValues map as the same sorted JSON as ours. */
function goKvJson(b64: string): Buffer {
  const m = JSON.parse(Buffer.from(b64, 'base64').toString('utf8')) as Record<string, string>;
  const obj: Record<string, string> = {};
  for (const k of Object.keys(m).sort()) obj[k] = m[k]!;
  return Buffer.from(JSON.stringify(obj), 'utf8');
}

/**
 * What ESO prints for a KeysAndValues failure, less what it quotes of the text: KeysAndValues output is
 * rendered from secrets, and eso-render never prints any of it (docs/security.md). goyaml quotes a value
 * in five messages; there the value (or anchor name) is left out, the rest of the text is Go's.
 */
function kvText(goError: string): string {
  const masked = goError
    .replace(/cannot decode (\S+) `[\s\S]*` as a (\S+)$/, 'cannot decode $1 as a $2')
    .replace(/anchor '[\s\S]*' value contains itself$/, 'anchor value contains itself')
    .replace(/unknown anchor '[\s\S]*' referenced$/, 'unknown anchor referenced')
    .replace(/invalid map key: [\s\S]*$/, 'invalid map key')
    .replace(/json: unsupported value: \S+$/, 'json: unsupported value')
    // ghodss/yaml (Debian) capitalises this one where sigs.k8s.io/yaml (ESO) does not; both quote the key and value.
    .replace(/[Uu]nsupported map key of type: ([^,]*), key: [\s\S]*$/, (_, t: string) => `unsupported map key of type: ${t === '%!s(<nil>)' ? '<nil>' : t}`);
  return ESO_KV + masked;
}

/**
 * Ours is Go's text, or Go's text with the one addition we make: a JSON type error says which entry of the
 * output it is about (Go 1.19's encoding/json names no key; ESO's newer Go names the key, which we never print).
 */
function sameError(ours: string, want: string): boolean {
  return ours === want || (/cannot unmarshal (array|object) into Go value of type string$/.test(want) && ours.replace(/ \(entry \d+\)$/, '') === want);
}

/** ESO's sigs.k8s.io/yaml writes this error with a small letter, Debian's ghodss/yaml with a capital. */
const esoFromYamlError = (e: string): string => e.replace(/^error converting YAML to JSON: Unsupported map key/, 'error converting YAML to JSON: unsupported map key');

/**
 * Go 1.19's encoding/json writes U+0008 and U+000C as \u0008 and \u000c; since Go 1.22 it writes \b and \f,
 * and ESO v2.9.0 is built with Go 1.26 (go.mod), so that is what we write.
 */
const esoJson = (b64: string): Buffer =>
  Buffer.from(Buffer.from(b64, 'base64').toString('latin1').replace(/(?<!\\)((?:\\\\)*)\\u00(08|0c)/g, (_, p: string, c: string) => p + (c === '08' ? '\\b' : '\\f')), 'latin1');

function compare(what: string, got: Outcome, ref: GoResult, wantError: (e: string) => string, refJson: (b64: string) => Buffer): string | null {
  if (ref.panic) return `${what}: the Go reference panicked: ${ref.panic}`;
  if (ref.error !== undefined) {
    if (!('error' in got)) return `${what}: Go fails (${ref.error}); we give ${got.json.toString('utf8')}`;
    return sameError(got.error, wantError(ref.error)) ? null : `${what}: error text differs:\n  go: ${wantError(ref.error)}\n  we: ${got.error}`;
  }
  // Two keys that become one string (`1` and "1"): Go keeps one of them at random; we fail (deliberate, documented).
  if ('error' in got && what === 'KeysAndValues' && /two keys of the output become the same key/.test(got.error)) return null;
  if ('error' in got) return `${what}: Go gives ${refJson(ref.json ?? '').toString('utf8')}; we fail: ${got.error}`;
  const want = refJson(ref.json ?? '');
  return want.equals(got.json) ? null : `${what}: Go ${want.toString('utf8')}, we ${got.json.toString('utf8')}`;
}

const corpus = loadCorpus();
const cases = [...corpus, ...generated(1000, 20261202)];
let reference: Map<string, GoOut> | Error;
let ref: GoReference | undefined;
try {
  ensureGoPackages({
    'golang-gopkg-yaml.v2-dev': '/usr/share/gocode/src/gopkg.in/yaml.v2',
    'golang-github-ghodss-yaml-dev': '/usr/share/gocode/src/github.com/ghodss/yaml',
  });
  ref = buildGoReference(join(here, 'goyaml-reference'), 'goyamlref');
  const outs = ref.run(cases.map((c) => ({ name: c.name, text: c.text.toString('base64') }))) as GoOut[];
  reference = new Map(outs.map((o) => [o.name, o]));
} catch (e) {
  reference = e as Error;
}

afterAll(() => ref?.cleanup());

describe("goyaml v2's reading (KeysAndValues, fromYaml) vs Go", () => {
  it('builds and runs the Go reference (Debian ghodss/yaml + yaml.v2)', () => {
    if (reference instanceof Error) throw reference;
    expect(reference.size).toBe(cases.length);
  });

  it('has hundreds of inputs, most of them malformed, every kind of failure among them', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(60);
    expect(cases.length).toBeGreaterThanOrEqual(1000);
    if (reference instanceof Error) throw reference;
    const failing = [...reference.values()].filter((o) => o.kv.error?.startsWith('error converting YAML to JSON: yaml: '));
    expect(failing.length).toBeGreaterThanOrEqual(400);
    // Reader, scanner and parser errors, with and without a line.
    for (const re of [/control characters are not allowed$/, /invalid leading UTF-8 octet$/, /yaml: line \d+: did not find expected key$/, /found character that cannot start any token$/,
      /mapping values are not allowed in this context$/, /could not find expected ':'$/, /did not find expected node content$/, /found undefined tag handle$/]) {
      expect(failing.some((o) => re.test(o.kv.error!)), String(re)).toBe(true);
    }
  });

  for (const c of cases) {
    it(c.name, () => {
      if (reference instanceof Error) throw reference;
      const r = reference.get(c.name);
      if (!r) throw new Error('no reference result');
      const problems = [
        compare('KeysAndValues', oursKv(c), r.kv, kvText, goKvJson),
        compare('fromYaml', oursFromYaml(c), r.fromYaml, esoFromYamlError, esoJson),
      ].filter((p) => p !== null);
      expect(problems.join('\n'), `${c.name}: ${JSON.stringify(c.text.toString('utf8'))}`).toBe('');
    });
  }
});
