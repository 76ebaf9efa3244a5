// Reading and writing manifest streams.
//
// Reading: a YAML stream (`---` separators, `...` document ends, directives, comments, empty documents),
// a single JSON object, a JSON array of objects, and `List` documents (`kind: List` or `<Kind>List` with
// `items`), whose members become items of their own. How scalars are read is explained in yaml-schema.ts.
//
// Writing keeps every untouched resource byte for byte. The input is cut into segments, one per
// resource-bearing document: a segment runs from the end of the previous document (after its `...`, if
// any) to the end of its own, so it carries its own `---` line and the comments above it; empty and
// comment-only documents travel with the next resource (the last resource takes what trails the stream).
// An untouched resource is written as its segment; a `---` is added between two segments only when the
// second does not start with one and the first did not end with `...`; a newline is added only when a
// segment without a final newline is followed by another. Hence parse→write of any stream returns the same
// text, including a leading `---`, `...`, CRLF, a BOM and a missing final newline. Normalisation happens
// only where the stream changes: a resource moved to the front loses a bare leading `---` line (unless it
// was first in its stream), a BOM is kept only at the very start, and new or edited resources are
// separated by `---\n` and end with a newline. A stream that holds no resource at all is written as ''.
//
// JSON documents are written back as their original JSON text: JSON is YAML, so the text is valid in a
// YAML stream and byte-faithful. A List whose members all pass through untouched, in order, is written as
// the original List; otherwise each member becomes a document of its own (YAML members keep their
// comments, JSON members are printed as block YAML). Concatenated JSON values (`{...}{...}`, which
// kubectl reads but which is not YAML) are read one document per value and written `---`-separated.
//
// "Untouched" means the item's object still serialises to the JSON it was read as, whether or not it is
// the same object. A changed item that came from YAML is written by editing its parsed document
// (yaml-sync.ts): comments, quoting and scalar spelling survive wherever the value did not change.
//
// Errors (ManifestError) name the origin, the document index, the List item and the line, never any part
// of the text: a manifest may hold secret values.
import { Composer, Document, isAlias, isMap, isScalar, isSeq, parseAllDocuments, Parser, Scalar } from 'yaml';
import type { Node, YAMLMap } from 'yaml';
import type { Item, KubeObject } from '../engine/types.js';
import { ManifestError, withStage, yamlReason } from './yaml-errors.js';
import { stringifyObject as stringifyNew, writeOptions } from './yaml-quote.js';
import { MAX_ALIAS_COUNT, MAX_DEPTH, readOptions, toJSOptions } from './yaml-schema.js';
import { assertNestingWithinLimit, cstDepth, nestingDepth, unshare, valueDepth } from './yaml-limits.js';
import { syncDocument } from './yaml-sync.js';
import { readLazily, unreadLazyItem, unreadSegment, type FastItem } from './stream-lazy.js';
import { documentsLeft, takeBytes, takeDocuments, tooManyDocuments } from './input-limits.js';
import {
  decodeUtf8,
  indentStep,
  leadingComments,
  lineAt,
  lineStarts,
  onlyPreamble,
  seqStyleIsCompact,
  splitJsonStream,
} from './yaml-text.js';

export { ManifestError } from './yaml-errors.js';
export type { ManifestLocation } from './yaml-errors.js';
export { isAmbiguousPlain } from './yaml-quote.js';
export { assertNestingWithinLimit };

/** Original text of one resource-bearing stretch of a stream. */
export interface Segment {
  readonly text: string;
  /** The segment's first document starts with a `---` marker (possibly after comments and directives). */
  readonly opensWithMarker: boolean;
  /** The segment's last document ends with `...`. */
  readonly closed: boolean;
  /** The segment was the first of its stream. */
  readonly streamStart: boolean;
  /** `%YAML`/`%TAG` directives precede its first document (the previous document must then end with `...`). */
  readonly hasDirectives: boolean;
  /** Where the resource's own document starts in `text` (before it: comments, separators, empty documents). */
  readonly bodyStart: number;
}

/** What `parseManifests` keeps in `Item.source` to write a resource back. */
export interface StreamSource {
  readonly kind: 'eso-render/stream';
  readonly format: 'yaml' | 'json';
  readonly origin: string | undefined;
  /** 0-based index of the document in the stream (empty documents count), as error messages give it. */
  readonly index: number;
  /**
   * 0-based position among the resources read from this origin (empty documents do not count, List
   * members count one each), as kyaml numbers `config.kubernetes.io/index`.
   */
  readonly resourceIndex: number;
  /** 0-based position inside a List's `items` (or a JSON array), for members. */
  readonly member: number | undefined;
  /** JSON of the object as read: an item whose object still serialises to this is untouched. */
  readonly snapshot: string;
  /** The parsed document (for members, the List's document). Never mutated after parsing. */
  readonly doc: Document;
  /** The resource's node inside `doc`. */
  readonly node: Node;
  /** Original text, for a resource that is a document of its own. */
  readonly segment: Segment | undefined;
  /** For List members: the List document's text and its member count. */
  readonly group: { readonly segment: Segment; readonly size: number } | undefined;
  /** Sequences were written at their parent's indent (`- ` under `key:`), as kubectl prints them. */
  readonly compactSequences: boolean;
  /** Indentation step of the original text (used when an edited resource is printed again). */
  readonly indent: number;
}

export function streamSourceOf(item: Item): StreamSource | undefined {
  const s = item.source as StreamSource | undefined;
  return s && typeof s === 'object' && s.kind === 'eso-render/stream' ? s : undefined;
}

/** Where an item came from, shaped like `Result.file` (path and kyaml's 0-based resource index), when known. */
export function sourceFile(item: Item): { path: string; index?: number } | undefined {
  const src = streamSourceOf(item);
  return src?.origin === undefined ? undefined : { path: src.origin, index: src.resourceIndex };
}

/** True when the item's object is still what was read (so its original text is written). */
export function isUntouched(item: Item): boolean {
  if (unreadLazyItem(item)) return true;
  const src = streamSourceOf(item);
  return src !== undefined && JSON.stringify(item.object) === src.snapshot;
}

// ---------------------------------------------------------------------------------------------- reading

export interface ParseResult {
  items: Item[];
  errors: ManifestError[];
}

/** Parse a multi-document YAML stream, a JSON object or array, or a JSON/YAML `List`, into items. */
export function parseManifests(text: string | Uint8Array, origin?: string): Item[] {
  return throwingFirst(readManifests(text, origin));
}

function throwingFirst({ items, errors }: ParseResult): Item[] {
  if (errors.length > 0) {
    const first = errors[0]!;
    if (errors.length === 1) throw first;
    throw new ManifestError(`${first.reason} (and ${errors.length - 1} more error(s) in this stream)`, first);
  }
  return items;
}

/**
 * Like `readManifests`, but parses only the documents the engine acts on (stream-lazy.ts): the others are
 * parsed when first read beyond their apiVersion and kind. The caller asks `lateErrors` after the run.
 * The input limits hold as for `readManifests`: its bytes are taken before anything is read, and its
 * documents (counted by the scan, or by the whole-stream reader it falls back to) before any is parsed;
 * the documents parsed later, one at a time, are not counted again.
 */
export function readManifestsLazily(input: string | Uint8Array, origin?: string): ParseResult {
  try {
    takeBytes(input.length, origin);
  } catch (e) {
    return { items: [], errors: [e as ManifestError] };
  }
  const text = typeof input === 'string' ? input : decodeUtf8(input);
  const maxDocuments = documentsLeft();
  // A stream with more documents than the limit is left to the whole-stream reader, which refuses it.
  const lazy = typeof text === 'string' ? readLazily(text, origin, (t, o) => readManifests(t, o, false), maxDocuments, fastItem) : undefined;
  if (!lazy) return readManifests(input, origin, 'documents');
  takeDocuments(lazy.documents);
  return lazy.result;
}

/** `parseManifests`, read lazily (see `readManifestsLazily`). */
export function parseManifestsLazily(text: string | Uint8Array, origin?: string): Item[] {
  return throwingFirst(readManifestsLazily(text, origin));
}

/**
 * Like `parseManifests`, but reports every problem instead of throwing the first. `account`: true takes
 * the input's bytes and documents from the run's limits (input-limits.ts), 'documents' its documents only
 * (the caller took the bytes), false neither (a part of a stream already counted).
 */
export function readManifests(input: string | Uint8Array, origin?: string, account: boolean | 'documents' = true): ParseResult {
  const errors: ManifestError[] = [];
  // Size and document count are bounded before anything is parsed (input-limits.ts).
  if (account === true) {
    try {
      takeBytes(input.length, origin);
    } catch (e) {
      return { items: [], errors: [e as ManifestError] };
    }
  }
  const maxDocuments = account ? documentsLeft() : Infinity;
  let text: string;
  if (typeof input === 'string') {
    text = input;
  } else {
    const decoded = decodeUtf8(input);
    if (typeof decoded !== 'string') {
      const utf16 = (input[0] === 0xff && input[1] === 0xfe) || (input[0] === 0xfe && input[1] === 0xff);
      const reason = utf16 ? 'the input is UTF-16; manifests must be UTF-8' : 'the input is not valid UTF-8';
      errors.push(new ManifestError(reason, { file: origin, line: utf16 ? undefined : decoded.line }));
      return { items: [], errors };
    }
    text = decoded;
  }
  // Line starts are computed when first needed: a stream refused at the document limit never needs them.
  let lines: ReturnType<typeof lineStarts> | undefined;
  const lineOf = (offset: number): number => lineAt((lines ??= lineStarts(text)), offset);

  // One pass over the parser's tokens, as it produces them (the whole token tree of a large stream
  // is never held at once): segment boundaries, the nesting bound, composing, and each document's data.
  // Segment boundaries: each document token starts a new segment right after the previous document
  // (and its `...`), so comments and directives between documents belong to the document below them.
  const docStarts: number[] = [];
  const segStarts: number[] = [];
  const closedFlags: boolean[] = [];
  const markerFlags: boolean[] = [];
  let pendingStart = 0;
  // After a document: waiting for the token that follows it (a `...` first, then the next token).
  let after: 'none' | 'document' | 'doc-end' = 'none';
  const segEnd = (k: number): number => (k + 1 < segStarts.length ? segStarts[k + 1]! : text.length);
  const docIndexAt = (offset: number): number => {
    // Last segment starting at or before `offset` (binary search: streams can hold thousands of documents).
    let lo = 0;
    let hi = segStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  // Nesting is bounded before composing: the composer recurses, and a stack overflow deep inside it can
  // take the whole process down (V8 aborts while compiling a regular expression at that depth).
  const tooDeep = new Set<number>();
  const lean = text.length >= 256 * 1024;
  // A resource's parsed document is needed again only if the resource is edited; it is then read again
  // from the resource's own text (documentAgain), so the documents of a large stream are not all held at
  // once. Not with directives (`%YAML 1.1` carries over to later documents) nor for sequences and Lists,
  // whose members point into their document.
  const rereadable = !/(?:^|\n)%/.test(text);
  const composer = new Composer(readOptions);
  type Parsed = { k: number; value: unknown; where: { file: string | undefined; index: number; line: number }; format: StreamSource['format']; doc?: Document };
  const parsed: Parsed[] = [];
  const docErrors: ManifestError[] = [];
  const conversionErrors: ManifestError[] = [];
  const seen = new Set<number>();
  const onDocument = (doc: Document): void => {
    const k = docIndexAt(doc.range?.[0] ?? 0);
    for (const e of doc.errors) {
      docErrors.push(withStage(new ManifestError(yamlReason(e.code), { file: origin, index: k, line: lineOf(e.pos[0]) }), 'syntax'));
    }
    // The first document of a segment is its resource; with any error nothing below is used.
    if (seen.has(k)) return;
    seen.add(k);
    if (doc.errors.length > 0 || doc.contents === null) return;
    const where = { file: origin, index: k, line: lineOf(doc.contents.range?.[0] ?? docStarts[k]!) };
    const { depth, aliases } = nestingDepth(doc.contents);
    if (depth > MAX_DEPTH) {
      conversionErrors.push(new ManifestError(`nesting deeper than ${MAX_DEPTH} levels`, where));
      return;
    }
    let value: unknown;
    try {
      value = doc.toJS(toJSOptions);
    } catch (e) {
      // The package's messages are not reused (they may quote an anchor name); only their kind is.
      const msg = e instanceof Error ? e.message : '';
      const reason = /excessive alias/i.test(msg)
        ? `alias expansion exceeds the limit of ${MAX_ALIAS_COUNT} (possible alias bomb)`
        : /alias/i.test(msg)
          ? yamlReason('BAD_ALIAS')
          : 'the document cannot be converted to data';
      conversionErrors.push(new ManifestError(reason, where));
      return;
    }
    if (aliases) {
      if (valueDepth(value) > MAX_DEPTH) {
        conversionErrors.push(new ManifestError(`nesting deeper than ${MAX_DEPTH} levels once aliases are expanded`, where));
        return;
      }
      value = unshare(value);
    }
    if (value === null || value === undefined) return;
    const format: StreamSource['format'] = looksLikeJson(text, doc.contents as Node) ? 'json' : 'yaml';
    const keep = !rereadable || Array.isArray(value) || (isPlainObject(value) && Array.isArray(value.items));
    // In a large stream a kept document drops the parser tokens it does not need (dropSourceTokens):
    // kept, they held the whole token tree, three times the document's own size. A small stream keeps
    // them: walking every node costs more start-up time than the memory is worth.
    parsed.push({ k, value, where, format, ...(keep ? { doc: lean ? dropSourceTokens(doc) : doc } : {}) });
  };
  for (const tok of new Parser().parse(text)) {
    if (after === 'document' && tok.type === 'doc-end') {
      closedFlags[closedFlags.length - 1] = true;
      after = 'doc-end';
    } else if (after !== 'none') {
      pendingStart = tok.offset;
      after = 'none';
    }
    if (tok.type === 'document') {
      if (docStarts.length >= maxDocuments) return { items: [], errors: [tooManyDocuments(origin)] };
      segStarts.push(docStarts.length === 0 ? 0 : pendingStart);
      docStarts.push(tok.offset);
      markerFlags.push(tok.start.some((t) => t.type === 'doc-start'));
      closedFlags.push(false);
      after = 'document';
      if (cstDepth(tok) > MAX_DEPTH) {
        tooDeep.add(tok.offset);
        continue;
      }
    }
    for (const d of composer.next(tok)) onDocument(d as Document);
  }
  for (const d of composer.end(false, text.length)) onDocument(d as Document);
  if (account) takeDocuments(docStarts.length);
  for (const offset of tooDeep) {
    const k = docIndexAt(offset);
    errors.push(withStage(new ManifestError(`nesting deeper than ${MAX_DEPTH} levels`, { file: origin, index: k, line: lineOf(docStarts[k]!) }), 'depth'));
  }
  errors.push(...docErrors);
  if (errors.length > 0) {
    // kubectl also reads concatenated JSON objects (`{...}{...}`), which are not YAML.
    const values = splitJsonStream(text);
    if (values) return readJsonStream(text, values, origin, lineOf);
    return { items: [], errors: dedupe(errors) };
  }
  // Which documents hold resources; the others' text is folded into a neighbour's segment.
  errors.push(...conversionErrors.map((e) => withStage(e, 'conversion')));

  const items: Item[] = [];
  for (let p = 0; p < parsed.length; p++) {
    const { k, value, where, format, doc } = parsed[p]!;
    // The segment: from the end of the previous resource-bearing document (or the stream start) to the
    // end of this one; the last resource also takes whatever trails the stream.
    const from = p === 0 ? 0 : segEnd(parsed[p - 1]!.k);
    const to = p === parsed.length - 1 ? text.length : segEnd(k);
    const firstDocInSegment = p === 0 ? 0 : parsed[p - 1]!.k + 1;
    const segment: Segment = {
      text: text.slice(from, to),
      opensWithMarker: markerFlags[firstDocInSegment]! && onlyPreamble(text, from, docStarts[firstDocInSegment]!),
      // Closed if the segment's last document ends with `...` (the last segment may end with empty ones).
      closed: closedFlags[p === parsed.length - 1 ? segStarts.length - 1 : k]!,
      streamStart: from === 0,
      hasDirectives: /(?:^|\n)%/.test(text.slice(from, docStarts[firstDocInSegment]!)),
      bodyStart: docStarts[k]! - from,
    };
    const contents = doc?.contents as Node | undefined;
    const compactSequences = seqStyleIsCompact(segment.text);
    const indent = indentStep(segment.text);
    const fields = { kind: 'eso-render/stream' as const, format, origin, index: k, compactSequences, indent };
    const base = { ...fields, doc: doc! };

    if (Array.isArray(value)) {
      if (format !== 'json') {
        errors.push(new ManifestError('the document is a sequence, not a mapping (a resource)', where));
        continue;
      }
      expandMembers(value, isSeq(contents) ? contents.items : [], where, segment, base, items, errors, lineOf);
      continue;
    }
    if (!isPlainObject(value)) {
      errors.push(new ManifestError(`the document is a ${describeType(value)}, not a mapping (a resource)`, where));
      continue;
    }
    const bad = missingTypeInfo(value);
    if (bad) {
      errors.push(new ManifestError(bad, where));
      continue;
    }
    if (isListKind(value)) {
      const itemsNode = isMap(contents) ? (contents as YAMLMap).get('items', true) : undefined;
      const memberNodes = isSeq(itemsNode) ? itemsNode.items : [];
      expandMembers(value.items as unknown[], memberNodes, where, segment, base, items, errors, lineOf);
      continue;
    }
    const own = { member: undefined, resourceIndex: items.length, snapshot: JSON.stringify(value), segment, group: undefined };
    const source: StreamSource = doc ? { ...base, ...own, node: contents! } : withDocumentAgain({ ...fields, ...own });
    items.push({ object: value as KubeObject, source });
  }
  return errors.length > 0 ? { items: [], errors } : { items, errors };
}

/**
 * The item the whole-stream reader makes of a resource document whose value the fast reader read
 * (stream-lazy.ts): a plain mapping with its apiVersion and kind, not a List. Anything else is left to the
 * whole reader (undefined), which gives the error. Its document is read again on first use, as for any
 * resource of a large stream.
 */
const fastItem: FastItem = (value, fields) => {
  if (!isPlainObject(value) || missingTypeInfo(value) !== undefined || isListKind(value)) return undefined;
  const segment = fields.segment!;
  const source = withDocumentAgain({
    ...fields,
    snapshot: JSON.stringify(value),
    compactSequences: seqStyleIsCompact(segment.text),
    indent: indentStep(segment.text),
  });
  return { object: value as KubeObject, source };
};

/**
 * A source whose `doc` and `node` are read again from the resource's own text on first use (only an
 * edited resource needs them). They are not enumerable, so copying a source does not read them.
 */
function withDocumentAgain(fields: Omit<StreamSource, 'doc' | 'node'>): StreamSource {
  // Copied with Object.assign, not a spread: getters added to a spread copy give every object a map of
  // its own. The getters are shared (no closures per resource); the document read again is held by the
  // source's own hidden record, so it is the same document through anything that reads the source.
  const source = Object.defineProperties(Object.assign({}, fields), documentAgainGetters);
  return Object.defineProperty(source, AGAIN, { value: { doc: undefined } }) as StreamSource;
}

const AGAIN = Symbol('eso-render/document-again');

function documentOnce(source: StreamSource): Document {
  const held = (source as unknown as { [AGAIN]: { doc: Document | undefined } })[AGAIN];
  return (held.doc ??= documentAgain(source.segment!, source.snapshot));
}

const documentAgainGetters: PropertyDescriptorMap = {
  doc: {
    get(this: StreamSource) {
      return documentOnce(this);
    },
  },
  node: {
    get(this: StreamSource) {
      return documentOnce(this).contents;
    },
  },
};

/** The resource's document, parsed from its segment as readManifests parsed it from the stream. */
function documentAgain(segment: Segment, snapshot: string): Document {
  const composer = new Composer(readOptions);
  const docs: Document[] = [];
  for (const tok of new Parser().parse(segment.text)) for (const d of composer.next(tok)) docs.push(d as Document);
  for (const d of composer.end(false, segment.text.length)) docs.push(d as Document);
  const doc = docs.find((d) => d.range?.[0] === segment.bodyStart);
  if (!doc || doc.errors.length > 0 || JSON.stringify(doc.toJS(toJSOptions)) !== snapshot) {
    throw new Error('internal: a resource does not read back from its own text');
  }
  return doc;
}

/**
 * Removes the parser token from every node and pair except quoted scalars, whose token is how an
 * edited document prints them with their original escapes (yaml-schema.ts); nothing else reads them.
 */
function dropSourceTokens(doc: Document): Document {
  const stack: unknown[] = [doc.contents];
  while (stack.length > 0) {
    const n = stack.pop() as { srcToken?: unknown } | null | undefined;
    if (!n || typeof n !== 'object') continue;
    if (isScalar(n)) {
      if (n.type !== Scalar.QUOTE_DOUBLE && n.type !== Scalar.QUOTE_SINGLE) delete n.srcToken;
    } else if (isMap(n)) {
      delete n.srcToken;
      for (const p of n.items) {
        delete (p as { srcToken?: unknown }).srcToken;
        stack.push(p.key, p.value);
      }
    } else if (isSeq(n)) {
      delete n.srcToken;
      for (const it of n.items) {
        if (isMap(it) || isSeq(it) || isScalar(it) || isAlias(it)) stack.push(it);
        else if (it && typeof it === 'object') {
          // A pair inside a flow sequence (`[a: 1]`).
          delete (it as { srcToken?: unknown }).srcToken;
          stack.push((it as { key?: unknown }).key, (it as { value?: unknown }).value);
        }
      }
    } else if (isAlias(n)) {
      delete n.srcToken;
    }
  }
  return doc;
}

function dedupe(errors: ManifestError[]): ManifestError[] {
  const seen = new Set<string>();
  return errors.filter((e) => !seen.has(e.message) && seen.add(e.message));
}

/** Read each value of a JSON stream as a document of its own, keeping its text. */
function readJsonStream(
  text: string,
  values: Array<[number, number]>,
  origin: string | undefined,
  lineOf: (offset: number) => number,
): ParseResult {
  const items: Item[] = [];
  const errors: ManifestError[] = [];
  values.forEach(([start], k) => {
    // Each value keeps the space after it; the first also keeps what precedes it (a BOM, blank lines).
    const from = k === 0 ? 0 : start;
    const to = k === values.length - 1 ? text.length : values[k + 1]![0];
    const part = readManifests(text.slice(from, to), origin, false);
    const lineShift = lineOf(from) - 1;
    for (const e of part.errors) {
      errors.push(new ManifestError(e.reason, { file: origin, index: k, item: e.item, line: e.line === undefined ? undefined : e.line + lineShift }));
    }
    const fix = (seg: Segment): Segment => ({ ...seg, streamStart: from === 0 });
    const groups = new Map<StreamSource['group'], StreamSource['group']>();
    for (const it of part.items) {
      const src = streamSourceOf(it)!;
      // Members of one array share one group object (the writer compares them by identity).
      if (src.group && !groups.has(src.group)) groups.set(src.group, { ...src.group, segment: fix(src.group.segment) });
      const source: StreamSource = {
        ...src,
        index: k,
        resourceIndex: items.length,
        segment: src.segment && fix(src.segment),
        group: src.group && groups.get(src.group),
      };
      items.push({ object: it.object, source });
    }
  });
  return errors.length > 0 ? { items: [], errors } : { items, errors };
}

function expandMembers(
  members: unknown[],
  nodes: unknown[],
  where: { file: string | undefined; index: number; line: number },
  segment: Segment,
  base: Omit<StreamSource, 'member' | 'resourceIndex' | 'snapshot' | 'node' | 'segment' | 'group'>,
  items: Item[],
  errors: ManifestError[],
  lineOf: (offset: number) => number,
): void {
  const group = { segment, size: members.length };
  members.forEach((m, i) => {
    const node = nodes[i] as Node | undefined;
    const at = { ...where, item: i, line: node?.range ? lineOf(node.range[0]) : where.line };
    if (!isPlainObject(m)) {
      errors.push(new ManifestError(`the list item is a ${describeType(m)}, not a mapping (a resource)`, at));
      return;
    }
    const bad = missingTypeInfo(m);
    if (bad) {
      errors.push(new ManifestError(bad, at));
      return;
    }
    const source: StreamSource = {
      ...base,
      member: i,
      resourceIndex: items.length,
      snapshot: JSON.stringify(m),
      node: node && !isAlias(node) ? node : base.doc.createNode(m),
      segment: undefined,
      group,
    };
    items.push({ object: m as KubeObject, source });
  });
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describeType(v: unknown): string {
  if (Array.isArray(v)) return 'sequence';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'non-mapping value' : `${typeof v} scalar`;
}

function missingTypeInfo(v: Record<string, unknown>): string | undefined {
  for (const field of ['apiVersion', 'kind'] as const) {
    const f = v[field];
    if (f === undefined) return `the resource has no ${field}`;
    if (typeof f !== 'string' || f === '') return `the resource's ${field} is not a non-empty string`;
  }
  return undefined;
}

/** `kind: List`, or any `<Kind>List` that carries an `items` sequence (kubectl's list convention). */
function isListKind(v: Record<string, unknown>): boolean {
  const kind = v.kind as string;
  if (!kind.endsWith('List') || !Array.isArray(v.items)) return false;
  // A KRM ResourceList is the function wire format, not a list of resources to render.
  if (kind === 'ResourceList' && typeof v.apiVersion === 'string' && v.apiVersion.startsWith('config.kubernetes.io/')) {
    return false;
  }
  return true;
}

function looksLikeJson(text: string, contents: Node): boolean {
  const r = contents.range;
  if (!r || !(isMap(contents) || isSeq(contents)) || !contents.flow) return false;
  try {
    JSON.parse(text.slice(r[0], r[1]));
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------- writing

/**
 * A stretch of the output that is a stretch of an input text, `base.slice(from, to)`, kept as offsets:
 * consecutive untouched segments of one stream merge into one run, written as slices of the input
 * (no copy of the passed-through bytes is made before they are written: peak memory, issue 19).
 */
class InputRun {
  constructor(
    readonly base: string,
    readonly from: number,
    public to: number,
  ) {}
}

/** A run at least this long is written as slices of the input; a shorter one is copied into a piece. */
const MIN_SLICE = 4096;

class StreamWriter {
  private readonly parts: Array<string | InputRun> = [];
  private endsWithNewline = true;
  private lastClosed = false;

  /** `at`: where `seg.text` lies in the text it was cut from (stream-lazy.ts unreadSegment), when known. */
  segment(seg: Segment, at?: { readonly text: string; readonly from: number }): void {
    let t = seg.text;
    if (this.parts.length > 0) {
      if (t.startsWith('\uFEFF')) t = t.slice(1);
      this.separate(seg.opensWithMarker, seg.hasDirectives);
    } else if (!seg.streamStart) {
      t = t.replace(/^(\uFEFF?)---\r?\n/, '$1');
    }
    // Both changes above take a prefix off the segment's text, except where the `---` line after a kept
    // BOM goes (no lazily read stream holds a BOM today): then `t` is no stretch of the input, and is copied.
    const prefixOnly = t.length === seg.text.length || t.charCodeAt(0) !== 0xfeff;
    this.push(t, seg.closed, at && prefixOnly ? { base: at.text, from: at.from + seg.text.length - t.length } : undefined);
  }

  generated(t: string): void {
    if (this.parts.length > 0) {
      if (!this.endsWithNewline) this.parts.push('\n');
      // A document printed with its `%YAML`/`%TAG` directives brings its own `---`; the one before it
      // must then be ended with `...`.
      if (/^(?:[ \t]*(?:#[^\n]*)?\n)*%/.test(t)) {
        if (!this.lastClosed) this.parts.push('...\n');
      } else {
        this.parts.push('---\n');
      }
    }
    this.push(t, false);
  }

  private separate(opensWithMarker: boolean, hasDirectives: boolean): void {
    if (!this.endsWithNewline) this.parts.push('\n');
    if (this.lastClosed) return;
    if (hasDirectives) this.parts.push('...\n');
    else if (!opensWithMarker) this.parts.push('---\n');
  }

  private push(t: string, closed: boolean, at?: { base: string; from: number }): void {
    if (t === '') return;
    const last = this.parts[this.parts.length - 1];
    if (at && last instanceof InputRun && last.base === at.base && last.to === at.from) last.to += t.length;
    else this.parts.push(at ? new InputRun(at.base, at.from, at.from + t.length) : t);
    this.endsWithNewline = t.endsWith('\n');
    this.lastClosed = closed;
  }

  toString(): string {
    return this.parts.map((p) => (typeof p === 'string' ? p : p.base.slice(p.from, p.to))).join('');
  }

  /**
   * The same text in pieces of about `size` characters. A run of the input of MIN_SLICE characters or
   * more becomes slices of the input of at most `size` characters, each cut after a newline where there
   * is one (never inside a surrogate pair); everything else is joined into pieces, each part whole, a
   * piece ending with the first part that takes it to `size`.
   */
  chunks(size: number): string[] {
    const out: string[] = [];
    let group: string[] = [];
    let length = 0;
    const add = (s: string): void => {
      group.push(s);
      length += s.length;
      if (length >= size) flush();
    };
    const flush = (): void => {
      if (group.length > 0) out.push(group.length === 1 ? group[0]! : group.join(''));
      group = [];
      length = 0;
    };
    for (const p of this.parts) {
      if (typeof p === 'string') {
        add(p);
        continue;
      }
      let from = p.from;
      if (p.to - from >= MIN_SLICE) {
        flush();
        while (p.to - from > size) {
          const cut = cutBefore(p.base, from, from + size);
          out.push(p.base.slice(from, cut));
          from = cut;
        }
        if (p.to - from >= MIN_SLICE) {
          out.push(p.base.slice(from, p.to));
          continue;
        }
      }
      add(p.base.slice(from, p.to));
    }
    flush();
    return out;
  }
}

/** Where to end a slice of `text` that starts at `from` and ends at `limit` at the latest (> `from`). */
function cutBefore(text: string, from: number, limit: number): number {
  const nl = text.lastIndexOf('\n', limit - 1);
  if (nl >= from) return nl + 1;
  const c = text.charCodeAt(limit - 1);
  return c >= 0xd800 && c <= 0xdbff && limit - 1 > from ? limit - 1 : limit;
}

/** Write items as a YAML stream; untouched items keep their original text (see the top of this file). */
export function writeManifests(items: readonly Item[]): string {
  return writeStream(items).toString();
}

/**
 * `asYamlStream(writeManifests(items))` in pieces of about 64 kB, to be written one after the other: the
 * stream is never one string, nor one buffer on its way out (peak memory, issue 19). A run of unread
 * lazy items is not copied: its pieces are slices of the input's text (StreamWriter.chunks). Every piece
 * is made before the first is written.
 */
export function writeYamlStreamChunks(items: readonly Item[], size = 1 << 16): string[] {
  const chunks = writeStream(items).chunks(size);
  // asYamlStream looks at the whole text; a stream that may need its `---` is joined for it (JSON first).
  if (chunks.length > 1 && /^\s*(?:\{|$)/.test(chunks[0]!)) return [asYamlStream(chunks.join(''))];
  return chunks.length === 1 ? [asYamlStream(chunks[0]!)] : chunks;
}

function writeStream(items: readonly Item[]): StreamWriter {
  const w = new StreamWriter();
  for (let i = 0; i < items.length; ) {
    const item = items[i]!;
    // An unread lazy item (stream-lazy.ts) is written as its segment, a slice of its stream's text.
    const unread = unreadSegment(item);
    if (unread) {
      w.segment(unread.segment, unread);
      i++;
      continue;
    }
    const src = streamSourceOf(item);
    if (src?.group && src.member === 0 && groupIntact(items, i, src)) {
      w.segment(src.group.segment);
      i += src.group.size;
      continue;
    }
    i++;
    // A generated Secret keeps the comments that stood above the ExternalSecret it replaces.
    const replacement = replacementOf(item) ?? (item.replaces && !item.source ? replacementOf(replacementFor(item.replaces, item.object)) : undefined);
    if (replacement) {
      w.generated(replacement.comments + stringifyNew(item.object));
    } else if (src && isUntouched(item)) {
      if (src.segment) w.segment(src.segment);
      else w.generated(src.format === 'yaml' ? nodeText(src, item.object) : stringifyNew(item.object));
    } else if (src && src.format === 'yaml') {
      w.generated(nodeText(src, item.object));
    } else {
      w.generated(stringifyNew(item.object));
    }
  }
  return w;
}

function groupIntact(items: readonly Item[], at: number, first: StreamSource): boolean {
  const group = first.group!;
  if (at + group.size > items.length) return false;
  for (let k = 0; k < group.size; k++) {
    const it = items[at + k]!;
    const s = streamSourceOf(it);
    if (!s || s.group !== group || s.member !== k || !isUntouched(it)) return false;
  }
  return true;
}

/**
 * Print a YAML resource from its parsed node, edited to match `object`: unchanged parts keep comments,
 * quoting and spelling. Falls back to a fresh rendering if the node cannot stand alone (an alias to an
 * anchor outside it).
 */
function nodeText(src: StreamSource, object: KubeObject): string {
  try {
    let doc: Document;
    // Comments above the document's own start (outside it, so not in the parsed document) are kept.
    let above = '';
    if (src.segment) {
      doc = src.doc.clone();
      if (doc.directives) doc.directives.docStart = null;
      above = leadingComments(src.segment.text.slice(0, src.segment.bodyStart));
      // The parser also keeps those comments as the document's commentBefore; printing both doubled them.
      if (above !== '') doc.commentBefore = null;
    } else {
      doc = new Document(null, readOptions);
      doc.contents = src.node.clone() as Document['contents'];
    }
    syncDocument(doc, object);
    // Existing block scalars keep their style (`>` stays folded); new multi-line strings become `|`.
    const text = doc.toString({ ...writeOptions, indent: src.indent, indentSeq: !src.compactSequences, blockQuote: true });
    // The emitter has corner cases around comments; an edit must never change meaning, so the text is
    // read back and, if it does not give the object, the resource is printed afresh (comments lost).
    if (!readsBackAs(text, object)) return above + stringifyNew(object);
    return above + (text.endsWith('\n') ? text : `${text}\n`);
  } catch {
    return stringifyNew(object);
  }
}

function readsBackAs(text: string, object: KubeObject): boolean {
  const docs = parseAllDocuments(text, readOptions);
  if (!Array.isArray(docs) || docs.length !== 1 || docs[0]!.errors.length > 0) return false;
  return JSON.stringify(docs[0]!.toJS(toJSOptions)) === JSON.stringify(object);
}

/** Source of a new object that takes the place of a read resource (see `replacementFor`). */
interface ReplacementSource {
  readonly kind: 'eso-render/replacement';
  /** Full-line comments, each ending with a newline. */
  readonly comments: string;
}

function replacementOf(item: Item): ReplacementSource | undefined {
  const s = item.source as ReplacementSource | undefined;
  return s && typeof s === 'object' && s.kind === 'eso-render/replacement' ? s : undefined;
}

/**
 * A new object (the Secret rendered from an ExternalSecret) that takes `original`'s place: it is printed
 * afresh, under the comments that stood above the original (a Helm `# Source:` line, a licence header),
 * so they are not lost with it.
 */
export function replacementFor(original: Item, object: KubeObject): Item {
  const src = streamSourceOf(original);
  const comments = src?.segment ? leadingComments(src.segment.text) : '';
  const source: ReplacementSource = { kind: 'eso-render/replacement', comments };
  return comments === '' ? { object } : { object, source };
}

/**
 * kubectl and Argo CD read a stream that starts with `{` as a sequence of JSON objects (YAMLOrJSONDecoder)
 * and then fail at the first `---`. An untouched JSON file keeps its text, so a written stream may start
 * that way: a leading document marker makes it YAML, of which JSON documents are valid members.
 */
export function asYamlStream(text: string): string {
  return /^\s*\{/.test(text) && /\n---/.test(text) ? `---\n${text}` : text;
}

/** Serialise a new object (a generated Secret) with YAML 1.1-safe quoting. */
export function stringifyObject(obj: KubeObject): string {
  return stringifyNew(obj);
}

/**
 * The item without the annotations `drop` selects. The returned item shares the original source, so
 * `writeManifests` edits the parsed document (comments and spelling elsewhere survive) instead of
 * printing the resource from scratch. Removing the last annotation removes the `annotations` key.
 */
export function withoutAnnotations(item: Item, drop: (key: string) => boolean): Item {
  const annotations = item.object.metadata?.annotations;
  if (!annotations || !Object.keys(annotations).some(drop)) return item;
  const kept = Object.fromEntries(Object.entries(annotations).filter(([k]) => !drop(k)));
  const { annotations: _dropped, ...restMeta } = item.object.metadata!;
  const metadata = Object.keys(kept).length > 0 ? { ...item.object.metadata!, annotations: kept } : restMeta;
  return { object: { ...item.object, metadata }, source: item.source };
}
