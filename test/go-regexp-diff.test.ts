// Differential test of src/common/go-regexp.ts against Go's regexp package:
// test/go-regexp-reference/main.go runs regexp.Compile, MatchString, ReplaceAllString (Expand),
// ReplaceAllLiteralString, FindAllStringSubmatchIndex and Split on every case in one process; ours must
// give the same results byte for byte, and Go's error text for a pattern Go rejects. Both views are
// checked: the Go-string (bytes) methods sprig uses, on bytes that may be invalid UTF-8, and the
// JS-string methods rewrite and find use (a lone surrogate in a JS string is Go's U+FFFD). A few cases
// also go through applyRewrites (src/engine/rewrite.ts), the path a rewrite[].regexp takes.
// Cases: hand-written (empty matches, Expand names, non-BMP text, invalid patterns) plus seeded
// generated patterns, inputs and targets. A reference that cannot be built fails this file.
// Debian's Go is 1.19, ESO's 1.26: the one regexp difference met here is (?<name>re), accepted from Go
// 1.22; such cases carry `differs` and an `expect` of what Go 1.22+ does.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { compileGoRegexp, type GoRegexp } from '../src/common/go-regexp.js';
import { applyRewrites } from '../src/engine/rewrite.js';
import { buildGoReference, ensureGoPackages, type GoReference } from './helpers/go-ref.js';
import { seededRandom } from '../src/testing/seeded-random.test-helper.js';

interface Case {
  name: string;
  pattern: string;
  /** The subject: a JS string (the rewrite/find view, may hold lone surrogates) or raw bytes. */
  src: string | Buffer;
  repl: string | Buffer;
  n: number;
  differs?: string;
  expect?: { replace?: string; error?: string };
}

interface GoOut {
  name: string;
  error?: string;
  match: boolean;
  replace: string;
  replaceLit: string;
  findAll: number[][];
  split: string[] | null;
  splitNil: boolean;
  numSubexp: number;
  panic?: string;
}

const here = fileURLToPath(new URL('.', import.meta.url));
const bytes = (s: string | Buffer): Buffer => (typeof s === 'string' ? Buffer.from(s, 'utf8') : s);
const b64 = (s: string | Buffer): string => bytes(s).toString('base64');
const unb64 = (s: string): Buffer => Buffer.from(s, 'base64');

// ---- hand-written cases ----

const hand: Omit<Case, 'name'>[] = [
  // The two divergences that started this file: Go skips an empty match right after a match, and an
  // empty match advances by one rune (UTF-8 width), never into a surrogate pair.
  { pattern: 'b*', src: 'abc', repl: '-', n: -1, expect: { replace: '-a-c-' } },
  { pattern: 'a|', src: '\u{1F600}ab', repl: '-', n: -1, expect: { replace: '-\u{1F600}-b-' } },
  { pattern: 'x*', src: 'éx😀xx日', repl: '<$0>', n: -1 },
  // Found by a breaker: `(?P<` or `(?<` ending the pattern is Go's "invalid or unsupported Perl syntax".
  { pattern: 'db(?P<', src: 'db', repl: '', n: -1 },
  { pattern: 'db(?<', src: 'db', repl: '', n: -1 },
  { pattern: '', src: '😀é', repl: '-', n: -1 },
  { pattern: '^', src: 'db/user', repl: 'prefix-', n: -1 },
  { pattern: '$', src: 'db/user', repl: '-suffix', n: -1 },
  { pattern: '\\b', src: 'db/user.name', repl: '|', n: -1 },
  { pattern: '\\B', src: 'db/user', repl: '|', n: -1 },
  { pattern: '(?:)', src: 'ab', repl: '.', n: -1 },
  { pattern: 'a*?', src: 'aa', repl: '-', n: -1 },
  { pattern: '(a)|b', src: 'ab', repl: '[$1]', n: -1 },
  { pattern: '(a)?b', src: 'b', repl: '[${1}]', n: -1 },
  // Expand: greedy names, braces, numbers, $$ and malformed references.
  { pattern: 'my/(.*?)/bar/(.*)', src: 'my/app/bar/key', repl: '$1-$2', n: -1 },
  { pattern: '^db/(.*)$', src: 'db/user', repl: '$1_x', n: -1 },
  { pattern: '^db/(.*)$', src: 'db/user', repl: '${1}_x', n: -1 },
  { pattern: '^db/(.*)$', src: 'db/user', repl: '$1x', n: -1 },
  { pattern: '^db/(?P<key>.*)$', src: 'db/user', repl: 'app_$key', n: -1 },
  { pattern: '^db/(?P<key>.*)$', src: 'db/user', repl: 'app_${key}.v', n: -1 },
  { pattern: '^db/(?P<key>.*)$', src: 'db/user', repl: '$keyx', n: -1 },
  { pattern: '(?P<n>a)', src: 'a', repl: '$n$é', n: -1 },
  { pattern: '(?P<n>a)', src: 'a', repl: '$名-${é}', n: -1 },
  { pattern: '(a)', src: 'a', repl: '$$1 $ ${ ${1 ${} $-1 $', n: -1 },
  { pattern: '(a)', src: 'a', repl: '$01 ${01} $0 ${0} $2 $10 $100000000 $99999999', n: -1 },
  { pattern: '(a)(b)(c)(d)(e)(f)(g)(h)(i)(j)(k)', src: 'abcdefghijk', repl: '$10|${1}0|$11|$12', n: -1 },
  { pattern: '(a)', src: 'a', repl: '$1\u0660 $1١', n: -1 },
  // One name on several groups (Go allows it; $n is the leftmost that took part), and names re2js
  // would find on Object.prototype.
  { pattern: '(?P<n>a)(?P<n>b)', src: 'ab', repl: '[$n]', n: -1 },
  { pattern: '(?P<n>a)|(?P<n>b)', src: 'ab', repl: '[$n|${n}]', n: -1 },
  { pattern: '(?P<k>x)?(?P<k>a)', src: 'a xa', repl: '<$k>', n: -1 },
  { pattern: '(?P<constructor>a)', src: 'ab', repl: '[$constructor]', n: -1 },
  { pattern: '(?P<__proto__>a)(?P<toString>b)', src: 'ab', repl: '$toString$__proto__', n: -1 },
  { pattern: '(?P<hasOwnProperty>a)(?P<hasOwnProperty>b)', src: 'ab', repl: '$hasOwnProperty', n: -1 },
  { pattern: '[(?P<n>]\\Q(?P<n>\\E(?P<n>a)(?P<n>b)', src: 'n(?P<n>ab', repl: '$n', n: -1 },
  { pattern: '(?P<n>a)(?P<n>b)(', src: 'ab', repl: '', n: -1 },
  { pattern: '(?P<n>a)(?P<n>b)x**', src: 'ab', repl: '', n: -1 },
  { pattern: '(?P<n>a)(?P<n>b)(?P<a-b>c)', src: 'ab', repl: '', n: -1 },
  { pattern: '(?P<n>a)(?P<n>b)[z-(?P<n>a]', src: 'ab', repl: '', n: -1 },
  // Non-BMP and multi-byte text.
  { pattern: '^.$', src: '😀', repl: 'one', n: -1 },
  { pattern: '.', src: 'aé😀日', repl: '[$0]', n: -1 },
  { pattern: '[😀-😂]+', src: 'x😀😁😂y', repl: '-', n: -1 },
  { pattern: '\\x{1F600}', src: 'a😀b', repl: '_', n: -1 },
  { pattern: '(?i)É', src: 'éÉ', repl: 'e', n: -1 },
  { pattern: '\\pL+', src: 'db/ключ_😀', repl: '<$0>', n: -1 },
  // Lone surrogates in a JS string are U+FFFD, as Go's JSON decoding gives them.
  { pattern: '.', src: 'a\ud800b', repl: '[$0]', n: -1 },
  { pattern: '\\x{FFFD}', src: '\ude00x', repl: '?', n: -1 },
  { pattern: 'a|', src: 'a\ud83d', repl: '-', n: -1 },
  // Invalid UTF-8 bytes (Go strings in sprig): each bad byte is one rune U+FFFD of width 1.
  { pattern: '', src: Buffer.from([0x61, 0xff, 0xc3, 0x62]), repl: '-', n: -1 },
  { pattern: '.', src: Buffer.from([0xed, 0xa0, 0x80, 0x61]), repl: '[$0]', n: -1 },
  { pattern: 'x*', src: Buffer.from([0xf0, 0x9f, 0x98]), repl: '-', n: -1 },
  { pattern: '\\x{FFFD}', src: Buffer.from([0xef, 0xbf, 0xbd, 0xfe]), repl: Buffer.from([0x24, 0xfe, 0x31]), n: -1 },
  // FindAll / Split counts.
  { pattern: 'a*', src: 'baaab', repl: '', n: -1 },
  { pattern: '/', src: 'a/b/c/d', repl: '', n: 2 },
  { pattern: '', src: 'abc', repl: '', n: 2 },
  { pattern: 'x', src: '', repl: '', n: -1 },
  { pattern: '', src: '', repl: '', n: -1 },
  { pattern: 'a', src: 'aaa', repl: '', n: 0 },
  // Invalid patterns: Go's error text.
  ...['(', ')', '(user', '[', '*', 'a**', 'a{2,1}', 'x{1001}', '[z-a]', '\\8', '\\C', '\\Z', '\\pX', '\\p{Foo}', '(?i', '(?P<>a)',
    '(?P<n>a)(?P<n>b)', '(?P<é>a)', '(?P=n)', '(?P<n', '[[:foo:]]', '\\x{110000}', 'x{2}{3}', '((a{1000}){1000}){1000}',
    '(' .repeat(1001) + ')'.repeat(1001), 'a++', '?a', '+', '\\', 'a\\', '[a', '[]a', '[^]', '(?z)'].map(
    (pattern) => ({ pattern, src: 'x', repl: '', n: -1 }),
  ),
  // Go 1.22+ accepts (?<name>re); Debian's Go 1.19 does not.
  // Go 1.22+ (ESO) reads (?<...) as a named group; Debian's Go 1.19 rejects (?< outright. Expected: what
  // Go 1.22's parsePerlFlags gives (a name up to the first '>', which must be a valid capture name).
  ...(
    [
      ['^db/(?<key>.*)$', 'db/user', 'app_${key}', { replace: 'app_user' }],
      ['(?<n>a)(?<n>b)', 'ab', '[$n]', { replace: '[a]' }],
      ['(?<>a)', 'a', '', { error: 'error parsing regexp: invalid named capture: `(?<>`' }],
      ['(?<n', 'a', '', { error: 'error parsing regexp: invalid named capture: `(?<n`' }],
      ['(?<=a)b', 'ab', '', { error: 'error parsing regexp: invalid named capture: `(?<=a)b`' }],
      ['(?<!a)>', 'ab', '', { error: 'error parsing regexp: invalid named capture: `(?<!a)>`' }],
      ['(?<n>a)|(?P<n>b)', 'ab', '[$n]', { replace: '[a][b]' }],
    ] as const
  ).map(([pattern, src, repl, expect]) => ({ pattern, src, repl, n: -1, differs: 'Go 1.22+ (ESO) parses (?<name>re)', expect })),
  // A pattern past the size limit: Go 1.19 calls it an internal error, Go 1.20+ (ESO) `expression too large`.
  {
    pattern: '(?:' + 'a{1000}'.repeat(4000) + ')',
    src: 'a',
    repl: '',
    n: -1,
    differs: 'Go 1.20+ (ESO) reports ErrLarge',
    expect: { error: 'error parsing regexp: expression too large: `(?:' + 'a{1000}'.repeat(4000) + ')`' },
  },
];

// ---- generator ----

const pick = <T>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const ATOMS = ['a', 'b', 'c', 'x', '/', '\\.', '.', '-', '_', 'é', '😀', '日', '\\w', '\\d', '\\s', '\\W', '[a-z]', '[^/]', '[a-c/.]',
  '[[:alpha:]]', '\\pL', '\\p{Han}', '[^a]', '\\b', '\\B', '^', '$', '\\A', '\\z', '(?:)', '', '\\x{1F600}', '\\Q.*\\E', '[é-ü]',
  'db', 'user', '/', '[-._]', '\\/'];
const QUANT = ['', '', '', '', '*', '+', '?', '*?', '+?', '??', '{2}', '{1,2}', '{0,}', '{0}'];
const NAMES = ['n', 'name', 'key', 'k1', '_', 'N_2', 'constructor'];
const FLAGS = ['(?i)', '(?s)', '(?m)', '(?U)', '(?i:', '(?s:'];
const BROKEN = ['(', ')', '[', '*', '\\8', '{2}', '(?P<>', '(?P<n', '\\p', '[z-a]', '**', '\\C'];

function genPattern(r: () => number, depth: number, names: string[]): string {
  const x = r();
  if (depth > 0 && x < 0.15) {
    const alts = 1 + Math.floor(r() * 3);
    return Array.from({ length: alts }, () => (r() < 0.2 ? '' : genPattern(r, depth - 1, names))).join('|');
  }
  const parts = 1 + Math.floor(r() * 4);
  let out = '';
  for (let i = 0; i < parts; i++) {
    const y = r();
    let atom: string;
    if (depth > 0 && y < 0.15) atom = `(${genPattern(r, depth - 1, names)})`;
    else if (depth > 0 && y < 0.25) {
      // Mostly a new name; sometimes one already used (Go allows it).
      const free = NAMES.filter((nm) => !names.includes(nm));
      const nm = names.length && r() < 0.15 ? pick(r, names) : free.length ? pick(r, free) : 'z' + names.length;
      names.push(nm);
      atom = `(?P<${nm}>${genPattern(r, depth - 1, names)})`;
    } else if (depth > 0 && y < 0.3) atom = `(?:${genPattern(r, depth - 1, names)})`;
    else if (depth > 0 && y < 0.33) {
      const f = pick(r, FLAGS);
      atom = f.endsWith(':') ? `${f}${genPattern(r, depth - 1, names)})` : f;
    } else atom = pick(r, ATOMS);
    // A quantifier on an empty atom or an anchor is fine in RE2 (x** is not; one quantifier per atom).
    const q = atom === '' || atom.endsWith('|') ? '' : pick(r, QUANT);
    out += atom + q;
  }
  return out;
}

const PIECES = ['a', 'b', 'c', 'x', 'ab', '/', '.', '-', '_', 'é', '😀', '日本', ' ', '\n', 'A', '1', '0', 'db', 'user', 'app', 'É', 'ß', 'ключ'];
const KEYS = ['db/user', 'app/config.json', 'my/app/bar/key', 'prod-db_password', 'team.a/secret-1', '😀ab', 'é', '', 'a', 'aaa',
  '/leading', 'trailing/', 'a..b', 'x-y_z.w', 'DB_USER', 'путь/ключ', '日本/語'];
const TEMPLATES = ['$1', '${1}', '$1x', '${1}x', '$n', '${n}', '$name', '${name}', '$key', '$$', '$', 'x', '-', '_', '$0', '${0}', '$2',
  '$10', '$01', '${01}', '${', '${1', '${}', '$é', '$名', '${é}', '$-', '$ ', '$_', '${n}_${1}', '$100000000', '$99999999', '/', '😀',
  '$1_x', '$n1', '${k1}', '$N_2', 'app_', '.', '$😀', '${1}${2}', '$constructor'];
const BAD_BYTES = [[0xff], [0xc3], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x80], [0xc0, 0xaf]];

function genSubject(r: () => number): string {
  if (r() < 0.4) return pick(r, KEYS);
  const len = Math.floor(r() * 8);
  let s = '';
  for (let i = 0; i < len; i++) s += pick(r, PIECES);
  return s;
}

function withBadBytes(r: () => number, s: string): Buffer {
  const b = Buffer.from(s, 'utf8');
  const parts: Buffer[] = [];
  let at = 0;
  const cuts = 1 + Math.floor(r() * 2);
  for (let k = 0; k < cuts; k++) {
    const cut = at + Math.floor(r() * (b.length - at + 1));
    parts.push(b.subarray(at, cut), Buffer.from(pick(r, BAD_BYTES)));
    at = cut;
  }
  parts.push(b.subarray(at));
  return Buffer.concat(parts);
}

function generated(count: number, seed: number): Case[] {
  const r = seededRandom(seed);
  const out: Case[] = [];
  for (let i = 0; i < count; i++) {
    let pattern = genPattern(r, 3, []);
    if (r() < 0.06) {
      const at = Math.floor(r() * (pattern.length + 1));
      pattern = pattern.slice(0, at) + pick(r, BROKEN) + pattern.slice(at);
    }
    let src: string | Buffer = genSubject(r);
    const y = r();
    if (y < 0.1) src = withBadBytes(r, src);
    else if (y < 0.15) src = src + pick(r, ['\ud800', '\udfff', '\ud83d']) + genSubject(r);
    const tlen = Math.floor(r() * 4);
    let repl = '';
    for (let k = 0; k < tlen; k++) repl += pick(r, TEMPLATES);
    out.push({ name: `generated/${i}`, pattern, src, repl, n: pick(r, [-1, -1, -1, 0, 1, 2, 3]) });
  }
  return out;
}

// ---- running ----

interface Ours {
  error?: string;
  numSubexp?: number;
  match?: boolean;
  replace?: Buffer;
  replaceLit?: Buffer;
  findAll?: number[][];
  split?: Buffer[] | null;
  /** The JS-string view (rewrite/find), when the subject and target are JS strings. */
  test?: boolean;
  replaceString?: Buffer;
}

function ours(c: Case): Ours {
  let re: GoRegexp;
  try {
    re = compileGoRegexp(c.pattern);
  } catch (e) {
    return { error: (e as Error).message };
  }
  const src = bytes(c.src);
  const repl = bytes(c.repl);
  const o: Ours = {
    numSubexp: re.numSubexp,
    match: re.matchBytes(src),
    replace: Buffer.from(re.replaceAllBytes(src, repl)),
    replaceLit: Buffer.from(re.replaceAllLiteralBytes(src, repl)),
    findAll: re.findAllIndex(src, c.n),
    split: re.splitIndex(src, c.n)?.map(([b, e]) => src.subarray(b, e)) ?? null,
  };
  if (typeof c.src === 'string' && typeof c.repl === 'string') {
    o.test = re.test(c.src);
    o.replaceString = Buffer.from(re.replaceAll(c.src, c.repl), 'utf8');
  }
  return o;
}

const show = (b: Buffer): string => JSON.stringify(b.toString('utf8')) + (Buffer.from(b.toString('utf8'), 'utf8').equals(b) ? '' : ` (hex ${b.toString('hex')})`);

function compareGo(got: Ours, ref: GoOut): string[] {
  if (ref.panic) return [`the Go reference panicked: ${ref.panic}`];
  if (ref.error !== undefined) {
    const want = unb64(ref.error).toString('utf8');
    return got.error === want ? [] : [`Go fails with ${JSON.stringify(want)}; we give ${got.error === undefined ? 'no error' : JSON.stringify(got.error)}`];
  }
  if (got.error !== undefined) return [`Go compiles it; we fail: ${got.error}`];
  const p: string[] = [];
  if (got.numSubexp !== ref.numSubexp) p.push(`NumSubexp: Go ${ref.numSubexp}, we ${got.numSubexp}`);
  if (got.match !== ref.match) p.push(`Match: Go ${ref.match}, we ${got.match}`);
  if (got.test !== undefined && got.test !== ref.match) p.push(`MatchString (JS string): Go ${ref.match}, we ${got.test}`);
  const replace = unb64(ref.replace);
  if (!got.replace!.equals(replace)) p.push(`ReplaceAll: Go ${show(replace)}, we ${show(got.replace!)}`);
  if (got.replaceString && !got.replaceString.equals(replace)) p.push(`ReplaceAllString (JS string): Go ${show(replace)}, we ${show(got.replaceString)}`);
  const lit = unb64(ref.replaceLit);
  if (!got.replaceLit!.equals(lit)) p.push(`ReplaceAllLiteral: Go ${show(lit)}, we ${show(got.replaceLit!)}`);
  if (JSON.stringify(got.findAll) !== JSON.stringify(ref.findAll)) p.push(`FindAllSubmatchIndex: Go ${JSON.stringify(ref.findAll)}, we ${JSON.stringify(got.findAll)}`);
  const split = ref.splitNil ? null : (ref.split ?? []).map(unb64);
  const splitShow = (s: Buffer[] | null | undefined) => (s ? `[${s.map(show).join(', ')}]` : 'nil');
  if (splitShow(split) !== splitShow(got.split)) p.push(`Split: Go ${splitShow(split)}, we ${splitShow(got.split)}`);
  return p;
}

function compareExpect(c: Case, got: Ours): string[] {
  const e = c.expect!;
  const p: string[] = [];
  if (e.error !== undefined && got.error !== e.error) p.push(`expected error ${JSON.stringify(e.error)}, got ${JSON.stringify(got.error)}`);
  if (e.replace !== undefined) {
    if (got.error !== undefined) p.push(`expected ${JSON.stringify(e.replace)}, got error ${got.error}`);
    else if (!got.replace!.equals(Buffer.from(e.replace, 'utf8'))) p.push(`expected ${JSON.stringify(e.replace)}, got ${show(got.replace!)}`);
    else if (got.replaceString && !got.replaceString.equals(Buffer.from(e.replace, 'utf8'))) p.push(`expected ${JSON.stringify(e.replace)} (JS string), got ${show(got.replaceString)}`);
  }
  return p;
}

const cases: Case[] = [...hand.map((c, i) => ({ ...c, name: `hand/${i}` })), ...generated(2500, 20261203)];
let reference: Map<string, GoOut> | Error;
let ref: GoReference | undefined;
try {
  ensureGoPackages({});
  ref = buildGoReference(join(here, 'go-regexp-reference'), 'goregexpref');
  const outs = ref.run(
    cases.filter((c) => !c.differs).map((c) => ({ name: c.name, pattern: b64(c.pattern), src: b64(c.src), repl: b64(c.repl), n: c.n })),
  ) as GoOut[];
  reference = new Map(outs.map((o) => [o.name, o]));
} catch (e) {
  reference = e as Error;
}

afterAll(() => ref?.cleanup());

const describeCase = (c: Case) =>
  `${c.name}: pattern ${JSON.stringify(c.pattern.length > 80 ? c.pattern.slice(0, 80) + '…' : c.pattern)}, src ${show(bytes(c.src))}, repl ${show(bytes(c.repl))}, n ${c.n}`;

describe('Go regexp (src/common/go-regexp.ts) vs Go regexp package', () => {
  it('builds and runs the Go reference (stdlib regexp)', () => {
    if (reference instanceof Error) throw reference;
    expect(reference.size).toBe(cases.filter((c) => !c.differs).length);
  });

  it('covers empty-matching, named-group, non-BMP, invalid-UTF-8 and invalid-pattern cases', () => {
    const gen = cases.filter((c) => c.name.startsWith('generated/'));
    expect(gen.length).toBeGreaterThanOrEqual(2000);
    const ok = reference instanceof Error ? [] : [...reference.values()];
    expect(ok.filter((o) => o.error).length).toBeGreaterThanOrEqual(100);
    expect(ok.filter((o) => !o.error && o.findAll.some((m) => m[0] === m[1])).length).toBeGreaterThanOrEqual(300);
    expect(gen.filter((c) => c.pattern.includes('(?P<')).length).toBeGreaterThanOrEqual(300);
    expect(gen.filter((c) => /[\u{10000}-\u{10FFFF}]/u.test(bytes(c.src).toString('utf8'))).length).toBeGreaterThanOrEqual(200);
    expect(gen.filter((c) => Buffer.isBuffer(c.src)).length).toBeGreaterThanOrEqual(150);
  });

  for (const c of cases) {
    it(c.name, () => {
      const got = ours(c);
      const problems: string[] = [];
      if (c.differs && !c.expect) problems.push('differs needs expect');
      if (c.expect) problems.push(...compareExpect(c, got).map((p) => `expect: ${p}`));
      if (!c.differs) {
        if (reference instanceof Error) problems.push(`no Go reference: ${reference.message}`);
        else {
          const r = reference.get(c.name);
          if (!r) problems.push('no reference result');
          else problems.push(...compareGo(got, r).map((p) => `go: ${p}`));
        }
      }
      expect(problems.join('\n'), describeCase(c)).toBe('');
    });
  }
});

// The real path of dataFrom[].rewrite[].regexp: applyRewrites over a map of keys, each key's new name
// Go's ReplaceAllString(key, target), and a pattern Go rejects failing with ESO's wrapping of Go's text.
describe('rewrite[].regexp through applyRewrites vs Go', () => {
  const KEYS_FOR_REWRITE = ['db/user', 'db/password', 'abc', '\u{1F600}ab', 'my/app/bar/key', 'team.a/x-1_y'];
  const rewriteCases = cases.filter((c) => c.name.startsWith('hand/') && typeof c.repl === 'string' && !c.differs).slice(0, 40);
  for (const c of rewriteCases) {
    it(`${c.name} over ${KEYS_FOR_REWRITE.length} keys`, () => {
      if (reference instanceof Error) throw reference;
      const data = new Map(KEYS_FOR_REWRITE.map((k, i) => [k, Buffer.from(`v${i}`)] as [string, Uint8Array]));
      const want = new Map<string, string>();
      let goError: string | undefined;
      const r = ref!.run(KEYS_FOR_REWRITE.map((k) => ({ name: k, pattern: b64(c.pattern), src: b64(k), repl: b64(c.repl as string), n: -1 }))) as GoOut[];
      for (const [i, o] of r.entries()) {
        if (o.error) goError = unb64(o.error).toString('utf8');
        else want.set(unb64(o.replace).toString('utf8'), `v${i}`);
      }
      const rewrite = () => applyRewrites(data, [{ regexp: { source: c.pattern, target: c.repl as string } }], { left: '{{', right: '}}' });
      if (goError !== undefined) {
        expect(rewrite).toThrow(`error applying rewrite to keys: failed rewrite operation[0]: ${goError}`);
        try {
          rewrite();
        } catch (e) {
          expect((e as Error).message).toBe(`error applying rewrite to keys: failed rewrite operation[0]: ${goError}`);
        }
        return;
      }
      // Two keys may become one (ESO then keeps one at random): compare only where Go's results are distinct.
      const got = rewrite();
      if (want.size === KEYS_FOR_REWRITE.length) {
        expect(new Map([...got].map(([k, v]) => [k, Buffer.from(v).toString()]))).toEqual(want);
      } else for (const k of got.keys()) expect(want.has(k), k).toBe(true);
    });
  }
});
