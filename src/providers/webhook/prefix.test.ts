import { describe, expect, it } from 'vitest';
import { underPrefix } from './webhook.js';

// The prefixes as the RenderConfig reader normalises them (WHATWG href).
const v1 = new URL('https://api.example.com/v1').href;
const v1slash = new URL('https://api.example.com/v1/').href;
const root = new URL('https://API.example.com').href;

describe('underPrefix: allowed webhook URLs match whole path segments of one origin', () => {
  const cases: [string, string, boolean][] = [
    [v1, 'https://api.example.com/v1', true],
    [v1, 'https://api.example.com/v1?key=a', true],
    [v1, 'https://api.example.com/v1/secrets/a', true],
    [v1, 'https://api.example.com/v1x', false],
    [v1, 'https://api.example.com/v1.json', false],
    [v1, 'https://api.example.com/v10/a', false],
    [v1, 'https://api.example.com/', false],
    [v1, 'http://api.example.com/v1/a', false],
    [v1, 'https://api.example.com:8443/v1/a', false],
    [v1, 'https://api.example.com.evil.test/v1/a', false],
    [v1slash, 'https://api.example.com/v1/a', true],
    [v1slash, 'https://api.example.com/v1', false],
    [root, 'https://api.example.com/anything', true],
    [root, 'https://api.example.com:443/anything', true],
    [root, 'https://api.example.community/', false],
  ];
  for (const [prefix, url, want] of cases) {
    it(`${url} under ${prefix}: ${want}`, () => expect(underPrefix(new URL(url), prefix)).toBe(want));
  }
});
