// The goyaml v2 emitter (gopkg.in/yaml.v2 emitterc.go, which sigs.k8s.io/yaml forks) for the subset
// of events toYaml produces: block mappings and sequences, empty ones in flow style, and scalars.
// Scalar style choice, quoting, 80-column folding and indentation follow the C-derived original
// step by step, because users' templates depend on its exact bytes. Values are Go strings (UTF-8
// bytes, one char per byte).

export type ScalarStyle = 'plain' | 'single' | 'double' | 'literal';

export type YamlEvent =
  | { type: 'scalar'; value: string; style: ScalarStyle }
  | { type: 'seq-start' | 'seq-end' | 'map-start' | 'map-end' };

const BEST_INDENT = 2;
const BEST_WIDTH = 80;

const b = (s: string, i: number): number => (i < s.length ? s.charCodeAt(i) : 0);

function width(c: number): number {
  if ((c & 0x80) === 0) return 1;
  if ((c & 0xe0) === 0xc0) return 2;
  if ((c & 0xf0) === 0xe0) return 3;
  if ((c & 0xf8) === 0xf0) return 4;
  return 0;
}

const isSpace = (s: string, i: number): boolean => b(s, i) === 0x20;
const isBlank = (s: string, i: number): boolean => b(s, i) === 0x20 || b(s, i) === 0x09;
function isBreak(s: string, i: number): boolean {
  const c = b(s, i);
  return (
    c === 0x0d ||
    c === 0x0a ||
    (c === 0xc2 && b(s, i + 1) === 0x85) ||
    (c === 0xe2 && b(s, i + 1) === 0x80 && (b(s, i + 2) === 0xa8 || b(s, i + 2) === 0xa9))
  );
}
const isBlankz = (s: string, i: number): boolean => isBlank(s, i) || isBreak(s, i) || b(s, i) === 0;
function isPrintable(s: string, i: number): boolean {
  const c = b(s, i);
  const c1 = b(s, i + 1);
  const c2 = b(s, i + 2);
  return (
    c === 0x0a ||
    (c >= 0x20 && c <= 0x7e) ||
    (c === 0xc2 && c1 >= 0xa0) ||
    (c > 0xc2 && c < 0xed) ||
    (c === 0xed && c1 < 0xa0) ||
    c === 0xee ||
    (c === 0xef && !(c1 === 0xbb && c2 === 0xbf) && !(c1 === 0xbf && (c2 === 0xbe || c2 === 0xbf)))
  );
}
// goyaml v2's is_bom ignores its index: it asks whether the whole value starts with U+FEFF, so in a
// double-quoted scalar that starts with one, every character is written as an escape (`\x39`, `\_`, ...).
const isBom = (s: string, _i: number): boolean => b(s, 0) === 0xef && b(s, 1) === 0xbb && b(s, 2) === 0xbf;

interface ScalarAnalysis {
  multiline: boolean;
  flowPlainAllowed: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** yaml_emitter_analyze_scalar. */
function analyzeScalar(value: string): ScalarAnalysis {
  if (value.length === 0)
    return { multiline: false, flowPlainAllowed: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  let blockIndicators = false;
  let flowIndicators = false;
  let lineBreaks = false;
  let specialCharacters = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let previousSpace = false;
  let previousBreak = false;
  if (value.startsWith('---') || value.startsWith('...')) {
    blockIndicators = true;
    flowIndicators = true;
  }
  let precededByWhitespace = true;
  for (let i = 0, w = 0; i < value.length; i += w) {
    w = width(b(value, i)) || 1;
    const followedByWhitespace = i + w >= value.length || isBlank(value, i + w);
    const c = value[i]!;
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) {
        flowIndicators = true;
        blockIndicators = true;
      } else if (c === '?' || c === ':') {
        flowIndicators = true;
        if (followedByWhitespace) blockIndicators = true;
      } else if (c === '-' && followedByWhitespace) {
        flowIndicators = true;
        blockIndicators = true;
      }
    } else if (',?[]{}'.includes(c)) {
      flowIndicators = true;
    } else if (c === ':') {
      flowIndicators = true;
      if (followedByWhitespace) blockIndicators = true;
    } else if (c === '#' && precededByWhitespace) {
      flowIndicators = true;
      blockIndicators = true;
    }
    if (!isPrintable(value, i)) specialCharacters = true;
    if (isSpace(value, i)) {
      if (i === 0) leadingSpace = true;
      if (i + w === value.length) trailingSpace = true;
      if (previousBreak) breakSpace = true;
      previousSpace = true;
      previousBreak = false;
    } else if (isBreak(value, i)) {
      lineBreaks = true;
      if (i === 0) leadingBreak = true;
      if (i + w === value.length) trailingBreak = true;
      if (previousSpace) spaceBreak = true;
      previousSpace = false;
      previousBreak = true;
    } else {
      previousSpace = false;
      previousBreak = false;
    }
    precededByWhitespace = isBlankz(value, i);
  }
  const a: ScalarAnalysis = {
    multiline: lineBreaks,
    flowPlainAllowed: true,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true,
  };
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (trailingSpace) a.blockAllowed = false;
  if (breakSpace) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
  }
  if (spaceBreak || specialCharacters) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
    a.singleQuotedAllowed = false;
    a.blockAllowed = false;
  }
  if (lineBreaks) {
    a.flowPlainAllowed = false;
    a.blockPlainAllowed = false;
  }
  if (flowIndicators) a.flowPlainAllowed = false;
  if (blockIndicators) a.blockPlainAllowed = false;
  return a;
}

type State =
  | 'doc-content'
  | 'doc-end'
  | 'flow-seq-first'
  | 'flow-seq-item'
  | 'flow-map-first'
  | 'flow-map-key'
  | 'block-seq-first'
  | 'block-seq-item'
  | 'block-map-first'
  | 'block-map-key'
  | 'block-map-simple-value'
  | 'block-map-value';

/** Emit a single implicit document holding `events` (one node) and return its text. */
export function emitYaml(events: YamlEvent[]): string {
  return new Emitter(events).run();
}

class Emitter {
  private out = '';
  private column = 0;
  private whitespace = true;
  private indention = true;
  private indent = -1;
  private indents: number[] = [];
  private states: State[] = [];
  private state: State = 'doc-content';
  private flowLevel = 0;
  private head = 0;
  private mappingContext = false;
  private simpleKeyContext = false;
  private scalar: ScalarAnalysis & { value: string; style: ScalarStyle } = {
    ...analyzeScalar(''),
    value: '',
    style: 'plain',
  };

  constructor(private readonly events: YamlEvent[]) {}

  run(): string {
    for (this.head = 0; this.head < this.events.length; this.head++) {
      const ev = this.events[this.head]!;
      if (ev.type === 'scalar') this.scalar = { ...analyzeScalar(ev.value), value: ev.value, style: ev.style };
      this.dispatch(ev);
    }
    // DOCUMENT-END (implicit), then STREAM-END.
    this.writeIndent();
    return this.out;
  }

  // ---- output primitives ----
  private put(c: string): void {
    this.out += c;
    this.column++;
  }
  private putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }
  /** write(): copy one UTF-8 character, counting one column. */
  private write(s: string, i: number): number {
    const w = width(b(s, i)) || 1;
    this.out += s.slice(i, i + w);
    this.column++;
    return i + w;
  }
  private writeBreak(s: string, i: number): number {
    if (s[i] === '\n') {
      this.putBreak();
      return i + 1;
    }
    const next = this.write(s, i);
    this.column = 0;
    return next;
  }
  private writeIndent(): void {
    const indent = Math.max(this.indent, 0);
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }
  private writeIndicator(ind: string, needWhitespace: boolean, isWhitespace: boolean, isIndention: boolean): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    for (let i = 0; i < ind.length; ) i = this.write(ind, i);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }
  private increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? BEST_INDENT : 0;
    else if (!indentless) this.indent += BEST_INDENT;
  }
  private popIndent(): void {
    this.indent = this.indents.pop()!;
  }
  private popState(): void {
    this.state = this.states.pop()!;
  }

  // ---- state machine ----
  private dispatch(ev: YamlEvent): void {
    switch (this.state) {
      case 'doc-content':
        this.states.push('doc-end');
        return this.emitNode(ev, true, false, false, false);
      case 'doc-end':
        throw new Error('yaml: unexpected event after the document');
      case 'flow-seq-first':
        return this.flowSeqItem(ev, true);
      case 'flow-seq-item':
        return this.flowSeqItem(ev, false);
      case 'flow-map-first':
        return this.flowMapKey(ev, true);
      case 'flow-map-key':
        return this.flowMapKey(ev, false);
      case 'block-seq-first':
        return this.blockSeqItem(ev, true);
      case 'block-seq-item':
        return this.blockSeqItem(ev, false);
      case 'block-map-first':
        return this.blockMapKey(ev, true);
      case 'block-map-key':
        return this.blockMapKey(ev, false);
      case 'block-map-simple-value':
        return this.blockMapValue(ev, true);
      case 'block-map-value':
        return this.blockMapValue(ev, false);
    }
  }

  private emitNode(ev: YamlEvent, _root: boolean, _sequence: boolean, mapping: boolean, simpleKey: boolean): void {
    this.mappingContext = mapping;
    this.simpleKeyContext = simpleKey;
    switch (ev.type) {
      case 'scalar':
        return this.emitScalar();
      case 'seq-start':
        this.state = this.flowLevel > 0 || this.nextIs('seq-end') ? 'flow-seq-first' : 'block-seq-first';
        return;
      case 'map-start':
        this.state = this.flowLevel > 0 || this.nextIs('map-end') ? 'flow-map-first' : 'block-map-first';
        return;
      default:
        throw new Error(`yaml: expected SCALAR, SEQUENCE-START or MAPPING-START, got ${ev.type}`);
    }
  }

  private nextIs(type: YamlEvent['type']): boolean {
    return this.events[this.head + 1]?.type === type;
  }

  private flowSeqItem(ev: YamlEvent, first: boolean): void {
    if (first) {
      this.writeIndicator('[', true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
    }
    if (ev.type === 'seq-end') {
      this.flowLevel--;
      this.popIndent();
      this.writeIndicator(']', false, false, false);
      this.popState();
      return;
    }
    if (!first) this.writeIndicator(',', false, false, false);
    if (this.column > BEST_WIDTH) this.writeIndent();
    this.states.push('flow-seq-item');
    this.emitNode(ev, false, true, false, false);
  }

  private flowMapKey(ev: YamlEvent, first: boolean): void {
    if (first) {
      this.writeIndicator('{', true, true, false);
      this.increaseIndent(true, false);
      this.flowLevel++;
    }
    if (ev.type === 'map-end') {
      this.flowLevel--;
      this.popIndent();
      this.writeIndicator('}', false, false, false);
      this.popState();
      return;
    }
    // Only empty mappings are written in flow style here.
    throw new Error('yaml: non-empty flow mapping is not produced by toYaml');
  }

  private blockSeqItem(ev: YamlEvent, first: boolean): void {
    if (first) this.increaseIndent(false, this.mappingContext && !this.indention);
    if (ev.type === 'seq-end') {
      this.popIndent();
      this.popState();
      return;
    }
    this.writeIndent();
    this.writeIndicator('-', true, false, true);
    this.states.push('block-seq-item');
    this.emitNode(ev, false, true, false, false);
  }

  private blockMapKey(ev: YamlEvent, first: boolean): void {
    if (first) this.increaseIndent(false, false);
    if (ev.type === 'map-end') {
      this.popIndent();
      this.popState();
      return;
    }
    this.writeIndent();
    if (this.checkSimpleKey(ev)) {
      this.states.push('block-map-simple-value');
      this.emitNode(ev, false, false, true, true);
      return;
    }
    this.writeIndicator('?', true, false, true);
    this.states.push('block-map-value');
    this.emitNode(ev, false, false, true, false);
  }

  private blockMapValue(ev: YamlEvent, simple: boolean): void {
    if (simple) {
      this.writeIndicator(':', false, false, false);
    } else {
      this.writeIndent();
      this.writeIndicator(':', true, false, true);
    }
    this.states.push('block-map-key');
    this.emitNode(ev, false, false, true, false);
  }

  private checkSimpleKey(ev: YamlEvent): boolean {
    switch (ev.type) {
      case 'scalar':
        return !this.scalar.multiline && this.scalar.value.length <= 128;
      case 'seq-start':
        return this.nextIs('seq-end');
      case 'map-start':
        return this.nextIs('map-end');
      default:
        return false;
    }
  }

  private emitScalar(): void {
    this.selectScalarStyle();
    this.increaseIndent(true, false);
    const v = this.scalar.value;
    switch (this.scalar.style) {
      case 'plain':
        this.writePlain(v, !this.simpleKeyContext);
        break;
      case 'single':
        this.writeSingleQuoted(v, !this.simpleKeyContext);
        break;
      case 'double':
        this.writeDoubleQuoted(v, !this.simpleKeyContext);
        break;
      case 'literal':
        this.writeLiteral(v);
        break;
    }
    this.popIndent();
    this.popState();
  }

  private selectScalarStyle(): void {
    const s = this.scalar;
    let style = s.style;
    if (this.simpleKeyContext && s.multiline) style = 'double';
    if (style === 'plain') {
      if ((this.flowLevel > 0 && !s.flowPlainAllowed) || (this.flowLevel === 0 && !s.blockPlainAllowed)) style = 'single';
      if (s.value.length === 0 && (this.flowLevel > 0 || this.simpleKeyContext)) style = 'single';
    }
    if (style === 'single' && !s.singleQuotedAllowed) style = 'double';
    if (style === 'literal' && (!s.blockAllowed || this.flowLevel > 0 || this.simpleKeyContext)) style = 'double';
    s.style = style;
  }

  private writePlain(value: string, allowBreaks: boolean): void {
    if (!this.whitespace) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < value.length; ) {
      if (isSpace(value, i)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && !isSpace(value, i + 1)) {
          this.writeIndent();
          i += 1;
        } else i = this.write(value, i);
        spaces = true;
      } else if (isBreak(value, i)) {
        if (!breaks && value[i] === '\n') this.putBreak();
        i = this.writeBreak(value, i);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        i = this.write(value, i);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  private writeSingleQuoted(value: string, allowBreaks: boolean): void {
    this.writeIndicator("'", true, false, false);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < value.length; ) {
      if (isSpace(value, i)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < value.length - 1 && !isSpace(value, i + 1)) {
          this.writeIndent();
          i += 1;
        } else i = this.write(value, i);
        spaces = true;
      } else if (isBreak(value, i)) {
        if (!breaks && value[i] === '\n') this.putBreak();
        i = this.writeBreak(value, i);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (value[i] === "'") this.put("'");
        i = this.write(value, i);
        this.indention = false;
        spaces = false;
        breaks = false;
      }
    }
    this.writeIndicator("'", false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeDoubleQuoted(value: string, allowBreaks: boolean): void {
    let spaces = false;
    this.writeIndicator('"', true, false, false);
    for (let i = 0; i < value.length; ) {
      const c = b(value, i);
      if (!isPrintable(value, i) || isBom(value, i) || isBreak(value, i) || c === 0x22 || c === 0x5c) {
        let w = width(c) || 1;
        let v = w === 1 ? c & 0x7f : w === 2 ? c & 0x1f : w === 3 ? c & 0x0f : c & 0x07;
        for (let k = 1; k < w; k++) v = (v << 6) + (b(value, i + k) & 0x3f);
        i += w;
        this.put('\\');
        const simple: Record<number, string> = {
          0x00: '0', 0x07: 'a', 0x08: 'b', 0x09: 't', 0x0a: 'n', 0x0b: 'v', 0x0c: 'f', 0x0d: 'r',
          0x1b: 'e', 0x22: '"', 0x5c: '\\', 0x85: 'N', 0xa0: '_', 0x2028: 'L', 0x2029: 'P',
        };
        if (simple[v] !== undefined) this.put(simple[v]!);
        else {
          let digits: number;
          if (v <= 0xff) {
            this.put('x');
            digits = 2;
          } else if (v <= 0xffff) {
            this.put('u');
            digits = 4;
          } else {
            this.put('U');
            digits = 8;
          }
          w = digits;
          for (let k = (w - 1) * 4; k >= 0; k -= 4) this.put(((v >> k) & 0x0f).toString(16).toUpperCase());
        }
        spaces = false;
      } else if (isSpace(value, i)) {
        if (allowBreaks && !spaces && this.column > BEST_WIDTH && i > 0 && i < value.length - 1) {
          this.writeIndent();
          if (isSpace(value, i + 1)) this.put('\\');
          i += 1;
        } else i = this.write(value, i);
        spaces = true;
      } else {
        i = this.write(value, i);
        spaces = false;
      }
    }
    this.writeIndicator('"', false, false, false);
    this.whitespace = false;
    this.indention = false;
  }

  private writeBlockScalarHints(value: string): void {
    if (isSpace(value, 0) || isBreak(value, 0)) this.writeIndicator(String(BEST_INDENT), false, false, false);
    let chomp = '';
    if (value.length === 0) chomp = '-';
    else {
      let i = value.length - 1;
      while ((b(value, i) & 0xc0) === 0x80) i--;
      if (!isBreak(value, i)) chomp = '-';
      else if (i === 0) {
        chomp = '+';
      } else {
        i--;
        while ((b(value, i) & 0xc0) === 0x80) i--;
        if (isBreak(value, i)) chomp = '+';
      }
    }
    if (chomp) this.writeIndicator(chomp, false, false, false);
  }

  private writeLiteral(value: string): void {
    this.writeIndicator('|', true, false, false);
    this.writeBlockScalarHints(value);
    this.putBreak();
    this.indention = true;
    this.whitespace = true;
    let breaks = true;
    for (let i = 0; i < value.length; ) {
      if (isBreak(value, i)) {
        i = this.writeBreak(value, i);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        i = this.write(value, i);
        this.indention = false;
        breaks = false;
      }
    }
  }
}
