// Go library behaviour the gjson port needs, on binary strings (one char per byte): strconv.ParseFloat's
// value (errors ignored, as gjson ignores them), strconv.ParseBool, and encoding/json's string unquoting
// (invalid UTF-8 and lone surrogates become U+FFFD, as Go coerces them).

import { decodeRune } from './gjson-match.js';
import { codePointToBin } from './bytes.js';

const DEC = /^[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?[pP]([+-]?[0-9]+)$/;

/** The float64 that `f, _ := strconv.ParseFloat(s, 64)` leaves in f (0 on a syntax error, ±Inf past range). */
export function goParseFloat(s: string): number {
  if (s.length === 0) return 0;
  if (DEC.test(s)) return Number(s);
  const sp = special(s);
  if (sp !== undefined) return sp;
  const m = HEX.exec(s);
  if (m && (m[2]!.length > 0 || (m[3] ?? '').length > 0)) {
    const mant = m[2]! + (m[3] ?? '');
    let v = 0;
    for (const c of mant) v = v * 16 + parseInt(c, 16);
    const exp = Number(m[4]) - 4 * (m[3] ?? '').length;
    const r = v * Math.pow(2, exp);
    return m[1] === '-' ? -r : r;
  }
  return 0;
}

function special(s: string): number | undefined {
  let sign = 1;
  let t = s;
  let nsign = 0;
  if (t[0] === '+' || t[0] === '-') {
    if (t[0] === '-') sign = -1;
    nsign = 1;
    t = t.slice(1);
    const n = prefixIgnoreCase(t, 'infinity');
    const k = n > 3 && n < 8 ? 3 : n;
    if ((k === 3 || k === 8) && nsign + k === s.length) return sign * Infinity;
    return undefined;
  }
  if (t[0] === 'i' || t[0] === 'I') {
    const n = prefixIgnoreCase(t, 'infinity');
    const k = n > 3 && n < 8 ? 3 : n;
    if ((k === 3 || k === 8) && k === s.length) return Infinity;
    return undefined;
  }
  if ((t[0] === 'n' || t[0] === 'N') && prefixIgnoreCase(t, 'nan') === 3 && s.length === 3) return NaN;
  return undefined;
}

function prefixIgnoreCase(s: string, prefix: string): number {
  let n = 0;
  while (n < s.length && n < prefix.length && s[n]!.toLowerCase() === prefix[n]) n++;
  // Go's commonPrefixLenIgnoreCase lowers only ASCII letters via c|0x20 on 'A'..'Z'.
  return n;
}

/** strconv.ParseBool: [value, ok]. */
export function goParseBool(s: string): [boolean, boolean] {
  switch (s) {
    case '1': case 't': case 'T': case 'true': case 'TRUE': case 'True':
      return [true, true];
    case '0': case 'f': case 'F': case 'false': case 'FALSE': case 'False':
      return [false, true];
  }
  return [false, false];
}

/** strings.ToLower on a binary string holding UTF-8: ASCII letters only (enough for ParseBool's inputs). */
export function asciiLower(s: string): string {
  return s.replace(/[A-Z]/g, (c) => c.toLowerCase());
}

/**
 * encoding/json's unquote of one string token (binary string with its quotes), or undefined when the
 * token is not a valid JSON string. Output is a binary string of UTF-8 bytes.
 */
export function goUnquote(tok: string): string | undefined {
  if (tok.length < 2 || tok[0] !== '"' || tok[tok.length - 1] !== '"') return undefined;
  const s = tok.slice(1, -1);
  let out = '';
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c === 0x22) return undefined;
    if (c < 0x20) return undefined;
    if (c === 0x5c) {
      const e = s[i + 1];
      switch (e) {
        case '"': case '\\': case '/': case "'":
          if (e === "'") return undefined;
          out += e;
          i += 2;
          continue;
        case 'b': out += '\b'; i += 2; continue;
        case 'f': out += '\f'; i += 2; continue;
        case 'n': out += '\n'; i += 2; continue;
        case 'r': out += '\r'; i += 2; continue;
        case 't': out += '\t'; i += 2; continue;
        case 'u': {
          const h = s.slice(i + 2, i + 6);
          if (!/^[0-9a-fA-F]{4}$/.test(h)) return undefined;
          let r = parseInt(h, 16);
          i += 6;
          if (r >= 0xd800 && r < 0xe000) {
            // utf16.IsSurrogate: try the pair; a bad pair or a lone half is U+FFFD (the second escape is kept).
            const h2 = s.slice(i, i + 6);
            if (/^\\u[0-9a-fA-F]{4}$/.test(h2)) {
              const r2 = parseInt(h2.slice(2), 16);
              if (r < 0xdc00 && r2 >= 0xdc00 && r2 < 0xe000) {
                out += codePointToBin(0x10000 + ((r - 0xd800) << 10) + (r2 - 0xdc00));
                i += 6;
                continue;
              }
            }
            r = 0xfffd;
          }
          out += codePointToBin(r);
          continue;
        }
        default:
          return undefined;
      }
    }
    if (c < 0x80) {
      out += s[i];
      i++;
      continue;
    }
    const [rune, size] = decodeRune(s, i);
    if (rune === 0xfffd && size === 1) out += '\xef\xbf\xbd';
    else out += s.slice(i, i + size);
    i += size;
  }
  return out;
}

/** `var str string; json.Unmarshal(tok, &str)`: the string, or '' when that fails. */
export function goUnquoteLoose(tok: string): string {
  return goUnquote(tok) ?? '';
}
