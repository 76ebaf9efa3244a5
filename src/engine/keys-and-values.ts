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
// Reading (reader, scanner, parser, anchors) is goyaml's own, ported in src/common/goyaml-parse.ts: what
// it refuses fails with goyaml's text (`yaml: line N: ...`) behind sigs.k8s.io/yaml's "error converting
// YAML to JSON: "; the decoding and resolution above are goyaml's, done here over its node tree.
// Bounds of ours: nesting deeper than MAX_DEPTH and more than MAX_ALIAS_COUNT alias expansions fail.
// Deliberate difference: two keys that become the same string (`1` and `"1"`) are an error here,
// where ESO keeps one of them at random (Go map order).

import { MAX_ALIAS_COUNT, MAX_DEPTH } from '../common/limits.js';
import { GoyamlDepthError, GoyamlSyntaxError, goyamlCompose, type GoyamlNode } from '../common/goyaml-parse.js';
import { goUtf8 } from '../common/go-utf8.js';

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
  | { t: 'seq'; items: GoVal[] };

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
  return fail(`error converting YAML to JSON: yaml: cannot decode ${shortTag(rtag)} as a ${shortTag(tag)}`); // goyaml quotes the value here; we never do
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

// ---- goyaml's decoder (decode.go, into interface{}) over goyaml's own node tree ----

interface Ctx {
  aliases: Set<GoyamlNode>;
  /** Alias dereferences so far: the budget that stops an alias bomb (MAX_ALIAS_COUNT). */
  expanded: number;
}

function scalarOf(n: GoyamlNode): GoVal {
  // decode.go (*decoder).scalar: an untagged quoted or block scalar is a string; otherwise resolve.
  if (n.tag === '' && !n.implicit) return { t: 'str', v: n.value };
  const [rtag, resolved] = resolve(n.tag, n.value);
  if (rtag === BINARY) {
    const bytes = goBase64(n.value);
    if (!bytes) fail('error converting YAML to JSON: yaml: !!binary value contains invalid base64 data');
    return { t: 'str', v: goUtf8(bytes!) };
  }
  return resolved;
}

const isMergeKey = (k: GoyamlNode): boolean => k.kind === 'scalar' && k.value === '<<' && (k.implicit || k.tag === MERGE);

function decode(n: GoyamlNode, ctx: Ctx): GoVal {
  switch (n.kind) {
    case 'document':
      return decode(n.children[0]!, ctx);
    case 'alias': {
      if (ctx.aliases.has(n)) fail('error converting YAML to JSON: yaml: anchor value contains itself');
      if (++ctx.expanded > MAX_ALIAS_COUNT) fail(`alias expansion exceeds the limit of ${MAX_ALIAS_COUNT} (possible alias bomb)`);
      ctx.aliases.add(n);
      try {
        return decode(n.alias!, ctx);
      } finally {
        ctx.aliases.delete(n);
      }
    }
    case 'scalar':
      return scalarOf(n);
    case 'sequence':
      return { t: 'seq', items: n.children.map((it) => decode(it, ctx)) };
    case 'mapping': {
      const out: GoVal = { t: 'map', m: new Map() };
      mappingInto(n, out.m, ctx);
      return out;
    }
  }
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
    default: return fail('error converting YAML to JSON: yaml: invalid map key');
  }
};

/** (*decoder).mapping into an existing map: a merge writes into the map being built, in document order. */
function mappingInto(n: GoyamlNode, m: Map<string, [GoVal, GoVal]>, ctx: Ctx): void {
  const c = n.children;
  for (let i = 0; i < c.length; i += 2) {
    if (isMergeKey(c[i]!)) {
      merge(c[i + 1]!, m, ctx);
      continue;
    }
    const k = decode(c[i]!, ctx);
    if (k.t === 'map' || k.t === 'seq') fail('error converting YAML to JSON: yaml: invalid map key');
    const v = decode(c[i + 1]!, ctx);
    const id = identity(k);
    m.delete(id); // a later key wins, as SetMapIndex does
    m.set(id, [k, v]);
  }
}

/** Unmarshal of a node into the map being merged into: a mapping, or an alias of one. */
function mergeOne(n: GoyamlNode, m: Map<string, [GoVal, GoVal]>, ctx: Ctx): void {
  if (n.kind === 'mapping') return mappingInto(n, m, ctx);
  // An alias of a mapping (checked by the caller).
  if (ctx.aliases.has(n)) fail('error converting YAML to JSON: yaml: anchor value contains itself');
  if (++ctx.expanded > MAX_ALIAS_COUNT) fail(`alias expansion exceeds the limit of ${MAX_ALIAS_COUNT} (possible alias bomb)`);
  ctx.aliases.add(n);
  try {
    mappingInto(n.alias!, m, ctx);
  } finally {
    ctx.aliases.delete(n);
  }
}

function merge(n: GoyamlNode, m: Map<string, [GoVal, GoVal]>, ctx: Ctx): void {
  const wantMap = () => fail('error converting YAML to JSON: yaml: map merge requires map or sequence of maps as the value');
  if (n.kind === 'mapping') return mergeOne(n, m, ctx);
  if (n.kind === 'alias') {
    if (n.alias!.kind !== 'mapping') return wantMap();
    return mergeOne(n, m, ctx);
  }
  if (n.kind === 'sequence') {
    // Step backwards as earlier nodes take precedence.
    for (let i = n.children.length - 1; i >= 0; i--) {
      const it = n.children[i]!;
      if (it.kind === 'alias' ? it.alias!.kind !== 'mapping' : it.kind !== 'mapping') return wantMap();
      mergeOne(it, m, ctx);
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
    case 'null': return fail('error converting YAML to JSON: unsupported map key of type: <nil>');
    case 'uint': return fail('error converting YAML to JSON: unsupported map key of type: uint64');
    default: return fail('error converting YAML to JSON: yaml: invalid map key');
  }
}

/**
 * convertToJSONableObject over the whole decoded value: a nil or uint64 key at any depth is refused
 * (sigs.k8s.io/yaml's text less the key and value it quotes). Go ranges over its maps in random order, so
 * which of two refused keys it names varies; we name the first found. (Recursion as deep as decode's.)
 */
function checkKeys(v: GoVal): void {
  if (v.t === 'map') {
    for (const [k] of v.m.values()) keyString(k);
    for (const [, x] of v.m.values()) checkKeys(x);
  } else if (v.t === 'seq') for (const x of v.items) checkKeys(x);
}

const byUtf8 = (a: string, b: string): number => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));

/**
 * json.Marshal of a nested map or list (left as it is: only top-level scalars become strings): ±Inf and
 * NaN are refused, the first in its order (keys sorted, depth first). The message leaves the value out
 * (goyaml prints +Inf, -Inf or NaN: something of the output).
 */
function checkMarshal(v: GoVal): void {
  if (v.t === 'float' && !Number.isFinite(v.v)) fail('error converting YAML to JSON: json: unsupported value');
  if (v.t === 'map') {
    const entries = [...v.m.values()].map(([k, x]) => [keyString(k), x] as const).sort((a, b) => byUtf8(a[0], b[0]));
    for (const [, x] of entries) checkMarshal(x);
  } else if (v.t === 'seq') for (const x of v.items) checkMarshal(x);
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

/**
 * Parse rendered KeysAndValues output as ESO does. Throws a KeysAndValuesError whose message names
 * no value (a template's output holds secrets).
 */
export function parseKeysAndValues(text: Uint8Array | string): Map<string, string> {
  const out = new Map<string, string>();
  let root: GoyamlNode | null;
  try {
    root = goyamlCompose(typeof text === 'string' ? Buffer.from(text, 'utf8') : text, { maxDepth: MAX_DEPTH });
  } catch (e) {
    // goyaml's reader, scanner and parser errors name a line and a kind of mistake, never a value.
    // The one message that names something of the text, an undefined anchor, does not say its name here.
    if (e instanceof GoyamlSyntaxError) fail(`error converting YAML to JSON: ${e.message.replace(/^yaml: unknown anchor '[\s\S]*' referenced$/, 'yaml: unknown anchor referenced')}`);
    if (e instanceof GoyamlDepthError) fail(e.message);
    throw e;
  }
  if (!root) return out; // empty stream: nil, no keys
  const v = decode(root, { aliases: new Set(), expanded: 0 });
  if (v.t === 'null') return out;
  // sigs.k8s.io/yaml's order: goyaml's whole decode (done), the key conversion, json.Marshal, then
  // json.Decode into map[string]string, which reports the first value in key order that is no string.
  checkKeys(v);
  if (v.t !== 'map') {
    checkMarshal(v);
    const kind = v.t === 'seq' ? 'array' : v.t === 'str' ? 'string' : v.t === 'bool' ? 'bool' : 'number';
    fail(`error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${kind} into Go value of type map[string]string`);
  }
  const entries = [...(v as { m: Map<string, [GoVal, GoVal]> }).m.values()].map(([k, val], pos) => ({ key: keyString(k), val, pos }));
  const sorted = [...entries].sort((a, b) => byUtf8(a.key, b.key));
  for (const e of sorted) if (e.val.t === 'map' || e.val.t === 'seq') checkMarshal(e.val);
  for (const e of sorted) if (e.val.t === 'map' || e.val.t === 'seq') valueString(e.val, e.pos);
  const seen = new Set<string>();
  for (const { key, val, pos } of entries) {
    if (seen.has(key)) fail(`two keys of the output become the same key (entry ${pos + 1}); ESO would keep one of them at random`);
    seen.add(key);
    out.set(goJsonRoundTrip(key), goJsonRoundTrip(valueString(val, pos)));
  }
  return out;
}

/** json.Marshal then json.Unmarshal of a Go string: lone surrogates (JS) are the only change left. */
function goJsonRoundTrip(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}
