// Differential test of the webhook provider's Go-defined parts against Go 1.19 (Debian's golang-go):
// test/webhook-reference/main.go runs ESO v2.9.0's extractSecretData (data[] with a jsonPath result),
// GetSecretMap after the jsonPath step with esutils.GetByteValue (dataFrom.extract), and text/template
// over ESO's map[string]map[string]string template data with the default missingkey. The PaesslerAG
// jsonpath step itself is not packaged by Debian (src/providers/webhook/jsonpath.test.ts has its cases).
// A reference that cannot be built fails this file.
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import { executeTemplateNested, TemplateError } from '../src/template/index.js';
import { parseGoJson, JsonSyntaxError } from '../src/providers/shared/go-json.js';
import { extractSecretData, objectToSecretMap } from '../src/providers/webhook/webhook.js';
import { buildGoReference, ensureGoPackages, type GoReference } from './helpers/go-ref.js';

const DATA = { remoteRef: { key: 'db/main', version: '', property: 'password', namespace: 'apps' }, auth: { token: 't0k', 'user-name': 'svc' } };
const TEMPLATES = [
  '{{ .remoteRef.key }}',
  '{{ .remoteRef.nope }}',
  '{{ .nope.x }}',
  '{{ .auth }}',
  '{{ index .auth "user-name" }}',
  '{{ .remoteRef.version }}|{{ .remoteRef.property }}',
  '{{ len .remoteRef }}',
  '{{ range $k, $v := .auth }}{{ $k }}={{ $v }};{{ end }}',
  '{{ if .remoteRef.version }}v{{ else }}latest{{ end }}',
  '{{ .auth.token.x }}',
  '{{ .remoteRef.key | printf "%q" }}',
  '{{ printf "%s-%s" .remoteRef.namespace .remoteRef.key }}',
  '{{ .remoteRef }}',
  '{{ with .missing }}x{{ end }}y',
];
const BODIES = [
  '"plain"', '1.5', '2.5', '-0.3', '12345678901', '1e21', '0.000001', 'true', 'null', '[]', '[[3.5]]', '["a","b"]',
  '{"b":1,"a":"<x>"}', '{"s":"str","n":1.5,"big":12345678901,"t":true,"nul":null,"o":{"z":1},"l":[1,"a"]}',
  '"{\\"k\\":\\"v\\",\\"n\\":2}"', '"not json"', '[{"a":1}]', '{}', '{"e":"\\u00e9\\n\\u2028","amp":"a&b"}', '{"f":1e-7,"g":100000,"h":-0.0}', 'not json',
];

let ref: GoReference | undefined;
afterAll(() => ref?.cleanup());

const nested = () => new Map(Object.entries(DATA).map(([k, m]) => [k, new Map(Object.entries(m).map(([ik, v]) => [ik, Buffer.from(v)]))]));

it('templates, extractSecretData and GetSecretMap match Go', () => {
  ensureGoPackages({});
  ref = buildGoReference(fileURLToPath(new URL('./webhook-reference', import.meta.url)), 'webhookref');
  const go = ref.run({ data: DATA, templates: TEMPLATES, bodies: BODIES }) as Record<'templates' | 'values' | 'maps', { ok: boolean; value?: string; map?: Record<string, string>; err?: string }[]>;

  const ours = TEMPLATES.map((t) => {
    try {
      return { ok: true, value: Buffer.from(executeTemplateNested('webhooktemplate', t, nested(), { leftDelim: '{{', rightDelim: '}}', missingKey: 'default', origin: 'webhooktemplate' })).toString() };
    } catch (e) {
      if (e instanceof TemplateError) return { ok: false, err: e.message };
      throw e;
    }
  });
  expect(ours).toEqual(go.templates.map((r) => (r.ok ? { ok: true, value: r.value ?? '' } : { ok: false, err: r.err })));

  const fail = (m: string) => new Error(m);
  const parse = (text: Buffer, what: string) => {
    try {
      return parseGoJson(text.toString('utf8'), 'float');
    } catch (e) {
      if (e instanceof JsonSyntaxError) throw new Error(what);
      throw e;
    }
  };
  BODIES.forEach((body, i) => {
    const v = go.values[i]!;
    let doc;
    try {
      doc = parse(Buffer.from(body), 'failed to parse response json');
    } catch (e) {
      expect({ body, err: (e as Error).message }).toEqual({ body, err: v.err });
      expect(go.maps[i]!.err).toBe('failed to parse response json');
      return;
    }
    if (v.ok) expect({ body, value: Buffer.from(extractSecretData(doc, fail)).toString() }).toEqual({ body, value: v.value ?? '' });
    else expect(() => extractSecretData(doc, fail), body).toThrow(v.err!);
    const m = go.maps[i]!;
    if (m.ok) expect({ body, map: Object.fromEntries([...objectToSecretMap(doc, parse, fail)].map(([k, x]) => [k, Buffer.from(x).toString()])) }).toEqual({ body, map: m.map ?? {} });
    else expect(() => objectToSecretMap(doc, parse, fail), body).toThrow(m.err!);
  });
});
