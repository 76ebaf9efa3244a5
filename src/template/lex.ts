// Lexer for Go text/template, following the token rules of Go's text/template/parse package:
// delimiters, trim markers, comments, and the tokens inside actions. Input is a Go string (bytes).
import { quote } from './fmt.js';
import { decodeRuneAt } from './values.js';

export const enum T {
  Error,
  Bool,
  Char,
  CharConstant,
  Comment,
  Complex,
  Assign,
  Declare,
  EOF,
  Field,
  Identifier,
  LeftDelim,
  LeftParen,
  Number,
  Pipe,
  RawString,
  RightDelim,
  RightParen,
  Space,
  String,
  Text,
  Variable,
  // Keywords (above Keyword).
  Keyword,
  Block,
  Break,
  Continue,
  Dot,
  Define,
  Else,
  End,
  If,
  Nil,
  Range,
  Template,
  With,
}

export interface Item {
  typ: T;
  pos: number;
  val: string;
  line: number;
}

const KEYWORDS: Record<string, T> = {
  '.': T.Dot,
  block: T.Block,
  break: T.Break,
  continue: T.Continue,
  define: T.Define,
  else: T.Else,
  end: T.End,
  if: T.If,
  range: T.Range,
  nil: T.Nil,
  template: T.Template,
  with: T.With,
};

/** How Go's parser prints a token in "unexpected X" messages. */
export function itemString(i: Item): string {
  if (i.typ === T.EOF) return 'EOF';
  if (i.typ === T.Error) return i.val;
  if (i.typ > T.Keyword) return '<' + i.val + '>';
  if (i.val.length > 10) return goQuotePrefix(i.val, 10) + '...';
  return goQuotePrefix(i.val, Infinity);
}

// %q of a string (with %.10q truncating to 10 runes first).
function goQuotePrefix(s: string, runes: number): string {
  if (runes !== Infinity) {
    let n = 0;
    let i = 0;
    while (i < s.length && n < runes) {
      i += s.charCodeAt(i) < 0x80 ? 1 : decodeRuneAt(s, i)[1];
      n++;
    }
    s = s.slice(0, i);
  }
  return quote(s);
}

const EOF = -1;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

// unicode.IsLetter / IsDigit for the non-ASCII part of identifiers.
const UNI_ALNUM = /^[\p{L}\p{Nd}]$/u;
function isAlphaNumeric(r: number): boolean {
  if (r < 0x80)
    return r === 0x5f || (r >= 0x30 && r <= 0x39) || (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a);
  if (r === EOF) return false;
  return UNI_ALNUM.test(String.fromCodePoint(r));
}

const TRIM_MARKER_LEN = 2;

/** Go's %#U of a rune, used in "bad character" messages. */
function sharpU(r: number): string {
  let s = 'U+' + r.toString(16).toUpperCase().padStart(4, '0');
  if (r >= 0x20 && r !== 0x7f) {
    const ch = String.fromCodePoint(r);
    if (/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) s += " '" + Buffer.from(ch, 'utf8').toString('latin1') + "'";
  }
  return s;
}

export class Lexer {
  private pos = 0;
  private start = 0;
  private atEOF = false;
  private line = 1;
  private startLine = 1;
  private parenDepth = 0;
  private state: (() => Item | null) | null;
  private lastWidth = 0;

  constructor(
    private readonly input: string,
    private readonly leftDelim: string,
    private readonly rightDelim: string,
    private readonly breakOK: boolean,
    private readonly continueOK: boolean,
  ) {
    this.state = this.lexText;
  }

  /** The next item; after EOF or an error it keeps returning EOF. */
  nextItem(): Item {
    while (this.state) {
      const it = this.state();
      if (it) return it;
    }
    return { typ: T.EOF, pos: this.pos, val: '', line: this.startLine };
  }

  private next(): number {
    if (this.pos >= this.input.length) {
      this.atEOF = true;
      this.lastWidth = 0;
      return EOF;
    }
    const c = this.input.charCodeAt(this.pos);
    let r = c;
    let w = 1;
    if (c >= 0x80) [r, w] = decodeRuneAt(this.input, this.pos);
    this.lastWidth = w;
    this.pos += w;
    if (r === 0x0a) this.line++;
    return r;
  }

  private peek(): number {
    const save = this.pos;
    const saveLine = this.line;
    const saveEOF = this.atEOF;
    const r = this.next();
    this.pos = save;
    this.line = saveLine;
    this.atEOF = saveEOF;
    return r;
  }

  private backup(): void {
    if (!this.atEOF && this.pos > 0) {
      const [r, w] = this.lastRune();
      this.pos -= w;
      if (r === 0x0a) this.line--;
    }
    this.atEOF = false;
  }

  private lastRune(): [number, number] {
    // Width of the rune just read (recorded in next); ASCII fast path.
    const w = this.lastWidth || 1;
    const r = w === 1 ? this.input.charCodeAt(this.pos - 1) : decodeRuneAt(this.input, this.pos - w)[0];
    return [r, w];
  }

  private item(t: T): Item {
    const it = { typ: t, pos: this.start, val: this.input.slice(this.start, this.pos), line: this.startLine };
    this.start = this.pos;
    this.startLine = this.line;
    return it;
  }

  private accept(valid: string): boolean {
    const r = this.next();
    if (r !== EOF && valid.indexOf(String.fromCharCode(r)) >= 0 && r < 0x80) return true;
    this.backup();
    return false;
  }

  private acceptRun(valid: string): void {
    for (;;) {
      const r = this.next();
      if (r === EOF || r >= 0x80 || valid.indexOf(String.fromCharCode(r)) < 0) break;
    }
    this.backup();
  }

  private errorf(msg: string): Item {
    const it = { typ: T.Error, pos: this.start, val: msg, line: this.startLine };
    this.state = null;
    return it;
  }

  private hasLeftTrimMarker(at: number): boolean {
    return (
      at + 1 < this.input.length && this.input.charCodeAt(at) === 0x2d && isSpace(this.input.charCodeAt(at + 1))
    );
  }

  private hasRightTrimMarker(at: number): boolean {
    return (
      at + 1 < this.input.length && isSpace(this.input.charCodeAt(at)) && this.input.charCodeAt(at + 1) === 0x2d
    );
  }

  private atRightDelim(): [boolean, boolean] {
    if (this.hasRightTrimMarker(this.pos) && this.input.startsWith(this.rightDelim, this.pos + TRIM_MARKER_LEN))
      return [true, true];
    if (this.input.startsWith(this.rightDelim, this.pos)) return [true, false];
    return [false, false];
  }

  private rightTrimLength(from: number, to: number): number {
    let n = 0;
    while (to - n > from && isSpace(this.input.charCodeAt(to - n - 1))) n++;
    return n;
  }

  private leftTrimLength(from: number): number {
    let n = 0;
    while (from + n < this.input.length && isSpace(this.input.charCodeAt(from + n))) n++;
    return n;
  }

  /** Advance pos to `to` counting newlines (for skipped text that was not read through next()). */
  private skipTo(to: number): void {
    for (let i = this.pos; i < to; i++) if (this.input.charCodeAt(i) === 0x0a) this.line++;
    this.pos = to;
  }

  private dropTo(to: number): void {
    // Discard input up to `to` (already counted or to be counted).
    this.skipTo(to);
    this.start = this.pos;
    this.startLine = this.line;
  }

  private lexText = (): Item | null => {
    const x = this.input.indexOf(this.leftDelim, this.pos);
    if (x >= 0) {
      if (x > this.pos) {
        let trimLength = 0;
        const delimEnd = x + this.leftDelim.length;
        if (this.hasLeftTrimMarker(delimEnd)) trimLength = this.rightTrimLength(this.start, x);
        this.skipTo(x - trimLength);
        const it = this.item(T.Text);
        this.dropTo(x);
        this.state = this.lexLeftDelim;
        if (it.val.length > 0) return it;
        return null;
      }
      this.state = this.lexLeftDelim;
      return null;
    }
    this.skipTo(this.input.length);
    if (this.pos > this.start) {
      const it = this.item(T.Text);
      this.state = this.lexEOF;
      return it;
    }
    return this.lexEOF();
  };

  private lexEOF = (): Item | null => {
    this.state = null;
    return { typ: T.EOF, pos: this.pos, val: '', line: this.startLine };
  };

  private lexLeftDelim = (): Item | null => {
    this.skipTo(this.pos + this.leftDelim.length);
    const trimSpace = this.hasLeftTrimMarker(this.pos);
    const afterMarker = trimSpace ? TRIM_MARKER_LEN : 0;
    if (this.input.startsWith('/*', this.pos + afterMarker)) {
      this.dropTo(this.pos + afterMarker);
      this.state = this.lexComment;
      return null;
    }
    const it = this.item(T.LeftDelim);
    this.dropTo(this.pos + afterMarker);
    this.parenDepth = 0;
    this.state = this.lexInsideAction;
    return it;
  };

  private lexComment = (): Item | null => {
    this.skipTo(this.pos + 2);
    const x = this.input.indexOf('*/', this.pos);
    if (x < 0) return this.errorf('unclosed comment');
    this.skipTo(x + 2);
    const [delim, trimSpace] = this.atRightDelim();
    if (!delim) return this.errorf('comment ends before closing delimiter');
    this.item(T.Comment); // comments are not emitted
    if (trimSpace) this.skipTo(this.pos + TRIM_MARKER_LEN);
    this.skipTo(this.pos + this.rightDelim.length);
    if (trimSpace) this.skipTo(this.pos + this.leftTrimLength(this.pos));
    this.dropTo(this.pos);
    this.state = this.lexText;
    return null;
  };

  private lexRightDelim = (): Item | null => {
    const [, trimSpace] = this.atRightDelim();
    if (trimSpace) this.dropTo(this.pos + TRIM_MARKER_LEN);
    this.skipTo(this.pos + this.rightDelim.length);
    const it = this.item(T.RightDelim);
    if (trimSpace) this.dropTo(this.pos + this.leftTrimLength(this.pos));
    this.state = this.lexText;
    return it;
  };

  private lexInsideAction = (): Item | null => {
    const [delim] = this.atRightDelim();
    if (delim) {
      if (this.parenDepth === 0) {
        this.state = this.lexRightDelim;
        return null;
      }
      return this.errorf('unclosed left paren');
    }
    const r = this.next();
    if (r === EOF) return this.errorf('unclosed action');
    if (isSpace(r)) {
      this.backup();
      this.state = this.lexSpace;
      return null;
    }
    switch (r) {
      case 0x3d: // =
        return this.item(T.Assign);
      case 0x3a: // :
        if (this.next() !== 0x3d) return this.errorf('expected :=');
        return this.item(T.Declare);
      case 0x7c: // |
        return this.item(T.Pipe);
      case 0x22: // "
        return this.lexQuote();
      case 0x60: // `
        return this.lexRawQuote();
      case 0x24: // $
        return this.lexVariable();
      case 0x27: // '
        return this.lexChar();
      case 0x28: // (
        this.parenDepth++;
        return this.item(T.LeftParen);
      case 0x29: {
        // ) is emitted first; an unbalanced one is then an error (the parser usually reports it first).
        const it = this.item(T.RightParen);
        if (this.parenDepth === 0) {
          this.state = () => this.errorf("unexpected right paren U+0029 ')'");
          return it;
        }
        this.parenDepth--;
        return it;
      }
    }
    if (r === 0x2e) {
      // ".field" or a number like ".5"
      if (this.pos < this.input.length) {
        const c = this.input.charCodeAt(this.pos);
        if (c < 0x30 || c > 0x39) return this.lexFieldOrVariable(T.Field);
      }
      this.backup();
      return this.lexNumber();
    }
    if (r === 0x2b || r === 0x2d || (r >= 0x30 && r <= 0x39)) {
      this.backup();
      return this.lexNumber();
    }
    if (isAlphaNumeric(r)) {
      this.backup();
      return this.lexIdentifier();
    }
    if (r < 0x80 && r >= 0x20 && r < 0x7f) return this.item(T.Char);
    return this.errorf('unrecognized character in action: ' + sharpU(r));
  };

  private lexSpace = (): Item | null => {
    let numSpaces = 0;
    for (;;) {
      const r = this.peek();
      if (!isSpace(r)) break;
      this.next();
      numSpaces++;
    }
    if (this.hasRightTrimMarker(this.pos - 1) && this.input.startsWith(this.rightDelim, this.pos - 1 + TRIM_MARKER_LEN)) {
      this.pos--; // before the space
      if (this.input.charCodeAt(this.pos) === 0x0a) this.line--;
      if (numSpaces === 1) {
        this.state = this.lexRightDelim;
        return null;
      }
    }
    this.state = this.lexInsideAction;
    return this.item(T.Space);
  };

  private atTerminator(): boolean {
    const r = this.peek();
    if (isSpace(r)) return true;
    switch (r) {
      case EOF:
      case 0x2e:
      case 0x2c:
      case 0x7c:
      case 0x3a:
      case 0x29:
      case 0x28:
        return true;
    }
    return this.input.startsWith(this.rightDelim, this.pos);
  }

  private lexIdentifier(): Item | null {
    let r: number;
    for (;;) {
      r = this.next();
      if (!isAlphaNumeric(r)) break;
    }
    this.backup();
    const word = this.input.slice(this.start, this.pos);
    if (!this.atTerminator()) return this.errorf('bad character ' + sharpU(r));
    const kw = KEYWORDS[word];
    if (kw !== undefined && kw > T.Keyword) {
      if ((kw === T.Break && !this.breakOK) || (kw === T.Continue && !this.continueOK))
        return this.item(T.Identifier);
      return this.item(kw);
    }
    if (word === 'true' || word === 'false') return this.item(T.Bool);
    return this.item(T.Identifier);
  }

  private lexVariable(): Item | null {
    if (this.atTerminator()) return this.item(T.Variable);
    return this.lexFieldOrVariable(T.Variable);
  }

  private lexFieldOrVariable(typ: T): Item | null {
    if (this.atTerminator()) return this.item(typ === T.Variable ? T.Variable : T.Dot);
    let r: number;
    for (;;) {
      r = this.next();
      if (!isAlphaNumeric(r)) {
        this.backup();
        break;
      }
    }
    if (!this.atTerminator()) return this.errorf('bad character ' + sharpU(r));
    return this.item(typ);
  }

  private lexChar(): Item | null {
    for (;;) {
      let r = this.next();
      if (r === 0x5c) {
        r = this.next();
        if (r !== EOF && r !== 0x0a) continue;
        return this.errorf('unterminated character constant');
      }
      if (r === EOF || r === 0x0a) return this.errorf('unterminated character constant');
      if (r === 0x27) break;
    }
    return this.item(T.CharConstant);
  }

  private lexNumber(): Item | null {
    if (!this.scanNumber()) return this.errorf('bad number syntax: ' + quote(this.input.slice(this.start, this.pos)));
    const sign = this.peek();
    if (sign === 0x2b || sign === 0x2d) {
      if (!this.scanNumber() || this.input.charCodeAt(this.pos - 1) !== 0x69)
        return this.errorf('bad number syntax: ' + quote(this.input.slice(this.start, this.pos)));
      return this.item(T.Complex);
    }
    return this.item(T.Number);
  }

  private scanNumber(): boolean {
    this.accept('+-');
    let digits = '0123456789_';
    if (this.accept('0')) {
      if (this.accept('xX')) digits = '0123456789abcdefABCDEF_';
      else if (this.accept('oO')) digits = '01234567_';
      else if (this.accept('bB')) digits = '01_';
    }
    this.acceptRun(digits);
    if (this.accept('.')) this.acceptRun(digits);
    if (digits.length === 11 && this.accept('eE')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    if (digits.length === 23 && this.accept('pP')) {
      this.accept('+-');
      this.acceptRun('0123456789_');
    }
    this.accept('i');
    if (isAlphaNumeric(this.peek())) {
      this.next();
      return false;
    }
    return true;
  }

  private lexQuote(): Item | null {
    for (;;) {
      let r = this.next();
      if (r === 0x5c) {
        r = this.next();
        if (r !== EOF && r !== 0x0a) continue;
        return this.errorf('unterminated quoted string');
      }
      if (r === EOF || r === 0x0a) return this.errorf('unterminated quoted string');
      if (r === 0x22) break;
    }
    return this.item(T.String);
  }

  private lexRawQuote(): Item | null {
    for (;;) {
      const r = this.next();
      if (r === EOF) return this.errorf('unterminated raw quoted string');
      if (r === 0x60) break;
    }
    return this.item(T.RawString);
  }
}
