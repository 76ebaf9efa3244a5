// Go's regexp package, for every user of Go regexps here: rewrite[].regexp (ReplaceAllString), a
// provider's find.name.regexp and a store's namespaceRegexes (MatchString), and sprig's regex functions
// (FindAll, ReplaceAll, ReplaceAllLiteral, Split). Syntax and matching are RE2's, through re2js; the
// loops around the matcher are Go's, over the string's UTF-8 bytes as Go sees a string: offsets are
// byte offsets, an empty match advances by one rune (its UTF-8 width, 1 for a bad byte), and an empty
// match right after the previous match is not replaced (replaceAll) or not delivered (allMatches).
// Expand is Go's: $name and ${name} with names of Unicode letters, digits and '_' (greedy), $$, and a
// malformed reference copied as a literal '$'.
//
// Two views of a string: a JS string (test, replaceAll: rewrite and find) is matched by code points,
// which are Go's runes for a well-formed string, a lone surrogate being U+FFFD as Go's JSON decoding
// makes it; a Go string proper is a Uint8Array (the *Bytes methods: sprig), where invalid UTF-8 is kept
// byte for byte and each bad byte is one rune.

import type { RE2JS } from 're2js';
import { goDecodeRune } from './go-utf8.js';
import { re2 } from './lazy-packages.js';

/** A match: [start, end, g1start, g1end, ...], byte offsets, -1 for a group that did not take part. */
export type GoMatch = number[];

export interface GoRegexp {
  /** Number of parenthesized subexpressions (Regexp.NumSubexp). */
  readonly numSubexp: number;
  /** regexp.MatchString (unanchored). */
  test(s: string): boolean;
  /** Regexp.ReplaceAllString(s, template), with Expand. */
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
  re = new Compiled(compiled, names, requiredPrefix(source));
  remember(cache, pattern, re);
  return re;
}

/**
 * The ASCII text every match of `pattern` must start the subject with, or '' when the pattern does not
 * say so plainly: it starts with `^` (the text's start: no flag can come before it) and has no `|`
 * anywhere (an alternative could do without it), and the prefix is the plain characters after the `^`
 * up to the first other one, less the last unless an operand of its own follows. find.name.regexp is tested on
 * every secret a store lists; a name without the prefix is refused without running the matcher.
 */
export function requiredPrefix(pattern: string): string {
  if (pattern[0] !== '^' || pattern.includes('|')) return '';
  let prefix = '';
  let i = 1;
  for (; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (/[A-Za-z0-9/_\-=:@%,;~!"'<>&# ]/.test(c)) prefix += c;
    else if (c === '\\' && /[./\-]/.test(pattern[i + 1] ?? '')) prefix += pattern[++i];
    else break;
  }
  // The last character is kept only when what follows is an operand of its own (a class, `.`, `$`, a
  // capturing group) or nothing: a repetition after a flag group or an empty `\Q\E` applies to it.
  if (!/^(?:$|[[.$]|\((?!\?))/.test(pattern.slice(i))) prefix = prefix.slice(0, -1);
  return prefix;
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
  // `(?P<` or `(?<` that ends the pattern is no named group to Go (it wants a byte more): its flags loop
  // stops at the `P` or the `<`. re2js calls it an invalid named capture.
  if (code === 'invalid named capture' && (input === '(?P<' || input === '(?<') && pattern.endsWith(input)) {
    return `error parsing regexp: invalid or unsupported Perl syntax: \`${input.slice(0, 3)}\``;
  }
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

/** A lone surrogate as U+FFFD, as Go's JSON decoding makes it (Node 20's String.prototype.toWellFormed; ES2024). */
const wellFormed = (s: string): string => (s as unknown as { toWellFormed(): string }).toWellFormed();

/**
 * What the loops run over. re2js matches a JS string by code points and a Uint8Array by UTF-8 runes,
 * the same runes for a well-formed string; offsets are code units or bytes, each view's own, and a rune's
 * width is counted in them (Go's utf8.DecodeRune widths for bytes: 1 for a bad byte, 0 at the end).
 */
interface Subject<T> {
  readonly input: string | Uint8Array;
  readonly length: number;
  width(pos: number): number;
  slice(from: number, to: number): T;
}

function textSubject(s: string): Subject<string> {
  return {
    input: s,
    length: s.length,
    width: (pos) => {
      if (pos >= s.length) return 0;
      const c = s.charCodeAt(pos);
      return c >= 0xd800 && c <= 0xdbff && pos + 1 < s.length ? 2 : 1;
    },
    slice: (from, to) => s.slice(from, to),
  };
}

function bytesSubject(b: Uint8Array): Subject<Uint8Array> {
  return { input: b, length: b.length, width: (pos) => goDecodeRune(b, pos)[1], slice: (from, to) => b.subarray(from, to) };
}

/** An Expand template: literal text, a group number, or a name's groups (a reference to no group is left out). */
type TemplatePiece<T> = T | number | number[];

class Compiled implements GoRegexp {
  readonly numSubexp: number;
  /** Expand templates parsed once per regexp (a rewrite applies one target to every key). */
  private readonly byteTemplates = new Map<string, TemplatePiece<Uint8Array>[]>();
  private readonly textTemplates = new Map<string, TemplatePiece<string>[]>();

  constructor(
    private readonly re: RE2JS,
    /** Each name's groups, leftmost first (Go allows a name on more than one group). */
    private readonly names: Map<string, number[]>,
    /** ASCII text every match starts the subject with (requiredPrefix), or ''. */
    private readonly prefix: string,
  ) {
    this.numSubexp = re.groupCount();
  }

  test(s: string): boolean {
    // A lone surrogate becomes U+FFFD in the subject, never an ASCII character: the prefix test holds.
    if (this.prefix !== '' && !s.startsWith(this.prefix)) return false;
    return this.re.matcher(wellFormed(s)).find();
  }

  replaceAll(s: string, template: string): string {
    let pieces = this.textTemplates.get(template);
    if (!pieces) {
      const bytes = Buffer.from(template, 'utf8');
      // Each literal piece ends at a '$' or a name's end, so it decodes whole.
      pieces = this.parseTemplate(bytes).map((p) => (p instanceof Uint8Array ? Buffer.from(p).toString('utf8') : p));
      remember(this.textTemplates, template, pieces);
    }
    const out = this.replace(textSubject(wellFormed(s)), expander(pieces));
    return out === undefined ? s : out.join('');
  }

  matchBytes(src: Uint8Array): boolean {
    return this.re.matcher(src).find();
  }

  replaceAllBytes(src: Uint8Array, template: Uint8Array): Uint8Array {
    const key = Buffer.from(template.buffer, template.byteOffset, template.byteLength).toString('latin1');
    let pieces = this.byteTemplates.get(key);
    if (!pieces) remember(this.byteTemplates, key, (pieces = this.parseTemplate(template)));
    const out = this.replace(bytesSubject(src), expander(pieces));
    return out === undefined ? src : Buffer.concat(out);
  }

  replaceAllLiteralBytes(src: Uint8Array, repl: Uint8Array): Uint8Array {
    const out = this.replace(bytesSubject(src), (o) => o.push(repl));
    return out === undefined ? src : Buffer.concat(out);
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

  /** The leftmost-first match at or after pos; what precedes pos still counts for ^ and \b. */
  private exec(m: ReturnType<RE2JS['matcher']>, pos: number): GoMatch | undefined {
    if (!m.find(pos)) return undefined;
    const a: GoMatch = [];
    for (let g = 0; g <= this.numSubexp; g++) {
      const s = m.start(g);
      a.push(s, s < 0 ? -1 : m.end(g));
    }
    return a;
  }

  /** Go's replaceAll loop: the output's pieces, or undefined when nothing matched. */
  private replace<T>(src: Subject<T>, repl: (out: T[], m: GoMatch, src: Subject<T>) => void): T[] | undefined {
    const m = this.re.matcher(src.input as string);
    const out: T[] = [];
    let lastMatchEnd = 0;
    let searchPos = 0;
    let matched = false;
    while (searchPos <= src.length) {
      const a = this.exec(m, searchPos);
      if (!a) break;
      matched = true;
      out.push(src.slice(lastMatchEnd, a[0]!));
      // No replacement for an empty match right after the previous match.
      if (a[1]! > lastMatchEnd || a[0] === 0) repl(out, a, src);
      lastMatchEnd = a[1]!;
      // Advance past this match, always by at least one rune (the width of the one at searchPos).
      const width = src.width(searchPos);
      if (searchPos + width > a[1]!) searchPos += width;
      else if (searchPos + 1 > a[1]!) searchPos++;
      else searchPos = a[1]!;
    }
    if (!matched) return undefined;
    out.push(src.slice(lastMatchEnd, src.length));
    return out;
  }

  /** Regexp.Expand's template as literal bytes, group numbers and names' groups. */
  private parseTemplate(template: Uint8Array): TemplatePiece<Uint8Array>[] {
    const pieces: TemplatePiece<Uint8Array>[] = [];
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
    return pieces;
  }
}

/** Expand with parsed pieces: a group that did not take part, or a name none of whose groups did, is empty. */
function expander<T>(pieces: TemplatePiece<T>[]): (out: T[], m: GoMatch, src: Subject<T>) => void {
  return (out, m, src) => {
    for (const p of pieces) {
      if (typeof p === 'number') {
        if (m[2 * p]! >= 0) out.push(src.slice(m[2 * p]!, m[2 * p + 1]!));
      } else if (Array.isArray(p)) {
        const g = p.find((k) => m[2 * k]! >= 0);
        if (g !== undefined) out.push(src.slice(m[2 * g]!, m[2 * g + 1]!));
      } else out.push(p);
    }
  };
}

function remember<V>(m: Map<string, V>, key: string, value: V): void {
  if (m.size >= MAX_CACHED) m.delete(m.keys().next().value!);
  m.set(key, value);
}

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
