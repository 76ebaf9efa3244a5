import { describe, expect, it } from 'vitest';
import { parseManifests, stringifyObject, writeManifests } from './stream.js';

describe('parse and write', () => {
  it('round-trips a commented multi-document stream byte for byte', () => {
    const text =
      '# lead\n---\napiVersion: v1 # c\nkind: ConfigMap\ndata:\n  mode: 0755\n  flag: on\n...\n---\napiVersion: v1\nkind: B\n';
    const items = parseManifests(text, 'f.yaml');
    expect(items.map((i) => i.object.kind)).toEqual(['ConfigMap', 'B']);
    expect(items[0]!.object).toMatchObject({ data: { mode: 493, flag: 'on' } });
    expect(writeManifests(items)).toBe(text);
  });

  it('writes a new object with YAML 1.1-safe quoting', () => {
    const out = stringifyObject({ apiVersion: 'v1', kind: 'Secret', stringData: { on: 'yes', m: '0755' } });
    expect(out).toBe('apiVersion: v1\nkind: Secret\nstringData:\n  "on": "yes"\n  m: "0755"\n');
  });
});
