// Public face of the template engine (Go text/template + sprig + ESO's functions).
// The engine in this folder implements these; the rest of eso-render imports only this file.
import { ExecFailure, State, isStackOverflow } from './exec.js';
import { funcTable } from './funcs/index.js';
import { type ListNode, type Node, type ParsedTemplate, ParseFailure, parseTemplate } from './parse.js';
import { binToBytes, binToUtf8, bytesToBin, typedMap, utf8ToBin, type Value } from './values.js';

export interface TemplateOptions {
  leftDelim: string;
  rightDelim: string;
  /** ESO uses missingkey=error for template.data/templateFrom/metadata; rewrite.transform does not. */
  missingKey: 'error' | 'default';
}

export const defaultTemplateOptions: TemplateOptions = { leftDelim: '{{', rightDelim: '}}', missingKey: 'error' };

/** A parse or execution error, worded like Go's (`template: key:1:3: executing "key" at <.x>: ...`). */
export class TemplateError extends Error {
  constructor(
    message: string,
    readonly kind: 'parse' | 'exec',
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
  const fns = funcTable();
  try {
    e = { ok: parseTemplate(utf8ToBin(text), opts.leftDelim, opts.rightDelim, (n) => fns.has(n)) };
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
  if ('err' in e) throw new TemplateError(binToUtf8(e.err.format(name)), 'parse');
  return e.ok;
}

// ---- execution ----------------------------------------------------------------------------------

/** Replace data values that an error message would otherwise repeat (e.g. from a function's error). */
function scrub(msg: string, data: ReadonlyMap<string, string>, templateText: string): string {
  // `fail` prints whatever it is given. A message written in the template is the author's and is kept;
  // any other was computed, possibly from a secret (lowered, parsed, split), and is not shown.
  const f = /error calling fail: ([\s\S]*)$/.exec(msg);
  if (f && !templateText.includes(f[1]!)) msg = msg.slice(0, f.index) + 'error calling fail: [message computed from data, not shown]';
  for (const v of data.values()) {
    if (v.length >= 3 && msg.includes(v)) msg = msg.split(v).join('[redacted]');
  }
  return msg;
}

/**
 * Render `text` (template named `name`, as ESO's template.New(key)) against `data` (ESO's
 * map[string]string of provider values, bytes preserved). Returns the output bytes, untrimmed.
 * Throws TemplateError. Error messages never contain data values.
 */
export function executeTemplate(
  name: string,
  text: string,
  data: ReadonlyMap<string, Uint8Array>,
  opts: TemplateOptions = defaultTemplateOptions,
): Uint8Array {
  const goName = utf8ToBin(name);
  const pt = treeFor(goName, text, opts);
  const dot = new Map<string, Value>();
  for (const [k, v] of data) dot.set(utf8ToBin(k), bytesToBin(v));
  typedMap(dot, 'string');
  const root = mainTree(name, goName, pt);
  const state = new State(pt, goName, funcTable(), opts.missingKey === 'error');
  try {
    return binToBytes(state.run(root, dot));
  } catch (e) {
    // Messages are Go strings (bytes); TemplateError carries readable text.
    if (e instanceof ExecFailure) throw new TemplateError(binToUtf8(scrub(e.message, dot as Map<string, string>, pt.text)), 'exec');
    if (isStackOverflow(e))
      throw new TemplateError(`template: ${name}: exceeded maximum template depth (100000)`, 'exec');
    throw e;
  }
}

/** The tree to run: a {{define}} with the template's own name replaces an empty main body, as in Go. */
function mainTree(name: string, goName: string, pt: ParsedTemplate): ListNode {
  const own = pt.defs.get(goName);
  if (!own) return pt.root;
  if (!isEmpty(pt.root)) throw new TemplateError(`template: ${name}: template: multiple definition of template "${name}"`, 'parse');
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
  mainTree(name, goName, treeFor(goName, text, opts));
}

/** Names of non-deterministic functions (now, rand*, uuidv4, genCA, bcrypt, ...) the template calls. */
export function nondeterministicFunctions(text: string, opts: TemplateOptions = defaultTemplateOptions): string[] {
  const e = parsed(text, opts);
  if ('err' in e) return [];
  if (e.nondet) return e.nondet;
  const fns = funcTable();
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
        if (fns.get(n.ident)?.nondeterministic) found.add(n.ident);
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
