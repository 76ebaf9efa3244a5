import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Item, KubeObject } from '../engine/types.js';
import {
  asYamlStream,
  assertNestingWithinLimit,
  isUntouched,
  replacementFor,
  sourceFile,
  ManifestError,
  parseManifests,
  parseManifestsLazily,
  readManifests,
  stringifyObject,
  withoutAnnotations,
  writeManifests,
  writeYamlStreamChunks,
} from './stream.js';

// A value that stands for secret material: no error message may contain it, or any other input text.
const SECRET = 'c3VwZXJzZWNyZXQtdmFsdWU';

const names = (items: Item[]) => items.map((i) => i.object.metadata?.name ?? i.object.kind);

describe('parseManifests: the forms a stream can take', () => {
  it('reads a multi-document YAML stream and skips empty documents', () => {
    const text = '# c\n---\n---\napiVersion: v1\nkind: A\nmetadata: {name: a}\n...\n---\n~\n---\napiVersion: v1\nkind: B\n';
    expect(names(parseManifests(text))).toEqual(['a', 'B']);
  });

  it('reads a single JSON object, a JSON array and a JSON List', () => {
    expect(names(parseManifests('{"apiVersion":"v1","kind":"A","metadata":{"name":"x"}}'))).toEqual(['x']);
    expect(names(parseManifests('[{"apiVersion":"v1","kind":"A"},{"apiVersion":"v1","kind":"B"}]'))).toEqual(['A', 'B']);
    expect(names(parseManifests('{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"C"}]}'))).toEqual(['C']);
  });

  it('expands `kind: List` and `<Kind>List` but leaves a KRM ResourceList whole', () => {
    expect(names(parseManifests('apiVersion: v1\nkind: SecretList\nitems:\n- {apiVersion: v1, kind: Secret}\n'))).toEqual([
      'Secret',
    ]);
    expect(names(parseManifests('apiVersion: v1\nkind: List\nitems: []\n'))).toEqual([]);
    const rl = parseManifests('apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n');
    expect(rl.map((i) => i.object.kind)).toEqual(['ResourceList']);
  });

  it('a `%YAML 1.1` directive changes nothing in how values are read', () => {
    const [item] = parseManifests('%YAML 1.1\n---\napiVersion: v1\nkind: A\nx: on\nm: 0755\nd: 2024-01-01\n');
    expect(item!.object).toMatchObject({ x: 'on', m: 493, d: '2024-01-01' });
  });

  it('gives each alias its own copy, so editing one place does not edit another', () => {
    const [item] = parseManifests('apiVersion: v1\nkind: A\nmetadata:\n  labels: &l {a: "1"}\nspec:\n  selector: *l\n');
    const o = item!.object as { metadata: { labels: Record<string, string> }; spec: { selector: Record<string, string> } };
    expect(o.spec.selector).toEqual({ a: '1' });
    o.metadata.labels.b = '2';
    expect(o.spec.selector).toEqual({ a: '1' });
    expect(parseManifests(writeManifests([item!]))[0]!.object).toEqual(o);
  });

  it('keeps a `__proto__` key as data', () => {
    const [item] = parseManifests('apiVersion: v1\nkind: A\nx: &x {__proto__: {polluted: "yes"}}\ny: *x\n');
    expect(Object.keys(item!.object.y as object)).toEqual(['__proto__']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('accepts bytes and keeps a BOM out of the values', () => {
    const bytes = new TextEncoder().encode('\ufeffapiVersion: v1\nkind: A\n');
    expect(parseManifests(bytes)[0]!.object).toEqual({ apiVersion: 'v1', kind: 'A' });
  });

  it('reads like kyaml: `on`/`yes` stay strings, `0755` is octal, merge keys apply', () => {
    const [item] = parseManifests(
      'apiVersion: v1\nkind: A\nbase: &b {x: 1}\ndata:\n  <<: *b\n  flag: on\n  yes: yes\n  mode: 0755\n  date: 2024-01-01\n',
    );
    expect(item!.object.data).toEqual({ x: 1, flag: 'on', yes: 'yes', mode: 493, date: '2024-01-01' });
  });
});

describe('parseManifests: errors name the place, never the content', () => {
  const bomb =
    `apiVersion: v1\nkind: Secret\na: &a ["${SECRET}","${SECRET}"]\n` +
    ['b', 'c', 'd', 'e', 'f']
      .map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcde'[i]}`).join(',')}]`)
      .join('\n') +
    '\n';
  const cases: Array<{ name: string; input: string | Uint8Array; index?: number; line?: number; item?: number; reason: RegExp }> = [
    {
      name: 'malformed YAML (bad indentation)',
      input: `apiVersion: v1\nkind: Secret\ndata:\n  a: ${SECRET}\n    b: ${SECRET}\n`,
      index: 0,
      line: 4,
      reason: /invalid YAML/,
    },
    {
      name: 'malformed YAML (unclosed quote) in the second document',
      input: `apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: Secret\nstringData:\n  a: "${SECRET}\n`,
      index: 1,
      line: 8, // where the parser noticed: the end of the input
      reason: /invalid YAML: a closing quote/,
    },
    {
      name: 'malformed JSON',
      input: `{"apiVersion": "v1", "kind": "Secret", "data": {"k": "${SECRET}"`,
      index: 0,
      line: 1,
      reason: /invalid YAML/,
    },
    {
      name: 'duplicate keys',
      input: `apiVersion: v1\nkind: Secret\nstringData:\n  k: ${SECRET}\n  k: ${SECRET}\n`,
      index: 0,
      line: 5,
      reason: /duplicate mapping key/,
    },
    {
      name: 'duplicate keys in JSON',
      input: `{"apiVersion": "v1", "kind": "Secret", "stringData": {"k": "${SECRET}", "k": "x"}}`,
      index: 0,
      reason: /duplicate mapping key/,
    },
    {
      name: 'non-UTF-8 bytes',
      input: new Uint8Array([...new TextEncoder().encode(`apiVersion: v1\nkind: Secret\nstringData:\n  a: ${SECRET}`), 0xc3, 0x28, 0x0a]),
      line: 4,
      reason: /not valid UTF-8/,
    },
    {
      name: 'UTF-16 bytes',
      input: new Uint8Array([0xff, 0xfe, ...[...`kind: ${SECRET}`].flatMap((c) => [c.charCodeAt(0), 0])]),
      reason: /UTF-16/,
    },
    { name: 'an alias bomb', input: bomb, index: 0, reason: /alias expansion exceeds the limit/ },
    {
      name: 'an alias without its anchor',
      input: `apiVersion: v1\nkind: Secret\nstringData:\n  a: *${SECRET}\n`,
      index: 0,
      reason: /alias/,
    },
    {
      name: 'deep flow nesting',
      input: `apiVersion: v1\nkind: ConfigMap\ndata: ${'['.repeat(300)}${SECRET}${']'.repeat(300)}\n`,
      index: 0,
      reason: /nesting deeper than 200/,
    },
    {
      name: 'deep block nesting',
      input:
        'apiVersion: v1\nkind: ConfigMap\ndata:\n' +
        Array.from({ length: 250 }, (_, i) => `${' '.repeat(i + 1)}k:`).join('\n') +
        ` ${SECRET}\n`,
      index: 0,
      reason: /nesting deeper than 200/,
    },
    {
      name: 'very deep flow nesting (would overflow the composer\'s stack)',
      input: `apiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: ConfigMap\ndata: ${'['.repeat(50_000)}${']'.repeat(50_000)}\n`,
      index: 1,
      line: 3, // where the document starts
      reason: /nesting deeper than 200/,
    },
    {
      name: 'deep nesting reached through aliases',
      input: `apiVersion: v1\nkind: ConfigMap\nd: &d ${'['.repeat(150)}${SECRET}${']'.repeat(150)}\ne: ${'['.repeat(150)}*d${']'.repeat(150)}\n`,
      index: 0,
      reason: /nesting deeper than 200 levels once aliases are expanded/,
    },
    { name: 'a scalar document', input: `apiVersion: v1\nkind: A\n---\n${SECRET}\n`, index: 1, line: 4, reason: /not a mapping/ },
    { name: 'a YAML sequence document', input: `- apiVersion: v1\n  kind: ${SECRET}\n`, index: 0, line: 1, reason: /sequence, not a mapping/ },
    { name: 'no apiVersion', input: `kind: Secret\nstringData:\n  a: ${SECRET}\n`, index: 0, line: 1, reason: /no apiVersion/ },
    { name: 'no kind', input: `---\napiVersion: v1\nmetadata: {name: ${SECRET}}\n`, index: 0, line: 2, reason: /no kind/ },
    { name: 'a kind that is not a string', input: `apiVersion: v1\nkind: [${SECRET}]\n`, index: 0, reason: /kind is not a non-empty string/ },
    {
      name: 'a List member that is not a resource',
      input: `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: A\n- ${SECRET}\n`,
      index: 0,
      item: 1,
      line: 6,
      reason: /list item is a string scalar/,
    },
    {
      name: 'a tab used for indentation',
      input: `apiVersion: v1\nkind: Secret\nstringData:\n\ta: ${SECRET}\n`,
      index: 0,
      line: 4,
      reason: /tab character/,
    },
  ];

  it.each(cases)('$name', ({ input, index, line, item, reason }) => {
    let caught: unknown;
    try {
      parseManifests(input, 'apps/secrets.yaml');
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ManifestError);
    const err = caught as ManifestError;
    expect(err.file).toBe('apps/secrets.yaml');
    expect(err.message.startsWith('apps/secrets.yaml')).toBe(true);
    if (index !== undefined) {
      expect(err.index).toBe(index);
      expect(err.message).toContain(`document ${index}`);
    }
    if (line !== undefined) {
      expect(err.line).toBe(line);
      expect(err.message).toContain(`line ${line}`);
    }
    if (item !== undefined) expect(err.item).toBe(item);
    expect(err.reason).toMatch(reason);
    // No content: neither the secret nor any fragment of the input's lines.
    expect(err.message).not.toContain(SECRET);
    expect(err.message).not.toContain(SECRET.slice(0, 8));
    const text = typeof input === 'string' ? input : new TextDecoder().decode(input);
    for (const l of text.split('\n').filter((l) => l.trim().length > 6)) expect(err.message).not.toContain(l.trim());
  });

  it('remembers where each item came from, for results', () => {
    // Empty documents do not count, List members count one each (as kyaml's index annotation).
    const items = parseManifests(
      '---\n---\napiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: List\nitems: [{apiVersion: v1, kind: B}, {apiVersion: v1, kind: C}]\n',
      'dir/f.yaml',
    );
    expect(items.map(sourceFile)).toEqual([
      { path: 'dir/f.yaml', index: 0 },
      { path: 'dir/f.yaml', index: 1 },
      { path: 'dir/f.yaml', index: 2 },
    ]);
    expect(sourceFile({ object: { kind: 'X' } })).toBeUndefined();
  });

  it('assertNestingWithinLimit guards front ends that compose YAML themselves', () => {
    expect(() => assertNestingWithinLimit(`a: 1\n---\nb: ${'['.repeat(300)}${']'.repeat(300)}\n`, 'stdin')).toThrow(
      /^stdin, document 1, line 2: nesting deeper than 200 levels$/,
    );
    expect(() => assertNestingWithinLimit(`b: ${'['.repeat(100)}${']'.repeat(100)}\n`)).not.toThrow();
  });

  it('readManifests reports every error of a stream, each with its document index', () => {
    const { items, errors } = readManifests(`kind: A\n---\napiVersion: v1\nkind: B\n---\napiVersion: v1\n`, 'f.yaml');
    expect(items).toEqual([]);
    expect(errors.map((e) => [e.index, e.reason])).toEqual([
      [0, 'the resource has no apiVersion'],
      [2, 'the resource has no kind'],
    ]);
    expect(() => parseManifests(`kind: A\n---\napiVersion: v1\n`, 'f.yaml')).toThrow(/and 1 more error/);
  });

  it('names an anonymous stream', () => {
    expect(() => parseManifests('kind: A\n')).toThrow(/^<stream>, document 0, line 1: the resource has no apiVersion$/);
  });
});

describe('writeManifests', () => {
  const text = [
    '# The app',
    'apiVersion: v1',
    'kind: ConfigMap',
    'metadata:',
    '  name: cfg # the name',
    '  annotations:',
    '    config.kubernetes.io/index: \'0\'',
    '    argocd.argoproj.io/sync-wave: "1"',
    '    keep: me',
    'data:',
    '  mode: 0755',
    '  flag: on',
    '  hex: 0x1F',
    '  text: |-',
    '    keep',
    '    chomping',
    '---',
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    '  name: s',
    '',
  ].join('\n');

  it('writes untouched items as their original text, even when the engine copied the object', () => {
    const items = parseManifests(text, 'f.yaml');
    const copies = items.map((i) => ({ ...i, object: structuredClone(i.object) }));
    expect(isUntouched(copies[0]!)).toBe(true);
    expect(writeManifests(copies)).toBe(text);
  });

  it('an edited item keeps comments and the spelling of what did not change', () => {
    const [cfg] = parseManifests(text, 'f.yaml');
    const object = structuredClone(cfg!.object);
    (object.data as Record<string, unknown>).added = 'yes';
    object.metadata!.labels = { on: 'true' };
    const out = writeManifests([{ ...cfg!, object }]);
    expect(isUntouched({ ...cfg!, object })).toBe(false);
    for (const kept of ['# The app', 'name: cfg # the name', "config.kubernetes.io/index: '0'", 'mode: 0755', 'flag: on', 'hex: 0x1F', 'text: |-']) {
      expect(out).toContain(kept);
    }
    expect(out).toContain('added: "yes"');
    expect(out).toContain('"on": "true"');
    expect(parseManifests(out)[0]!.object).toEqual(object);
  });

  it('an edited item keeps the comments above its `---` too', () => {
    const items = parseManifests('apiVersion: v1\nkind: A\n---\n# above the separator\n---\n# below it\napiVersion: v1\nkind: B\n');
    const object = { ...items[1]!.object, metadata: { name: 'b' } };
    expect(writeManifests([items[0]!, { ...items[1]!, object }])).toBe(
      'apiVersion: v1\nkind: A\n---\n# above the separator\n# below it\napiVersion: v1\nkind: B\nmetadata:\n  name: b\n',
    );
  });

  it('new objects are separated by `---` and printed with 1.1-safe quoting', () => {
    const items = parseManifests(text);
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'new' }, stringData: { a: 'on' } };
    const out = writeManifests([items[1]!, { object: secret }]);
    expect(out).toBe('apiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n---\n' + stringifyObject(secret));
    expect(stringifyObject(secret)).toContain('a: "on"');
  });

  it('a resource moved to the front loses its bare leading `---`; the first one keeps it', () => {
    const stream = '---\napiVersion: v1\nkind: A\n---\napiVersion: v1\nkind: B\n';
    const items = parseManifests(stream);
    expect(writeManifests(items)).toBe(stream);
    expect(writeManifests([items[1]!, items[0]!])).toBe('apiVersion: v1\nkind: B\n---\napiVersion: v1\nkind: A\n');
  });

  it('a stream without resources is written as nothing', () => {
    expect(writeManifests(parseManifests('# only a comment\n---\n'))).toBe('');
  });

  it('JSON that changed is written as YAML', () => {
    const [item] = parseManifests('{"apiVersion":"v1","kind":"A","metadata":{"name":"x"}}');
    const object = { ...item!.object, metadata: { name: 'web' } };
    expect(writeManifests([{ ...item!, object }])).toBe('apiVersion: v1\nkind: A\nmetadata:\n  name: web\n');
  });
});

describe('replacementFor', () => {
  it('prints the new object under the comments that stood above the resource it replaces', () => {
    const text = 'apiVersion: v1\nkind: A\n---\n# Source: chart/templates/es.yaml\r\n--- # sep\n# about it\napiVersion: external-secrets.io/v1\nkind: ExternalSecret # inline\n# inside\nmetadata: {name: db}\n';
    const [a, es] = parseManifests(text);
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'db' } };
    expect(writeManifests([a!, replacementFor(es!, secret)])).toBe(
      'apiVersion: v1\nkind: A\n---\n# Source: chart/templates/es.yaml\n# sep\n# about it\n' + stringifyObject(secret),
    );
  });

  it('adds nothing when there were no comments, or no source', () => {
    const [es] = parseManifests('apiVersion: v1\nkind: ExternalSecret\n');
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret' };
    expect(replacementFor(es!, secret)).toEqual({ object: secret });
    expect(replacementFor({ object: { kind: 'X' } }, secret)).toEqual({ object: secret });
  });
});

describe('withoutAnnotations', () => {
  const text = [
    'apiVersion: apps/v1 # keep this comment',
    'kind: Deployment',
    'metadata:',
    '  name: web',
    '  annotations:',
    '    # about the wave',
    '    argocd.argoproj.io/sync-wave: "1"',
    '    config.kubernetes.io/index: \'0\'',
    '    internal.config.kubernetes.io/path: web.yaml',
    'spec:',
    '  replicas: 0x2',
    '  template:',
    '    spec:',
    '      containers:',
    '      - name: app # inline',
    '        image: nginx',
    '',
  ].join('\n');
  const orchestrator = (k: string) => k.startsWith('config.kubernetes.io/') || k.startsWith('internal.config.kubernetes.io/');

  it('drops the selected annotations and keeps comments, spelling and layout elsewhere', () => {
    const [item] = parseManifests(text, 'web.yaml');
    const stripped = withoutAnnotations(item!, orchestrator);
    expect(stripped.object.metadata?.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '1' });
    expect(item!.object.metadata?.annotations).toHaveProperty(['config.kubernetes.io/index']);
    const out = writeManifests([stripped]);
    expect(out).toBe(
      [
        'apiVersion: apps/v1 # keep this comment',
        'kind: Deployment',
        'metadata:',
        '  name: web',
        '  annotations:',
        '    # about the wave',
        '    argocd.argoproj.io/sync-wave: "1"',
        'spec:',
        '  replicas: 0x2',
        '  template:',
        '    spec:',
        '      containers:',
        '      - name: app # inline',
        '        image: nginx',
        '',
      ].join('\n'),
    );
  });

  it('removes the annotations key when nothing is left, and returns the same item when nothing matches', () => {
    const [item] = parseManifests(text);
    const none = withoutAnnotations(item!, () => true);
    expect(none.object.metadata).toEqual({ name: 'web' });
    expect(writeManifests([none])).not.toContain('annotations');
    expect(withoutAnnotations(item!, () => false)).toBe(item);
  });

  it('works on items without a source', () => {
    const item: Item = { object: { apiVersion: 'v1', kind: 'A', metadata: { name: 'a', annotations: { x: '1', y: '2' } } } };
    const out = writeManifests([withoutAnnotations(item, (k) => k === 'x')]);
    expect(parse(out)).toEqual({ apiVersion: 'v1', kind: 'A', metadata: { name: 'a', annotations: { y: '2' } } });
  });
});

describe('concatenated JSON (as kubectl accepts it)', () => {
  it('reads each value as a document and writes a valid YAML stream that keeps each JSON text', () => {
    const text = '{"apiVersion":"v1","kind":"A"}\n{"apiVersion":"v1","kind":"B"} [{"apiVersion":"v1","kind":"C"},{"apiVersion":"v1","kind":"D"}]\n';
    const items = parseManifests(text, 'f.json');
    expect(names(items)).toEqual(['A', 'B', 'C', 'D']);
    const out = writeManifests(items);
    expect(out).toBe(
      '{"apiVersion":"v1","kind":"A"}\n---\n{"apiVersion":"v1","kind":"B"} \n---\n[{"apiVersion":"v1","kind":"C"},{"apiVersion":"v1","kind":"D"}]\n',
    );
    expect(parseManifests(out).map((i) => i.object)).toEqual(items.map((i) => i.object));
  });

  it('reports a bad value in the stream with its position', () => {
    expect(() => parseManifests('{"apiVersion":"v1","kind":"A"}\n{"apiVersion":"v1"}\n', 'f.json')).toThrow(
      /^f\.json, document 1, line 2: the resource has no kind$/,
    );
  });
});

describe('writeYamlStreamChunks (the stream written in pieces, issue 19)', () => {
  const configMap = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\ndata:\n  k: "${'v'.repeat(i % 97)}"\n`;
  const yamlStream = Array.from({ length: 900 }, (_, i) => `---\n# ${i}\n${configMap(i)}`).join('');
  const jsonStream = Array.from({ length: 900 }, (_, i) => JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `cm-${i}` } })).join('\n');

  it.each([
    ['a YAML stream', yamlStream],
    ['a stream of JSON documents (asYamlStream adds its ---)', jsonStream],
    ['a stream of one document', configMap(3)],
  ])('%s: the pieces join to exactly what writeManifests writes', (_name, text) => {
    const items = parseManifestsLazily(text);
    const whole = asYamlStream(writeManifests(items));
    const chunks = writeYamlStreamChunks(items, 4096);
    expect(chunks.join('')).toBe(whole);
    if (text === yamlStream) {
      expect(chunks.length).toBeGreaterThan(10);
      // Each piece stops at the first part that takes it to the size: never much more than that.
      for (const c of chunks) expect(c.length).toBeLessThan(4096 + 200);
    }
  });

  it('writes nothing for no items', () => {
    expect(writeYamlStreamChunks([]).join('')).toBe(asYamlStream(writeManifests([])));
  });

  it('writes runs of unread documents as slices of the input, cut after a newline or between characters, never inside one', () => {
    // A long line of astral characters (two UTF-16 units each), so that a cut must fall inside the line.
    const long = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: long\ndata:\n  k: "x${'\u{1F600}'.repeat(5000)}"\n`;
    const text = `${yamlStream}---\n${long}${yamlStream.replace(/cm-/g, 'again-')}`;
    const items = parseManifestsLazily(text);
    // One resource in the middle replaced: the runs before and after it are written around it.
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'made' }, data: { k: 'dg==' } };
    for (const list of [items, items.map((x, j) => (j === 450 ? replacementFor(x, secret) : x))]) {
      const whole = asYamlStream(writeManifests(list));
      const chunks = writeYamlStreamChunks(list, 4096);
      expect(chunks.join('')).toBe(whole);
      for (const c of chunks) {
        expect(c.length).toBeLessThan(4096 + 200);
        expect(c.charCodeAt(c.length - 1) >= 0xd800 && c.charCodeAt(c.length - 1) <= 0xdbff).toBe(false);
        expect(Buffer.from(c, 'utf8').toString('utf8')).toBe(c);
      }
    }
  });
});
