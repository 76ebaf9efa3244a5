// ESO parses KeysAndValues template output (templateAs: KeysAndValues, templateFrom literals) with
// k8s.io/apimachinery's yaml.Unmarshal into map[string]string, which is sigs.k8s.io/yaml v1.6.0:
//   1. goyaml v2 (go.yaml.in/yaml/v2, YAML 1.1) decodes the FIRST document into interface{}
//      (resolve.go: y/yes/on/off/n…, ints with base prefixes, leading-zero octal and `_`, floats;
//      decode.go: tags, !!binary, anchors/aliases, `<<` merges in document order; timestamps stay text);
//   2. convertToJSONableObject turns keys into strings (ints, floats as FormatFloat(…,'g',-1,32) with
//      .inf/.nan, bools; a null or uint64 key is an error) and, because the target is a string, scalar
//      values into strings the same way;
//   3. json.Marshal + json.Decode into map[string]string (invalid UTF-8 becomes U+FFFD, null is "",
//      nested maps and lists are an error).
// Structure (indentation, flow, block scalars) comes from the `yaml` package, over a text where libyaml's
// tokens differ (libyamlTokens: LS/PS are line breaks, anchor names, directives); quoted scalars, and
// plain and literal ones holding LS/PS, are read from the source as libyaml reads them; with
// every scalar kept as text (failsafe schema); the resolution above is goyaml's, done here.
// Deliberate difference: two keys that become the same string (`1` and `"1"`) are an error here,
// where ESO keeps one of them at random (Go map order).

import { Composer, Lexer, Parser, isAlias, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';

const ERR = "could not unmarshal template to 'map[string][]byte'";

/** An error of the KeysAndValues reader; its message names positions and kinds, never a value. */
export class KeysAndValuesError extends Error {}

const fail = (what: string): never => {
  throw new KeysAndValuesError(`${ERR}: ${what}`);
};

const TAG = 'tag:yaml.org,2002:';
const STR = TAG + 'str';
const BOOL = TAG + 'bool';
const INT = TAG + 'int';
const FLOAT = TAG + 'float';
const NULL = TAG + 'null';
const TIMESTAMP = TAG + 'timestamp';
const BINARY = TAG + 'binary';
const MERGE = TAG + 'merge';

/** goyaml's decoded values (interface{}): the Go type matters for how sigs.k8s.io/yaml prints it. */
type GoVal =
  | { t: 'str'; v: string }
  | { t: 'int'; v: bigint }
  | { t: 'uint'; v: bigint }
  | { t: 'float'; v: number }
  | { t: 'bool'; v: boolean }
  | { t: 'null' }
  | { t: 'map'; m: Map<string, [GoVal, GoVal]> }
  | { t: 'seq' };

const RESOLVE_MAP = new Map<string, GoVal>();
for (const s of ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']) RESOLVE_MAP.set(s, { t: 'bool', v: true });
for (const s of ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']) RESOLVE_MAP.set(s, { t: 'bool', v: false });
for (const s of ['', '~', 'null', 'Null', 'NULL']) RESOLVE_MAP.set(s, { t: 'null' });
for (const s of ['.nan', '.NaN', '.NAN']) RESOLVE_MAP.set(s, { t: 'float', v: NaN });
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) RESOLVE_MAP.set(s, { t: 'float', v: Infinity });
for (const s of ['-.inf', '-.Inf', '-.INF']) RESOLVE_MAP.set(s, { t: 'float', v: -Infinity });

const tagOf = (v: GoVal): string => {
  switch (v.t) {
    case 'str': return STR;
    case 'int': case 'uint': return INT;
    case 'float': return FLOAT;
    case 'bool': return BOOL;
    case 'null': return NULL;
    default: return '';
  }
};

const shortTag = (t: string) => (t.startsWith(TAG) ? '!!' + t.slice(TAG.length) : t);

const INT64_MIN = -(1n << 63n);
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** strconv.ParseInt(s, 0, 64) (sign, 0x/0o/0b prefixes, leading-zero octal); undefined on any error. */
function parseInt0(s: string): bigint | undefined {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const v = bigOf(m[2]!) * (m[1] === '-' ? -1n : 1n);
  return v < INT64_MIN || v > INT64_MAX ? undefined : v;
}

/** strconv.ParseUint(s, 0, 64). */
function parseUint0(s: string): bigint | undefined {
  const m = /^(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const v = bigOf(m[1]!);
  return v > UINT64_MAX ? undefined : v;
}

function bigOf(lit: string): bigint {
  const p = lit.slice(0, 2).toLowerCase();
  if (p === '0x' || p === '0o' || p === '0b') return BigInt(p + lit.slice(2));
  if (lit.length > 1 && lit[0] === '0') return BigInt('0o' + lit.slice(1));
  return BigInt(lit);
}

/** strconv.ParseFloat(s, 64) when it succeeds (no error: syntax and overflow both fail). */
function parseFloatOk(s: string): number | undefined {
  if (/^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/.test(s)) {
    const f = Number(s);
    return Number.isFinite(f) ? f : undefined;
  }
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s[0] === '-' ? -Infinity : Infinity;
  if (/^nan$/i.test(s)) return NaN;
  const h = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/.exec(s);
  if (h && (h[2]! + (h[3] ?? '')).length > 0) {
    let v = 0;
    for (const c of h[2]! + (h[3] ?? '')) v = v * 16 + parseInt(c, 16);
    const r = v * Math.pow(2, Number(h[4]) - 4 * (h[3] ?? '').length);
    return Number.isFinite(r) ? (h[1] === '-' ? -r : r) : undefined;
  }
  return undefined;
}

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** goyaml v2's parseTimestamp (the four layouts it tries with time.Parse). */
function isTimestamp(s: string): boolean {
  const m = /^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})(?:([Tt ])([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?)?$/.exec(s);
  if (!m) return false;
  const [, y, mo, d, sep, hh, mi, ss, , zone] = m;
  if (sep === ' ' && zone) return false;
  if ((sep === 'T' || sep === 't') && !zone) return false;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  if (month < 1 || month > 12) return false;
  const dim = [31, year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day < 1 || day > dim) return false;
  if (hh !== undefined && (Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 59)) return false;
  if (zone && zone !== 'Z' && (Number(zone.slice(1, 3)) > 23 || Number(zone.slice(4)) > 59)) return false;
  return true;
}

/** goyaml v2 resolve(tag, in). */
function resolve(tag: string, input: string): [string, GoVal] {
  const resolvable = tag === '' || tag === STR || tag === BOOL || tag === INT || tag === FLOAT || tag === NULL || tag === TIMESTAMP;
  if (!resolvable) return [tag, { t: 'str', v: input }];
  const [rtag, out] = resolveInner(tag, input);
  if (tag === '' || tag === rtag || tag === STR || tag === BINARY) return [rtag, out];
  if (tag === FLOAT && rtag === INT && (out.t === 'int' || out.t === 'uint')) {
    if (out.t === 'int') return [FLOAT, { t: 'float', v: Number(out.v) }];
  }
  return fail(`cannot decode ${shortTag(rtag)} as a ${shortTag(tag)}`);
}

function resolveInner(tag: string, input: string): [string, GoVal] {
  const c = input === '' ? 'N' : input[0]!;
  const hint = input === '' ? 'N' : c === '+' || c === '-' ? 'S' : c >= '0' && c <= '9' ? 'D' : 'yYnNtTfFoO~'.includes(c) ? 'M' : c === '.' ? '.' : '';
  if (hint !== '' && tag !== STR && tag !== BINARY) {
    const item = RESOLVE_MAP.get(input);
    if (item) return [tagOf(item), item];
    if (hint === '.') {
      const f = parseFloatOk(input);
      if (f !== undefined) return [FLOAT, { t: 'float', v: f }];
    } else if (hint === 'D' || hint === 'S') {
      if ((tag === '' || tag === TIMESTAMP) && isTimestamp(input)) return [TIMESTAMP, { t: 'str', v: input }];
      const plain = input.replace(/_/g, '');
      const i = parseInt0(plain);
      if (i !== undefined) return [INT, { t: 'int', v: i }];
      const u = parseUint0(plain);
      if (u !== undefined) return [INT, { t: 'uint', v: u }];
      if (YAML_STYLE_FLOAT.test(plain)) {
        const f = parseFloatOk(plain);
        if (f !== undefined) return [FLOAT, { t: 'float', v: f }];
      }
      // The 0b/-0b branches of resolve.go are covered by ParseInt's base 0 above.
    }
  }
  return [STR, { t: 'str', v: input }];
}

/** base64.StdEncoding.DecodeString (which skips \r and \n), as bytes; undefined when invalid. */
function goBase64(s: string): Uint8Array | undefined {
  const t = s.replace(/[\r\n]/g, '');
  if (t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(t)) return undefined;
  return Buffer.from(t, 'base64');
}

/** Go's json.Marshal view of bytes as a string: each invalid UTF-8 byte becomes U+FFFD. */
function goUtf8(b: Uint8Array): string {
  let out = '';
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    let size = 0;
    if (c < 0x80) size = 1;
    else if (c >= 0xc2 && c <= 0xdf) size = i + 1 < n && (b[i + 1]! & 0xc0) === 0x80 ? 2 : 0;
    else if (c >= 0xe0 && c <= 0xef) {
      const lo = c === 0xe0 ? 0xa0 : 0x80;
      const hi = c === 0xed ? 0x9f : 0xbf;
      size = i + 2 < n && b[i + 1]! >= lo && b[i + 1]! <= hi && (b[i + 2]! & 0xc0) === 0x80 ? 3 : 0;
    } else if (c >= 0xf0 && c <= 0xf4) {
      const lo = c === 0xf0 ? 0x90 : 0x80;
      const hi = c === 0xf4 ? 0x8f : 0xbf;
      size = i + 3 < n && b[i + 1]! >= lo && b[i + 1]! <= hi && (b[i + 2]! & 0xc0) === 0x80 && (b[i + 3]! & 0xc0) === 0x80 ? 4 : 0;
    }
    if (size === 0) {
      out += '\ufffd';
      i++;
    } else {
      out += Buffer.from(b.subarray(i, i + size)).toString('utf8');
      i += size;
    }
  }
  return out;
}

// ---- libyaml's scanner where the `yaml` package (YAML 1.2) reads differently ----

// libyaml's is_break (after READ_LINE has made CR, CR LF and NEL a line feed): LF, LS, PS.
const isBreak = (c: string | undefined) => c === '\n' || c === '\u2028' || c === '\u2029';
const isBlank = (c: string | undefined) => c === ' ' || c === '\t';
// read_line: a line feed stays a line feed, LS and PS are copied as they are.
const SIMPLE_ESCAPES: Record<string, string> = { '0': '\0', a: '\x07', b: '\b', t: '\t', '\t': '\t', n: '\n', v: '\v', f: '\f', r: '\r', e: '\x1b', ' ': ' ', '"': '"', "'": "'", '\\': '\\', N: '\u0085', _: '\u00a0', L: '\u2028', P: '\u2029' };

/** yaml_parser_scan_flow_scalar over a quoted scalar's source (from its opening quote). */
function flowScalar(raw: string, single: boolean): string {
  return scanFlowScalar(raw, single).value;
}

/** The value and the end (after the closing quote) of the quoted scalar `raw` starts with. */
function scanFlowScalar(raw: string, single: boolean): { value: string; end: number } {
  let s = '';
  let i = 1;
  for (;;) {
    if (i >= raw.length) return fail('yaml: while scanning a quoted scalar: found unexpected end of stream');
    if ((i === 0 || isBreak(raw[i - 1])) && /^(?:---|\.\.\.)(?:[ \t\n\u2028\u2029]|$)/.test(raw.slice(i, i + 4))) {
      return fail('yaml: while scanning a quoted scalar: found unexpected document indicator');
    }
    let leadingBlanks = false;
    while (i < raw.length && !isBlank(raw[i]) && !isBreak(raw[i])) {
      const c = raw[i]!;
      if (single && c === "'" && raw[i + 1] === "'") {
        s += "'";
        i += 2;
      } else if (single && c === "'") break;
      else if (!single && c === '"') break;
      else if (!single && c === '\\' && isBreak(raw[i + 1])) {
        i += 2;
        leadingBlanks = true;
        break;
      } else if (!single && c === '\\') {
        const e = raw[i + 1]!;
        const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
        if (len === 0) {
          const v = SIMPLE_ESCAPES[e];
          if (v === undefined) return fail('yaml: found unknown escape character');
          s += v;
          i += 2;
        } else {
          const hex = raw.slice(i + 2, i + 2 + len);
          if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) return fail('yaml: did not find expected hexdecimal number');
          const v = parseInt(hex, 16);
          if ((v >= 0xd800 && v <= 0xdfff) || v > 0x10ffff) return fail('found invalid Unicode character escape code');
          s += String.fromCodePoint(v);
          i += 2 + len;
        }
      } else {
        s += c;
        i++;
      }
    }
    if (raw[i] === (single ? "'" : '"')) break;
    let whitespaces = '';
    let leadingBreak = '';
    let trailingBreaks = '';
    while (isBlank(raw[i]) || isBreak(raw[i])) {
      if (isBlank(raw[i])) {
        if (!leadingBlanks) whitespaces += raw[i];
      } else if (!leadingBlanks) {
        whitespaces = '';
        leadingBreak += raw[i];
        leadingBlanks = true;
      } else trailingBreaks += raw[i];
      i++;
    }
    if (leadingBlanks) s += leadingBreak === '\n' ? (trailingBreaks === '' ? ' ' : trailingBreaks) : leadingBreak + trailingBreaks;
    else s += whitespaces;
  }
  return { value: s, end: i + 1 };
}

/**
 * libyaml does not look at indentation inside a quoted scalar (`a: "x⏎y"` is "x y"); the `yaml` package
 * wants continuation lines indented. The line breaks of a quoted value whose lines the `yaml` package
 * splits are made spaces in the text it reads (same offsets; the value is read from the source by
 * flowScalar). A quoted key over several lines stays as it is: both refuse it.
 */
function joinQuotedLines(src: string): string {
  let text = src;
  for (let round = 0; ; round++) {
    if (round > 10000) return fail('yaml: too many quoted scalars over several lines');
    let at = 0;
    let changed = false;
    for (const tok of new Lexer().lex(text.replace(/[\u2028\u2029]/g, '\n'))) {
      if (tok === '\x02' || tok === '\x18' || tok === '\x1f') continue;
      const start = at;
      at += tok.length;
      if (tok[0] !== '"' && tok[0] !== "'") continue;
      const { end } = scanFlowScalar(src.slice(start), tok[0] === "'");
      if (end <= tok.length) continue;
      if (/^[ \t]*:/.test(src.slice(start + end))) continue;
      text = text.slice(0, start) + text.slice(start, start + end).replace(/[\n\u2028\u2029]/g, ' ') + text.slice(start + end);
      changed = true;
      break;
    }
    if (!changed) return text;
  }
}

/** yaml_parser_scan_plain_scalar's folding over a plain scalar's source (which ends at its last character). */
function plainScalar(raw: string): string {
  const parts = raw.split(/([\n\u2028\u2029])/);
  const lines = parts.filter((_, j) => j % 2 === 0).map((l) => l.replace(/^[ \t]+|[ \t]+$/g, ''));
  const brks = parts.filter((_, j) => j % 2 === 1);
  let s = lines[0]!;
  let i = 1;
  while (i < lines.length) {
    const leading = brks[i - 1]!;
    let trailing = '';
    while (i < lines.length - 1 && lines[i] === '') {
      trailing += brks[i]!;
      i++;
    }
    s += leading === '\n' ? (trailing === '' ? ' ' : trailing) : leading + trailing;
    s += lines[i]!;
    i++;
  }
  return s;
}

/**
 * The text the `yaml` package reads: libyaml's tokens where they differ. Anchor and alias names are
 * [0-9A-Za-z_-] and end before `:` `,` `]` `}` `?` `%` `@` `` ` `` (a space is put there, so `*k: v` is an
 * alias key as in goyaml); only %YAML 1.1 and %TAG directives are known. Offsets of `raw` and the result
 * agree; LS and PS are line feeds in the result (libyaml's is_break), kept in `raw` for the scalars.
 */
function libyamlTokens(src: string): { raw: string; text: string } {
  const asBreaks = (t: string) => t.replace(/[\u2028\u2029]/g, '\n');
  const joined = joinQuotedLines(src);
  let raw = '';
  let text = '';
  let at = 0;
  for (const tok of new Lexer().lex(asBreaks(joined))) {
    if (tok === '\x02' || tok === '\x18' || tok === '\x1f') continue; // the lexer's markers: not source text
    const orig = src.slice(at, at + tok.length);
    const seen = joined.slice(at, at + tok.length);
    at += tok.length;
    if (tok[0] === '&' || tok[0] === '*') {
      const name = /^[&*]([0-9A-Za-z_-]*)/.exec(tok)![1]!;
      const rest = tok.slice(1 + name.length);
      if (name === '' || (rest !== '' && !'?:,]}%@`'.includes(rest[0]!))) fail(`yaml: while scanning an ${tok[0] === '&' ? 'anchor' : 'alias'}: did not find expected alphabetic or numeric character`);
      const cut = (t: string) => (rest === '' ? t : t.slice(0, 1 + name.length) + ' ' + t.slice(1 + name.length));
      raw += cut(orig);
      text += cut(seen);
      continue;
    }
    if (tok[0] === '%' && (at - tok.length === 0 || src[at - tok.length - 1] === '\n')) {
      const name = /^%([0-9A-Za-z_-]*)/.exec(tok)![1]!;
      if (name === 'YAML') {
        if (!/^%YAML[ \t]+0*1\.0*1(?:[ \t]|$)/.test(tok)) fail('yaml: found incompatible YAML document');
      } else if (name !== 'TAG') fail('yaml: found unknown directive name');
    }
    raw += orig;
    text += seen;
  }
  return { raw, text: asBreaks(text) };
}

// ---- goyaml's decoder over the `yaml` package's nodes ----

interface Ctx {
  doc: Document.Parsed;
  src: string;
  aliases: Set<Node>;
  flow: number;
}

// The escapes libyaml (and so goyaml v2) knows in double-quoted scalars; YAML 1.2's `\/` is not one.
const LIBYAML_ESCAPES = new Set(['0', 'a', 'b', 't', '\t', 'n', 'v', 'f', 'r', 'e', ' ', '"', "'", '\\', 'N', '_', 'L', 'P', 'x', 'u', 'U', '\n', '\r', '\u2028', '\u2029']);

function scalarOf(node: Node & { value?: unknown; type?: string; tag?: string; range?: [number, number, number] }, ctx: Ctx): GoVal {
  let text = String(node.value ?? '');
  // A block scalar that runs to the end of a text with no final line break: libyaml keeps no line
  // break there (the `yaml` package adds one for clip and keep chomping).
  if ((node.type === 'BLOCK_LITERAL' || node.type === 'BLOCK_FOLDED') && node.range && node.range[1] >= ctx.src.length
    && !ctx.src.endsWith('\n') && text.endsWith('\n')) {
    text = text.slice(0, -1);
  }
  if (node.type === 'QUOTE_DOUBLE' && node.range) {
    const raw = ctx.src.slice(node.range[0], node.range[1]);
    for (let i = raw.indexOf('"') + 1; i < raw.length - 1; i++) {
      if (raw[i] !== '\\') continue;
      if (!LIBYAML_ESCAPES.has(raw[i + 1]!)) fail('yaml: found unknown escape character');
      i++;
    }
  }
  // Quoted scalars are read as libyaml reads them (line folding with LS/PS as breaks, escaped line breaks);
  // plain and literal ones only differ from the `yaml` package's reading where LS/PS are.
  if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range) {
    const raw = ctx.src.slice(node.range[0], node.range[1]);
    const q = raw.indexOf(node.type === 'QUOTE_DOUBLE' ? '"' : "'");
    if (q >= 0) text = flowScalar(raw.slice(q), node.type === 'QUOTE_SINGLE');
  } else if (node.range && /[\u2028\u2029]/.test(ctx.src.slice(node.range[0], node.range[1]))) {
    const raw = ctx.src.slice(node.range[0], node.range[1]);
    if (node.type === 'PLAIN' || node.type === undefined) text = plainScalar(raw);
    else if (node.type === 'BLOCK_LITERAL') {
      const brks = [...raw.slice(raw.indexOf('\n') + 1).matchAll(/[\n\u2028\u2029]/g)].map((m) => m[0]);
      let k = 0;
      text = text.replace(/\n/g, () => brks[k++] ?? '\n');
    } else fail('a line or paragraph separator (U+2028, U+2029) in a folded block scalar is not supported');
  }
  // libyaml wants whitespace or a line break after a tag (`{a: !!str}` is an error there).
  if (node.tag && text === '' && node.range && node.range[0] > 0 && !/[\s]/.test(ctx.src[node.range[0] - 1]!) && !/^[\s]?$/.test(ctx.src[node.range[0]] ?? '')) {
    fail('yaml: did not find expected whitespace or line break');
  }
  // In flow context libyaml ends a plain scalar at `?` (a key indicator there), where YAML 1.2 goes on.
  if (ctx.flow > 0 && (node.type === 'PLAIN' || node.type === undefined) && text.includes('?')) {
    fail("yaml: did not find expected ',' or '}'");
  }
  if (/[\ud800-\udfff]/.test(text.replace(/[\ud800-\udbff][\udc00-\udfff]/g, ''))) fail('found invalid Unicode character escape code');
  const tag = node.tag ?? '';
  const plain = node.type === 'PLAIN' || node.type === undefined;
  const implicit = (tag === '' && plain) || tag === '!';
  if (tag === '' && !implicit) return { t: 'str', v: text };
  const [rtag, resolved] = resolve(tag, text);
  if (rtag === BINARY) {
    const bytes = goBase64(text);
    if (!bytes) fail('!!binary value contains invalid base64 data');
    return { t: 'str', v: goUtf8(bytes!) };
  }
  return resolved;
}

function isMergeKey(k: Node | null): boolean {
  if (!k || !isScalar(k) || String(k.value) !== '<<') return false;
  const tag = k.tag ?? '';
  const implicit = (tag === '' && k.type === 'PLAIN') || tag === '!';
  return implicit || tag === MERGE;
}

function target(n: Node, ctx: Ctx): Node {
  return isAlias(n) ? (n.resolve(ctx.doc) as Node | undefined) ?? fail('unknown anchor') : n;
}

function decode(n: Node | null, ctx: Ctx): GoVal {
  if (n === null || n === undefined) return { t: 'null' };
  if (isAlias(n)) {
    const t = n.resolve(ctx.doc) as Node | undefined;
    if (!t) fail(`unknown anchor referenced`);
    if (ctx.aliases.has(n)) fail('an anchor value contains itself');
    ctx.aliases.add(n);
    try {
      return decode(t!, ctx);
    } finally {
      ctx.aliases.delete(n);
    }
  }
  if (isScalar(n)) return scalarOf(n as never, ctx);
  const flow = (n as { flow?: boolean }).flow ? 1 : 0;
  ctx.flow += flow;
  try {
    if (isSeq(n)) {
      for (const it of n.items) decode(it as Node, ctx);
      return { t: 'seq' };
    }
    if (isMap(n)) {
      const out: GoVal = { t: 'map', m: new Map() };
      mappingInto(n, out.m, ctx);
      return out;
    }
  } finally {
    ctx.flow -= flow;
  }
  return fail('unsupported YAML node');
}

let nanKeys = 0;
const identity = (k: GoVal): string => {
  switch (k.t) {
    case 'str': return 's:' + k.v;
    case 'int': return 'i:' + k.v;
    case 'uint': return 'u:' + k.v;
    case 'float': return Number.isNaN(k.v) ? `nan:${nanKeys++}` : 'f:' + (Object.is(k.v, -0) ? '0' : k.v); // NaN is never equal to a key
    case 'bool': return 'b:' + k.v;
    case 'null': return 'n:';
    default: return fail('invalid map key');
  }
};

function mappingInto(n: Node, m: Map<string, [GoVal, GoVal]>, ctx: Ctx): void {
  if (!isMap(n)) fail('map merge requires map or sequence of maps as the value');
  const flow = (n as { flow?: boolean }).flow ? 1 : 0;
  ctx.flow += flow;
  try {
    mappingItems(n, m, ctx);
  } finally {
    ctx.flow -= flow;
  }
}

function mappingItems(n: Node, m: Map<string, [GoVal, GoVal]>, ctx: Ctx): void {
  for (const pair of (n as { items: { key: Node | null; value: Node | null }[] }).items) {
    if (isMergeKey(pair.key)) {
      merge(pair.value, m, ctx);
      continue;
    }
    const k = decode(pair.key, ctx);
    if (k.t === 'map' || k.t === 'seq') fail('invalid map key');
    const v = decode(pair.value, ctx);
    const id = identity(k);
    m.delete(id); // a later key wins, as SetMapIndex does
    m.set(id, [k, v]);
  }
}

function merge(n: Node | null, m: Map<string, [GoVal, GoVal]>, ctx: Ctx): void {
  const wantMap = () => fail('map merge requires map or sequence of maps as the value');
  if (!n) return wantMap();
  if (isMap(n)) return mappingInto(n, m, ctx);
  if (isAlias(n)) {
    const t = target(n, ctx);
    if (!isMap(t)) return wantMap();
    if (ctx.aliases.has(n)) fail('an anchor value contains itself');
    ctx.aliases.add(n);
    try {
      return mappingInto(t, m, ctx);
    } finally {
      ctx.aliases.delete(n);
    }
  }
  if (isSeq(n)) {
    const items = n.items as Node[];
    for (let i = items.length - 1; i >= 0; i--) {
      const it = items[i]!;
      if (!isMap(isAlias(it) ? target(it, ctx) : it)) return wantMap();
      merge(it, m, ctx);
    }
    return;
  }
  return wantMap();
}

// ---- sigs.k8s.io/yaml's conversion and the JSON round trip ----

/** Go's strconv.FormatFloat(v, 'g', -1, 32). */
export function formatFloat32G(v: number): string {
  const f = Math.fround(v);
  if (Number.isNaN(f)) return 'NaN';
  if (!Number.isFinite(f)) return f > 0 ? '+Inf' : '-Inf';
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const s = Math.abs(f).toExponential(p - 1);
    if (Math.fround(Number(s)) === Math.abs(f)) {
      const [m, e] = s.split('e');
      digits = m!.replace('.', '');
      exp = Number(e);
      break;
    }
  }
  digits = digits.replace(/0+$/, '') || '0';
  const sign = f < 0 ? '-' : '';
  // Go's %g with shortest digits switches to exponent form when exp < -4 || exp >= 6.
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const es = Math.abs(exp) < 10 ? '0' + Math.abs(exp) : String(Math.abs(exp));
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${es}`;
  }
  if (exp < 0) return sign + '0.' + '0'.repeat(-exp - 1) + digits;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return sign + digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
}

function keyString(k: GoVal): string {
  switch (k.t) {
    case 'str': return k.v;
    case 'int': return k.v.toString();
    case 'float': {
      const s = formatFloat32G(k.v);
      return s === '+Inf' ? '.inf' : s === '-Inf' ? '-.inf' : s === 'NaN' ? '.nan' : s;
    }
    case 'bool': return k.v ? 'true' : 'false';
    case 'null': return fail('unsupported map key of type: <nil>');
    case 'uint': return fail('unsupported map key of type: uint64');
    default: return fail('invalid map key');
  }
}

function valueString(v: GoVal, pos: number): string {
  switch (v.t) {
    case 'str': return v.v;
    case 'int': case 'uint': return v.v.toString();
    case 'float': return formatFloat32G(v.v);
    case 'bool': return v.v ? 'true' : 'false';
    case 'null': return '';
    case 'map': return fail(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal object into Go value of type string (entry ${pos + 1})`);
    default: return fail(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type string (entry ${pos + 1})`);
  }
}

/** What libyaml's reader refuses before any parsing: invalid UTF-8 and control characters. */
function checkInput(text: Uint8Array | string): string {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : Buffer.from(text);
  let s = bytes.toString('utf8');
  if (!Buffer.from(s, 'utf8').equals(bytes)) fail('yaml: invalid UTF-8 in the template output');
  if (s.charCodeAt(0) === 0xfeff) s = s.slice(1);
  // YAML printable: tab, LF, CR, 0x20-0x7E, NEL, 0xA0-0xD7FF, 0xE000-0xFFFD, astral.
  if (/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ufffe\uffff]/.test(s)) fail('yaml: control characters are not allowed');
  // libyaml reads CR LF, CR and NEL as one line feed everywhere (its READ_LINE), in scalars too.
  return s.replace(/\r\n?|\u0085/g, '\n');
}

/**
 * Parse rendered KeysAndValues output as ESO does. Throws a KeysAndValuesError whose message names
 * no value (a template's output holds secrets).
 */
export function parseKeysAndValues(text: Uint8Array | string): Map<string, string> {
  const out = new Map<string, string>();
  const { raw: src, text: yamlText } = libyamlTokens(checkInput(text));
  const composer = new Composer({ version: '1.1', schema: 'failsafe', uniqueKeys: false, strict: false });
  const first = composer.compose(new Parser().parse(yamlText)).next();
  if (first.done) return out; // empty stream: nil, no keys
  const doc = first.value as Document.Parsed;
  if (doc.errors.length) {
    const e = doc.errors[0]!;
    const line = e.linePos?.[0]?.line;
    fail(`error converting YAML to JSON: yaml: ${line ? `line ${line}: ` : ''}invalid YAML (${e.code})`);
  }
  const root = doc.contents as Node | null;
  const v = decode(root, { doc, src, aliases: new Set(), flow: 0 });
  if (v.t === 'null') return out;
  if (v.t !== 'map') {
    const kind = v.t === 'seq' ? 'array' : v.t === 'str' ? 'string' : v.t === 'bool' ? 'bool' : 'number';
    fail(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type map[string]string`);
  }
  const seen = new Set<string>();
  let pos = 0;
  for (const [k, val] of (v as { m: Map<string, [GoVal, GoVal]> }).m.values()) {
    const key = keyString(k);
    if (seen.has(key)) fail(`two keys of the output become the same key (entry ${pos + 1}); ESO would keep one of them at random`);
    seen.add(key);
    out.set(goJsonRoundTrip(key), goJsonRoundTrip(valueString(val, pos)));
    pos++;
  }
  return out;
}

/** json.Marshal then json.Unmarshal of a Go string: lone surrogates (JS) are the only change left. */
function goJsonRoundTrip(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
