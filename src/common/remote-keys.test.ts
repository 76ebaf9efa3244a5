import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { assertPathUnder, encodePath, PathEscapeError, pathProblem, quote } from './remote-keys.js';

describe('pathProblem: what is refused', () => {
  const refused: [string, RegExp][] = [
    ['..', /'\.\.' segment/],
    ['.', /'\.' segment/],
    ['a/../b', /'\.\.' segment/],
    ['a/./b', /'\.' segment/],
    ['a/..', /'\.\.' segment/],
    ['../../sys/policy/root', /'\.\.' segment/],
    ['a/%2e%2e/b', /percent-encoded '\.'/],
    ['a/%2E%2E/b', /percent-encoded '\.'/],
    ['a/.%2e/b', /percent-encoded '\.'/],
    ['a/%2e./b', /percent-encoded '\.'/],
    ['a/%2e/b', /percent-encoded '\.'/],
    ['a/%252e%252e/b', /double encoding/],
    ['a/%25252e/b', /double encoding/],
    ['a%2fb', /percent-encoded '\/'/],
    ['a%2Fb', /percent-encoded '\/'/],
    ['a%5cb', /percent-encoded '\\'/],
    ['a/%c0%ae%c0%ae/b', /not UTF-8/],
    ['a%3fb', /percent-encoded '\?'/],
    ['a%23b', /percent-encoded '#'/],
    ['a%00b', /percent-encoded control/],
    ['a%0ab', /percent-encoded control/],
    ['a%c2%85b', /percent-encoded control/],
    ['a%e2%80%a8b', /percent-encoded control/],
    ['a\\..\\b', /backslash/],
    ['a\\b', /backslash/],
    ['a?version=2', /'\?'/],
    ['a#frag', /'#'/],
    ['a//b', /empty segment/],
    ['a\u0000b', /control character \(U\+0000\)/],
    ['a\nb', /control character \(U\+000A\)/],
    ['a\rb', /control character/],
    ['a\tb', /control character/],
    ['a\u007fb', /control character \(U\+007F\)/],
    ['a\u0085b', /control character \(U\+0085\)/],
    ['a\u009bb', /control character \(U\+009B\)/],
    ['a\u2028b', /control character \(U\+2028\)/],
    ['a\u2029b', /control character \(U\+2029\)/],
    ['a/\uff0e\uff0e/b', /NFKC\) turns into a dot segment/],
    ['a/\u2024\u2024/b', /NFKC\) turns into a dot segment/],
    ['a\uff0fb', /NFKC\) turns into/],
    ['a\ufe56b', /NFKC\) turns into/],
    ['a/%ef%bc%8e%ef%bc%8e/b', /NFKC/],
    ['a%ef%bc%8fb', /NFKC/],
    ['/a', /leading '\/'/],
    ['a/', /trailing '\/'/],
    ['', /empty segment/],
  ];
  it.each(refused)('%j', (key, why) => {
    expect(pathProblem(key)).toMatch(why);
  });

  it('leading and trailing slashes only where the options allow them, one each', () => {
    const opts = { leadingSlash: true, trailingSlash: true };
    expect(pathProblem('/secret/foo', opts)).toBeUndefined();
    expect(pathProblem('secret/foo/', opts)).toBeUndefined();
    expect(pathProblem('//secret/foo', opts)).toMatch(/empty segment/);
    expect(pathProblem('secret/foo//', opts)).toMatch(/empty segment/);
    expect(pathProblem('/', opts)).toMatch(/empty segment/);
    expect(pathProblem('/../x', opts)).toMatch(/'\.\.' segment/);
  });

  const accepted = ['db', 'prod/payments/db', 'a.b/c..d/...e', 'name with spaces', 'é/ü/日本', '100%', '50%off', 'a%41b', 'a%e2%82%acb', 'a:b@c+d,e;f=g$h&i', "a'b(c)*d!~"];
  it.each(accepted)('accepts %j', (key) => {
    expect(pathProblem(key)).toBeUndefined();
  });
});

describe('quote', () => {
  it('escapes every control character, so a message cannot forge a log line', () => {
    const q = quote('a\nb\u0085c\u2028d\u001be');
    expect(q).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u);
    expect(q).toBe('"a\\nb\\u0085c\\u2028d\\u001be"');
  });
});

describe('an accepted key, encoded per segment and normalised by new URL, stays under its prefix', () => {
  // Keys built from the characters that matter: separators, dots, escapes, controls, letters.
  const piece = fc.constantFrom('a', 'B', '.', '..', '/', '%', '2e', '2E', '2f', '25', '5c', '\\', '?', '#', '\u0000', '\n', '\u0085', '\u2028', ' ', 'é', '%2e', '%2f', '%252e', ';', '=', '@', ':', '\uff0e', '\uff0f', '%ef%bc%8e');
  const key = fc.array(piece, { minLength: 1, maxLength: 12 }).map((p) => p.join(''));

  it('property: accepted keys never leave /v1/secret/data/, refused ones are refused for a reason', () => {
    fc.assert(
      fc.property(key, (k) => {
        const why = pathProblem(k);
        if (why !== undefined) return;
        const built = `/v1/secret/data/${encodePath(k.split('/'))}`;
        const url = new URL('http://127.0.0.1:8200');
        url.pathname = built;
        // The URL parser may not change the path of an accepted key...
        expect(url.pathname).toBe(built);
        // ...which stays under the mount, segment for segment.
        const decoded = url.pathname.split('/').slice(4).map(decodeURIComponent);
        expect(decoded).toEqual(k.split('/'));
        expect(() => assertPathUnder(url, built, '/v1/secret/data')).not.toThrow();
      }),
      { numRuns: 3000 },
    );
  });

  it('property: without the canonical check, new URL does move some of these keys (the check is needed)', () => {
    let moved = 0;
    fc.assert(
      fc.property(key, (k) => {
        const url = new URL('http://127.0.0.1:8200');
        const raw = `/v1/secret/data/${k}`;
        url.pathname = raw;
        if (!url.pathname.startsWith('/v1/secret/data/')) moved++;
      }),
      { numRuns: 3000 },
    );
    expect(moved).toBeGreaterThan(0);
  });
});

describe('assertPathUnder: the last check before a request', () => {
  const at = (p: string) => {
    const u = new URL('http://127.0.0.1:8200');
    u.pathname = p;
    return u;
  };
  it('refuses a path that the URL parser normalised', () => {
    expect(() => assertPathUnder(at('/v1/secret/data/../../sys/policy'), '/v1/secret/data/../../sys/policy', '/v1/secret/data')).toThrow(PathEscapeError);
    expect(() => assertPathUnder(at('/v1/secret/data/%2e%2e/x'), '/v1/secret/data/%2e%2e/x', '/v1/secret/data')).toThrow(/normalised/);
    expect(() => assertPathUnder(at('/v1/secret/data\\..\\x'), '/v1/secret/data\\..\\x', '/v1/secret/data')).toThrow(PathEscapeError);
  });
  it('refuses a path outside the prefix, or with an encoded separator', () => {
    expect(() => assertPathUnder(at('/v1/other/data/x'), '/v1/other/data/x', '/v1/secret/data')).toThrow(/not under \/v1\/secret\/data/);
    expect(() => assertPathUnder(at('/v1/secret/database'), '/v1/secret/database', '/v1/secret/data')).toThrow(/not under/);
    expect(() => assertPathUnder(at('/v1/secret/data/a%2Fb'), '/v1/secret/data/a%2Fb', '/v1/secret/data')).toThrow(/encoded-separator/);
    expect(() => assertPathUnder(at('/v1/secret/data//x'), '/v1/secret/data//x', '/v1/secret/data')).toThrow(/empty/);
    expect(() => assertPathUnder(at('/v1/secret/metadata/dev/'), '/v1/secret/metadata/dev/', '/v1/secret/metadata')).not.toThrow();
  });
  it('accepts the path it was given when it is under the prefix', () => {
    expect(() => assertPathUnder(at('/v1/secret/data/a%20b/c'), '/v1/secret/data/a%20b/c', '/v1/secret/data')).not.toThrow();
    expect(() => assertPathUnder(at('/v1/secret/data'), '/v1/secret/data', '/v1/secret/data/')).not.toThrow();
  });
});
