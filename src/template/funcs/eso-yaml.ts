// ESO's toYaml / fromYaml (runtime/template/v2/yaml.go) with sigs.k8s.io/yaml semantics:
// toYaml = json.Marshal, re-read by goyaml v2 (YAML 1.1 typing), then goyaml v2's emitter, minus one
// trailing newline ("" on any error). fromYaml = goyaml v2 parse, JSON round trip into
// map[string]interface{} (every number becomes float64); failures land in the map's "Error" key.
import { parseAllDocuments, isAlias, isMap, isScalar, isSeq, Scalar, type Node } from 'yaml';
import { formatFloat } from '../fmt.js';
import { GoFloat32, GoInt, GoObject, binToUtf8, isNilContainer, utf8ToBin, type Value } from '../values.js';
import { decodeJson, encodeJson } from './sprig-json.js';
import { emitYaml, type YamlEvent } from './eso-yaml-emit.js';
import type { FuncEntry } from './eso-types.js';

// ---- goyaml v2 plain-scalar resolution (resolve.go) -----------------------------------------------

const BOOL_NULL: Record<string, boolean | null> = {};
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) BOOL_NULL[s] = true;
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) BOOL_NULL[s] = false;
for (const s of ['', '~', 'null', 'Null', 'NULL']) BOOL_NULL[s] = null;
const SPECIAL_FLOATS: Record<string, number> = {};
for (const s of ['.nan', '.NaN', '.NAN']) SPECIAL_FLOATS[s] = NaN;
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) SPECIAL_FLOATS[s] = Infinity;
for (const s of ['-.inf', '-.Inf', '-.INF']) SPECIAL_FLOATS[s] = -Infinity;

export type Resolved =
  | { tag: 'str'; value: string }
  | { tag: 'bool'; value: boolean }
  | { tag: 'null'; value: null }
  | { tag: 'int'; value: bigint }
  | { tag: 'float'; value: number }
  | { tag: 'merge' }
  | { tag: 'timestamp'; value: string };

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** strconv.ParseInt/ParseUint(s, 0, 64) on an underscore-free string; undefined on failure. */
function parseGoInt(s: string, signed: boolean): bigint | undefined {
  let neg = false;
  let t = s;
  if (signed && (t[0] === '+' || t[0] === '-')) {
    neg = t[0] === '-';
    t = t.slice(1);
  }
  let digits: RegExp;
  let body = t;
  let radix = 10;
  if (/^0[xX]/.test(t)) {
    radix = 16;
    body = t.slice(2);
    digits = /^[0-9a-fA-F]+$/;
  } else if (/^0[bB]/.test(t)) {
    radix = 2;
    body = t.slice(2);
    digits = /^[01]+$/;
  } else if (/^0[oO]/.test(t)) {
    radix = 8;
    body = t.slice(2);
    digits = /^[0-7]+$/;
  } else if (t.length > 1 && t[0] === '0') {
    radix = 8;
    body = t.slice(1);
    digits = /^[0-7]+$/;
  } else digits = /^[0-9]+$/;
  if (!digits.test(body)) return undefined;
  let v = 0n;
  for (const ch of body) v = v * BigInt(radix) + BigInt(parseInt(ch, radix));
  if (neg) v = -v;
  if (signed ? v < INT64_MIN || v > INT64_MAX : v > UINT64_MAX) return undefined;
  return v;
}

/** strconv.ParseFloat(s, 64) acceptance for decimal forms plus Go's inf/nan spellings. */
function parseGoFloat(s: string): number | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s[0] === '-' ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const f = Number(s);
    return Number.isFinite(f) ? f : undefined; // out of range is an error in Go
  }
  return undefined;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** parseTimestamp: the four layouts goyaml v2 tries (date, date+time with zone, space-separated). */
function isTimestamp(s: string): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:([Tt])(\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?(Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d+)?))?$/.exec(
      s,
    );
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return false;
  const hh = m[5] ?? m[10];
  const mm = m[6] ?? m[11];
  const ss = m[7] ?? m[12];
  if (hh !== undefined && (Number(hh) > 23 || Number(mm) > 59 || Number(ss) > 59)) return false;
  const zone = m[9];
  if (zone && zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4)) > 59)) return false;
  return true;
}

/** resolve("", s) for a plain scalar. */
export function resolvePlain(s: string): Resolved {
  const c = s[0];
  let hint: string;
  if (s === '') hint = 'N';
  else if (c === '+' || c === '-') hint = 'S';
  else if (c! >= '0' && c! <= '9') hint = 'D';
  else if ('yYnNtTfFoO~'.includes(c!)) hint = 'M';
  else if (c === '.') hint = '.';
  else return { tag: 'str', value: s };
  if (s in BOOL_NULL) {
    const v = BOOL_NULL[s]!;
    return v === null ? { tag: 'null', value: null } : { tag: 'bool', value: v };
  }
  if (s in SPECIAL_FLOATS) return { tag: 'float', value: SPECIAL_FLOATS[s]! };
  if (s === '<<') return { tag: 'merge' };
  if (hint === '.') {
    const f = parseGoFloat(s);
    if (f !== undefined) return { tag: 'float', value: f };
  } else if (hint === 'D' || hint === 'S') {
    if (isTimestamp(s)) return { tag: 'timestamp', value: s };
    const plain = s.replace(/_/g, '');
    const i = parseGoInt(plain, true) ?? parseGoInt(plain, false);
    if (i !== undefined) return { tag: 'int', value: i };
    if (YAML_STYLE_FLOAT.test(plain)) {
      const f = parseGoFloat(plain);
      if (f !== undefined) return { tag: 'float', value: f };
    }
    if (plain.startsWith('0b') || plain.startsWith('-0b')) {
      const neg = plain.startsWith('-');
      const body = plain.slice(neg ? 3 : 2);
      if (/^[01]+$/.test(body)) {
        const v = BigInt('0b' + body) * (neg ? -1n : 1n);
        if (v >= INT64_MIN && v <= UINT64_MAX) return { tag: 'int', value: v };
      }
    }
  }
  return { tag: 'str', value: s };
}

const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

// ---- toYaml -------------------------------------------------------------------------------------

function stringEvent(s: string): YamlEvent {
  const canUsePlain = resolvePlain(s).tag === 'str' && !BASE60_FLOAT.test(s);
  const style = s.includes('\n') ? 'literal' : canUsePlain ? 'plain' : 'double';
  return { type: 'scalar', value: s, style };
}

/** goyaml v2's keyList.Less for string keys: letters before other runes, digit runs compared as numbers. */
function keyLess(a: string, b: string): boolean {
  const ar = [...binToUtf8(a)];
  const br = [...binToUtf8(b)];
  const isLetter = (r: string): boolean => /\p{L}/u.test(r);
  const isDigit = (r: string | undefined): boolean => r !== undefined && /\p{Nd}/u.test(r);
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) continue;
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
    if (al || bl) return bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]); ai++) an = an * 10n + BigInt(ar[ai]!.codePointAt(0)! - 48);
    for (; bi < br.length && isDigit(br[bi]); bi++) bn = bn * 10n + BigInt(br[bi]!.codePointAt(0)! - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]!.codePointAt(0)! < br[i]!.codePointAt(0)!;
  }
  return ar.length < br.length;
}

/** How goyaml re-reads the JSON text of a float64 and writes it back. */
function floatScalar(f: number): string {
  if (!Number.isFinite(f)) throw new Error('json: unsupported value');
  const abs = Math.abs(f);
  if (abs === 0 || (abs >= 1e-6 && abs < 1e21)) {
    const text = formatFloat(f, 'f', -1, 64);
    if (!text.includes('.')) {
      const i = parseGoInt(text, true) ?? parseGoInt(text, false);
      if (i !== undefined) return i.toString();
    }
  }
  return formatFloat(f, 'g', -1, 64);
}

/** A template value as goyaml would hold it after reading json.Marshal's output back. */
function toEvents(v: Value, out: YamlEvent[]): void {
  if (v === null || v === undefined || isNilContainer(v)) {
    out.push({ type: 'scalar', value: 'null', style: 'plain' });
    return;
  }
  switch (typeof v) {
    case 'string':
      out.push(stringEvent(utf8ToBin(binToUtf8(v)))); // json.Marshal replaces invalid UTF-8
      return;
    case 'bigint':
      out.push({ type: 'scalar', value: v.toString(), style: 'plain' });
      return;
    case 'number':
      out.push({ type: 'scalar', value: floatScalar(v), style: 'plain' });
      return;
    case 'boolean':
      out.push({ type: 'scalar', value: v ? 'true' : 'false', style: 'plain' });
      return;
  }
  if (v instanceof GoInt) {
    out.push({ type: 'scalar', value: v.v.toString(), style: 'plain' });
    return;
  }
  if (v instanceof GoFloat32) {
    // json writes the float32 digits; goyaml reads them back as a float64.
    const text = encodeJson(v, false);
    toEvents(Number(text), out);
    return;
  }
  if (v instanceof Uint8Array) {
    out.push(stringEvent(Buffer.from(v).toString('base64')));
    return;
  }
  if (Array.isArray(v)) {
    out.push({ type: 'seq-start' });
    for (const item of v) toEvents(item, out);
    out.push({ type: 'seq-end' });
    return;
  }
  if (v instanceof Map) {
    const keys = [...v.keys()].map((k) => utf8ToBin(binToUtf8(k)));
    const entries = new Map<string, Value>();
    for (const [k, x] of v) entries.set(utf8ToBin(binToUtf8(k)), x);
    keys.sort((a, b) => (keyLess(a, b) ? -1 : keyLess(b, a) ? 1 : 0));
    out.push({ type: 'map-start' });
    for (const k of keys) {
      out.push(stringEvent(k));
      toEvents(entries.get(k)!, out);
    }
    out.push({ type: 'map-end' });
    return;
  }
  if (v instanceof GoObject) {
    // Structs and other Go types: whatever json.Marshal makes of them.
    const decoded = decodeJson(encodeJson(v, false));
    if (decoded.error) throw new Error(decoded.error);
    toEvents(decoded.value, out);
    return;
  }
  throw new Error('json: unsupported type');
}

export function toYaml(v: Value): string {
  try {
    const events: YamlEvent[] = [];
    toEvents(v, events);
    const text = emitYaml(events);
    return text.endsWith('\n') ? text.slice(0, -1) : text;
  } catch {
    return '';
  }
}

// ---- fromYaml -----------------------------------------------------------------------------------

class YamlConvertError extends Error {}

/** The value goyaml v2 decodes into interface{}, already JSON-shaped (sigs.k8s.io convertToJSONableObject). */
function nodeToValue(node: Node | null | undefined, anchors: Map<string, Node>): Value {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = anchors.get(node.source);
    if (!target) throw new YamlConvertError(`yaml: unknown anchor '${node.source}' referenced`);
    return nodeToValue(target, anchors);
  }
  if (node.anchor) anchors.set(node.anchor, node);
  if (isScalar(node)) return scalarValue(node);
  if (isSeq(node)) return node.items.map((item) => nodeToValue(item as Node, anchors));
  if (isMap(node)) {
    const out = new Map<string, Value>();
    const merged = new Map<string, Value>();
    for (const pair of node.items) {
      const keyNode = pair.key as Node | null;
      if (isScalar(keyNode) && keyNode.type === Scalar.PLAIN && keyNode.value === '<<' && !keyNode.tag) {
        const src = nodeToValue(pair.value as Node, anchors);
        const sources = Array.isArray(src) ? src : [src];
        for (const s of sources) {
          if (!(s instanceof Map)) throw new YamlConvertError('yaml: map merge requires map or sequence of maps as the value');
          for (const [k, x] of s) if (!merged.has(k)) merged.set(k, x);
        }
        continue;
      }
      const key = jsonKey(nodeToValue(keyNode, anchors), keyNode);
      out.set(key, nodeToValue(pair.value as Node, anchors));
    }
    for (const [k, x] of merged) if (!out.has(k)) out.set(k, x);
    return out;
  }
  return null;
}

function scalarValue(node: Scalar): Value {
  const text = utf8ToBin(String(node.value ?? '')); // failsafe schema: every scalar is its text
  const tag = node.tag;
  if (tag === 'tag:yaml.org,2002:str' || tag === '!!str') return text;
  if (node.type !== Scalar.PLAIN && !tag) return text;
  const r = resolvePlain(text);
  switch (r.tag) {
    case 'str':
    case 'timestamp':
      return text;
    case 'merge':
      return text;
    case 'null':
      return null;
    case 'bool':
      return r.value;
    case 'int':
      return Number(r.value); // the JSON round trip makes every number a float64
    case 'float':
      if (!Number.isFinite(r.value)) throw new YamlConvertError(`json: unsupported value: ${formatFloat(r.value, 'g', -1, 64)}`);
      return r.value;
  }
}

/** sigs.k8s.io/yaml's key conversion: strings stay, numbers and bools become their text. */
function jsonKey(k: Value, node: Node | null): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (typeof k === 'number') {
    const src = isScalar(node) ? resolvePlain(String(node.value)) : undefined;
    if (src?.tag === 'int') return src.value.toString();
    const s = formatFloat(k, 'g', -1, 32);
    return s === '+Inf' ? '.inf' : s === '-Inf' ? '-.inf' : s === 'NaN' ? '.nan' : s;
  }
  throw new YamlConvertError(`unsupported map key of type: ${k === null ? '<nil>' : typeof k}`);
}

/**
 * goyaml v2's wording of a syntax error that the `yaml` package found (what ESO's fromYaml puts under
 * "Error"), for the mistakes people make: an unclosed flow collection or quote, a value that is itself a
 * mapping, a tab as indentation, a reserved first character, a bad escape. goyaml says where as "line N: "
 * with a scanner error's 1-based line (none on the first line) and a parser error's 0-based line (none
 * on line 0). Anything else keeps the `yaml` package's own first line.
 */
function goyamlSyntaxError(code: string, message: string, pos: number, text: string): string {
  const lineOf = (offset: number): number => {
    let n = 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
    return n;
  };
  const scanner = (offset: number, msg: string): string => {
    const line = lineOf(offset);
    return line > 1 ? `line ${line}: ${msg}` : msg;
  };
  const parser = (line0: number, msg: string): string => (line0 !== 0 ? `line ${line0}: ${msg}` : msg);
  const newlines = (text.match(/\n/g) ?? []).length;
  // The parser reports an unclosed flow collection at the next token, or at the stream end, which goyaml
  // puts on a line of its own (after a last line without a newline).
  const nextTokenLine0 = (): number => {
    const m = /[^\s]/.exec(text.slice(pos + 1));
    if (m) return lineOf(pos + 1 + m.index) - 1;
    return text === '' || text.endsWith('\n') ? newlines : newlines + 1;
  };
  if (/^Flow sequence .*\]/.test(message)) return parser(nextTokenLine0(), "did not find expected ',' or ']'");
  if (/^Flow map .*\}/.test(message)) return parser(nextTokenLine0(), "did not find expected ',' or '}'");
  if (/^Missing closing .?quote/.test(message)) return scanner(text.length, 'found unexpected end of stream');
  if (code === 'BLOCK_AS_IMPLICIT_KEY') {
    const m = /:(?=[ \t\r\n]|$)/.exec(text.slice(pos));
    return scanner(m ? pos + m.index : pos, 'mapping values are not allowed in this context');
  }
  const lineText = (offset: number): string => text.slice(text.lastIndexOf('\n', offset - 1) + 1).split('\n')[0]!;
  if (code === 'TAB_AS_INDENT') {
    const lines = text.slice(0, text.lastIndexOf('\n', pos - 1) + 1).split('\n');
    const before = (lines[lines.length - 2] ?? '').replace(/\s+$/, '');
    // After a key with no value yet the tab is a token of its own; after a plain scalar it would
    // continue that scalar's leading white space.
    const msg = before === '' || before.endsWith(':') || before === '-' ? 'found character that cannot start any token' : 'found a tab character that violates indentation';
    return scanner(pos, msg);
  }
  if (code === 'BAD_SCALAR_START') return scanner(pos, 'found character that cannot start any token');
  if (code === 'BAD_DQ_ESCAPE') return scanner(pos, 'found unknown escape character');
  if (/^Block scalar lines/.test(message) && lineText(pos).startsWith('\t')) return scanner(pos, 'found a tab character where an indentation space is expected');
  return message.split('\n')[0]!;
}

const JSON_KIND: Record<string, string> = { string: 'string', number: 'number', boolean: 'bool' };

export function fromYaml(str: string): Map<string, Value> {
  const m = new Map<string, Value>();
  let value: Value;
  try {
    const docs = parseAllDocuments(binToUtf8(str), { version: '1.1', schema: 'failsafe', uniqueKeys: false });
    const doc = Array.isArray(docs) ? docs[0] : undefined;
    const err = doc?.errors[0];
    if (err) throw new YamlConvertError(`yaml: ${goyamlSyntaxError(err.code, err.message, err.pos[0], str)}`);
    value = doc ? nodeToValue(doc.contents as Node | null, new Map()) : null;
  } catch (e) {
    m.set('Error', 'error converting YAML to JSON: ' + (e as Error).message);
    return m;
  }
  if (value === null) return m;
  if (value instanceof Map) return value;
  const kind = Array.isArray(value) ? 'array' : (JSON_KIND[typeof value] ?? 'value');
  m.set(
    'Error',
    `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`,
  );
  return m;
}

export const esoYamlFuncs: FuncEntry[] = [
  { name: 'toYaml', sig: 'func(interface {}) string', fn: toYaml },
  { name: 'fromYaml', sig: 'func(string) map[string]interface {}', fn: fromYaml },
];
