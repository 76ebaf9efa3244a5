// ESO's Bitwarden GetSecretMap (providers/v1/bitwarden/client.go, v2.9.0): a secret value that go-yaml v3
// reads as a mapping is split by parseYamlSecretData (strings as they are, nested mappings re-marshalled
// by go-yaml v3 and trimmed, every other value as fmt's %v); otherwise it must be a JSON object, whose
// string members are unquoted and other members kept as their raw JSON text. JSON is YAML, so a JSON
// object normally takes the YAML road (numbers as %v: `1.50` becomes `1.5`, `1e6` becomes `1e+06`).
// Errors name the kind of problem, never the text (it is a secret).

import { isAlias, isMap, isScalar, isSeq, parseDocument, Scalar, type Node } from 'yaml';

export class SecretMapError extends Error {}

type YValue = string | bigint | number | boolean | null | YValue[] | YMap | GoTime | YBytes;

/** A `!!binary` scalar: go-yaml v3 gives its decoded bytes as a Go string (any bytes). */
class YBytes {
  constructor(readonly bytes: Buffer) {}
  utf8(): string | undefined {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes);
    } catch {
      return undefined;
    }
  }
}

/** A time.Time from go-yaml v3's parseTimestamp (ESO's pin v3.0.1 decodes timestamps into interface{} as time.Time). */
class GoTime {
  constructor(
    readonly y: number,
    readonly mo: number,
    readonly d: number,
    readonly h: number,
    readonly mi: number,
    readonly sec: number,
    /** Fractional seconds as written (digits), trailing zeros dropped. */
    readonly frac: string,
    /** Minutes east of UTC; undefined: UTC (a `Z`, or no zone). */
    readonly offset: number | undefined,
  ) {}

  private base(sep: string): string {
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${p(this.y, 4)}-${p(this.mo)}-${p(this.d)}${sep}${p(this.h)}:${p(this.mi)}:${p(this.sec)}${this.frac ? `.${this.frac}` : ''}`;
  }

  private zone(colon: boolean): string {
    const o = this.offset ?? 0;
    const a = Math.abs(o);
    return `${o < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}${colon ? ':' : ''}${String(a % 60).padStart(2, '0')}`;
  }

  /** time.Time.String(): "2006-01-02 15:04:05.999999999 -0700 MST" (a parsed offset has no zone name). */
  string(): string {
    return `${this.base(' ')} ${this.zone(false)} ${this.offset === undefined ? 'UTC' : this.zone(false)}`;
  }

  /** RFC 3339 with nanoseconds, as go-yaml v3 marshals a time.Time. */
  rfc3339(): string {
    return `${this.base('T')}${this.offset === undefined || this.offset === 0 ? 'Z' : this.zone(true)}`;
  }
}

const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** go-yaml v3's parseTimestamp: time.Parse with "2006-1-2T15:4:5.999999999Z07:00" (or 't', or ' ' and no zone) or "2006-1-2". */
function parseTimestamp(s: string): GoTime | undefined {
  const m = /^(\d{4})-(\d{1,2})-(\d{1,2})(?:([Tt ])(\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})?)?$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  if (mo < 1 || mo > 12 || d < 1 || d > (mo === 2 && leap ? 29 : DAYS[mo - 1]!)) return undefined;
  if (m[4] === undefined) return new GoTime(y, mo, d, 0, 0, 0, '', undefined);
  const zone = m[9];
  // The space form has no zone; the T/t forms require one.
  if ((m[4] === ' ') !== (zone === undefined)) return undefined;
  const [h, mi, sec] = [Number(m[5]), Number(m[6]), Number(m[7])];
  if (h > 23 || mi > 59 || sec > 59) return undefined;
  const frac = (m[8] ?? '').slice(0, 9).replace(/0+$/, '');
  if ((m[8] ?? '').length > 9) return undefined;
  let offset: number | undefined;
  if (zone !== undefined && zone !== 'Z') {
    const hh = Number(zone.slice(1, 3));
    const mm = Number(zone.slice(4, 6));
    if (hh > 23 || mm > 59) return undefined;
    offset = (zone[0] === '-' ? -1 : 1) * (hh * 60 + mm);
  }
  return new GoTime(y, mo, d, h, mi, sec, frac, offset);
}
/** A go-yaml v3 map[string]any (string keys) or map[any]any (any other key) decoded into interface{}. */
class YMap {
  constructor(
    readonly entries: [string, YValue][],
    readonly stringKeys: boolean,
  ) {}
}

const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);
const BOOLS: Record<string, boolean> = { true: true, True: true, TRUE: true, false: false, False: false, FALSE: false };
const SPECIAL: Record<string, number> = {};
for (const s of ['.nan', '.NaN', '.NAN']) SPECIAL[s] = NaN;
for (const s of ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']) SPECIAL[s] = Infinity;
for (const s of ['-.inf', '-.Inf', '-.INF']) SPECIAL[s] = -Infinity;
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** strconv.ParseInt/ParseUint(s, 0, 64). */
function goParseInt(s: string, signed: boolean): bigint | undefined {
  let t = s;
  let neg = false;
  if (t[0] === '+' || t[0] === '-') {
    if (!signed && t[0] === '-') return undefined;
    neg = t[0] === '-';
    t = t.slice(1);
  }
  let digits: RegExp = /^[0-9]+$/;
  let prefix = '';
  if (/^0[xX]/.test(t)) [digits, prefix, t] = [/^[0-9a-fA-F]+$/, '0x', t.slice(2)];
  else if (/^0[oO]/.test(t)) [digits, prefix, t] = [/^[0-7]+$/, '0o', t.slice(2)];
  else if (/^0[bB]/.test(t)) [digits, prefix, t] = [/^[01]+$/, '0b', t.slice(2)];
  else if (/^0[0-9]/.test(t)) [digits, prefix, t] = [/^[0-7]+$/, '0o', t.slice(1)];
  if (!digits.test(t)) return undefined;
  let v = BigInt(prefix + t);
  if (neg) v = -v;
  if (signed ? v < -(2n ** 63n) || v > 2n ** 63n - 1n : v > 2n ** 64n - 1n) return undefined;
  return v;
}

/** go-yaml v3.0.1's resolve() of a plain scalar decoded into interface{} (a timestamp becomes a time.Time). */
function resolvePlain(s: string): YValue {
  if (NULLS.has(s)) return null;
  if (Object.hasOwn(BOOLS, s)) return BOOLS[s]!;
  if (Object.hasOwn(SPECIAL, s)) return SPECIAL[s]!;
  const c = s[0] ?? '';
  if (c === '.') {
    const f = Number(s);
    return /^\.[0-9]/.test(s) && Number.isFinite(f) && YAML_FLOAT.test(s) ? f : s;
  }
  if (/[-+0-9]/.test(c)) {
    const t = parseTimestamp(s);
    if (t) return t;
    const plain = s.replace(/_/g, '');
    const i = goParseInt(plain, true) ?? goParseInt(plain, false);
    if (i !== undefined) return i;
    if (YAML_FLOAT.test(plain)) {
      const f = Number(plain);
      if (Number.isFinite(f)) return f;
    }
  }
  return s;
}

function decodeNode(n: Node | null | undefined, depth: number): YValue {
  if (depth > 200) throw new SecretMapError('too deeply nested');
  if (n === null || n === undefined) return null;
  if (isAlias(n)) throw new SecretMapError('aliases are not read here');
  if (isScalar(n)) {
    const text = (n as Scalar).value instanceof Uint8Array ? '' : String((n as Scalar).value ?? '');
    const tag = n.tag;
    if (tag === 'tag:yaml.org,2002:str') return text;
    if (tag === 'tag:yaml.org,2002:binary') {
      const v = (n as Scalar).value;
      return new YBytes(v instanceof Uint8Array ? Buffer.from(v) : Buffer.from(text.replace(/\s+/g, ''), 'base64'));
    }
    if (n.type === 'PLAIN' || tag !== undefined) return resolvePlain(text);
    return text;
  }
  if (isSeq(n)) return n.items.map((x) => decodeNode(x as Node, depth + 1));
  if (isMap(n)) {
    const entries: [string, YValue][] = [];
    // A `!!binary` key is a Go string too; a key that is not a string makes map[any]any.
    let stringKeys = true;
    const seen = new Set<string>();
    for (const pair of n.items) {
      const k = pair.key as Node | null;
      if (k !== null && !isScalar(k)) throw new SecretMapError('a key is not a scalar');
      const kv = k === null ? null : decodeNode(k, depth + 1);
      if (typeof kv !== 'string') stringKeys = false;
      const key = k === null ? '' : String((k as Scalar).value ?? '');
      if (seen.has(key)) throw new SecretMapError('a key is defined twice');
      seen.add(key);
      entries.push([key, decodeNode(pair.value as Node, depth + 1)]);
    }
    return new YMap(entries, stringKeys);
  }
  throw new SecretMapError('unsupported node');
}

/** strconv.FormatFloat(x, 'g', -1, 64), which fmt's %v uses. */
export function goFloatV(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, e] = Math.abs(x).toExponential().split('e');
  const digits = mant!.replace('.', '');
  const exp = Number(e);
  const sign = x < 0 ? '-' : '';
  if (exp < -4 || exp >= 6) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** fmt.Sprintf("%v", v) of a decoded value. */
function goV(v: YValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return goFloatV(v);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof GoTime) return v.string();
  if (v instanceof YBytes) return v.bytes.toString('latin1');
  if (Array.isArray(v)) return `[${v.map(goV).join(' ')}]`;
  const sorted = [...v.entries].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return `map[${sorted.map(([k, x]) => `${k}:${goV(x)}`).join(' ')}]`;
}

/** go-yaml v3's keyList.Less for string keys (digit runs compared as numbers, letters first). */
function yamlKeyLess(a: string, b: string): boolean {
  const ar = [...a];
  const br = [...b];
  const isDigit = (c: string) => c >= '0' && c <= '9';
  const isLetter = (c: string) => /\p{L}/u.test(c);
  let digits = false;
  for (let i = 0; i < ar.length && i < br.length; i++) {
    if (ar[i] === br[i]) {
      digits = isDigit(ar[i]!);
      continue;
    }
    const al = isLetter(ar[i]!);
    const bl = isLetter(br[i]!);
    if (al && bl) return ar[i]! < br[i]!;
    if (al || bl) return digits ? al : bl;
    let an = 0n;
    let bn = 0n;
    if (ar[i] === '0' || br[i] === '0') {
      for (let j = i - 1; j >= 0 && isDigit(ar[j]!); j--) {
        if (ar[j] !== '0') {
          an = 1n;
          bn = 1n;
          break;
        }
      }
    }
    let ai = i;
    let bi = i;
    for (; ai < ar.length && isDigit(ar[ai]!); ai++) an = an * 10n + BigInt(ar[ai]!.charCodeAt(0) - 48);
    for (; bi < br.length && isDigit(br[bi]!); bi++) bn = bn * 10n + BigInt(br[bi]!.charCodeAt(0) - 48);
    if (an !== bn) return an < bn;
    if (ai !== bi) return ai < bi;
    return ar[i]! < br[i]!;
  }
  return ar.length < br.length;
}

const OLD_BOOL = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF']);
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;

/** libyaml's IS_PRINTABLE for one code point. */
function printable(cp: number): boolean {
  return cp === 0x0a || (cp >= 0x20 && cp <= 0x7e) || cp === 0x85 || (cp >= 0xa0 && cp <= 0xd7ff) || (cp >= 0xe000 && cp <= 0xfffd && cp !== 0xfeff) || (cp >= 0x10000 && cp <= 0x10ffff);
}

/** libyaml's yaml_emitter_analyze_scalar, reduced to what block context decides: plain, single quotes, or neither. */
function analyze(s: string): { plain: boolean; single: boolean } {
  if (s === '') return { plain: false, single: true };
  if (s.startsWith('---') || s.startsWith('...')) return { plain: false, single: true };
  let plain = true;
  let single = true;
  const chars = [...s];
  const space = (c: string | undefined) => c === undefined || c === ' ' || c === '\n';
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    const next = chars[i + 1];
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) plain = false;
      if ((c === '?' || c === ':' || c === '-') && space(next)) plain = false;
    } else {
      if (c === ':' && space(next)) plain = false;
      if (c === '#' && chars[i - 1] === ' ') plain = false;
    }
    if (!printable(c.codePointAt(0)!) || c === '\u0085' || c === '\u2028' || c === '\u2029' || c === '\ufeff') {
      plain = false;
      single = false;
    }
  }
  if (chars[0] === ' ' || chars[chars.length - 1] === ' ') plain = false;
  return { plain, single };
}

/** A double-quoted scalar as libyaml writes it. */
function doubleQuoted(s: string): string {
  const esc: Record<string, string> = { '\0': '\\0', '\u0007': '\\a', '\b': '\\b', '\t': '\\t', '\n': '\\n', '\u000b': '\\v', '\f': '\\f', '\r': '\\r', '\u001b': '\\e', '"': '\\"', '\\': '\\\\', '\u0085': '\\N', '\u00a0': '\\_', '\u2028': '\\L', '\u2029': '\\P' };
  let out = '"';
  for (const c of s) {
    const cp = c.codePointAt(0)!;
    if (Object.hasOwn(esc, c)) out += esc[c];
    else if (!printable(cp) || cp === 0xfeff) out += cp <= 0xff ? `\\x${cp.toString(16).toUpperCase().padStart(2, '0')}` : cp <= 0xffff ? `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}` : `\\U${cp.toString(16).toUpperCase().padStart(8, '0')}`;
    else out += c;
  }
  return out + '"';
}

/** A string as go-yaml v3 emits it in block context; `indent` is the indentation of a literal block's lines. */
function yamlString(s: string, indent = ''): string {
  // encoder.stringv: a string that would read back as another type is double-quoted.
  if (typeof resolvePlain(s) !== 'string' || OLD_BOOL.has(s) || BASE60_FLOAT.test(s)) return doubleQuoted(s);
  const a = analyze(s);
  if (s.includes('\n') && a.single) {
    // Literal style, chomping by the trailing line breaks.
    const trailing = /\n*$/.exec(s)![0].length;
    const chomp = trailing === 0 ? '-' : trailing === 1 ? '' : '+';
    const body = trailing === 1 ? s.slice(0, -1) : s.replace(/\n$/, '');
    const hint = s.startsWith(' ') ? '4' : '';
    return `|${hint}${chomp}\n` + body.split('\n').map((l) => (l === '' ? '' : indent + l)).join('\n');
  }
  if (a.plain) return s;
  if (a.single && !s.includes('\n')) return `'${s.replace(/'/g, "''")}'`;
  return doubleQuoted(s);
}

function yamlScalar(v: YValue, indent = ''): string {
  if (v === null) return 'null';
  if (typeof v === 'string') return yamlString(v, indent);
  if (v instanceof GoTime) return v.rfc3339();
  if (v instanceof YBytes) return v.utf8() !== undefined ? yamlString(v.utf8()!, indent) : `!!binary ${v.bytes.toString('base64')}`;
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
    return goFloatV(v);
  }
  return '';
}

/** go-yaml v3's Marshal (4-space indentation) of a mapping, as lines. */
function yamlLines(v: YValue, indent: string): string[] {
  if (v instanceof YMap) {
    if (v.entries.length === 0) return [`${indent}{}`];
    const sorted = [...v.entries].sort((a, b) => (yamlKeyLess(a[0], b[0]) ? -1 : yamlKeyLess(b[0], a[0]) ? 1 : 0));
    const out: string[] = [];
    for (const [k, x] of sorted) {
      const key = yamlString(k);
      if (x instanceof YMap && x.entries.length > 0) out.push(`${indent}${key}:`, ...yamlLines(x, indent + '    '));
      else if (Array.isArray(x) && x.length > 0) out.push(`${indent}${key}:`, ...yamlLines(x, indent + '    '));
      else out.push(`${indent}${key}: ${x instanceof YMap ? '{}' : Array.isArray(x) ? '[]' : yamlScalar(x, indent + '    ')}`);
    }
    return out;
  }
  if (Array.isArray(v)) {
    const out: string[] = [];
    for (const x of v) {
      if ((x instanceof YMap && x.entries.length > 0) || (Array.isArray(x) && x.length > 0)) {
        const inner = yamlLines(x, indent + '  ');
        out.push(`${indent}- ${inner[0]!.slice(indent.length + 2)}`, ...inner.slice(1));
      } else out.push(`${indent}- ${x instanceof YMap ? '{}' : Array.isArray(x) ? '[]' : yamlScalar(x, indent + '    ')}`);
    }
    return out;
  }
  return [indent + yamlScalar(v)];
}

/** The YAML road: undefined when go-yaml v3 would not read the text as a mapping (or empty/null). */
function fromYaml(text: string): Map<string, Uint8Array> | undefined {
  let root: YValue;
  try {
    const doc = parseDocument(text, { schema: 'failsafe', uniqueKeys: true, strict: false, prettyErrors: false, version: '1.2' });
    if (doc.errors.length > 0) return undefined;
    root = decodeNode(doc.contents as Node | null, 0);
  } catch {
    return undefined;
  }
  if (root === null) return new Map();
  if (!(root instanceof YMap) || !root.stringKeys) return undefined;
  const out = new Map<string, Uint8Array>();
  for (const [k, v] of root.entries) {
    if (v instanceof YBytes) {
      out.set(k, v.bytes);
      continue;
    }
    let text: string;
    if (typeof v === 'string') text = v;
    else if (v instanceof YMap && v.stringKeys) text = yamlLines(v, '').join('\n').trim();
    else text = goV(v);
    out.set(k, Buffer.from(text, 'utf8'));
  }
  return out;
}

/** The JSON road: a JSON object's members, strings unquoted, everything else as its raw text. */
function fromJson(text: string): Map<string, Uint8Array> {
  let obj: unknown;
  try {
    obj = JSON.parse(text);
  } catch {
    throw new SecretMapError('error unmarshalling secret: the value is neither a YAML mapping nor a JSON object');
  }
  if (obj === null) return new Map();
  if (typeof obj !== 'object' || Array.isArray(obj)) {
    throw new SecretMapError(`error unmarshalling secret: json: cannot unmarshal ${Array.isArray(obj) ? 'array' : typeof obj === 'string' ? 'string' : typeof obj === 'boolean' ? 'bool' : 'number'} into Go value of type map[string]json.RawMessage`);
  }
  // Raw member texts, in order; a later duplicate key replaces an earlier one, as encoding/json does.
  const out = new Map<string, Uint8Array>();
  let i = text.indexOf('{') + 1;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i]!)) i++;
  };
  const skipString = () => {
    i++;
    while (text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
  };
  for (;;) {
    ws();
    if (text[i] === '}') break;
    const ks = i;
    skipString();
    const key = JSON.parse(text.slice(ks, i)) as string;
    ws();
    i++; // ':'
    ws();
    const vs = i;
    let depth = 0;
    for (;;) {
      const c = text[i];
      if (c === '"') {
        skipString();
        if (depth === 0) break;
        continue;
      }
      if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        if (depth === 0) break;
        depth--;
        if (depth === 0) {
          i++;
          break;
        }
      } else if (depth === 0 && (c === ',' || c === ' ' || c === '\t' || c === '\r' || c === '\n')) break;
      i++;
    }
    const raw = text.slice(vs, i);
    out.set(key, raw.startsWith('"') ? Buffer.from(JSON.parse(raw) as string, 'utf8') : Buffer.from(raw, 'utf8'));
    ws();
    if (text[i] === ',') i++;
  }
  return out;
}

export function secretMap(value: string): Map<string, Uint8Array> {
  return fromYaml(value) ?? fromJson(value);
}
