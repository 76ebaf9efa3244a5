// A port of github.com/tidwall/gjson v1.18.0 (the version ESO v2.9.0 pins), function by function, for
// `gjson.Get(string(data), property)` as ESO's providers call it: the whole path language (keys with `\`
// escapes, `*`/`?` wildcards, indexes, `#`, `#.path`, queries `#(...)`/`#(...)#` with every operator
// and `~` conversions, nested queries, multipaths `{...}`/`[...]`, literals `!...`, the modifiers,
// pipes, JSON lines `..`). Everything works on "binary strings" (one char per byte), as Go's strings
// are bytes: a path is UTF-8-encoded exactly once, and bytes that are not UTF-8 survive untouched.
// Go names are kept so the port can be read side by side with gjson.go; Index/Indexes (positions,
// which never reach a Secret) are left out.

import { fromBin, toBin, bytesToString } from './bytes.js';
import { formatFloatF } from './go-float.js';
import { decodeRune, matchLimit } from './gjson-match.js';
import { asciiLower, goParseBool, goParseFloat } from './gjson-num.js';
import { DEFAULT_PRETTY, prettyOptions, ugly, type PrettyOptions } from './gjson-pretty.js';

export const Null = 0;
export const False = 1;
export const NumberT = 2;
export const StringT = 3;
export const True = 4;
export const JSONT = 5;

/** gjson.Result without positions. */
export interface Result {
  type: number;
  raw: string;
  str: string;
  num: number;
}

const res = (type = Null, raw = '', str = '', num = 0): Result => ({ type, raw, str, num });

/** Result.String() */
export function resultString(t: Result): string {
  switch (t.type) {
    case False: return 'false';
    case NumberT: {
      if (t.raw.length === 0) return formatFloatF(t.num);
      let i = 0;
      if (t.raw[0] === '-') i++;
      for (; i < t.raw.length; i++) {
        if (t.raw[i]! < '0' || t.raw[i]! > '9') return formatFloatF(t.num);
      }
      return t.raw;
    }
    case StringT: return t.str;
    case JSONT: return t.raw;
    case True: return 'true';
    default: return '';
  }
}

/** Result.Exists() */
export function exists(t: Result): boolean {
  return t.type !== Null || t.raw.length !== 0;
}

function resultBool(t: Result): boolean {
  switch (t.type) {
    case True: return true;
    case StringT: return goParseBool(asciiLower(t.str))[0];
    case NumberT: return t.num !== 0;
    default: return false;
  }
}

function resultInt(t: Result): number {
  switch (t.type) {
    case True: return 1;
    case StringT: return parseIntGo(t.str) ?? 0;
    case NumberT: {
      if (t.num >= -9007199254740991 && t.num <= 9007199254740991) return Math.trunc(t.num);
      return parseIntGo(t.raw) ?? Math.trunc(t.num);
    }
    default: return 0;
  }
}

function parseIntGo(s: string): number | undefined {
  return /^-?[0-9]+$/.test(s) ? Number(s) : undefined;
}

const isArray = (t: Result) => t.type === JSONT && t.raw.length > 0 && t.raw[0] === '[';
const isObject = (t: Result) => t.type === JSONT && t.raw.length > 0 && t.raw[0] === '{';

/** Result.ForEach (iterator returns false to stop). */
function forEach(t: Result, iterator: (key: Result, value: Result) => boolean): void {
  if (!exists(t)) return;
  if (t.type !== JSONT) {
    iterator(res(), t);
    return;
  }
  const json = t.raw;
  let obj = false;
  let i = 0;
  const key = res();
  for (; i < json.length; i++) {
    if (json[i] === '{') {
      i++;
      key.type = StringT;
      obj = true;
      break;
    } else if (json[i] === '[') {
      i++;
      key.type = NumberT;
      key.num = -1;
      break;
    }
    if (json.charCodeAt(i) > 0x20) return;
  }
  for (; i < json.length; i++) {
    if (obj) {
      if (json[i] !== '"') continue;
      const [ni, str, vesc, ok] = parseString(json, i + 1);
      i = ni;
      if (!ok) return;
      key.str = vesc ? unescape(str.slice(1, -1)) : str.slice(1, -1);
      key.raw = str;
    } else {
      key.num += 1;
    }
    for (; i < json.length; i++) {
      const c = json[i]!;
      if (json.charCodeAt(i) <= 0x20 || c === ',' || c === ':') continue;
      break;
    }
    const [ni, value, ok] = parseAny(json, i, true);
    i = ni;
    if (!ok) return;
    if (!iterator({ ...key }, value)) return;
  }
}

function squash(json: string): string {
  let i = 0;
  let depth = 0;
  if (json[0] !== '"') {
    i = 1;
    depth = 1;
  }
  for (; i < json.length; i++) {
    const c = json[i]!;
    if (c >= '"' && c <= '}') {
      switch (c) {
        case '"': {
          i++;
          const s2 = i;
          for (; i < json.length; i++) {
            if (json[i]! > '\\') continue;
            if (json[i] === '"') {
              if (json[i - 1] === '\\') {
                let n = 0;
                for (let j = i - 2; j > s2 - 1; j--) {
                  if (json[j] !== '\\') break;
                  n++;
                }
                if (n % 2 === 0) continue;
              }
              break;
            }
          }
          if (depth === 0) {
            if (i >= json.length) return json;
            return json.slice(0, i + 1);
          }
          break;
        }
        case '{': case '[': case '(':
          depth++;
          break;
        case '}': case ']': case ')':
          depth--;
          if (depth === 0) return json.slice(0, i + 1);
          break;
      }
    }
  }
  return json;
}

function tonum(json: string): [string, number] {
  for (let i = 1; i < json.length; i++) {
    const c = json[i]!;
    if (c <= '-') {
      if (json.charCodeAt(i) <= 0x20 || c === ',') {
        const raw = json.slice(0, i);
        return [raw, goParseFloat(raw)];
      }
    } else if (c === ']' || c === '}') {
      const raw = json.slice(0, i);
      return [raw, goParseFloat(raw)];
    }
  }
  return [json, goParseFloat(json)];
}

function tolit(json: string): string {
  for (let i = 1; i < json.length; i++) {
    if (json[i]! < 'a' || json[i]! > 'z') return json.slice(0, i);
  }
  return json;
}

function tostr(json: string): [string, string] {
  for (let i = 1; i < json.length; i++) {
    if (json[i]! > '\\') continue;
    if (json[i] === '"') return [json.slice(0, i + 1), json.slice(1, i)];
    if (json[i] === '\\') {
      i++;
      for (; i < json.length; i++) {
        if (json[i]! > '\\') continue;
        if (json[i] === '"') {
          if (json[i - 1] === '\\') {
            let n = 0;
            for (let j = i - 2; j > 0; j--) {
              if (json[j] !== '\\') break;
              n++;
            }
            if (n % 2 === 0) continue;
          }
          return [json.slice(0, i + 1), unescape(json.slice(1, i))];
        }
      }
      const ret = i + 1 < json.length ? json.slice(0, i + 1) : json.slice(0, i);
      return [ret, unescape(json.slice(1, i))];
    }
  }
  return [json, json.slice(1)];
}

/** gjson.Parse */
export function parse(json: string): Result {
  const value = res();
  for (let i = 0; i < json.length; i++) {
    const c = json[i]!;
    if (c === '{' || c === '[') {
      value.type = JSONT;
      value.raw = json.slice(i);
      break;
    }
    if (json.charCodeAt(i) <= 0x20) continue;
    switch (c) {
      case '+': case '-': case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8':
      case '9': case 'i': case 'I': case 'N':
        value.type = NumberT;
        [value.raw, value.num] = tonum(json.slice(i));
        break;
      case 'n':
        if (i + 1 < json.length && json[i + 1] !== 'u') {
          value.type = NumberT;
          [value.raw, value.num] = tonum(json.slice(i));
        } else {
          value.type = Null;
          value.raw = tolit(json.slice(i));
        }
        break;
      case 't':
        value.type = True;
        value.raw = tolit(json.slice(i));
        break;
      case 'f':
        value.type = False;
        value.raw = tolit(json.slice(i));
        break;
      case '"':
        value.type = StringT;
        [value.raw, value.str] = tostr(json.slice(i));
        break;
      default:
        return res();
    }
    break;
  }
  return value;
}

function parseString(json: string, i: number): [number, string, boolean, boolean] {
  const s = i;
  for (; i < json.length; i++) {
    if (json[i]! > '\\') continue;
    if (json[i] === '"') return [i + 1, json.slice(s - 1, i + 1), false, true];
    if (json[i] === '\\') {
      i++;
      for (; i < json.length; i++) {
        if (json[i]! > '\\') continue;
        if (json[i] === '"') {
          if (json[i - 1] === '\\') {
            let n = 0;
            for (let j = i - 2; j > 0; j--) {
              if (json[j] !== '\\') break;
              n++;
            }
            if (n % 2 === 0) continue;
          }
          return [i + 1, json.slice(s - 1, i + 1), true, true];
        }
      }
      break;
    }
  }
  return [i, json.slice(s - 1), false, false];
}

function parseNumber(json: string, i: number): [number, string] {
  const s = i;
  i++;
  for (; i < json.length; i++) {
    const c = json[i]!;
    if (json.charCodeAt(i) <= 0x20 || c === ',' || c === ']' || c === '}') return [i, json.slice(s, i)];
  }
  return [i, json.slice(s)];
}

function parseLiteral(json: string, i: number): [number, string] {
  const s = i;
  i++;
  for (; i < json.length; i++) {
    if (json[i]! < 'a' || json[i]! > 'z') return [i, json.slice(s, i)];
  }
  return [i, json.slice(s)];
}

interface ArrayPathResult {
  part: string;
  path: string;
  pipe: string;
  piped: boolean;
  more: boolean;
  alogok: boolean;
  arrch: boolean;
  alogkey: string;
  query: { on: boolean; all: boolean; path: string; op: string; value: string };
}

function parseArrayPath(path: string): ArrayPathResult {
  const r: ArrayPathResult = {
    part: '', path: '', pipe: '', piped: false, more: false, alogok: false, arrch: false, alogkey: '',
    query: { on: false, all: false, path: '', op: '', value: '' },
  };
  for (let i = 0; i < path.length; i++) {
    if (path[i] === '|') {
      r.part = path.slice(0, i);
      r.pipe = path.slice(i + 1);
      r.piped = true;
      return r;
    }
    if (path[i] === '.') {
      r.part = path.slice(0, i);
      if (!r.arrch && i < path.length - 1 && isDotPiperChar(path.slice(i + 1))) {
        r.pipe = path.slice(i + 1);
        r.piped = true;
      } else {
        r.path = path.slice(i + 1);
        r.more = true;
      }
      return r;
    }
    if (path[i] === '#') {
      r.arrch = true;
      if (i === 0 && path.length > 1) {
        if (path[1] === '.') {
          r.alogok = true;
          r.alogkey = path.slice(2);
          r.path = path.slice(0, 1);
        } else if (path[1] === '[' || path[1] === '(') {
          r.query.on = true;
          const q = parseQuery(path.slice(i));
          if (!q.ok) break;
          let value = q.value;
          if (value.length >= 2 && value[0] === '"' && value[value.length - 1] === '"') {
            value = value.slice(1, -1);
            if (q.vesc) value = unescape(value);
          }
          r.query.path = q.path;
          r.query.op = q.op;
          r.query.value = value;
          i = q.i - 1;
          if (i + 1 < path.length && path[i + 1] === '#') r.query.all = true;
        }
      }
      continue;
    }
  }
  r.part = path;
  r.path = '';
  return r;
}

function parseQuery(query: string): { path: string; op: string; value: string; remain: string; i: number; vesc: boolean; ok: boolean } {
  const fail = (i: number) => ({ path: '', op: '', value: '', remain: '', i, vesc: false, ok: false });
  if (query.length < 2 || query[0] !== '#' || (query[1] !== '(' && query[1] !== '[')) return fail(0);
  let i = 2;
  let j = 0;
  let depth = 1;
  let vesc = false;
  for (; i < query.length; i++) {
    if (depth === 1 && j === 0) {
      const c = query[i];
      if (c === '!' || c === '=' || c === '<' || c === '>' || c === '%') {
        j = i;
        continue;
      }
    }
    if (query[i] === '\\') {
      i++;
    } else if (query[i] === '[' || query[i] === '(') {
      depth++;
    } else if (query[i] === ']' || query[i] === ')') {
      depth--;
      if (depth === 0) break;
    } else if (query[i] === '"') {
      i++;
      for (; i < query.length; i++) {
        if (query[i] === '\\') {
          vesc = true;
          i++;
        } else if (query[i] === '"') {
          break;
        }
      }
    }
  }
  if (depth > 0) return fail(i);
  let path: string;
  let op = '';
  let value = '';
  let remain: string;
  if (j > 0) {
    path = trim(query.slice(2, j));
    value = trim(query.slice(j, i));
    remain = query.slice(i + 1);
    let opsz = 0;
    if (value.length === 1) opsz = 1;
    else if (value[0] === '!' && value[1] === '=') opsz = 2;
    else if (value[0] === '!' && value[1] === '%') opsz = 2;
    else if (value[0] === '<' && value[1] === '=') opsz = 2;
    else if (value[0] === '>' && value[1] === '=') opsz = 2;
    else if (value[0] === '=' && value[1] === '=') {
      value = value.slice(1);
      opsz = 1;
    } else if (value[0] === '<') opsz = 1;
    else if (value[0] === '>') opsz = 1;
    else if (value[0] === '=') opsz = 1;
    else if (value[0] === '%') opsz = 1;
    op = value.slice(0, opsz);
    value = trim(value.slice(opsz));
  } else {
    path = trim(query.slice(2, i));
    remain = query.slice(i + 1);
  }
  return { path, op, value, remain, i: i + 1, vesc, ok: true };
}

function trim(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 0x20) a++;
  while (b > a && s.charCodeAt(b - 1) <= 0x20) b--;
  return s.slice(a, b);
}

function isDotPiperChar(s: string): boolean {
  const c = s[0];
  if (c === '@') {
    let i = 1;
    for (; i < s.length; i++) {
      if (s[i] === '.' || s[i] === '|' || s[i] === ':') break;
    }
    return MODIFIERS.has(s.slice(1, i));
  }
  return c === '[' || c === '{';
}

interface ObjectPathResult {
  part: string;
  path: string;
  pipe: string;
  piped: boolean;
  wild: boolean;
  more: boolean;
}

function parseObjectPath(path: string): ObjectPathResult {
  const r: ObjectPathResult = { part: '', path: '', pipe: '', piped: false, wild: false, more: false };
  for (let i = 0; i < path.length; i++) {
    if (path[i] === '|') {
      r.part = path.slice(0, i);
      r.pipe = path.slice(i + 1);
      r.piped = true;
      return r;
    }
    if (path[i] === '.') {
      r.part = path.slice(0, i);
      if (i < path.length - 1 && isDotPiperChar(path.slice(i + 1))) {
        r.pipe = path.slice(i + 1);
        r.piped = true;
      } else {
        r.path = path.slice(i + 1);
        r.more = true;
      }
      return r;
    }
    if (path[i] === '*' || path[i] === '?') {
      r.wild = true;
      continue;
    }
    if (path[i] === '\\') {
      let epart = path.slice(0, i);
      i++;
      if (i < path.length) {
        epart += path[i];
        i++;
        for (; i < path.length; i++) {
          if (path[i] === '\\') {
            i++;
            if (i < path.length) epart += path[i];
            continue;
          } else if (path[i] === '.') {
            r.part = epart;
            if (i < path.length - 1 && isDotPiperChar(path.slice(i + 1))) {
              r.pipe = path.slice(i + 1);
              r.piped = true;
            } else {
              r.path = path.slice(i + 1);
              r.more = true;
            }
            return r;
          } else if (path[i] === '|') {
            r.part = epart;
            r.pipe = path.slice(i + 1);
            r.piped = true;
            return r;
          } else if (path[i] === '*' || path[i] === '?') {
            r.wild = true;
          }
          epart += path[i];
        }
      }
      r.part = epart;
      return r;
    }
  }
  r.part = path;
  return r;
}

/**
 * parseSquash (v1.18): from the opening `[`, `{` or `(` at i, to just past its match. Parentheses count
 * as brackets. An unterminated string inside ends one past the input, as the Go code's index does.
 */
function parseSquash(json: string, i: number): [number, string] {
  const s = i;
  i++;
  let depth = 1;
  while (i < json.length) {
    const ch = json[i];
    if (ch === '"') {
      i++;
      const s2 = i;
      for (;;) {
        if (i >= json.length) break;
        if (json[i] !== '"') {
          i++;
          continue;
        }
        if (json[i - 1] === '\\') {
          let n = 0;
          for (let j = i - 2; j > s2 - 1; j--) {
            if (json[j] !== '\\') break;
            n++;
          }
          if (n % 2 === 0) {
            i++;
            continue;
          }
        }
        break;
      }
      i++;
      continue;
    }
    if (ch === '{' || ch === '[' || ch === '(') depth++;
    else if (ch === '}' || ch === ']' || ch === ')') {
      depth--;
      if (depth === 0) {
        i++;
        return [i, json.slice(s, i)];
      }
    }
    i++;
  }
  return [i, json.slice(s)];
}

interface ParseContext {
  json: string;
  value: Result;
  pipe: string;
  piped: boolean;
  lines: boolean;
}

function parseObject(c: ParseContext, i: number, path: string): [number, boolean] {
  let pmatch = false;
  let kesc = false;
  let ok = false;
  let hit = false;
  let key = '';
  let val: string;
  const rp = parseObjectPath(path);
  if (!rp.more && rp.piped) {
    c.pipe = rp.pipe;
    c.piped = true;
  }
  const json = c.json;
  while (i < json.length) {
    keyloop: for (; i < json.length; i++) {
      if (json[i] === '"') {
        i++;
        const s = i;
        for (; i < json.length; i++) {
          if (json[i]! > '\\') continue;
          if (json[i] === '"') {
            key = json.slice(s, i);
            i = i + 1;
            kesc = false;
            ok = true;
            break keyloop;
          }
          if (json[i] === '\\') {
            i++;
            for (; i < json.length; i++) {
              if (json[i]! > '\\') continue;
              if (json[i] === '"') {
                if (json[i - 1] === '\\') {
                  let n = 0;
                  for (let j = i - 2; j > 0; j--) {
                    if (json[j] !== '\\') break;
                    n++;
                  }
                  if (n % 2 === 0) continue;
                }
                key = json.slice(s, i);
                i = i + 1;
                kesc = true;
                ok = true;
                break keyloop;
              }
            }
            break;
          }
        }
        key = json.slice(s);
        kesc = false;
        ok = false;
        break keyloop;
      }
      if (json[i] === '}') return [i + 1, false];
    }
    if (!ok) return [i, false];
    if (rp.wild) pmatch = matchLimit(kesc ? unescape(key) : key, rp.part);
    else pmatch = rp.part === (kesc ? unescape(key) : key);
    hit = pmatch && !rp.more;
    for (; i < json.length; i++) {
      let num = false;
      const ch = json[i]!;
      if (ch === '"') {
        i++;
        let vesc: boolean;
        [i, val, vesc, ok] = parseString(json, i);
        if (!ok) return [i, false];
        if (hit) {
          c.value.str = vesc ? unescape(val.slice(1, -1)) : val.slice(1, -1);
          c.value.raw = val;
          c.value.type = StringT;
          return [i, true];
        }
      } else if (ch === '{') {
        if (pmatch && !hit) {
          [i, hit] = parseObject(c, i + 1, rp.path);
          if (hit) return [i, true];
        } else {
          [i, val] = parseSquash(json, i);
          if (hit) {
            c.value.raw = val;
            c.value.type = JSONT;
            return [i, true];
          }
        }
      } else if (ch === '[') {
        if (pmatch && !hit) {
          [i, hit] = parseArray(c, i + 1, rp.path);
          if (hit) return [i, true];
        } else {
          [i, val] = parseSquash(json, i);
          if (hit) {
            c.value.raw = val;
            c.value.type = JSONT;
            return [i, true];
          }
        }
      } else if (ch === 'n' && i + 1 < json.length && json[i + 1] !== 'u') {
        num = true;
      } else if (ch === 'n' || ch === 't' || ch === 'f') {
        [i, val] = parseLiteral(json, i);
        if (hit) {
          c.value.raw = val;
          if (ch === 't') c.value.type = True;
          else if (ch === 'f') c.value.type = False;
          return [i, true];
        }
      } else if ('+-0123456789iIN'.includes(ch)) {
        num = true;
      } else {
        continue;
      }
      if (num) {
        [i, val] = parseNumber(json, i);
        if (hit) {
          c.value.raw = val;
          c.value.type = NumberT;
          c.value.num = goParseFloat(val);
          return [i, true];
        }
      }
      break;
    }
  }
  return [i, false];
}

function falseish(t: Result): boolean {
  switch (t.type) {
    case Null: return true;
    case False: return true;
    case StringT: {
      const [b, ok] = goParseBool(asciiLower(t.str));
      return ok ? !b : false;
    }
    case NumberT: return t.num === 0;
    default: return false;
  }
}

function trueish(t: Result): boolean {
  switch (t.type) {
    case True: return true;
    case StringT: {
      const [b, ok] = goParseBool(asciiLower(t.str));
      return ok ? b : false;
    }
    case NumberT: return t.num !== 0;
    default: return false;
  }
}

function queryMatches(rp: ArrayPathResult, value: Result): boolean {
  let rpv = rp.query.value;
  if (rpv.length > 0 && rpv[0] === '~') {
    rpv = rpv.slice(1);
    let ish = false;
    let ok = false;
    switch (rpv) {
      case '*': ish = exists(value); ok = true; break;
      case 'null': ish = value.type === Null; ok = true; break;
      case 'true': ish = trueish(value); ok = true; break;
      case 'false': ish = falseish(value); ok = true; break;
    }
    if (ok) {
      rpv = 'true';
      value = ish ? res(True) : res(False);
    } else {
      rpv = '';
      value = res();
    }
  }
  if (!exists(value)) return false;
  if (rp.query.op === '') return true;
  const op = rp.query.op;
  switch (value.type) {
    case StringT:
      switch (op) {
        case '=': return value.str === rpv;
        case '!=': return value.str !== rpv;
        case '<': return value.str < rpv;
        case '<=': return value.str <= rpv;
        case '>': return value.str > rpv;
        case '>=': return value.str >= rpv;
        case '%': return matchLimit(value.str, rpv);
        case '!%': return !matchLimit(value.str, rpv);
      }
      break;
    case NumberT: {
      const rpvn = goParseFloat(rpv);
      switch (op) {
        case '=': return value.num === rpvn;
        case '!=': return value.num !== rpvn;
        case '<': return value.num < rpvn;
        case '<=': return value.num <= rpvn;
        case '>': return value.num > rpvn;
        case '>=': return value.num >= rpvn;
      }
      break;
    }
    case True:
      switch (op) {
        case '=': return rpv === 'true';
        case '!=': return rpv !== 'true';
        case '>': return rpv === 'false';
        case '>=': return true;
      }
      break;
    case False:
      switch (op) {
        case '=': return rpv === 'false';
        case '!=': return rpv !== 'false';
        case '<': return rpv === 'true';
        case '<=': return true;
      }
      break;
  }
  return false;
}

function parseArray(c: ParseContext, i: number, path: string): [number, boolean] {
  let pmatch = false;
  let hit = false;
  let ok = false;
  let val: string;
  let h = 0;
  const alog: number[] = [];
  let partidx = 0;
  let multires: string[] | undefined;
  const rp = parseArrayPath(path);
  if (!rp.arrch) {
    const n = parseUint(rp.part);
    partidx = n === undefined ? -1 : n;
  }
  if (!rp.more && rp.piped) {
    c.pipe = rp.pipe;
    c.piped = true;
  }
  const json = c.json;
  const procQuery = (qval: Result): boolean => {
    if (rp.query.all && !multires) multires = [];
    let r: Result;
    if (qval.type === JSONT) {
      r = get(qval.raw, rp.query.path);
    } else {
      if (rp.query.path !== '') return false;
      r = qval;
    }
    if (queryMatches(rp, r)) {
      if (rp.more) {
        const sp = splitPossiblePipe(rp.path);
        if (sp) {
          rp.path = sp[0];
          c.pipe = sp[1];
          c.piped = true;
        }
        r = get(qval.raw, rp.path);
      } else {
        r = qval;
      }
      if (rp.query.all) {
        let raw = r.raw;
        if (raw.length === 0) raw = resultString(r);
        if (raw !== '') multires!.push(raw);
      } else {
        c.value = { ...r };
        return true;
      }
    }
    return false;
  };
  while (i < json.length + 1) {
    if (!rp.arrch) {
      pmatch = partidx === h;
      hit = pmatch && !rp.more;
    }
    h++;
    if (rp.alogok) alog.push(i);
    for (; ; i++) {
      let ch: string;
      if (i > json.length) break;
      else if (i === json.length) ch = ']';
      else ch = json[i]!;
      let num = false;
      if (ch === '"') {
        i++;
        let vesc: boolean;
        [i, val, vesc, ok] = parseString(json, i);
        if (!ok) return [i, false];
        if (rp.query.on) {
          const qval = res(StringT, val, vesc ? unescape(val.slice(1, -1)) : val.slice(1, -1));
          if (procQuery(qval)) return [i, true];
        } else if (hit) {
          if (rp.alogok) break;
          c.value.str = vesc ? unescape(val.slice(1, -1)) : val.slice(1, -1);
          c.value.raw = val;
          c.value.type = StringT;
          return [i, true];
        }
      } else if (ch === '{' || ch === '[') {
        if (pmatch && !hit) {
          [i, hit] = ch === '{' ? parseObject(c, i + 1, rp.path) : parseArray(c, i + 1, rp.path);
          if (hit) {
            if (rp.alogok) break;
            return [i, true];
          }
        } else {
          [i, val] = parseSquash(json, i);
          if (rp.query.on) {
            if (procQuery(res(JSONT, val))) return [i, true];
          } else if (hit) {
            if (rp.alogok) break;
            c.value.raw = val;
            c.value.type = JSONT;
            return [i, true];
          }
        }
      } else if (ch === 'n' && i + 1 < json.length && json[i + 1] !== 'u') {
        num = true;
      } else if (ch === 'n' || ch === 't' || ch === 'f') {
        [i, val] = parseLiteral(json, i);
        if (rp.query.on) {
          const qval = res(Null, val);
          if (ch === 't') qval.type = True;
          else if (ch === 'f') qval.type = False;
          if (procQuery(qval)) return [i, true];
        } else if (hit) {
          if (rp.alogok) break;
          c.value.raw = val;
          if (ch === 't') c.value.type = True;
          else if (ch === 'f') c.value.type = False;
          return [i, true];
        }
      } else if ('+-0123456789iIN'.includes(ch)) {
        num = true;
      } else if (ch === ']') {
        if (rp.arrch && rp.part === '#') {
          if (rp.alogok) {
            const sp = splitPossiblePipe(rp.alogkey);
            if (sp) {
              rp.alogkey = sp[0];
              c.pipe = sp[1];
              c.piped = true;
            }
            const jsons: string[] = [];
            for (let j = 0; j < alog.length; j++) {
              let idx = alog[j]!;
              while (idx < json.length) {
                const w = json[idx];
                if (w === ' ' || w === '\t' || w === '\r' || w === '\n') {
                  idx++;
                  continue;
                }
                break;
              }
              if (idx < json.length && json[idx] !== ']') {
                const [, r0, ok2] = parseAny(json, idx, true);
                if (ok2) {
                  const r1 = get(r0.raw, rp.alogkey);
                  if (exists(r1)) {
                    let raw = r1.raw;
                    if (raw.length === 0) raw = resultString(r1);
                    jsons.push(raw);
                  }
                }
              }
            }
            c.value.type = JSONT;
            c.value.raw = '[' + jsons.join(',') + ']';
            return [i + 1, true];
          }
          if (rp.alogok) break;
          c.value.type = NumberT;
          c.value.num = h - 1;
          c.value.raw = String(h - 1);
          return [i + 1, true];
        }
        if (!exists(c.value)) {
          if (multires && multires.length > 0) {
            c.value = res(JSONT, '[' + multires.join(',') + ']');
          } else if (rp.query.all) {
            c.value = res(JSONT, '[]');
          }
        }
        return [i + 1, false];
      } else {
        continue;
      }
      if (num) {
        [i, val] = parseNumber(json, i);
        if (rp.query.on) {
          if (procQuery(res(NumberT, val, '', goParseFloat(val)))) return [i, true];
        } else if (hit) {
          if (rp.alogok) break;
          c.value.raw = val;
          c.value.type = NumberT;
          c.value.num = goParseFloat(val);
          return [i, true];
        }
      }
      break;
    }
  }
  return [i, false];
}

function splitPossiblePipe(path: string): [string, string] | undefined {
  if (!path.includes('|')) return undefined;
  if (path.length > 0 && path[0] === '{') {
    let squashed = squash(path.slice(1));
    if (squashed.length < path.length - 1) {
      squashed = path.slice(0, squashed.length + 1);
      const remain = path.slice(squashed.length);
      if (remain[0] === '|') return [squashed, remain.slice(1)];
    }
    return undefined;
  }
  for (let i = 0; i < path.length; i++) {
    if (path[i] === '\\') {
      i++;
    } else if (path[i] === '.') {
      if (i === path.length - 1) return undefined;
      if (path[i + 1] === '#') {
        i += 2;
        if (i === path.length) return undefined;
        if (path[i] === '[' || path[i] === '(') {
          const [start, end] = path[i] === '[' ? ['[', ']'] : ['(', ')'];
          i++;
          let depth = 1;
          for (; i < path.length; i++) {
            if (path[i] === '\\') i++;
            else if (path[i] === start) depth++;
            else if (path[i] === end) {
              depth--;
              if (depth === 0) break;
            } else if (path[i] === '"') {
              i++;
              for (; i < path.length; i++) {
                if (path[i] === '\\') i++;
                else if (path[i] === '"') break;
              }
            }
          }
        }
      }
    } else if (path[i] === '|') {
      return [path.slice(0, i), path.slice(i + 1)];
    }
  }
  return undefined;
}

interface SubSelector {
  name: string;
  path: string;
}

function parseSubSelectors(path: string): { sels: SubSelector[]; out: string; ok: boolean } {
  let modifier = 0;
  let depth = 1;
  let colon = 0;
  let start = 1;
  let i = 1;
  const sels: SubSelector[] = [];
  const pushSel = () => {
    if (colon === 0) sels.push({ name: '', path: path.slice(start, i) });
    else sels.push({ name: path.slice(start, colon), path: path.slice(colon + 1, i) });
    colon = 0;
    modifier = 0;
    start = i + 1;
  };
  for (; i < path.length; i++) {
    switch (path[i]) {
      case '\\':
        i++;
        break;
      case '@':
        if (modifier === 0 && i > 0 && (path[i - 1] === '.' || path[i - 1] === '|')) modifier = i;
        break;
      case ':':
        if (modifier === 0 && colon === 0 && depth === 1) colon = i;
        break;
      case ',':
        if (depth === 1) pushSel();
        break;
      case '"':
        i++;
        for (; i < path.length; i++) {
          if (path[i] === '\\') i++;
          else if (path[i] === '"') break;
        }
        break;
      case '[': case '(': case '{':
        depth++;
        break;
      case ']': case ')': case '}':
        depth--;
        if (depth === 0) {
          pushSel();
          return { sels, out: path.slice(i + 1), ok: true };
        }
        break;
    }
  }
  return { sels, out: path, ok: false };
}

function nameOfLast(path: string): string {
  for (let i = path.length - 1; i >= 0; i--) {
    if (path[i] === '|' || path[i] === '.') {
      if (i > 0 && path[i - 1] === '\\') continue;
      return path.slice(i + 1);
    }
  }
  return path;
}

function isSimpleName(component: string): boolean {
  for (let i = 0; i < component.length; i++) {
    if (component.charCodeAt(i) < 0x20) return false;
    if ('[]{}()#|!'.includes(component[i]!)) return false;
  }
  return true;
}

const HEX = '0123456789abcdef';
const hex16 = (x: number) => HEX[(x >> 12) & 15]! + HEX[(x >> 8) & 15]! + HEX[(x >> 4) & 15]! + HEX[x & 15]!;

/** AppendJSONString (v1.18: \b and \f short escapes; HTML characters escaped). */
export function appendJSONString(s: string): string {
  let dst = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20) {
      dst += '\\';
      switch (c) {
        case 8: dst += 'b'; break;
        case 12: dst += 'f'; break;
        case 10: dst += 'n'; break;
        case 13: dst += 'r'; break;
        case 9: dst += 't'; break;
        default: dst += 'u' + hex16(c);
      }
    } else if (c === 0x3e || c === 0x3c || c === 0x26) {
      dst += '\\u' + hex16(c);
    } else if (c === 0x5c) {
      dst += '\\\\';
    } else if (c === 0x22) {
      dst += '\\"';
    } else if (c > 127) {
      const [r, n] = decodeRune(s, i);
      if (n === 0) break;
      if (r === 0xfffd && n === 1) dst += '\\ufffd';
      else if (r === 0x2028 || r === 0x2029) dst += '\\u202' + HEX[r & 0xf];
      else dst += s.slice(i, i + n);
      i = i + n - 1;
    } else {
      dst += s[i];
    }
  }
  return dst + '"';
}

/** gjson.Get on binary strings. */
export function get(json: string, path: string): Result {
  if (path.length > 1) {
    if (path[0] === '@' || path[0] === '!') {
      const m = path[0] === '@' ? execModifier(json, path) : execStatic(json, path);
      if (m.ok) {
        const npath = m.pathOut;
        if (npath.length > 0 && (npath[0] === '|' || npath[0] === '.')) return get(m.res, npath.slice(1));
        return parse(m.res);
      }
    }
    if (path[0] === '[' || path[0] === '{') {
      const kind = path[0];
      const sub = parseSubSelectors(path);
      // Go assigns the rest to `path` whatever happens: what follows a selector that is not followed
      // by '|' or '.' is walked as a path of its own (`{"a":1}name` gets name), and a selector that
      // does not parse leaves the empty path (parseSubSelectors' zero `out`).
      path = sub.ok ? sub.out : '';
      if (sub.ok) {
        const rest = sub.out;
        if (rest.length === 0 || rest[0] === '|' || rest[0] === '.') {
          let b = kind;
          let n = 0;
          for (const s of sub.sels) {
            const r = get(json, s.path);
            if (!exists(r)) continue;
            if (n > 0) b += ',';
            if (kind === '{') {
              if (s.name.length > 0) {
                if (s.name[0] === '"' && valid(s.name)) b += s.name;
                else b += appendJSONString(s.name);
              } else {
                const last = nameOfLast(s.path);
                b += appendJSONString(isSimpleName(last) ? last : '_');
              }
              b += ':';
            }
            let raw: string;
            if (r.raw.length === 0) {
              raw = resultString(r);
              if (raw.length === 0) raw = 'null';
            } else raw = r.raw;
            b += raw;
            n++;
          }
          b += kind === '[' ? ']' : '}';
          let r = res(JSONT, b);
          if (rest.length > 0) r = get(r.raw, rest.slice(1));
          return r;
        }
      }
    }
  }
  const c: ParseContext = { json, value: res(), pipe: '', piped: false, lines: false };
  if (path.length >= 2 && path[0] === '.' && path[1] === '.') {
    c.lines = true;
    parseArray(c, 0, path.slice(2));
  } else {
    for (let i = 0; i < json.length; i++) {
      if (json[i] === '{') {
        parseObject(c, i + 1, path);
        break;
      }
      if (json[i] === '[') {
        parseArray(c, i + 1, path);
        break;
      }
    }
  }
  if (c.piped) return get(c.value.raw, c.pipe);
  return c.value;
}

function runeit(json: string): number {
  const h = json.slice(0, 4);
  return /^[0-9a-fA-F]{4}$/.test(h) ? parseInt(h, 16) : 0;
}

/** gjson's unescape: stops at a control character or a bad escape; \u escapes become UTF-8. */
export function unescape(json: string): string {
  let str = '';
  for (let i = 0; i < json.length; i++) {
    const ch = json[i]!;
    if (json.charCodeAt(i) < 0x20) return str;
    if (ch !== '\\') {
      str += ch;
      continue;
    }
    i++;
    if (i >= json.length) return str;
    switch (json[i]) {
      case '\\': str += '\\'; break;
      case '/': str += '/'; break;
      case 'b': str += '\b'; break;
      case 'f': str += '\f'; break;
      case 'n': str += '\n'; break;
      case 'r': str += '\r'; break;
      case 't': str += '\t'; break;
      case '"': str += '"'; break;
      case 'u': {
        if (i + 5 > json.length) return str;
        let r = runeit(json.slice(i + 1));
        i += 5;
        if (r >= 0xd800 && r < 0xe000) {
          if (json.length - i >= 6 && json[i] === '\\' && json[i + 1] === 'u') {
            const r2 = runeit(json.slice(i + 2));
            r = r < 0xdc00 && r2 >= 0xdc00 && r2 < 0xe000 ? 0x10000 + ((r - 0xd800) << 10) + (r2 - 0xdc00) : 0xfffd;
            i += 6;
          }
        }
        str += encodeRune(r);
        i--;
        break;
      }
      default:
        return str;
    }
  }
  return str;
}

/** utf8.EncodeRune into a binary string (surrogates and out-of-range runes become U+FFFD). */
function encodeRune(r: number): string {
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r < 0xe000)) r = 0xfffd;
  if (r < 0x80) return String.fromCharCode(r);
  if (r < 0x800) return String.fromCharCode(0xc0 | (r >> 6), 0x80 | (r & 0x3f));
  if (r < 0x10000) return String.fromCharCode(0xe0 | (r >> 12), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
  return String.fromCharCode(0xf0 | (r >> 18), 0x80 | ((r >> 12) & 0x3f), 0x80 | ((r >> 6) & 0x3f), 0x80 | (r & 0x3f));
}

function parseAny(json: string, i: number, hit: boolean): [number, Result, boolean] {
  const r = res();
  let val: string;
  for (; i < json.length; i++) {
    const ch = json[i]!;
    if (ch === '{' || ch === '[') {
      [i, val] = parseSquash(json, i);
      if (hit) {
        r.raw = val;
        r.type = JSONT;
      }
      return [i, r, true];
    }
    if (json.charCodeAt(i) <= 0x20) continue;
    let num = false;
    if (ch === '"') {
      i++;
      let vesc: boolean;
      let ok: boolean;
      [i, val, vesc, ok] = parseString(json, i);
      if (!ok) return [i, r, false];
      if (hit) {
        r.type = StringT;
        r.raw = val;
        r.str = vesc ? unescape(val.slice(1, -1)) : val.slice(1, -1);
      }
      return [i, r, true];
    }
    if (ch === 'n' && i + 1 < json.length && json[i + 1] !== 'u') num = true;
    else if (ch === 'n' || ch === 't' || ch === 'f') {
      [i, val] = parseLiteral(json, i);
      if (hit) {
        r.raw = val;
        if (ch === 't') r.type = True;
        else if (ch === 'f') r.type = False;
        return [i, r, true];
      }
    } else if ('+-0123456789iIN'.includes(ch)) num = true;
    if (num) {
      [i, val] = parseNumber(json, i);
      if (hit) {
        r.raw = val;
        r.type = NumberT;
        r.num = goParseFloat(val);
      }
      return [i, r, true];
    }
  }
  return [i, r, false];
}

// ---- Valid ----

type V = [number, boolean];

function validpayload(d: string, i: number): V {
  for (; i < d.length; i++) {
    const c = d[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    let ok: boolean;
    [i, ok] = validany(d, i);
    if (!ok) return [i, false];
    for (; i < d.length; i++) {
      const w = d[i];
      if (w === ' ' || w === '\t' || w === '\n' || w === '\r') continue;
      return [i, false];
    }
    return [i, true];
  }
  return [i, false];
}

function validany(d: string, i: number): V {
  for (; i < d.length; i++) {
    switch (d[i]) {
      case ' ': case '\t': case '\n': case '\r': continue;
      case '{': return validobject(d, i + 1);
      case '[': return validarray(d, i + 1);
      case '"': return validstring(d, i + 1);
      case '-': case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
        return validnumber(d, i + 1);
      case 't': return validlit(d, i + 1, 'rue');
      case 'f': return validlit(d, i + 1, 'alse');
      case 'n': return validlit(d, i + 1, 'ull');
      default: return [i, false];
    }
  }
  return [i, false];
}

function validobject(d: string, i: number): V {
  let ok: boolean;
  for (; i < d.length; i++) {
    switch (d[i]) {
      case ' ': case '\t': case '\n': case '\r': continue;
      case '}': return [i + 1, true];
      case '"':
        for (;;) {
          [i, ok] = validstring(d, i + 1);
          if (!ok) return [i, false];
          [i, ok] = validcolon(d, i);
          if (!ok) return [i, false];
          [i, ok] = validany(d, i);
          if (!ok) return [i, false];
          [i, ok] = validcomma(d, i, '}');
          if (!ok) return [i, false];
          if (d[i] === '}') return [i + 1, true];
          i++;
          let found = false;
          for (; i < d.length; i++) {
            const w = d[i];
            if (w === ' ' || w === '\t' || w === '\n' || w === '\r') continue;
            if (w === '"') {
              found = true;
              break;
            }
            return [i, false];
          }
          if (!found) return [i, false];
        }
      default:
        return [i, false];
    }
  }
  return [i, false];
}

function validcolon(d: string, i: number): V {
  for (; i < d.length; i++) {
    const c = d[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (c === ':') return [i + 1, true];
    return [i, false];
  }
  return [i, false];
}

function validcomma(d: string, i: number, end: string): V {
  for (; i < d.length; i++) {
    const c = d[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (c === ',' || c === end) return [i, true];
    return [i, false];
  }
  return [i, false];
}

function validarray(d: string, i: number): V {
  let ok: boolean;
  for (; i < d.length; i++) {
    const c = d[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    if (c === ']') return [i + 1, true];
    for (; i < d.length; i++) {
      [i, ok] = validany(d, i);
      if (!ok) return [i, false];
      [i, ok] = validcomma(d, i, ']');
      if (!ok) return [i, false];
      if (d[i] === ']') return [i + 1, true];
    }
    return [i, false];
  }
  return [i, false];
}

function validstring(d: string, i: number): V {
  for (; i < d.length; i++) {
    const c = d.charCodeAt(i);
    if (c < 0x20) return [i, false];
    if (d[i] === '\\') {
      i++;
      if (i === d.length) return [i, false];
      switch (d[i]) {
        case '"': case '\\': case '/': case 'b': case 'f': case 'n': case 'r': case 't':
          break;
        case 'u':
          for (let j = 0; j < 4; j++) {
            i++;
            if (i >= d.length) return [i, false];
            if (!/[0-9a-fA-F]/.test(d[i]!)) return [i, false];
          }
          break;
        default:
          return [i, false];
      }
    } else if (d[i] === '"') return [i + 1, true];
  }
  return [i, false];
}

function validnumber(d: string, i: number): V {
  i--;
  const digit = (k: number) => k < d.length && d[k]! >= '0' && d[k]! <= '9';
  if (d[i] === '-') {
    i++;
    if (i === d.length) return [i, false];
    if (!digit(i)) return [i, false];
  }
  if (i === d.length) return [i, false];
  if (d[i] === '0') i++;
  else while (digit(i)) i++;
  if (i === d.length) return [i, true];
  if (d[i] === '.') {
    i++;
    if (i === d.length) return [i, false];
    if (!digit(i)) return [i, false];
    i++;
    while (digit(i)) i++;
  }
  if (i === d.length) return [i, true];
  if (d[i] === 'e' || d[i] === 'E') {
    i++;
    if (i === d.length) return [i, false];
    if (d[i] === '+' || d[i] === '-') i++;
    if (i === d.length) return [i, false];
    if (!digit(i)) return [i, false];
    i++;
    while (digit(i)) i++;
  }
  return [i, true];
}

function validlit(d: string, i: number, rest: string): V {
  if (i + rest.length <= d.length && d.startsWith(rest, i)) return [i + rest.length, true];
  return [i, false];
}

/** gjson.Valid */
export function valid(json: string): boolean {
  return validpayload(json, 0)[1];
}

function parseUint(s: string): number | undefined {
  if (s.length === 0) return undefined;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i]! >= '0' && s[i]! <= '9') n = n * 10 + (s.charCodeAt(i) - 48);
    else return undefined;
  }
  return n;
}

// ---- statics and modifiers ----

function execStatic(_json: string, path: string): { pathOut: string; res: string; ok: boolean } {
  let name = path.slice(1);
  let pathOut = '';
  if (name.length > 0 && '{["+-0123456789'.includes(name[0]!)) {
    const [, r] = parseSquash(name, 0);
    return { pathOut: name.slice(r.length), res: r, ok: true };
  }
  for (let i = 1; i < path.length; i++) {
    if (path[i] === '|' || path[i] === '.') {
      pathOut = path.slice(i);
      name = path.slice(1, i);
      break;
    }
  }
  switch (asciiLower(name)) {
    case 'true': case 'false': case 'null': case 'nan': case 'inf':
      return { pathOut, res: name, ok: true };
  }
  return { pathOut, res: '', ok: false };
}

function execModifier(json: string, path: string): { pathOut: string; res: string; ok: boolean } {
  let name = path.slice(1);
  let pathOut = '';
  let hasArgs = false;
  for (let i = 1; i < path.length; i++) {
    if (path[i] === ':') {
      pathOut = path.slice(i + 1);
      name = path.slice(1, i);
      hasArgs = pathOut.length > 0;
      break;
    }
    if (path[i] === '|' || path[i] === '.') {
      pathOut = path.slice(i);
      name = path.slice(1, i);
      break;
    }
  }
  const fn = MODIFIERS.get(name);
  if (!fn) return { pathOut, res: '', ok: false };
  let args = '';
  if (hasArgs) {
    let parsedArgs = false;
    if ('{["'.includes(pathOut[0]!)) {
      if (exists(parse(pathOut))) {
        args = squash(pathOut);
        pathOut = pathOut.slice(args.length);
        parsedArgs = true;
      }
    }
    if (!parsedArgs) {
      let i = 0;
      for (; i < pathOut.length; i++) {
        if (pathOut[i] === '|') break;
        if ('{["('.includes(pathOut[i]!)) {
          const s = squash(pathOut.slice(i));
          i += s.length - 1;
        }
      }
      args = pathOut.slice(0, i);
      pathOut = pathOut.slice(i);
    }
  }
  return { pathOut, res: fn(json, args), ok: true };
}

function unwrap(json: string): string {
  json = trim(json);
  if (json.length >= 2 && (json[0] === '[' || json[0] === '{')) json = json.slice(1, -1);
  return json;
}

function cleanWS(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') continue;
    let s2 = '';
    for (let k = 0; k < s.length; k++) {
      const w = s[k];
      if (w === ' ' || w === '\t' || w === '\n' || w === '\r') s2 += w;
    }
    return s2;
  }
  return s;
}

function modPretty(json: string, arg: string): string {
  if (arg.length > 0) {
    const opts: PrettyOptions = { ...DEFAULT_PRETTY };
    forEach(parse(arg), (key, value) => {
      switch (resultString(key)) {
        case 'sortKeys': opts.sortKeys = resultBool(value); break;
        case 'indent': opts.indent = cleanWS(resultString(value)); break;
        case 'prefix': opts.prefix = cleanWS(resultString(value)); break;
        case 'width': opts.width = resultInt(value); break;
      }
      return true;
    });
    return prettyOptions(json, opts);
  }
  return prettyOptions(json);
}

function modReverse(json: string): string {
  const r = parse(json);
  if (isArray(r)) {
    const values: Result[] = [];
    forEach(r, (_, v) => {
      values.push(v);
      return true;
    });
    return '[' + values.reverse().map((v) => v.raw).join(',') + ']';
  }
  if (isObject(r)) {
    const kv: [Result, Result][] = [];
    forEach(r, (k, v) => {
      kv.push([k, v]);
      return true;
    });
    return '{' + kv.reverse().map(([k, v]) => k.raw + ':' + v.raw).join(',') + '}';
  }
  return json;
}

function modFlatten(json: string, arg: string): string {
  const r = parse(json);
  if (!isArray(r)) return json;
  let deep = false;
  if (arg !== '') {
    forEach(parse(arg), (key, value) => {
      if (resultString(key) === 'deep') deep = resultBool(value);
      return true;
    });
  }
  const out: string[] = [];
  forEach(r, (_, value) => {
    let raw: string;
    if (isArray(value)) raw = deep ? unwrap(modFlatten(value.raw, arg)) : unwrap(value.raw);
    else raw = value.raw;
    raw = goTrimSpace(raw);
    if (raw.length > 0) out.push(raw);
    return true;
  });
  return '[' + out.join(',') + ']';
}

/** strings.TrimSpace on a binary string holding UTF-8 (Unicode White_Space at both ends). */
function goTrimSpace(s: string): string {
  const isSpaceAt = (i: number, fromEnd: boolean): number => {
    // returns the byte length of a white-space rune at i (or ending at i when fromEnd), or 0.
    const ascii = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);
    if (!fromEnd) {
      const c = s.charCodeAt(i);
      if (c < 0x80) return ascii(c) ? 1 : 0;
      const [r, n] = decodeRune(s, i);
      return isUnicodeSpace(r) ? n : 0;
    }
    const c = s.charCodeAt(i);
    if (c < 0x80) return ascii(c) ? 1 : 0;
    for (let n = 2; n <= 4 && i - n + 1 >= 0; n++) {
      const [r, size] = decodeRune(s, i - n + 1);
      if (size === n) return isUnicodeSpace(r) ? n : 0;
    }
    return 0;
  };
  let a = 0;
  let b = s.length;
  for (let n; a < b && (n = isSpaceAt(a, false)) > 0; ) a += n;
  for (let n; b > a && (n = isSpaceAt(b - 1, true)) > 0; ) b -= n;
  return s.slice(a, b);
}

function isUnicodeSpace(r: number): boolean {
  return r === 0x85 || r === 0xa0 || r === 0x1680 || (r >= 0x2000 && r <= 0x200a) || r === 0x2028 || r === 0x2029
    || r === 0x202f || r === 0x205f || r === 0x3000;
}

function modKeys(json: string): string {
  const v = parse(json);
  if (!exists(v)) return '[]';
  const obj = isObject(v);
  const out: string[] = [];
  forEach(v, (key) => {
    out.push(obj ? key.raw : 'null');
    return true;
  });
  return '[' + out.join(',') + ']';
}

function modValues(json: string): string {
  const v = parse(json);
  if (!exists(v)) return '[]';
  if (isArray(v)) return json;
  const out: string[] = [];
  forEach(v, (_, value) => {
    out.push(value.raw);
    return true;
  });
  return '[' + out.join(',') + ']';
}

function modJoin(json: string, arg: string): string {
  const r = parse(json);
  if (!isArray(r)) return json;
  let preserve = false;
  if (arg !== '') {
    forEach(parse(arg), (key, value) => {
      if (resultString(key) === 'preserve') preserve = resultBool(value);
      return true;
    });
  }
  const out: string[] = [];
  if (preserve) {
    forEach(r, (_, value) => {
      if (!isObject(value)) return true;
      out.push(unwrap(value.raw));
      return true;
    });
  } else {
    const keys: Result[] = [];
    const kvals = new Map<string, Result>();
    forEach(r, (_, value) => {
      if (!isObject(value)) return true;
      forEach(value, (key, v) => {
        const k = resultString(key);
        if (!kvals.has(k)) keys.push(key);
        kvals.set(k, v);
        return true;
      });
      return true;
    });
    for (const k of keys) out.push(k.raw + ':' + kvals.get(resultString(k))!.raw);
  }
  return '{' + out.join(',') + '}';
}

function modGroup(json: string): string {
  const r = parse(json);
  if (!isObject(r)) return '';
  const all: string[] = [];
  forEach(r, (key, value) => {
    if (!isArray(value)) return true;
    let idx = 0;
    forEach(value, (_, v) => {
      if (idx === all.length) all.push('');
      all[idx] += ',' + key.raw + ':' + v.raw;
      idx++;
      return true;
    });
    return true;
  });
  return '[' + all.map((item) => '{' + item.slice(1) + '}').join(',') + ']';
}

function parseRecursiveDescent(all: Result[], parent: Result, path: string): Result[] {
  const r = get(parent.raw, path);
  if (exists(r)) all.push(r);
  if (isArray(parent) || isObject(parent)) {
    forEach(parent, (_, v) => {
      parseRecursiveDescent(all, v, path);
      return true;
    });
  }
  return all;
}

function modDig(json: string, arg: string): string {
  return '[' + parseRecursiveDescent([], parse(json), arg).map((r) => r.raw).join(',') + ']';
}

const MODIFIERS = new Map<string, (json: string, arg: string) => string>([
  ['pretty', modPretty],
  ['ugly', (json) => ugly(json)],
  ['reverse', modReverse],
  ['this', (json) => json],
  ['flatten', modFlatten],
  ['join', modJoin],
  ['valid', (json) => (valid(json) ? json : '')],
  ['keys', modKeys],
  ['values', modValues],
  ['tostr', (str) => appendJSONString(str)],
  ['fromstr', (json) => (valid(json) ? resultString(parse(json)) : '')],
  ['group', modGroup],
  ['dig', modDig],
]);

// ---- the API the providers use ----

type Kind = 'string' | 'number' | 'true' | 'false' | 'null' | 'object' | 'array' | 'json';

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

function kindOf(r: Result): Kind {
  switch (r.type) {
    case StringT: return 'string';
    case NumberT: return 'number';
    case True: return 'true';
    case False: return 'false';
    case Null: return 'null';
    default: return r.raw[0] === '{' ? 'object' : r.raw[0] === '[' ? 'array' : 'json';
  }
}

/** gjson.Get(string(data), path): Exists(), and String() as bytes. The path is UTF-8-encoded once. */
export function gjsonGet(json: Uint8Array | string, path: string): GjsonResult {
  const r = get(toBin(json), toBin(path));
  if (!exists(r)) return { exists: false, bytes: new Uint8Array(), str: '' };
  const bytes = fromBin(resultString(r));
  return { exists: true, bytes, str: bytesToString(bytes), kind: kindOf(r), raw: r.raw };
}

/** Where gjson's validator stopped, and whether the text is valid JSON (binary string). */
export function gjsonValidAt(json: string): [number, boolean] {
  return validpayload(json, 0);
}

/** gjson.Valid on bytes. */
export function gjsonValid(json: Uint8Array | string): boolean {
  return valid(toBin(json));
}

/** encoding/json's json.Valid (GCP's check): gjson's validator accepts exactly the same grammar. */
export function isValidJson(json: Uint8Array | string): boolean {
  return valid(toBin(json));
}

/** ESO's escapeDotsIfRequired: `a.b` → `a\.b`, to try a literal dotted key first. */
export function escapeDots(path: string): string {
  return path.replace(/\./g, '\\.');
}

/** Decode a JSON string literal (binary string with quotes) into a binary string of UTF-8 bytes, as gjson does. */
export function unescapeJsonString(raw: string): string {
  return tostr(raw)[1];
}
