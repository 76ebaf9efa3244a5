// github.com/tidwall/match (v1.1.1, what gjson v1.18's matchLimit calls), ported on binary strings (one
// char per byte), with Go's utf8 decoding so that invalid bytes match as Go matches them.

/** utf8.DecodeRuneInString on a binary string: [rune, size]; invalid → [0xfffd, 1]; empty → [0xfffd, 0]. */
export function decodeRune(s: string, i = 0): [number, number] {
  const n = s.length - i;
  if (n <= 0) return [0xfffd, 0];
  const b0 = s.charCodeAt(i);
  if (b0 < 0x80) return [b0, 1];
  const cont = (k: number, lo = 0x80, hi = 0xbf) => {
    if (i + k >= s.length) return -1;
    const b = s.charCodeAt(i + k);
    return b >= lo && b <= hi ? b & 0x3f : -1;
  };
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    const c1 = cont(1);
    return c1 < 0 ? [0xfffd, 1] : [((b0 & 0x1f) << 6) | c1, 2];
  }
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    const c1 = cont(1, lo, hi);
    if (c1 < 0) return [0xfffd, 1];
    const c2 = cont(2);
    if (c2 < 0) return [0xfffd, 1];
    return [((b0 & 0x0f) << 12) | (c1 << 6) | c2, 3];
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    const c1 = cont(1, lo, hi);
    if (c1 < 0) return [0xfffd, 1];
    const c2 = cont(2);
    if (c2 < 0) return [0xfffd, 1];
    const c3 = cont(3);
    if (c3 < 0) return [0xfffd, 1];
    return [((b0 & 0x07) << 18) | (c1 << 12) | (c2 << 6) | c3, 4];
  }
  return [0xfffd, 1];
}

/** utf8.DecodeLastRuneInString on a binary string. */
export function decodeLastRune(s: string): [number, number] {
  const end = s.length;
  if (end === 0) return [0xfffd, 0];
  const last = s.charCodeAt(end - 1);
  if (last < 0x80) return [last, 1];
  const lim = Math.max(0, end - 4);
  let start = end - 1;
  for (start--; start >= lim; start--) {
    if ((s.charCodeAt(start) & 0xc0) !== 0x80) break;
  }
  if (start < 0) start = 0;
  const [r, size] = decodeRune(s.slice(start, end));
  if (start + size !== end) return [0xfffd, 1];
  return [r, size];
}

const NO_MATCH = 0;
const MATCH = 1;
const STOP = 2;

/** match.MatchLimit(str, pattern, maxcomp) → matched. */
export function matchLimit(str: string, pattern: string, maxcomp = 10000): boolean {
  if (pattern === '*') return true;
  const counter = { n: 0 };
  return matchRec(str, pattern, str.length, counter, maxcomp) === MATCH;
}

function matchRec(str: string, pat: string, slen: number, counter: { n: number }, maxcomp: number): number {
  if (maxcomp > -1) {
    if (counter.n > slen * maxcomp) return STOP;
    counter.n++;
  }
  while (pat.length > 0) {
    let wild = false;
    let [pc, ps] = pat.charCodeAt(0) > 0x7f ? decodeRune(pat) : [pat.charCodeAt(0), 1];
    let sc = 0;
    let ss = 0;
    if (str.length > 0) [sc, ss] = str.charCodeAt(0) > 0x7f ? decodeRune(str) : [str.charCodeAt(0), 1];
    if (pc === 0x3f /* ? */) {
      if (ss === 0) return NO_MATCH;
    } else if (pc === 0x2a /* * */) {
      while (pat.length > 1 && pat[1] === '*') pat = pat.slice(1);
      if (pat.length === 1) return MATCH;
      const t = matchTrimSuffix(str, pat);
      if (!t.ok) return NO_MATCH;
      str = t.str;
      pat = t.pat;
      if (pat.length === 1) return MATCH;
      const r = matchRec(str, pat.slice(1), slen, counter, maxcomp);
      if (r !== NO_MATCH) return r;
      if (str.length === 0) return NO_MATCH;
      wild = true;
    } else {
      if (ss === 0) return NO_MATCH;
      if (pc === 0x5c /* \ */) {
        pat = pat.slice(ps);
        [pc, ps] = decodeRune(pat);
        if (ps === 0) return NO_MATCH;
      }
      if (sc !== pc) return NO_MATCH;
    }
    str = str.slice(ss);
    if (!wild) pat = pat.slice(ps);
  }
  return str.length === 0 ? MATCH : NO_MATCH;
}

function matchTrimSuffix(str: string, pat: string): { str: string; pat: string; ok: boolean } {
  let ok = true;
  while (str.length > 0 && pat.length > 1) {
    let [pc, ps] = decodeLastRune(pat);
    let esc = false;
    for (let i = 0; ; i++) {
      if (pat[pat.length - ps - i - 1] !== '\\') {
        if ((i & 1) === 1) {
          esc = true;
          ps++;
        }
        break;
      }
    }
    if (pc === 0x2a && !esc) {
      ok = true;
      break;
    }
    const [sc, ss] = decodeLastRune(str);
    if (!((pc === 0x3f && !esc) || pc === sc)) {
      ok = false;
      break;
    }
    str = str.slice(0, str.length - ss);
    pat = pat.slice(0, pat.length - ps);
  }
  return { str, pat, ok };
}
