// stringifyObject prints objects of simple strings directly, without a yaml Document and without the
// read-back check (speed-ups found by the benchmark: for 10,000 generated Secrets those two steps cost
// more than everything else the engine does). This proves both are exact: for any such object,
// ambiguous spellings, empty and nested collections included, the text is the one the Document path
// prints, it reads back as the very same object, and no string is left plain where a YAML 1.1 reader
// would misread it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Document, parse, parseDocument, Scalar, visit } from 'yaml';
import { isAmbiguousPlain, quoteAmbiguous, stringifyObject, withOrderedMaps, writeOptions } from './yaml-quote.js';

const alphabet = 'abcxyzABCXYZ0123456789_./=+-eEoOxXbB'.split('');
// Spellings that read as something else when plain, all within the simple alphabet.
const tricky = ['1e3', '0x1F', '0o17', '0755', '1_000', '123', '0', 'true', 'False', 'y', 'N', 'yes', 'on', 'OFF', 'null', 'NULL', '2024-01-01', '1e+5', '0b101', '1.5', '1.', '6.02e23', 'e7'];
const simple = fc.oneof(
  fc.constantFrom(...tricky),
  fc
    .tuple(fc.constantFrom(...alphabet.filter((c) => /[A-Za-z0-9_]/.test(c))), fc.array(fc.constantFrom(...alphabet), { maxLength: 12 }))
    .map(([h, t]) => h + t.join('')),
);
const leaf = fc.oneof(simple, fc.boolean(), fc.integer({ min: -1e6, max: 1e6 }));
const tree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: 'small' }, leaf, leaf, fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(simple, tie('node'), { maxKeys: 5 })),
})).node;

describe('stringifyObject on objects of simple strings', () => {
  it('prints exactly what the Document path prints', () => {
    fc.assert(
      fc.property(fc.dictionary(simple, tree, { maxKeys: 6 }), (obj) => {
        // Maps with integer-like keys print in byte order on both paths (yaml-key-order.test.ts).
        const doc = new Document(withOrderedMaps(obj), { version: '1.2', schema: 'core', keepUndefined: false });
        quoteAmbiguous(doc);
        expect(stringifyObject(obj)).toBe(doc.toString(writeOptions));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads back as the same object, with every ambiguous string quoted', () => {
    fc.assert(
      fc.property(fc.dictionary(simple, tree, { maxKeys: 6 }), (obj) => {
        const text = stringifyObject(obj);
        expect(parse(text, { version: '1.2', schema: 'core' }) ?? {}).toEqual(obj);
        visit(parseDocument(text), {
          Scalar(_k, n) {
            if (typeof n.value === 'string' && isAmbiguousPlain(n.value)) expect(n.type).toBe(Scalar.QUOTE_DOUBLE);
          },
        });
      }),
      { numRuns: 2000 },
    );
  });

  it('prints a generated Secret as before', () => {
    const secret = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'apps', labels: { 'reconcile.external-secrets.io/managed': 'true' }, annotations: { 'eso-render.dev/external-secret': 'apps/db' } },
      immutable: true,
      type: 'Opaque',
      data: { password: 'cHctMC1ob3JzZS1iYXR0ZXJ5', port: 'NTQzMg==' },
    };
    expect(stringifyObject(secret)).toBe(
      [
        'apiVersion: v1',
        'kind: Secret',
        'metadata:',
        '  name: db',
        '  namespace: apps',
        '  labels:',
        '    reconcile.external-secrets.io/managed: "true"',
        '  annotations:',
        '    eso-render.dev/external-secret: apps/db',
        'immutable: true',
        'type: Opaque',
        'data:',
        '  password: cHctMC1ob3JzZS1iYXR0ZXJ5',
        '  port: NTQzMg==',
        '',
      ].join('\n'),
    );
  });
});
