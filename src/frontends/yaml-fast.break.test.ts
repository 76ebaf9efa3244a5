// Fidelity breaker for the fast YAML reader (issue 19): inputs where readSimpleDocument gives a value the
// yaml path does not (a divergence: these tests fail until the reader is fixed), and adversarial inputs
// where it held, kept as guarantees. The reference is the yaml path as stream.ts reads a document
// (Parser + Composer with readOptions, doc.toJS(toJSOptions)); the lazy stream must equal the whole one.
import { describe, expect, it } from 'vitest';
import { Composer, Parser } from 'yaml';
import type { Document } from 'yaml';
import { readSimpleDocument } from './yaml-fast.js';
import { difference } from '../testing/value-difference.test-helper.js';
import { readOptions, toJSOptions } from './yaml-schema.js';
import { readManifests, readManifestsLazily } from './stream.js';

type Reference = { ok: true; value: unknown } | { ok: false; codes: string[] };

/** The yaml path's value of a one-document text, or not ok with the error codes it reports. */
function reference(text: string): Reference {
  const docs: Document[] = [];
  const composer = new Composer(readOptions);
  for (const tok of new Parser().parse(text)) for (const d of composer.next(tok)) docs.push(d as Document);
  for (const d of composer.end(false, text.length)) docs.push(d as Document);
  const codes = docs.flatMap((d) => d.errors.map((e) => e.code));
  if (codes.length > 0) return { ok: false, codes };
  let values: unknown[];
  try {
    values = docs.map((d) => (d.contents === null ? null : d.toJS(toJSOptions)));
  } catch {
    return { ok: false, codes: ['toJS'] };
  }
  const full = values.filter((v) => v !== null && v !== undefined);
  if (full.length !== 1 || full[0] !== values[values.length - 1]) return { ok: false, codes: ['not one document'] };
  return { ok: true, value: full[0] };
}


/** What is wrong with the fast reader's answer for `text` (undefined: it declined, or gave yaml's value). */
function verdict(text: string): string | undefined {
  const fast = readSimpleDocument(text);
  if (fast === undefined) return undefined;
  const ref = reference(text);
  if (!ref.ok) return `accepted, but yaml reports ${ref.codes.join(', ')}`;
  return difference(fast, ref.value);
}

const blank = (n: number, line = ''): string => `${line}\n`.repeat(n);

// ------------------------------------------------------------------------------------ divergences

describe('divergences: the fast reader gives a value where yaml reports an error', () => {
  // yaml (compose/resolve-block-map.js, strict) measures an implicit key's 1024-character bound from the
  // end of the previous value node. A null value (`key:` or `-` with nothing after it) that ends a nested
  // collection leaves the blank lines after it outside any token of the next outer key, so that key
  // "starts" before them: 1023 or more blank lines (or the same length of spaces-only lines) then make
  // yaml report KEY_OVER_1024_CHARS on an otherwise ordinary key. The fast reader accepts the document.
  const cases: [string, string][] = [
    ['a null mapping value closing a nested mapping', `a:\n  b:\n${blank(1100)}c: 1\n`],
    ['the same with spaces-only lines', `a:\n  b:\n${blank(110, ' '.repeat(9))}c: 1\n`],
    ['two levels deep', `a:\n  b:\n    c:\n${blank(1100)}  d: 1\n`],
    ['a null sequence item (`-`) closing a sequence at its key indent', `a:\n-\n${blank(1023)}b: 1\n`],
    ['a null sequence item (`- `) closing a deeper sequence', `a:\n  -\n${blank(1100)}b: 1\n`],
    ['a null value of a compact mapping in a sequence', `a:\n- b:\n${blank(1100)}c: 1\n`],
    ['a null item of a compact nested sequence', `a:\n- - \n${blank(1100)}b: 1\n`],
    ['a null item followed by a key whose value is a sequence', `a:\n-\n${blank(1100)}b:\n- c\n`],
  ];
  it.each(cases)('%s: declines (yaml: KEY_OVER_1024_CHARS)', (_name, text) => {
    const ref = reference(text);
    expect(ref.ok).toBe(false); // the premise: yaml reports an error
    expect(readSimpleDocument(text)).toBeUndefined();
  });

  it('the bound is exact: 1022 blank lines read fine in both, 1023 is an error in yaml', () => {
    const at = (n: number) => `a:\n-\n${blank(n)}b: 1\n`;
    expect(reference(at(1022)).ok).toBe(true);
    expect(verdict(at(1022))).toBeUndefined();
    expect(reference(at(1023)).ok).toBe(false);
    expect(readSimpleDocument(at(1023))).toBeUndefined();
  });

  it('an ExternalSecret with an empty annotations: and many blank lines: the lazy stream reports the error the whole stream does', () => {
    const es =
      'apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: db\n  annotations:\n' +
      blank(1100) +
      'spec:\n  secretStoreRef: {name: fake, kind: ClusterSecretStore}\n  target:\n    name: db\n  data: []\n';
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  x: y\n';
    const text = `${cm}---\n${es}`;
    const full = readManifests(text, 'f.yaml');
    const lazy = readManifestsLazily(text, 'f.yaml');
    expect(full.errors.length).toBeGreaterThan(0); // the premise: the whole-stream reader refuses it
    expect(lazy.errors.map(String)).toEqual(full.errors.map(String));
    expect(lazy.items.length).toBe(full.items.length);
  });
});

// ----------------------------------------------------------------------------- what held (guarantees)

// Hand-written adversarial inputs the fast reader got right (declined, or yaml's exact value): block scalar
// chomping and indentation corners, keys, plain/quoted/flow scalars, numbers, escapes, markers, structure.
const HELD: string[] = [
  "a: |\n  x\n",
  "a: |\n  x",
  "a: |+\n  x",
  "a: |-\n  x",
  "a: >\n  x",
  "a: >+\n  x",
  "a: |+\n  x\n\n",
  "a: |+\n  x\n\n  ",
  "a: |+\n  x\n \n",
  "a: |\n\n  x\n",
  "a: |\n \n  x\n",
  "a: |\n  \n  x\n",
  "a: |\n   \n  x\n",
  "a: |\n    x\n  y\n",
  "a: |  \n  x\n",
  "a: | #c\n  x\n",
  "a: |-  #c\n  x\n",
  "a: >\n  x\n  y\n",
  "a: >\n  x\n\n  y\n",
  "a: >\n  x\n   y\n  z\n",
  "a: >\n   y\n  z\n",
  "a: >\n  x\n\n   y\n\n  z\n",
  "a: >-\n  x\n  \n   y\n",
  "a: >\n  # c\n  x\n",
  "a: |\n  x\n# c\nb: 1\n",
  "a: |+\n  x\n\n# c\n\nb: 1\n",
  "a: |+\n  x\n\n...\n",
  "a: |\n  x\n...\n",
  "a: |+\n  x\n...\n",
  "a: |+\n  x\n\n",
  "a: |+\n\n  x\n\n\n",
  "- a: |\n   x\n",
  "b:\n- |\n x\n",
  "b:\n  - |\n   x\n",
  "b:\n- a: |\n   x\n  c: 1\n",
  "a: >\n  x\n \n  y\n",
  "a: >+\n  x\n\n",
  "a: >-\n  x\n\n\n",
  "a: |\n  x\n  \n",
  "a: |\n  x\n   \n",
  "a: |-\n  x\n   \n",
  "a: |+\n  x\n   \n",
  "a: >\n  a\n  \n  b\n",
  "a: >\n\n  a\n",
  "a: >\n \n  a\n",
  "a:\n  b: |\n    x\n  c: 1\n",
  "a:\n  b: |\n   x\n",
  "a: |\n x\nb: |\n  y\n",
  "a: >\n  x  \n  y\n",
  "a: |\n  x\n\n\n",
  "a: |-\n  x\n\n\n",
  "a: |\n  ---\n",
  "a: |\n  ...\n",
  "a: |\n  - x\n",
  "a: |\n  x: y\n",
  "a: |\n  x\n ",
  "a: |\n  x\n\n ",
  "a: |+\n  x\n\n ",
  "a : 1\n",
  "\"a\": 1\n",
  "'a': 1\n",
  "\"a\":1\n",
  "a,b: 1\n",
  "a]: 1\n",
  "a[0]: 1\n",
  "a}b: 1\n",
  "a{: 1\n",
  "a?: 1\n",
  "a-: 1\n",
  "a!: 1\n",
  "a&b: 1\n",
  "a*b: 1\n",
  "a|b: 1\n",
  "a>: 1\n",
  "a'b: 1\n",
  "a\"b: 1\n",
  "a%: 1\n",
  "a@: 1\n",
  "a`: 1\n",
  "constructor: 1\n",
  "\"__proto__\": 1\n",
  "'__proto__': 1\n",
  "\"\\u005f_proto__\": 1\n",
  "toString: 1\nvalueOf: 2\nhasOwnProperty: 3\n",
  "\"\": 1\n",
  "'': 1\n",
  "\"a\": 1\na: 2\n",
  "b: 1\n\"1\": 2\n",
  "\"a b\": 1\n",
  "\"a\" : 1\n",
  "'a''b': 1\n",
  "\"a\\\"b\": 1\n",
  "\"a:b\": 1\n",
  "\"a\": 1\n\"a\": 2\n",
  "a: -#\n",
  "a: b#c\n",
  "a: b #c\n",
  "a: 'x'#c\n",
  "a: \"x\" #c\n",
  "a: [x]#c\n",
  "a: x:\n",
  "a: x :y\n",
  "a: x: y\n",
  "a: x,y\n",
  "a: x]\n",
  "a: x}\n",
  "a: x[\n",
  "a: x{y\n",
  "a: ]x\n",
  "a: }x\n",
  "a: ,x\n",
  "a: x\u00a0\n",
  "a: \u00a0x\n",
  "a: x\u3000\n",
  "a: \u2003\n",
  "a: \u00a0\n",
  "a: x \u00a0\n",
  "a: x\u00a0#c\n",
  "a: x \u00a0#c\n",
  "a:\u00a0x\n",
  "a\u00a0: x\n",
  "\u00a0a: x\n",
  "a: \u0085\n",
  "a: 1e400\n",
  "a: -1e400\n",
  "a: 0x\n",
  "a: 0xFFFFFFFFFFFFFFFFFFFFF\n",
  "a: -0x1\n",
  "a: +0o7\n",
  "a: 0o\n",
  "a: 0.\n",
  "a: .\n",
  "a: -.\n",
  "a: 1_0\n",
  "a: 0b1\n",
  "a: +.inf\n",
  "a: .INF\n",
  "a: -.INF\n",
  "a: +.nan\n",
  "a: .NaN\n",
  "a: -0\n",
  "a: -00\n",
  "a: +0\n",
  "a: 00\n",
  "a: 0007\n",
  "a: 09\n",
  "a: -09\n",
  "a: 1.5e3\n",
  "a: 1.e3\n",
  "a: .5e3\n",
  "a: +.5\n",
  "a: -.0\n",
  "a: 1e-400\n",
  "a: 0e0\n",
  "a: -0e0\n",
  "a: -0.0\n",
  "a: 12345678901234567890\n",
  "a: 0o12345670123456701234567\n",
  "a: 07777777777777777777777\n",
  "a: -0o7\n",
  "a: 0X1\n",
  "a: 0O7\n",
  "a: 1E3\n",
  "a: \uff10\n",
  "a: \u0661\n",
  "a: \"\\x41\"\n",
  "a: \"\\U0001F600\"\n",
  "a: \"\\U00110000\"\n",
  "a: \"\\N\\_\\L\\P\"\n",
  "a: \"\\/\\ \"\n",
  "a: \"\\q\"\n",
  "a: \"\\\"\n",
  "a: \"a\\\\\"\n",
  "a: \"\\uD83D\\uDE00\"\n",
  "a: \"\\x\"\n",
  "a: \"\\u00\"\n",
  "a: \"\\u00e9x\"\n",
  "a: \"\\0\"\n",
  "a: \"\\t\"\n",
  "a: 'it''s'\n",
  "a: ''''\n",
  "a: '''\n",
  "a: 'a'' '\n",
  "a: \"a\" b\n",
  "a: \"\\x7f\"\n",
  "a: \"\\e\"\n",
  "a: \"x\u2028\"\n",
  "a: \"\\\u00a0\"\n",
  "a: \"\\\u00e9\"\n",
  "a: \"\\U0000004\"\n",
  "a: \"\\x4g\"\n",
  "a: \"\\u+041\"\n",
  "a: \"\\x-1\"\n",
  "a: \"\\u 041\"\n",
  "a: [a, b,]\n",
  "a: {a, b}\n",
  "a: {a}\n",
  "a: [a: b]\n",
  "a: {a: b, c}\n",
  "a: {\"a\":1}\n",
  "a: {'a':1}\n",
  "a: [\"a\",'b']\n",
  "a: [a,b]\n",
  "a: [ a , b ]\n",
  "a: {a:1}\n",
  "a: {a: 1 }\n",
  "a: [-1]\n",
  "a: [-a]\n",
  "a: [-.inf]\n",
  "a: [a, [b, [c]]]\n",
  "a: [{a: 1}, {b: 2}]\n",
  "a: {a: [1], b: {c: d}}\n",
  "a: [a:b]\n",
  "a: [a:]\n",
  "a: {a: b:c}\n",
  "a: {a.b: c}\n",
  "a: {a-b: c}\n",
  "a: {\"a\": 1, a: 2}\n",
  "a: [~]\n",
  "a: [null, true]\n",
  "a: {x: ~}\n",
  "a: [a ]\n",
  "a: [ ]\n",
  "a: {}\n",
  "a: []\n",
  "a: [\"\\x41\"]\n",
  "a: ['']\n",
  "a: [a]  \n",
  "a: {a: 1}  # c\n",
  "a: [a?b]\n",
  "a: [a!b]\n",
  "a: [a&b]\n",
  "a: [a*b]\n",
  "a: [a|b]\n",
  "a: [a>b]\n",
  "a: [a%b]\n",
  "a: [a@b]\n",
  "a: [a`b]\n",
  "a: [a-b]\n",
  "a: [a:b:c]\n",
  "a: [a::b]\n",
  "a: [:a]\n",
  "a: {a: :b}\n",
  "a: {a: -}\n",
  "a: {-: a}\n",
  "a: [\u00a0]\n",
  "a: [a\u00a0]\n",
  "a: [\u00a0a]\n",
  "a: {a\u00a0: b}\n",
  "a: {a: b\u00a0}\n",
  "a: [1, 2]\n",
  "a: [\"a\"]x\n",
  "a: [\"a\" ]\n",
  "a: [\"a\", ]\n",
  "a: {\"a\" : 1}\n",
  "a: {a : 1}\n",
  "a: {\"a\":\"b\"}\n",
  "a: {\"a\":[1]}\n",
  "a: {\"a\":{}}\n",
  "a: {'a':'b'}\n",
  "a: [\"a\":1]\n",
  "a: {a: 'b'c}\n",
  "---\na: 1\n",
  "--- \na: 1\n",
  "---\n---\na: 1\n",
  "# c\n---\na: 1\n",
  "a: 1\n...\n",
  "a: 1\n...\n# c\n",
  "a: 1\n...\n\n",
  "a: 1\n... \n",
  "---\na: 1\n...\n---\n",
  "a: 1\n---\n",
  "\n\na: 1\n",
  "a: 1\n\n\n",
  "a: 1",
  "  a: 1\n  b: 2\n",
  "a: 1\n # c\nb: 2\n",
  "a: 1\n    # c\nb: 2\n",
  "a:\n- x\nb: 1\n",
  "a:\n  - x\n  b: 1\n",
  "- a\n",
  "a:\n -  x\n -  y\n",
  "a:\n- - x\n  - y\n",
  "a:\n-   b: 1\n    c: 2\n",
  "a:\n- b: 1\n   c: 2\n",
  "a:\n-\n  b: 1\n",
  "a:\n-\n- x\n",
  "a:\n- \n",
  "a:\n-\n",
  "a:\nb:\n",
  "a:\n  b:\n  c:\n",
  "a:\n    b: 1\n  c: 2\n",
  "a:\n  - x\n - y\n",
  "a:\n - x\n  - y\n",
  "a:\n- a:\n  - x\n  b: 1\n",
  "- a:\n  - x\n",
  "a:\n  - a:\n    - x\n    b: 2\n",
  "a:\n- -\n  - x\n",
  "a:\n- - - x\n",
  "a:\n-  - x\n   - y\n",
  "a: 1\nb:\n  c: 2\n d: 3\n",
  "a:\n  b: 1\n\n\n  c: 2\n",
  "a: 1 \nb: 2  \n",
  "a:   \n  b: 1\n",
  "a: # c\n  b: 1\n",
  "a:  # c\n- x\n",
  "a:\n# c\n- x\n",
  "a:\n  # c\n  - x\n",
];

// Inputs where a long distance lies between a key and what precedes it, but yaml reads them: the reader
// must keep giving their value (or decline), never a different one.
const L = 1100;
const LONG_HELD: string[] = [
  'a:' + blank(L) + 'b: 1\n',
  'a: 1' + blank(L) + 'b: 1\n',
  'a: 1\n' + blank(300, '# c') + 'b: 2\n',
  'a: 1 #' + 'x'.repeat(L) + '\nb: 2\n',
  'a:\n  b:\n' + blank(L) + '# c\nc: 1\n',
  'a:\n  b: # ' + 'x'.repeat(L) + '\nc: 1\n',
  'a:\n- # ' + 'x'.repeat(L) + '\nb: 1\n',
  'a:\n  b: |\n    x\n' + blank(L) + 'c: 1\n',
  'a:\n  b: |+\n    x\n' + blank(L) + 'c: 1\n',
  'a:\n  b: []\n' + blank(L) + 'c: 1\n',
  'a:\n- x\n' + blank(L) + 'b: 1\n',
  'q:\n- a:\n' + blank(L) + '  c: 1\n',
  'a:\n-\n' + blank(L) + '- x\n',
  'a: |\n  x\n' + blank(L, '  ') + 'b: 1\n',
  'k'.repeat(1000) + ':' + ' '.repeat(100) + '1\n',
  '"' + 'k'.repeat(995) + '":' + ' '.repeat(100) + '1\n',
  'a: {"' + 'k'.repeat(990) + '":' + ' '.repeat(100) + '1}\n',
  'a: [v,' + ' '.repeat(L) + 'w]\n',
];

describe('held: the fast reader declines or matches yaml', () => {
  it('on hand-written adversarial inputs', () => {
    const wrong = HELD.map((t) => [t, verdict(t)] as const).filter(([, v]) => v !== undefined);
    expect(wrong).toEqual([]);
    // Not a test that cannot fail by declining everything: most of these are read.
    expect(HELD.filter((t) => readSimpleDocument(t) !== undefined).length).toBeGreaterThan(HELD.length / 3);
  });

  it('on long-distance inputs yaml reads without error', () => {
    for (const t of LONG_HELD) expect(reference(t).ok, JSON.stringify(t.slice(0, 40))).toBe(true);
    const wrong = LONG_HELD.map((t) => [t.slice(0, 60), verdict(t)] as const).filter(([, v]) => v !== undefined);
    expect(wrong).toEqual([]);
  });

  // Exhaustive, not random: every document of up to 3 lines drawn from an alphabet of line shapes at
  // indents 0..3 (block scalar headers with every chomping, `-` alone, compact mappings and sequences,
  // comments, blank and spaces-only lines), with and without a final newline and under a root key. The
  // existing random generator builds well-formed trees; this covers every ill-formed neighbour as well.
  it('on every 3-line document over an alphabet of line shapes', () => {
    const shapes = ['k:', 'k: x', 'k: |+', 'k: >', 'k: |-', 'k: >+', '- x', '-', '- k: |+', '- k: >', '- k:', '- k: x', 'x', '# c', '', '- - x', 'k: |'];
    const lines = [...new Set(shapes.flatMap((s) => [0, 1, 2, 3].map((i) => (s === '' ? ' '.repeat(i) : ' '.repeat(i) + s))))];
    let accepted = 0;
    const wrong: string[] = [];
    for (const a of lines)
      for (const b of lines)
        for (const c of lines) {
          let n = 0;
          const body = [a, b, c].map((l) => l.replace(/\bk:/g, () => `${String.fromCharCode(97 + n++)}:`)).join('\n');
          for (const text of [body + '\n', body, 'r: 0\n' + body + '\n']) {
            const v = verdict(text);
            if (v !== undefined) wrong.push(`${JSON.stringify(text)}: ${v}`);
            else if (readSimpleDocument(text) !== undefined) accepted++;
          }
        }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(accepted).toBeGreaterThan(10_000);
  }, 120_000);
});
