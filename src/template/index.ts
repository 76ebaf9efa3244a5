// Public face of the template engine (Go text/template + sprig + ESO's functions).
// The engine in this folder implements these; the rest of eso-render imports only this file.
import { ExecFailure, State } from './exec.js';
import { isStackOverflow, STACK_ENDED } from '../common/stack-overflow.js';
import { Budget, BudgetExceeded, defaultBudget, withBudget } from './budget.js';
import { funcTable, functionDefined, functionIsNondeterministic } from './funcs/index.js';
import { type ListNode, type Node, type ParsedTemplate, ParseFailure, parseTemplate } from './parse.js';
import { binToBytes, binToUtf8, bytesToBin, typedMap, utf8ToBin, type Value } from './values.js';
import { quote } from './fmt.js';

export interface TemplateOptions {
  leftDelim: string;
  rightDelim: string;
  /** ESO uses missingkey=error for template.data/templateFrom/metadata; rewrite.transform does not. */
  missingKey: 'error' | 'default';
  /**
   * Where the template came from, as errors name it (`spec.target.template.data.config`,
   * `templateFrom[0].configMap shop/tpl key app.tmpl`). Default: the template's name.
   */
  origin?: string;
  /**
   * The template's text is itself data (a templateFrom item of a Secret): errors then show nothing of
   * the text (no node, no key name, no parse message), only the position and the kind of failure.
   */
  textIsData?: boolean;
  /** The run's budget (operations, output, deadline); a fresh default budget when not given. */
  budget?: Budget;
}

export { Budget, BudgetExceeded } from './budget.js';
export { FAILURE_KINDS, type FailureKind } from './errors.js';
export { functionNamesIn, loadFunctionGroups } from './funcs/index.js';

export const defaultTemplateOptions: TemplateOptions = { leftDelim: '{{', rightDelim: '}}', missingKey: 'error' };

/**
 * A parse or execution error, worded like Go's (`template: ORIGIN:1:3: executing "ORIGIN" at <.x>: ...`)
 * but built only from what the manifest says: the template's origin, the position, the template text
 * (unless the text is data) and the kind of failure. Never a function's arguments or its own error text.
 */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly kind: 'parse' | 'exec',
    readonly extra: {
      /** The failing function, if a function failed. */
      func?: string;
      /** The kind of failure (errors.ts's vocabulary, or a structural kind). */
      failure?: string;
      /** An exhausted budget. */
      budget?: BudgetExceeded['budget'];
      /** The function's own error text: NEVER printed (it may quote data); for fidelity tests only. */
      internalDetail?: string;
    } = {},
  ) {
    super(message);
    this.name = 'TemplateError';
  }
}

// ---- parse cache --------------------------------------------------------------------------------

/** A cached parse: the trees, or the failure (formatted with the template's name when thrown). */
type CacheEntry = { ok: ParsedTemplate; nondet?: string[] } | { err: ParseFailure };

const MAX_CACHE = 10_000;
// Keyed by options, then by the text itself (no per-call key concatenation of long texts).
const cache = new Map<string, Map<string, CacheEntry>>();
let cached = 0;
let parseCount = 0;

/** How many texts have been parsed (not served from the cache); for tests and benchmarks. */
export function templateParseCount(): number {
  return parseCount;
}

function parsed(text: string, opts: TemplateOptions): CacheEntry {
  // missingKey does not change the tree, but keeping it in the key is cheap and keeps entries apart.
  const optsKey = opts.leftDelim + '\u0000' + opts.rightDelim + '\u0000' + opts.missingKey;
  let byText = cache.get(optsKey);
  let e = byText?.get(text);
  if (e) return e;
  parseCount++;
  try {
    e = { ok: parseTemplate(utf8ToBin(text), opts.leftDelim, opts.rightDelim, functionDefined) };
  } catch (err) {
    // Nesting deep enough to exhaust the JS stack gets Go's parser depth-limit wording.
    if (isStackOverflow(err)) e = { err: new ParseFailure(1, 'max expression depth exceeded') };
    else if (!(err instanceof ParseFailure)) throw err;
    else e = { err };
  }
  if (cached >= MAX_CACHE) {
    cache.clear();
    cached = 0;
    byText = undefined;
  }
  if (!byText) cache.set(optsKey, (byText = new Map()));
  byText.set(text, e);
  cached++;
  return e;
}

function treeFor(name: string, text: string, opts: TemplateOptions): ParsedTemplate {
  const e = parsed(text, opts);
  if ('err' in e) {
    const origin = opts.origin ?? binToUtf8(name);
    // Go's parse messages quote the template's text: shown for manifest text, not for data.
    if (opts.textIsData) throw new TemplateError(`template: ${origin}:${e.err.line}: parse error`, 'parse', { failure: 'parse error' });
    throw new TemplateError(binToUtf8(e.err.format(utf8ToBin(origin))), 'parse', { failure: 'parse error' });
  }
  return e.ok;
}

// ---- execution ----------------------------------------------------------------------------------

/** The message a user sees for an execution failure: nothing in it comes from data. */
function describe(f: ExecFailure, origin: string, textIsData: boolean): string {
  const i = f.info;
  const where = i.line !== undefined ? `${origin}:${i.line}:${i.col}` : origin;
  if (textIsData) {
    // The text is data: neither the node, nor a key or variable name, nor a literal `fail` message.
    return `template: ${where}: ${i.func ? `error calling ${i.func}: ` : ''}${i.kind}`;
  }
  const tmpl = i.template !== undefined ? quote(i.template) : quote(origin);
  return i.context !== undefined ? `template: ${where}: executing ${tmpl} at <${i.context}>: ${i.goMessage}` : `template: ${where}: ${i.goMessage}`;
}

/**
 * Render `text` (template named `name`, as ESO's template.New(key)) against `data` (ESO's
 * map[string]string of provider values, bytes preserved). Returns the output bytes, untrimmed.
 * Throws TemplateError, whose message is built from the origin, the position, the template text (unless
 * `textIsData`) and a fixed vocabulary of failures: never from data.
 */
export function executeTemplate(
  name: string,
  text: string,
  data: ReadonlyMap<string, Uint8Array>,
  opts: TemplateOptions = defaultTemplateOptions,
): Uint8Array {
  return run(name, text, opts, () => {
    const dot = new Map<string, Value>();
    for (const [k, v] of data) dot.set(utf8ToBin(k), bytesToBin(v));
    return typedMap(dot, 'string');
  });
}

/**
 * As executeTemplate, against Go's map[string]map[string]string (the webhook provider's template data:
 * `.remoteRef.key`, `.<secret name>.<key>`).
 */
export function executeTemplateNested(
  name: string,
  text: string,
  data: ReadonlyMap<string, ReadonlyMap<string, Uint8Array>>,
  opts: TemplateOptions = defaultTemplateOptions,
): Uint8Array {
  return run(name, text, opts, () => {
    const dot = new Map<string, Value>();
    for (const [k, inner] of data) {
      const m = new Map<string, Value>();
      for (const [ik, v] of inner) m.set(utf8ToBin(ik), bytesToBin(v));
      dot.set(utf8ToBin(k), typedMap(m, 'string'));
    }
    return typedMap(dot, 'map[string]string');
  });
}

function run(name: string, text: string, opts: TemplateOptions, makeDot: () => Map<string, Value>): Uint8Array {
  const goName = utf8ToBin(name);
  const origin = opts.origin ?? name;
  const budget = opts.budget ?? defaultBudget();
  const fail = (e: unknown): never => {
    if (e instanceof TemplateError) throw e;
    if (e instanceof BudgetExceeded) throw new TemplateError(`template: ${origin}: ${e.message}`, 'exec', { failure: e.message, budget: e.budget });
    // Messages are Go strings (bytes); TemplateError carries readable text.
    if (e instanceof ExecFailure) {
      const i = e.info;
      throw new TemplateError(binToUtf8(describe(e, utf8ToBin(origin), opts.textIsData === true)), 'exec', {
        failure: i.kind,
        ...(i.func !== undefined ? { func: i.func } : {}),
        ...(i.internalDetail !== undefined ? { internalDetail: i.internalDetail } : {}),
      });
    }
    // Go stops at 100,000 nested template calls; here the JavaScript stack ends first, at a depth that
    // depends on what each call nests and on V8's compiler (docs/templates.md, "Deep nesting").
    if (isStackOverflow(e)) throw new TemplateError(`template: ${origin}: ${STACK_ENDED}`, 'exec', { failure: 'template calls nest too deep' });
    throw e;
  };
  try {
    budget.checkTime();
    budget.charge(1 + (text.length >> 6));
    const pt = treeFor(goName, text, opts);
    const dot = makeDot();
    const root = mainTree(origin, goName, pt, opts.textIsData === true);
    const state = new State(pt, goName, funcTable(), opts.missingKey === 'error', budget);
    return binToBytes(withBudget(budget, () => state.run(root, dot)));
  } catch (e) {
    return fail(e);
  }
}

/** The tree to run: a {{define}} with the template's own name replaces an empty main body, as in Go. */
function mainTree(origin: string, goName: string, pt: ParsedTemplate, textIsData = false): ListNode {
  const own = pt.defs.get(goName);
  if (!own) return pt.root;
  if (!isEmpty(pt.root)) {
    const msg = textIsData ? 'parse error' : `template: multiple definition of template ${quote(origin)}`;
    throw new TemplateError(`template: ${origin}: ${msg}`, 'parse', { failure: 'parse error' });
  }
  return own;
}

function isEmpty(n: Node): boolean {
  if (n.kind === 'list') return n.nodes.every(isEmpty);
  if (n.kind === 'text') return /^[ \t\r\n\v\f]*$/.test(n.text);
  return false;
}

/** Parse only (for `validate`); throws TemplateError on a parse error. */
export function checkTemplate(name: string, text: string, opts: TemplateOptions = defaultTemplateOptions): void {
  const goName = utf8ToBin(name);
  mainTree(opts.origin ?? name, goName, treeFor(goName, text, opts), opts.textIsData === true);
}

/** Names of non-deterministic functions (now, rand*, uuidv4, genCA, bcrypt, ...) the template calls. */
export function nondeterministicFunctions(text: string, opts: TemplateOptions = defaultTemplateOptions): string[] {
  const e = parsed(text, opts);
  if ('err' in e) return [];
  if (e.nondet) return e.nondet;
  const found = new Set<string>();
  const visit = (n: Node | null): void => {
    if (!n) return;
    switch (n.kind) {
      case 'list':
        n.nodes.forEach(visit);
        return;
      case 'action':
        visit(n.pipe);
        return;
      case 'pipe':
        n.cmds.forEach(visit);
        return;
      case 'command': {
        // htpasswd is random only with bcrypt. Its algorithm is a sprig.HashAlgorithm, which only a string
        // constant converts to (anything else fails to render), so the tree tells exactly: "sha" is not random.
        const [f, , , algo] = n.args;
        if (f?.kind === 'identifier' && f.ident === 'htpasswd' && algo?.kind === 'string' && algo.text === 'sha') {
          n.args.slice(1).forEach(visit);
          return;
        }
        n.args.forEach(visit);
        return;
      }
      case 'chain':
        visit(n.node);
        return;
      case 'identifier':
        if (functionIsNondeterministic(n.ident)) found.add(n.ident);
        return;
      case 'if':
      case 'range':
      case 'with':
        visit(n.pipe);
        visit(n.list);
        visit(n.elseList);
        return;
      case 'template':
        visit(n.pipe);
        return;
    }
  };
  visit(e.ok.root);
  for (const d of e.ok.defs.values()) visit(d);
  e.nondet = [...found].sort();
  return e.nondet;
}
