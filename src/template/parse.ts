// Parser for Go text/template: builds the same node tree as Go's text/template/parse and reports
// errors with Go's wording. Node.String() forms (nodeString) are what Go prints as error context.
import { quote } from './fmt.js';
import { type Item, Lexer, T, itemString } from './lex.js';
import { runeToBin } from './values.js';

export type Node =
  | ListNode
  | TextNode
  | ActionNode
  | PipeNode
  | CommandNode
  | IdentifierNode
  | VariableNode
  | DotNode
  | NilNode
  | FieldNode
  | ChainNode
  | BoolNode
  | NumberNode
  | StringNode
  | EndNode
  | ElseNode
  | IfNode
  | RangeNode
  | WithNode
  | TemplateNode
  | BreakNode
  | ContinueNode;

export interface ListNode {
  kind: 'list';
  pos: number;
  nodes: Node[];
}
export interface TextNode {
  kind: 'text';
  pos: number;
  text: string;
}
export interface ActionNode {
  kind: 'action';
  pos: number;
  line: number;
  pipe: PipeNode;
}
export interface PipeNode {
  kind: 'pipe';
  pos: number;
  line: number;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}
export interface CommandNode {
  kind: 'command';
  pos: number;
  args: Node[];
}
export interface IdentifierNode {
  kind: 'identifier';
  pos: number;
  ident: string;
}
export interface VariableNode {
  kind: 'variable';
  pos: number;
  ident: string[];
}
export interface DotNode {
  kind: 'dot';
  pos: number;
}
export interface NilNode {
  kind: 'nil';
  pos: number;
}
export interface FieldNode {
  kind: 'field';
  pos: number;
  ident: string[];
}
export interface ChainNode {
  kind: 'chain';
  pos: number;
  node: Node;
  field: string[];
}
export interface BoolNode {
  kind: 'bool';
  pos: number;
  value: boolean;
}
export interface NumberNode {
  kind: 'number';
  pos: number;
  text: string;
  isInt: boolean;
  isUint: boolean;
  isFloat: boolean;
  isComplex: boolean;
  int64: bigint;
  uint64: bigint;
  float64: number;
  /** Real and imaginary parts of a complex constant (isComplex). */
  complex: [number, number];
}
export interface StringNode {
  kind: 'string';
  pos: number;
  quoted: string;
  text: string;
}
export interface EndNode {
  kind: 'end';
  pos: number;
}
export interface ElseNode {
  kind: 'else';
  pos: number;
  line: number;
}
export interface BranchNode {
  pos: number;
  line: number;
  pipe: PipeNode;
  list: ListNode;
  elseList: ListNode | null;
}
export interface IfNode extends BranchNode {
  kind: 'if';
}
export interface RangeNode extends BranchNode {
  kind: 'range';
}
export interface WithNode extends BranchNode {
  kind: 'with';
}
export interface TemplateNode {
  kind: 'template';
  pos: number;
  line: number;
  name: string;
  pipe: PipeNode | null;
}
export interface BreakNode {
  kind: 'break';
  pos: number;
  line: number;
}
export interface ContinueNode {
  kind: 'continue';
  pos: number;
  line: number;
}

/** Placeholder for the template name (ParseName) inside cached parse error messages. */
export const NAME = '\u0000NAME\u0000';

/** A parse error: Go prints `template: NAME:LINE: MSG`. */
export class ParseFailure {
  constructor(
    readonly line: number,
    readonly msg: string,
  ) {}
  format(name: string): string {
    return `template: ${name}:${this.line}: ${this.msg.split(NAME).join(name)}`;
  }
}

/** All trees of one parsed text: the main one (named '') and the {{define}}/{{block}} ones. */
export interface ParsedTemplate {
  /** Template text as a Go string; positions index into it. */
  text: string;
  root: ListNode;
  defs: Map<string, ListNode>;
}

// ---- node strings (Go's Node.String) ------------------------------------------------------------

export function nodeString(n: Node): string {
  switch (n.kind) {
    case 'list':
      return n.nodes.map(nodeString).join('');
    case 'text':
      return n.text;
    case 'action':
      return '{{' + nodeString(n.pipe) + '}}';
    case 'pipe': {
      let s = '';
      if (n.decl.length > 0) {
        s = n.decl.map(nodeString).join(', ') + (n.isAssign ? ' = ' : ' := ');
      }
      return s + n.cmds.map(nodeString).join(' | ');
    }
    case 'command':
      return n.args.map((a) => (a.kind === 'pipe' ? '(' + nodeString(a) + ')' : nodeString(a))).join(' ');
    case 'identifier':
      return n.ident;
    case 'variable':
      return n.ident.join('.');
    case 'dot':
      return '.';
    case 'nil':
      return 'nil';
    case 'field':
      return '.' + n.ident.join('.');
    case 'chain': {
      let s = n.node.kind === 'pipe' ? '(' + nodeString(n.node) + ')' : nodeString(n.node);
      for (const f of n.field) s += '.' + f;
      return s;
    }
    case 'bool':
      return n.value ? 'true' : 'false';
    case 'number':
      return n.text;
    case 'string':
      return n.quoted;
    case 'end':
      return '{{end}}';
    case 'else':
      return '{{else}}';
    case 'if':
    case 'range':
    case 'with': {
      let s = '{{' + n.kind + ' ' + nodeString(n.pipe) + '}}' + nodeString(n.list);
      if (n.elseList) s += '{{else}}' + nodeString(n.elseList);
      return s + '{{end}}';
    }
    case 'template':
      return n.pipe
        ? '{{template ' + quote(n.name) + ' ' + nodeString(n.pipe) + '}}'
        : '{{template ' + quote(n.name) + '}}';
    case 'break':
      return '{{break}}';
    case 'continue':
      return '{{continue}}';
  }
}

// ---- literals -----------------------------------------------------------------------------------

class SyntaxErr extends Error {}

function hexVal(c: number): number {
  if (c >= 0x30 && c <= 0x39) return c - 0x30;
  if (c >= 0x61 && c <= 0x66) return c - 0x61 + 10;
  if (c >= 0x41 && c <= 0x46) return c - 0x41 + 10;
  return -1;
}

/** strconv.UnquoteChar: one (possibly escaped) character from s at i. Returns [value, isByte, next]. */
function unquoteChar(s: string, i: number, quoteCh: number): [number, boolean, number] {
  const c = s.charCodeAt(i);
  if (c === quoteCh && (quoteCh === 0x27 || quoteCh === 0x22)) throw new SyntaxErr();
  if (c >= 0x80) {
    // A multi-byte rune: return its bytes as a whole (caller copies raw bytes).
    return [-1, false, i];
  }
  if (c !== 0x5c) return [c, false, i + 1];
  if (i + 1 >= s.length) throw new SyntaxErr();
  const e = s.charCodeAt(i + 1);
  i += 2;
  switch (e) {
    case 0x61:
      return [7, false, i];
    case 0x62:
      return [8, false, i];
    case 0x66:
      return [12, false, i];
    case 0x6e:
      return [10, false, i];
    case 0x72:
      return [13, false, i];
    case 0x74:
      return [9, false, i];
    case 0x76:
      return [11, false, i];
    case 0x78: // \xhh
    case 0x75: // \uhhhh
    case 0x55: {
      // \Uhhhhhhhh
      const n = e === 0x78 ? 2 : e === 0x75 ? 4 : 8;
      if (i + n > s.length) throw new SyntaxErr();
      let v = 0;
      for (let k = 0; k < n; k++) {
        const h = hexVal(s.charCodeAt(i + k));
        if (h < 0) throw new SyntaxErr();
        v = v * 16 + h;
      }
      i += n;
      if (e === 0x78) return [v, true, i];
      if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new SyntaxErr();
      return [v, false, i];
    }
    case 0x30:
    case 0x31:
    case 0x32:
    case 0x33:
    case 0x34:
    case 0x35:
    case 0x36:
    case 0x37: {
      let v = e - 0x30;
      if (i + 2 > s.length) throw new SyntaxErr();
      for (let k = 0; k < 2; k++) {
        const d = s.charCodeAt(i + k) - 0x30;
        if (d < 0 || d > 7) throw new SyntaxErr();
        v = v * 8 + d;
      }
      if (v > 255) throw new SyntaxErr();
      return [v, true, i + 2];
    }
    case 0x5c:
      return [0x5c, false, i];
    case 0x27:
    case 0x22:
      if (e !== quoteCh) throw new SyntaxErr();
      return [e, false, i];
  }
  throw new SyntaxErr();
}

/** strconv.Unquote for "..." and `...` literals (Go strings in, Go string out). */
export function unquote(q: string): string {
  const first = q.charCodeAt(0);
  if (q.length < 2 || q.charCodeAt(q.length - 1) !== first) throw new SyntaxErr();
  const body = q.slice(1, -1);
  if (first === 0x60) {
    if (body.indexOf('`') >= 0) throw new SyntaxErr();
    return body.indexOf('\r') >= 0 ? body.split('\r').join('') : body;
  }
  if (first !== 0x22) throw new SyntaxErr();
  if (body.indexOf('\\') < 0 && body.indexOf('"') < 0 && body.indexOf('\n') < 0) return body;
  let out = '';
  for (let i = 0; i < body.length; ) {
    const c = body.charCodeAt(i);
    if (c === 0x0a) throw new SyntaxErr();
    if (c >= 0x80) {
      out += body[i];
      i++;
      continue;
    }
    const [v, isByte, next] = unquoteChar(body, i, 0x22);
    out += isByte || v < 0x80 ? String.fromCharCode(v) : runeToBin(v);
    i = next;
  }
  return out;
}

function parseCharConstant(text: string): number {
  // text is '...' including quotes (Go string).
  const body = text.slice(1);
  const c = body.charCodeAt(0);
  let r: number;
  let next: number;
  if (c >= 0x80) {
    // Decode one UTF-8 rune.
    const b = Buffer.from(body, 'latin1').toString('utf8');
    const cp = b.codePointAt(0)!;
    r = cp;
    next = Buffer.byteLength(String.fromCodePoint(cp), 'utf8');
  } else {
    if (c === 0x27) throw new SyntaxErr();
    const [v, , n] = unquoteChar(body, 0, 0x27);
    r = v;
    next = n;
  }
  if (body.slice(next) !== "'") throw new Error('malformed character constant: ' + text);
  return r;
}

const MAX_U64 = (1n << 64n) - 1n;
const MAX_I64 = (1n << 63n) - 1n;

/** Go integer literal syntax with base prefix (strconv base 0); undefined when not an integer. */
function parseGoInt(text: string): bigint | undefined {
  let s = text;
  let neg = false;
  if (s[0] === '+' || s[0] === '-') {
    neg = s[0] === '-';
    s = s.slice(1);
  }
  let base = 10;
  let prefixed = false;
  if (s.length > 1 && s[0] === '0') {
    const p = s[1]!.toLowerCase();
    if (p === 'x') base = 16;
    else if (p === 'o') base = 8;
    else if (p === 'b') base = 2;
    if (base !== 10) {
      s = s.slice(2);
      prefixed = true;
    } else {
      base = 8;
      s = s.slice(1);
      prefixed = true;
    }
  }
  if (s.indexOf('_') >= 0) {
    // Underscores must separate digits (Go syntax); a leading one is fine after a base prefix.
    if (!/^_?[0-9a-fA-F]+(_[0-9a-fA-F]+)*$/.test(s) || (!prefixed && s[0] === '_')) return undefined;
    s = s.split('_').join('');
  }
  if (s.length === 0) return base === 8 && !/[xob]/i.test(text) ? 0n : undefined;
  const valid = base === 16 ? /^[0-9a-fA-F]+$/ : base === 8 ? /^[0-7]+$/ : base === 2 ? /^[01]+$/ : /^[0-9]+$/;
  if (!valid.test(s)) return undefined;
  let v = 0n;
  const b = BigInt(base);
  for (const ch of s) v = v * b + BigInt(parseInt(ch, 16));
  return neg ? -v : v;
}

function newNumber(pos: number, text: string, typ: T): NumberNode {
  const n: NumberNode = {
    kind: 'number',
    pos,
    text,
    isInt: false,
    isUint: false,
    isFloat: false,
    isComplex: false,
    int64: 0n,
    uint64: 0n,
    float64: 0,
    complex: [0, 0],
  };
  if (typ === T.CharConstant) {
    const r = parseCharConstant(text);
    n.int64 = BigInt(r);
    n.uint64 = BigInt(r);
    n.float64 = r;
    n.isInt = n.isUint = n.isFloat = true;
    return n;
  }
  if (typ === T.Complex) {
    // "1+2i": a real part and a signed imaginary part, as fmt.Sscan reads it.
    const m = /^([+-]?[^+-]+(?:[eEpP][+-][^+-]+)?)([+-].+)i$/.exec(text);
    const re = m ? parseGoFloat(m[1]!) : undefined;
    const im = m ? parseGoFloat(m[2]!) : undefined;
    if (re === undefined || im === undefined) {
      // fmt.Sscan reads each part with strconv.ParseFloat, whose range error it returns as it is.
      const over = m && [m[1]!, m[2]!].find((p) => parseGoFloat(p) === undefined && parseGoFloat(p, true) !== undefined);
      if (over) throw new Error(`strconv.ParseFloat: parsing ${quote(over)}: value out of range`);
      throw new Error('illegal number syntax: ' + quote(text));
    }
    return simplifyComplex(n, re, im);
  }
  if (text.endsWith('i')) {
    const im = parseGoFloat(text.slice(0, -1));
    if (im !== undefined) return simplifyComplex(n, 0, im);
  }
  const iv = parseGoInt(text);
  if (iv !== undefined) {
    if (iv >= 0n && iv <= MAX_U64 && text[0] !== '+' && text[0] !== '-') {
      n.isUint = true;
      n.uint64 = iv;
    }
    if (iv >= -(MAX_I64 + 1n) && iv <= MAX_I64) {
      n.isInt = true;
      n.int64 = iv;
      if (iv === 0n) {
        n.isUint = true;
        n.uint64 = 0n;
      }
    }
  }
  if (n.isInt) {
    n.isFloat = true;
    n.float64 = Number(n.int64);
  } else if (n.isUint) {
    n.isFloat = true;
    n.float64 = Number(n.uint64);
  } else {
    const f = parseGoFloat(text);
    if (f !== undefined) {
      if (!/[.eEpP]/.test(text)) throw new Error('integer overflow: ' + quote(text));
      n.isFloat = true;
      n.float64 = f;
      if (Number.isInteger(f) && f >= -(2 ** 63) && f < 2 ** 63) {
        n.isInt = true;
        n.int64 = BigInt(f);
      }
      if (Number.isInteger(f) && f >= 0 && f < 2 ** 64) {
        n.isUint = true;
        n.uint64 = BigInt(f);
      }
    }
  }
  if (!n.isInt && !n.isUint && !n.isFloat) throw new Error('illegal number syntax: ' + quote(text));
  return n;
}

/** A complex constant; one with a zero imaginary part also counts as a float (and an int if whole). */
function simplifyComplex(n: NumberNode, re: number, im: number): NumberNode {
  n.isComplex = true;
  n.complex = [re, im];
  if (im === 0) {
    n.isFloat = true;
    n.float64 = re;
    if (Number.isInteger(re) && Math.abs(re) < 2 ** 63) {
      n.isInt = true;
      n.int64 = BigInt(re);
    }
    if (Number.isInteger(re) && re >= 0 && re < 2 ** 64) {
      n.isUint = true;
      n.uint64 = BigInt(re);
    }
  }
  return n;
}

/** strconv.ParseFloat(text, 64) where it succeeds; `allowInf`: also a well-formed value out of range. */
function parseGoFloat(text: string, allowInf = false): number | undefined {
  let s = text;
  if (s.indexOf('_') >= 0) {
    if (/(^|[^0-9a-fA-F])_|_($|[^0-9a-fA-F])/.test(s.replace(/^[+-]?0[xXbBoO]_/, '0'))) return undefined;
    s = s.split('_').join('');
  }
  // strconv.ParseFloat fails (ErrRange) on a value beyond float64's range: the constant is then no float.
  const finite = (v: number): number | undefined => (allowInf || Number.isFinite(v) ? v : undefined);
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) return finite(Number(s));
  const m = /^([+-]?)0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?\d+)$/.exec(s);
  if (m && (m[2] || m[3])) {
    const mant = parseInt((m[2] || '0') + (m[3] || ''), 16) / 16 ** (m[3] || '').length;
    const e = Number(m[4]);
    const half = Math.trunc(e / 2);
    const v = mant * 2 ** half * 2 ** (e - half);
    return finite(m[1] === '-' ? -v : v);
  }
  return undefined;
}

// ---- parser -------------------------------------------------------------------------------------

class Stop extends Error {
  constructor(readonly failure: ParseFailure) {
    super(failure.msg);
  }
}

/** Shared state of one Parse call: the lexer and the set of trees. */
interface ParseSet {
  lex: Lexer;
  defs: Map<string, ListNode>;
  hasFunction: (name: string) => boolean;
}

class TreeParser {
  private token: Item[] = [];
  private peekCount = 0;
  vars: string[] = ['$'];
  private rangeDepth = 0;
  private actionLine = 0;
  name: string;

  constructor(
    private readonly set: ParseSet,
    name: string,
  ) {
    this.name = name;
    this.token = [
      { typ: T.EOF, pos: 0, val: '', line: 0 },
      { typ: T.EOF, pos: 0, val: '', line: 0 },
      { typ: T.EOF, pos: 0, val: '', line: 0 },
    ];
  }

  // -- token buffer (Go's next/backup/peek with a 3-token lookahead) --
  private next(): Item {
    if (this.peekCount > 0) this.peekCount--;
    else this.token[0] = this.set.lex.nextItem();
    return this.token[this.peekCount]!;
  }
  private backup(): void {
    this.peekCount++;
  }
  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }
  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }
  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1]!;
    this.peekCount = 1;
    this.token[0] = this.set.lex.nextItem();
    return this.token[0];
  }
  private nextNonSpace(): Item {
    let t: Item;
    do t = this.next();
    while (t.typ === T.Space);
    return t;
  }
  private peekNonSpace(): Item {
    const t = this.nextNonSpace();
    this.backup();
    return t;
  }

  errorf(msg: string): never {
    throw new Stop(new ParseFailure(this.token[0]!.line, msg));
  }

  private expect(expected: T, context: string): Item {
    const t = this.nextNonSpace();
    if (t.typ !== expected) this.unexpected(t, context);
    return t;
  }

  private expectOneOf(e1: T, e2: T, context: string): Item {
    const t = this.nextNonSpace();
    if (t.typ !== e1 && t.typ !== e2) this.unexpected(t, context);
    return t;
  }

  private unexpected(t: Item, context: string): never {
    if (t.typ === T.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== t.line) {
        extra = ` in action started at ${NAME}:${this.actionLine}`;
        if (t.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(t.val + extra);
    }
    this.errorf(`unexpected ${itemString(t)} in ${context}`);
  }

  private lit<R>(f: () => R): R {
    try {
      return f();
    } catch (e) {
      if (e instanceof SyntaxErr) this.errorf('invalid syntax');
      if (e instanceof Stop) throw e;
      this.errorf((e as Error).message);
    }
  }

  // -- top level --
  parseTop(): ListNode {
    const root: ListNode = { kind: 'list', pos: this.peek().pos, nodes: [] };
    while (this.peek().typ !== T.EOF) {
      if (this.peek().typ === T.LeftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().typ === T.Define) {
          const def = new TreeParser(this.set, 'definition');
          def.parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') this.errorf(`unexpected ${nodeString(n)}`);
      else if (n) root.nodes.push(n);
    }
    return root;
  }

  private add(root: ListNode): void {
    const existing = this.set.defs.get(this.name);
    if (!existing || isEmptyTree(existing)) {
      this.set.defs.set(this.name, root);
      return;
    }
    if (!isEmptyTree(root)) this.errorf(`template: multiple definition of template ${quote(this.name)}`);
  }

  parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf(T.String, T.RawString, context);
    this.name = this.lit(() => unquote(name.val));
    this.expect(T.RightDelim, context);
    const [list, end] = this.itemList();
    if (end.kind !== 'end') this.errorf(`unexpected ${nodeString(end)} in ${context}`);
    this.add(list);
  }

  private itemList(): [ListNode, Node] {
    const list: ListNode = { kind: 'list', pos: this.peekNonSpace().pos, nodes: [] };
    while (this.peekNonSpace().typ !== T.EOF) {
      const n = this.textOrAction();
      if (n.kind === 'end' || n.kind === 'else') return [list, n];
      list.nodes.push(n);
    }
    this.errorf('unexpected EOF');
  }

  private textOrAction(): Node {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case T.Text:
        return { kind: 'text', pos: t.pos, text: t.val };
      case T.LeftDelim: {
        this.actionLine = t.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      }
    }
    this.unexpected(t, 'input');
  }

  private action(): Node {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case T.Block:
        return this.blockControl();
      case T.Break:
        return this.breakControl(t.pos, t.line);
      case T.Continue:
        return this.continueControl(t.pos, t.line);
      case T.Else:
        return this.elseControl();
      case T.End:
        return this.endControl();
      case T.If:
        return this.ifControl();
      case T.Range:
        return this.rangeControl();
      case T.Template:
        return this.templateControl();
      case T.With:
        return this.withControl();
    }
    this.backup();
    const tok = this.peek();
    return { kind: 'action', pos: tok.pos, line: tok.line, pipe: this.pipeline('command', T.RightDelim) };
  }

  private breakControl(pos: number, line: number): Node {
    const t = this.nextNonSpace();
    if (t.typ !== T.RightDelim) this.unexpected(t, '{{break}}');
    if (this.rangeDepth === 0) this.errorf('{{break}} outside {{range}}');
    return { kind: 'break', pos, line };
  }

  private continueControl(pos: number, line: number): Node {
    const t = this.nextNonSpace();
    if (t.typ !== T.RightDelim) this.unexpected(t, '{{continue}}');
    if (this.rangeDepth === 0) this.errorf('{{continue}} outside {{range}}');
    return { kind: 'continue', pos, line };
  }

  private pipeline(context: string, end: T): PipeNode {
    const tok = this.peekNonSpace();
    const pipe: PipeNode = { kind: 'pipe', pos: tok.pos, line: tok.line, isAssign: false, decl: [], cmds: [] };
    // Are there declarations or assignments?
    decls: for (;;) {
      const v = this.peekNonSpace();
      if (v.typ === T.Variable) {
        this.next();
        const tokenAfterVariable = this.peek();
        const nxt = this.peekNonSpace();
        if (nxt.typ === T.Assign || nxt.typ === T.Declare) {
          pipe.isAssign = nxt.typ === T.Assign;
          this.nextNonSpace();
          pipe.decl.push({ kind: 'variable', pos: v.pos, ident: v.val.split('.') });
          this.vars.push(v.val);
        } else if (nxt.typ === T.Char && nxt.val === ',') {
          this.nextNonSpace();
          pipe.decl.push({ kind: 'variable', pos: v.pos, ident: v.val.split('.') });
          this.vars.push(v.val);
          if (context === 'range' && pipe.decl.length < 2) {
            const p = this.peekNonSpace().typ;
            if (p === T.Variable || p === T.RightDelim || p === T.RightParen) continue decls;
            this.errorf('range can only initialize variables');
          }
          this.errorf(`too many declarations in ${context}`);
        } else if (tokenAfterVariable.typ === T.Space) {
          this.backup3(v, tokenAfterVariable);
        } else {
          this.backup2(v);
        }
      }
      break;
    }
    for (;;) {
      const t = this.nextNonSpace();
      switch (t.typ) {
        case end:
          this.checkPipeline(pipe, context);
          return pipe;
        case T.Bool:
        case T.CharConstant:
        case T.Complex:
        case T.Dot:
        case T.Field:
        case T.Identifier:
        case T.Number:
        case T.Nil:
        case T.RawString:
        case T.String:
        case T.Variable:
        case T.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          break;
        default:
          this.unexpected(t, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    for (let i = 1; i < pipe.cmds.length; i++) {
      const k = pipe.cmds[i]!.args[0]!.kind;
      if (k === 'bool' || k === 'dot' || k === 'nil' || k === 'number' || k === 'string')
        this.errorf(`non executable command in pipeline stage ${i + 1}`);
    }
  }

  private parseControl(allowElseIf: boolean, context: 'if' | 'range' | 'with'): BranchNode {
    const nvars = this.vars.length;
    try {
      const pipe = this.pipeline(context, T.RightDelim);
      if (context === 'range') this.rangeDepth++;
      let [list, next] = this.itemList();
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | null = null;
      if (next.kind === 'else') {
        const chained = allowElseIf && this.peek().typ === (context === 'if' ? T.If : T.With);
        if (chained) {
          // {{if a}}_{{else if b}}_{{end}} is {{if a}}_{{else}}{{if b}}_{{end}}{{end}}; same for with.
          this.next();
          elseList = { kind: 'list', pos: next.pos, nodes: [context === 'if' ? this.ifControl() : this.withControl()] };
        } else {
          [elseList, next] = this.itemList();
          if (next.kind !== 'end') this.errorf(`expected end; found ${nodeString(next)}`);
        }
      }
      return { pos: pipe.pos, line: pipe.line, pipe, list, elseList };
    } finally {
      this.vars.length = nvars;
    }
  }

  private ifControl(): IfNode {
    return { kind: 'if', ...this.parseControl(true, 'if') };
  }
  private rangeControl(): RangeNode {
    return { kind: 'range', ...this.parseControl(false, 'range') };
  }
  private withControl(): WithNode {
    return { kind: 'with', ...this.parseControl(true, 'with') };
  }

  private endControl(): EndNode {
    return { kind: 'end', pos: this.expect(T.RightDelim, 'end').pos };
  }

  private elseControl(): ElseNode {
    const p = this.peekNonSpace();
    if (p.typ === T.If || p.typ === T.With) return { kind: 'else', pos: p.pos, line: p.line };
    const t = this.expect(T.RightDelim, 'else');
    return { kind: 'else', pos: t.pos, line: t.line };
  }

  private parseTemplateName(t: Item, context: string): string {
    if (t.typ === T.String || t.typ === T.RawString) return this.lit(() => unquote(t.val));
    this.unexpected(t, context);
  }

  private blockControl(): TemplateNode {
    const context = 'block clause';
    const t = this.nextNonSpace();
    const name = this.parseTemplateName(t, context);
    const pipe = this.pipeline(context, T.RightDelim);
    const block = new TreeParser(this.set, name);
    const [list, end] = block.itemList();
    if (end.kind !== 'end') block.errorf(`unexpected ${nodeString(end)} in ${context}`);
    block.add(list);
    return { kind: 'template', pos: t.pos, line: t.line, name, pipe };
  }

  private templateControl(): TemplateNode {
    const context = 'template clause';
    const t = this.nextNonSpace();
    const name = this.parseTemplateName(t, context);
    let pipe: PipeNode | null = null;
    if (this.nextNonSpace().typ !== T.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, T.RightDelim);
    }
    return { kind: 'template', pos: t.pos, line: t.line, name, pipe };
  }

  private command(): CommandNode {
    const cmd: CommandNode = { kind: 'command', pos: this.peekNonSpace().pos, args: [] };
    for (;;) {
      this.peekNonSpace();
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const t = this.next();
      if (t.typ === T.Space) continue;
      if (t.typ === T.RightDelim || t.typ === T.RightParen) this.backup();
      else if (t.typ !== T.Pipe) this.unexpected(t, 'operand');
      break;
    }
    if (cmd.args.length === 0) this.errorf('empty command');
    return cmd;
  }

  private operand(): Node | null {
    let node = this.term();
    if (!node) return null;
    if (this.peek().typ === T.Field) {
      const chain: ChainNode = { kind: 'chain', pos: this.peek().pos, node, field: [] };
      while (this.peek().typ === T.Field) chain.field.push(this.next().val.slice(1));
      switch (node.kind) {
        case 'field':
          node = { kind: 'field', pos: chain.pos, ident: [...node.ident, ...chain.field] };
          break;
        case 'variable':
          node = { kind: 'variable', pos: chain.pos, ident: [...node.ident, ...chain.field] };
          break;
        case 'bool':
        case 'string':
        case 'number':
        case 'nil':
        case 'dot':
          this.errorf(`unexpected . after term ${quote(nodeString(node))}`);
        default:
          node = chain;
      }
    }
    return node;
  }

  private term(): Node | null {
    const t = this.nextNonSpace();
    switch (t.typ) {
      case T.Identifier:
        if (!this.set.hasFunction(t.val)) this.errorf(`function ${quote(t.val)} not defined`);
        return { kind: 'identifier', pos: t.pos, ident: t.val };
      case T.Dot:
        return { kind: 'dot', pos: t.pos };
      case T.Nil:
        return { kind: 'nil', pos: t.pos };
      case T.Variable:
        return this.useVar(t.pos, t.val);
      case T.Field:
        return { kind: 'field', pos: t.pos, ident: t.val.slice(1).split('.') };
      case T.Bool:
        return { kind: 'bool', pos: t.pos, value: t.val === 'true' };
      case T.CharConstant:
      case T.Complex:
      case T.Number:
        return this.lit(() => newNumber(t.pos, t.val, t.typ));
      case T.LeftParen:
        return this.pipeline('parenthesized pipeline', T.RightParen);
      case T.String:
      case T.RawString:
        return { kind: 'string', pos: t.pos, quoted: t.val, text: this.lit(() => unquote(t.val)) };
    }
    this.backup();
    return null;
  }

  private useVar(pos: number, name: string): VariableNode {
    const ident = name.split('.');
    if (!this.vars.includes(ident[0]!)) this.errorf(`undefined variable ${quote(ident[0]!)}`);
    return { kind: 'variable', pos, ident };
  }
}

/** parse.IsEmptyTree: only whitespace text (and nothing else) counts as empty. */
function isEmptyTree(n: Node): boolean {
  switch (n.kind) {
    case 'list':
      return n.nodes.every(isEmptyTree);
    case 'text':
      return n.text.trim().length === 0 || /^[ \t\r\n]*$/.test(n.text);
    default:
      return false;
  }
}

/**
 * Parse `text` (a Go string) with the given delimiters. `hasFunction` says which identifiers are
 * functions. Throws ParseFailure.
 */
export function parseTemplate(
  text: string,
  leftDelim: string,
  rightDelim: string,
  hasFunction: (name: string) => boolean,
): ParsedTemplate {
  const lex = new Lexer(text, leftDelim || '{{', rightDelim || '}}', !hasFunction('break'), !hasFunction('continue'));
  const set: ParseSet = { lex, defs: new Map(), hasFunction };
  const main = new TreeParser(set, '');
  try {
    const root = main.parseTop();
    return { text, root, defs: set.defs };
  } catch (e) {
    if (e instanceof Stop) throw e.failure;
    throw e;
  }
}
