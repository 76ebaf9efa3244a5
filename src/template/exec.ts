// Executor for parsed Go templates: walks the tree as Go's text/template exec.go does (variables,
// pipelines, field chains, if/range/with, template calls, reflect-like argument checking) and words
// its errors the same way. Inside the executor `undefined` is Go's invalid reflect.Value (a missing
// map key, a nil pipeline result) and `null` is a nil interface value found in a container.
import { isStackOverflow } from '../common/stack-overflow.js';
import { compareBin, formatFloat, quote, sprint } from './fmt.js';
import { type Budget, BudgetExceeded } from './budget.js';
import { classifyFailure, type FailureKind } from './errors.js';
import { afterCall, beforeCall, chargeSize } from './guards.js';
import {
  type ChainNode,
  type CommandNode,
  type FieldNode,
  type IdentifierNode,
  type ListNode,
  type Node,
  type NumberNode,
  type ParsedTemplate,
  type PipeNode,
  type RangeNode,
  type TemplateNode,
  type VariableNode,
  nodeString,
} from './parse.js';
import {
  GoFloat32,
  GoInt,
  type GoMethod,
  GoObject,
  type IntKind,
  type Value,
  elemType,
  goTypeName,
  isTrue,
  nilMap,
  nilSlice,
  typedMap,
  typedSlice,
  zeroValue,
} from './values.js';

/** A value inside the executor: `undefined` is Go's invalid reflect.Value. */
export type XV = Value | undefined;

/** Marks "no piped value" (Go's missingVal). */
const MISSING: unique symbol = Symbol('missing');
type Final = XV | typeof MISSING;

/** A function ready to call: its Go signature parsed once. */
export interface Compiled {
  name: string;
  params: string[];
  variadic: string | null;
  result: string | null;
  returnsError: boolean;
  fn: (...args: any[]) => unknown;
  /** Builtins whose Go parameters are reflect.Value receive executor values (undefined = invalid). */
  builtin: boolean;
  nondeterministic: boolean;
}

export type FuncTable = ReadonlyMap<string, Compiled>;

// ---- signatures ---------------------------------------------------------------------------------

function normType(t: string): string {
  t = t.trim();
  if (t.startsWith('...')) return '...' + normType(t.slice(3));
  t = t.replace(/interface\s*\{\s*\}/g, 'interface {}').replace(/\bany\b/g, 'interface {}');
  t = t.replace(/\[\]byte\b/g, '[]uint8').replace(/^byte$/, 'uint8').replace(/^rune$/, 'int32');
  return t;
}

/** Split at top-level commas (outside brackets and braces). */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(' || ch === '[' || ch === '{') depth++;
    else if (ch === ')' || ch === ']' || ch === '}') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
    } else cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** Split "name type" (types never contain a space outside `interface {}` and `func(...)`). */
function splitNameType(p: string): [string | null, string] {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)\s+(\S.*)$/.exec(p);
  if (m && !/^(map|func|chan|interface)$/.test(m[1]!)) return [m[1]!, m[2]!];
  return [null, p];
}

export interface ParsedSig {
  params: string[];
  variadic: string | null;
  result: string | null;
  returnsError: boolean;
}

const sigCache = new Map<string, ParsedSig>();

/** Parse a Go func signature such as `func(string, ...interface{}) (string, error)`. */
export function parseSig(sig: string): ParsedSig {
  const cached = sigCache.get(sig);
  if (cached) return cached;
  const s = sig.trim();
  if (!s.startsWith('func(')) throw new Error(`bad function signature: ${sig}`);
  let depth = 0;
  let close = -1;
  for (let i = 4; i < s.length; i++) {
    if (s[i] === '(') depth++;
    else if (s[i] === ')' && --depth === 0) {
      close = i;
      break;
    }
  }
  if (close < 0) throw new Error(`bad function signature: ${sig}`);
  const rawParams = splitTop(s.slice(5, close));
  // Resolve grouped names: `a, b string` means two strings.
  const named = rawParams.map(splitNameType);
  const anyNamed = named.some(([n]) => n !== null);
  const types: string[] = [];
  if (anyNamed) {
    let pending = 0;
    for (const [n, t] of named) {
      if (n === null) pending++;
      else {
        for (let k = 0; k <= pending; k++) types.push(t);
        pending = 0;
      }
    }
  } else types.push(...named.map(([, t]) => t));
  const norm = types.map(normType);
  let variadic: string | null = null;
  if (norm.length && norm[norm.length - 1]!.startsWith('...')) variadic = norm.pop()!.slice(3);
  let res = s.slice(close + 1).trim();
  if (res.startsWith('(')) res = res.slice(1, -1);
  const results = res ? splitTop(res).map((r) => normType(splitNameType(r)[1])) : [];
  let returnsError = false;
  if (results.length && results[results.length - 1] === 'error') {
    results.pop();
    returnsError = true;
  }
  const parsed = { params: norm, variadic, result: results[0] ?? null, returnsError };
  sigCache.set(sig, parsed);
  return parsed;
}

export function compile(
  name: string,
  sig: string,
  fn: (...args: any[]) => unknown,
  opts: { builtin?: boolean; nondeterministic?: boolean } = {},
): Compiled {
  const p = parseSig(sig);
  return { name, ...p, fn, builtin: !!opts.builtin, nondeterministic: !!opts.nondeterministic };
}

// ---- Go types of values -------------------------------------------------------------------------

const INT_KINDS = new Set(['int', 'int8', 'int16', 'int32', 'int64']);
const UINT_KINDS = new Set(['uint', 'uint8', 'uint16', 'uint32', 'uint64', 'uintptr']);

/** Named types in function signatures and their underlying kinds (literal arguments convert to them). */
const NAMED_KINDS: Record<string, string> = { 'sprig.HashAlgorithm': 'string', 'time.Duration': 'int64' };

function canBeNil(t: string): boolean {
  return (
    t === 'interface {}' ||
    t === 'error' ||
    t.startsWith('*') ||
    t.startsWith('[]') ||
    t.startsWith('map[') ||
    t.startsWith('func') ||
    t.startsWith('chan')
  );
}

function zeroOf(t: string): Value {
  if (t.startsWith('[]')) return t === '[]uint8' ? new Uint8Array(0) : nilSlice(t.slice(2));
  if (t.startsWith('map[string]')) return nilMap(t.slice(11));
  return zeroValue(t);
}

const INT_RANGES: Record<string, [bigint, bigint]> = {
  int: [-(1n << 63n), (1n << 63n) - 1n],
  int8: [-128n, 127n],
  int16: [-32768n, 32767n],
  int32: [-(1n << 31n), (1n << 31n) - 1n],
  int64: [-(1n << 63n), (1n << 63n) - 1n],
  uint: [0n, (1n << 64n) - 1n],
  uint8: [0n, 255n],
  uint16: [0n, 65535n],
  uint32: [0n, (1n << 32n) - 1n],
  uint64: [0n, (1n << 64n) - 1n],
  uintptr: [0n, (1n << 64n) - 1n],
};

function makeInt(kind: string, v: bigint): Value {
  // Wrap to the kind's width as a Go conversion would.
  const r = INT_RANGES[kind];
  if (r && (v < r[0] || v > r[1])) {
    const bits = BigInt(kind === 'int8' || kind === 'uint8' ? 8 : kind.endsWith('16') ? 16 : kind.endsWith('32') ? 32 : 64);
    v = UINT_KINDS.has(kind) ? BigInt.asUintN(Number(bits), v) : BigInt.asIntN(Number(bits), v);
  }
  return kind === 'int' ? v : new GoInt(kind as IntKind, v);
}

/** Tag a function's plain JS result with its Go result type. */
function tagResult(r: unknown, t: string | null): Value {
  if (r === undefined || t === null) return (r ?? null) as Value;
  if (INT_KINDS.has(t) || UINT_KINDS.has(t)) {
    if (typeof r === 'bigint') return makeInt(t, r);
    if (r instanceof GoInt) return makeInt(t, r.v);
    if (typeof r === 'number') return makeInt(t, BigInt(Math.trunc(r)));
    return r as Value;
  }
  if (t === 'float32' && typeof r === 'number') return new GoFloat32(r);
  if (t.startsWith('[]') && Array.isArray(r)) return typedSlice(r as Value[], t.slice(2));
  if (t.startsWith('map[string]') && r instanceof Map) return typedMap(r as Map<string, Value>, t.slice(11));
  return r as Value;
}

/** Convert a checked argument to what `fn` receives (plain bigint for any int kind, etc.). */
function toFnArg(v: XV, t: string): unknown {
  if (t === 'reflect.Value') return v;
  if (v === undefined) return null;
  if (v instanceof GoInt && (INT_KINDS.has(t) || UINT_KINDS.has(t))) return v.v;
  if (v instanceof GoFloat32 && t === 'float32') return v.v;
  return v;
}

function assignable(v: Value, t: string): boolean {
  if (t === 'interface {}') return true;
  if (v === null) return false;
  if (v instanceof GoObject) return v.goType() === t;
  return goTypeName(v) === t;
}

// ---- errors -------------------------------------------------------------------------------------

/** What kind of structural failure (not a function's) an execution error is; printed for data templates. */
export type StructureKind =
  | 'missing key'
  | 'undefined variable'
  | 'not a function'
  | 'cannot iterate'
  | 'template not defined'
  | 'template calls nest too deep'
  | 'invalid field'
  | 'invalid constant'
  | 'execution error';

/**
 * An execution error. `message` is Go's wording with a function's own error replaced by its kind, so it
 * holds only template text and type names; index.ts decides how much of it a user sees.
 */
export class ExecFailure extends Error {
  constructor(
    message: string,
    readonly info: {
      line?: number;
      col?: number;
      /** The {{define}}d template running, when not the main one. */
      template?: string;
      /** The node at fault, as Go prints it (template text). */
      context?: string;
      /** Go's message after the position and context: template text and types only. */
      goMessage: string;
      kind: StructureKind | FailureKind;
      /** The function that failed. */
      func?: string;
      /** `fail` with a message written as a string literal: the author's text (shown for manifest templates). */
      literalFail?: string;
      /** What the function's own error said: never printed, kept for the engine's own fidelity tests. */
      internalDetail?: string;
    },
  ) {
    super(message);
  }
}

class BreakSignal {}
class ContinueSignal {}
const BREAK = new BreakSignal();
const CONTINUE = new ContinueSignal();

const MAX_EXEC_DEPTH = 100000;

interface Variable {
  name: string;
  value: XV;
  /** Holds a range element whose static type is interface{} (for error wording). */
  iface?: boolean;
}

// ---- the executor -------------------------------------------------------------------------------

export class State {
  out = '';
  private vars: Variable[] = [];
  private node: Node | null = null;
  private tmplName: string;
  private depth = 0;
  /** Dot's static type is interface{} (an element ranged over from an untyped list or map). */
  private dotIface = false;
  /** The command before the current one in its pipeline was a lone string literal (`"text" | fail`). */
  private pipedLiteral = false;

  constructor(
    private readonly pt: ParsedTemplate,
    private readonly parseName: string,
    private readonly funcs: FuncTable,
    private readonly missingKeyError: boolean,
    private readonly budget: Budget,
  ) {
    this.tmplName = parseName;
  }

  private emit(s: string): void {
    this.budget.output(s.length);
    this.out += s;
  }

  run(root: ListNode, dot: XV): string {
    this.vars = [{ name: '$', value: dot }];
    this.walk(dot, root);
    return this.out;
  }

  // -- errors --
  private at(n: Node): void {
    this.node = n;
  }

  errorf(msg: string, kind: StructureKind | FailureKind = 'execution error', extra: { func?: string; literalFail?: string; internalDetail?: string } = {}): never {
    if (!this.node) throw new ExecFailure(`template: ${this.tmplName}: ${msg}`, { goMessage: msg, kind, ...extra });
    const pos = this.node.pos;
    const before = this.pt.text.slice(0, pos);
    const nl = before.lastIndexOf('\n');
    const col = nl < 0 ? pos : pos - (nl + 1);
    let lines = 1;
    for (let i = before.indexOf('\n'); i >= 0; i = before.indexOf('\n', i + 1)) lines++;
    const context = nodeString(this.node);
    throw new ExecFailure(`template: ${this.parseName}:${lines}:${col}: executing ${quote(this.tmplName)} at <${context}>: ${msg}`, {
      line: lines,
      col,
      ...(this.tmplName !== this.parseName ? { template: this.tmplName } : {}),
      context,
      goMessage: msg,
      kind,
      ...extra,
    });
  }

  // -- variables --
  private mark(): number {
    return this.vars.length;
  }
  private pop(mark: number): void {
    this.vars.length = mark;
  }
  private push(name: string, value: XV): void {
    this.vars.push({ name, value });
  }
  private setVar(name: string, value: XV): void {
    for (let i = this.vars.length - 1; i >= 0; i--) {
      if (this.vars[i]!.name === name) {
        this.vars[i]!.value = value;
        return;
      }
    }
    this.errorf(`undefined variable: ${name}`, 'undefined variable');
  }
  private setTopVar(n: number, value: XV, iface = false): void {
    const v = this.vars[this.vars.length - n]!;
    v.value = value;
    v.iface = iface;
  }
  private variable(name: string): Variable {
    for (let i = this.vars.length - 1; i >= 0; i--) if (this.vars[i]!.name === name) return this.vars[i]!;
    this.errorf(`undefined variable: ${name}`, 'undefined variable');
  }

  // -- statements --
  private walk(dot: XV, node: Node): void {
    this.at(node);
    this.budget.charge();
    switch (node.kind) {
      case 'action': {
        const val = this.evalPipeline(dot, node.pipe);
        if (node.pipe.decl.length === 0) {
          this.at(node);
          if (typeof val === 'object' && val !== null) chargeSize(val, this.budget);
          this.emit(val === undefined || val === null ? '<no value>' : sprint(val));
        }
        return;
      }
      case 'break':
        throw BREAK;
      case 'continue':
        throw CONTINUE;
      case 'if':
      case 'with': {
        const mark = this.mark();
        const val = this.evalPipeline(dot, node.pipe);
        if (isTrue(val)) {
          if (node.kind === 'with') this.walkWithDot(val, false, node.list);
          else this.walk(dot, node.list);
        }
        else if (node.elseList) this.walk(dot, node.elseList);
        this.pop(mark);
        return;
      }
      case 'list':
        for (const n of node.nodes) this.walk(dot, n);
        return;
      case 'range':
        return this.walkRange(dot, node);
      case 'template':
        return this.walkTemplate(dot, node);
      case 'text':
        this.emit(node.text);
        return;
    }
    this.errorf(`unknown node: ${nodeString(node)}`);
  }

  private walkWithDot(dot: XV, iface: boolean, list: ListNode): void {
    const saved = this.dotIface;
    this.dotIface = iface;
    try {
      this.walk(dot, list);
    } finally {
      this.dotIface = saved;
    }
  }

  private walkRange(dot: XV, r: RangeNode): void {
    this.at(r);
    const outer = this.mark();
    try {
      const val = this.evalPipeline(dot, r.pipe);
      const mark = this.mark();
      const decl = r.pipe.decl;
      const one = (index: XV, elem: XV): void => {
        if (decl.length > 0) {
          if (r.pipe.isAssign) this.setVar(decl[0]!.ident[0]!, decl.length > 1 ? index : elem);
          else this.setTopVar(1, elem, elemIface);
        }
        if (decl.length > 1) {
          if (r.pipe.isAssign) this.setVar(decl[1]!.ident[0]!, elem);
          else this.setTopVar(2, index);
        }
        this.budget.charge();
        try {
          this.walkWithDot(elem, elemIface, r.list);
        } catch (e) {
          if (e !== CONTINUE) throw e;
        } finally {
          this.pop(mark);
        }
      };
      let ran = false;
      let elemIface = false;
      if (val === undefined || val === null) {
        // An invalid value (nil) is not an error: run the else branch.
      } else if (Array.isArray(val)) {
        const iface = elemType(val) === 'interface {}';
        elemIface = iface;
        for (let i = 0; i < val.length; i++) {
          ran = true;
          const el = val[i];
          one(BigInt(i), el === undefined ? (iface ? null : undefined) : el);
        }
      } else if (val instanceof Uint8Array) {
        for (let i = 0; i < val.length; i++) {
          ran = true;
          one(BigInt(i), new GoInt('uint8', BigInt(val[i]!)));
        }
      } else if (val instanceof Map) {
        const keys = [...val.keys()].sort(compareBin);
        elemIface = elemType(val) === 'interface {}';
        for (const k of keys) {
          ran = true;
          one(k, val.get(k) ?? null);
        }
      } else if (typeof val === 'bigint' || val instanceof GoInt) {
        // Go 1.22+: range over an integer.
        if (decl.length > 1) this.errorf(`can't use ${redact(val)} to iterate over more than one variable`, 'cannot iterate');
        const n = typeof val === 'bigint' ? val : val.v;
        for (let i = 0n; i < n; i++) {
          ran = true;
          one(undefined, typeof val === 'bigint' ? i : new GoInt(val.kind, i));
        }
      } else {
        this.errorf(`range can't iterate over ${redact(val)}`, 'cannot iterate');
      }
      if (!ran && r.elseList) this.walk(dot, r.elseList);
    } catch (e) {
      if (e !== BREAK) throw e;
    } finally {
      this.pop(outer);
    }
  }

  private walkTemplate(dot: XV, t: TemplateNode): void {
    this.at(t);
    let root = this.pt.defs.get(t.name);
    if (!root && t.name === this.parseName) root = this.pt.root;
    if (!root) this.errorf(`template ${quote(t.name)} not defined`, 'template not defined');
    if (this.depth === MAX_EXEC_DEPTH) this.errorf(`exceeded maximum template depth (${MAX_EXEC_DEPTH})`, 'template calls nest too deep');
    this.budget.charge();
    const newDot = this.evalPipeline(dot, t.pipe);
    const saved = { vars: this.vars, name: this.tmplName };
    this.depth++;
    this.tmplName = t.name;
    this.vars = [{ name: '$', value: newDot }];
    try {
      this.walkWithDot(newDot, false, root);
    } finally {
      this.depth--;
      this.vars = saved.vars;
      this.tmplName = saved.name;
    }
  }

  // -- expressions --
  private evalPipeline(dot: XV, pipe: PipeNode | null): XV {
    if (!pipe) return undefined;
    this.at(pipe);
    let value: Final = MISSING;
    let prev: CommandNode | undefined;
    for (const cmd of pipe.cmds) {
      this.pipedLiteral = prev !== undefined && prev.args.length === 1 && prev.args[0]!.kind === 'string';
      prev = cmd;
      value = this.evalCommand(dot, cmd, value);
      // A nil interface result becomes an invalid value (Go digs into interface{} results).
      if (value === null) value = undefined;
    }
    const v = value === MISSING ? undefined : value;
    for (const variable of pipe.decl) {
      if (pipe.isAssign) this.setVar(variable.ident[0]!, v);
      else this.push(variable.ident[0]!, v);
    }
    return v;
  }

  private notAFunction(args: Node[], final: Final): void {
    if (args.length > 1 || final !== MISSING) this.errorf(`can't give argument to non-function ${nodeString(args[0]!)}`, 'not a function');
  }

  private evalCommand(dot: XV, cmd: CommandNode, final: Final): XV {
    const first = cmd.args[0]!;
    switch (first.kind) {
      case 'field':
        return this.evalFieldNode(dot, first, cmd.args, final);
      case 'chain':
        return this.evalChainNode(dot, first, cmd.args, final);
      case 'identifier':
        return this.evalFunction(dot, first, cmd, cmd.args, final);
      case 'pipe':
        this.notAFunction(cmd.args, final);
        return this.evalPipeline(dot, first);
      case 'variable':
        return this.evalVariableNode(dot, first, cmd.args, final);
    }
    this.at(first);
    this.notAFunction(cmd.args, final);
    switch (first.kind) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        this.errorf('nil is not a command', 'nil value');
      case 'number':
        return this.idealConstant(first);
      case 'string':
        return first.text;
    }
    this.errorf(`can't evaluate command ${quote(nodeString(first))}`);
  }

  private idealConstant(c: NumberNode): XV {
    this.at(c);
    if (c.isComplex) return new GoComplex(c.complex[0], c.complex[1]);
    const isHexInt = c.text.length > 2 && c.text[0] === '0' && (c.text[1] === 'x' || c.text[1] === 'X') && !/[pP]/.test(c.text);
    const isRuneInt = c.text[0] === "'";
    if (c.isFloat && !isHexInt && !isRuneInt && /[.eEpP]/.test(c.text)) return c.float64;
    if (c.isInt) return c.int64;
    if (c.isUint) this.errorf(`${c.text} overflows int`, 'invalid constant');
    return undefined;
  }

  private evalFieldNode(dot: XV, field: FieldNode, args: Node[] | null, final: Final): XV {
    this.at(field);
    return this.evalFieldChain(dot, dot, field, field.ident, args, final, this.dotIface);
  }

  private evalChainNode(dot: XV, chain: ChainNode, args: Node[] | null, final: Final): XV {
    this.at(chain);
    if (chain.node.kind === 'nil') this.errorf(`indirection through explicit nil in ${nodeString(chain)}`, 'nil value');
    const pipe = this.evalArg(dot, null, chain.node);
    return this.evalFieldChain(dot, pipe, chain, chain.field, args, final, false);
  }

  private evalVariableNode(dot: XV, v: VariableNode, args: Node[] | null, final: Final): XV {
    this.at(v);
    const variable = this.variable(v.ident[0]!);
    if (v.ident.length === 1) {
      this.notAFunction(args ?? [v], final);
      return variable.value;
    }
    return this.evalFieldChain(dot, variable.value, v, v.ident.slice(1), args, final, !!variable.iface);
  }

  private evalFieldChain(
    dot: XV,
    receiver: XV,
    node: Node,
    ident: string[],
    args: Node[] | null,
    final: Final,
    iface: boolean,
  ): XV {
    const n = ident.length;
    for (let i = 0; i < n - 1; i++) {
      const next = this.evalField(dot, ident[i]!, node, null, MISSING, receiver, iface);
      // A value taken out of a map[string]interface{} has the static type interface{}.
      iface = receiver instanceof Map && elemType(receiver) === 'interface {}';
      receiver = next;
    }
    return this.evalField(dot, ident[n - 1]!, node, args, final, receiver, iface);
  }

  private evalField(
    dot: XV,
    fieldName: string,
    node: Node,
    args: Node[] | null,
    final: Final,
    receiver: XV,
    iface: boolean,
  ): XV {
    if (receiver === undefined) {
      if (this.missingKeyError) this.errorf(`nil data; no entry for key ${quote(fieldName)}`, 'missing key');
      return undefined;
    }
    if (receiver === null) this.errorf(`nil pointer evaluating interface {}.${fieldName}`, 'nil value');
    const hasArgs = (args !== null && args.length > 1) || final !== MISSING;
    if (receiver instanceof GoObject) {
      const m = receiver.member(fieldName);
      if (m && 'fn' in m) {
        const c = compile(fieldName, (m as GoMethod).sig, (m as GoMethod).fn);
        return this.evalCall(dot, c, node, fieldName, args, final);
      }
      if (m) {
        if (hasArgs) this.errorf(`${fieldName} has arguments but cannot be invoked as function`, 'not a function');
        return m.field;
      }
    } else if (receiver instanceof Map) {
      if (hasArgs) this.errorf(`${fieldName} is not a method but has arguments`, 'not a function');
      const result = receiver.get(fieldName);
      if (result === undefined) {
        if (this.missingKeyError) this.errorf(`map has no entry for key ${quote(fieldName)}`, 'missing key');
        return undefined;
      }
      return result;
    }
    this.errorf(`can't evaluate field ${fieldName} in type ${iface ? 'interface {}' : goTypeName(receiver)}`, 'invalid field');
  }

  private evalFunction(dot: XV, node: IdentifierNode, cmd: Node, args: Node[] | null, final: Final): XV {
    this.at(node);
    const fn = this.funcs.get(node.ident);
    if (!fn) this.errorf(`${quote(node.ident)} is not a defined function`, 'not a function');
    return this.evalCall(dot, fn, cmd, node.ident, args, final);
  }

  private evalCall(dot: XV, fn: Compiled, node: Node, name: string, args: Node[] | null, final: Final): XV {
    const argNodes = args ? args.slice(1) : [];
    let numIn = argNodes.length;
    if (final !== MISSING) numIn++;
    let numFixed = argNodes.length;
    if (fn.variadic !== null) {
      numFixed = fn.params.length;
      if (numIn < numFixed)
        this.errorf(`wrong number of args for ${name}: want at least ${fn.params.length} got ${argNodes.length}`, 'wrong number of arguments', { func: name });
    } else if (numIn !== fn.params.length) {
      this.errorf(`wrong number of args for ${name}: want ${fn.params.length} got ${numIn}`, 'wrong number of arguments', { func: name });
    }
    this.budget.charge();

    if (fn.builtin && (name === 'and' || name === 'or')) {
      // and/or short-circuit: stop at the first false/true argument and return it.
      let v: XV = undefined;
      for (const a of argNodes) {
        v = this.evalArg(dot, 'reflect.Value', a);
        if (isTrue(v) === (name === 'or')) return v;
      }
      if (final !== MISSING) v = this.validateType(final, 'reflect.Value');
      return v;
    }

    const argv: XV[] = [];
    const types: string[] = [];
    let i = 0;
    for (; i < numFixed && i < argNodes.length; i++) {
      argv.push(this.evalArg(dot, fn.params[i]!, argNodes[i]!));
      types.push(fn.params[i]!);
    }
    if (fn.variadic !== null) {
      for (; i < argNodes.length; i++) {
        argv.push(this.evalArg(dot, fn.variadic, argNodes[i]!));
        types.push(fn.variadic);
      }
    }
    if (final !== MISSING) {
      let t = fn.variadic !== null ? fn.variadic : fn.params[fn.params.length - 1]!;
      if (fn.variadic !== null && numIn - 1 < numFixed) t = fn.params[numIn - 1]!;
      argv.push(this.validateType(final, t));
      types.push(t);
    }
    const literal = name === 'fail' && ((argNodes.length === 1 && argNodes[0]!.kind === 'string' && final === MISSING) || (argNodes.length === 0 && this.pipedLiteral));
    let r: unknown;
    try {
      const fnArgs = argv.map((v, k) => toFnArg(v, types[k]!));
      beforeCall(name, fnArgs, this.budget);
      r = fn.fn(...fnArgs);
      // A function that catches errors (the non-must variants) must not swallow an exhausted budget.
      this.budget.check();
      afterCall(r, this.budget);
    } catch (e) {
      if (e instanceof ExecFailure || e instanceof BudgetExceeded || isStackOverflow(e)) throw e;
      this.at(node);
      const detail = e instanceof Error ? e.message : String(e);
      if (name === 'fail') {
        // The message is shown only when written in the template; one computed at run time may hold data.
        const shown = literal && typeof argv[0] === 'string' ? argv[0] : undefined;
        this.errorf(`error calling fail: ${shown ?? 'message computed from data, not shown'}`, 'function failed', {
          func: name,
          ...(shown !== undefined ? { literalFail: shown } : {}),
          internalDetail: detail,
        });
      }
      const kind = classifyFailure(name, e);
      this.errorf(`error calling ${name}: ${kind}`, kind, { func: name, internalDetail: detail });
    }
    if (fn.builtin && fn.result === 'reflect.Value') return r as XV;
    return tagResult(r, fn.result);
  }

  private validateType(value: XV | typeof MISSING, typ: string | null): XV {
    if (value === MISSING) value = undefined;
    if (value === undefined) {
      // reflect.Value parameters (the builtins) receive the invalid value itself.
      if (typ === null || typ === 'reflect.Value') return undefined;
      if (canBeNil(typ)) return zeroOf(typ);
      this.errorf(`invalid value; expected ${typ}`, 'wrong type of argument');
    }
    if (typ === null || typ === 'reflect.Value' || typ === 'interface {}') return value;
    if (value !== null && assignable(value, typ)) return value;
    this.errorf(`wrong type for value; expected ${typ}; got ${value === null ? 'interface {}' : goTypeName(value)}`, 'wrong type of argument');
  }

  private evalArg(dot: XV, typ: string | null, n: Node): XV {
    this.at(n);
    switch (n.kind) {
      case 'dot':
        return this.validateType(dot, typ);
      case 'nil':
        if (typ === 'reflect.Value') return undefined;
        if (typ !== null && canBeNil(typ)) return zeroOf(typ);
        this.errorf(`cannot assign nil to ${typ}`, 'wrong type of argument');
      case 'field':
        return this.validateType(this.evalFieldNode(dot, n, [n], MISSING), typ);
      case 'variable':
        return this.validateType(this.evalVariableNode(dot, n, null, MISSING), typ);
      case 'pipe':
        return this.validateType(this.evalPipeline(dot, n), typ);
      case 'identifier':
        return this.validateType(this.evalFunction(dot, n, n, null, MISSING), typ);
      case 'chain':
        return this.validateType(this.evalChainNode(dot, n, null, MISSING), typ);
    }
    if (typ === null) this.errorf(`can't handle ${nodeString(n)} for arg of type <nil>`, 'wrong type of argument');
    if (typ === 'bool') {
      if (n.kind === 'bool') return n.value;
      this.errorf(`expected bool; found ${nodeString(n)}`, 'wrong type of argument');
    }
    if (typ === 'float64' || typ === 'float32') {
      if (n.kind === 'number' && n.isFloat) return typ === 'float64' ? n.float64 : new GoFloat32(Math.fround(n.float64));
      this.errorf(`expected float; found ${nodeString(n)}`, 'wrong type of argument');
    }
    if (INT_KINDS.has(typ)) {
      if (n.kind === 'number' && n.isInt) return makeInt(typ, n.int64);
      this.errorf(`expected integer; found ${nodeString(n)}`, 'wrong type of argument');
    }
    if (NAMED_KINDS[typ] === 'int64') {
      // A constant converts to a named integer type (time.Duration); the method receives its int64.
      if (n.kind === 'number' && n.isInt) return n.int64;
      this.errorf(`expected integer; found ${nodeString(n)}`);
    }
    if (UINT_KINDS.has(typ)) {
      if (n.kind === 'number' && n.isUint) return makeInt(typ, n.uint64);
      this.errorf(`expected unsigned integer; found ${nodeString(n)}`, 'wrong type of argument');
    }
    if (typ === 'string' || NAMED_KINDS[typ] === 'string') {
      if (n.kind === 'string') return n.text;
      this.errorf(`expected string; found ${nodeString(n)}`, 'wrong type of argument');
    }
    if (typ === 'interface {}' || typ === 'reflect.Value') return this.evalEmptyInterface(dot, n);
    this.errorf(`can't handle ${nodeString(n)} for arg of type ${typ}`, 'wrong type of argument');
  }

  private evalEmptyInterface(dot: XV, n: Node): XV {
    this.at(n);
    switch (n.kind) {
      case 'bool':
        return n.value;
      case 'number':
        return this.idealConstant(n);
      case 'string':
        return n.text;
    }
    this.errorf(`can't handle assignment of ${nodeString(n)} to empty interface argument`, 'wrong type of argument');
  }
}

/** A complex128 constant (only literals make them); prints as fmt does: (r+ii). */
export class GoComplex extends GoObject {
  constructor(
    readonly re: number,
    readonly im: number,
  ) {
    super();
  }
  goType(): string {
    return 'complex128';
  }
  goKind(): string {
    return 'complex128';
  }
  goString(): string {
    const im = formatFloat(this.im, 'g', -1);
    return `(${formatFloat(this.re, 'g', -1)}${im[0] === '-' || im[0] === '+' ? im : '+' + im}i)`;
  }
  override truthy(): boolean {
    return this.re !== 0 || this.im !== 0;
  }
}


/** What Go would print as a value inside an error message, without the value itself. */
export function redact(v: XV): string {
  if (v === undefined || v === null) return '<nil>';
  return `<${goTypeName(v)} value>`;
}
