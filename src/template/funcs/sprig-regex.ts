// Sprig's regex functions on Go's regexp semantics: RE2 syntax through re2js, matched over the
// string's UTF-8 bytes so offsets are byte offsets and bytes are preserved, with Go's rules for
// empty matches in FindAll/ReplaceAll/Split and Go's Expand template syntax ($1, ${name}, $$).

import type { RE2JS } from 're2js';
import { re2 } from '../../common/lazy-packages.js';
import { canBackquote, quote } from '../fmt.js';
import { binToBytes, binToUtf8, decodeRuneAt, nilSlice, type Value } from '../values.js';
import type { FuncEntry } from './sprig-types.js';
import { isDigit, isLetter } from './sprig-unicode.js';

interface Compiled {
  re: RE2JS;
  names: Map<string, number>;
  groups: number;
}

const cache = new Map<string, Compiled>();

/** regexp.Compile; throws Go's `error parsing regexp: ...` text. */
function compile(expr: string): Compiled {
  let c = cache.get(expr);
  if (c) return c;
  // Go rejects a pattern that is not UTF-8, quoting it from the first bad byte.
  for (let i = 0; i < expr.length; ) {
    const [r, w] = decodeRuneAt(expr, i);
    if (r === 0xfffd && w === 1) throw new Error(`error parsing regexp: invalid UTF-8: \`${expr.slice(i)}\``);
    i += w;
  }
  let re: RE2JS;
  try {
    re = re2().compile(binToUtf8(expr));
  } catch (e) {
    throw new Error(e instanceof Error ? e.message : String(e));
  }
  const names = new Map<string, number>();
  for (const [k, v] of Object.entries(re.namedGroups() as Record<string, number>)) names.set(k, v);
  c = { re, names, groups: re.groupCount() };
  if (cache.size > 500) cache.clear();
  cache.set(expr, c);
  return c;
}

/** regexp.MustCompile: the panic text text/template reports. */
function mustCompile(expr: string): Compiled {
  try {
    return compile(expr);
  } catch (e) {
    const q = canBackquote(expr) ? '`' + expr + '`' : quote(expr);
    throw new Error(`regexp: Compile(${q}): ${(e as Error).message}`);
  }
}

type Match = number[]; // [start, end, g1start, g1end, ...] byte offsets, -1 for unmatched groups

/** One leftmost-first match at or after byte `pos` (context before pos still counts for ^ and \b). */
function execAt(c: Compiled, input: Uint8Array, pos: number): Match | undefined {
  const m = c.re.matcher(input);
  if (!m.find(pos)) return undefined;
  const out: Match = [];
  for (let g = 0; g <= c.groups; g++) {
    const s = m.start(g);
    out.push(s, s < 0 ? -1 : m.end(g));
  }
  return out;
}

/** Go's allMatches: at most n (n < 0: all); an empty match right after a match is skipped. */
function allMatches(c: Compiled, s: string, n: number): Match[] {
  const input = binToBytes(s);
  const out: Match[] = [];
  if (n < 0) n = s.length + 1;
  let pos = 0;
  let prevEnd = -1;
  while (out.length < n && pos <= s.length) {
    const m = execAt(c, input, pos);
    if (!m) break;
    let accept = true;
    if (m[1] === pos) {
      if (m[0] === prevEnd) accept = false;
      pos += pos < s.length ? decodeRuneAt(s, pos)[1] : 1;
    } else {
      pos = m[1]!;
    }
    prevEnd = m[1]!;
    if (accept) out.push(m);
  }
  return out;
}

/** Regexp.Expand's $-template. */
function expand(c: Compiled, template: string, src: string, m: Match): string {
  let out = '';
  let t = template;
  for (;;) {
    const k = t.indexOf('$');
    if (k < 0) break;
    out += t.slice(0, k);
    t = t.slice(k + 1);
    if (t.startsWith('$')) {
      out += '$';
      t = t.slice(1);
      continue;
    }
    const ex = extract(t);
    if (!ex) {
      out += '$';
      continue;
    }
    t = ex.rest;
    let idx = ex.num;
    if (idx < 0) idx = c.names.get(ex.name) ?? -1;
    if (idx >= 0 && 2 * idx + 1 < m.length && m[2 * idx]! >= 0) out += src.slice(m[2 * idx], m[2 * idx + 1]);
  }
  return out + t;
}

/** A $name or ${name} reference: letters, digits and '_' (greedy); a leading-zero number is a name. */
function extract(str: string): { name: string; num: number; rest: string } | undefined {
  if (str === '') return undefined;
  let brace = false;
  if (str[0] === '{') {
    brace = true;
    str = str.slice(1);
  }
  let i = 0;
  while (i < str.length) {
    const [r, w] = decodeRuneAt(str, i);
    if (!isLetter(r) && !isDigit(r) && r !== 0x5f) break;
    i += w;
  }
  if (i === 0) return undefined;
  const name = str.slice(0, i);
  if (brace) {
    if (i >= str.length || str[i] !== '}') return undefined;
    i++;
  }
  let num = 0;
  for (const ch of name) {
    if (ch < '0' || ch > '9' || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (ch.charCodeAt(0) - 48);
  }
  if (name[0] === '0' && name.length > 1) num = -1;
  return { name, num, rest: str.slice(i) };
}

/** Go's replaceAll loop: no replacement for an empty match right after the previous match. */
function replaceAll(c: Compiled, src: string, repl: (m: Match) => string): string {
  const input = binToBytes(src);
  let out = '';
  let lastEnd = 0;
  let searchPos = 0;
  while (searchPos <= src.length) {
    const m = execAt(c, input, searchPos);
    if (!m) break;
    out += src.slice(lastEnd, m[0]);
    if (m[1]! > lastEnd || m[0] === 0) out += repl(m);
    lastEnd = m[1]!;
    const width = searchPos < src.length ? decodeRuneAt(src, searchPos)[1] : 0;
    if (searchPos + width > m[1]!) searchPos += width;
    else if (searchPos + 1 > m[1]!) searchPos++;
    else searchPos = m[1]!;
  }
  return out + src.slice(lastEnd);
}

function split(c: Compiled, expr: string, s: string, n: number): string[] {
  if (n === 0) return nilSlice('string');
  if (expr.length > 0 && s.length === 0) return [''];
  const matches = allMatches(c, s, n);
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of matches) {
    if (n > 0 && out.length === n - 1) break;
    end = m[0]!;
    if (m[1] !== 0) out.push(s.slice(beg, end));
    beg = m[1]!;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}

const SPECIAL = new Set('\\.+*?()|[]{}^$');

/** regexp.QuoteMeta: escapes the bytes that are special in RE2 syntax. */
function quoteMeta(s: string): string {
  let out = '';
  for (const ch of s) out += SPECIAL.has(ch) ? '\\' + ch : ch;
  return out;
}

type Op<R> = (c: Compiled, expr: string, ...rest: Value[]) => R;

/** A pair of entries: `name` panics with MustCompile's text, `mustName` returns Compile's error. */
function pair<R>(name: string, sig: string, mustSig: string, op: Op<R>): FuncEntry[] {
  return [
    { name, sig, fn: (expr: string, ...rest: Value[]) => op(mustCompile(expr), expr, ...rest) },
    { name: 'must' + name[0]!.toUpperCase() + name.slice(1), sig: mustSig, fn: (expr: string, ...rest: Value[]) => op(compile(expr), expr, ...rest) },
  ];
}

// FindAllString gives a nil slice (JSON null) when nothing matches.
const findAll: Op<string[]> = (c, _e, s, n) => {
  const found = allMatches(c, s as string, Number(n as bigint)).map((m) => (s as string).slice(m[0], m[1]));
  return found.length === 0 ? nilSlice('string') : found;
};
const find: Op<string> = (c, _e, s) => {
  const m = allMatches(c, s as string, 1)[0];
  return m ? (s as string).slice(m[0], m[1]) : '';
};

export const regexFuncs: FuncEntry[] = [
  {
    name: 'regexMatch',
    sig: 'func(string, string) bool',
    fn: (expr: string, s: string) => {
      try {
        return execAt(compile(expr), binToBytes(s), 0) !== undefined;
      } catch {
        return false;
      }
    },
  },
  {
    name: 'mustRegexMatch',
    sig: 'func(string, string) (bool, error)',
    fn: (expr: string, s: string) => execAt(compile(expr), binToBytes(s), 0) !== undefined,
  },
  ...pair('regexFindAll', 'func(string, string, int) []string', 'func(string, string, int) ([]string, error)', findAll),
  ...pair('regexFind', 'func(string, string) string', 'func(string, string) (string, error)', find),
  ...pair(
    'regexReplaceAll',
    'func(string, string, string) string',
    'func(string, string, string) (string, error)',
    (c, _e, s, repl) => replaceAll(c, s as string, (m) => expand(c, repl as string, s as string, m)),
  ),
  ...pair(
    'regexReplaceAllLiteral',
    'func(string, string, string) string',
    'func(string, string, string) (string, error)',
    (c, _e, s, repl) => replaceAll(c, s as string, () => repl as string),
  ),
  ...pair(
    'regexSplit',
    'func(string, string, int) []string',
    'func(string, string, int) ([]string, error)',
    (c, e, s, n) => split(c, e, s as string, Number(n as bigint)),
  ),
  { name: 'regexQuoteMeta', sig: 'func(string) string', fn: quoteMeta },
];
