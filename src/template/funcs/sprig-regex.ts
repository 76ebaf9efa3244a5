// Sprig's regex functions on Go's regexp semantics (src/common/go-regexp.ts): matched over the Go
// string's bytes, with Go's empty-match rules and Expand templates.

import { compileGoRegexp, type GoRegexp } from '../../common/go-regexp.js';
import { canBackquote, quote } from '../fmt.js';
import { binToBytes, binToUtf8, bytesToBin, decodeRuneAt, nilSlice, type Value } from '../values.js';
import type { FuncEntry } from './sprig-types.js';

/** regexp.Compile on a Go string (bytes); throws Go's `error parsing regexp: ...` text. */
function compile(expr: string): GoRegexp {
  // Go rejects a pattern that is not UTF-8, quoting it from the first bad byte.
  for (let i = 0; i < expr.length; ) {
    const [r, w] = decodeRuneAt(expr, i);
    if (r === 0xfffd && w === 1) throw new Error(`error parsing regexp: invalid UTF-8: \`${expr.slice(i)}\``);
    i += w;
  }
  return compileGoRegexp(binToUtf8(expr));
}

/** regexp.MustCompile: the panic text text/template reports. */
function mustCompile(expr: string): GoRegexp {
  try {
    return compile(expr);
  } catch (e) {
    const q = canBackquote(expr) ? '`' + expr + '`' : quote(expr);
    throw new Error(`regexp: Compile(${q}): ${(e as Error).message}`);
  }
}

const SPECIAL = new Set('\\.+*?()|[]{}^$');

/** regexp.QuoteMeta: escapes the bytes that are special in RE2 syntax. */
function quoteMeta(s: string): string {
  let out = '';
  for (const ch of s) out += SPECIAL.has(ch) ? '\\' + ch : ch;
  return out;
}

type Op<R> = (c: GoRegexp, expr: string, ...rest: Value[]) => R;

/** A pair of entries: `name` panics with MustCompile's text, `mustName` returns Compile's error. */
function pair<R>(name: string, sig: string, mustSig: string, op: Op<R>): FuncEntry[] {
  return [
    { name, sig, fn: (expr: string, ...rest: Value[]) => op(mustCompile(expr), expr, ...rest) },
    { name: 'must' + name[0]!.toUpperCase() + name.slice(1), sig: mustSig, fn: (expr: string, ...rest: Value[]) => op(compile(expr), expr, ...rest) },
  ];
}

// FindAllString gives a nil slice (JSON null) when nothing matches.
const findAll: Op<string[]> = (c, _e, s, n) => {
  const found = c.findAllIndex(binToBytes(s as string), Number(n as bigint)).map((m) => (s as string).slice(m[0], m[1]));
  return found.length === 0 ? nilSlice('string') : found;
};
const find: Op<string> = (c, _e, s) => {
  const m = c.findAllIndex(binToBytes(s as string), 1)[0];
  return m ? (s as string).slice(m[0], m[1]) : '';
};
const split: Op<string[]> = (c, _e, s, n) => {
  const parts = c.splitIndex(binToBytes(s as string), Number(n as bigint));
  return parts ? parts.map(([b, e]) => (s as string).slice(b, e)) : nilSlice('string');
};

export const regexFuncs: FuncEntry[] = [
  {
    name: 'regexMatch',
    sig: 'func(string, string) bool',
    fn: (expr: string, s: string) => {
      try {
        return compile(expr).matchBytes(binToBytes(s));
      } catch {
        return false;
      }
    },
  },
  {
    name: 'mustRegexMatch',
    sig: 'func(string, string) (bool, error)',
    fn: (expr: string, s: string) => compile(expr).matchBytes(binToBytes(s)),
  },
  ...pair('regexFindAll', 'func(string, string, int) []string', 'func(string, string, int) ([]string, error)', findAll),
  ...pair('regexFind', 'func(string, string) string', 'func(string, string) (string, error)', find),
  ...pair(
    'regexReplaceAll',
    'func(string, string, string) string',
    'func(string, string, string) (string, error)',
    (c, _e, s, repl) => bytesToBin(c.replaceAllBytes(binToBytes(s as string), binToBytes(repl as string))),
  ),
  ...pair(
    'regexReplaceAllLiteral',
    'func(string, string, string) string',
    'func(string, string, string) (string, error)',
    (c, _e, s, repl) => bytesToBin(c.replaceAllLiteralBytes(binToBytes(s as string), binToBytes(repl as string))),
  ),
  ...pair(
    'regexSplit',
    'func(string, string, int) []string',
    'func(string, string, int) ([]string, error)',
    split,
  ),
  { name: 'regexQuoteMeta', sig: 'func(string) string', fn: quoteMeta },
];
