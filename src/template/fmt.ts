// Go's fmt package (Sprint, Sprintln, Sprintf) and strconv's float and quote formatting, on the value
// model of values.ts. Output strings are Go strings (one char per byte).
import {
  GoFloat32,
  GoInt,
  GoObject,
  RUNE_ERROR,
  type Value,
  decodeRuneAt,
  elemType,
  goTypeName,
  isNilContainer,
  runeToBin,
} from './values.js';

// ---- strconv: floats ----------------------------------------------------------------------------

/** Decimal digits of a positive finite float: value = 0.d1d2d3... × 10^dp. */
interface Digits {
  d: string;
  dp: number;
}

/** Shortest digits that round-trip (what Go's strconv picks for precision -1). */
function shortestDigits(v: number): Digits {
  const s = v.toExponential(); // e.g. "1.2345e+6": JS prints the shortest round-trip digits
  const e = s.indexOf('e');
  const mant = s.slice(0, e).replace('.', '');
  return { d: trimZeros(mant), dp: Number(s.slice(e + 1)) + 1 };
}

/** Shortest digits of a float32 value. */
function shortestDigits32(v: number): Digits {
  for (let p = 1; p <= 9; p++) {
    const s = v.toExponential(p - 1);
    if (Math.fround(Number(s)) === v) {
      const e = s.indexOf('e');
      return { d: trimZeros(s.slice(0, e).replace('.', '')), dp: Number(s.slice(e + 1)) + 1 };
    }
  }
  return shortestDigits(v);
}

function trimZeros(d: string): string {
  let n = d.length;
  while (n > 0 && d.charCodeAt(n - 1) === 48) n--;
  return d.slice(0, n);
}

const f64buf = new DataView(new ArrayBuffer(8));

/** Exact decimal expansion of a positive finite double. */
function exactDigits(v: number): Digits {
  f64buf.setFloat64(0, v);
  const hi = f64buf.getUint32(0);
  const lo = f64buf.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2: number;
  if (bexp === 0) e2 = -1074;
  else {
    mant |= 1n << 52n;
    e2 = bexp - 1075;
  }
  let d: string;
  let dp: number;
  if (e2 >= 0) {
    d = (mant << BigInt(e2)).toString();
    dp = d.length;
  } else {
    d = (mant * 5n ** BigInt(-e2)).toString();
    dp = d.length + e2;
  }
  return { d: trimZeros(d), dp };
}

/** Round to nd digits, half to even on exact ties (Go's decimal.Round). */
function roundDigits(x: Digits, nd: number): Digits {
  if (nd < 0 || nd >= x.d.length) return x;
  const c = x.d.charCodeAt(nd);
  let up: boolean;
  if (c === 53 /* '5' */ && nd + 1 === x.d.length) up = nd > 0 && (x.d.charCodeAt(nd - 1) - 48) % 2 === 1;
  else up = c >= 53;
  if (!up) return { d: trimZeros(x.d.slice(0, nd)), dp: nd === 0 ? x.dp : x.dp };
  for (let i = nd - 1; i >= 0; i--) {
    const ci = x.d.charCodeAt(i);
    if (ci < 57) return { d: x.d.slice(0, i) + String.fromCharCode(ci + 1), dp: x.dp };
  }
  return { d: '1', dp: x.dp + 1 };
}

function digitAt(x: Digits, i: number): string {
  return i >= 0 && i < x.d.length ? x.d[i]! : '0';
}

function fmtE(x: Digits, prec: number, ch: string): string {
  let s = x.d.length === 0 ? '0' : x.d[0]!;
  if (prec > 0) {
    s += '.';
    for (let i = 1; i <= prec; i++) s += digitAt(x, i);
  }
  let exp = x.d.length === 0 ? 0 : x.dp - 1;
  s += ch;
  if (exp < 0) {
    s += '-';
    exp = -exp;
  } else s += '+';
  s += exp < 10 ? '0' + exp : String(exp);
  return s;
}

function fmtF(x: Digits, prec: number): string {
  let s = '';
  if (x.dp > 0) {
    for (let i = 0; i < x.dp; i++) s += digitAt(x, i);
  } else s = '0';
  if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) s += digitAt(x, x.dp + i);
  }
  return s;
}

/** %b: mantissa 'p' binary exponent, as strconv does for float64. */
function fmtB(v: number, neg: boolean): string {
  f64buf.setFloat64(0, v);
  const hi = f64buf.getUint32(0);
  const lo = f64buf.getUint32(4);
  const bexp = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let exp: number;
  if (bexp === 0) exp = -1074;
  else {
    mant |= 1n << 52n;
    exp = bexp - 1075;
  }
  return (neg ? '-' : '') + mant.toString() + 'p' + (exp >= 0 ? '+' : '-') + Math.abs(exp);
}

/** %x: hexadecimal mantissa and binary exponent (strconv 'x'). */
function fmtX(v: number, prec: number, neg: boolean, upper: boolean): string {
  let mant = 0n;
  let exp = 0;
  if (v !== 0) {
    f64buf.setFloat64(0, v);
    const hi = f64buf.getUint32(0);
    const lo = f64buf.getUint32(4);
    const bexp = (hi >>> 20) & 0x7ff;
    mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
    if (bexp === 0) exp = -1074;
    else {
      mant |= 1n << 52n;
      exp = bexp - 1075;
    }
    // Normalise so the leading 1 is bit 60.
    while (mant < 1n << 60n) {
      mant <<= 1n;
      exp--;
    }
    exp += 60;
  }
  // mant has its leading 1 at bit 60 (value = mant/2^60 * 2^exp).
  if (prec >= 0 && prec < 15) {
    const shift = BigInt(60 - prec * 4);
    const extra = mant & ((1n << shift) - 1n);
    mant >>= shift;
    const half = 1n << (shift - 1n);
    if (extra > half || (extra === half && (mant & 1n) === 1n)) mant++;
    mant <<= shift;
    if (mant >= 1n << 61n) {
      mant >>= 1n;
      exp++;
    }
  }
  const hex = upper ? '0123456789ABCDEF' : '0123456789abcdef';
  let s = (neg ? '-' : '') + '0' + (upper ? 'X' : 'x') + String(Number((mant >> 60n) & 1n));
  mant <<= 4n; // remove leading bit
  mant &= (1n << 64n) - 1n;
  if (prec < 0 && mant !== 0n) {
    s += '.';
    while (mant !== 0n) {
      s += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  } else if (prec > 0) {
    s += '.';
    for (let i = 0; i < prec; i++) {
      s += hex[Number((mant >> 60n) & 15n)];
      mant = (mant << 4n) & ((1n << 64n) - 1n);
    }
  }
  s += upper ? 'P' : 'p';
  if (exp < 0) {
    s += '-';
    exp = -exp;
  } else s += '+';
  s += exp < 10 ? '0' + exp : String(exp);
  return s;
}

/**
 * strconv.FormatFloat(v, fmt, prec, bitSize) for fmt in e E f F g G b x X.
 * The common case `formatFloat(v, 'g', -1)` is what %v and print use for float64.
 */
export function formatFloat(v: number, fmt: string, prec: number, bitSize: 32 | 64 = 64): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const neg = v < 0 || Object.is(v, -0);
  const a = Math.abs(v);
  if (fmt === 'b') return fmtB(a, neg);
  if (fmt === 'x' || fmt === 'X') return fmtX(a, prec, neg, fmt === 'X');
  const shortest = prec < 0;
  let x: Digits;
  if (a === 0) x = { d: '', dp: 0 };
  else if (shortest) x = bitSize === 32 ? shortestDigits32(a) : shortestDigits(a);
  else {
    x = exactDigits(a);
    switch (fmt) {
      case 'e':
      case 'E':
        x = roundDigits(x, prec + 1);
        break;
      case 'f':
      case 'F':
        x = roundDigits(x, x.dp + prec);
        break;
      default:
        x = roundDigits(x, prec === 0 ? 1 : prec);
    }
  }
  let body: string;
  switch (fmt) {
    case 'e':
    case 'E':
      body = fmtE(x, shortest ? Math.max(x.d.length - 1, 0) : prec, fmt);
      break;
    case 'f':
    case 'F':
      body = fmtF(x, shortest ? Math.max(x.d.length - x.dp, 0) : prec);
      break;
    default: {
      // 'g' / 'G'
      let p = shortest ? x.d.length : prec === 0 ? 1 : prec;
      let eprec = p;
      if (eprec > x.d.length && x.d.length >= x.dp) eprec = x.d.length;
      if (shortest) eprec = 6;
      const exp = x.dp - 1;
      if (a !== 0 && (exp < -4 || exp >= eprec)) {
        if (p > x.d.length) p = x.d.length;
        body = fmtE(x, Math.max(p - 1, 0), fmt === 'G' ? 'E' : 'e');
      } else {
        if (p > x.dp) p = x.d.length;
        body = fmtF(x, Math.max(p - x.dp, 0));
      }
    }
  }
  return neg ? '-' + body : body;
}

// ---- strconv: quoting ---------------------------------------------------------------------------

// Go's unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** strconv.IsPrint for one rune. */
export function isPrint(r: number): boolean {
  if (r < 0x80) return r >= 0x20 && r < 0x7f;
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) return false;
  return PRINTABLE.test(String.fromCodePoint(r));
}

const HEX = '0123456789abcdef';

function escapeRune(r: number, quote: number, asciiOnly: boolean): string {
  if (r === quote || r === 0x5c) return '\\' + String.fromCharCode(r);
  if (asciiOnly ? r < 0x80 && isPrint(r) : isPrint(r)) return runeToBin(r);
  switch (r) {
    case 7:
      return '\\a';
    case 8:
      return '\\b';
    case 12:
      return '\\f';
    case 10:
      return '\\n';
    case 13:
      return '\\r';
    case 9:
      return '\\t';
    case 11:
      return '\\v';
  }
  if (r < 0x20 || r === 0x7f) return '\\x' + HEX[r >> 4] + HEX[r & 15];
  if (r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = RUNE_ERROR;
  if (r < 0x10000) return '\\u' + r.toString(16).padStart(4, '0');
  return '\\U' + r.toString(16).padStart(8, '0');
}

/** strconv.Quote / QuoteToASCII on a Go string. */
export function quote(s: string, asciiOnly = false): string {
  let out = '"';
  for (let i = 0; i < s.length; ) {
    const c = s.charCodeAt(i);
    if (c < 0x80 && c >= 0x20 && c !== 0x22 && c !== 0x5c && c !== 0x7f) {
      out += s[i];
      i++;
      continue;
    }
    const [r, w] = decodeRuneAt(s, i);
    if (w === 1 && r === RUNE_ERROR) {
      out += '\\x' + HEX[c >> 4] + HEX[c & 15];
      i++;
      continue;
    }
    out += escapeRune(r, 0x22, asciiOnly);
    i += w;
  }
  return out + '"';
}

/** strconv.QuoteRune / QuoteRuneToASCII. */
export function quoteRune(r: number, asciiOnly = false): string {
  if (r < 0 || r > 0x10ffff || (r >= 0xd800 && r <= 0xdfff)) r = RUNE_ERROR;
  return "'" + escapeRune(r, 0x27, asciiOnly) + "'";
}

/** strconv.CanBackquote. */
export function canBackquote(s: string): boolean {
  for (let i = 0; i < s.length; ) {
    const [r, w] = decodeRuneAt(s, i);
    i += w;
    if (w > 1) {
      if (r === 0xfeff) return false;
      continue;
    }
    if (r === RUNE_ERROR) return false;
    if ((r < 0x20 && r !== 9) || r === 0x60 || r === 0x7f) return false;
  }
  return true;
}

/** utf8.RuneCountInString. */
export function runeCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; n++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) i++;
    else i += decodeRuneAt(s, i)[1];
  }
  return n;
}

// ---- fmt ----------------------------------------------------------------------------------------

const U64 = (1n << 64n) - 1n;

/** One fmt "pp": the flags of the current verb and the output buffer. */
class Printer {
  buf = '';
  wid = 0;
  prec = 0;
  widPresent = false;
  precPresent = false;
  minus = false;
  plus = false;
  sharp = false;
  space = false;
  zero = false;
  plusV = false;
  sharpV = false;
  erroring = false;

  clearFlags(): void {
    this.wid = this.prec = 0;
    this.widPresent = this.precPresent = this.minus = this.plus = this.sharp = this.space = this.zero = false;
    this.plusV = this.sharpV = false;
  }

  writePadding(n: number): void {
    if (n <= 0) return;
    this.buf += (this.zero ? '0' : ' ').repeat(n);
  }

  pad(s: string): void {
    if (!this.widPresent || this.wid === 0) {
      this.buf += s;
      return;
    }
    const width = this.wid - runeCount(s);
    if (!this.minus) {
      this.writePadding(width);
      this.buf += s;
    } else {
      this.buf += s;
      this.writePadding(width);
    }
  }

  truncate(s: string): string {
    if (this.precPresent) {
      let n = this.prec;
      for (let i = 0; i < s.length; ) {
        if (--n < 0) return s.slice(0, i);
        const c = s.charCodeAt(i);
        i += c < 0x80 ? 1 : decodeRuneAt(s, i)[1];
      }
    }
    return s;
  }

  fmtS(s: string): void {
    this.pad(this.truncate(s));
  }

  fmtQ(s: string): void {
    s = this.truncate(s);
    if (this.sharp && canBackquote(s)) this.pad('`' + s + '`');
    else this.pad(quote(s, this.plus));
  }

  fmtSbx(s: string, upper: boolean): void {
    const digits = upper ? '0123456789ABCDEF' : HEX;
    let length = s.length;
    if (this.precPresent && this.prec < length) length = this.prec;
    let width = 2 * length;
    if (width > 0) {
      if (this.space) {
        if (this.sharp) width *= 2;
        width += length - 1;
      } else if (this.sharp) width += 2;
    } else {
      if (this.widPresent) this.writePadding(this.wid);
      return;
    }
    if (this.widPresent && this.wid > width && !this.minus) this.writePadding(this.wid - width);
    const px = upper ? '0X' : '0x';
    let out = this.sharp ? px : '';
    for (let i = 0; i < length; i++) {
      if (this.space && i > 0) {
        out += ' ';
        if (this.sharp) out += px;
      }
      const c = s.charCodeAt(i);
      out += digits[c >> 4]! + digits[c & 15]!;
    }
    this.buf += out;
    if (this.widPresent && this.wid > width && this.minus) this.writePadding(this.wid - width);
  }

  fmtInteger(u: bigint, base: number, verb: string, upper: boolean): void {
    const negative = u < 0n;
    if (negative) u = -u;
    let prec = 0;
    if (this.precPresent) {
      prec = this.prec;
      if (prec === 0 && u === 0n) {
        const oldZero = this.zero;
        this.zero = false;
        this.writePadding(this.wid);
        this.zero = oldZero;
        return;
      }
    } else if (this.zero && this.widPresent) {
      prec = this.wid;
      if (negative || this.plus || this.space) prec--;
    }
    let s = u.toString(base);
    if (upper) s = s.toUpperCase();
    if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
    if (this.sharp) {
      if (base === 2) s = '0b' + s;
      else if (base === 8) {
        if (s[0] !== '0') s = '0' + s;
      } else if (base === 16) s = (upper ? '0X' : '0x') + s;
    }
    if (verb === 'O') s = '0o' + s;
    if (negative) s = '-' + s;
    else if (this.plus) s = '+' + s;
    else if (this.space) s = ' ' + s;
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  fmtUnicode(u: bigint): void {
    let prec = 4;
    if (this.precPresent && this.prec > 4) prec = this.prec;
    let s = (u & U64).toString(16).toUpperCase();
    if (s.length < prec) s = '0'.repeat(prec - s.length) + s;
    s = 'U+' + s;
    if (this.sharp && u >= 0n && u <= 0x10ffffn && isPrint(Number(u))) s += " '" + runeToBin(Number(u)) + "'";
    const oldZero = this.zero;
    this.zero = false;
    this.pad(s);
    this.zero = oldZero;
  }

  fmtFloat(v: number, bitSize: 32 | 64, verb: string, prec: number): void {
    if (this.precPresent) prec = this.prec;
    let num = formatFloat(v, verb, prec, bitSize);
    if (num[0] === '-' || num[0] === '+') {
      /* keep */
    } else num = '+' + num;
    if (this.space && num[0] === '+' && !this.plus) num = ' ' + num.slice(1);
    if (num[1] === 'I' || num[1] === 'N') {
      const oldZero = this.zero;
      this.zero = false;
      if (num[1] === 'N' && !this.space && !this.plus) num = num.slice(1);
      this.pad(num);
      this.zero = oldZero;
      return;
    }
    if (this.sharp && verb !== 'b') {
      let digits = 0;
      if (verb === 'v' || verb === 'g' || verb === 'G' || verb === 'x') {
        digits = prec;
        if (digits === -1) digits = 6;
      }
      let tail = '';
      let body = num;
      let hasDot = false;
      let sawNonzero = false;
      for (let i = 1; i < body.length; i++) {
        const c = body[i]!;
        if (c === '.') hasDot = true;
        else if (c === 'p' || c === 'P') {
          tail = body.slice(i);
          body = body.slice(0, i);
          break;
        } else if ((c === 'e' || c === 'E') && verb !== 'x' && verb !== 'X') {
          tail = body.slice(i);
          body = body.slice(0, i);
          break;
        } else {
          if (c !== '0') sawNonzero = true;
          if (sawNonzero) digits--;
        }
      }
      if (!hasDot) {
        if (body.length === 2 && body[1] === '0') digits--;
        body += '.';
      }
      while (digits > 0) {
        body += '0';
        digits--;
      }
      num = body + tail;
    }
    if (this.plus || num[0] !== '+') {
      if (this.zero && this.widPresent && this.wid > num.length) {
        this.buf += num[0];
        this.writePadding(this.wid - num.length);
        this.buf += num.slice(1);
        return;
      }
      this.pad(num);
      return;
    }
    this.pad(num.slice(1));
  }

  badVerb(verb: string, arg: Value, hasArg: boolean): void {
    this.erroring = true;
    this.buf += '%!' + verb + '(';
    if (hasArg && arg !== null) {
      this.buf += goTypeName(arg) + '=';
      this.printArg(arg, 'v');
    } else this.buf += '<nil>';
    this.buf += ')';
    this.erroring = false;
  }

  fmtBool(v: boolean, verb: string): void {
    if (verb === 't' || verb === 'v') this.pad(v ? 'true' : 'false');
    else this.badVerb(verb, v, true);
  }

  printInt(v: bigint, signed: boolean, verb: string, orig: Value): void {
    switch (verb) {
      case 'v':
        if (this.sharpV && !signed) {
          const oldSharp = this.sharp;
          this.sharp = true;
          this.fmtInteger(v, 16, 'v', false);
          this.sharp = oldSharp;
        } else this.fmtInteger(v, 10, verb, false);
        return;
      case 'd':
        return this.fmtInteger(v, 10, verb, false);
      case 'b':
        return this.fmtInteger(v, 2, verb, false);
      case 'o':
      case 'O':
        return this.fmtInteger(v, 8, verb, false);
      case 'x':
        return this.fmtInteger(v, 16, verb, false);
      case 'X':
        return this.fmtInteger(v, 16, verb, true);
      case 'c': {
        const u = v & U64;
        this.pad(runeToBin(u > 0x10ffffn ? RUNE_ERROR : Number(u)));
        return;
      }
      case 'q': {
        const u = v & U64;
        this.pad(quoteRune(u > 0x10ffffn ? RUNE_ERROR : Number(u), this.plus));
        return;
      }
      case 'U':
        return this.fmtUnicode(v);
      default:
        this.badVerb(verb, orig, true);
    }
  }

  printFloat(v: number, bitSize: 32 | 64, verb: string, orig: Value): void {
    switch (verb) {
      case 'v':
        return this.fmtFloat(v, bitSize, 'g', -1);
      case 'b':
      case 'g':
      case 'G':
      case 'x':
      case 'X':
        return this.fmtFloat(v, bitSize, verb, -1);
      case 'f':
      case 'e':
      case 'E':
        return this.fmtFloat(v, bitSize, verb, 6);
      case 'F':
        return this.fmtFloat(v, bitSize, 'f', 6);
      default:
        this.badVerb(verb, orig, true);
    }
  }

  printString(s: string, verb: string): void {
    switch (verb) {
      case 'v':
        if (this.sharpV) this.fmtQ(s);
        else this.fmtS(s);
        return;
      case 's':
        return this.fmtS(s);
      case 'x':
        return this.fmtSbx(s, false);
      case 'X':
        return this.fmtSbx(s, true);
      case 'q':
        return this.fmtQ(s);
      default:
        this.badVerb(verb, s, true);
    }
  }

  printBytes(b: Uint8Array, verb: string, typeName: string, orig: Value): void {
    switch (verb) {
      case 'v':
      case 'd': {
        if (this.sharpV) {
          this.buf += typeName;
          this.buf += '{';
          for (let i = 0; i < b.length; i++) {
            if (i > 0) this.buf += ', ';
            this.buf += '0x' + b[i]!.toString(16);
          }
          this.buf += '}';
          return;
        }
        this.buf += '[';
        for (let i = 0; i < b.length; i++) {
          if (i > 0) this.buf += ' ';
          this.fmtInteger(BigInt(b[i]!), 10, verb, false);
        }
        this.buf += ']';
        return;
      }
      case 's':
        return this.fmtS(bin(b));
      case 'x':
        return this.fmtSbx(bin(b), false);
      case 'X':
        return this.fmtSbx(bin(b), true);
      case 'q':
        return this.fmtQ(bin(b));
      default: {
        // Other verbs print the elements one by one (as printValue does for []uint8).
        const items: Value[] = Array.from(b, (x) => new GoInt('uint8', BigInt(x)));
        this.printList(items, verb, typeName, 0, orig);
      }
    }
  }

  printList(items: readonly Value[], verb: string, typeName: string, depth: number, orig: Value): void {
    if (this.sharpV) {
      this.buf += typeName;
      if (isNilContainer(orig)) {
        this.buf += '(nil)';
        return;
      }
      this.buf += '{';
      for (let i = 0; i < items.length; i++) {
        if (i > 0) this.buf += ', ';
        this.printValue(items[i]!, verb, depth + 1, elemTypeOfName(typeName));
      }
      this.buf += '}';
      return;
    }
    this.buf += '[';
    for (let i = 0; i < items.length; i++) {
      if (i > 0) this.buf += ' ';
      this.printValue(items[i]!, verb, depth + 1, elemTypeOfName(typeName));
    }
    this.buf += ']';
  }

  printArg(arg: Value | undefined, verb: string): void {
    if (arg === null || arg === undefined) {
      if (verb === 'T' || verb === 'v') this.pad('<nil>');
      else this.badVerb(verb, null, false);
      return;
    }
    if (verb === 'T') {
      this.fmtS(goTypeName(arg));
      return;
    }
    if (verb === 'p') {
      // Addresses are meaningless here; Go prints %!p for non-pointers.
      this.badVerb('p', arg, true);
      return;
    }
    this.printValue(arg, verb, 0, 'interface {}');
  }

  /** printValue; `staticType` is the element type of the container (for %#v of nil elements). */
  printValue(v: Value, verb: string, depth: number, staticType: string): void {
    if (v === null || v === undefined) {
      if (depth === 0) {
        this.printArg(null, verb);
        return;
      }
      if (this.sharpV) this.buf += staticType + '(nil)';
      else this.buf += '<nil>'; // nil elements are written unpadded
      return;
    }
    switch (typeof v) {
      case 'string':
        return this.printString(v, verb);
      case 'bigint':
        return this.printInt(v, true, verb, v);
      case 'number':
        return this.printFloat(v, 64, verb, v);
      case 'boolean':
        return this.fmtBool(v, verb);
    }
    if (v instanceof GoInt) return this.printInt(v.v, v.kind.startsWith('int'), verb, v);
    if (v instanceof GoFloat32) return this.printFloat(v.v, 32, verb, v);
    if (v instanceof Uint8Array) return this.printBytes(v, verb, depth === 0 ? '[]byte' : '[]uint8', v);
    if (Array.isArray(v)) {
      const t = goTypeName(v);
      if ((verb === 's' || verb === 'q' || verb === 'x' || verb === 'X') && elemType(v) === 'uint8') {
        const bytes = Uint8Array.from(v, (x) => Number((x as GoInt).v));
        return this.printBytes(bytes, verb, t, v);
      }
      return this.printList(v, verb, t, depth, v);
    }
    if (v instanceof Map) {
      const elem = elemType(v);
      const keys = [...v.keys()].sort(compareBin);
      if (this.sharpV) {
        this.buf += goTypeName(v);
        if (isNilContainer(v)) {
          this.buf += '(nil)';
          return;
        }
        this.buf += '{';
      } else this.buf += 'map[';
      keys.forEach((k, i) => {
        if (i > 0) this.buf += this.sharpV ? ', ' : ' ';
        this.printValue(k, verb, depth + 1, 'string');
        this.buf += ':';
        this.printValue(v.get(k) ?? null, verb, depth + 1, elem);
      });
      this.buf += this.sharpV ? '}' : ']';
      return;
    }
    if (v instanceof GoObject) {
      const syntax = this.sharpV ? v.goSyntax(depth) : undefined;
      if (syntax !== undefined) {
        this.fmtS(syntax);
        return;
      }
      if (v.goKind() === 'complex128') {
        // fmt's fmtComplex: each part as a float under the verb (and width), the imaginary one signed.
        const { re, im } = v as unknown as { re: number; im: number };
        if (!'vbgGxXfFeE'.includes(verb) || verb.length !== 1) return this.badVerb(verb, v, true);
        const oldPlus = this.plus;
        this.buf += '(';
        this.printFloat(re, 64, verb, v);
        this.plus = true;
        this.printFloat(im, 64, verb, v);
        this.buf += 'i)';
        this.plus = oldPlus;
        return;
      }
      // Stringers and errors print their String()/Error() for the string verbs.
      if (!this.erroring && !this.sharpV && (verb === 'v' || verb === 's' || verb === 'x' || verb === 'X' || verb === 'q')) {
        this.printString(v.goString(), verb);
        return;
      }
      const n = v.underlyingInt();
      if (n !== undefined) return this.printInt(n, true, verb, v);
      if (verb === 'v' || verb === 's') {
        this.fmtS(v.goString());
        return;
      }
      this.badVerb(verb, v, true);
      return;
    }
    this.pad('?');
  }

  doPrintf(format: string, a: readonly Value[]): void {
    const end = format.length;
    let argNum = 0;
    let afterIndex = false;
    let reordered = false;
    let goodArgNum = true;

    const parsenum = (s: string, start: number, e: number): [number, boolean, number] => {
      if (start >= e) return [0, false, e];
      let num = 0;
      let isnum = false;
      let i = start;
      for (; i < e && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57; i++) {
        if (num > 1e6 || num < -1e6) return [0, false, e];
        num = num * 10 + (s.charCodeAt(i) - 48);
        isnum = true;
      }
      return [num, isnum, i];
    };
    const argNumber = (argN: number, i: number, numArgs: number): [number, number, boolean] => {
      if (format.length <= i || format[i] !== '[') return [argN, i, false];
      reordered = true;
      // parseArgNumber
      let index = 0;
      let wid = 1;
      let ok = false;
      const rest = format.slice(i);
      if (rest.length >= 3) {
        for (let j = 1; j < rest.length; j++) {
          if (rest[j] === ']') {
            const [w, isnum, newi] = parsenum(rest, 1, j);
            if (!isnum || newi !== j) {
              index = 0;
              wid = j + 1;
              ok = false;
            } else {
              index = w - 1;
              wid = j + 1;
              ok = true;
            }
            break;
          }
        }
      }
      if (ok && index >= 0 && index < numArgs) return [index, i + wid, true];
      goodArgNum = false;
      return [argN, i + wid, ok];
    };
    const intFromArg = (argN: number): [number, boolean, number] => {
      let num = 0;
      let isInt = false;
      if (argN < a.length) {
        const x = a[argN];
        let n: bigint | undefined;
        if (typeof x === 'bigint') n = x;
        else if (x instanceof GoInt) n = x.v;
        if (n !== undefined && n >= -(1n << 63n) && n < 1n << 63n) {
          num = Number(n);
          isInt = true;
        }
        argN++;
        if (num > 1e6 || num < -1e6) {
          num = 0;
          isInt = false;
        }
      }
      return [num, isInt, argN];
    };

    for (let i = 0; i < end; ) {
      goodArgNum = true;
      const lasti = i;
      while (i < end && format.charCodeAt(i) !== 37) i++;
      if (i > lasti) this.buf += format.slice(lasti, i);
      if (i >= end) break;
      i++;
      this.clearFlags();
      let simple = false;
      for (; i < end; i++) {
        const c = format[i]!;
        if (c === '#') this.sharp = true;
        else if (c === '0') this.zero = !this.minus;
        else if (c === '+') this.plus = true;
        else if (c === '-') {
          this.minus = true;
          this.zero = false;
        } else if (c === ' ') this.space = true;
        else {
          if (c >= 'a' && c <= 'z' && argNum < a.length) {
            if (c === 'v') {
              this.sharpV = this.sharp;
              this.sharp = false;
              this.plusV = this.plus;
              this.plus = false;
            }
            this.printArg(a[argNum]!, c);
            argNum++;
            i++;
            simple = true;
          }
          break;
        }
      }
      if (simple) continue;

      [argNum, i, afterIndex] = argNumber(argNum, i, a.length);

      if (i < end && format[i] === '*') {
        i++;
        [this.wid, this.widPresent, argNum] = intFromArg(argNum);
        if (!this.widPresent) this.buf += '%!(BADWIDTH)';
        if (this.wid < 0) {
          this.wid = -this.wid;
          this.minus = true;
          this.zero = false;
        }
        afterIndex = false;
      } else {
        [this.wid, this.widPresent, i] = parsenum(format, i, end);
        if (afterIndex && this.widPresent) goodArgNum = false;
      }

      if (i + 1 < end && format[i] === '.') {
        i++;
        if (afterIndex) goodArgNum = false;
        [argNum, i, afterIndex] = argNumber(argNum, i, a.length);
        if (i < end && format[i] === '*') {
          i++;
          [this.prec, this.precPresent, argNum] = intFromArg(argNum);
          if (this.prec < 0) {
            this.prec = 0;
            this.precPresent = false;
          }
          if (!this.precPresent) this.buf += '%!(BADPREC)';
          afterIndex = false;
        } else {
          [this.prec, this.precPresent, i] = parsenum(format, i, end);
          if (!this.precPresent) {
            this.prec = 0;
            this.precPresent = true;
          }
        }
      }

      if (!afterIndex) [argNum, i, afterIndex] = argNumber(argNum, i, a.length);

      if (i >= end) {
        this.buf += '%!(NOVERB)';
        break;
      }
      const [r, size] = decodeRuneAt(format, i);
      const verb = runeToBin(r);
      i += size;
      if (verb === '%') this.buf += '%';
      else if (!goodArgNum) this.buf += '%!' + verb + '(BADINDEX)';
      else if (argNum >= a.length) this.buf += '%!' + verb + '(MISSING)';
      else {
        if (verb === 'v') {
          this.sharpV = this.sharp;
          this.sharp = false;
          this.plusV = this.plus;
          this.plus = false;
        }
        this.printArg(a[argNum]!, verb);
        argNum++;
      }
    }
    if (!reordered && argNum < a.length) {
      this.clearFlags();
      this.buf += '%!(EXTRA ';
      for (let k = argNum; k < a.length; k++) {
        if (k > argNum) this.buf += ', ';
        const arg = a[k]!;
        if (arg === null) this.buf += '<nil>';
        else {
          this.buf += goTypeName(arg) + '=';
          this.printArg(arg, 'v');
        }
      }
      this.buf += ')';
    }
  }
}

function bin(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
}

function elemTypeOfName(t: string): string {
  return t.startsWith('[]') ? t.slice(2) : t.startsWith('map[string]') ? t.slice(11) : 'interface {}';
}

/** Byte-order comparison of Go strings (how fmt and text/template sort map keys). */
export function compareBin(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** fmt.Sprint. */
export function sprint(...args: Value[]): string {
  // Fast paths for the overwhelmingly common single-argument cases.
  if (args.length === 1) {
    const v = args[0];
    if (typeof v === 'string') return v;
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') return formatFloat(v, 'g', -1);
    if (typeof v === 'boolean') return v ? 'true' : 'false';
  }
  const p = new Printer();
  let prevString = false;
  args.forEach((arg, n) => {
    const isString = typeof arg === 'string';
    if (n > 0 && !isString && !prevString) p.buf += ' ';
    p.printArg(arg, 'v');
    prevString = isString;
  });
  return p.buf;
}

/** fmt.Sprintln. */
export function sprintln(...args: Value[]): string {
  const p = new Printer();
  args.forEach((arg, n) => {
    if (n > 0) p.buf += ' ';
    p.printArg(arg, 'v');
  });
  return p.buf + '\n';
}

/** fmt.Sprintf; `format` is a Go string. */
export function sprintf(format: string, ...args: Value[]): string {
  const p = new Printer();
  p.doPrintf(format, args);
  return p.buf;
}
