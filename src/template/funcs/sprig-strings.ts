// Sprig's string functions (strings.go, functions.go, goutils, xstrings) on Go strings held as
// binary JS strings (one char per byte). Functions that Go implements per byte stay per byte here;
// those that decode runes decode UTF-8 the way Go does.

import { createHash, randomInt } from 'node:crypto';
import { binToRunes, decodeRuneAt, runesToBin, runeToBin, type Value } from '../values.js';
import { sprint } from '../fmt.js';
import { goQuote, strval } from './sprig-conv.js';
import type { FuncEntry } from './sprig-types.js';
import { isAscii, isLetter, isLower, isDigit, isSpace, isTitle, isUpper, mapRunes, toLower, toTitle, toUpper } from './sprig-unicode.js';
import { camelCaseToLowerCase, toPascalCase } from './sprig-case.js';

const num = (n: bigint): number => Number(n);

/** strings.ToUpper / ToLower. */
export function goUpper(s: string): string {
  if (isAscii(s)) return s.toUpperCase();
  return mapRunes(s, toUpper);
}
export function goLower(s: string): string {
  if (isAscii(s)) return s.toLowerCase();
  return mapRunes(s, toLower);
}

/** strings.TrimSpace: trims Unicode white space; inner (and invalid) bytes are kept. */
export function trimSpace(s: string): string {
  return trimFunc(s, isSpace);
}

function trimFunc(s: string, f: (r: number) => boolean): string {
  let start = 0;
  while (start < s.length) {
    const [r, w] = decodeRuneAt(s, start);
    if (!f(r)) break;
    start += w;
  }
  if (start === s.length) return '';
  // Walk forward once more to find where the trailing run of matching runes begins.
  let end = start;
  let i = start;
  while (i < s.length) {
    const [r, w] = decodeRuneAt(s, i);
    i += w;
    if (!f(r)) end = i;
  }
  return s.slice(start, end);
}

/** strings.Trim(s, cutset): cutset is a set of runes. */
export function goTrim(s: string, cutset: string): string {
  if (s === '' || cutset === '') return s;
  const set = new Set(binToRunes(cutset));
  return trimFunc(s, (r) => set.has(r));
}

/** strings.Title (deprecated upstream, kept by sprig). */
export function goTitle(s: string): string {
  let prev = 0x20;
  return mapRunes(s, (r) => {
    const sep = isSeparator(prev);
    prev = r;
    return sep ? toTitle(r) : r;
  });
}

function isSeparator(r: number): boolean {
  if (r <= 0x7f) {
    if ((r >= 0x30 && r <= 0x39) || (r >= 0x61 && r <= 0x7a) || (r >= 0x41 && r <= 0x5a) || r === 0x5f) return false;
    return true;
  }
  if (isLetter(r) || isDigit(r)) return false;
  return isSpace(r);
}

/** goutils.Uncapitalize with white-space delimiters. */
function uncapitalize(s: string): string {
  if (s === '') return s;
  let next = true;
  return runesToBin(
    binToRunes(s).map((r) => {
      if (isSpace(r)) {
        next = true;
        return r;
      }
      if (next) {
        next = false;
        return toLower(r);
      }
      return r;
    }),
  );
}

/** goutils.SwapCase. */
function swapCase(s: string): string {
  if (s === '') return s;
  let ws = true;
  return runesToBin(
    binToRunes(s).map((r) => {
      if (isUpper(r) || isTitle(r)) {
        ws = false;
        return toLower(r);
      }
      if (isLower(r)) {
        if (ws) {
          ws = false;
          return toTitle(r);
        }
        return toUpper(r);
      }
      ws = isSpace(r);
      return r;
    }),
  );
}

/** Go's bytes.Buffer.WriteRune(rune(b)) for one byte: bytes >= 0x80 become two UTF-8 bytes. */
const byteAsRune = (b: number): string => runeToBin(b);

/** goutils.DeleteWhiteSpace: works on bytes, and re-encodes bytes >= 0x80 as runes when it changes s. */
function deleteWhiteSpace(s: string): string {
  let out = '';
  let count = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!isSpace(c)) {
      out += byteAsRune(c);
      count++;
    }
  }
  return count === s.length ? s : out;
}

/** goutils.Initials: per byte as well. */
function initials(s: string): string {
  let out = '';
  let gap = true;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isSpace(c)) gap = true;
    else if (gap) {
      out += byteAsRune(c);
      gap = false;
    }
  }
  return out;
}

/** goutils.AbbreviateFull (errors swallowed by sprig as ""). */
function abbreviateFull(s: string, offset: number, maxWidth: number): string {
  if (s === '') return '';
  if (maxWidth < 4) return '';
  if (s.length <= maxWidth) return s;
  if (offset > s.length) offset = s.length;
  if (s.length - offset < maxWidth - 3) offset = s.length - (maxWidth - 3);
  if (offset <= 4) return goSlice(s, 0, maxWidth - 3) + '...';
  if (maxWidth < 7) return '';
  if (offset + maxWidth - 3 < s.length) return '...' + abbreviateFull(s.slice(offset), 0, maxWidth - 3);
  return '...' + s.slice(s.length - (maxWidth - 3));
}

/** s[a:b] with Go's bounds check (a runtime panic becomes the template error). */
export function goSlice(s: string, a: number, b: number = s.length): string {
  if (a < 0 || b > s.length || a > b) {
    if (b > s.length || b < 0) throw new Error(`runtime error: slice bounds out of range [:${b}] with length ${s.length}`);
    throw new Error(`runtime error: slice bounds out of range [${a}:${b}]`);
  }
  return s.slice(a, b);
}

/** goutils.WrapCustom. */
function wrapCustom(s: string, wrapLength: number, newLine: string, wrapLong: boolean): string {
  if (s === '') return '';
  if (newLine === '') newLine = '\n';
  if (wrapLength < 1) wrapLength = 1;
  const n = s.length;
  let offset = 0;
  let out = '';
  while (n - offset > wrapLength) {
    if (s[offset] === ' ') {
      offset++;
      continue;
    }
    const end = wrapLength + offset + 1;
    const space = goSlice(s, offset, end).lastIndexOf(' ') + offset;
    if (space >= offset) {
      out += s.slice(offset, space) + newLine;
      offset = space + 1;
    } else if (wrapLong) {
      out += s.slice(offset, wrapLength + offset) + newLine;
      offset += wrapLength;
    } else {
      const e = wrapLength + offset;
      const idx = s.slice(e).indexOf(' ');
      if (idx === -1) {
        out += s.slice(offset);
        offset = n;
      } else {
        out += s.slice(offset, idx + e) + newLine;
        offset = idx + e + 1;
      }
    }
  }
  return out + s.slice(offset);
}

const ALPHA = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const DIGITS = '0123456789';

/** goutils.CryptoRandom over printable ASCII ' '..'z' (letters/numbers) or 32..126 (ascii). */
function cryptoRandom(count: number, kind: 'alnum' | 'alpha' | 'num' | 'ascii'): string {
  if (count <= 0) return '';
  let out = '';
  while (out.length < count) {
    const c = kind === 'ascii' ? randomInt(32, 127) : randomInt(32, 123);
    const chr = String.fromCharCode(c);
    const ok =
      kind === 'ascii' ||
      ((kind === 'alnum' || kind === 'alpha') && ALPHA.includes(chr)) ||
      ((kind === 'alnum' || kind === 'num') && DIGITS.includes(chr));
    if (ok) out += chr;
  }
  return out;
}

/** xstrings.Shuffle: a random permutation of the runes. */
function shuffle(s: string): string {
  if (s === '') return s;
  const runes = binToRunes(s);
  for (let i = runes.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [runes[i], runes[j]] = [runes[j]!, runes[i]!];
  }
  return runesToBin(runes);
}

/** strings.Replace(s, old, new, -1); an empty old matches before every UTF-8 sequence and at the end. */
function strReplaceAll(s: string, oldS: string, newS: string): string {
  if (oldS === newS) return s;
  if (oldS !== '') return s.split(oldS).join(newS);
  let out = newS;
  let i = 0;
  while (i < s.length) {
    const w = decodeRuneAt(s, i)[1];
    out += s.slice(i, i + w) + newS;
    i += w;
  }
  return out;
}

/** strings.SplitN(s, sep, n) (n < 0: all); an empty sep splits after each UTF-8 sequence, bytes kept. */
export function goSplit(s: string, sep: string, n = -1): string[] {
  if (n === 0) return [];
  if (sep === '') {
    const pieces: string[] = [];
    let i = 0;
    while (i < s.length) {
      const w = decodeRuneAt(s, i)[1];
      pieces.push(s.slice(i, i + w));
      i += w;
    }
    if (n < 0 || n >= pieces.length) return pieces;
    const head = pieces.slice(0, n - 1);
    return [...head, s.slice(head.join('').length)];
  }
  const parts = s.split(sep);
  if (n < 0 || parts.length <= n) return parts;
  return [...parts.slice(0, n - 1), parts.slice(n - 1).join(sep)];
}

function hashHex(alg: string, s: string): string {
  return createHash(alg).update(Buffer.from(s, 'latin1')).digest('hex');
}

function adler32(s: string): bigint {
  let a = 1;
  let b = 0;
  for (let i = 0; i < s.length; i++) {
    a = (a + s.charCodeAt(i)) % 65521;
    b = (b + a) % 65521;
  }
  return BigInt(((b << 16) | a) >>> 0);
}

function goRepeat(count: number, s: string): string {
  if (count < 0) throw new Error('strings: negative Repeat count');
  return s.repeat(count);
}

/** substring(start, end, s) from sprig: raw byte slicing, Go bounds errors. */
function substring(start: number, end: number, s: string): string {
  if (start < 0) return goSlice(s, 0, end);
  if (end < 0 || end > s.length) return goSlice(s, start);
  return goSlice(s, start, end);
}

function trunc(c: number, s: string): string {
  if (c < 0 && s.length + c > 0) return s.slice(s.length + c);
  if (c >= 0 && s.length > c) return s.slice(0, c);
  return s;
}

export const stringFuncs: FuncEntry[] = [
  { name: 'hello', sig: 'func() string', fn: () => 'Hello!' },
  { name: 'abbrev', sig: 'func(int, string) string', fn: (w: bigint, s: string) => (num(w) < 4 ? s : abbreviateFull(s, 0, num(w))) },
  {
    name: 'abbrevboth',
    sig: 'func(int, int, string) string',
    fn: (l: bigint, r: bigint, s: string) => {
      const left = num(l);
      const right = num(r);
      if (right < 4 || (left > 0 && right < 7)) return s;
      return abbreviateFull(s, left, right);
    },
  },
  { name: 'trunc', sig: 'func(int, string) string', fn: (c: bigint, s: string) => trunc(num(c), s) },
  { name: 'trim', sig: 'func(string) string', fn: trimSpace },
  { name: 'upper', sig: 'func(string) string', fn: goUpper },
  { name: 'lower', sig: 'func(string) string', fn: goLower },
  { name: 'title', sig: 'func(string) string', fn: goTitle },
  { name: 'untitle', sig: 'func(string) string', fn: uncapitalize },
  { name: 'substr', sig: 'func(int, int, string) string', fn: (a: bigint, b: bigint, s: string) => substring(num(a), num(b), s) },
  { name: 'repeat', sig: 'func(int, string) string', fn: (c: bigint, s: string) => goRepeat(num(c), s) },
  { name: 'trimall', sig: 'func(string, string) string', fn: (a: string, b: string) => goTrim(b, a) },
  { name: 'trimAll', sig: 'func(string, string) string', fn: (a: string, b: string) => goTrim(b, a) },
  { name: 'trimSuffix', sig: 'func(string, string) string', fn: (a: string, b: string) => (a !== '' && b.endsWith(a) ? b.slice(0, b.length - a.length) : b) },
  { name: 'trimPrefix', sig: 'func(string, string) string', fn: (a: string, b: string) => (a !== '' && b.startsWith(a) ? b.slice(a.length) : b) },
  { name: 'nospace', sig: 'func(string) string', fn: (s: string) => (s === '' ? s : deleteWhiteSpace(s)) },
  { name: 'initials', sig: 'func(string) string', fn: (s: string) => (s === '' ? s : initials(s)) },
  { name: 'randAlphaNum', sig: 'func(int) string', fn: (n: bigint) => cryptoRandom(num(n), 'alnum'), nondeterministic: true },
  { name: 'randAlpha', sig: 'func(int) string', fn: (n: bigint) => cryptoRandom(num(n), 'alpha'), nondeterministic: true },
  { name: 'randAscii', sig: 'func(int) string', fn: (n: bigint) => cryptoRandom(num(n), 'ascii'), nondeterministic: true },
  { name: 'randNumeric', sig: 'func(int) string', fn: (n: bigint) => cryptoRandom(num(n), 'num'), nondeterministic: true },
  { name: 'swapcase', sig: 'func(string) string', fn: swapCase },
  { name: 'shuffle', sig: 'func(string) string', fn: shuffle, nondeterministic: true },
  { name: 'snakecase', sig: 'func(string) string', fn: (s: string) => camelCaseToLowerCase(s, 0x5f) },
  { name: 'camelcase', sig: 'func(string) string', fn: toPascalCase },
  { name: 'kebabcase', sig: 'func(string) string', fn: (s: string) => camelCaseToLowerCase(s, 0x2d) },
  { name: 'wrap', sig: 'func(int, string) string', fn: (l: bigint, s: string) => wrapCustom(s, num(l), '', false) },
  { name: 'wrapWith', sig: 'func(int, string, string) string', fn: (l: bigint, sep: string, s: string) => wrapCustom(s, num(l), sep, true) },
  { name: 'contains', sig: 'func(string, string) bool', fn: (sub: string, s: string) => s.includes(sub) },
  { name: 'hasPrefix', sig: 'func(string, string) bool', fn: (sub: string, s: string) => s.startsWith(sub) },
  { name: 'hasSuffix', sig: 'func(string, string) bool', fn: (sub: string, s: string) => s.endsWith(sub) },
  {
    name: 'quote',
    sig: 'func(...interface {}) string',
    fn: (...vs: Value[]) => vs.filter((v) => v !== null && v !== undefined).map((v) => goQuote(strval(v))).join(' '),
  },
  {
    name: 'squote',
    sig: 'func(...interface {}) string',
    fn: (...vs: Value[]) => vs.filter((v) => v !== null && v !== undefined).map((v) => `'${sprint(v)}'`).join(' '),
  },
  {
    name: 'cat',
    sig: 'func(...interface {}) string',
    fn: (...vs: Value[]) => vs.filter((v) => v !== null && v !== undefined).map((v) => sprint(v)).join(' '),
  },
  { name: 'indent', sig: 'func(int, string) string', fn: (n: bigint, s: string) => indent(num(n), s) },
  { name: 'nindent', sig: 'func(int, string) string', fn: (n: bigint, s: string) => '\n' + indent(num(n), s) },
  { name: 'replace', sig: 'func(string, string, string) string', fn: (o: string, n: string, s: string) => strReplaceAll(s, o, n) },
  { name: 'plural', sig: 'func(string, string, int) string', fn: (one: string, many: string, c: bigint) => (c === 1n ? one : many) },
  { name: 'sha1sum', sig: 'func(string) string', fn: (s: string) => hashHex('sha1', s) },
  { name: 'sha256sum', sig: 'func(string) string', fn: (s: string) => hashHex('sha256', s) },
  { name: 'sha512sum', sig: 'func(string) string', fn: (s: string) => hashHex('sha512', s) },
  { name: 'adler32sum', sig: 'func(string) string', fn: (s: string) => adler32(s).toString() },
];

function indent(n: number, s: string): string {
  const pad = goRepeat(n, ' ');
  return pad + s.split('\n').join('\n' + pad);
}

