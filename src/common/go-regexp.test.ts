// The Go-regexp helper beside its differential test (test/go-regexp-diff.test.ts): the rules stated once
// here, and the bounded cache.
import { describe, expect, it } from 'vitest';
import { compileGoRegexp } from './go-regexp.js';

describe('compileGoRegexp', () => {
  it("runs Go's replaceAll loop: no replacement for an empty match right after a match, runes kept whole", () => {
    expect(compileGoRegexp('b*').replaceAll('abc', '-')).toBe('-a-c-');
    expect(compileGoRegexp('a|').replaceAll('\u{1F600}ab', '-')).toBe('-\u{1F600}-b-');
    const bytes = compileGoRegexp('').replaceAllBytes(Buffer.from([0x61, 0xff, 0x62]), Buffer.from('-'));
    expect(Buffer.from(bytes).toString('hex')).toBe(Buffer.from([0x2d, 0x61, 0x2d, 0xff, 0x2d, 0x62, 0x2d]).toString('hex'));
  });

  it("expands Go's way: greedy names of letters and digits, ${n}, $$, one name on several groups", () => {
    expect(compileGoRegexp('^db/(.*)$').replaceAll('db/user', '$1_x|${1}_x|$$1|$')).toBe('|user_x|$1|$');
    expect(compileGoRegexp('(?P<n>a)').replaceAll('a', '$n$é')).toBe('a');
    expect(compileGoRegexp('(?P<n>a)|(?P<n>b)').replaceAll('ab', '[$n]')).toBe('[a][b]');
    expect(compileGoRegexp('(?P<constructor>a)').replaceAll('a', '<$constructor>')).toBe('<a>');
  });

  it('treats a lone surrogate as U+FFFD, as Go sees the JSON-decoded string', () => {
    expect(compileGoRegexp('^\\x{FFFD}$').test('\ud800')).toBe(true);
    expect(compileGoRegexp('.').replaceAll('a\udc00', '[$0]')).toBe('[a][\ufffd]');
  });

  it("throws Go's error text, once prefixed", () => {
    expect(() => compileGoRegexp('(user')).toThrow(/^error parsing regexp: missing closing \): `\(user`$/);
    expect(() => compileGoRegexp('a\\')).toThrow(/^error parsing regexp: trailing backslash at end of expression: ``$/);
    expect(() => compileGoRegexp('(?P<n>a)(?P<n>b)(')).toThrow(/^error parsing regexp: missing closing \): `\(\?P<n>a\)\(\?P<n>b\)\(`$/);
  });

  it('keeps a bounded cache of compiled patterns', () => {
    const first = compileGoRegexp('^cache-0$');
    expect(compileGoRegexp('^cache-0$')).toBe(first);
    for (let i = 1; i <= 600; i++) compileGoRegexp(`^cache-${i}$`);
    const again = compileGoRegexp('^cache-0$');
    expect(again).not.toBe(first);
    expect(again.test('cache-0')).toBe(true);
  });
});
