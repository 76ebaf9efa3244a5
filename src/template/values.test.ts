// The value model's byte/rune helpers follow Go's UTF-8 decoding: one U+FFFD per invalid byte.
import { describe, expect, it } from 'vitest';
import { GoInt, binToRunes, binToUtf8, bytesToBin, goKindName, goTypeName, isTrue, runesToBin, typedMap, typedSlice, utf8ToBin } from './values.js';

describe('bytes and runes', () => {
  it('round-trips UTF-8 text through Go strings', () => {
    const s = 'héllo 世界 😀';
    expect(binToUtf8(utf8ToBin(s))).toBe(s);
    expect(utf8ToBin('é')).toBe('\xc3\xa9');
  });
  it('decodes invalid sequences byte by byte, as utf8.DecodeRune does', () => {
    // E2 82 is a truncated 3-byte sequence: Go yields two U+FFFD (WHATWG decoders yield one).
    expect(binToRunes('\xe2\x82A')).toEqual([0xfffd, 0xfffd, 0x41]);
    // Overlong encodings and encoded surrogates are invalid too.
    expect(binToRunes('\xc0\xaf')).toEqual([0xfffd, 0xfffd]);
    expect(binToRunes('\xed\xa0\x80')).toEqual([0xfffd, 0xfffd, 0xfffd]);
    expect(runesToBin([0x41, 0xd800, 0x1f600])).toBe('A\xef\xbf\xbd\xf0\x9f\x98\x80');
  });
  it('keeps arbitrary bytes', () => {
    expect(bytesToBin(Uint8Array.from([0, 0x80, 0xff]))).toBe('\x00\x80\xff');
  });
});

describe('Go types', () => {
  it('names types and kinds like reflect', () => {
    expect(goTypeName(1n)).toBe('int');
    expect(goTypeName(new GoInt('int64', 1n))).toBe('int64');
    expect(goTypeName(typedSlice(['a'], 'string'))).toBe('[]string');
    expect(goTypeName(typedMap(new Map(), 'string'))).toBe('map[string]string');
    expect(goTypeName([])).toBe('[]interface {}');
    expect(goTypeName(null)).toBe('<nil>');
    expect(goKindName(new Uint8Array(1))).toBe('slice');
  });
  it('applies text/template truth', () => {
    expect([0n, '', false, null, [], new Map(), 0].map(isTrue)).toEqual([false, false, false, false, false, false, false]);
    expect([1n, 'x', true, [1n], 0.5].map(isTrue)).toEqual([true, true, true, true, true]);
  });
});
