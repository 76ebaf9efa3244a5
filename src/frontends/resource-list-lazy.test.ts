// Reading a ResourceList lazily (issue 19) gives what the whole-document reader gives: the same envelope,
// items, sources and output (unchanged, and with each item dropped, replaced or edited), on every
// ResourceList the repo's tests use, kpt's own output and the round-trip streams wrapped as ResourceLists;
// it falls back to the whole reader on what its line split cannot read with certainty.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Item } from '../engine/types.js';
import { lateResourceListError, NotAResourceListError, parseResourceList, parseResourceListLazily, writeResourceList, type ResourceListIn } from './resource-list.js';
import { splitResourceList } from './resource-list-split.js';
import { readManifests, replacementFor, streamSourceOf } from './stream.js';
import { unreadLazyItem } from './stream-lazy.js';
import { runKrm } from './krm.js';

const root = path.resolve(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(path.join(root, p), 'utf8');

/** The items region re-indented by two (kpt's and kustomize's other layout: `  - ` under `items:`). */
function indented(rl: string): string {
  const lines = rl.split('\n');
  let inItems = false;
  return lines
    .map((l) => {
      if (l === 'items:') return (inItems = true), l;
      if (/^[A-Za-z]/.test(l)) inItems = false;
      return inItems && l !== '' ? `  ${l}` : l;
    })
    .join('\n');
}

// The item literals of krm.test.ts (as kpt sends them), found in its source rather than copied.
const krmTestItems = [...read('src/frontends/krm.test.ts').matchAll(/^const \w+ = `(- [^`$]*)`;$/gm)].map((m) => m[1]!);
const wrap = (items: string, extra = '') => `apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${items}${extra}`;
const functionConfig = 'functionConfig:\n  apiVersion: eso-render.dev/v1alpha1\n  kind: RenderConfig\n  metadata:\n    name: r\n';

const corpusDir = path.join(root, 'test/roundtrip');
const corpus = readdirSync(corpusDir).filter((n) => /\.(ya?ml|json)$/.test(n));

const kptPackages = ['kustomize-examples/kpt-package/app', 'test/krm/fixtures/failing-package'];
const kptSource = (dir: string): string | undefined => {
  const r = spawnSync('kpt', ['fn', 'source', dir], { cwd: root, encoding: 'utf8' });
  return r.status === 0 ? r.stdout : undefined;
};
const hasKpt = spawnSync('kpt', ['version'], { encoding: 'utf8' }).status === 0;

const inputs: Array<readonly [string, string]> = [
  ['kpt-render-input.yaml', read('test/krm/fixtures/kpt-render-input.yaml')],
  // CRLF is normalised before the split, as the whole reader does.
  ['kpt-render-input.yaml, CRLF', read('test/krm/fixtures/kpt-render-input.yaml').replace(/\n/g, '\r\n')],
  ['kpt-package expected-render', read('kustomize-examples/kpt-package/expected-render.yaml')],
  ['kpt-package expected-eval', read('kustomize-examples/kpt-package/expected-eval.yaml')],
  ['krm.test.ts items', wrap(krmTestItems.join(''), functionConfig)],
  ['krm.test.ts items, indent 2', indented(wrap(krmTestItems.join(''), functionConfig))],
  ...(hasKpt ? kptPackages.flatMap((d) => {
    const s = kptSource(d);
    return s === undefined ? [] : [[`kpt fn source ${d}`, s] as const, [`kpt fn source ${d}, indent 2`, indented(s)] as const];
  }) : []),
  ...corpus.flatMap((n) => {
    const items = readManifests(readFileSync(path.join(corpusDir, n), 'utf8'), n).items;
    const rl = writeResourceList({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items, results: [] }) + functionConfig;
    return [[`${n} as a ResourceList`, rl] as const, [`${n} as a ResourceList, indent 2`, indented(rl)] as const];
  }),
];

function view(rl: ResourceListIn) {
  return {
    apiVersion: rl.apiVersion,
    kind: rl.kind,
    functionConfig: rl.functionConfig,
    items: rl.items.map((it) => {
      const s = streamSourceOf(it);
      return {
        object: JSON.stringify(it.object),
        source: s && {
          origin: s.origin,
          index: s.index,
          resourceIndex: s.resourceIndex,
          member: s.member,
          format: s.format,
          snapshot: s.snapshot,
          segment: s.segment,
          group: s.group?.segment,
          compactSequences: s.compactSequences,
          indent: s.indent,
        },
      };
    }),
  };
}

/** What a reader gives, or the message of what it throws. */
function outcome<T>(f: () => T): { value?: T; error?: string } {
  try {
    return { value: f() };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

const write = (rl: ResourceListIn, items: readonly Item[] = rl.items) => writeResourceList({ apiVersion: rl.apiVersion, kind: rl.kind, items, results: [] });

describe('a ResourceList read lazily reads as the whole document', () => {
  it('the repo ResourceLists are in the inputs, and most are split', () => {
    expect(krmTestItems.length).toBeGreaterThanOrEqual(3);
    if (hasKpt) expect(inputs.filter(([n]) => n.startsWith('kpt fn source'))).toHaveLength(4);
    const split = inputs.filter(([, t]) => splitResourceList(t) !== undefined).map(([n]) => n);
    for (const n of ['kpt-render-input.yaml', 'krm.test.ts items', 'krm.test.ts items, indent 2', 'helm-output.yaml as a ResourceList', 'kustomize-output.yaml as a ResourceList, indent 2']) {
      expect(split).toContain(n);
    }
    expect(split.length * 2).toBeGreaterThan(inputs.length);
    // Most wrapped streams are valid ResourceLists (a BOM or document markers inside an item are not).
    expect(inputs.filter(([, t]) => outcome(() => parseResourceList(t)).error === undefined).length).toBeGreaterThan(inputs.length * 0.7);
  });

  it.each(inputs)('%s: same envelope, items and sources (or the same error)', (_n, text) => {
    expect(outcome(() => view(parseResourceListLazily(text)))).toEqual(outcome(() => view(parseResourceList(text))));
  });

  it.each(inputs.filter(([, t]) => outcome(() => parseResourceList(t)).error === undefined))('%s: same output unchanged, and with each item dropped, replaced or edited', (_n, text) => {
    const full = () => parseResourceList(text);
    const lazy = () => parseResourceListLazily(text);
    expect(write(lazy())).toBe(write(full()));
    const n = full().items.length;
    for (let i = 0; i < n; i++) {
      const drop = (items: Item[]) => items.filter((_x, j) => j !== i);
      const a = lazy();
      const b = full();
      expect(write(a, drop(a.items))).toBe(write(b, drop(b.items)));
      const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'made' }, data: { k: 'dg==' } };
      const replace = (items: Item[]) => items.map((x, j) => (j === i ? replacementFor(x, secret) : x));
      expect(write(a, replace(a.items))).toBe(write(b, replace(b.items)));
      const edit = (items: Item[]) =>
        items.map((x, j) => (j === i ? { object: { ...x.object, metadata: { ...x.object.metadata, labels: { edited: 'yes' } } }, source: x.source } : x));
      const c = lazy();
      const d = full();
      expect(write(c, edit(c.items))).toBe(write(d, edit(d.items)));
    }
  });
});

describe('what the lazy reader leaves unread', () => {
  const cm = (n: number) => `- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: c${n}\n  data:\n    x: "1"\n`;
  const es = `- apiVersion: external-secrets.io/v1\n  kind: ExternalSecret\n  metadata:\n    name: db\n  spec:\n    secretStoreRef: {name: fake, kind: ClusterSecretStore}\n    data: []\n`;

  it('parses the ESO items and only answers apiVersion and kind for the others', () => {
    const rl = parseResourceListLazily(wrap(cm(1) + es + cm(2), functionConfig));
    expect(rl.items.map(unreadLazyItem)).toEqual([true, false, true]);
    expect(rl.functionConfig).toEqual({ apiVersion: 'eso-render.dev/v1alpha1', kind: 'RenderConfig', metadata: { name: 'r' } });
    expect(rl.items.map((i) => i.object.kind)).toEqual(['ConfigMap', 'ExternalSecret', 'ConfigMap']);
    expect(write(rl)).toBe(wrap(cm(1) + es + cm(2)));
    expect(rl.items.map(unreadLazyItem)).toEqual([true, false, true]);
    expect(rl.items[2]!.object.metadata?.name).toBe('c2');
    expect(unreadLazyItem(rl.items[2]!)).toBe(false);
  });

  it('an item the engine reads that does not parse is an error worded as the whole reader words it', () => {
    const broken = wrap(cm(1) + es + '- apiVersion: v1\n  kind: Secret\n  metadata:\n    name: s\n     bad: indentation\n');
    const rl = parseResourceListLazily(broken);
    expect(lateResourceListError(rl)).toBeUndefined();
    void rl.items[2]!.object.metadata;
    const late = lateResourceListError(rl);
    expect(late).toBeDefined();
    let whole: unknown;
    try {
      parseResourceList(broken);
    } catch (e) {
      whole = e;
    }
    expect(whole).toBeInstanceOf(NotAResourceListError);
    expect(late).toBe((whole as Error).message);
  });

  it('runKrm fails such a run with exit 2 and empty stdout, as for unreadable stdin', async () => {
    // The Namespace is always read by the engine; its nested content is broken.
    const ns = '- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: apps\n    labels:\n      a: b\n     c: d\n';
    const store = krmTestItems.find((t) => t.includes('kind: ClusterSecretStore'))!;
    const externalSecret = krmTestItems.find((t) => t.includes('kind: ExternalSecret'))!;
    const text = wrap(cm(1) + ns + store + externalSecret);
    // Read whole, the same text is refused before anything runs.
    expect(() => parseResourceList(text)).toThrow(NotAResourceListError);
    expect(unreadLazyItem(parseResourceListLazily(text).items[1]!)).toBe(true);
    const r = await runKrm(text, { cwd: '/nowhere', vars: {} });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^eso-render: stdin is not valid YAML/);
  });
});

describe('the split gives up on what it cannot read with certainty, and the whole reader reads it', () => {
  const item = '- apiVersion: v1\n  kind: ConfigMap\n  metadata:\n    name: a\n';
  const head = 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\n';
  it.each([
    ['a JSON ResourceList', '{"apiVersion": "config.kubernetes.io/v1", "kind": "ResourceList", "items": [{"apiVersion": "v1", "kind": "ConfigMap"}]}\n'],
    ['an anchor in one item, an alias in another', `${head}items:\n- apiVersion: v1\n  kind: ConfigMap\n  data: &d {a: "1"}\n- apiVersion: v1\n  kind: ConfigMap\n  data: *d\n`],
    ['a tab in the indentation', `${head}items:\n- apiVersion: v1\n  kind: ConfigMap\n  data:\n    x: |\n      \tindented\n`],
    ['wide entries (content four columns in)', `${head}items:\n-   apiVersion: v1\n    kind: ConfigMap\n`],
    ['odd indentation', `${head}items:\n - apiVersion: v1\n   kind: ConfigMap\n`],
    ['a directive', `%YAML 1.2\n---\n${head}items:\n${item}`],
    ['a document marker', `---\n${head}items:\n${item}`],
    ['a top-level key it does not know', `${head}metadata: {}\nitems:\n${item}`],
    ['items in flow style', `${head}items: [{apiVersion: v1, kind: ConfigMap}]\n`],
    ['a comment after the last entry', `${head}items:\n${item}# end\nfunctionConfig: {}\n`],
    ['blank lines between entries', `${head}items:\n${item}\n${item}`],
    ['a flow entry followed by a comment', `${head}items:\n- {"apiVersion": "v1", "kind": "ConfigMap"}\n# c\n${item}`],
  ])('%s', (_what, text) => {
    expect(splitResourceList(text.replace(/\r\n/g, '\n'))).toBeUndefined();
    expect(view(parseResourceListLazily(text))).toEqual(view(parseResourceList(text)));
    expect(write(parseResourceListLazily(text))).toBe(write(parseResourceList(text)));
  });

  it.each([
    ['two documents', `${head}items: []\n---\nkind: ResourceList\nitems: []\n`],
    ['a scalar item', `${head}items:\n- 3\n`],
    ['not a ResourceList', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n'],
    ['an item with an invalid nested value the engine parses', `${head}items:\n- apiVersion: external-secrets.io/v1\n  kind: ExternalSecret\n  spec:\n    a: b\n     c: d\n`],
  ])('refuses %s with the whole reader\'s error', (_what, text) => {
    let whole: unknown;
    try {
      parseResourceList(text);
    } catch (e) {
      whole = e;
    }
    expect(whole).toBeInstanceOf(NotAResourceListError);
    expect(() => parseResourceListLazily(text)).toThrow((whole as Error).message);
  });
});
