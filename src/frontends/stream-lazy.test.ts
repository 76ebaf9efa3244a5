// Lazy reading (issue 19) reads what the whole-stream reader reads: the same resources, the same
// segments and positions, the same output for every change a run makes; and it leaves unread what the
// engine never looks at.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifests, readManifestsLazily, replacementFor, writeManifests, streamSourceOf } from './stream.js';
import { lateErrors, unreadLazyItem } from './stream-lazy.js';
import { scanStream } from './stream-scan.js';
import type { Item } from '../engine/types.js';

const corpusDir = path.resolve(__dirname, '../../test/roundtrip');
const corpus = readdirSync(corpusDir)
  .filter((n) => /\.(ya?ml|json)$/.test(n))
  .map((n) => [n, readFileSync(path.join(corpusDir, n), 'utf8')] as const);

// Streams written for the scan's own cases: comments, blank lines, `...`, empty documents, an ESO
// resource among others, no final newline.
const es = `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: db\nspec:\n  secretStoreRef: {name: fake, kind: ClusterSecretStore}\n  data: []\n`;
const cm = (n: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${n} # trailing\n  labels: {a: "1"}\ndata:\n  x: |\n    ---\n    kind: Secret\n`;
const extra: Array<readonly [string, string]> = [
  ['comments', `# head\n\n${cm(1)}# tail\n\n---\n# only a comment\n\n---\n${es}...\n# after the end\n---\n${cm(2)}\n# end\n`],
  ['markers', `---\n${cm(1)}---\n---\n${es}---\n${cm(2)}`],
  ['end-markers', `${cm(1)}...\n${es}...\n---\n${cm(3)}...\n`],
  ['no-final-newline', `${cm(1)}---\n${es}---\napiVersion: v1\nkind: Service`],
  ['quoted', `apiVersion: "v1"\nkind: 'ConfigMap'\nmetadata: {}\ndata: {}\n---\n${es}`],
  ['trailing-empty', `${es}---\n${cm(1)}---\n# c\n---\n`],
];

function view(items: Item[]) {
  return items.map((it) => {
    const s = streamSourceOf(it)!;
    return { object: JSON.stringify(it.object), index: s.index, resourceIndex: s.resourceIndex, member: s.member, segment: s.segment, group: s.group?.segment, format: s.format };
  });
}

describe('lazy reading reads what the whole-stream reader reads', () => {
  const scanned = [...corpus, ...extra].filter(([, t]) => scanStream(t) !== undefined);

  it('the scan decides the plain files of the corpus and gives up on the odd ones', () => {
    const names = scanned.map(([n]) => n);
    for (const n of ['helm-output.yaml', 'kustomize-output.yaml', 'comments-everywhere.yaml', 'document-end-markers.yaml', 'list.yaml', 'kubectl-wide-indent.yaml']) {
      expect(names).toContain(n);
    }
    for (const n of ['bom.yaml', 'crlf.yaml', 'tags-and-directives.yaml', 'object.json', 'flow-style.yaml', 'separator-variants.yaml', 'empty-documents.yaml']) {
      expect(names).not.toContain(n);
    }
  });

  it.each(scanned)('%s: same resources, segments and positions', (_n, text) => {
    const full = readManifests(text, 'f.yaml');
    const lazy = readManifestsLazily(text, 'f.yaml');
    expect(lazy.errors.map(String)).toEqual(full.errors.map(String));
    expect(view(lazy.items)).toEqual(view(full.items));
  });

  it.each(scanned)('%s: same output unchanged, with each resource dropped, replaced or edited', (_n, text) => {
    const full = () => readManifests(text, 'f.yaml').items;
    const lazy = () => readManifestsLazily(text, 'f.yaml').items;
    expect(writeManifests(lazy())).toBe(text === '' ? '' : writeManifests(full()));
    const n = full().length;
    for (let i = 0; i < n; i++) {
      const drop = (items: Item[]) => items.filter((_x, j) => j !== i);
      expect(writeManifests(drop(lazy()))).toBe(writeManifests(drop(full())));
      const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'made' }, data: { k: 'dg==' } };
      const replace = (items: Item[]) => items.map((x, j) => (j === i ? replacementFor(x, secret) : x));
      expect(writeManifests(replace(lazy()))).toBe(writeManifests(replace(full())));
      const edit = (items: Item[]) =>
        items.map((x, j) => (j === i ? { object: { ...x.object, metadata: { ...x.object.metadata, labels: { edited: 'yes' } } }, source: x.source } : x));
      expect(writeManifests(edit(lazy()))).toBe(writeManifests(edit(full())));
    }
  });
});

describe('what lazy reading leaves unread', () => {
  const stream = `${cm(1)}---\n${es}---\n${cm(2)}---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n`;

  it('parses the ESO resources and only answers apiVersion and kind for the others', () => {
    const { items } = readManifestsLazily(stream, 'f.yaml');
    expect(items.map((i) => unreadLazyItem(i))).toEqual([true, false, true, true]);
    expect(items.map((i) => `${i.object.apiVersion} ${i.object.kind}`)).toEqual(['v1 ConfigMap', 'external-secrets.io/v1 ExternalSecret', 'v1 ConfigMap', 'apps/v1 Deployment']);
    expect(items.map((i) => unreadLazyItem(i))).toEqual([true, false, true, true]);
    // Anything else parses the document, which then reads as any other.
    expect(items[2]!.object.metadata?.name).toBe('c2');
    expect(unreadLazyItem(items[2]!)).toBe(false);
    expect(JSON.parse(JSON.stringify(items[2]!.object)).data.x).toBe('---\nkind: Secret\n');
    expect(writeManifests(items)).toBe(stream);
  });

  it('a document that does not parse is an error when the engine reads it, with its place', () => {
    const broken = `${cm(1)}---\n${es}---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: s\n   bad: indentation\n`;
    const { items, errors } = readManifestsLazily(broken, 'f.yaml');
    expect(errors).toEqual([]);
    expect(lateErrors(items)).toEqual([]);
    void items[2]!.object.metadata;
    const late = lateErrors(items);
    expect(late.length).toBeGreaterThan(0);
    expect(late[0]!.message).toMatch(/^f\.yaml, document 2, line 22: /);
    expect(late[0]!.message).not.toContain('indentation');
    // The whole-stream reader reports the same error.
    expect(readManifests(broken, 'f.yaml').errors[0]!.message).toBe(late[0]!.message);
  });
});

describe('the scan gives up on what it cannot read with certainty', () => {
  const head = 'apiVersion: v1\nkind: ConfigMap\n';
  it.each([
    ['a quoted value that goes on', `${head}note: "starts here\nkind: Secret\nends: "\n`],
    ['a flow value that goes on', `${head}data: {a: 1,\nkind: Secret}\n`],
    ['a kind YAML reads as a boolean', 'apiVersion: v1\nkind: true\n'],
    ['a duplicated kind', `${head}kind: Secret\n`],
    ['a tagged kind', 'apiVersion: v1\nkind: !!str Secret\n'],
    ['an aliased top-level value', `${head}data: *x\n`],
    ['an indented root', '  apiVersion: v1\n  kind: ConfigMap\n'],
    ['a sequence root', '- apiVersion: v1\n  kind: ConfigMap\n'],
    ['a `- ` line under a key with a value', `${head}data: x\n- y\n`],
    ['a marker with content', `--- ${head}`],
    ['a directive', `%YAML 1.2\n---\n${head}`],
    ['a document without kind', 'apiVersion: v1\nmetadata: {}\n'],
    ['CRLF', head.replace(/\n/g, '\r\n')],
  ])('%s', (_what, text) => {
    expect(scanStream(text)).toBeUndefined();
  });

  it('and reads the rest as the parser does', () => {
    const text = `# c\n${head}metadata:\n  name: x\nitems:\n- a\n- b: |\n    ---x\n...\n`;
    expect(scanStream(text)).toEqual([{ start: 4, end: text.length, marker: false, closed: true, apiVersion: 'v1', kind: 'ConfigMap' }]);
  });
});
