// Property tests: generated and mutated manifests never crash the engine or the stream reader. Every run
// ends in a correct render or in clean errors that name a resource, and never echoes a store value.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { render } from './render.js';
import { defaultRenderOptions, type Item, type KubeObject } from './types.js';
import { parseManifests, ManifestError } from '../frontends/stream.js';

const SECRET = 'PROP-CANARY-VALUE';
const store: KubeObject = {
  apiVersion: 'external-secrets.io/v1', kind: 'ClusterSecretStore', metadata: { name: 'fake' },
  spec: { provider: { fake: { data: [
    { key: 'json', value: `{"a":"${SECRET}-a","b":{"c":"${SECRET}-c"},"n":1.5}` },
    { key: 'plain', value: `${SECRET}-plain` },
    { key: 'b64', value: Buffer.from(`${SECRET}-b64`).toString('base64') },
    { key: 'v', value: `${SECRET}-v1`, version: 'v1' },
  ] } } },
};

// Anything JSON-like, including the wrong types in every place.
const junk = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 3 }), fc.string({ maxLength: 3 }), { maxKeys: 2 }));
const keyName = fc.constantFrom('json', 'plain', 'b64', 'v', 'missing', '');
const remoteRef = fc.record(
  { key: fc.oneof(keyName, junk), property: fc.constantFrom('a', 'b', 'b.c', 'n', 'nope', 'a\\.b'), version: fc.constantFrom('v1', 'v2'), decodingStrategy: fc.constantFrom('None', 'Base64', 'Auto', 'Bogus'), conversionStrategy: fc.constantFrom('Default', 'Unicode') },
  { requiredKeys: ['key'] },
);
const dataEntry = fc.record({ secretKey: fc.oneof(fc.constantFrom('k1', 'k2', 'a.b', 'bad key'), junk), remoteRef: fc.oneof(remoteRef, junk) }, { requiredKeys: ['secretKey', 'remoteRef'] });
const dataFromEntry = fc.oneof(
  fc.record({ extract: remoteRef }),
  fc.record({ find: fc.record({ name: fc.record({ regexp: fc.constantFrom('.*', '^j', '(', 'x') }) }) }),
  fc.record({ extract: remoteRef, rewrite: fc.array(fc.oneof(
    fc.record({ regexp: fc.record({ source: fc.constantFrom('^(.*)$', 'a', '['), target: fc.constantFrom('p_$1', '${1}x', '') }) }),
    fc.record({ transform: fc.record({ template: fc.constantFrom('{{ .value | upper }}', '{{ .value', 'x-{{ .value }}') }) }),
    fc.record({ merge: fc.record({ strategy: fc.constantFrom('Extract', 'JSON'), into: fc.constantFrom('m', '') }) }),
  ), { maxLength: 2 }) }),
  junk,
);
const template = fc.record({
  data: fc.dictionary(fc.constantFrom('t1', 't2'), fc.constantFrom('{{ .k1 }}', '{{ .missing }}', '{{ .k1 | b64enc }}', '{{ range $k, $v := . }}{{ $k }}{{ end }}', '{{ ', '{{ printf "%d" .k1 }}', '{{ .k1 | fail }}')),
  type: fc.constantFrom('Opaque', 'kubernetes.io/tls', 'bootstrap.kubernetes.io/token'),
  mergePolicy: fc.constantFrom('Replace', 'Merge', 'Other'),
}, { requiredKeys: [] });
const externalSecret = fc.record({
  name: fc.constantFrom('a', 'b', 'c'),
  namespace: fc.constantFrom('ns1', 'ns2'),
  spec: fc.record({
    secretStoreRef: fc.oneof(fc.constant({ kind: 'ClusterSecretStore', name: 'fake' }), fc.constant({ name: 'fake' }), junk),
    target: fc.oneof(fc.record({ creationPolicy: fc.constantFrom('Owner', 'Orphan', 'Merge', 'None', 'Bad'), deletionPolicy: fc.constantFrom('Retain', 'Delete', 'Merge'), template, immutable: fc.boolean() }, { requiredKeys: [] }), junk),
    data: fc.oneof(fc.array(dataEntry, { maxLength: 3 }), junk),
    dataFrom: fc.oneof(fc.array(dataFromEntry, { maxLength: 2 }), junk),
  }, { requiredKeys: [] }),
});

function toItems(ess: { name: string; namespace: string; spec: unknown }[]): Item[] {
  return [{ object: store }, ...ess.map((e, i) => ({ object: { apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: { name: `${e.name}${i}`, namespace: e.namespace }, spec: e.spec } as KubeObject }))];
}

describe('render never crashes on generated ExternalSecrets', () => {
  it('ends in a render with one Secret per ExternalSecret (at most) or in errors naming resources, without leaking values', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(externalSecret, { minLength: 1, maxLength: 4 }), async (ess) => {
        const out = await render(toItems(ess), { ...defaultRenderOptions, deadlineMs: 5_000 });
        const messages = JSON.stringify(out.results);
        expect(messages).not.toContain(SECRET);
        if (out.ok) {
          expect(out.items.filter((i) => i.object.kind === 'ExternalSecret')).toHaveLength(0);
          expect(out.items.filter((i) => i.object.kind === 'Secret').length).toBeLessThanOrEqual(ess.length);
        } else {
          const errors = out.results.filter((r) => r.severity === 'error');
          expect(errors.length).toBeGreaterThan(0);
          for (const e of errors) expect(e.resourceRef?.kind).toMatch(/ExternalSecret|ClusterSecretStore/);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the stream reader never throws anything but a ManifestError', () => {
  const base = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x # c\ndata:\n  a: "1"\n  b: [1, 2]\n---\n{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"}}]}\n';
  it('on random mutations of a valid stream', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(base.length), fc.nat(6), fc.string({ maxLength: 4, unit: 'binary' })), { maxLength: 4 }), (edits) => {
        let text = base;
        for (const [at, del, ins] of edits) text = text.slice(0, at) + ins + text.slice(at + del);
        try {
          const items = parseManifests(text, 'mutated.yaml');
          for (const i of items) expect(typeof i.object).toBe('object');
        } catch (e) {
          expect(e).toBeInstanceOf(ManifestError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
