// Lazy items after the lean-items round (issue 19): what an engine could do with an item or its object
// behaves as a plain item would, or refuses plainly. Cases from a breaker run against the build before.
import { describe, expect, it } from 'vitest';
import { beginInput } from '../../src/frontends/input-limits.js';
import { readManifests, readManifestsLazily } from '../../src/frontends/stream.js';
import { unreadLazyItem } from '../../src/frontends/stream-lazy.js';
import type { Item } from '../../src/engine/types.js';
import { fakeStoreYaml } from '../helpers/fake-store.js';

const stream = `${fakeStoreYaml}---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  x: "1"
`;

function read(): Item[] {
  beginInput();
  const { items, errors } = readManifestsLazily(stream, '<stdin>');
  expect(errors).toEqual([]);
  expect(unreadLazyItem(items[1]!)).toBe(true);
  return items;
}

describe('lazy items', () => {
  it('certainlyLacks answers on its item and on a copy of it, and says "not known" where it cannot tell', () => {
    const item = read()[1]!;
    expect(item.certainlyLacks!('annotations')).toBe(true);
    expect(item.certainlyLacks!('settings')).toBe(false);
    const copy: Item = { ...item };
    expect(copy.certainlyLacks!('annotations')).toBe(true);
    // A copy whose source is a plain copy is no lazy item any more: nothing is known, nothing throws.
    const plain: Item = { ...item, source: { ...(item.source as object) } };
    expect(plain.certainlyLacks!('annotations')).toBe(false);
    const detached = item.certainlyLacks! as unknown as (s: string) => boolean;
    expect(detached('annotations')).toBe(false);
  });

  it('a lazy object refuses to be frozen, sealed or made non-extensible, naming nothing of its own, and reads on', () => {
    const o = read()[1]!.object as Record<string, unknown>;
    for (const f of [Object.freeze, Object.seal, Object.preventExtensions]) {
      expect(() => f(o)).toThrow(TypeError);
      try {
        f(o);
      } catch (e) {
        expect((e as Error).message).not.toMatch(/ctx|loaded|segment|resourceIndex/);
      }
    }
    expect(Reflect.preventExtensions(o)).toBe(false);
    expect(Object.isExtensible(o)).toBe(true);
    expect('from' in o).toBe(false);
    expect((o['metadata'] as { name: string }).name).toBe('settings');
    expect(delete o['data']).toBe(true);
    expect('data' in o).toBe(false);
  });

  it('a lazy source reads as a parsed one: listing it parses nothing, a copy has every field, it refuses changes', () => {
    const items = read();
    const src = items[1]!.source as Record<string, unknown>;
    const parsed = readManifests(stream, '<stdin>').items[1]!.source as Record<string, unknown>;
    expect(Object.keys(src)).toEqual(['kind', 'format', 'origin', 'index', 'resourceIndex', 'member', 'segment', 'group', 'snapshot', 'doc', 'node', 'compactSequences', 'indent']);
    expect(Object.getPrototypeOf(src)).toBe(Object.prototype);
    expect(unreadLazyItem(items[1]!)).toBe(true);
    expect(src['segment']).toEqual(parsed['segment']);
    expect(unreadLazyItem(items[1]!)).toBe(true);
    expect(() => {
      src['index'] = 7;
    }).toThrow(TypeError);
    expect(src['index']).toBe(1);
    const copy = { ...src };
    expect(unreadLazyItem(items[1]!)).toBe(false);
    expect(copy['snapshot']).toBe(parsed['snapshot']);
    expect({ ...copy, doc: undefined, node: undefined }).toEqual({ ...parsed, doc: undefined, node: undefined });
  });

  it('a source read again gives one document, through a wrapper or a derived object too', () => {
    const src = read()[0]!.source as unknown as { doc: unknown };
    const doc = src.doc;
    expect(doc).toBeDefined();
    expect(new Proxy(src, {}).doc).toBe(doc);
    expect((Object.create(src) as { doc: unknown }).doc).toBe(doc);
  });
});
