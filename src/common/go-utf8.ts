// Go's coercion of bytes to valid UTF-8 where encoding/json writes a string (json.Marshal): each byte
// that does not start a valid sequence becomes U+FFFD on its own (not the WHATWG "maximal subpart" rule of
// TextDecoder). Used where ESO's values pass through a JSON round trip: KeysAndValues output and fromYaml.

/**
 * Bytes split as Go's utf8.DecodeRune walks them: runs of valid UTF-8 (as strings) and, one by one, the
 * bytes that do not start a valid sequence (as numbers).
 */
export function goUtf8Pieces(b: Uint8Array): (string | number)[] {
  const out: (string | number)[] = [];
  let i = 0;
  let start = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i]!;
    const size = validRuneWidth(b, i);
    if (size === 0) {
      if (start < i) out.push(Buffer.from(b.subarray(start, i)).toString('utf8'));
      out.push(c);
      i++;
      start = i;
    } else i += size;
  }
  if (start < n) out.push(Buffer.from(b.subarray(start, n)).toString('utf8'));
  return out;
}

/** Go's json.Marshal view of bytes as a string: each invalid UTF-8 byte becomes U+FFFD. */
export function goUtf8(b: Uint8Array): string {
  return goUtf8Pieces(b).map((p) => (typeof p === 'number' ? '\ufffd' : p)).join('');
}

/**
 * The width of the valid, minimal, non-surrogate UTF-8 sequence at b[i] (1 to 4), or 0 when the byte
 * there does not start one (utf8.DecodeRune would give RuneError with width 1). i must be < b.length.
 */
function validRuneWidth(b: Uint8Array, i: number): number {
  const n = b.length;
  const c = b[i]!;
  if (c < 0x80) return 1;
  if (c >= 0xc2 && c <= 0xdf) return i + 1 < n && (b[i + 1]! & 0xc0) === 0x80 ? 2 : 0;
  if (c >= 0xe0 && c <= 0xef) {
    const lo = c === 0xe0 ? 0xa0 : 0x80;
    const hi = c === 0xed ? 0x9f : 0xbf;
    return i + 2 < n && b[i + 1]! >= lo && b[i + 1]! <= hi && (b[i + 2]! & 0xc0) === 0x80 ? 3 : 0;
  }
  if (c >= 0xf0 && c <= 0xf4) {
    const lo = c === 0xf0 ? 0x90 : 0x80;
    const hi = c === 0xf4 ? 0x8f : 0xbf;
    return i + 3 < n && b[i + 1]! >= lo && b[i + 1]! <= hi && (b[i + 2]! & 0xc0) === 0x80 && (b[i + 3]! & 0xc0) === 0x80 ? 4 : 0;
  }
  return 0;
}

/** utf8.DecodeRune(b[i:]): the rune and its width; U+FFFD width 1 for a bad byte, width 0 at the end. */
export function goDecodeRune(b: Uint8Array, i: number): [number, number] {
  if (i >= b.length) return [0xfffd, 0];
  const w = validRuneWidth(b, i);
  const c = b[i]!;
  switch (w) {
    case 1:
      return [c, 1];
    case 2:
      return [((c & 0x1f) << 6) | (b[i + 1]! & 0x3f), 2];
    case 3:
      return [((c & 0x0f) << 12) | ((b[i + 1]! & 0x3f) << 6) | (b[i + 2]! & 0x3f), 3];
    case 4:
      return [((c & 0x07) << 18) | ((b[i + 1]! & 0x3f) << 12) | ((b[i + 2]! & 0x3f) << 6) | (b[i + 3]! & 0x3f), 4];
    default:
      return [0xfffd, 1];
  }
}
