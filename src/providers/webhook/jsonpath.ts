// The JSONPath ESO's webhook provider evaluates `result.jsonPath` with: github.com/PaesslerAG/jsonpath
// (jsonpath.Get over the response decoded by encoding/json), not k8s.io/client-go/util/jsonpath.
// PaesslerAG's paths are gval expressions; this evaluates the path forms its parser builds selectors
// for (parse.go, selector.go) and refuses the rest (filters, scripts, arithmetic) by name:
//
//   $                 the document
//   .name  ['name']   a member (unknown member: error "unknown key name")
//   [n]               an array element (negative from the end; out of range: nil, no error)
//   .*  [*]           every member or element              ┐ "ambiguous": the result is a list of
//   ..name  ..*       recursive descent                    │ every match (matches that fail are
//   [a,b]             several members or elements          │ dropped, never an error)
//   [start:end:step]  an array range                       ┘
//
// One difference: PaesslerAG visits a Go map in Go's random order, so a wildcard over an object gives
// its matches in a different order on each call; this visits members in the document's order. ESO's
// GetSecret takes the first match of a list, so such a path is not deterministic in ESO at all.

import { GoNumber, isGoObject, type GoValue } from '../shared/go-json.js';

/** A path error, worded from the path (manifest text) only. */
export class JsonPathError extends Error {
  constructor(
    message: string,
    /** The same failure with nothing of the path's text (for a path rendered from credentials). */
    readonly bare: string,
  ) {
    super(message);
  }
}

type Key = { kind: 'name'; name: string } | { kind: 'index'; index: number };
type Step =
  | { kind: 'direct'; key: Key }
  | { kind: 'star' }
  | { kind: 'multi'; keys: Key[] }
  | { kind: 'range'; start: number; end: number; step: number }
  | { kind: 'descend' };

const IDENT = /^[\p{L}_][\p{L}\p{Nd}_]*/u;
const MAX_INT32 = 2147483647;

/** Parses a PaesslerAG path, or throws JsonPathError naming what is not evaluated here. */
export function parseJsonPath(path: string): Step[] {
  let s = path.trim();
  if (!s.startsWith('$')) throw new JsonPathError(`jsonPath ${JSON.stringify(path)} must start with $ (eso-render evaluates only paths from the document root)`, 'the path must start with $');
  s = s.slice(1);
  const steps: Step[] = [];
  const unsupported = (what: string): never => {
    throw new JsonPathError(`jsonPath ${JSON.stringify(path)} uses ${what}, which eso-render does not evaluate (members, indexes, *, .., [a,b] and [start:end:step] are)`, 'the path uses an expression eso-render does not evaluate');
  };
  const key = (raw: string): Key => {
    const t = raw.trim();
    const q = /^'((?:[^'\\]|\\.)*)'$|^"((?:[^"\\]|\\.)*)"$/.exec(t);
    if (q) return { kind: 'name', name: (q[1] ?? q[2]!).replace(/\\(.)/g, '$1') };
    if (/^-?\d+$/.test(t)) return { kind: 'index', index: Number(t) };
    return unsupported(`the bracket expression ${JSON.stringify(t)}`);
  };
  while (s.length > 0) {
    if (s.startsWith('..')) {
      s = s.slice(2);
      steps.push({ kind: 'descend' });
      if (s.startsWith('*')) {
        steps.push({ kind: 'star' });
        s = s.slice(1);
        continue;
      }
      if (s.startsWith('[')) continue;
      const m = IDENT.exec(s);
      if (!m) return unsupported('a .. not followed by a name, * or [');
      steps.push({ kind: 'direct', key: { kind: 'name', name: m[0] } });
      s = s.slice(m[0].length);
    } else if (s.startsWith('.')) {
      s = s.slice(1);
      if (s.startsWith('*')) {
        steps.push({ kind: 'star' });
        s = s.slice(1);
        continue;
      }
      const m = IDENT.exec(s);
      if (!m) return unsupported('a . not followed by a name or *');
      steps.push({ kind: 'direct', key: { kind: 'name', name: m[0] } });
      s = s.slice(m[0].length);
    } else if (s.startsWith('[')) {
      const end = closing(s);
      if (end < 0) throw new JsonPathError(`jsonPath ${JSON.stringify(path)} has an unclosed [`, 'the path has an unclosed [');
      const inner = s.slice(1, end).trim();
      s = s.slice(end + 1);
      if (inner.startsWith('?') || inner.startsWith('(')) unsupported('a filter or script expression');
      if (inner === '*') {
        steps.push({ kind: 'star' });
        continue;
      }
      if (/^-?\d*\s*:\s*-?\d*(\s*:\s*-?\d*)?$/.test(inner)) {
        const [a, b, c] = inner.split(':').map((x) => x.trim());
        steps.push({ kind: 'range', start: a ? Number(a) : 0, end: b ? Number(b) : MAX_INT32, step: c ? Number(c) || 1 : 1 });
        continue;
      }
      const parts = splitTop(inner);
      const keys = parts.map(key);
      steps.push(keys.length === 1 ? { kind: 'direct', key: keys[0]! } : { kind: 'multi', keys });
    } else {
      return unsupported(`${JSON.stringify(s.slice(0, 1))} after a selector`);
    }
  }
  return steps;
}

function closing(s: string): number {
  let quote = '';
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"') quote = c;
    else if (c === ']') return i;
  }
  return -1;
}

function splitTop(s: string): string[] {
  const out: string[] = [];
  let quote = '';
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      cur += c;
      if (c === '\\') cur += s[++i] ?? '';
      else if (c === quote) quote = '';
    } else if (c === "'" || c === '"') {
      quote = c;
      cur += c;
    } else if (c === ',') {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

type Sel = { ok: true; value: GoValue } | { ok: false; error: string; bare?: string };

/** selector.go selectValue: a member of an object, an element of an array (out of range: nil). */
function select(v: GoValue, key: Key): Sel {
  if (Array.isArray(v)) {
    if (key.kind !== 'index') return { ok: false, error: 'could not select value, invalid key: expected number' };
    const p = key.index < 0 ? v.length + key.index : key.index;
    return { ok: true, value: p < 0 || p >= v.length ? null : v[p]! };
  }
  if (isGoObject(v)) {
    const name = key.kind === 'name' ? key.name : String(key.index);
    return v.has(name) ? { ok: true, value: v.get(name)! } : { ok: false, error: `unknown key ${name}`, bare: 'unknown key' };
  }
  return { ok: false, error: `unsupported value type ${goTypeName(v)} for select, expected map[string]interface{}, []interface{} or Array` };
}

function goTypeName(v: GoValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'number' || v instanceof GoNumber) return 'float64';
  return Array.isArray(v) ? '[]interface {}' : 'map[string]interface {}';
}

function children(v: GoValue): GoValue[] {
  if (Array.isArray(v)) return v;
  if (isGoObject(v)) return [...v.values()];
  return [];
}

function ambiguous(step: Step, v: GoValue): GoValue[] {
  switch (step.kind) {
    case 'star':
      return children(v);
    case 'multi':
      return step.keys.flatMap((k) => {
        const r = select(v, k);
        return r.ok ? [r.value] : [];
      });
    case 'range': {
      if (!Array.isArray(v)) return [];
      const n = v.length;
      const norm = (i: number) => (i < 0 ? Math.max(0, n + i) : Math.min(n, i));
      const out: GoValue[] = [];
      const a = norm(step.start);
      const b = norm(step.end);
      if (step.step > 0) for (let i = a; i < b; i += step.step) out.push(v[i]!);
      else if (step.step < 0) for (let i = b - 1; i >= a; i += step.step) out.push(v[i]!);
      return out;
    }
    case 'descend': {
      const out: GoValue[] = [];
      const walk = (x: GoValue) => {
        out.push(x);
        for (const c of children(x)) walk(c);
      };
      walk(v);
      return out;
    }
    default:
      throw new Error('unreachable');
  }
}

/**
 * jsonpath.Get: the value of a plain path (an error from the first selector that fails), or the list of
 * every match of a path with an ambiguous selector (a match whose plain tail fails is dropped).
 */
export function evaluateJsonPath(path: string, doc: GoValue): GoValue {
  const steps = parseJsonPath(path);
  const firstAmbiguous = steps.findIndex((s) => s.kind !== 'direct');
  if (firstAmbiguous < 0) {
    let v = doc;
    for (const s of steps) {
      const r = select(v, (s as { key: Key }).key);
      if (!r.ok) throw new JsonPathError(r.error, r.bare ?? r.error);
      v = r.value;
    }
    return v;
  }
  // Values flow through the path; a failing plain selector drops the branch (path.go matcher).
  let current: GoValue[] = [doc];
  for (let i = 0; i < steps.length; i++) {
    const s = steps[i]!;
    if (i < firstAmbiguous) {
      const r = select(current[0]!, (s as { key: Key }).key);
      if (!r.ok) return [];
      current = [r.value];
      continue;
    }
    if (s.kind === 'direct') {
      current = current.flatMap((v) => {
        const r = select(v, s.key);
        return r.ok ? [r.value] : [];
      });
    } else current = current.flatMap((v) => ambiguous(s, v));
  }
  return current;
}
