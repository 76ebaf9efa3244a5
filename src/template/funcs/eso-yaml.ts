// ESO's toYaml / fromYaml (runtime/template/v2/yaml.go) with sigs.k8s.io/yaml semantics:
// toYaml = json.Marshal, re-read by goyaml v2 (YAML 1.1 typing), then goyaml v2's emitter, minus one
// trailing newline ("" on any error). fromYaml = goyaml v2 parse, JSON round trip into
// map[string]interface{} (every number becomes float64); failures land in the map's "Error" key.
import { MAX_ALIAS_COUNT, MAX_DEPTH } from '../../common/limits.js';
import { GoyamlDepthError, goyamlCompose, type GoyamlNode } from '../../common/goyaml-parse.js';
import { FuncFailure } from '../errors.js';
import { formatFloat } from '../fmt.js';
import { GoFloat32, GoInt, GoObject, binToUtf8, isNilContainer, utf8ToBin, type Value } from '../values.js';
import { goUtf8, goUtf8Pieces } from '../../common/go-utf8.js';
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

/**
 * sigs.k8s.io/yaml's Marshal reads json.Marshal's text back with goyaml, which sees each string as a
 * double-quoted scalar. What encoding/json leaves raw there and YAML reads differently:
 *   - U+007F, the C1 controls but U+0085, U+FFFE, U+FFFF: the reader refuses them ("control characters
 *     are not allowed"), so toYaml gives "", whether in a key or a value;
 *   - U+0085 (NEL) is a line break: the scanner folds it as in any quoted scalar (one break and the
 *     spaces around it become a space, n breaks n-1 newlines), and `---` or `...` right after one followed
 *     by a space or another NEL is a document marker (an error);
 *   - a key is a simple key, which may not span two lines (a NEL) nor be longer than 1024 characters as
 *     JSON writes it, quotes included (yaml_parser_stale_simple_keys): then goyaml fails.
 * The string goyaml reads (invalid UTF-8 replaced, as json.Marshal does), or that failure.
 */
const YAML_READER_REFUSES = /[\x7f-\x84\x86-\x9f\ufffe\uffff]/;
const NEL = '\u0085';

/** Characters json.Marshal (HTML-escaping, as sigs.k8s.io/yaml calls it; Go 1.26's \b \f) writes for cp. */
function jsonEscapedLength(cp: number): number {
  if (cp === 0x22 || cp === 0x5c || cp === 0x0a || cp === 0x0d || cp === 0x09 || cp === 0x08 || cp === 0x0c) return 2;
  if (cp < 0x20 || cp === 0x3c || cp === 0x3e || cp === 0x26 || cp === 0x2028 || cp === 0x2029) return 6;
  return 1;
}

function jsonString(s: string, key: boolean): string {
  const u = binToUtf8(s);
  if (YAML_READER_REFUSES.test(u)) throw new Error('yaml: control characters are not allowed');
  if (key) {
    let n = 2;
    for (const ch of u) n += jsonEscapedLength(ch.codePointAt(0)!);
    if (n > 1024 || u.includes(NEL)) throw new Error("yaml: did not find expected ',' or '}'");
  }
  if (!u.includes(NEL)) return utf8ToBin(u);
  const cps = [...u];
  let out = '';
  for (let i = 0; i < cps.length; ) {
    if (cps[i] !== ' ' && cps[i] !== NEL) {
      out += cps[i++];
      continue;
    }
    let j = i;
    let breaks = 0;
    while (j < cps.length && (cps[j] === ' ' || cps[j] === NEL)) if (cps[j++] === NEL) breaks++;
    if (breaks === 0) out += cps.slice(i, j).join('');
    else {
      out += breaks === 1 ? ' ' : '\n'.repeat(breaks - 1);
      const marker = cps.slice(j, j + 3).join('');
      if (cps[j - 1] === NEL && (marker === '---' || marker === '...') && (cps[j + 3] === ' ' || cps[j + 3] === NEL)) {
        throw new Error('yaml: found unexpected document indicator');
      }
    }
    i = j;
  }
  return utf8ToBin(out);
}

/** A template value as goyaml would hold it after reading json.Marshal's output back. */
function toEvents(v: Value, out: YamlEvent[]): void {
  if (v === null || v === undefined || isNilContainer(v)) {
    out.push({ type: 'scalar', value: 'null', style: 'plain' });
    return;
  }
  switch (typeof v) {
    case 'string':
      out.push(stringEvent(jsonString(v, false)));
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
    const keys = [...v.keys()].map((k) => jsonString(k, true));
    const entries = new Map<string, Value>();
    for (const [k, x] of v) entries.set(jsonString(k, true), x);
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

const TAG = 'tag:yaml.org,2002:';
const RESOLVABLE = new Set(['', TAG + 'str', TAG + 'bool', TAG + 'int', TAG + 'float', TAG + 'null', TAG + 'timestamp']);
const shortTag = (t: string): string => (t.startsWith(TAG) ? '!!' + t.slice(TAG.length) : t);

interface ConvertCtx {
  aliases: Set<GoyamlNode>;
  expanded: number;
  /**
   * sigs.k8s.io/yaml's key conversion runs after goyaml has decoded the whole document, so a key it
   * refuses is an error only when the decode succeeds: per map being built, the refused keys (a later
   * one replacing an earlier, as in Go's map) with their error text.
   */
  unsupported: Map<Map<string, Value>, Map<string, string>>;
  /**
   * Per map being built, goyaml's own entries by Go key (1 and "1" are two keys there, one string after
   * the conversion): sigs.k8s.io/yaml converts every one of them, so a refused key in the value of an
   * entry that lost its string to another still counts.
   */
  goEntries: Map<Map<string, Value>, Map<string, Value>>;
  nanKeys: number;
}

/** The value goyaml v2 decodes into interface{} (decode.go), already JSON-shaped (sigs.k8s.io convertToJSONableObject). */
function nodeToValue(node: GoyamlNode, ctx: ConvertCtx): Value {
  switch (node.kind) {
    case 'document':
      return nodeToValue(node.children[0]!, ctx);
    case 'alias': {
      if (ctx.aliases.has(node)) throw new YamlConvertError(`yaml: anchor '${node.value}' value contains itself`);
      if (++ctx.expanded > MAX_ALIAS_COUNT) throw new FuncFailure('too many aliases');
      ctx.aliases.add(node);
      try {
        return nodeToValue(node.alias!, ctx);
      } finally {
        ctx.aliases.delete(node);
      }
    }
    case 'scalar':
      return scalarValue(node);
    case 'sequence':
      return node.children.map((item) => nodeToValue(item, ctx));
    case 'mapping': {
      const out = new Map<string, Value>();
      mappingInto(node, out, ctx);
      return out;
    }
  }
}

/** (*decoder).mapping: keys in document order, a later one replacing an earlier; `<<` merges write into the same map. */
function mappingInto(node: GoyamlNode, out: Map<string, Value>, ctx: ConvertCtx): void {
  const c = node.children;
  for (let i = 0; i < c.length; i += 2) {
    const keyNode = c[i]!;
    if (isMergeKey(keyNode)) {
      merge(c[i + 1]!, out, ctx);
      continue;
    }
    const k = nodeToValue(keyNode, ctx);
    if (k instanceof Map || Array.isArray(k)) throw new YamlConvertError(`yaml: invalid map key: ${goSharpV(keyNode, 0)}`);
    const key = jsonKey(k, keyNode);
    const v = nodeToValue(c[i + 1]!, ctx);
    if (typeof key !== 'string') {
      let refused = ctx.unsupported.get(out);
      if (!refused) ctx.unsupported.set(out, (refused = new Map()));
      refused.delete(key.id);
      refused.set(key.id, `unsupported map key of type: ${key.type}, key: ${key.key}, value: ${goSharpV(c[i + 1]!, 0, true)}`);
      continue;
    }
    let entries = ctx.goEntries.get(out);
    if (!entries) ctx.goEntries.set(out, (entries = new Map()));
    const id = goKeyId(k, keyNode, ctx);
    entries.delete(id);
    entries.set(id, v);
    out.delete(key);
    out.set(key, v);
  }
}

/** The identity of a (convertible) key in goyaml's map[interface{}]interface{}: its Go type and value. */
function goKeyId(k: Value, node: GoyamlNode, ctx: ConvertCtx): string {
  if (typeof k === 'boolean') return 'b:' + k;
  if (typeof k === 'number') {
    let src = node;
    while (src.kind === 'alias') src = src.alias!;
    const r = src.kind === 'scalar' && src.tag !== TAG + 'float' ? resolvePlain(src.value) : undefined;
    if (r?.tag === 'int') return 'i:' + r.value;
    return Number.isNaN(k) ? `nan:${ctx.nanKeys++}` : 'f:' + String(k); // NaN equals no key; -0 is 0
  }
  return 's:' + String(k);
}

function merge(n: GoyamlNode, out: Map<string, Value>, ctx: ConvertCtx): void {
  const wantMap = (): never => {
    throw new YamlConvertError('yaml: map merge requires map or sequence of maps as the value');
  };
  const one = (x: GoyamlNode): void => {
    if (x.kind === 'mapping') return mappingInto(x, out, ctx);
    if (x.alias!.kind !== 'mapping') return wantMap();
    if (ctx.aliases.has(x)) throw new YamlConvertError(`yaml: anchor '${x.value}' value contains itself`);
    if (++ctx.expanded > MAX_ALIAS_COUNT) throw new FuncFailure('too many aliases');
    ctx.aliases.add(x);
    try {
      mappingInto(x.alias!, out, ctx);
    } finally {
      ctx.aliases.delete(x);
    }
  };
  if (n.kind === 'mapping' || n.kind === 'alias') return one(n);
  if (n.kind !== 'sequence') return wantMap();
  // Step backwards as earlier nodes take precedence.
  for (let i = n.children.length - 1; i >= 0; i--) {
    const it = n.children[i]!;
    if (it.kind !== 'mapping' && it.kind !== 'alias') wantMap();
    one(it);
  }
}

function scalarValue(node: GoyamlNode): Value {
  const text = utf8ToBin(node.value);
  if (node.tag === '' && !node.implicit) return text;
  if (!RESOLVABLE.has(node.tag)) {
    if (node.tag === TAG + 'binary') {
      const b = goBase64(node.value);
      if (!b) throw new YamlConvertError('yaml: !!binary value contains invalid base64 data');
      return utf8ToBin(goUtf8(b)); // the JSON round trip: bytes that are not UTF-8 come back as U+FFFD
    }
    return text; // `!`, `!local` and other tags: the text
  }
  const r = resolvePlain(node.tag === TAG + 'str' ? 'x' : node.value);
  const rtag = node.tag === TAG + 'str' ? TAG + 'str' : TAG + (r.tag === 'timestamp' && node.tag !== '' && node.tag !== TAG + 'timestamp' ? 'str' : r.tag);
  if (node.tag !== '' && node.tag !== rtag && !(node.tag === TAG + 'float' && r.tag === 'int')) {
    throw new YamlConvertError(`yaml: cannot decode ${shortTag(rtag)} \`${node.value}\` as a ${shortTag(node.tag)}`);
  }
  if (node.tag === TAG + 'str') return text;
  switch (r.tag) {
    case 'str':
    case 'timestamp':
    case 'merge':
      return text;
    case 'null':
      return null;
    case 'bool':
      return r.value;
    case 'int':
      return Number(r.value); // the JSON round trip makes every number a float64
    case 'float':
      return r.value; // ±Inf and NaN fail in json.Marshal, after the decode (unsupportedValue)
  }
}

/** Go's strconv.Quote (what %#v prints for a string). */
function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else if (c < 0x80 || !/[\p{L}\p{M}\p{N}\p{P}\p{S}]/u.test(ch)) {
      const named: Record<number, string> = { 7: 'a', 8: 'b', 12: 'f', 10: 'n', 13: 'r', 9: 't', 11: 'v' };
      if (named[c]) out += '\\' + named[c];
      else if (c < 0x80) out += '\\x' + c.toString(16).padStart(2, '0');
      else if (c < 0x10000) out += '\\u' + c.toString(16).padStart(4, '0');
      else out += '\\U' + c.toString(16).padStart(8, '0');
    } else out += ch;
  }
  return out + '"';
}

/**
 * A map key as fmt orders it (internal/fmtsort on interface{} keys): by dynamic type first, in the order
 * of the type descriptors in the binary, which the linker sorts by name (nil first, then bool, float64,
 * int, string, uint64), then by value.
 */
type SortKey = { rank: 0 } | { rank: 1 | 2; v: number } | { rank: 3 | 5; v: bigint } | { rank: 4; v: Buffer };

function sortKeyOf(n: GoyamlNode): SortKey | undefined {
  while (n.kind === 'alias') n = n.alias!;
  if (n.kind !== 'scalar') return undefined;
  if ((n.tag === '' && !n.implicit) || n.tag === TAG + 'str') return { rank: 4, v: Buffer.from(n.value, 'utf8') };
  if (!RESOLVABLE.has(n.tag)) return { rank: 4, v: Buffer.from(n.value, 'utf8') };
  const r = resolvePlain(n.value);
  switch (r.tag) {
    case 'null': return { rank: 0 };
    case 'bool': return { rank: 1, v: r.value ? 1 : 0 };
    case 'float': return { rank: 2, v: r.value };
    case 'int':
      if (n.tag === TAG + 'float') return { rank: 2, v: Number(r.value) };
      return r.value > 2n ** 63n - 1n ? { rank: 5, v: r.value } : { rank: 3, v: r.value };
    default: return { rank: 4, v: Buffer.from(n.value, 'utf8') };
  }
}

function compareSortKeys(a: SortKey | undefined, b: SortKey | undefined): number {
  if (!a || !b) return 0;
  if (a.rank !== b.rank) return a.rank - b.rank;
  if (a.rank === 0 || b.rank === 0) return 0;
  if (a.rank === 4) return Buffer.compare(a.v, (b as { v: Buffer }).v);
  const x = a.v as number | bigint;
  const y = (b as { v: number | bigint }).v;
  if (typeof x === 'number' && typeof y === 'number') {
    if (Number.isNaN(x) || Number.isNaN(y)) return Number.isNaN(x) ? (Number.isNaN(y) ? 0 : -1) : 1; // NaN first
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/**
 * fmt's %#v of the value goyaml decodes a node into (interface{}: map[interface {}]interface {}, []interface {}, ...).
 * `top`: the value is an argument of its own (a nil prints `<nil>`, not `interface {}(nil)`).
 */
function goSharpV(n: GoyamlNode, depth: number, top = false): string {
  if (depth > MAX_DEPTH) throw new FuncFailure('nesting too deep');
  if (n.kind === 'alias') return goSharpV(n.alias!, depth + 1, top);
  if (n.kind === 'sequence') return `[]interface {}{${n.children.map((c) => goSharpV(c, depth + 1)).join(', ')}}`;
  if (n.kind === 'mapping') {
    const entries = new Map<string, SharpEntry>();
    sharpEntries(n, entries, depth);
    const list = [...entries.values()].sort((a, b) => compareSortKeys(a.key, b.key));
    return `map[interface {}]interface {}{${list.map((e) => `${e.text}:${e.v}`).join(', ')}}`;
  }
  if (top && n.kind === 'scalar' && n.tag !== TAG + 'str' && !(n.tag === '' && !n.implicit) && RESOLVABLE.has(n.tag) && resolvePlain(n.value).tag === 'null') return '<nil>';
  if ((n.tag === '' && !n.implicit) || n.tag === TAG + 'str') return goQuote(n.value);
  if (!RESOLVABLE.has(n.tag)) {
    const b = n.tag === TAG + 'binary' ? goBase64(n.value) : undefined;
    if (!b) return goQuote(n.value);
    // strconv.Quote of the decoded bytes: a byte that is not UTF-8 prints as \xNN.
    return `"${goUtf8Pieces(b).map((p) => (typeof p === 'number' ? '\\x' + p.toString(16).padStart(2, '0') : goQuote(p).slice(1, -1))).join('')}"`;
  }
  const r = resolvePlain(n.value);
  switch (r.tag) {
    case 'null': return 'interface {}(nil)';
    case 'bool': return String(r.value);
    case 'int':
      if (n.tag === TAG + 'float') return formatFloat(Number(r.value), 'g', -1, 64);
      return r.value > 2n ** 63n - 1n ? '0x' + r.value.toString(16) : r.value.toString();
    case 'float': return formatFloat(r.value, 'g', -1, 64);
    default: return goQuote(n.value);
  }
}

const isMergeKey = (k: GoyamlNode): boolean => k.kind === 'scalar' && k.value === '<<' && (k.implicit || k.tag === TAG + 'merge');

/**
 * The entries of the map goyaml decoded from a mapping node, as %#v sees them: a `<<` merge is applied
 * where it stands (a sequence of maps from its end), as in mappingInto. Only called on a mapping that
 * decoded, so a merge source is a map.
 */
interface SharpEntry {
  text: string;
  key: SortKey | undefined;
  v: string;
}

let nanKeyCount = 0;

/**
 * A key's identity in goyaml's map[interface{}]interface{}: its Go type and value, not its %#v (int 1 and
 * float 1 are two keys that print alike; -0.0 and 0.0 are one, and the later one's text is the key, as Go
 * updates float keys; every NaN is a key of its own).
 */
function goMapKeyId(key: SortKey | undefined, text: string): string {
  if (!key) return 't:' + text;
  switch (key.rank) {
    case 0: return 'nil';
    case 1: return 'b:' + key.v;
    case 2: return Number.isNaN(key.v) ? `nan:${nanKeyCount++}` : 'f:' + (key.v === 0 ? 0 : key.v);
    case 3: return 'i:' + key.v;
    case 5: return 'u:' + key.v;
    default: return 's:' + text;
  }
}

function sharpEntries(n: GoyamlNode, entries: Map<string, SharpEntry>, depth: number): void {
  if (depth > MAX_DEPTH) throw new FuncFailure('nesting too deep');
  for (let i = 0; i < n.children.length; i += 2) {
    const kn = n.children[i]!;
    if (isMergeKey(kn)) {
      const m = n.children[i + 1]!;
      const one = (x: GoyamlNode): void => {
        const t = x.kind === 'alias' ? x.alias! : x;
        if (t.kind === 'mapping') sharpEntries(t, entries, depth + 1);
      };
      if (m.kind === 'sequence') for (let j = m.children.length - 1; j >= 0; j--) one(m.children[j]!);
      else one(m);
      continue;
    }
    const text = goSharpV(kn, depth + 1);
    const key = sortKeyOf(kn);
    entries.set(goMapKeyId(key, text), { text, key, v: goSharpV(n.children[i + 1]!, depth + 1) });
  }
}

/** base64.StdEncoding.DecodeString (which skips \r and \n); undefined when invalid. */
function goBase64(s: string): Uint8Array | undefined {
  const t = s.replace(/[\r\n]/g, '');
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(t)) return undefined;
  return Buffer.from(t, 'base64');
}

/** A key sigs.k8s.io/yaml refuses: its Go type (%s of reflect.TypeOf) and %+#v. */
interface RefusedKey {
  id: string;
  type: string;
  key: string;
}

/**
 * sigs.k8s.io/yaml's key conversion: strings stay, ints become their decimal text, floats
 * FormatFloat(k, 'g', -1, 32) (so rounded to float32: 1e39 is .inf, 1e-310 is 0), bools true/false;
 * a nil or a uint64 (above int64) key is refused.
 */
function jsonKey(k: Value, node: GoyamlNode): string | RefusedKey {
  if (typeof k === 'string') return k;
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (typeof k === 'number') {
    let src = node;
    while (src.kind === 'alias') src = src.alias!;
    const r = src.kind === 'scalar' && src.tag !== TAG + 'float' ? resolvePlain(src.value) : undefined;
    if (r?.tag === 'int') {
      if (r.value > 2n ** 63n - 1n) return { id: 'u:' + r.value, type: 'uint64', key: '0x' + r.value.toString(16) };
      return r.value.toString();
    }
    const s = formatFloat(Math.fround(k), 'g', -1, 32);
    return s === '+Inf' ? '.inf' : s === '-Inf' ? '-.inf' : s === 'NaN' ? '.nan' : s;
  }
  if (k === null) return { id: 'nil', type: '%!s(<nil>)', key: '<nil>' };
  throw new YamlConvertError('unsupported map key');
}

/**
 * The first refused key of the decoded value: a map's own keys before those of the maps in it, as Go's
 * convertToJSONableObject checks a key before it converts the key's value; a map that a later equal key
 * replaced is no longer in the value and not looked at.
 */
function refusedKey(v: Value, ctx: ConvertCtx, seen: Set<object>): string | undefined {
  if (!(v instanceof Map) && !Array.isArray(v)) return undefined;
  if (seen.has(v)) return undefined;
  seen.add(v);
  if (v instanceof Map) {
    for (const text of ctx.unsupported.get(v)?.values() ?? []) return text;
    for (const x of (ctx.goEntries.get(v) ?? v).values()) {
      const r = refusedKey(x, ctx, seen);
      if (r !== undefined) return r;
    }
  } else {
    for (const x of v) {
      const r = refusedKey(x, ctx, seen);
      if (r !== undefined) return r;
    }
  }
  return undefined;
}

/** json.Marshal's first unsupported value (±Inf, NaN), in its order: map keys sorted, depth first. */
function unsupportedValue(v: Value, seen: Set<object>): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? undefined : v;
  if (v instanceof Map) {
    if (seen.has(v)) return undefined;
    seen.add(v);
    for (const k of [...v.keys()].sort()) {
      const bad = unsupportedValue(v.get(k)!, seen);
      if (bad !== undefined) return bad;
    }
  } else if (Array.isArray(v)) {
    if (seen.has(v)) return undefined;
    seen.add(v);
    for (const x of v) {
      const bad = unsupportedValue(x, seen);
      if (bad !== undefined) return bad;
    }
  }
  return undefined;
}

const JSON_KIND: Record<string, string> = { string: 'string', number: 'number', boolean: 'bool' };

export function fromYaml(str: string): Map<string, Value> {
  const m = new Map<string, Value>();
  let value: Value;
  try {
    // The Go string's bytes as they are: goyaml's reader checks the UTF-8.
    const root = goyamlCompose(Buffer.from(str, 'latin1'), { maxDepth: MAX_DEPTH });
    const ctx: ConvertCtx = { aliases: new Set(), expanded: 0, unsupported: new Map(), goEntries: new Map(), nanKeys: 0 };
    value = root ? nodeToValue(root, ctx) : null;
    // sigs.k8s.io/yaml: goyaml's decode, then the key conversion, then json.Marshal.
    const refused = refusedKey(value, ctx, new Set());
    if (refused !== undefined) throw new YamlConvertError(refused);
    const bad = unsupportedValue(value, new Set());
    if (bad !== undefined) throw new YamlConvertError(`json: unsupported value: ${formatFloat(bad, 'g', -1, 64)}`);
  } catch (e) {
    if (e instanceof GoyamlDepthError) throw new FuncFailure('nesting too deep');
    if (e instanceof FuncFailure) throw e;
    m.set('Error', 'error converting YAML to JSON: ' + utf8ToBin((e as Error).message));
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
