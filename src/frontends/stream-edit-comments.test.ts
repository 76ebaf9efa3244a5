// An edited resource keeps the comments above it once: the parser holds comments before a `---` as the
// document's own, and the writer also carries them from the original text.
import { describe, expect, it } from 'vitest';
import { parseManifests, writeManifests } from './stream.js';

describe('editing a resource with comments above its document marker', () => {
  it.each([
    ['# top comment\n---\n', 'first'],
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: {name: before}\n---\n# top comment\n---\n', 'second'],
  ])('writes the comment once (%#: %s resource)', (prefix) => {
    const text = `${prefix}apiVersion: v1\nkind: ConfigMap\nmetadata: {name: edited}\ndata:\n  a: "1" # keep\n`;
    const items = parseManifests(text);
    const i = items.findIndex((x) => x.object.metadata?.name === 'edited');
    const edited = structuredClone(items[i]!.object) as any;
    edited.data.b = '2';
    const out = writeManifests(items.map((it, j) => (j === i ? { object: edited, source: it.source } : it)));
    expect(out.split('# top comment').length - 1).toBe(1);
    expect(out).toContain('a: "1" # keep');
    expect(out).toContain('b: "2"');
    expect(parseManifests(out).map((x) => x.object)).toEqual(items.map((x, j) => (j === i ? edited : x.object)));
  });
});
