import { describe, expect, it } from 'vitest';
import { hasDotSegment } from './webhook.js';

/** The path as written: after the authority, before ? and #, `\\` read as `/`, tabs dropped (as WHATWG does). */
const written = (u: string) => u.replace(/^http:\/\/[^/\\]*/, '').split(/[?#]/)[0]!.replace(/\\/g, '/').replace(/\t/g, '');

describe('hasDotSegment: the path segments the WHATWG parser would resolve', () => {
  for (const u of ['http://h/a/..', 'http://h/a/../b', 'http://h/./a', 'http://h/a/%2e%2E/b', 'http://h/a/.%2e', 'http://h/a\\..\\b', 'http://h/a/.\t./b', 'http://h/a/..?q=1', 'http://h/a/.#f', 'http://h/..']) {
    it(`${JSON.stringify(u)}: has one, as the parser shows`, () => {
      expect(hasDotSegment(u)).toBe(true);
      expect(new URL(u).pathname).not.toBe(written(u));
    });
  }
  for (const u of ['http://h/a/b', 'http://h/a/..b', 'http://h/a/...', 'http://h/a/b.json', 'http://h/a?x=../..', 'http://h/a#..', 'http://h.example.com./a', 'http://h/a/%252e%252e', 'http://h/']) {
    it(`${JSON.stringify(u)}: has none, and the parser keeps the path as written`, () => {
      expect(hasDotSegment(u)).toBe(false);
      expect(new URL(u).pathname).toBe(written(u));
    });
  }
});
