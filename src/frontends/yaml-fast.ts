// A fast reader for simple block-YAML documents (issue 19). Parsing a manifest stream with the `yaml`
// package is most of a cold run's time; almost every real manifest is plain block YAML. This reader
// handles that subset only, and reads it to exactly the value the `yaml` path gives (stream.ts:
// `doc.toJS(toJSOptions)` with `readOptions` from yaml-schema.ts: the YAML 1.2 core schema, legacy
// octal `0755`, `<<` merge keys, unique keys, strict). On anything it is not certain about it DECLINES
// (returns undefined) and the caller parses the document with `yaml`, which also gives the exact errors:
// this module never reports an error, and a declined document costs only the fallback.
//
// It must not import `yaml` (directly or indirectly): it exists so that a run need not load it.
//
// The subset (everything else declines):
//   - the root is a block mapping; block mappings and sequences nest with any consistent indentation;
//     a sequence may sit at its key's indent (`key:\n- a`, kubectl's style) or deeper; `- key: v` items
//     (compact mappings) and `- - a` (compact sequences);
//   - keys: plain keys without spaces, `#` or `:` that the schema reads as strings, and one-line quoted
//     keys; never `<<` (a merge key), `__proto__` or a duplicate;
//   - values on the key's line: plain scalars (resolved like the schema: null, bool, legacy octal, int,
//     0o, 0x, .inf/.nan, floats), one-line single- and double-quoted scalars, block scalars `|` and `>`
//     with `-`/`+` chomping and an auto-detected indentation, and one-line flow collections of plain and
//     quoted scalars (`{ key: /a/b, property: x }`, `[80, 443]`, `[]`, `{}`);
//   - comments (whole lines, and ` #` after a value), blank lines, `---` lines before the body and a
//     final `...` line.
// Declined: tabs, CR, control and odd characters, anchors, aliases, tags, `?` keys, multi-line plain,
// quoted or flow scalars, directives, `--- value`, explicit block indentation indicators, empty block
// scalars, and nesting deeper than MAX_DEPTH - 1.
//
// A word on method: where the `yaml` package's behaviour differs from the YAML spec (block scalar
// chomping at the end of input, say), this reader follows the package, because its value is the one
// the caller would otherwise get. yaml-fast.test.ts checks that differentially, on the test corpora, on
// random documents and on mutations of the corpora.
import { MAX_DEPTH } from '../common/limits.js';

// yaml refuses an implicit key more than 1024 characters from where the previous value ended (strict
// mode): after a null that closes a nested collection, that start lies before any blank lines, so a
// short key after 1,023 blank lines is an error there (found by yaml-fast.break.test.ts). A key of at
// most KEY_MAX characters after a gap of blank lines and spaces shorter than LONG_GAP stays well inside it.
const KEY_MAX = 500;
const LONG_GAP = /[ \n]{400}/;

/** Thrown (never escapes this module) when the document is outside the subset. */
const DECLINE: unique symbol = Symbol('decline');

// Characters the reader never accepts anywhere: C0 controls but \n (tab and CR included), DEL, C1,
// U+FEFF, U+2028/2029 (line breaks to some readers, not to others) and lone surrogates (in `u` mode a
// well-formed pair is one code point, so the surrogate range matches only lone halves).
const FORBIDDEN = /[\x00-\x09\x0b-\x1f\x7f-\x9f\ufeff\u2028\u2029\ud800-\udfff]/u;

// The core schema's plain-scalar tests, in the order the schema tries them (yaml-schema.ts puts legacy
// octal just before the decimal int tag). Copied from node_modules/yaml/dist/schema/core/*.js.
const NULL_RE = /^(?:~|[Nn]ull|NULL)?$/;
const BOOL_RE = /^(?:[Tt]rue|TRUE|[Ff]alse|FALSE)$/;
const OCT_RE = /^0o[0-7]+$/;
const LEGACY_OCT_RE = /^[-+]?0[0-7]+$/;
const INT_RE = /^[-+]?[0-9]+$/;
const HEX_RE = /^0x[0-9a-fA-F]+$/;
const NAN_RE = /^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/;
const EXP_RE = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/;
const FLOAT_RE = /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/;

/** The value the schema gives a plain scalar `s` (non-empty, trimmed, one line). */
function resolvePlain(s: string): unknown {
  const c = s.charCodeAt(0);
  // Fast path: only `~`, `n`/`N` (null), `t`/`T`/`f`/`F` (bool), digits, `+`, `-` and `.` can start a
  // non-string; every other first character makes a string.
  if (!(c === 0x7e || c === 0x6e || c === 0x4e || c === 0x74 || c === 0x54 || c === 0x66 || c === 0x46 || c === 0x2b || c === 0x2d || c === 0x2e || (c >= 0x30 && c <= 0x39))) {
    return s;
  }
  if (NULL_RE.test(s)) return null;
  if (BOOL_RE.test(s)) return c === 0x74 || c === 0x54;
  if (OCT_RE.test(s)) return parseInt(s.substring(2), 8);
  if (LEGACY_OCT_RE.test(s)) {
    // yaml-schema.ts's legacyOctal.resolve, verbatim (so `-00` is -0 as there).
    const neg = s.startsWith('-');
    const n = parseInt(s.replace(/^[-+]?0/, ''), 8);
    return neg ? -n : n;
  }
  if (INT_RE.test(s)) return parseInt(s.substring(0), 10);
  if (HEX_RE.test(s)) return parseInt(s.substring(2), 16);
  if (NAN_RE.test(s)) return s.slice(-3).toLowerCase() === 'nan' ? NaN : s[0] === '-' ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY;
  if (EXP_RE.test(s)) return parseFloat(s);
  if (FLOAT_RE.test(s)) return parseFloat(s);
  return s;
}

// The double-quoted escapes, as node_modules/yaml/dist/compose/resolve-flow-scalar.js has them.
const ESCAPES: Record<string, string> = {
  '0': '\0',
  a: '\x07',
  b: '\b',
  e: '\x1b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  N: '\u0085',
  _: '\u00a0',
  L: '\u2028',
  P: '\u2029',
  ' ': ' ',
  '"': '"',
  '/': '/',
  '\\': '\\',
};
const HEX_DIGITS = /^[0-9a-fA-F]+$/;

const hasOwn = Object.prototype.hasOwnProperty;

/** Line kinds. */
const CONTENT = 0;
const COMMENT = 1;
const BLANK = 2;

function isIndicatorStart(c: number): boolean {
  // - ? : , [ ] { } # & * ! | > ' " % @ `
  switch (c) {
    case 0x2d: case 0x3f: case 0x3a: case 0x2c: case 0x5b: case 0x5d: case 0x7b: case 0x7d: case 0x23:
    case 0x26: case 0x2a: case 0x21: case 0x7c: case 0x3e: case 0x27: case 0x22: case 0x25: case 0x40: case 0x60:
      return true;
    default:
      return false;
  }
}

class Reader {
  /** Offset where each body line starts, where it ends (before its `\n`), its indent and kind. */
  readonly ls: number[] = [];
  readonly le: number[] = [];
  readonly ind: number[] = [];
  readonly kind: number[] = [];
  n = 0;
  /** The body's last line ends with a newline. */
  endsWithNewline = true;
  /** The next line to look at, after a node has been read. */
  line = 0;

  constructor(readonly t: string) {}

  /** The first content line at or after `i` (comment and blank lines are skipped), or `n`. */
  skip(i: number): number {
    const kind = this.kind;
    while (i < this.n && kind[i] !== CONTENT) i++;
    return i;
  }

  /** Line `i` holds a sequence entry at column `c`: `-` followed by a space or the line's end. */
  isSeqEntry(i: number, c: number): boolean {
    const o = this.ls[i]! + c;
    if (this.t.charCodeAt(o) !== 0x2d) return false;
    return o + 1 === this.le[i] || this.t.charCodeAt(o + 1) === 0x20;
  }

  /** A node that starts a line (`i` is a content line at column `ind[i]`): a mapping or a sequence. */
  blockNode(i: number, depth: number): unknown {
    const c = this.ind[i]!;
    if (this.isSeqEntry(i, c)) return this.sequence(i, c, depth);
    const o = this.ls[i]! + c;
    if (this.keyEnd(i, o) < 0) throw DECLINE; // a scalar on a line of its own: not in the subset
    return this.mapping(i, c, o, depth);
  }

  /**
   * Where a mapping key that starts at offset `o` of line `i` ends: the offset just after its `:`,
   * or -1 when the text there is not a key this reader accepts (it may still be a scalar).
   */
  keyEnd(i: number, o: number): number {
    const t = this.t;
    const end = this.le[i]!;
    const c = t.charCodeAt(o);
    let p: number;
    if (c === 0x22 || c === 0x27) {
      p = c === 0x22 ? this.doubleQuotedEnd(o, end) : this.singleQuotedEnd(o, end);
      if (p < 0 || p >= end || t.charCodeAt(p) !== 0x3a) return -1;
    } else {
      if (isIndicatorStart(c) || c === 0x20) return -1;
      p = o + 1;
      for (; p < end; p++) {
        const d = t.charCodeAt(p);
        if (d === 0x3a) break;
        if (d === 0x20 || d === 0x23) return -1;
      }
      if (p >= end) return -1;
    }
    // `:` must be followed by a space or the line's end to be the mapping indicator.
    if (p + 1 < end && t.charCodeAt(p + 1) !== 0x20) return -1;
    return p + 1;
  }

  /** The key starting at `o` whose `:` is at `colon - 1` (keyEnd said so), as a string; declines others. */
  keyText(o: number, colon: number): string {
    const t = this.t;
    const c = t.charCodeAt(o);
    // yaml errors on implicit keys longer than 1024 characters.
    if (colon - o > KEY_MAX) throw DECLINE;
    let key: string;
    if (c === 0x22) key = this.doubleQuoted(o, colon - 1);
    else if (c === 0x27) key = this.singleQuoted(o, colon - 1);
    else {
      key = t.slice(o, colon - 1);
      // A plain key must read as a string as written: `1`, `true`, `~` would be stringified by toJS.
      if (typeof resolvePlain(key) !== 'string') throw DECLINE;
    }
    // `<<` is a merge key when plain; quoted it is not, but either is left to the `yaml` path.
    if (key === '<<' || key === '__proto__') throw DECLINE;
    return key;
  }

  /** A block mapping at column `c`; its first key starts at offset `o` of line `i`. */
  mapping(i: number, c: number, o: number, depth: number): Record<string, unknown> {
    if (depth > MAX_DEPTH - 1) throw DECLINE;
    const obj: Record<string, unknown> = {};
    for (;;) {
      const p = this.keyEnd(i, o);
      if (p < 0) throw DECLINE;
      const key = this.keyText(o, p);
      if (hasOwn.call(obj, key)) throw DECLINE; // uniqueKeys: yaml errors on a duplicate
      obj[key] = this.valueAfterColon(i, p, c, depth);
      const j = this.skip(this.line);
      if (j >= this.n || this.ind[j]! < c) {
        this.line = j;
        return obj;
      }
      if (this.ind[j]! > c) throw DECLINE;
      i = j;
      o = this.ls[j]! + c;
    }
  }

  /** The value of a mapping entry at column `c` whose `:` ends at `p` on line `i`. */
  valueAfterColon(i: number, p: number, c: number, depth: number): unknown {
    const t = this.t;
    const end = this.le[i]!;
    let q = p;
    while (q < end && t.charCodeAt(q) === 0x20) q++;
    if (q === end || t.charCodeAt(q) === 0x23) {
      // Nothing on the key's line (a comment after `:` needs the space keyEnd checked): the value is
      // on the following lines: a deeper node, a sequence at the key's own indent, or else null.
      const j = this.skip(i + 1);
      this.line = j;
      if (j < this.n) {
        const ij = this.ind[j]!;
        if (ij > c) return this.blockNode(j, depth + 1);
        if (ij === c && this.isSeqEntry(j, c)) return this.sequence(j, c, depth + 1);
      }
      return null;
    }
    return this.inlineValue(i, q, c, depth);
  }

  /** A block sequence at column `c`, its first entry on line `i`. */
  sequence(i: number, c: number, depth: number): unknown[] {
    if (depth > MAX_DEPTH - 1) throw DECLINE;
    const t = this.t;
    const arr: unknown[] = [];
    for (;;) {
      const end = this.le[i]!;
      let q = this.ls[i]! + c + 1;
      while (q < end && t.charCodeAt(q) === 0x20) q++;
      if (q === end || t.charCodeAt(q) === 0x23) {
        // `-` alone: the item is on the following lines (deeper than the dash), or null.
        const j = this.skip(i + 1);
        this.line = j;
        arr.push(j < this.n && this.ind[j]! > c ? this.blockNode(j, depth + 1) : null);
      } else {
        arr.push(this.entryContent(i, q, c, depth));
      }
      const j = this.skip(this.line);
      if (j >= this.n || this.ind[j]! < c) {
        this.line = j;
        return arr;
      }
      if (this.ind[j]! > c) throw DECLINE;
      if (!this.isSeqEntry(j, c)) {
        // A key at the sequence's indent: the sequence was a mapping value at its key's indent.
        this.line = j;
        return arr;
      }
      i = j;
    }
  }

  /** What follows `- ` of a sequence entry at column `c`, from offset `q` of line `i`. */
  entryContent(i: number, q: number, c: number, depth: number): unknown {
    const col = q - this.ls[i]!;
    // `- - a`: a compact sequence at the second dash's column.
    if (this.isSeqEntry(i, col)) return this.sequence(i, col, depth + 1);
    // `- key: v`: a compact mapping whose further keys align with the first.
    if (this.keyEnd(i, q) >= 0) return this.mapping(i, col, q, depth + 1);
    return this.inlineValue(i, q, c, depth);
  }

  /**
   * A value that starts at offset `q` of line `i` (not a key, not `- `), inside a collection at column
   * `c`: a block scalar, a quoted or plain scalar, or a one-line flow collection. Sets `line`.
   */
  inlineValue(i: number, q: number, c: number, depth: number): unknown {
    const t = this.t;
    const end = this.le[i]!;
    const ch = t.charCodeAt(q);
    let value: unknown;
    let after: number;
    if (ch === 0x7c || ch === 0x3e) return this.blockScalar(i, q, c);
    if (ch === 0x22) {
      after = this.doubleQuotedEnd(q, end);
      if (after < 0) throw DECLINE;
      value = this.doubleQuoted(q, after);
    } else if (ch === 0x27) {
      after = this.singleQuotedEnd(q, end);
      if (after < 0) throw DECLINE;
      value = this.singleQuoted(q, after);
    } else if (ch === 0x5b || ch === 0x7b) {
      this.pos = q;
      this.end = end;
      value = this.flowCollection(depth + 1);
      after = this.pos;
    } else if (ch === 0x2d || ch === 0x3f || ch === 0x3a) {
      // `-`, `?`, `:` start a plain scalar only before a non-space; `-1` is common, `?a`/`:a` are not.
      if (ch !== 0x2d || q + 1 >= end || t.charCodeAt(q + 1) === 0x20) throw DECLINE;
      after = this.plainEnd(q, end);
      value = this.plain(q, after);
    } else if (isIndicatorStart(ch)) {
      throw DECLINE; // anchors, aliases, tags, reserved and flow indicators
    } else {
      after = this.plainEnd(q, end);
      value = this.plain(q, after);
    }
    this.restOfLine(after, end);
    // Whatever follows must not be deeper than the collection: for a plain scalar that would be its
    // continuation (a multi-line scalar), for the others an error.
    const j = this.skip(i + 1);
    if (j < this.n && this.ind[j]! > c) throw DECLINE;
    this.line = j;
    return value;
  }

  /** After a value: only spaces, then optionally a comment (which needs a space before its `#`). */
  restOfLine(p: number, end: number): void {
    const t = this.t;
    if (p === end) return;
    if (t.charCodeAt(p) !== 0x20) throw DECLINE;
    while (p < end && t.charCodeAt(p) === 0x20) p++;
    if (p < end && t.charCodeAt(p) !== 0x23) throw DECLINE;
  }

  /** End of a plain scalar from `q` on a line ending at `end`: before ` #` or the line end, trimmed. */
  plainEnd(q: number, end: number): number {
    const t = this.t;
    // A loop over the line, not indexOf: that would search the rest of the stream when the line has
    // no comment (quadratic over a large stream).
    let stop = end;
    for (let p = q + 1; p < end; p++) {
      if (t.charCodeAt(p) === 0x23 && t.charCodeAt(p - 1) === 0x20) {
        stop = p - 1;
        break;
      }
    }
    while (stop > q && t.charCodeAt(stop - 1) === 0x20) stop--;
    return stop;
  }

  /** A plain scalar `t[q, stop)` in block context, resolved by the schema. */
  plain(q: number, stop: number): unknown {
    const s = this.t.slice(q, stop);
    // `a: b` or a trailing `:` would make it a mapping key (an error, as a value).
    if (s.includes(': ') || s.charCodeAt(s.length - 1) === 0x3a) throw DECLINE;
    if (s === '<<') throw DECLINE;
    return resolvePlain(s);
  }

  /** Offset after the closing `"` of a double-quoted scalar opening at `q`, or -1 if not on this line. */
  doubleQuotedEnd(q: number, end: number): number {
    const t = this.t;
    for (let p = q + 1; p < end; p++) {
      const d = t.charCodeAt(p);
      if (d === 0x5c) p++;
      else if (d === 0x22) return p + 1;
    }
    return -1;
  }

  /** Offset after the closing `'` of a single-quoted scalar opening at `q`, or -1 if not on this line. */
  singleQuotedEnd(q: number, end: number): number {
    const t = this.t;
    for (let p = q + 1; p < end; p++) {
      if (t.charCodeAt(p) === 0x27) {
        if (p + 1 < end && t.charCodeAt(p + 1) === 0x27) p++;
        else return p + 1;
      }
    }
    return -1;
  }

  /** The value of the double-quoted scalar `t[q, after)`, escapes resolved as the `yaml` package does. */
  doubleQuoted(q: number, after: number): string {
    const t = this.t;
    const inner = t.slice(q + 1, after - 1);
    if (!inner.includes('\\')) return inner;
    let res = '';
    for (let p = 0; p < inner.length; p++) {
      const ch = inner[p]!;
      if (ch !== '\\') {
        res += ch;
        continue;
      }
      const next = inner[++p]!;
      const cc = ESCAPES[next];
      if (cc !== undefined && hasOwn.call(ESCAPES, next)) {
        res += cc;
      } else if (next === 'x' || next === 'u' || next === 'U') {
        const len = next === 'x' ? 2 : next === 'u' ? 4 : 8;
        const hex = inner.substr(p + 1, len);
        if (hex.length !== len || !HEX_DIGITS.test(hex)) throw DECLINE;
        const code = parseInt(hex, 16);
        // The package would produce a lone surrogate here; a value we would not write back: declined.
        if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) throw DECLINE;
        res += String.fromCodePoint(code);
        p += len;
      } else {
        throw DECLINE; // an invalid escape: an error in yaml
      }
    }
    return res;
  }

  /** The value of the single-quoted scalar `t[q, after)`. */
  singleQuoted(q: number, after: number): string {
    const inner = this.t.slice(q + 1, after - 1);
    return inner.includes("'") ? inner.replace(/''/g, "'") : inner;
  }

  // ------------------------------------------------------------------------------ block scalars

  /**
   * A block scalar whose header (`|` or `>`) is at offset `q` of line `i`, inside a collection at
   * column `c`. Follows node_modules/yaml/dist/parse/lexer.js (which lines belong to it) and
   * compose/resolve-block-scalar.js (its value), for the cases this reader accepts.
   */
  blockScalar(i: number, q: number, c: number): string {
    const t = this.t;
    const end = this.le[i]!;
    const folded = t.charCodeAt(q) === 0x3e;
    let p = q + 1;
    let chomp = 0; // 0 clip, 1 strip (`-`), 2 keep (`+`)
    const h = t.charCodeAt(p);
    if (h === 0x2d) {
      chomp = 1;
      p++;
    } else if (h === 0x2b) {
      chomp = 2;
      p++;
    }
    // An indentation indicator (a digit) or anything else but a comment: declined.
    this.restOfLine(p, end);
    // Leading blank lines, then the first non-blank line sets the indentation (comments are content).
    let k = i + 1;
    const kind = this.kind;
    const ind = this.ind;
    while (k < this.n && kind[k] === BLANK) k++;
    if (k >= this.n) throw DECLINE; // empty block scalar
    const m = ind[k]!;
    if (m <= c) throw DECLINE; // empty block scalar (or content not indented enough for the package)
    // A leading blank line longer than the indentation is an error in the package.
    for (let b = i + 1; b < k; b++) if (this.le[b]! - this.ls[b]! > m) throw DECLINE;
    const first = k;
    let last = k; // last non-blank line of the scalar
    for (k = k + 1; k < this.n; k++) {
      if (kind[k] === BLANK) {
        // A blank line longer than the indentation is content (spaces) to the package: declined.
        if (this.le[k]! - this.ls[k]! > m) throw DECLINE;
        continue;
      }
      if (ind[k]! < m) break;
      last = k;
    }
    // The line that ends the scalar must belong to an enclosing collection (not deeper than `c`).
    if (k < this.n && ind[k]! > c) throw DECLINE;
    this.line = k;

    let value = '\n'.repeat(first - i - 1); // leading empty lines are kept
    if (!folded) {
      for (let j = first; j <= last; j++) {
        if (j > first) value += '\n';
        if (kind[j] !== BLANK) value += t.slice(this.ls[j]! + m, this.le[j]!);
      }
    } else {
      // resolve-block-scalar.js's folding: a line break between two lines at the indentation becomes a
      // space, empty lines become line breaks, and breaks around more-indented lines are kept.
      let sep = '';
      let prevMoreIndented = false;
      for (let j = first; j <= last; j++) {
        if (kind[j] === BLANK) {
          if (sep === '\n') value += '\n';
          else sep = '\n';
        } else if (ind[j]! > m) {
          if (sep === ' ') sep = '\n';
          else if (!prevMoreIndented && sep === '\n') sep = '\n\n';
          value += sep + t.slice(this.ls[j]! + m, this.le[j]!);
          sep = '\n';
          prevMoreIndented = true;
        } else {
          value += sep + t.slice(this.ls[j]! + m, this.le[j]!);
          sep = ' ';
          prevMoreIndented = false;
        }
      }
    }
    if (chomp === 0) return value + '\n';
    if (chomp === 1) return value;
    // Keep: one line break per line end after the last content line, at least one (the package adds
    // one when the input ends without a newline).
    let breaks = k - last;
    if (k >= this.n && !this.endsWithNewline) breaks--;
    return value + '\n'.repeat(Math.max(1, breaks));
  }

  // ------------------------------------------------------------------------ one-line flow collections

  /** Position and line end while reading a flow collection. */
  pos = 0;
  end = 0;

  flowSpaces(): void {
    while (this.pos < this.end && this.t.charCodeAt(this.pos) === 0x20) this.pos++;
  }

  /** A flow collection opening at `pos` that closes on the same line. */
  flowCollection(depth: number): unknown {
    if (depth > MAX_DEPTH - 1) throw DECLINE;
    const t = this.t;
    const open = t.charCodeAt(this.pos++);
    const close = open === 0x5b ? 0x5d : 0x7d;
    const seq: unknown[] | undefined = open === 0x5b ? [] : undefined;
    const obj: Record<string, unknown> | undefined = open === 0x5b ? undefined : {};
    this.flowSpaces();
    if (this.pos < this.end && t.charCodeAt(this.pos) === close) {
      this.pos++;
      return seq ?? obj;
    }
    for (;;) {
      if (seq) {
        seq.push(this.flowValue(depth));
      } else {
        const key = this.flowKey();
        if (hasOwn.call(obj, key)) throw DECLINE;
        obj![key] = this.flowValue(depth);
      }
      this.flowSpaces();
      if (this.pos >= this.end) throw DECLINE; // not closed on this line
      const d = t.charCodeAt(this.pos++);
      if (d === close) return seq ?? obj;
      if (d !== 0x2c) throw DECLINE;
      this.flowSpaces();
      // A trailing comma, an empty entry, or the line's end: declined.
      const e = t.charCodeAt(this.pos);
      if (this.pos >= this.end || e === close || e === 0x2c) throw DECLINE;
    }
  }

  /** A key in a flow mapping and its `:` (followed by a space; after a quoted key it may be adjacent). */
  flowKey(): string {
    const t = this.t;
    const o = this.pos;
    const c = t.charCodeAt(o);
    let key: string;
    if (c === 0x22 || c === 0x27) {
      const after = c === 0x22 ? this.doubleQuotedEnd(o, this.end) : this.singleQuotedEnd(o, this.end);
      if (after < 0 || after >= this.end || t.charCodeAt(after) !== 0x3a) throw DECLINE;
      key = c === 0x22 ? this.doubleQuoted(o, after) : this.singleQuoted(o, after);
      this.pos = after + 1;
    } else {
      const stop = this.flowPlainEnd(o);
      if (stop + 1 >= this.end || t.charCodeAt(stop) !== 0x3a || t.charCodeAt(stop + 1) !== 0x20) throw DECLINE;
      key = t.slice(o, stop);
      if (typeof resolvePlain(key) !== 'string') throw DECLINE;
      this.pos = stop + 1;
    }
    if (key === '<<' || key === '__proto__' || this.pos - o > KEY_MAX) throw DECLINE;
    return key;
  }

  /** A value in a flow collection: a nested one-line flow collection, a quoted or a plain scalar. */
  flowValue(depth: number): unknown {
    const t = this.t;
    this.flowSpaces();
    const o = this.pos;
    const c = t.charCodeAt(o);
    if (c === 0x5b || c === 0x7b) return this.flowCollection(depth + 1);
    if (c === 0x22 || c === 0x27) {
      const after = c === 0x22 ? this.doubleQuotedEnd(o, this.end) : this.singleQuotedEnd(o, this.end);
      if (after < 0) throw DECLINE;
      this.pos = after;
      return c === 0x22 ? this.doubleQuoted(o, after) : this.singleQuoted(o, after);
    }
    const stop = this.flowPlainEnd(o);
    // A `:` after a value would make it a key (`[a: b]` is a one-pair mapping): declined.
    if (t.charCodeAt(stop) === 0x3a) throw DECLINE;
    const s = t.slice(o, stop);
    if (s === '<<') throw DECLINE;
    this.pos = stop;
    return resolvePlain(s);
  }

  /**
   * End of a plain scalar in a flow collection starting at `o`: before `,`, `]`, `}`, a `:` that is an
   * indicator, or a space. Only a conservative character set is accepted (no `#`, quotes or brackets,
   * no spaces inside: `{ a: b c }` is fine YAML, but rare, and its rules around `#` are subtle).
   */
  flowPlainEnd(o: number): number {
    const t = this.t;
    const c = t.charCodeAt(o);
    if (isIndicatorStart(c) && !(c === 0x2d && o + 1 < this.end && !isFlowStop(t.charCodeAt(o + 1)))) throw DECLINE;
    let p = o;
    for (; p < this.end; p++) {
      const d = t.charCodeAt(p);
      // A `:` followed by anything but a space, a flow indicator or the line's end is part of the
      // scalar (`https://example.invalid`), as in the lexer's plain-scalar rule for flow context.
      if (d === 0x3a && p + 1 < this.end) {
        const e = t.charCodeAt(p + 1);
        if (!(e === 0x20 || e === 0x2c || e === 0x5b || e === 0x5d || e === 0x7b || e === 0x7d)) continue;
      }
      if (isFlowStop(d)) break;
      if (d === 0x23 || d === 0x22 || d === 0x27 || d === 0x5b || d === 0x7b) throw DECLINE;
    }
    if (p === o) throw DECLINE;
    return p;
  }
}

/** Characters that end a plain scalar inside a one-line flow collection (for this reader). */
function isFlowStop(d: number): boolean {
  return d === 0x2c || d === 0x5d || d === 0x7d || d === 0x3a || d === 0x20;
}

/** The value of one document, exactly as stream.ts's yaml path gives it (`doc.toJS(toJSOptions)` with
 *  readOptions), or undefined when this reader cannot be certain. `text.slice(from, to)` is one
 *  document as src/frontends/stream-scan.ts reports it: optional comment/blank lines and `---` line(s)
 *  before the body, and possibly a final `...` line. No BOM, no CR (the scan gives up on those). */
export function readSimpleDocument(text: string, from = 0, to = text.length): unknown | undefined {
  if (from < 0 || to > text.length || from >= to) return undefined;
  const body = from === 0 && to === text.length ? text : text.slice(from, to);
  if (FORBIDDEN.test(body) || LONG_GAP.test(body)) return undefined;
  const r = new Reader(text);
  const { ls, le, ind, kind } = r;
  let pos = from;
  let inBody = false;
  let ended = false; // a `...` line was seen
  while (pos < to) {
    let nl = text.indexOf('\n', pos);
    const terminated = nl >= 0 && nl < to;
    if (!terminated) nl = to;
    let p = pos;
    while (p < nl && text.charCodeAt(p) === 0x20) p++;
    const k = p === nl ? BLANK : text.charCodeAt(p) === 0x23 ? COMMENT : CONTENT;
    if (k === CONTENT && p === pos) {
      // Markers at column 0: `---` before the body, `...` after it. Anything else that starts with
      // three dashes or dots, or a directive, is left to the `yaml` path.
      const c = text.charCodeAt(pos);
      if ((c === 0x2d || c === 0x2e) && text.charCodeAt(pos + 1) === c && text.charCodeAt(pos + 2) === c) {
        if (nl - pos !== 3) return undefined;
        if (c === 0x2d) {
          if (inBody) return undefined;
        } else {
          if (!inBody || ended) return undefined;
          ended = true;
        }
        pos = nl + 1;
        continue;
      }
      if (c === 0x25 && !inBody) return undefined;
    }
    if (ended) {
      if (k === CONTENT) return undefined;
    } else if (inBody || k === CONTENT) {
      inBody = true;
      ls.push(pos);
      le.push(nl);
      ind.push(p - pos);
      kind.push(k);
      r.endsWithNewline = terminated;
    }
    pos = nl + 1;
  }
  r.n = ls.length;
  if (r.n === 0) return undefined; // an empty document
  // The body's last line: a newline when the slice ends there or a `...` line follows.
  if (ended) r.endsWithNewline = true;
  try {
    const root = r.blockNode(0, 1);
    if (Array.isArray(root) || r.line < r.n) return undefined; // the root must be a block mapping
    return root;
  } catch (e) {
    if (e === DECLINE) return undefined;
    // A stack overflow or the like: not certain either.
    if (e instanceof RangeError) return undefined;
    throw e;
  }
}
