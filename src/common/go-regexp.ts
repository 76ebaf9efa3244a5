// Go's regexp package, for every user of Go regexps here: rewrite[].regexp (ReplaceAllString), a
// provider's find.name.regexp and a store's namespaceRegexes (MatchString), and sprig's regex functions
// (FindAll, ReplaceAll, ReplaceAllLiteral, Split). Syntax and matching are RE2's, through re2js; the
// loops around the matcher are Go's, over the string's UTF-8 bytes as Go sees a string: offsets are
// byte offsets, an empty match advances by one rune (its UTF-8 width, 1 for a bad byte), and an empty
// match right after the previous match is not replaced (replaceAll) or not delivered (allMatches).
// Expand is Go's: $name and ${name} with names of Unicode letters, digits and '_' (greedy), $$, and a
// malformed reference copied as a literal '$'.
//
// Two views of a string: a JS string (test, replaceAll) is matched as its UTF-8 encoding, where a lone
// surrogate is U+FFFD as Go's JSON decoding makes it; a Go string proper is a Uint8Array (the *Bytes
// methods), where invalid UTF-8 is kept byte for byte.

import type { RE2JS } from 're2js';
import { goDecodeRune } from './go-utf8.js';
import { re2 } from './lazy-packages.js';

/** A match: [start, end, g1start, g1end, ...], byte offsets, -1 for a group that did not take part. */
export type GoMatch = number[];

export interface GoRegexp {
  /** Number of parenthesized subexpressions (Regexp.NumSubexp). */
  readonly numSubexp: number;
  /** regexp.MatchString (unanchored) on the UTF-8 of s. */
  test(s: string): boolean;
  /** Regexp.ReplaceAllString(s, template) with Expand, on the UTF-8 of s and template. */
  replaceAll(s: string, template: string): string;
  /** Regexp.Match on a Go string's bytes. */
  matchBytes(src: Uint8Array): boolean;
  /** Regexp.ReplaceAll(src, template) (Expand). */
  replaceAllBytes(src: Uint8Array, template: Uint8Array): Uint8Array;
  /** Regexp.ReplaceAllLiteral(src, repl). */
  replaceAllLiteralBytes(src: Uint8Array, repl: Uint8Array): Uint8Array;
  /** Regexp.FindAllSubmatchIndex(src, n) (n < 0: all); [] where Go gives nil. */
  findAllIndex(src: Uint8Array, n: number): GoMatch[];
  /** Regexp.Split(src, n) as [start, end) byte ranges; null where Go gives a nil slice (n == 0). */
  splitIndex(src: Uint8Array, n: number): Array<[number, number]> | null;
}

const MAX_CACHED = 500;
const cache = new Map<string, GoRegexp>();

/**
 * regexp.Compile, cached (the oldest of MAX_CACHED patterns is dropped first). Throws Go's error text,
 * `error parsing regexp: <code>: \`<expr>\``. A lone surrogate in the pattern is U+FFFD.
 */
export function compileGoRegexp(pattern: string): GoRegexp {
  let re = cache.get(pattern);
  if (re) return re;
  const source = /[\ud800-\udfff]/.test(pattern) ? Buffer.from(pattern, 'utf8').toString('utf8') : pattern;
  let compiled: RE2JS;
  let names: Map<string, number[]>;
  try {
    compiled = re2().compile(source);
    names = new Map(Object.entries(compiled.namedGroups() as Record<string, number>).map(([k, v]) => [k, [v]]));
  } catch (e) {
    if ((e as { error?: unknown })?.error !== DUPLICATE_NAME) throw new Error(goParseError(e, source));
    ({ compiled, names } = compileWithoutNames(source));
  }
  re = new Compiled(compiled, names);
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(pattern, re);
  return re;
}

const DUPLICATE_NAME = 'duplicate capture group name';

/**
 * syntax.Error's text, `error parsing regexp: <code>: \`<expr>\``. re2js's RE2JSSyntaxException carries
 * the code and the expression, but leaves out the expression where Go's is empty (a trailing backslash)
 * or the whole pattern (too deep, too large); Go writes the ": `...`" part always.
 */
function goParseError(e: unknown, pattern: string, expr: (input: string) => string = (s) => s): string {
  const { error: code, input } = (e ?? {}) as { error?: unknown; input?: unknown };
  if (typeof code !== 'string') return `error parsing regexp: ${e instanceof Error ? e.message : String(e)}`;
  const quoted = typeof input === 'string' && input !== '' ? expr(input) : code === 'trailing backslash at end of expression' ? '' : pattern;
  return `error parsing regexp: ${code}: \`${quoted}\``;
}

/**
 * Go allows one name on several groups, `(?P<n>a)|(?P<n>b)` ($n is the leftmost of them that took part);
 * re2js refuses a repeated name, and also a name it finds on Object.prototype (`constructor`). Such a
 * pattern is compiled with its valid group names taken out (which leaves the group numbers as they are),
 * the names kept here. An error in what remains is quoted from the pattern as written.
 */
function compileWithoutNames(pattern: string): { compiled: RE2JS; names: Map<string, number[]> } {
  const names = new Map<string, number[]>();
  let stripped = '';
  const origin: number[] = []; // origin[i]: the index in `pattern` of stripped[i]
  const keep = (from: number, to: number) => {
    for (let k = from; k < to; k++) origin.push(k);
    stripped += pattern.slice(from, to);
  };
  let group = 0;
  let copied = 0;
  const n = pattern.length;
  for (let i = 0; i < n; ) {
    const c = pattern[i];
    if (c === '\\') {
      if (pattern[i + 1] === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        i = end < 0 ? n : end + 2;
      } else i += 2;
    } else if (c === '[') {
      i++;
      if (pattern[i] === '^') i++;
      if (pattern[i] === ']') i++;
      while (i < n && pattern[i] !== ']') {
        if (pattern[i] === '\\') i += 2;
        else if (pattern.startsWith('[:', i) && pattern.indexOf(':]', i + 2) >= 0) i = pattern.indexOf(':]', i + 2) + 2;
        else i++;
      }
      i++;
    } else if (c === '(') {
      const named = /^\(\?P?<([A-Za-z0-9_]+)>/.exec(pattern.slice(i, i + 1000));
      if (pattern[i + 1] !== '?' || named) group++;
      if (named) {
        const list = names.get(named[1]!) ?? [];
        list.push(group);
        names.set(named[1]!, list);
        keep(copied, i + 1);
        copied = i + named[0].length;
        i = copied;
      } else i++;
    } else i++;
  }
  keep(copied, n);
  origin.push(n);
  try {
    return { compiled: re2().compile(stripped), names };
  } catch (e) {
    const fromPattern = (input: string): string => {
      if (input === stripped) return pattern;
      const at = stripped.indexOf(input);
      return at < 0 ? input : pattern.slice(origin[at], origin[at + input.length - 1]! + 1);
    };
    throw new Error(goParseError(e, pattern, fromPattern));
  }
}

const utf8 = (s: string): Uint8Array => Buffer.from(s, 'utf8');

class Compiled implements GoRegexp {
  readonly numSubexp: number;
  /** Expand templates parsed once per regexp (a rewrite applies one target to every key). */
  private readonly templates = new Map<string, TemplatePiece[]>();

  constructor(
    private readonly re: RE2JS,
    /** Each name's groups, leftmost first (Go allows a name on more than one group). */
    private readonly names: Map<string, number[]>,
  ) {
    this.numSubexp = re.groupCount();
  }

  test(s: string): boolean {
    return this.matchBytes(utf8(s));
  }

  replaceAll(s: string, template: string): string {
    const src = utf8(s);
    const out = this.replaceAllBytes(src, utf8(template));
    return out === src ? s : Buffer.from(out.buffer, out.byteOffset, out.byteLength).toString('utf8');
  }

  matchBytes(src: Uint8Array): boolean {
    return this.re.matcher(src).find();
  }

  replaceAllBytes(src: Uint8Array, template: Uint8Array): Uint8Array {
    const pieces = this.parseTemplate(template);
    return this.replace(src, (out, m) => {
      for (const p of pieces) {
        if (p instanceof Uint8Array) out.push(p);
        else if (typeof p === 'number') {
          if (m[2 * p]! >= 0) out.push(src.subarray(m[2 * p], m[2 * p + 1]));
        } else {
          // A name: the leftmost of its groups that took part.
          const g = p.find((k) => m[2 * k]! >= 0);
          if (g !== undefined) out.push(src.subarray(m[2 * g], m[2 * g + 1]));
        }
      }
    });
  }

  replaceAllLiteralBytes(src: Uint8Array, repl: Uint8Array): Uint8Array {
    return this.replace(src, (out) => out.push(repl));
  }

  findAllIndex(src: Uint8Array, n: number): GoMatch[] {
    const out: GoMatch[] = [];
    if (n < 0) n = src.length + 1;
    const m = this.re.matcher(src);
    // Go's allMatches.
    let pos = 0;
    let prevMatchEnd = -1;
    while (out.length < n && pos <= src.length) {
      const a = this.exec(m, pos);
      if (!a) break;
      let accept = true;
      if (a[1] === pos) {
        // An empty match: none right after a previous match; move on by one rune.
        if (a[0] === prevMatchEnd) accept = false;
        const width = goDecodeRune(src, pos)[1];
        pos = width > 0 ? pos + width : src.length + 1;
      } else {
        pos = a[1]!;
      }
      prevMatchEnd = a[1]!;
      if (accept) out.push(a);
    }
    return out;
  }

  splitIndex(src: Uint8Array, n: number): Array<[number, number]> | null {
    if (n === 0) return null;
    if (this.re.pattern().length > 0 && src.length === 0) return [[0, 0]];
    const out: Array<[number, number]> = [];
    let beg = 0;
    let end = 0;
    for (const a of this.findAllIndex(src, n)) {
      if (n > 0 && out.length === n - 1) break;
      end = a[0]!;
      if (a[1] !== 0) out.push([beg, end]);
      beg = a[1]!;
    }
    if (end !== src.length) out.push([beg, src.length]);
    return out;
  }

  /** The leftmost-first match at or after byte pos; what precedes pos still counts for ^ and \b. */
  private exec(m: ReturnType<RE2JS['matcher']>, pos: number): GoMatch | undefined {
    if (!m.find(pos)) return undefined;
    const a: GoMatch = [];
    for (let g = 0; g <= this.numSubexp; g++) {
      const s = m.start(g);
      a.push(s, s < 0 ? -1 : m.end(g));
    }
    return a;
  }

  /** Go's replaceAll loop; returns src itself when nothing matched. */
  private replace(src: Uint8Array, repl: (out: Uint8Array[], m: GoMatch) => void): Uint8Array {
    const m = this.re.matcher(src);
    const out: Uint8Array[] = [];
    let lastMatchEnd = 0;
    let searchPos = 0;
    let matched = false;
    while (searchPos <= src.length) {
      const a = this.exec(m, searchPos);
      if (!a) break;
      matched = true;
      out.push(src.subarray(lastMatchEnd, a[0]));
      // No replacement for an empty match right after the previous match.
      if (a[1]! > lastMatchEnd || a[0] === 0) repl(out, a);
      lastMatchEnd = a[1]!;
      // Advance past this match, always by at least one rune (the width of the one at searchPos).
      const width = goDecodeRune(src, searchPos)[1];
      if (searchPos + width > a[1]!) searchPos += width;
      else if (searchPos + 1 > a[1]!) searchPos++;
      else searchPos = a[1]!;
    }
    if (!matched) return src;
    out.push(src.subarray(lastMatchEnd));
    return Buffer.concat(out);
  }

  /** Regexp.Expand's template as literal bytes, group numbers and names' groups (a reference to no group is left out). */
  private parseTemplate(template: Uint8Array): TemplatePiece[] {
    const key = Buffer.from(template.buffer, template.byteOffset, template.byteLength).toString('latin1');
    let pieces = this.templates.get(key);
    if (pieces) return pieces;
    pieces = [];
    let t = 0;
    const n = template.length;
    for (;;) {
      const k = template.indexOf(0x24 /* $ */, t);
      if (k < 0) break;
      if (k > t) pieces.push(template.subarray(t, k));
      t = k + 1;
      if (t < n && template[t] === 0x24) {
        pieces.push(DOLLAR);
        t++;
        continue;
      }
      const ref = extract(template, t);
      if (!ref) {
        // Malformed: the '$' is text.
        pieces.push(DOLLAR);
        continue;
      }
      t = ref.rest;
      if (ref.num < 0) {
        const groups = this.names.get(ref.name);
        if (groups) pieces.push(groups);
      } else if (ref.num <= this.numSubexp) pieces.push(ref.num);
    }
    if (t < n) pieces.push(template.subarray(t));
    if (this.templates.size >= MAX_CACHED) this.templates.clear();
    this.templates.set(key, pieces);
    return pieces;
  }
}

type TemplatePiece = Uint8Array | number | number[];
const DOLLAR = Uint8Array.of(0x24);

const reLetter = /^\p{L}$/u;
const reDigit = /^\p{Nd}$/u;
/** unicode.IsLetter || unicode.IsDigit || '_' */
function isNameRune(r: number): boolean {
  if (r < 0x80) return (r >= 0x30 && r <= 0x39) || (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a) || r === 0x5f;
  if (r === 0xfffd) return false;
  const ch = String.fromCodePoint(r);
  return reLetter.test(ch) || reDigit.test(ch);
}

/**
 * Go's extract: the $name or ${name} reference at t[i:]; the name is a number when it is all ASCII
 * digits, below 1e8 before its last digit, and without a leading zero.
 */
function extract(t: Uint8Array, i: number): { name: string; num: number; rest: number } | undefined {
  if (i >= t.length) return undefined;
  let brace = false;
  if (t[i] === 0x7b /* { */) {
    brace = true;
    i++;
  }
  const start = i;
  while (i < t.length) {
    const [r, w] = goDecodeRune(t, i);
    if (!isNameRune(r)) break;
    i += w;
  }
  if (i === start) return undefined;
  const nameBytes = t.subarray(start, i);
  if (brace) {
    if (i >= t.length || t[i] !== 0x7d /* } */) return undefined;
    i++;
  }
  let num = 0;
  for (const c of nameBytes) {
    if (c < 0x30 || c > 0x39 || num >= 1e8) {
      num = -1;
      break;
    }
    num = num * 10 + (c - 0x30);
  }
  if (nameBytes[0] === 0x30 && nameBytes.length > 1) num = -1;
  return { name: Buffer.from(nameBytes).toString('utf8'), num, rest: i };
}
