// goyaml v2's reader, scanner, parser and node composer (gopkg.in/yaml.v2 2.4.0: readerc.go, scannerc.go,
// parserc.go and decode.go's `parser`), ported function for function so that what it accepts, what it
// rejects and the error text (`yaml: line N: ...`) are goyaml's. ESO reads KeysAndValues output and
// fromYaml input with sigs.k8s.io/yaml over this code (go.yaml.in/yaml/v2 v2.4.x, the same scanner and
// parser as Debian's 2.4.0 that the differential tests build). Below both users (src/engine's
// KeysAndValues reader and src/template's fromYaml): it knows nothing of either.
//
// Differences from the Go code, none visible in results: the reader decodes into an array of code points
// (libyaml keeps UTF-8 bytes; only marks and the `width` of characters are observed, and both count
// characters), errors are thrown instead of returned, and the composer guards its own recursion
// (`maxDepth`). The reader keeps libyaml's 512-byte raw chunks, so a reader error (invalid UTF-8, a
// control character) surfaces exactly when goyaml's would, before or after a syntax error.

/** A syntax (reader, scanner or parser) error: `message` is goyaml's, `yaml: ` prefix included. */
export class GoyamlSyntaxError extends Error {}

/** The composer's own depth bound was passed (not a goyaml error: goyaml has none this low). */
export class GoyamlDepthError extends Error {}

export enum Style {
  Any = 0,
  Plain = 1,
  Single = 2,
  Double = 3,
  Literal = 4,
  Folded = 5,
}

/** decode.go's node: what goyaml's decoder reads. */
export interface GoyamlNode {
  kind: 'document' | 'mapping' | 'sequence' | 'scalar' | 'alias';
  line: number;
  column: number;
  tag: string;
  value: string;
  implicit: boolean;
  style: Style;
  /** For an alias: the node its anchor names (already defined when the alias was read). */
  alias?: GoyamlNode;
  children: GoyamlNode[];
}

interface Mark {
  index: number;
  line: number;
  column: number;
}

const enum T {
  None,
  StreamStart,
  StreamEnd,
  VersionDirective,
  TagDirective,
  DocumentStart,
  DocumentEnd,
  BlockSequenceStart,
  BlockMappingStart,
  BlockEnd,
  FlowSequenceStart,
  FlowSequenceEnd,
  FlowMappingStart,
  FlowMappingEnd,
  BlockEntry,
  FlowEntry,
  Key,
  Value,
  Alias,
  Anchor,
  Tag,
  Scalar,
}

interface Token {
  typ: T;
  start: Mark;
  end: Mark;
  value: string; // anchor/alias name, scalar value, tag handle, %TAG handle
  suffix: string; // tag suffix
  prefix: string; // %TAG prefix
  style: Style;
  major: number;
  minor: number;
}

const enum E {
  None,
  StreamStart,
  StreamEnd,
  DocumentStart,
  DocumentEnd,
  Alias,
  Scalar,
  SequenceStart,
  SequenceEnd,
  MappingStart,
  MappingEnd,
}
const EVENT_NAMES = ['none', 'stream start', 'stream end', 'document start', 'document end', 'alias', 'scalar', 'sequence start', 'sequence end', 'mapping start', 'mapping end'];

interface Event {
  typ: E;
  start: Mark;
  end: Mark;
  anchor: string | null;
  tag: string;
  value: string;
  implicit: boolean;
  style: Style;
}

const enum S {
  StreamStart,
  ImplicitDocumentStart,
  DocumentStart,
  DocumentContent,
  DocumentEnd,
  BlockNode,
  BlockNodeOrIndentlessSequence,
  FlowNode,
  BlockSequenceFirstEntry,
  BlockSequenceEntry,
  IndentlessSequenceEntry,
  BlockMappingFirstKey,
  BlockMappingKey,
  BlockMappingValue,
  FlowSequenceFirstEntry,
  FlowSequenceEntry,
  FlowSequenceEntryMappingKey,
  FlowSequenceEntryMappingValue,
  FlowSequenceEntryMappingEnd,
  FlowMappingFirstKey,
  FlowMappingKey,
  FlowMappingValue,
  FlowMappingEmptyValue,
  End,
}

interface SimpleKey {
  possible: boolean;
  required: boolean;
  tokenNumber: number;
  mark: Mark;
}

/** Internal: the state libyaml's yaml_parser_set_*_error leaves, turned into goyaml's text by fail(). */
class Failure {
  constructor(
    readonly kind: 'reader' | 'scanner' | 'parser',
    readonly problem: string,
    readonly problemMark: Mark | null,
    readonly contextMark: Mark | null,
  ) {}
}

const ZERO: Mark = { index: 0, line: 0, column: 0 };
const RAW_SIZE = 512;
const MAX_FLOW_LEVEL = 10000;
const MAX_INDENTS = 10000;

const cp = (s: string) => s.charCodeAt(0);
const SP = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const NEL = 0x85;
const LS = 0x2028;
const PS = 0x2029;

const isBreakC = (c: number) => c === CR || c === LF || c === NEL || c === LS || c === PS;
const isBlankC = (c: number) => c === SP || c === TAB;
const isBreakzC = (c: number) => isBreakC(c) || c === 0;
const isBlankzC = (c: number) => isBlankC(c) || isBreakzC(c);
const isAlphaC = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2d;
const isDigitC = (c: number) => c >= 0x30 && c <= 0x39;
const isHexC = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46) || (c >= 0x61 && c <= 0x66);
const asHex = (c: number) => (c >= 0x41 && c <= 0x46 ? c - 0x41 + 10 : c >= 0x61 && c <= 0x66 ? c - 0x61 + 10 : c - 0x30);
const chr = (c: number) => String.fromCodePoint(c);

const TAG_URI_CHARS = new Set(";/?:@&=+$,.!~*'()[]%".split('').map(cp));
const ANCHOR_END = new Set('?:,]}%@`'.split('').map(cp));
const PLAIN_START_REFUSED = new Set("-?:,[]{}#&*!|>'\"%@`".split('').map(cp));

const SIMPLE_ESCAPES = new Map<number, string>([
  [cp('0'), '\0'], [cp('a'), '\x07'], [cp('b'), '\x08'], [cp('t'), '\t'], [TAB, '\t'], [cp('n'), '\n'], [cp('v'), '\x0b'],
  [cp('f'), '\x0c'], [cp('r'), '\r'], [cp('e'), '\x1b'], [SP, ' '], [cp('"'), '"'], [cp("'"), "'"], [cp('\\'), '\\'],
  [cp('N'), '\u0085'], [cp('_'), '\u00a0'], [cp('L'), '\u2028'], [cp('P'), '\u2029'],
]);

function newToken(typ: T, start: Mark, end: Mark): Token {
  return { typ, start, end, value: '', suffix: '', prefix: '', style: Style.Any, major: 0, minor: 0 };
}

class YamlParser {
  // ---- reader (readerc.go) ----
  private readonly input: Uint8Array;
  private inputPos = 0;
  private rawStart = 0; // input index of raw_buffer[0]
  private rawLen = 0;
  private rawPos = 0;
  private eof = false;
  private encoding: 0 | 8 | 16 | 61 = 0; // any, UTF-8, UTF-16LE, UTF-16BE
  private offset = 0;
  private readonly buf: number[] = [];
  private pos = 0;
  /** Index in buf of libyaml's buffer[0]: update_buffer moves the unread characters there (see scanToNextToken). */
  private bufHead = 0;
  private unread = 0;

  // ---- scanner ----
  private mark: Mark = { index: 0, line: 0, column: 0 };
  private streamStartProduced = false;
  private streamEndProduced = false;
  private flowLevel = 0;
  private tokens: Token[] = [];
  private tokensHead = 0;
  private tokensParsed = 0;
  private tokenAvailable = false;
  private indent = 0;
  private indents: number[] = [];
  private simpleKeyAllowed = false;
  private simpleKeys: SimpleKey[] = [];
  private simpleKeysByTok = new Map<number, number>();

  // ---- parser ----
  private state: S = S.StreamStart;
  private states: S[] = [];
  private marks: Mark[] = [];
  private tagDirectives: { handle: string; prefix: string }[] = [];

  constructor(input: Uint8Array) {
    this.input = input.length === 0 ? new Uint8Array([LF]) : input;
  }

  // ================= reader =================

  private readerError(problem: string): never {
    throw new Failure('reader', problem, null, null);
  }

  private updateRawBuffer(): void {
    if (this.rawPos === 0 && this.rawLen === RAW_SIZE) return;
    if (this.eof) return;
    this.rawStart += this.rawPos;
    this.rawLen -= this.rawPos;
    this.rawPos = 0;
    if (this.inputPos === this.input.length) {
      this.eof = true;
      return;
    }
    const n = Math.min(RAW_SIZE - this.rawLen, this.input.length - this.inputPos);
    this.inputPos += n;
    this.rawLen += n;
  }

  private raw(k: number): number {
    return this.input[this.rawStart + this.rawPos + k]!;
  }

  private determineEncoding(): void {
    while (!this.eof && this.rawLen - this.rawPos < 3) this.updateRawBuffer();
    const avail = this.rawLen - this.rawPos;
    if (avail >= 2 && this.raw(0) === 0xff && this.raw(1) === 0xfe) {
      this.encoding = 16;
      this.rawPos += 2;
      this.offset += 2;
    } else if (avail >= 2 && this.raw(0) === 0xfe && this.raw(1) === 0xff) {
      this.encoding = 61;
      this.rawPos += 2;
      this.offset += 2;
    } else if (avail >= 3 && this.raw(0) === 0xef && this.raw(1) === 0xbb && this.raw(2) === 0xbf) {
      this.encoding = 8;
      this.rawPos += 3;
      this.offset += 3;
    } else this.encoding = 8;
  }

  private updateBuffer(length: number): void {
    if (this.unread >= length) return;
    if (this.encoding === 0) this.determineEncoding();
    this.bufHead = this.pos; // yaml_parser_update_buffer moves the unread characters to the buffer's start
    let first = true;
    while (this.unread < length) {
      if (!first || this.rawPos === this.rawLen) this.updateRawBuffer();
      first = false;
      inner: while (this.rawPos !== this.rawLen) {
        let value: number;
        let width: number;
        const rawUnread = this.rawLen - this.rawPos;
        if (this.encoding === 8) {
          let octet = this.raw(0);
          if ((octet & 0x80) === 0) width = 1;
          else if ((octet & 0xe0) === 0xc0) width = 2;
          else if ((octet & 0xf0) === 0xe0) width = 3;
          else if ((octet & 0xf8) === 0xf0) width = 4;
          else return this.readerError('invalid leading UTF-8 octet');
          if (width > rawUnread) {
            if (this.eof) return this.readerError('incomplete UTF-8 octet sequence');
            break inner;
          }
          value = width === 1 ? octet & 0x7f : width === 2 ? octet & 0x1f : width === 3 ? octet & 0x0f : octet & 0x07;
          for (let k = 1; k < width; k++) {
            octet = this.raw(k);
            if ((octet & 0xc0) !== 0x80) return this.readerError('invalid trailing UTF-8 octet');
            value = (value << 6) + (octet & 0x3f);
          }
          if (!(width === 1 || (width === 2 && value >= 0x80) || (width === 3 && value >= 0x800) || (width === 4 && value >= 0x10000))) {
            return this.readerError('invalid length of a UTF-8 sequence');
          }
          if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) return this.readerError('invalid Unicode character');
        } else {
          const [low, high] = this.encoding === 16 ? [0, 1] : [1, 0];
          if (rawUnread < 2) {
            if (this.eof) return this.readerError('incomplete UTF-16 character');
            break inner;
          }
          value = this.raw(low) + (this.raw(high) << 8);
          if ((value & 0xfc00) === 0xdc00) return this.readerError('unexpected low surrogate area');
          if ((value & 0xfc00) === 0xd800) {
            width = 4;
            if (rawUnread < 4) {
              if (this.eof) return this.readerError('incomplete UTF-16 surrogate pair');
              break inner;
            }
            const value2 = this.raw(low + 2) + (this.raw(high + 2) << 8);
            if ((value2 & 0xfc00) !== 0xdc00) return this.readerError('expected low surrogate area');
            value = 0x10000 + ((value & 0x3ff) << 10) + (value2 & 0x3ff);
          } else width = 2;
        }
        if (!(value === 0x09 || value === 0x0a || value === 0x0d || (value >= 0x20 && value <= 0x7e) || value === 0x85
          || (value >= 0xa0 && value <= 0xd7ff) || (value >= 0xe000 && value <= 0xfffd) || (value >= 0x10000 && value <= 0x10ffff))) {
          return this.readerError('control characters are not allowed');
        }
        this.rawPos += width;
        this.offset += width;
        this.buf.push(value);
        this.unread++;
      }
      if (this.eof) {
        // libyaml's terminating NUL; reads past the buffer see NULs as well (at()).
        this.unread++;
        break;
      }
    }
  }

  private cache(n: number): void {
    if (this.unread < n) this.updateBuffer(n);
  }

  private at(k = 0): number {
    return this.buf[this.pos + k] ?? 0;
  }

  // ================= scanner helpers =================

  private skip(): void {
    this.mark.index++;
    this.mark.column++;
    this.unread--;
    this.pos++;
  }

  private skipLine(): void {
    if (this.at() === CR && this.at(1) === LF) {
      this.mark.index += 2;
      this.mark.column = 0;
      this.mark.line++;
      this.unread -= 2;
      this.pos += 2;
    } else if (isBreakC(this.at())) {
      this.mark.index++;
      this.mark.column = 0;
      this.mark.line++;
      this.unread--;
      this.pos++;
    }
  }

  private read(): string {
    const c = this.at();
    this.pos++;
    this.mark.index++;
    this.mark.column++;
    this.unread--;
    return chr(c);
  }

  /** read_line: CR LF, CR, LF and NEL become a line feed; LS and PS are kept. */
  private readLine(): string {
    const c = this.at();
    let out: string;
    if (c === CR && this.at(1) === LF) {
      out = '\n';
      this.pos += 2;
      this.mark.index++;
      this.unread--;
    } else if (c === CR || c === LF || c === NEL) {
      out = '\n';
      this.pos++;
    } else if (c === LS || c === PS) {
      out = chr(c);
      this.pos++;
    } else return '';
    this.mark.index++;
    this.mark.column = 0;
    this.mark.line++;
    this.unread--;
    return out;
  }

  private copyMark(): Mark {
    return { index: this.mark.index, line: this.mark.line, column: this.mark.column };
  }

  private scannerError(context: string, contextMark: Mark, problem: string): never {
    void context;
    throw new Failure('scanner', problem, this.copyMark(), contextMark);
  }

  private insertToken(pos: number, token: Token): void {
    if (pos < 0) this.tokens.push(token);
    else this.tokens.splice(this.tokensHead + pos, 0, token);
  }

  // ================= scanner =================

  private fetchMoreTokens(): void {
    for (;;) {
      if (this.tokensHead !== this.tokens.length) {
        const idx = this.simpleKeysByTok.get(this.tokensParsed);
        if (idx === undefined) break;
        if (!this.simpleKeyIsValid(this.simpleKeys[idx]!)) break;
      }
      this.fetchNextToken();
    }
    this.tokenAvailable = true;
  }

  private fetchNextToken(): void {
    this.cache(1);
    if (!this.streamStartProduced) return this.fetchStreamStart();
    this.scanToNextToken();
    this.unrollIndent(this.mark.column);
    this.cache(4);
    const c = this.at();
    if (c === 0) return this.fetchStreamEnd();
    if (this.mark.column === 0 && c === cp('%')) return this.fetchDirective();
    if (this.mark.column === 0 && c === cp('-') && this.at(1) === cp('-') && this.at(2) === cp('-') && isBlankzC(this.at(3))) {
      return this.fetchDocumentIndicator(T.DocumentStart);
    }
    if (this.mark.column === 0 && c === cp('.') && this.at(1) === cp('.') && this.at(2) === cp('.') && isBlankzC(this.at(3))) {
      return this.fetchDocumentIndicator(T.DocumentEnd);
    }
    if (c === cp('[')) return this.fetchFlowCollectionStart(T.FlowSequenceStart);
    if (c === cp('{')) return this.fetchFlowCollectionStart(T.FlowMappingStart);
    if (c === cp(']')) return this.fetchFlowCollectionEnd(T.FlowSequenceEnd);
    if (c === cp('}')) return this.fetchFlowCollectionEnd(T.FlowMappingEnd);
    if (c === cp(',')) return this.fetchFlowEntry();
    if (c === cp('-') && isBlankzC(this.at(1))) return this.fetchBlockEntry();
    if (c === cp('?') && (this.flowLevel > 0 || isBlankzC(this.at(1)))) return this.fetchKey();
    if (c === cp(':') && (this.flowLevel > 0 || isBlankzC(this.at(1)))) return this.fetchValue();
    if (c === cp('*')) return this.fetchAnchor(T.Alias);
    if (c === cp('&')) return this.fetchAnchor(T.Anchor);
    if (c === cp('!')) return this.fetchTag();
    if (c === cp('|') && this.flowLevel === 0) return this.fetchBlockScalar(true);
    if (c === cp('>') && this.flowLevel === 0) return this.fetchBlockScalar(false);
    if (c === cp("'")) return this.fetchFlowScalar(true);
    if (c === cp('"')) return this.fetchFlowScalar(false);
    if (!(isBlankzC(c) || PLAIN_START_REFUSED.has(c))
      || (c === cp('-') && !isBlankC(this.at(1)))
      || (this.flowLevel === 0 && (c === cp('?') || c === cp(':')) && !isBlankzC(this.at(1)))) {
      return this.fetchPlainScalar();
    }
    this.scannerError('while scanning for the next token', this.copyMark(), 'found character that cannot start any token');
  }

  private simpleKeyIsValid(key: SimpleKey): boolean {
    if (!key.possible) return false;
    if (key.mark.line < this.mark.line || key.mark.index + 1024 < this.mark.index) {
      if (key.required) this.scannerError('while scanning a simple key', key.mark, "could not find expected ':'");
      key.possible = false;
      return false;
    }
    return true;
  }

  private saveSimpleKey(): void {
    const required = this.flowLevel === 0 && this.indent === this.mark.column;
    if (this.simpleKeyAllowed) {
      const key: SimpleKey = { possible: true, required, tokenNumber: this.tokensParsed + (this.tokens.length - this.tokensHead), mark: this.copyMark() };
      this.removeSimpleKey();
      this.simpleKeys[this.simpleKeys.length - 1] = key;
      this.simpleKeysByTok.set(key.tokenNumber, this.simpleKeys.length - 1);
    }
  }

  private removeSimpleKey(): void {
    const key = this.simpleKeys[this.simpleKeys.length - 1]!;
    if (key.possible) {
      if (key.required) this.scannerError('while scanning a simple key', key.mark, "could not find expected ':'");
      key.possible = false;
      this.simpleKeysByTok.delete(key.tokenNumber);
    }
  }

  private increaseFlowLevel(): void {
    this.simpleKeys.push({ possible: false, required: false, tokenNumber: this.tokensParsed + (this.tokens.length - this.tokensHead), mark: this.copyMark() });
    this.flowLevel++;
    if (this.flowLevel > MAX_FLOW_LEVEL) {
      this.scannerError('while increasing flow level', this.simpleKeys[this.simpleKeys.length - 1]!.mark, `exceeded max depth of ${MAX_FLOW_LEVEL}`);
    }
  }

  private decreaseFlowLevel(): void {
    if (this.flowLevel > 0) {
      this.flowLevel--;
      const last = this.simpleKeys.pop()!;
      this.simpleKeysByTok.delete(last.tokenNumber);
    }
  }

  private rollIndent(column: number, number: number, typ: T, mark: Mark): void {
    if (this.flowLevel > 0) return;
    if (this.indent < column) {
      this.indents.push(this.indent);
      this.indent = column;
      if (this.indents.length > MAX_INDENTS) {
        this.scannerError('while increasing indent level', this.simpleKeys[this.simpleKeys.length - 1]!.mark, `exceeded max depth of ${MAX_INDENTS}`);
      }
      const token = newToken(typ, mark, mark);
      if (number > -1) number -= this.tokensParsed;
      this.insertToken(number, token);
    }
  }

  private unrollIndent(column: number): void {
    if (this.flowLevel > 0) return;
    while (this.indent > column) {
      this.insertToken(-1, newToken(T.BlockEnd, this.copyMark(), this.copyMark()));
      this.indent = this.indents.pop()!;
    }
  }

  private fetchStreamStart(): void {
    this.indent = -1;
    this.simpleKeys.push({ possible: false, required: false, tokenNumber: 0, mark: ZERO });
    this.simpleKeysByTok = new Map();
    this.simpleKeyAllowed = true;
    this.streamStartProduced = true;
    this.insertToken(-1, newToken(T.StreamStart, this.copyMark(), this.copyMark()));
  }

  private fetchStreamEnd(): void {
    if (this.mark.column !== 0) {
      this.mark.column = 0;
      this.mark.line++;
    }
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, newToken(T.StreamEnd, this.copyMark(), this.copyMark()));
  }

  private fetchDirective(): void {
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanDirective());
  }

  private fetchDocumentIndicator(typ: T): void {
    this.unrollIndent(-1);
    this.removeSimpleKey();
    this.simpleKeyAllowed = false;
    const start = this.copyMark();
    this.skip();
    this.skip();
    this.skip();
    this.insertToken(-1, newToken(typ, start, this.copyMark()));
  }

  private fetchFlowCollectionStart(typ: T): void {
    this.saveSimpleKey();
    this.increaseFlowLevel();
    this.simpleKeyAllowed = true;
    const start = this.copyMark();
    this.skip();
    this.insertToken(-1, newToken(typ, start, this.copyMark()));
  }

  private fetchFlowCollectionEnd(typ: T): void {
    this.removeSimpleKey();
    this.decreaseFlowLevel();
    this.simpleKeyAllowed = false;
    const start = this.copyMark();
    this.skip();
    this.insertToken(-1, newToken(typ, start, this.copyMark()));
  }

  private fetchFlowEntry(): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    const start = this.copyMark();
    this.skip();
    this.insertToken(-1, newToken(T.FlowEntry, start, this.copyMark()));
  }

  private fetchBlockEntry(): void {
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) this.scannerError('', this.copyMark(), 'block sequence entries are not allowed in this context');
      this.rollIndent(this.mark.column, -1, T.BlockSequenceStart, this.copyMark());
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    const start = this.copyMark();
    this.skip();
    this.insertToken(-1, newToken(T.BlockEntry, start, this.copyMark()));
  }

  private fetchKey(): void {
    if (this.flowLevel === 0) {
      if (!this.simpleKeyAllowed) this.scannerError('', this.copyMark(), 'mapping keys are not allowed in this context');
      this.rollIndent(this.mark.column, -1, T.BlockMappingStart, this.copyMark());
    }
    this.removeSimpleKey();
    this.simpleKeyAllowed = this.flowLevel === 0;
    const start = this.copyMark();
    this.skip();
    this.insertToken(-1, newToken(T.Key, start, this.copyMark()));
  }

  private fetchValue(): void {
    const key = this.simpleKeys[this.simpleKeys.length - 1]!;
    if (this.simpleKeyIsValid(key)) {
      this.insertToken(key.tokenNumber - this.tokensParsed, newToken(T.Key, key.mark, key.mark));
      this.rollIndent(key.mark.column, key.tokenNumber, T.BlockMappingStart, key.mark);
      key.possible = false;
      this.simpleKeysByTok.delete(key.tokenNumber);
      this.simpleKeyAllowed = false;
    } else {
      if (this.flowLevel === 0) {
        if (!this.simpleKeyAllowed) this.scannerError('', this.copyMark(), 'mapping values are not allowed in this context');
        this.rollIndent(this.mark.column, -1, T.BlockMappingStart, this.copyMark());
      }
      this.simpleKeyAllowed = this.flowLevel === 0;
    }
    const start = this.copyMark();
    this.skip();
    this.insertToken(-1, newToken(T.Value, start, this.copyMark()));
  }

  private fetchAnchor(typ: T): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanAnchor(typ));
  }

  private fetchTag(): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanTag());
  }

  private fetchBlockScalar(literal: boolean): void {
    this.removeSimpleKey();
    this.simpleKeyAllowed = true;
    this.insertToken(-1, this.scanBlockScalar(literal));
  }

  private fetchFlowScalar(single: boolean): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanFlowScalar(single));
  }

  private fetchPlainScalar(): void {
    this.saveSimpleKey();
    this.simpleKeyAllowed = false;
    this.insertToken(-1, this.scanPlainScalar());
  }

  private scanToNextToken(): void {
    for (;;) {
      this.cache(1);
      // goyaml v2's is_bom(parser.buffer, parser.buffer_pos) looks at buffer[0..2], not at the position: at
      // column 0 it skips whatever character comes when the buffer starts with U+FEFF (the reader dropped a
      // leading BOM already), so a U+FEFF elsewhere is an ordinary character.
      if (this.mark.column === 0 && this.buf[this.bufHead] === 0xfeff) this.skip();
      this.cache(1);
      while (this.at() === SP || ((this.flowLevel > 0 || !this.simpleKeyAllowed) && this.at() === TAB)) {
        this.skip();
        this.cache(1);
      }
      if (this.at() === cp('#')) {
        while (!isBreakzC(this.at())) {
          this.skip();
          this.cache(1);
        }
      }
      if (isBreakC(this.at())) {
        this.cache(2);
        this.skipLine();
        if (this.flowLevel === 0) this.simpleKeyAllowed = true;
      } else break;
    }
  }

  private skipBlanksAndComment(): void {
    this.cache(1);
    while (isBlankC(this.at())) {
      this.skip();
      this.cache(1);
    }
    if (this.at() === cp('#')) {
      while (!isBreakzC(this.at())) {
        this.skip();
        this.cache(1);
      }
    }
  }

  private scanDirective(): Token {
    const start = this.copyMark();
    this.skip();
    const name = this.scanDirectiveName(start);
    let token: Token;
    if (name === 'YAML') {
      const [major, minor] = this.scanVersionDirectiveValue(start);
      token = newToken(T.VersionDirective, start, this.copyMark());
      token.major = major;
      token.minor = minor;
    } else if (name === 'TAG') {
      const [handle, prefix] = this.scanTagDirectiveValue(start);
      token = newToken(T.TagDirective, start, this.copyMark());
      token.value = handle;
      token.prefix = prefix;
    } else {
      return this.scannerError('while scanning a directive', start, 'found unknown directive name');
    }
    this.skipBlanksAndComment();
    if (!isBreakzC(this.at())) this.scannerError('while scanning a directive', start, 'did not find expected comment or line break');
    if (isBreakC(this.at())) {
      this.cache(2);
      this.skipLine();
    }
    return token;
  }

  private scanDirectiveName(start: Mark): string {
    this.cache(1);
    let s = '';
    while (isAlphaC(this.at())) {
      s += this.read();
      this.cache(1);
    }
    if (s === '') this.scannerError('while scanning a directive', start, 'could not find expected directive name');
    if (!isBlankzC(this.at())) this.scannerError('while scanning a directive', start, 'found unexpected non-alphabetical character');
    return s;
  }

  private scanVersionDirectiveValue(start: Mark): [number, number] {
    this.cache(1);
    while (isBlankC(this.at())) {
      this.skip();
      this.cache(1);
    }
    const major = this.scanVersionDirectiveNumber(start);
    if (this.at() !== cp('.')) this.scannerError('while scanning a %YAML directive', start, "did not find expected digit or '.' character");
    this.skip();
    const minor = this.scanVersionDirectiveNumber(start);
    return [major, minor];
  }

  private scanVersionDirectiveNumber(start: Mark): number {
    this.cache(1);
    let value = 0;
    let length = 0;
    while (isDigitC(this.at())) {
      length++;
      if (length > 2) this.scannerError('while scanning a %YAML directive', start, 'found extremely long version number');
      value = value * 10 + (this.at() - 0x30);
      this.skip();
      this.cache(1);
    }
    if (length === 0) this.scannerError('while scanning a %YAML directive', start, 'did not find expected version number');
    return value;
  }

  private scanTagDirectiveValue(start: Mark): [string, string] {
    this.cache(1);
    while (isBlankC(this.at())) {
      this.skip();
      this.cache(1);
    }
    const handle = this.scanTagHandle(true, start);
    this.cache(1);
    if (!isBlankC(this.at())) this.scannerError('while scanning a %TAG directive', start, 'did not find expected whitespace');
    while (isBlankC(this.at())) {
      this.skip();
      this.cache(1);
    }
    const prefix = this.scanTagUri(true, '', start);
    this.cache(1);
    if (!isBlankzC(this.at())) this.scannerError('while scanning a %TAG directive', start, 'did not find expected whitespace or line break');
    return [handle, prefix];
  }

  private scanAnchor(typ: T): Token {
    const start = this.copyMark();
    this.skip();
    this.cache(1);
    let s = '';
    while (isAlphaC(this.at())) {
      s += this.read();
      this.cache(1);
    }
    const end = this.copyMark();
    if (s === '' || !(isBlankzC(this.at()) || ANCHOR_END.has(this.at()))) {
      this.scannerError(typ === T.Anchor ? 'while scanning an anchor' : 'while scanning an alias', start, 'did not find expected alphabetic or numeric character');
    }
    const token = newToken(typ, start, end);
    token.value = s;
    return token;
  }

  private scanTag(): Token {
    const start = this.copyMark();
    let handle: string;
    let suffix: string;
    this.cache(2);
    if (this.at(1) === cp('<')) {
      handle = '';
      this.skip();
      this.skip();
      suffix = this.scanTagUri(false, '', start);
      if (this.at() !== cp('>')) this.scannerError('while scanning a tag', start, "did not find the expected '>'");
      this.skip();
    } else {
      handle = this.scanTagHandle(false, start);
      if (handle[0] === '!' && handle.length > 1 && handle[handle.length - 1] === '!') {
        suffix = this.scanTagUri(false, '', start);
      } else {
        suffix = this.scanTagUri(false, handle, start);
        handle = '!';
        if (suffix === '') [handle, suffix] = [suffix, handle];
      }
    }
    this.cache(1);
    if (!isBlankzC(this.at())) this.scannerError('while scanning a tag', start, 'did not find expected whitespace or line break');
    const token = newToken(T.Tag, start, this.copyMark());
    token.value = handle;
    token.suffix = suffix;
    return token;
  }

  private scanTagHandle(directive: boolean, start: Mark): string {
    const ctx = directive ? 'while parsing a %TAG directive' : 'while parsing a tag';
    this.cache(1);
    if (this.at() !== cp('!')) this.scannerError(ctx, start, "did not find expected '!'");
    let s = this.read();
    this.cache(1);
    while (isAlphaC(this.at())) {
      s += this.read();
      this.cache(1);
    }
    if (this.at() === cp('!')) s += this.read();
    else if (directive && s !== '!') this.scannerError(ctx, start, "did not find expected '!'");
    return s;
  }

  private scanTagUri(directive: boolean, head: string, start: Mark): string {
    const ctx = directive ? 'while parsing a %TAG directive' : 'while parsing a tag';
    // The URI is bytes (%-escapes make any octet); collected as UTF-8 and decoded at the end.
    const bytes: number[] = [...Buffer.from(head.length > 1 ? head.slice(1) : '', 'utf8')];
    let hasTag = head.length > 0;
    this.cache(1);
    while (isAlphaC(this.at()) || TAG_URI_CHARS.has(this.at())) {
      if (this.at() === cp('%')) {
        let w = 1024;
        while (w > 0) {
          this.cache(3);
          if (!(this.at() === cp('%') && isHexC(this.at(1)) && isHexC(this.at(2)))) this.scannerError(ctx, start, 'did not find URI escaped octet');
          const octet = (asHex(this.at(1)) << 4) + asHex(this.at(2));
          if (w === 1024) {
            w = (octet & 0x80) === 0 ? 1 : (octet & 0xe0) === 0xc0 ? 2 : (octet & 0xf0) === 0xe0 ? 3 : (octet & 0xf8) === 0xf0 ? 4 : 0;
            if (w === 0) this.scannerError(ctx, start, 'found an incorrect leading UTF-8 octet');
          } else if ((octet & 0xc0) !== 0x80) this.scannerError(ctx, start, 'found an incorrect trailing UTF-8 octet');
          bytes.push(octet);
          this.skip();
          this.skip();
          this.skip();
          w--;
        }
      } else bytes.push(...Buffer.from(this.read(), 'utf8'));
      this.cache(1);
      hasTag = true;
    }
    if (!hasTag) this.scannerError(ctx, start, 'did not find expected tag URI');
    return Buffer.from(bytes).toString('utf8');
  }

  private scanBlockScalar(literal: boolean): Token {
    const start = this.copyMark();
    this.skip();
    this.cache(1);
    let chomping = 0;
    let increment = 0;
    if (this.at() === cp('+') || this.at() === cp('-')) {
      chomping = this.at() === cp('+') ? 1 : -1;
      this.skip();
      this.cache(1);
      if (isDigitC(this.at())) {
        if (this.at() === cp('0')) this.scannerError('while scanning a block scalar', start, 'found an indentation indicator equal to 0');
        increment = this.at() - 0x30;
        this.skip();
      }
    } else if (isDigitC(this.at())) {
      if (this.at() === cp('0')) this.scannerError('while scanning a block scalar', start, 'found an indentation indicator equal to 0');
      increment = this.at() - 0x30;
      this.skip();
      this.cache(1);
      if (this.at() === cp('+') || this.at() === cp('-')) {
        chomping = this.at() === cp('+') ? 1 : -1;
        this.skip();
      }
    }
    this.skipBlanksAndComment();
    if (!isBreakzC(this.at())) this.scannerError('while scanning a block scalar', start, 'did not find expected comment or line break');
    if (isBreakC(this.at())) {
      this.cache(2);
      this.skipLine();
    }
    let end = this.copyMark();
    let indent = 0;
    if (increment > 0) indent = this.indent >= 0 ? this.indent + increment : increment;
    let s = '';
    let leadingBreak = '';
    const r = this.scanBlockScalarBreaks(indent, start);
    indent = r.indent;
    let trailingBreaks = r.breaks;
    end = r.end;
    this.cache(1);
    let leadingBlank = false;
    let trailingBlank = false;
    while (this.mark.column === indent && this.at() !== 0) {
      trailingBlank = isBlankC(this.at());
      if (!literal && !leadingBlank && !trailingBlank && leadingBreak.length > 0 && leadingBreak[0] === '\n') {
        if (trailingBreaks.length === 0) s += ' ';
      } else s += leadingBreak;
      leadingBreak = '';
      s += trailingBreaks;
      trailingBreaks = '';
      leadingBlank = isBlankC(this.at());
      while (!isBreakzC(this.at())) {
        s += this.read();
        this.cache(1);
      }
      this.cache(2);
      leadingBreak = this.readLine();
      const rr = this.scanBlockScalarBreaks(indent, start);
      indent = rr.indent;
      trailingBreaks = rr.breaks;
      end = rr.end;
    }
    if (chomping !== -1) s += leadingBreak;
    if (chomping === 1) s += trailingBreaks;
    const token = newToken(T.Scalar, start, end);
    token.value = s;
    token.style = literal ? Style.Literal : Style.Folded;
    return token;
  }

  private scanBlockScalarBreaks(indent: number, start: Mark): { indent: number; breaks: string; end: Mark } {
    let end = this.copyMark();
    let breaks = '';
    let maxIndent = 0;
    for (;;) {
      this.cache(1);
      while ((indent === 0 || this.mark.column < indent) && this.at() === SP) {
        this.skip();
        this.cache(1);
      }
      if (this.mark.column > maxIndent) maxIndent = this.mark.column;
      if ((indent === 0 || this.mark.column < indent) && this.at() === TAB) {
        this.scannerError('while scanning a block scalar', start, 'found a tab character where an indentation space is expected');
      }
      if (!isBreakC(this.at())) break;
      this.cache(2);
      breaks += this.readLine();
      end = this.copyMark();
    }
    if (indent === 0) {
      indent = maxIndent;
      if (indent < this.indent + 1) indent = this.indent + 1;
      if (indent < 1) indent = 1;
    }
    return { indent, breaks, end };
  }

  private isDocumentIndicator(): boolean {
    return this.mark.column === 0
      && ((this.at() === cp('-') && this.at(1) === cp('-') && this.at(2) === cp('-')) || (this.at() === cp('.') && this.at(1) === cp('.') && this.at(2) === cp('.')))
      && isBlankzC(this.at(3));
  }

  private scanFlowScalar(single: boolean): Token {
    const start = this.copyMark();
    this.skip();
    let s = '';
    let leadingBreak = '';
    let trailingBreaks = '';
    let whitespaces = '';
    for (;;) {
      this.cache(4);
      if (this.isDocumentIndicator()) this.scannerError('while scanning a quoted scalar', start, 'found unexpected document indicator');
      if (this.at() === 0) this.scannerError('while scanning a quoted scalar', start, 'found unexpected end of stream');
      let leadingBlanks = false;
      while (!isBlankzC(this.at())) {
        const c = this.at();
        if (single && c === cp("'") && this.at(1) === cp("'")) {
          s += "'";
          this.skip();
          this.skip();
        } else if (single && c === cp("'")) break;
        else if (!single && c === cp('"')) break;
        else if (!single && c === cp('\\') && isBreakC(this.at(1))) {
          this.cache(3);
          this.skip();
          this.skipLine();
          leadingBlanks = true;
          break;
        } else if (!single && c === cp('\\')) {
          const e = this.at(1);
          let codeLength = 0;
          if (e === cp('x')) codeLength = 2;
          else if (e === cp('u')) codeLength = 4;
          else if (e === cp('U')) codeLength = 8;
          else {
            const v = SIMPLE_ESCAPES.get(e);
            if (v === undefined) this.scannerError('while parsing a quoted scalar', start, 'found unknown escape character');
            s += v;
          }
          this.skip();
          this.skip();
          if (codeLength > 0) {
            this.cache(codeLength);
            let value = 0;
            for (let k = 0; k < codeLength; k++) {
              if (!isHexC(this.at(k))) this.scannerError('while parsing a quoted scalar', start, 'did not find expected hexdecimal number');
              value = value * 16 + asHex(this.at(k));
            }
            if ((value >= 0xd800 && value <= 0xdfff) || value > 0x10ffff) {
              this.scannerError('while parsing a quoted scalar', start, 'found invalid Unicode character escape code');
            }
            s += chr(value);
            for (let k = 0; k < codeLength; k++) this.skip();
          }
        } else s += this.read();
        this.cache(2);
      }
      this.cache(1);
      if (this.at() === (single ? cp("'") : cp('"'))) break;
      while (isBlankC(this.at()) || isBreakC(this.at())) {
        if (isBlankC(this.at())) {
          if (!leadingBlanks) whitespaces += this.read();
          else this.skip();
        } else {
          this.cache(2);
          if (!leadingBlanks) {
            whitespaces = '';
            leadingBreak += this.readLine();
            leadingBlanks = true;
          } else trailingBreaks += this.readLine();
        }
        this.cache(1);
      }
      if (leadingBlanks) {
        if (leadingBreak.length > 0 && leadingBreak[0] === '\n') s += trailingBreaks.length === 0 ? ' ' : trailingBreaks;
        else s += leadingBreak + trailingBreaks;
        trailingBreaks = '';
        leadingBreak = '';
      } else {
        s += whitespaces;
        whitespaces = '';
      }
    }
    this.skip();
    const token = newToken(T.Scalar, start, this.copyMark());
    token.value = s;
    token.style = single ? Style.Single : Style.Double;
    return token;
  }

  private scanPlainScalar(): Token {
    let s = '';
    let leadingBreak = '';
    let trailingBreaks = '';
    let whitespaces = '';
    let leadingBlanks = false;
    const indent = this.indent + 1;
    const start = this.copyMark();
    let end = this.copyMark();
    for (;;) {
      this.cache(4);
      if (this.isDocumentIndicator()) break;
      if (this.at() === cp('#')) break;
      while (!isBlankzC(this.at())) {
        const c = this.at();
        if ((c === cp(':') && isBlankzC(this.at(1)))
          || (this.flowLevel > 0 && (c === cp(',') || c === cp('?') || c === cp('[') || c === cp(']') || c === cp('{') || c === cp('}')))) break;
        if (leadingBlanks || whitespaces.length > 0) {
          if (leadingBlanks) {
            if (leadingBreak[0] === '\n') s += trailingBreaks.length === 0 ? ' ' : trailingBreaks;
            else s += leadingBreak + trailingBreaks;
            trailingBreaks = '';
            leadingBreak = '';
            leadingBlanks = false;
          } else {
            s += whitespaces;
            whitespaces = '';
          }
        }
        s += this.read();
        end = this.copyMark();
        this.cache(2);
      }
      if (!(isBlankC(this.at()) || isBreakC(this.at()))) break;
      this.cache(1);
      while (isBlankC(this.at()) || isBreakC(this.at())) {
        if (isBlankC(this.at())) {
          if (leadingBlanks && this.mark.column < indent && this.at() === TAB) {
            this.scannerError('while scanning a plain scalar', start, 'found a tab character that violates indentation');
          }
          if (!leadingBlanks) whitespaces += this.read();
          else this.skip();
        } else {
          this.cache(2);
          if (!leadingBlanks) {
            whitespaces = '';
            leadingBreak = this.readLine();
            leadingBlanks = true;
          } else trailingBreaks += this.readLine();
        }
        this.cache(1);
      }
      if (this.flowLevel === 0 && this.mark.column < indent) break;
    }
    const token = newToken(T.Scalar, start, end);
    token.value = s;
    token.style = Style.Plain;
    if (leadingBlanks) this.simpleKeyAllowed = true;
    return token;
  }

  // ================= parser (parserc.go) =================

  private peekToken(): Token {
    if (!this.tokenAvailable) this.fetchMoreTokens();
    return this.tokens[this.tokensHead]!;
  }

  private skipToken(): void {
    this.tokenAvailable = false;
    this.tokensParsed++;
    this.streamEndProduced = this.tokens[this.tokensHead]!.typ === T.StreamEnd;
    this.tokensHead++;
    if (this.tokensHead > 64 && this.tokensHead * 2 > this.tokens.length) {
      this.tokens = this.tokens.slice(this.tokensHead);
      this.tokensHead = 0;
    }
  }

  private parserError(problem: string, problemMark: Mark, contextMark: Mark | null = null): never {
    throw new Failure('parser', problem, problemMark, contextMark);
  }

  private event(typ: E, start: Mark, end: Mark, extra: Partial<Event> = {}): Event {
    return { typ, start, end, anchor: null, tag: '', value: '', implicit: false, style: Style.Any, ...extra };
  }

  private popState(): void {
    this.state = this.states.pop()!;
  }

  /** yaml_parser_parse: the next event, or null once the stream has ended. */
  parse(): Event | null {
    if (this.streamEndProduced || this.state === S.End) return null;
    switch (this.state) {
      case S.StreamStart: return this.parseStreamStart();
      case S.ImplicitDocumentStart: return this.parseDocumentStart(true);
      case S.DocumentStart: return this.parseDocumentStart(false);
      case S.DocumentContent: return this.parseDocumentContent();
      case S.DocumentEnd: return this.parseDocumentEnd();
      case S.BlockNode: return this.parseNode(true, false);
      case S.BlockNodeOrIndentlessSequence: return this.parseNode(true, true);
      case S.FlowNode: return this.parseNode(false, false);
      case S.BlockSequenceFirstEntry: return this.parseBlockSequenceEntry(true);
      case S.BlockSequenceEntry: return this.parseBlockSequenceEntry(false);
      case S.IndentlessSequenceEntry: return this.parseIndentlessSequenceEntry();
      case S.BlockMappingFirstKey: return this.parseBlockMappingKey(true);
      case S.BlockMappingKey: return this.parseBlockMappingKey(false);
      case S.BlockMappingValue: return this.parseBlockMappingValue();
      case S.FlowSequenceFirstEntry: return this.parseFlowSequenceEntry(true);
      case S.FlowSequenceEntry: return this.parseFlowSequenceEntry(false);
      case S.FlowSequenceEntryMappingKey: return this.parseFlowSequenceEntryMappingKey();
      case S.FlowSequenceEntryMappingValue: return this.parseFlowSequenceEntryMappingValue();
      case S.FlowSequenceEntryMappingEnd: return this.parseFlowSequenceEntryMappingEnd();
      case S.FlowMappingFirstKey: return this.parseFlowMappingKey(true);
      case S.FlowMappingKey: return this.parseFlowMappingKey(false);
      case S.FlowMappingValue: return this.parseFlowMappingValue(false);
      case S.FlowMappingEmptyValue: return this.parseFlowMappingValue(true);
      default: throw new Error('invalid parser state');
    }
  }

  private parseStreamStart(): Event {
    const token = this.peekToken();
    if (token.typ !== T.StreamStart) this.parserError('did not find expected <stream-start>', token.start);
    this.state = S.ImplicitDocumentStart;
    this.skipToken();
    return this.event(E.StreamStart, token.start, token.end);
  }

  private parseDocumentStart(implicit: boolean): Event {
    let token = this.peekToken();
    if (!implicit) {
      while (token.typ === T.DocumentEnd) {
        this.skipToken();
        token = this.peekToken();
      }
    }
    if (implicit && token.typ !== T.VersionDirective && token.typ !== T.TagDirective && token.typ !== T.DocumentStart && token.typ !== T.StreamEnd) {
      this.processDirectives();
      this.states.push(S.DocumentEnd);
      this.state = S.BlockNode;
      return this.event(E.DocumentStart, token.start, token.end, { implicit: true });
    }
    if (token.typ !== T.StreamEnd) {
      const start = token.start;
      this.processDirectives();
      token = this.peekToken();
      if (token.typ !== T.DocumentStart) this.parserError('did not find expected <document start>', token.start);
      this.states.push(S.DocumentEnd);
      this.state = S.DocumentContent;
      const end = token.end;
      this.skipToken();
      return this.event(E.DocumentStart, start, end);
    }
    this.state = S.End;
    this.skipToken();
    return this.event(E.StreamEnd, token.start, token.end);
  }

  private parseDocumentContent(): Event {
    const token = this.peekToken();
    if (token.typ === T.VersionDirective || token.typ === T.TagDirective || token.typ === T.DocumentStart || token.typ === T.DocumentEnd || token.typ === T.StreamEnd) {
      this.popState();
      return this.emptyScalar(token.start);
    }
    return this.parseNode(true, false);
  }

  private parseDocumentEnd(): Event {
    const token = this.peekToken();
    const start = token.start;
    let end = token.start;
    let implicit = true;
    if (token.typ === T.DocumentEnd) {
      end = token.end;
      this.skipToken();
      implicit = false;
    }
    this.tagDirectives = [];
    this.state = S.DocumentStart;
    return this.event(E.DocumentEnd, start, end, { implicit });
  }

  private parseNode(block: boolean, indentlessSequence: boolean): Event {
    let token = this.peekToken();
    if (token.typ === T.Alias) {
      this.popState();
      this.skipToken();
      return this.event(E.Alias, token.start, token.end, { anchor: token.value });
    }
    let start = token.start;
    let end = token.start;
    let tagToken = false;
    let tagHandle = '';
    let tagSuffix = '';
    let anchor: string | null = null;
    let tagMark = ZERO;
    if (token.typ === T.Anchor) {
      anchor = token.value;
      start = token.start;
      end = token.end;
      this.skipToken();
      token = this.peekToken();
      if (token.typ === T.Tag) {
        tagToken = true;
        tagHandle = token.value;
        tagSuffix = token.suffix;
        tagMark = token.start;
        end = token.end;
        this.skipToken();
        token = this.peekToken();
      }
    } else if (token.typ === T.Tag) {
      tagToken = true;
      tagHandle = token.value;
      tagSuffix = token.suffix;
      start = token.start;
      tagMark = token.start;
      end = token.end;
      this.skipToken();
      token = this.peekToken();
      if (token.typ === T.Anchor) {
        anchor = token.value;
        end = token.end;
        this.skipToken();
        token = this.peekToken();
      }
    }
    let tag = '';
    if (tagToken) {
      if (tagHandle === '') tag = tagSuffix;
      else {
        const d = this.tagDirectives.find((t) => t.handle === tagHandle);
        if (d) tag = d.prefix + tagSuffix;
        if (tag === '') this.parserError('found undefined tag handle', tagMark, start);
      }
    }
    const implicit = tag === '';
    if (indentlessSequence && token.typ === T.BlockEntry) {
      end = token.end;
      this.state = S.IndentlessSequenceEntry;
      return this.event(E.SequenceStart, start, end, { anchor, tag, implicit });
    }
    if (token.typ === T.Scalar) {
      const plainImplicit = (tag === '' && token.style === Style.Plain) || tag === '!';
      end = token.end;
      this.popState();
      this.skipToken();
      return this.event(E.Scalar, start, end, { anchor, tag, value: token.value, implicit: plainImplicit, style: token.style });
    }
    if (token.typ === T.FlowSequenceStart) {
      this.state = S.FlowSequenceFirstEntry;
      return this.event(E.SequenceStart, start, token.end, { anchor, tag, implicit });
    }
    if (token.typ === T.FlowMappingStart) {
      this.state = S.FlowMappingFirstKey;
      return this.event(E.MappingStart, start, token.end, { anchor, tag, implicit });
    }
    if (block && token.typ === T.BlockSequenceStart) {
      this.state = S.BlockSequenceFirstEntry;
      return this.event(E.SequenceStart, start, token.end, { anchor, tag, implicit });
    }
    if (block && token.typ === T.BlockMappingStart) {
      this.state = S.BlockMappingFirstKey;
      return this.event(E.MappingStart, start, token.end, { anchor, tag, implicit });
    }
    if (anchor !== null || tag !== '') {
      // An anchor of length 0 cannot be scanned, so `anchor !== null` is libyaml's len(anchor) > 0.
      this.popState();
      return this.event(E.Scalar, start, end, { anchor, tag, implicit, style: Style.Plain });
    }
    return this.parserError('did not find expected node content', token.start, start);
  }

  private parseBlockSequenceEntry(first: boolean): Event {
    if (first) {
      this.marks.push(this.peekToken().start);
      this.skipToken();
    }
    let token = this.peekToken();
    if (token.typ === T.BlockEntry) {
      const mark = token.end;
      this.skipToken();
      token = this.peekToken();
      if (token.typ !== T.BlockEntry && token.typ !== T.BlockEnd) {
        this.states.push(S.BlockSequenceEntry);
        return this.parseNode(true, false);
      }
      this.state = S.BlockSequenceEntry;
      return this.emptyScalar(mark);
    }
    if (token.typ === T.BlockEnd) {
      this.popState();
      this.marks.pop();
      this.skipToken();
      return this.event(E.SequenceEnd, token.start, token.end);
    }
    const contextMark = this.marks.pop()!;
    return this.parserError("did not find expected '-' indicator", token.start, contextMark);
  }

  private parseIndentlessSequenceEntry(): Event {
    let token = this.peekToken();
    if (token.typ === T.BlockEntry) {
      const mark = token.end;
      this.skipToken();
      token = this.peekToken();
      if (token.typ !== T.BlockEntry && token.typ !== T.Key && token.typ !== T.Value && token.typ !== T.BlockEnd) {
        this.states.push(S.IndentlessSequenceEntry);
        return this.parseNode(true, false);
      }
      this.state = S.IndentlessSequenceEntry;
      return this.emptyScalar(mark);
    }
    this.popState();
    return this.event(E.SequenceEnd, token.start, token.start);
  }

  private parseBlockMappingKey(first: boolean): Event {
    if (first) {
      this.marks.push(this.peekToken().start);
      this.skipToken();
    }
    let token = this.peekToken();
    if (token.typ === T.Key) {
      const mark = token.end;
      this.skipToken();
      token = this.peekToken();
      if (token.typ !== T.Key && token.typ !== T.Value && token.typ !== T.BlockEnd) {
        this.states.push(S.BlockMappingValue);
        return this.parseNode(true, true);
      }
      this.state = S.BlockMappingValue;
      return this.emptyScalar(mark);
    }
    if (token.typ === T.BlockEnd) {
      this.popState();
      this.marks.pop();
      this.skipToken();
      return this.event(E.MappingEnd, token.start, token.end);
    }
    const contextMark = this.marks.pop()!;
    return this.parserError('did not find expected key', token.start, contextMark);
  }

  private parseBlockMappingValue(): Event {
    let token = this.peekToken();
    if (token.typ === T.Value) {
      const mark = token.end;
      this.skipToken();
      token = this.peekToken();
      if (token.typ !== T.Key && token.typ !== T.Value && token.typ !== T.BlockEnd) {
        this.states.push(S.BlockMappingKey);
        return this.parseNode(true, true);
      }
      this.state = S.BlockMappingKey;
      return this.emptyScalar(mark);
    }
    this.state = S.BlockMappingKey;
    return this.emptyScalar(token.start);
  }

  private parseFlowSequenceEntry(first: boolean): Event {
    if (first) {
      this.marks.push(this.peekToken().start);
      this.skipToken();
    }
    let token = this.peekToken();
    if (token.typ !== T.FlowSequenceEnd) {
      if (!first) {
        if (token.typ === T.FlowEntry) {
          this.skipToken();
          token = this.peekToken();
        } else {
          const contextMark = this.marks.pop()!;
          return this.parserError("did not find expected ',' or ']'", token.start, contextMark);
        }
      }
      if (token.typ === T.Key) {
        this.state = S.FlowSequenceEntryMappingKey;
        this.skipToken();
        return this.event(E.MappingStart, token.start, token.end, { implicit: true });
      }
      if (token.typ !== T.FlowSequenceEnd) {
        this.states.push(S.FlowSequenceEntry);
        return this.parseNode(false, false);
      }
    }
    this.popState();
    this.marks.pop();
    this.skipToken();
    return this.event(E.SequenceEnd, token.start, token.end);
  }

  private parseFlowSequenceEntryMappingKey(): Event {
    const token = this.peekToken();
    if (token.typ !== T.Value && token.typ !== T.FlowEntry && token.typ !== T.FlowSequenceEnd) {
      this.states.push(S.FlowSequenceEntryMappingValue);
      return this.parseNode(false, false);
    }
    const mark = token.end;
    this.skipToken();
    this.state = S.FlowSequenceEntryMappingValue;
    return this.emptyScalar(mark);
  }

  private parseFlowSequenceEntryMappingValue(): Event {
    const token = this.peekToken();
    if (token.typ === T.Value) {
      this.skipToken();
      const next = this.peekToken();
      if (next.typ !== T.FlowEntry && next.typ !== T.FlowSequenceEnd) {
        this.states.push(S.FlowSequenceEntryMappingEnd);
        return this.parseNode(false, false);
      }
    }
    this.state = S.FlowSequenceEntryMappingEnd;
    // libyaml uses the VALUE token's mark here (the shadowed `token` of the Go code).
    return this.emptyScalar(token.start);
  }

  private parseFlowSequenceEntryMappingEnd(): Event {
    const token = this.peekToken();
    this.state = S.FlowSequenceEntry;
    return this.event(E.MappingEnd, token.start, token.start);
  }

  private parseFlowMappingKey(first: boolean): Event {
    if (first) {
      this.marks.push(this.peekToken().start);
      this.skipToken();
    }
    let token = this.peekToken();
    if (token.typ !== T.FlowMappingEnd) {
      if (!first) {
        if (token.typ === T.FlowEntry) {
          this.skipToken();
          token = this.peekToken();
        } else {
          const contextMark = this.marks.pop()!;
          return this.parserError("did not find expected ',' or '}'", token.start, contextMark);
        }
      }
      if (token.typ === T.Key) {
        this.skipToken();
        token = this.peekToken();
        if (token.typ !== T.Value && token.typ !== T.FlowEntry && token.typ !== T.FlowMappingEnd) {
          this.states.push(S.FlowMappingValue);
          return this.parseNode(false, false);
        }
        this.state = S.FlowMappingValue;
        return this.emptyScalar(token.start);
      }
      if (token.typ !== T.FlowMappingEnd) {
        this.states.push(S.FlowMappingEmptyValue);
        return this.parseNode(false, false);
      }
    }
    this.popState();
    this.marks.pop();
    this.skipToken();
    return this.event(E.MappingEnd, token.start, token.end);
  }

  private parseFlowMappingValue(empty: boolean): Event {
    let token = this.peekToken();
    if (empty) {
      this.state = S.FlowMappingKey;
      return this.emptyScalar(token.start);
    }
    if (token.typ === T.Value) {
      this.skipToken();
      token = this.peekToken();
      if (token.typ !== T.FlowEntry && token.typ !== T.FlowMappingEnd) {
        this.states.push(S.FlowMappingKey);
        return this.parseNode(false, false);
      }
    }
    this.state = S.FlowMappingKey;
    return this.emptyScalar(token.start);
  }

  private emptyScalar(mark: Mark): Event {
    return this.event(E.Scalar, mark, mark, { implicit: true, style: Style.Plain });
  }

  private processDirectives(): void {
    let version = false;
    let token = this.peekToken();
    while (token.typ === T.VersionDirective || token.typ === T.TagDirective) {
      if (token.typ === T.VersionDirective) {
        if (version) this.parserError('found duplicate %YAML directive', token.start);
        if (token.major !== 1 || token.minor !== 1) this.parserError('found incompatible YAML document', token.start);
        version = true;
      } else {
        this.appendTagDirective({ handle: token.value, prefix: token.prefix }, false, token.start);
      }
      this.skipToken();
      token = this.peekToken();
    }
    this.appendTagDirective({ handle: '!', prefix: '!' }, true, token.start);
    this.appendTagDirective({ handle: '!!', prefix: 'tag:yaml.org,2002:' }, true, token.start);
  }

  private appendTagDirective(value: { handle: string; prefix: string }, allowDuplicates: boolean, mark: Mark): void {
    if (this.tagDirectives.some((t) => t.handle === value.handle)) {
      if (allowDuplicates) return;
      this.parserError('found duplicate %TAG directive', mark);
    }
    this.tagDirectives.push(value);
  }

  static failureText(f: Failure): string {
    // decode.go's (*parser).fail.
    let line = 0;
    if (f.problemMark && f.problemMark.line !== 0) {
      line = f.problemMark.line;
      if (f.kind === 'scanner') line++;
    } else if (f.contextMark && f.contextMark.line !== 0) line = f.contextMark.line;
    const where = line !== 0 ? `line ${line}: ` : '';
    return `yaml: ${where}${f.problem || 'unknown problem parsing YAML content'}`;
  }
}

// ================= composer (decode.go's parser) =================

export interface ComposeOptions {
  /** Collections nested deeper than this throw GoyamlDepthError (goyaml's own bound is 10,000). */
  maxDepth?: number;
}

class Composer {
  private ev: Event | null = null;
  private anchors = new Map<string, GoyamlNode>();
  private depth = 0;

  constructor(private readonly p: YamlParser, private readonly maxDepth: number) {}

  private next(): Event {
    try {
      const e = this.p.parse();
      // After the stream end libyaml returns an empty (NO_EVENT) event.
      return e ?? { typ: E.None, start: ZERO, end: ZERO, anchor: null, tag: '', value: '', implicit: false, style: Style.Any };
    } catch (e) {
      if (e instanceof Failure) throw new GoyamlSyntaxError(YamlParser.failureText(e));
      throw e;
    }
  }

  private peek(): E {
    if (!this.ev) this.ev = this.next();
    return this.ev.typ;
  }

  private expect(typ: E): void {
    if (!this.ev) this.ev = this.next();
    if (this.ev.typ === E.StreamEnd) throw new GoyamlSyntaxError('yaml: attempted to go past the end of stream; corrupted value?');
    if (this.ev.typ !== typ) throw new GoyamlSyntaxError(`yaml: expected ${EVENT_NAMES[typ]} event but got ${EVENT_NAMES[this.ev.typ] ?? `unknown event ${this.ev.typ}`}`);
    this.ev = null;
  }

  private node(kind: GoyamlNode['kind']): GoyamlNode {
    return { kind, line: this.ev!.start.line, column: this.ev!.start.column, tag: '', value: '', implicit: false, style: Style.Any, children: [] };
  }

  private anchor(n: GoyamlNode): void {
    if (this.ev!.anchor !== null) this.anchors.set(this.ev!.anchor, n);
  }

  /** The first document's root wrapped in a document node, or null for an empty stream. */
  parse(): GoyamlNode | null {
    switch (this.peek()) {
      case E.Scalar: {
        const n = this.node('scalar');
        n.value = this.ev!.value;
        n.tag = this.ev!.tag;
        n.implicit = this.ev!.implicit;
        n.style = this.ev!.style;
        this.anchor(n);
        this.expect(E.Scalar);
        return n;
      }
      case E.Alias: {
        const n = this.node('alias');
        n.value = this.ev!.anchor ?? '';
        n.alias = this.anchors.get(n.value);
        if (!n.alias) throw new GoyamlSyntaxError(`yaml: unknown anchor '${n.value}' referenced`);
        this.expect(E.Alias);
        return n;
      }
      case E.MappingStart:
      case E.SequenceStart: {
        const map = this.ev!.typ === E.MappingStart;
        const n = this.node(map ? 'mapping' : 'sequence');
        this.anchor(n);
        if (++this.depth > this.maxDepth) throw new GoyamlDepthError(`nesting deeper than ${this.maxDepth} levels`);
        this.expect(map ? E.MappingStart : E.SequenceStart);
        const endEv = map ? E.MappingEnd : E.SequenceEnd;
        while (this.peek() !== endEv) {
          n.children.push(this.parse()!);
          if (map) n.children.push(this.parse()!);
        }
        this.expect(endEv);
        this.depth--;
        return n;
      }
      case E.DocumentStart: {
        const n = this.node('document');
        this.anchors = new Map();
        this.expect(E.DocumentStart);
        n.children.push(this.parse()!);
        this.expect(E.DocumentEnd);
        return n;
      }
      case E.StreamEnd:
        return null;
      default:
        throw new Error(`attempted to parse unknown event: ${EVENT_NAMES[this.ev!.typ] ?? this.ev!.typ}`);
    }
  }

  init(): void {
    this.expect(E.StreamStart);
  }
}

/**
 * What goyaml v2's `yaml.Unmarshal` reads before decoding: the first document of `input` as decode.go's
 * node tree (the document node's one child is the root), or null for an empty stream. Throws
 * GoyamlSyntaxError with goyaml's exact message for anything its reader, scanner or parser refuses
 * (and for an alias whose anchor is not defined before it), as goyaml would before decoding anything.
 */
export function goyamlCompose(input: Uint8Array | string, opts: ComposeOptions = {}): GoyamlNode | null {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const c = new Composer(new YamlParser(bytes), opts.maxDepth ?? 10_000);
  c.init();
  return c.parse();
}
