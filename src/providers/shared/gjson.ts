// A port of the parts of gjson's path language that ESO's `property` relies on (tidwall/gjson v1.18):
// dot-separated keys with `\` escapes, `*`/`?` wildcards, array indexes, `#` (length), `#.path`
// (map over an array), `#(...)`/`#(...)#` queries, `@this`/`@keys`/`@values`/`@reverse` modifiers and
// `|` pipes. Results keep the raw JSON text of objects, arrays and numbers, as gjson does.
// Works on binary strings so that bytes that are not UTF-8 survive untouched.

import { codePointToBin, fromBin, toBin, bytesToString } from './bytes.js';
import { formatFloatF } from './go-float.js';

type Kind = 'string' | 'number' | 'true' | 'false' | 'null' | 'object' | 'array';

interface Span {
  kind: Kind;
  start: number;
  end: number; // exclusive
}

export interface GjsonResult {
  exists: boolean;
  /** Result.String() as bytes. */
  bytes: Uint8Array;
  /** Result.String() decoded as UTF-8 (for messages and tests; use `bytes` for values). */
  str: string;
  /** The JSON kind of the match. */
  kind?: Kind;
  /** The raw JSON text of the match (binary string). */
  raw?: string;
}

const WS = new Set([' ', '\t', '\n', '\r']);

function skipWs(s: string, i: number): number {
  while (i < s.length && WS.has(s[i]!)) i++;
  return i;
}

/** Scan one JSON value starting at i (after whitespace). Lenient like gjson: it never validates deeply. */
function scanValue(s: string, i: number): Span | undefined {
  i = skipWs(s, i);
  if (i >= s.length) return undefined;
  const c = s[i]!;
  if (c === '"') return { kind: 'string', start: i, end: scanString(s, i) };
  if (c === '{' || c === '[') return { kind: c === '{' ? 'object' : 'array', start: i, end: scanContainer(s, i) };
  if (c === 't' && s.startsWith('true', i)) return { kind: 'true', start: i, end: i + 4 };
  if (c === 'f' && s.startsWith('false', i)) return { kind: 'false', start: i, end: i + 5 };
  if (c === 'n' && s.startsWith('null', i)) return { kind: 'null', start: i, end: i + 4 };
  if (c === '-' || (c >= '0' && c <= '9')) {
    let j = i + 1;
    while (j < s.length && /[0-9eE+\-.]/.test(s[j]!)) j++;
    return { kind: 'number', start: i, end: j };
  }
  return undefined;
}

function scanString(s: string, i: number): number {
  let j = i + 1;
  while (j < s.length) {
    const c = s[j]!;
    if (c === '\\') j += 2;
    else if (c === '"') return j + 1;
    else j++;
  }
  return s.length;
}

function scanContainer(s: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const c = s[j]!;
    if (c === '"') {
      j = scanString(s, j);
      continue;
    }
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) return j + 1;
    }
    j++;
  }
  return s.length;
}

/** Decode a JSON string literal (binary string with quotes) into a binary string of UTF-8 bytes. */
export function unescapeJsonString(raw: string): string {
  const body = raw.slice(1, raw.endsWith('"') && raw.length > 1 ? -1 : undefined);
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i];
    switch (n) {
      case 'n': out += '\n'; break;
      case 't': out += '\t'; break;
      case 'r': out += '\r'; break;
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case '/': out += '/'; break;
      case '\\': out += '\\'; break;
      case '"': out += '"'; break;
      case 'u': {
        let cp = parseInt(body.slice(i + 1, i + 5), 16);
        i += 4;
        if (Number.isNaN(cp)) cp = 0xfffd;
        if (cp >= 0xd800 && cp < 0xdc00 && body[i + 1] === '\\' && body[i + 2] === 'u') {
          const lo = parseInt(body.slice(i + 3, i + 7), 16);
          if (lo >= 0xdc00 && lo < 0xe000) {
            cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
            i += 6;
          } else cp = 0xfffd;
        } else if (cp >= 0xd800 && cp < 0xe000) cp = 0xfffd;
        out += codePointToBin(cp);
        break;
      }
      default:
        if (n !== undefined) out += n;
    }
  }
  return out;
}

/** Iterate the members of an object span: [keyBinary, valueSpan]. */
function* objectMembers(s: string, span: Span): Generator<[string, Span]> {
  let i = span.start + 1;
  while (i < span.end) {
    i = skipWs(s, i);
    if (s[i] === '}' || i >= span.end) return;
    if (s[i] === ',') {
      i++;
      continue;
    }
    if (s[i] !== '"') return;
    const kEnd = scanString(s, i);
    const key = unescapeJsonString(s.slice(i, kEnd));
    i = skipWs(s, kEnd);
    if (s[i] !== ':') return;
    const v = scanValue(s, i + 1);
    if (!v) return;
    yield [key, v];
    i = v.end;
  }
}

function* arrayElements(s: string, span: Span): Generator<Span> {
  let i = span.start + 1;
  while (i < span.end) {
    i = skipWs(s, i);
    if (s[i] === ']' || i >= span.end) return;
    if (s[i] === ',') {
      i++;
      continue;
    }
    const v = scanValue(s, i);
    if (!v) return;
    yield v;
    i = v.end;
  }
}

// ---- path parsing ----

interface Component {
  key: string; // unescaped
  wild: boolean;
  /** raw text of the component, for `#(...)` and modifiers */
  raw: string;
}

/** Split a path into components at unescaped dots and pipes (pipes are kept as separate markers). */
function splitPath(path: string): Array<Component | '|'> {
  const out: Array<Component | '|'> = [];
  let key = '';
  let raw = '';
  let wild = false;
  let depth = 0;
  const push = () => {
    out.push({ key, wild, raw });
    key = '';
    raw = '';
    wild = false;
  };
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === '\\' && i + 1 < path.length) {
      key += path[i + 1];
      raw += c + path[i + 1];
      i++;
      continue;
    }
    if (depth > 0) {
      if (c === '(') depth++;
      if (c === ')') depth--;
      key += c;
      raw += c;
      continue;
    }
    if (c === '(' && raw === '#') depth++;
    if (c === '.' && depth === 0) {
      push();
      continue;
    }
    if (c === '|' && depth === 0) {
      push();
      out.push('|');
      continue;
    }
    if (c === '*' || c === '?') wild = true;
    key += c;
    raw += c;
  }
  push();
  return out;
}

function wildMatch(str: string, pattern: string): boolean {
  // gjson's match.Match: `*` any run, `?` any one char.
  const re = new RegExp(
    '^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]') + '$',
  );
  return re.test(str);
}

interface Val {
  text: string; // the JSON document the span points into
  span: Span;
}

function resultOf(v: Val | undefined): GjsonResult {
  if (!v) return { exists: false, bytes: new Uint8Array(), str: '' };
  const raw = v.text.slice(v.span.start, v.span.end);
  let bin: string;
  switch (v.span.kind) {
    case 'string': bin = unescapeJsonString(raw); break;
    case 'null': bin = ''; break;
    case 'number': bin = /^-?[0-9]+$/.test(raw) ? raw : formatFloatF(Number(raw)); break;
    default: bin = raw;
  }
  const bytes = fromBin(bin);
  return { exists: true, bytes, str: bytesToString(bytes), kind: v.span.kind, raw };
}

function makeVal(text: string): Val | undefined {
  const span = scanValue(text, 0);
  return span ? { text, span } : undefined;
}

function compareQuery(v: Val, op: string, rhs: string): boolean {
  const r = resultOf(v);
  let want: string | number | boolean | null = rhs;
  const t = rhs.trim();
  if (t.startsWith('"')) want = unescapeJsonString(t);
  else if (t === 'true' || t === 'false') want = t === 'true';
  else if (t === 'null') want = null;
  else if (t !== '' && !Number.isNaN(Number(t))) want = Number(t);
  let have: string | number | boolean | null = r.str;
  if (r.kind === 'number') have = Number(v.text.slice(v.span.start, v.span.end));
  else if (r.kind === 'true' || r.kind === 'false') have = r.kind === 'true';
  else if (r.kind === 'null') have = null;
  else if (r.kind === 'string') have = toBin(r.str);
  if (typeof want === 'string' && typeof have === 'string') {
    switch (op) {
      case '==': return have === want;
      case '!=': return have !== want;
      case '<': return have < want;
      case '<=': return have <= want;
      case '>': return have > want;
      case '>=': return have >= want;
      case '%': return wildMatch(have, want);
      case '!%': return !wildMatch(have, want);
    }
    return false;
  }
  if (typeof want === 'number' && typeof have === 'number') {
    switch (op) {
      case '==': return have === want;
      case '!=': return have !== want;
      case '<': return have < want;
      case '<=': return have <= want;
      case '>': return have > want;
      case '>=': return have >= want;
    }
    return false;
  }
  if (op === '==') return have === want;
  if (op === '!=') return have !== want;
  return false;
}

function queryMatches(el: Val, expr: string): boolean {
  const m = /^(.*?)(==|!=|<=|>=|!%|<|>|%)(.*)$/s.exec(expr);
  if (!m) {
    // `#(key)`: existence of a path
    return get(el, expr.trim()) !== undefined;
  }
  const lhs = m[1]!.trim();
  const target = lhs === '' ? el : get(el, lhs);
  if (!target) return false;
  return compareQuery(target, m[2]!, m[3]!);
}

function joinArray(vals: Val[]): Val {
  const text = '[' + vals.map((v) => v.text.slice(v.span.start, v.span.end)).join(',') + ']';
  return { text, span: { kind: 'array', start: 0, end: text.length } };
}

function applyModifier(v: Val, name: string): Val | undefined {
  switch (name) {
    case '@this':
      return v;
    case '@keys': {
      if (v.span.kind !== 'object') return makeVal('[]');
      const keys = [...objectMembers(v.text, v.span)].map(([k]) => JSON.stringify(bytesToString(fromBin(k))));
      return makeVal(toBin('[' + keys.join(',') + ']'));
    }
    case '@values': {
      if (v.span.kind !== 'object') return makeVal('[]');
      return joinArray([...objectMembers(v.text, v.span)].map(([, s]) => ({ text: v.text, span: s })));
    }
    case '@reverse': {
      if (v.span.kind !== 'array') return v;
      return joinArray([...arrayElements(v.text, v.span)].map((s) => ({ text: v.text, span: s })).reverse());
    }
    default:
      return undefined;
  }
}

function step(v: Val, c: Component, rest: Array<Component | '|'>): Val | undefined {
  const key = c.key;
  if (c.raw.startsWith('@')) {
    const m = applyModifier(v, c.raw);
    return m && rest.length ? walk(m, rest) : m;
  }
  if (v.span.kind === 'array') {
    if (c.raw === '#') {
      if (rest.length === 0) {
        const n = [...arrayElements(v.text, v.span)].length;
        return makeVal(String(n));
      }
      // `#.path`: map the rest of the path over the elements.
      const [restComps, afterPipe] = splitAtPipe(rest);
      const mapped: Val[] = [];
      for (const el of arrayElements(v.text, v.span)) {
        const r = walk({ text: v.text, span: el }, restComps);
        if (r) mapped.push(r);
      }
      const arr = joinArray(mapped);
      return afterPipe ? walk(arr, afterPipe) : arr;
    }
    const q = /^#\((.*)\)(#?)$/s.exec(c.raw);
    if (q) {
      const all = q[2] === '#';
      const matches: Val[] = [];
      for (const el of arrayElements(v.text, v.span)) {
        const ev = { text: v.text, span: el };
        if (queryMatches(ev, q[1]!)) {
          if (!all) return rest.length ? walk(ev, rest) : ev;
          matches.push(ev);
        }
      }
      if (!all) return undefined;
      if (rest.length === 0) return joinArray(matches);
      const [restComps, afterPipe] = splitAtPipe(rest);
      const arr = joinArray(matches.map((m) => walk(m, restComps)).filter((x): x is Val => !!x));
      return afterPipe ? walk(arr, afterPipe) : arr;
    }
    if (/^[0-9]+$/.test(key)) {
      const idx = Number(key);
      let n = 0;
      for (const el of arrayElements(v.text, v.span)) {
        if (n++ === idx) return rest.length ? walk({ text: v.text, span: el }, rest) : { text: v.text, span: el };
      }
      return undefined;
    }
    return undefined;
  }
  if (v.span.kind !== 'object') return undefined;
  const bkey = toBin(key);
  for (const [k, s] of objectMembers(v.text, v.span)) {
    if (c.wild ? wildMatch(k, bkey) : k === bkey) {
      const child = { text: v.text, span: s };
      return rest.length ? walk(child, rest) : child;
    }
  }
  return undefined;
}

function splitAtPipe(comps: Array<Component | '|'>): [Component[], Array<Component | '|'> | undefined] {
  const i = comps.indexOf('|');
  if (i < 0) return [comps as Component[], undefined];
  return [comps.slice(0, i) as Component[], comps.slice(i + 1)];
}

function walk(v: Val, comps: Array<Component | '|'>): Val | undefined {
  if (comps.length === 0) return v;
  const [c, ...rest] = comps;
  if (c === '|') return walk(v, rest);
  return step(v, c!, rest);
}

function get(v: Val, path: string): Val | undefined {
  return walk(v, splitPath(toBin(path)));
}

/** gjson.Get(json, path): the match, its String() value as bytes, and whether it exists. */
export function gjsonGet(json: Uint8Array | string, path: string): GjsonResult {
  const text = toBin(json);
  const root = makeVal(text);
  if (!root || path === '') return resultOf(undefined);
  return resultOf(get(root, path));
}

/** gjson.Valid-ish check used by providers that require JSON (GCP): strict JSON.parse on UTF-8 text. */
export function isValidJson(json: Uint8Array | string): boolean {
  try {
    JSON.parse(typeof json === 'string' ? json : bytesToString(json));
    return true;
  } catch {
    return false;
  }
}

/** ESO's escapeDotsIfRequired: `a.b` → `a\.b`, to try a literal dotted key first. */
export function escapeDots(path: string): string {
  return path.replace(/\./g, '\\.');
}
