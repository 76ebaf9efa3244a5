// The Go-regexp helper beside its differential test (test/go-regexp-diff.test.ts): the rules stated once
// here, and the bounded cache.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../testing/seeded-random.test-helper.js';
import { compileGoRegexp, requiredPrefix } from './go-regexp.js';
import { re2 } from './lazy-packages.js';

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

describe('requiredPrefix (the prefilter of test)', () => {
  it('is the plain text after ^, less a repeated last character, and nothing with an alternation', () => {
    expect(requiredPrefix('^/apps/app-1[0-9]*/db$')).toBe('/apps/app-1');
    expect(requiredPrefix('^prod/.*')).toBe('prod/');
    expect(requiredPrefix('^abc?d')).toBe('ab');
    expect(requiredPrefix('^a\\.b{2}')).toBe('a.');
    expect(requiredPrefix('^prod|^dev')).toBe('');
    expect(requiredPrefix('prod/.*')).toBe('');
    expect(requiredPrefix('^(?i)prod')).toBe('');
    expect(requiredPrefix('^é')).toBe('');
    // A repetition after a flag group or an empty quote applies to the character before it (Go's parser).
    expect(requiredPrefix('^ab(?i)*')).toBe('a');
    expect(requiredPrefix('^ab\\Q\\E*')).toBe('a');
  });

  it('never changes what MatchString answers (seeded patterns and names, against the matcher alone)', () => {
    const rnd = seededRandom(20261203);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const tokens = ['a', 'b', '/', '-', '_', '.', '\\.', '\\-', '*', '+', '?', '{2}', '{1,', '[0-9]', '(a)', '(?:b)', '$', '|', '^', ' ', '#', '(?i)', '(?-i)', '\\Q\\E', '\\Qa\\E', '\\d', '\\b', 'é', 'A'];
    const alphabet = ['a', 'b', 'A', '/', '-', '_', '.', '0', '7', ' ', '#', 'é', '\ud800'];
    let checked = 0;
    for (let n = 0; n < 4000; n++) {
      let pattern = '^';
      for (let k = Math.floor(rnd() * 6); k >= 0; k--) pattern += pick(tokens);
      let matcher: { matcher(s: string): { find(): boolean } };
      try {
        matcher = re2().compile(pattern);
      } catch {
        continue;
      }
      const re = compileGoRegexp(pattern);
      const prefix = requiredPrefix(pattern);
      for (let m = 0; m < 12; m++) {
        // Names that share the prefix or part of it, as a store's listing does.
        let name = m % 2 === 0 ? prefix.slice(0, Math.floor(rnd() * (prefix.length + 1))) : '';
        for (let k = Math.floor(rnd() * 6); k > 0; k--) name += pick(alphabet);
        expect(re.test(name), `${pattern} on ${JSON.stringify(name)}`).toBe(matcher.matcher(Buffer.from(name, 'utf8').toString('utf8')).find());
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(20_000);
  });
});
