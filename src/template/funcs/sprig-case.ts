// Word-case conversions sprig takes from huandu/xstrings v1.5.0 (the version ESO builds with):
// camelcase is ToPascalCase, snakecase/kebabcase are camelCaseToLowerCase with '_' / '-'.
// Works on Go strings (bytes); runes are decoded the way utf8.DecodeRuneInString does.

import { decodeRuneAt, RUNE_ERROR, runeToBin } from '../values.js';
import { isLetter, isNumber, isPunct, isSpace, isUpper, toLower, toUpper } from './sprig-unicode.js';

const isConnector = (r: number): boolean => r === 0x2d || r === 0x5f || isSpace(r);

/** Letters other than the CJK ideograph blocks (xstrings' isAlphabet). */
function isAlphabet(r: number): boolean {
  if (!isLetter(r)) return false;
  if (r < 0x3400) return true;
  if (r >= 0x4e00 && r <= 0x9fcc) return false;
  if (r >= 0x3400 && r <= 0x4d85) return false;
  if (r >= 0x20000 && r <= 0x2b81d) return false;
  return true;
}

/** xstrings.ToPascalCase: words split at connectors, each starting upper case; runs of upper case
 * letters after the first letter of a word are lowered. */
export function toPascalCase(str: string): string {
  if (str === '') return '';
  let out = '';
  let i = 0;
  let r0 = 0;
  let size = 0;
  let firstUpper = false;
  // Leading connectors are copied.
  while (i < str.length) {
    [r0, size] = decodeRuneAt(str, i);
    i += size;
    if (!isConnector(r0)) {
      firstUpper = isUpper(r0);
      r0 = toUpper(r0);
      break;
    }
    out += runeToBin(r0);
  }
  if (i >= str.length) {
    if (size !== 0) out += runeToBin(r0);
    return out;
  }
  while (i < str.length) {
    const r1 = r0;
    [r0, size] = decodeRuneAt(str, i);
    i += size;
    if (isConnector(r0) && isConnector(r1)) {
      out += runeToBin(r1);
      continue;
    }
    if (isConnector(r1)) {
      firstUpper = isUpper(r0);
      r0 = toUpper(r0);
    } else {
      if (firstUpper) {
        if (isUpper(r0)) r0 = toLower(r0);
        else firstUpper = false;
      }
      out += runeToBin(r1);
    }
  }
  return out + runeToBin(r0);
}

enum Word {
  Invalid,
  Number,
  Upper,
  Alphabet,
  Connector,
  Punct,
  Other,
}

/** The next valid rune at s[i:], skipping invalid bytes; at the end, `prev` with the bytes skipped. */
function nextValidRune(s: string, i: number, prev: number): [number, number] {
  let size = 0;
  while (i < s.length) {
    const [r, w] = decodeRuneAt(s, i);
    size += w;
    if (r !== RUNE_ERROR) return [r, size];
    i += w;
  }
  return [prev, size];
}

/** Splits off the next word of s[pos:]: its type and the byte offset where it ends. */
function nextWord(s: string, pos: number): [Word, number] {
  if (pos >= s.length) return [Word.Invalid, pos];
  let [r, size] = nextValidRune(s, pos, RUNE_ERROR);
  let offset = pos + size;
  if (r === RUNE_ERROR) return [Word.Invalid, offset];
  let rem = offset;
  const scan = (keep: (r: number) => boolean): void => {
    while (rem < s.length) {
      [r, size] = nextValidRune(s, rem, r);
      if (!keep(r)) break;
      offset += size;
      rem += size;
    }
  };
  if (isConnector(r)) {
    scan(isConnector);
    return [Word.Connector, offset];
  }
  if (isPunct(r)) {
    scan(isPunct);
    return [Word.Punct, offset];
  }
  if (isUpper(r)) {
    if (rem >= s.length) return [Word.Upper, offset];
    [r, size] = nextValidRune(s, rem, r);
    if (isUpper(r)) {
      let prevSize = size;
      offset += size;
      rem += size;
      while (rem < s.length) {
        [r, size] = nextValidRune(s, rem, r);
        if (!isUpper(r)) break;
        prevSize = size;
        offset += size;
        rem += size;
      }
      // "HTTPStatus": the last upper case letter starts the next word.
      if (rem < s.length && isAlphabet(r)) offset -= prevSize;
    } else if (isAlphabet(r)) {
      offset += size;
      rem += size;
      scan((x) => isAlphabet(x) && !isUpper(x));
    }
    return [Word.Upper, offset];
  }
  if (isAlphabet(r)) {
    scan((x) => isAlphabet(x) && !isUpper(x));
    return [Word.Alphabet, offset];
  }
  if (isNumber(r)) {
    scan(isNumber);
    return [Word.Number, offset];
  }
  while (rem < s.length) {
    [r, size] = nextValidRune(s, rem, r);
    if (size === 0 || isConnector(r) || isAlphabet(r) || isNumber(r) || isPunct(r)) break;
    offset += size;
    rem += size;
  }
  return [Word.Other, offset];
}

/** Appends a word, lowering upper-case words and turning connector runs into the connector. */
function lowerWord(wt: Word, word: string, connector: number): string {
  if (wt !== Word.Upper && wt !== Word.Connector) return word;
  let out = '';
  for (let i = 0; i < word.length; ) {
    const [r, w] = decodeRuneAt(word, i);
    i += w;
    if (isConnector(r)) out += runeToBin(connector);
    else if (isUpper(r)) out += runeToBin(toLower(r));
    else out += runeToBin(r);
  }
  return out;
}

/** xstrings camelCaseToLowerCase (ToSnakeCase with '_', ToKebabCase with '-'). */
export function camelCaseToLowerCase(str: string, connector: number): string {
  if (str === '') return '';
  const sep = runeToBin(connector);
  let out = '';
  let pos = 0;
  const next = (): [Word, string] => {
    const [wt, end] = nextWord(str, pos);
    const word = str.slice(pos, end);
    pos = end;
    return [wt, word];
  };
  let [wt, word] = next();
  while (pos < str.length) {
    if (wt !== Word.Connector) out += lowerWord(wt, word, connector);
    const prev = wt;
    const last = word;
    [wt, word] = next();
    switch (prev) {
      case Word.Number:
        while (wt === Word.Alphabet || wt === Word.Number) {
          out += lowerWord(wt, word, connector);
          [wt, word] = next();
        }
        if (wt !== Word.Invalid && wt !== Word.Punct && wt !== Word.Connector) out += sep;
        break;
      case Word.Connector:
        out += lowerWord(prev, last, connector);
        break;
      case Word.Punct:
        break;
      default: {
        if (wt !== Word.Number) {
          if (wt !== Word.Connector && wt !== Word.Punct) out += sep;
          break;
        }
        if (pos >= str.length) break;
        const numWord = word;
        [wt, word] = next();
        // A number directly followed by something other than letters belongs to the previous word.
        if (wt !== Word.Alphabet) {
          out += lowerWord(Word.Number, numWord, connector);
          if (wt !== Word.Connector && wt !== Word.Punct) out += sep;
          break;
        }
        // Lower-case letters after a number: the number starts a new word ("HTTP2xx" -> "http_2xx").
        out += sep + lowerWord(Word.Number, numWord, connector);
        while (wt === Word.Alphabet || wt === Word.Number) {
          out += lowerWord(wt, word, connector);
          [wt, word] = next();
        }
        if (wt !== Word.Invalid && wt !== Word.Connector && wt !== Word.Punct) out += sep;
      }
    }
  }
  return out + lowerWord(wt, word, connector);
}
