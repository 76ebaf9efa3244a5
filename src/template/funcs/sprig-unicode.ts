// Go's `unicode` package predicates and simple (one rune to one rune) case mappings, on code points.
// JS's toUpperCase/toLowerCase apply full mappings (ß -> SS); Go never changes the rune count, so a
// mapping that yields more than one code point leaves the rune as it is.

import { binToRunes, decodeRuneAt, runesToBin } from '../values.js';

const reUpper = /^\p{Lu}$/u;
const reLower = /^\p{Ll}$/u;
const reTitle = /^\p{Lt}$/u;
const reLetter = /^\p{L}$/u;
const reDigit = /^\p{Nd}$/u;
const reNumber = /^\p{N}$/u;
const rePunct = /^\p{P}$/u;
const rePrint = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

const ch = (r: number): string => (r >= 0xd800 && r <= 0xdfff ? '\ufffd' : String.fromCodePoint(r));

/** unicode.IsSpace */
export function isSpace(r: number): boolean {
  if (r <= 0xff) return r === 0x20 || (r >= 0x09 && r <= 0x0d) || r === 0x85 || r === 0xa0;
  return (
    r === 0x1680 || (r >= 0x2000 && r <= 0x200a) || r === 0x2028 || r === 0x2029 || r === 0x202f || r === 0x205f || r === 0x3000
  );
}
export const isUpper = (r: number): boolean => (r < 0x80 ? r >= 0x41 && r <= 0x5a : !post15(r) && reUpper.test(ch(r)));
export const isLower = (r: number): boolean => (r < 0x80 ? r >= 0x61 && r <= 0x7a : !post15(r) && reLower.test(ch(r)));
export const isTitle = (r: number): boolean => r >= 0x80 && reTitle.test(ch(r));
export const isLetter = (r: number): boolean =>
  r < 0x80 ? (r >= 0x41 && r <= 0x5a) || (r >= 0x61 && r <= 0x7a) : reLetter.test(ch(r));
export const isDigit = (r: number): boolean => (r < 0x80 ? r >= 0x30 && r <= 0x39 : reDigit.test(ch(r)));
export const isNumber = (r: number): boolean => (r < 0x80 ? r >= 0x30 && r <= 0x39 : reNumber.test(ch(r)));
export const isPunct = (r: number): boolean => rePunct.test(ch(r));
/** unicode.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space. */
export const isPrint = (r: number): boolean => r === 0x20 || rePrint.test(ch(r));

// Case pairs Unicode added after 15.0 (Go 1.21+ ships 15.0; Node knows newer versions). Go maps
// none of these, so neither do we.
const POST_15: Array<[number, number]> = [
  [0x1c89, 0x1c8a],
  [0xa7cb, 0xa7cf],
  [0xa7d2, 0xa7d2],
  [0xa7d4, 0xa7d4],
  [0xa7da, 0xa7dc],
  [0xa7f1, 0xa7f1],
  [0x10d50, 0x10d8f],
  [0x16ea0, 0x16edf],
];
const post15 = (r: number): boolean => POST_15.some(([a, b]) => r >= a && r <= b);

function single(s: string, r: number): number {
  const cps = [...s];
  if (cps.length !== 1) return r;
  const m = cps[0]!.codePointAt(0)!;
  return post15(m) || post15(r) ? r : m;
}

/** Greek letters with ypogegrammeni: their simple upper (and title) case is the prosgegrammeni form. */
function greekIotaUpper(r: number): number | undefined {
  if ((r >= 0x1f80 && r <= 0x1f87) || (r >= 0x1f90 && r <= 0x1f97) || (r >= 0x1fa0 && r <= 0x1fa7)) return r + 8;
  if (r === 0x1fb3) return 0x1fbc;
  if (r === 0x1fc3) return 0x1fcc;
  if (r === 0x1ff3) return 0x1ffc;
  return undefined;
}

/** unicode.ToUpper */
export function toUpper(r: number): number {
  if (r < 0x80) return r >= 0x61 && r <= 0x7a ? r - 32 : r;
  if (r >= 0xd800 && r <= 0xdfff) return r;
  if (r === 0x1c5 || r === 0x1c8 || r === 0x1cb || r === 0x1f2) return r - 1; // title digraphs
  const g = greekIotaUpper(r);
  if (g !== undefined) return g;
  return single(String.fromCodePoint(r).toUpperCase(), r);
}
/** unicode.ToLower */
export function toLower(r: number): number {
  if (r < 0x80) return r >= 0x41 && r <= 0x5a ? r + 32 : r;
  if (r >= 0xd800 && r <= 0xdfff) return r;
  if (r === 0x130) return 0x69; // İ: Go's simple mapping gives i
  return single(String.fromCodePoint(r).toLowerCase(), r);
}
/** unicode.ToTitle: upper case except for the Latin digraphs, which have a title form. */
export function toTitle(r: number): number {
  switch (r) {
    case 0x1c4:
    case 0x1c5:
    case 0x1c6:
      return 0x1c5;
    case 0x1c7:
    case 0x1c8:
    case 0x1c9:
      return 0x1c8;
    case 0x1ca:
    case 0x1cb:
    case 0x1cc:
      return 0x1cb;
    case 0x1f1:
    case 0x1f2:
    case 0x1f3:
      return 0x1f2;
  }
  // Georgian Mkhedruli letters are their own title case (their upper case is Mtavruli).
  if ((r >= 0x10d0 && r <= 0x10fa) || (r >= 0x10fd && r <= 0x10ff)) return r;
  return toUpper(r);
}

/** strings.Map over a Go string: invalid bytes become U+FFFD as Go's Map does; r < 0 drops. */
export function mapRunes(s: string, f: (r: number) => number): string {
  const out: number[] = [];
  for (const r of binToRunes(s)) {
    const m = f(r);
    if (m >= 0) out.push(m);
  }
  return runesToBin(out);
}

/** True when s is all ASCII. */
export const isAscii = (s: string): boolean => /^[\x00-\x7f]*$/.test(s);

/** Iterate runes with their byte offsets and widths, as Go's `for i, r := range s`. */
export function* runesWithIndex(s: string): Generator<[number, number, number]> {
  let i = 0;
  while (i < s.length) {
    const [r, w] = decodeRuneAt(s, i);
    yield [i, r, w];
    i += w;
  }
}
