// Keys a JavaScript object cannot hold in order or at all: integer-like keys (listed first, numerically)
// and `__proto__`. ESO writes a Secret's maps in Go's byte order and drops no key.
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { stringifyObject } from './yaml-quote.js';

describe('printing maps with integer-like and __proto__ keys', () => {
  it('prints integer-like keys in byte order, as Go sorts them', () => {
    const data = { '10': 'YQ==', '9': 'Yg==', '012': 'Yw==', a: 'ZA==' };
    expect(Object.keys(data)).toEqual(['9', '10', '012', 'a']); // what JavaScript does to them
    const text = stringifyObject({ apiVersion: 'v1', kind: 'Secret', data });
    expect(text.split('\n').filter((l) => l.startsWith('  ')).map((l) => l.trim().split(':')[0])).toEqual(['"012"', '"10"', '"9"', 'a']);
    expect(parse(text).data).toEqual(data);
  });

  it('keeps the order of maps without such keys, and a __proto__ key on either path', () => {
    const labels = JSON.parse('{"z":"1","__proto__":"kept","a":"2"}') as Record<string, string>;
    const text = stringifyObject({ metadata: { labels }, data: JSON.parse('{"__proto__":"eA==","7":"eQ=="}') });
    expect(text).toBe('metadata:\n  labels:\n    z: "1"\n    __proto__: kept\n    a: "2"\ndata:\n  "7": eQ==\n  __proto__: eA==\n');
  });
});
