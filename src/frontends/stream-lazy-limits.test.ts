// Lazy reading (issue 19) under the input limits (issue 14): a stream read lazily takes the same bytes
// and documents from the run's limits as the whole-stream reader, before any document is parsed, and a
// document parsed later, on first use, is not counted again.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readManifests, readManifestsLazily } from './stream.js';
import { beginInput, documentsLeft } from './input-limits.js';
import { scanStream } from './stream-scan.js';
import { unreadLazyItem } from './stream-lazy.js';

const corpusDir = path.resolve(__dirname, '../../test/roundtrip');
const corpus = readdirSync(corpusDir)
  .filter((n) => /\.(ya?ml|json)$/.test(n))
  .map((n) => [n, readFileSync(path.join(corpusDir, n), 'utf8')] as const);

const cm = (n: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${n}\ndata:\n  x: "${n}"\n`;
const es = `apiVersion: external-secrets.io/v1\nkind: ExternalSecret\nmetadata:\n  name: db\nspec:\n  secretStoreRef: {name: fake, kind: ClusterSecretStore}\n  data: []\n`;
const edges: Array<readonly [string, string]> = [
  ['empty', ''],
  ['comment only', '# c\n'],
  ['one marker', '---\n'],
  ['empty documents', '---\n---\n---\n'],
  ['end then comment', `${cm(1)}...\n# trailing\n`],
  ['two ends', `${cm(1)}...\n...\n`],
  ['end, marker, end', `${cm(1)}...\n---\n...\n`],
  ['comment document', `${cm(1)}---\n# only a comment\n`],
  ['trailing marker', `${cm(1)}---\n`],
  ['several', `${cm(1)}---\n${cm(2)}---\n${es}---\n${cm(3)}`],
];

/** Documents `read` takes from a fresh run's limit. */
function documentsTaken(read: () => unknown): number {
  beginInput({});
  const before = documentsLeft();
  read();
  return before - documentsLeft();
}

describe('lazy reading takes what the whole-stream reader takes from the input limits', () => {
  it.each([...corpus, ...edges])('%s: the same document count', (_n, text) => {
    const full = documentsTaken(() => readManifests(text, 'f.yaml'));
    const lazy = documentsTaken(() => readManifestsLazily(text, 'f.yaml'));
    expect(lazy).toBe(full);
    // Where the scan decides, it counts as the parser does.
    const scanned = scanStream(text);
    if (scanned) expect(scanned.length).toBe(full);
  });

  it('a document parsed on first use is not counted again', () => {
    const text = `${cm(1)}---\n${cm(2)}---\n${es}---\n${cm(3)}`;
    beginInput({ documents: 4 });
    const r = readManifestsLazily(text, 'f.yaml');
    expect(r.errors).toEqual([]);
    expect(r.items.filter(unreadLazyItem)).toHaveLength(3);
    for (const it of r.items) expect(it.object.metadata?.name).toBeTypeOf("string");
    expect(r.items.filter(unreadLazyItem)).toHaveLength(0);
    expect(documentsLeft()).toBe(0);
    // The run's documents are used up: the next stream of the run is refused.
    expect(readManifestsLazily(cm(4), 'g.yaml').errors.map((e) => e.message)).toEqual(['g.yaml: the input holds more than 4 YAML documents (spec.limits.documents)']);
  });

  it('above the document limit: refused with the whole-stream reader\'s error, nothing parsed', () => {
    const text = Array.from({ length: 6 }, (_, i) => cm(i)).join('---\n');
    expect(scanStream(text, 5)).toBeUndefined();
    expect(scanStream(text, 6)).toHaveLength(6);
    for (const limit of [5, 1]) {
      beginInput({ documents: limit });
      const full = readManifests(text, 'f.yaml');
      beginInput({ documents: limit });
      const lazy = readManifestsLazily(text, 'f.yaml');
      expect(lazy.items).toEqual([]);
      expect(lazy.errors.map((e) => e.message)).toEqual(full.errors.map((e) => e.message));
      expect(lazy.errors.map((e) => e.message)).toEqual([`f.yaml: the input holds more than ${limit} YAML documents (spec.limits.documents)`]);
    }
  });

  it('above the byte limit: refused before anything is read, as the whole-stream reader refuses it', () => {
    const text = `${cm(1)}---\n${cm(2)}`;
    for (const input of [text, new TextEncoder().encode(text)]) {
      beginInput({ inputBytes: text.length - 1 });
      const lazy = readManifestsLazily(input, 'f.yaml');
      beginInput({ inputBytes: text.length - 1 });
      const full = readManifests(input, 'f.yaml');
      expect(lazy.items).toEqual([]);
      expect(lazy.errors.map((e) => e.message)).toEqual(full.errors.map((e) => e.message));
      expect(lazy.errors.map((e) => e.message)).toEqual([`f.yaml: the input is larger than the limit of ${text.length - 1} bytes (spec.limits.inputBytes)`]);
    }
    // The run's bytes add up over its streams, read lazily or not.
    beginInput({ inputBytes: text.length * 2 - 1 });
    expect(readManifestsLazily(text, 'a.yaml').errors).toEqual([]);
    expect(readManifests(text, 'b.yaml').errors.map((e) => e.message)).toEqual([`b.yaml: the input is larger than the limit of ${text.length * 2 - 1} bytes (spec.limits.inputBytes)`]);
  });
});
