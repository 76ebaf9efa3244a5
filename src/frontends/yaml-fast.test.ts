// readSimpleDocument against the `yaml` path, differentially: whenever the fast reader gives a value,
// `yaml` (Parser + Composer with readOptions, doc.toJS(toJSOptions), as stream.ts reads) must read the
// same text without errors to an identical value: same key order, same types, Object.is on numbers.
// Inputs: every YAML file of the repository's corpora (whole, split by the scan, split at `---` lines),
// seeded random documents in and just outside the subset, and random mutations of the corpus documents.
// Also: the share of the corpus's ESO documents the reader accepts (it should be nearly all).
import { readdirSync, readFileSync, statSync, existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Composer, Parser } from 'yaml';
import type { Document } from 'yaml';
import { readSimpleDocument } from './yaml-fast.js';
import { difference } from '../testing/value-difference.test-helper.js';
import { readOptions, toJSOptions } from './yaml-schema.js';
import { scanStream } from './stream-scan.js';
import { seededRandom as rng } from '../testing/seeded-random.test-helper.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

// ------------------------------------------------------------------------------------- the reference

type Reference = { ok: true; value: unknown } | { ok: false };

/**
 * What the `yaml` path gives for `text` as one document slice: the value of its one non-empty document
 * (empty documents before it, from extra `---` lines, carry no value), or not ok when any document has
 * errors, when there is no non-empty document or more than one, or when toJS throws.
 */
function reference(text: string): Reference {
  const docs: Document[] = [];
  const composer = new Composer(readOptions);
  for (const tok of new Parser().parse(text)) for (const d of composer.next(tok)) docs.push(d as Document);
  for (const d of composer.end(false, text.length)) docs.push(d as Document);
  if (docs.some((d) => d.errors.length > 0)) return { ok: false };
  // An empty document (contents null, or an empty scalar after `---`) has the value null: stream.ts skips it.
  let values: unknown[];
  try {
    values = docs.map((d) => (d.contents === null ? null : d.toJS(toJSOptions)));
  } catch {
    return { ok: false };
  }
  const full = values.filter((v) => v !== null && v !== undefined);
  if (full.length !== 1 || full[0] !== values[values.length - 1]) return { ok: false };
  return { ok: true, value: full[0] };
}


interface Tally {
  accepted: number;
  declined: number;
  /** Inputs the reader accepted where yaml disagrees: the test fails on any. */
  wrong: { text: string; why: string }[];
}
const tally = (): Tally => ({ accepted: 0, declined: 0, wrong: [] });

/** Check one slice: a value from the reader must be yaml's value. */
function check(t: Tally, text: string, from = 0, to = text.length): boolean {
  const fast = readSimpleDocument(text, from, to);
  if (fast === undefined) {
    t.declined++;
    return false;
  }
  t.accepted++;
  const slice = text.slice(from, to);
  const ref = reference(slice);
  if (!ref.ok) t.wrong.push({ text: slice, why: 'yaml reports errors or no single document' });
  else {
    const d = difference(fast, ref.value);
    if (d) t.wrong.push({ text: slice, why: d });
  }
  return true;
}

function report(t: Tally): string {
  const shown = t.wrong.slice(0, 5).map((w) => `--- ${w.why}\n${w.text}`);
  return `${t.wrong.length} wrong of ${t.accepted} accepted (${t.declined} declined)\n${shown.join('\n')}`;
}

// ---------------------------------------------------------------------------------------- the corpus

function yamlFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const p = path.join(dir, name);
    if (statSync(p).isDirectory()) out.push(...yamlFiles(p));
    else if (/\.ya?ml$/.test(name)) out.push(p);
  }
  return out.sort();
}

const corpusFiles = [
  ...yamlFiles(path.join(ROOT, 'test')),
  ...yamlFiles(path.join(ROOT, 'kustomize-examples')),
  ...yamlFiles('/work/shared/reference/guide-manifests'),
];

/** Document slices of a file: as the scan reports them, and cut at every `---` line (cruder). */
function documentSlices(text: string): [number, number][] {
  const out: [number, number][] = [];
  const scanned = scanStream(text);
  if (scanned) for (const d of scanned) out.push([d.start, d.end]);
  const cuts = [0];
  const re = /^---/gm;
  for (let m = re.exec(text); m; m = re.exec(text)) if (m.index > 0) cuts.push(m.index);
  cuts.push(text.length);
  for (let i = 0; i + 1 < cuts.length; i++) out.push([cuts[i]!, cuts[i + 1]!]);
  return out;
}


describe('readSimpleDocument agrees with the yaml path', () => {
  it('has a corpus to read', () => {
    expect(corpusFiles.length).toBeGreaterThan(100);
  });

  it('on every document of the corpora', () => {
    const t = tally();
    for (const f of corpusFiles) {
      const text = readFileSync(f, 'utf8');
      check(t, text);
      for (const [a, b] of documentSlices(text)) check(t, text, a, b);
    }
    console.log(`corpus slices: ${t.accepted} accepted, ${t.declined} declined`);
    expect(t.wrong.length, report(t)).toBe(0);
    expect(t.accepted).toBeGreaterThan(200);
  });

  it('on mutations of the corpus documents', () => {
    const t = tally();
    const rand = rng(19);
    const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
    const chars = [' ', '  ', ':', ': ', '-', '- ', '#', ' #', "'", '"', '|', '>', '|-', '|+', '\n', '\n\n', 'a', '0', '1', '.', '[', ']', '{', '}', ',', '&', '*', '!', '?', '~', '\\', '%', '@', 'é', '<<', '...', '---', '\t'];
    const docs: string[] = [];
    for (const f of corpusFiles) {
      const text = readFileSync(f, 'utf8');
      for (const { start, end } of scanStream(text) ?? []) if (readSimpleDocument(text, start, end) !== undefined) docs.push(text.slice(start, end));
    }
    expect(docs.length).toBeGreaterThan(100);
    const rounds = Math.ceil(30_000 / docs.length);
    for (let r = 0; r < rounds; r++) {
      for (const doc of docs) {
        let s = doc;
        const edits = 1 + Math.floor(rand() * 3);
        for (let e = 0; e < edits; e++) {
          const lines = s.split('\n');
          const li = Math.floor(rand() * lines.length);
          const at = Math.floor(rand() * (s.length + 1));
          switch (Math.floor(rand() * 8)) {
            case 0: s = s.slice(0, at) + pick(chars) + s.slice(at + 1); break; // replace a character
            case 1: s = s.slice(0, at) + pick(chars) + s.slice(at); break; // insert
            case 2: s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rand() * 3)); break; // delete
            case 3: lines.splice(li, 1); s = lines.join('\n'); break; // drop a line
            case 4: lines.splice(li, 0, lines[li] ?? ''); s = lines.join('\n'); break; // duplicate a line
            case 5: lines[li] = ' '.repeat(1 + Math.floor(rand() * 2)) + (lines[li] ?? ''); s = lines.join('\n'); break; // indent
            case 6: lines[li] = (lines[li] ?? '').replace(/^ {1,2}/, ''); s = lines.join('\n'); break; // dedent
            default: lines[li] = (lines[li] ?? '') + pick([' ', ' # c', ':', ' x', '  ']); s = lines.join('\n'); // append
          }
        }
        check(t, s);
      }
    }
    console.log(`mutations: ${t.accepted} accepted, ${t.declined} declined`);
    expect(t.wrong.length, report(t)).toBe(0);
    expect(t.accepted + t.declined).toBeGreaterThanOrEqual(30_000);
  });
});

// ------------------------------------------------------------------------------ random documents

const TRICKY_SCALARS = [
  'a', 'value', 'x y', '0755', '09', '-0', '+1', '.5', '1e3', '0x1F', '0o17', '1_000', '.inf', '-.Inf', '.NaN', '+.inf',
  '~', 'Null', 'null', 'NULL', 'nuLL', 'yes', 'on', 'y', 'True', 'TRUE', 'tRue', 'false', '2024-01-01', '-00', '00', '0', '-1',
  '1.0', '1.', '-.5e-3', '1E+2', '123456789012345678901234567890', '0x', '0o8', '0b101', '08', '+0755', '-0x1', '1e', '.',
  "'it''s'", "''", "'a'b'", '"\\u00e9"', '""', '"a\\"b"', '"\\x41"', '"\\t"', '"\\U0001F600"', '"\\ud800"', '"\\q"', '"\\/"',
  '"a\\\\b"', '"\\N\\_\\L"', '"\\e\\0"', '"unterminated', "'unterminated", '"a" b', '"a"#b', '"a" #b',
  'a: b', 'a #b', 'a#b', 'a  #b', '-a', ':a', '?a', '%a', '@a', '`a', ',a', ']a', '}a', 'a:', 'a:b', 'http://x:80/p', 'nginx:1.27',
  'a, b', 'a [b]', 'a{b}', 'trailing   ', 'é', '日本語', '😀', 'a\u00a0', '\u00a0a', 'a\u2000b', '<<', '__proto__', '&x a', '*x',
  '!!str 1', '! a', '-', '- a', '? a', '[]', '{}', '[ ]', '{ }', '[a, b]', '[a,b]', '{a: 1}', '{ a: 1, b: [x, "y"] }',
  '[1, "two", 3.0, -0, ~]', '[a,]', '{a: 1, a: 2}', '{a}', '{a: }', '[a: b]', '{ "q": 1 }', '{"q":1}', "{ 'k': v }",
  '[{ containerPort: 8080 }]', '{ key: /apps/app-1/db, property: username }', '[a b]', '{ a: b c }', '[ [ ] ]', '[ #x ]',
  '[a] x', '{a: 1} # c', '{u: https://x.invalid/p}', '[a:b, c:]', '{a:b: c}', '{a: b:}', '[http://x]', '{a: x:[y]}', '{a:1}', '[a:{}]', 'a\tb', '#', '# c', '0.0', '-0.0', '+.5', '1_0', '0o', '.e3', '1.e3', 'tru', 'Nan', '.nan',
];
const TRICKY_KEYS = [
  'a', 'b', 'key', 'name', 'app.kubernetes.io/name', 'tls.crt', '.dockerconfigjson', '$ref', 'x-y', 'a_b', '1', '0x1', 'true',
  'null', '~', 'yes', 'on', '"q"', "'s'", '"a b"', '"\\u00e9"', '"<<"', '<<', '__proto__', '"__proto__"', 'a b', 'a#b', '-a', 'é',
  'constructor', 'toString', '.inf', '1e3', 'k:v', '"k":', '? k', '&a k', '!t k', 'dup', 'dup',
];

// Spellings the reader is meant to accept (a generated document mixes these with the tricky ones).
const SAFE_SCALARS = [
  'a', 'value', 'x y', '0755', '09', '-0', '+1', '.5', '1e3', '0x1F', '0o17', '1_000', '.inf', '-.Inf', '.NaN', '~', 'Null',
  'yes', 'on', 'True', '2024-01-01', '-00', '1.0', '-.5e-3', "'it''s'", "''", '"\\u00e9"', '""', '"a\\"b"', 'a #b', 'a#b',
  '-a', 'a:b', 'nginx:1.27', 'a, b', 'é', '😀', 'a\u00a0', '[]', '{}', '[a, b]', '{ a: 1, b: [x, "y"] }', '[1, "two", 3.0, -0, ~]',
  '{ key: /apps/app-1/db, property: username }', '{"q":1}', '{serviceUrl: https://example.invalid}', '[a:b, c]',
];
const SAFE_KEYS = ['a', 'b', 'key', 'name', 'app.kubernetes.io/name', 'tls.crt', '.dockerconfigjson', '$ref', 'x-y', '"q"', "'s'", '"a b"', 'é', 'constructor'];
const SAFE_HEADERS = ['|', '|-', '|+', '>', '>-', '>+', '| # c'];

function generate(rand: () => number): string {
  const pickAny = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const chance = (p: number): boolean => rand() < p;
  // How wild this document is: the chance of each choice coming from the tricky lists.
  const wild = pickAny([0, 0, 0.01, 0.03, 0.1, 0.5]);
  const pick = <T,>(xs: readonly T[], safe: readonly T[] = xs): T => pickAny(chance(wild) ? xs : safe);
  let keyNo = 0;
  const key = (): string => {
    const k = pick(TRICKY_KEYS, SAFE_KEYS);
    // Distinct keys unless the tricky list was asked (which holds duplicates on purpose).
    return chance(wild) || /^["'].*["']$/.test(k) ? k : `${k}${keyNo++}`;
  };
  const sp = (n: number): string => ' '.repeat(Math.max(0, n));
  const out: string[] = [];
  const comment = (indent: number): void => {
    if (chance(0.08)) out.push(sp(indent + Math.floor(rand() * 3) - 1) + '# note');
    if (chance(0.06)) out.push(sp(Math.floor(rand() * (indent + 3))));
  };
  const trail = (): string => (chance(0.1) ? pick([' # c', '  #c', ' ', '#c', '   '], [' # c', '  #c', ' ']) : '');
  const step = (): number => pick([1, 2, 2, 2, 3, 4]);

  /** Lines of a block scalar's body at indent `m`, then what may follow it. */
  const blockBody = (m: number): void => {
    const n = Math.floor(rand() * 4);
    if (chance(0.2)) out.push(sp(Math.floor(rand() * (chance(wild) ? m + 2 : m + 1)))); // leading blank line
    for (let i = 0; i < n + 1; i++) {
      const r = rand();
      if (r < 0.55) out.push(sp(m) + pickAny(['text', 'a b', '# not a comment', '- item', 'k: v', '  more', 'x  ', '{{ .v }}', "it's", '"q"']));
      else if (r < 0.7) out.push(sp(m + 1 + Math.floor(rand() * 3)) + 'deeper');
      else if (r < 0.85) out.push(sp(Math.floor(rand() * (chance(wild) ? m + 2 : m + 1))));
      else if (r < 0.92 && chance(wild)) out.push(sp(m - 1) + 'shallower');
      else out.push(sp(m) + 'last');
    }
    if (chance(0.3)) for (let i = Math.floor(rand() * 3); i >= 0; i--) out.push(sp(Math.floor(rand() * (chance(wild) ? m + 2 : m + 1))));
    if (chance(0.15)) out.push(sp(Math.floor(rand() * (m + 1))) + '# after');
  };

  const header = (): string => pick(['|', '|', '|-', '|+', '>', '>-', '>+', '|2', '>1-', '| # c', '|#c', '| x', '|-+'], SAFE_HEADERS);

  /** A value after `key:` (the key's line so far is `prefix`), for a mapping at indent `c`. */
  const value = (prefix: string, c: number, depth: number): void => {
    const r = rand();
    if (depth > 5 || r < 0.45) {
      out.push(prefix + ' ' + pick(TRICKY_SCALARS, SAFE_SCALARS) + trail());
    } else if (r < 0.55) {
      out.push(prefix + ' ' + header());
      blockBody(c + step());
    } else if (r < 0.58) {
      out.push(prefix + trail());
    } else if (r < 0.8) {
      out.push(prefix + trail());
      comment(c);
      mapping(c + step(), depth + 1);
    } else {
      out.push(prefix + trail());
      comment(c);
      sequence(chance(0.5) ? c : c + step(), depth + 1);
    }
  };

  function mapping(c: number, depth: number, first?: string): void {
    const n = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < n; i++) {
      const lead = i === 0 && first !== undefined ? first : sp(c);
      value(lead + key() + ':', c, depth);
      comment(c);
    }
  }

  function sequence(c: number, depth: number): void {
    const n = 1 + Math.floor(rand() * 3);
    for (let i = 0; i < n; i++) {
      const dash = sp(c) + '-' + sp(pick([1, 1, 1, 2, 3]));
      const col = dash.length;
      const r = rand();
      if (depth > 5 || r < 0.35) out.push(dash + pick(TRICKY_SCALARS, SAFE_SCALARS) + trail());
      else if (r < 0.65) mapping(col, depth + 1, dash);
      else if (r < 0.72) {
        out.push(dash + header());
        blockBody(c + step());
      } else if (r < 0.8) {
        out.push(sp(c) + '-' + trail());
        mapping(c + step(), depth + 1);
      } else if (r < 0.86) {
        out.push(sp(c) + '-' + trail());
      } else {
        // `- - a`: a compact nested sequence
        out.push(dash + '- ' + pick(TRICKY_SCALARS, SAFE_SCALARS));
        if (chance(0.5)) out.push(sp(col) + '- ' + pick(TRICKY_SCALARS, SAFE_SCALARS));
      }
      comment(c);
    }
  }

  // The preamble, the root (usually a mapping), the end.
  if (chance(0.2)) out.push('# head');
  if (chance(0.4)) out.push(pick(['---', '---', '--- # c', '--- a: 1', '%YAML 1.2\n---', '---\n---'], ['---', '---\n---', '---\n# c']));
  const root = rand();
  if (root < 0.9 || !chance(wild)) mapping(chance(0.95) ? 0 : 2, 1);
  else if (root < 0.95) sequence(0, 1);
  else out.push(pick(TRICKY_SCALARS, SAFE_SCALARS));
  if (chance(0.1)) out.push(pick(['...', '...\n# c', '... x', '---'], ['...', '...\n# c']));
  const text = out.join('\n');
  return chance(0.85) ? text + '\n' : text;
}

describe('readSimpleDocument on random documents', () => {
  it('agrees with the yaml path on 40,000 seeded documents in and just outside the subset', () => {
    const t = tally();
    const rand = rng(2024);
    for (let i = 0; i < 40_000; i++) check(t, generate(rand));
    console.log(`random documents: ${t.accepted} accepted, ${t.declined} declined`);
    expect(t.wrong.length, report(t)).toBe(0);
    // The generator must exercise both sides: much inside the subset, much outside.
    expect(t.accepted).toBeGreaterThan(5_000);
    expect(t.declined).toBeGreaterThan(5_000);
  });
});

// ------------------------------------------------------------------------------------ acceptance

describe('readSimpleDocument accepts nearly every ESO document of the corpora', () => {
  it('reports the share accepted, by kind and by source', () => {
    const groups: [string, string[]][] = [
      ['test/cases inputs', yamlFiles(path.join(ROOT, 'test/cases')).filter((f) => /input/.test(path.basename(f)))],
      ['guide manifests', yamlFiles('/work/shared/reference/guide-manifests')],
      ['kustomize-examples', yamlFiles(path.join(ROOT, 'kustomize-examples'))],
      ['other test corpora', corpusFiles.filter((f) => f.startsWith(path.join(ROOT, 'test')) && !/\/test\/cases\//.test(f))],
    ];
    const byKind = new Map<string, { yes: number; no: number }>();
    const lines: string[] = [];
    const declined: string[] = [];
    let yes = 0;
    let no = 0;
    for (const [name, files] of groups) {
      let gy = 0;
      let gn = 0;
      for (const f of files) {
        const text = readFileSync(f, 'utf8');
        // The documents as the lazy reader would hand them over: the scan's, else cut at `---` lines.
        const scanned = scanStream(text);
        const slices: [number, number][] = scanned ? scanned.map((d) => [d.start, d.end]) : documentSlices(text);
        for (const [a, b] of slices) {
          const ref = reference(text.slice(a, b));
          if (!ref.ok) continue;
          const v = ref.value as { apiVersion?: unknown; kind?: unknown };
          if (typeof v.apiVersion !== 'string' || !/^(?:generators\.)?external-secrets\.io\//.test(v.apiVersion)) continue;
          const kind = String(v.kind);
          const ok = readSimpleDocument(text, a, b) !== undefined;
          const k = byKind.get(kind) ?? { yes: 0, no: 0 };
          if (ok) k.yes++, gy++;
          else k.no++, gn++, declined.push(`${path.relative(ROOT, f)} @${a}${scanned ? '' : ' (not scannable)'}`);
          byKind.set(kind, k);
        }
      }
      lines.push(`${name}: ${gy}/${gy + gn} accepted`);
      yes += gy;
      no += gn;
    }
    for (const [kind, k] of byKind) lines.push(`  ${kind}: ${k.yes}/${k.yes + k.no}`);
    console.log(`ESO documents accepted: ${yes}/${yes + no} (${((100 * yes) / (yes + no)).toFixed(1)}%)\n${lines.join('\n')}\ndeclined:\n${declined.join('\n')}`);
    expect(yes + no).toBeGreaterThan(100);
    expect(yes / (yes + no)).toBeGreaterThan(0.9);
  });
});

// ------------------------------------------------------------------------------- what it declines

describe('readSimpleDocument declines what it cannot be certain of', () => {
  const declined: [string, string][] = [
    ['a tab', 'a:\tb\n'],
    ['a CR', 'a: b\r\n'],
    ['a BOM', '\ufeffa: b\n'],
    ['a C1 control', 'a: b\u0085c\n'],
    ['U+2028', 'a: b\u2028c\n'],
    ['a lone surrogate', 'a: b\ud800c\n'],
    ['an anchor', 'a: &x b\n'],
    ['an alias', 'a: b\nc: *x\n'],
    ['a tag', 'a: !!str 1\n'],
    ['a complex key', '? a\n: b\n'],
    ['a merge key', 'a: {}\n<<: {b: 1}\n'],
    ['a quoted merge key', '"<<": 1\n'],
    ['__proto__', '__proto__: 1\n'],
    ['a duplicate key', 'a: 1\na: 2\n'],
    ['a duplicate key, once quoted', 'a: 1\n"a": 2\n'],
    ['a number key', '1: a\n'],
    ['a null key', '~: a\n'],
    ['a directive', '%YAML 1.2\n---\na: 1\n'],
    ['a value on the marker line', '--- a: 1\n'],
    ['a multi-line plain scalar', 'a: b\n  c\n'],
    ['a multi-line quoted scalar', 'a: "b\n  c"\n'],
    ['a multi-line flow collection', 'a: [b,\n  c]\n'],
    ['an explicit indentation indicator', 'a: |2\n   b\n'],
    ['an empty block scalar', 'a: |\nb: 1\n'],
    ['a root sequence', '- a\n'],
    ['a root scalar', 'a\n'],
    ['an empty document', '# only a comment\n'],
    ['a nested mapping in a value', 'a: b: c\n'],
    ['content after ...', 'a: 1\n...\nb: 2\n'],
  ];
  it.each(declined)('%s', (_name, text) => {
    expect(readSimpleDocument(text)).toBeUndefined();
  });

  it('reads nesting up to MAX_DEPTH - 1 levels and declines deeper', async () => {
    const { MAX_DEPTH } = await import('../common/limits.js');
    const nested = (levels: number): string => Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    const ok = nested(MAX_DEPTH - 1);
    expect(readSimpleDocument(ok)).toEqual(reference(ok).ok ? (reference(ok) as { value: unknown }).value : 'yaml failed');
    expect(readSimpleDocument(nested(MAX_DEPTH))).toBeUndefined();
  });

  it('reads a document given as a slice of a larger stream', () => {
    const text = 'x: 0\n---\n# about b\n---\nb: [1, 2]\nc: |\n  line\n...\n---\nz: 9\n';
    const from = text.indexOf('---');
    const to = text.indexOf('---', text.indexOf('...'));
    const ref = reference(text.slice(from, to));
    expect(ref.ok).toBe(true);
    expect(readSimpleDocument(text, from, to)).toEqual((ref as { value: unknown }).value);
  });

  it('does not import the yaml package, directly or indirectly', () => {
    const seen = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)[^'"]*?from\s*['"]([^'"]+)['"]|import\(\s*['"]([^'"]+)['"]/g)) {
        const spec = (m[1] ?? m[2])!;
        expect(spec.startsWith('.'), `${path.relative(ROOT, file)} imports ${spec}`).toBe(true);
        visit(path.resolve(path.dirname(file), spec.replace(/\.js$/, '.ts')));
      }
    };
    visit(path.join(ROOT, 'src/frontends/yaml-fast.ts'));
    expect(seen.size).toBeGreaterThanOrEqual(2); // yaml-fast.ts and common/limits.ts
  });
});
