// Reading and writing a KRM `ResourceList` while keeping each untouched item's text.
//
// kpt sends the original file text of every item (comments, key order, quoting, `0755`, flow-style JSON
// files) and writes what we print back to the package. So each entry of `items:` is cut out of the input
// as text, dedented into a stand-alone document and read by stream.ts like any other manifest; on the way
// out stream.ts prints it (verbatim when unchanged, edited in place otherwise, YAML 1.1-safe when new)
// and it is indented back under `items:`. With kpt's and kustomize's `- ` at column 0 and content at
// column 2, an unchanged item comes out byte for byte.
import { CST, isMap, isScalar, isSeq, parseAllDocuments, stringify, type Document, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import type { Item, KubeObject, Result } from '../engine/types.js';
import { ManifestError, parseManifests, readManifestsLazily, stringifyObject, writeManifests } from './stream.js';
import { lateErrors } from './stream-lazy.js';
import { splitResourceList } from './resource-list-split.js';
import { inputLimits, tooLarge } from './input-limits.js';
import { readOptions, toJSOptions } from './yaml-schema.js';
import { assertNestingWithinLimit } from './yaml-limits.js';

export interface ResourceListIn {
  apiVersion: string;
  /** `ResourceList`, or `List` (kyaml unwraps both and writes back what it read). */
  kind: string;
  items: Item[];
  functionConfig: unknown;
}

export class NotAResourceListError extends Error {}

/**
 * Parses stdin of a KRM function, every item at once (`eso-render validate` checks every document).
 * Throws NotAResourceListError when it is not one ResourceList.
 */
export function parseResourceList(text: string): ResourceListIn {
  return readWhole(normalise(text));
}

/**
 * Like `parseResourceList`, but items are read lazily (stream-lazy.ts) where the line split of kpt's and
 * kustomize's layout can cut them out (resource-list-split.ts): only the envelope and the items the
 * engine acts on are parsed when stdin is read; an item never read is written back as its text. Anything
 * the split cannot read with certainty, and any error met while reading, is left to `parseResourceList`,
 * so what it returns (or throws) is what that gives. Ask `lateResourceListError` after the run.
 */
export function parseResourceListLazily(text: string): ResourceListIn {
  const src = normalise(text);
  return readSplit(src) ?? readWhole(src);
}

const stdinOf = new WeakMap<ResourceListIn, { src: string; lines: readonly number[] }>();

/**
 * For a list read by `parseResourceListLazily`: the error of the first item the engine read after stdin
 * was read that does not parse (undefined when there is none). It is worded as `parseResourceList` would
 * have refused stdin (that reader parses every item, so the same fault makes the whole document invalid
 * to it); when it would not refuse it, the item's own error is given at its line in stdin.
 */
export function lateResourceListError(rl: ResourceListIn): string | undefined {
  const at = stdinOf.get(rl);
  if (!at) return undefined;
  let first: { error: ManifestError; item: number } | undefined;
  rl.items.forEach((it, i) => {
    const e = lateErrors([it])[0];
    if (e && !first) first = { error: e, item: i };
  });
  if (!first) return undefined;
  try {
    readWhole(at.src);
  } catch (e) {
    if (e instanceof NotAResourceListError) return e.message;
    throw e;
  }
  const { error, item } = first;
  const line = error.line === undefined ? undefined : error.line + at.lines[item]! - 1;
  return new ManifestError(error.reason, { file: '<stdin>', item, line }).message;
}

function normalise(text: string): string {
  if (text.length > inputLimits().inputBytes) throw new NotAResourceListError(tooLarge('<stdin>').message);
  // kyaml normalises CRLF too; the item offsets below refer to this normalised text.
  return text.replace(/\r\n/g, '\n');
}

/** The envelope's fields; undefined when `root` is not a ResourceList's. */
function readEnvelope(doc: Document, root: unknown): { apiVersion: string; kind: string; functionConfig: () => unknown } | undefined {
  const field = (key: string): unknown => {
    const node = isMap(root) ? root.get(key, true) : undefined;
    return node === undefined || node === null ? undefined : (node as Node).toJS(doc, toJSOptions);
  };
  const kind = field('kind');
  if (!isMap(root) || (kind !== 'ResourceList' && kind !== 'List') || !(root.has('items') || root.has('functionConfig'))) return undefined;
  const apiVersion = field('apiVersion');
  return {
    apiVersion: typeof apiVersion === 'string' && apiVersion !== '' ? apiVersion : 'config.kubernetes.io/v1',
    kind: String(kind),
    functionConfig: () => field('functionConfig'),
  };
}

/** Documents of `src` that are not a trailing empty one (kyaml ignores those too). */
function nonEmptyDocuments(src: string, keepSourceTokens: boolean): Document.Parsed[] {
  return parseAllDocuments(src, { ...readOptions, keepSourceTokens }).filter(
    (d) => d.errors.length > 0 || !(d.contents === null || (isScalar(d.contents) && d.contents.value === null && !d.contents.source)),
  );
}

/** The split read (see `parseResourceListLazily`), or undefined to read the whole document instead. */
function readSplit(src: string): ResourceListIn | undefined {
  const split = splitResourceList(src);
  if (!split) return undefined;
  // The envelope is small; it is bounded and parsed as the whole document would be.
  try {
    assertNestingWithinLimit(split.envelope, '<stdin>');
  } catch {
    return undefined;
  }
  const docs = nonEmptyDocuments(split.envelope, false);
  if (docs.length !== 1 || docs[0]!.errors.length > 0) return undefined;
  const doc = docs[0]!;
  const envelope = readEnvelope(doc, doc.contents);
  if (!envelope) return undefined;
  // The split took every entry out: `items` is left with no value (or `[]`).
  const seq = (doc.contents as YAMLMap).get('items', true);
  if (!(seq === undefined || (isScalar(seq) && seq.value === null) || (isSeq(seq) && seq.items.length === 0))) return undefined;
  const items: Item[] = [];
  for (const it of split.items) {
    // Through the lazy stream reader: the documents the engine acts on are parsed now, the others when
    // first read. Any error now, or a text that is not one resource, is the whole reader's to word.
    const read = readManifestsLazily(it.text);
    if (read.errors.length > 0 || read.items.length !== 1) return undefined;
    items.push(read.items[0]!);
  }
  const rl: ResourceListIn = { apiVersion: envelope.apiVersion, kind: envelope.kind, items, functionConfig: envelope.functionConfig() };
  stdinOf.set(rl, { src, lines: split.items.map((it) => it.line) });
  return rl;
}

/** Today's reader: the whole document parsed, then each item's text read again. */
function readWhole(src: string): ResourceListIn {
  // Bound nesting before the yaml package composes anything (deep input can abort the process there).
  assertNestingWithinLimit(src, '<stdin>');
  const docs = nonEmptyDocuments(src, true);
  if (docs.length !== 1) {
    throw new NotAResourceListError(`expected one ResourceList document on stdin, got ${docs.length} documents`);
  }
  const doc = docs[0]!;
  if (doc.errors.length > 0) throw new NotAResourceListError(`stdin is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}`);
  const root = doc.contents;
  // Only the envelope is converted here; each item is read on its own below (whole-list toJS would
  // read every item twice).
  const envelope = readEnvelope(doc, root);
  if (!envelope) throw new NotAResourceListError('stdin is not a ResourceList (kind ResourceList or List with items)');
  const seq = (root as YAMLMap).get('items', true);
  if (seq !== undefined && seq !== null && !isSeq(seq) && !(isScalar(seq) && seq.value === null)) {
    throw new NotAResourceListError('items is not a list');
  }
  const nodes = isSeq(seq) ? seq.items : [];
  const texts = isSeq(seq) ? itemTexts(src, seq) : [];
  const items = nodes.map((node, i): Item => {
    if (!isMap(node)) throw new NotAResourceListError(`items[${i}] is not a mapping`);
    const t = texts[i];
    // Read through the same stream parser as every other front end, so values mean the same.
    return (t !== undefined && safeParseOne(t)) || { object: node.toJS(doc, toJSOptions) as KubeObject };
  });
  return { apiVersion: envelope.apiVersion, kind: envelope.kind, items, functionConfig: envelope.functionConfig() };
}

function safeParseOne(text: string): Item | undefined {
  try {
    const parsed = parseManifests(text);
    return parsed.length === 1 ? parsed[0] : undefined;
  } catch {
    // An alias to an anchor in another item cannot stand alone; fall back to re-serialising that item.
    return undefined;
  }
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

/** Each entry of the `items` sequence as a stand-alone document, or undefined where that is not possible. */
function itemTexts(text: string, seq: YAMLSeq): (string | undefined)[] {
  const tok = (seq as YAMLSeq & { srcToken?: CST.Token }).srcToken;
  if (tok && tok.type === 'block-seq') {
    return tok.items.map((it) => {
      const dash = it.start.find((t) => t.type === 'seq-item-ind');
      if (!dash || !it.value) return undefined;
      const comments = it.start
        .filter((t) => t.type === 'comment' && t.offset < dash.offset)
        .map((t) => (t as CST.SourceToken).source);
      const valueEnd = it.value.offset + CST.stringify(it.value).length;
      const contentCol = it.value.offset - lineStart(text, it.value.offset);
      const lines = text.slice(dash.offset + 1, valueEnd).split('\n');
      const first = lines.shift()!.trimStart();
      const rest = lines.map((l) => l.replace(new RegExp(`^ {0,${contentCol}}`), ''));
      // Trailing empty lines stay: they can be content (a `|+` block scalar).
      const doc = [...comments, ...(first === '' ? [] : [first]), ...rest].join('\n');
      return doc.endsWith('\n') ? doc : `${doc}\n`;
    });
  }
  // Flow sequence (a JSON ResourceList): each item's own source range.
  return seq.items.map((n) => {
    const range = (n as { range?: [number, number, number] }).range;
    return range ? `${text.slice(range[0], range[1]).trimEnd()}\n` : undefined;
  });
}

/** An item's text as a stand-alone document: its input text if unchanged, else edited or new. */
function itemText(item: Item): string {
  // A one-item stream may still carry document markers; trailing empty lines can be content (`|+`).
  const text = writeManifests([item]).replace(/^(---[ \t]*\n)+/, '').replace(/\n\.\.\.[ \t]*\n?$/, '\n');
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** `- ` before the first line, two spaces before every other non-empty line. */
function asSequenceEntry(doc: string): string {
  const lines = doc.replace(/\n$/, '').split('\n');
  return `${lines.map((l, i) => (i === 0 ? `- ${l}` : l === '' ? '' : `  ${l}`)).join('\n')}\n`;
}

export interface ResourceListOut {
  apiVersion: string;
  kind: string;
  items: readonly Item[];
  results: readonly Result[];
}

/** One ResourceList document, block style, no trailing `---` (kpt would read one as a resource). */
export function writeResourceList(out: ResourceListOut): string {
  // No anchors/aliases anywhere: kyaml refuses an alias where it expects a mapping.
  let s = stringify({ apiVersion: out.apiVersion, kind: out.kind }, { lineWidth: 0, aliasDuplicateObjects: false });
  if (out.items.length === 0) s += 'items: []\n';
  else s += `items:\n${out.items.map((it) => asSequenceEntry(itemText(it))).join('')}`;
  // Through the same 1.1-safe writer as new resources (a message of `yes` stays a string for every
  // reader); the JSON copy unshares objects, so no anchors.
  if (out.results.length > 0) s += stringifyObject(JSON.parse(JSON.stringify({ results: out.results })) as KubeObject);
  return s;
}
