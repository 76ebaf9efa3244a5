// Lazy reading (issue 19): most documents of a stream are only copied through, so they need not be
// parsed. stream-scan.ts finds each document and its top-level apiVersion/kind without the yaml package;
// only the documents the engine acts on (ESO apiVersions, and Lists, whose members could be anything)
// are parsed when the stream is read. Every other document becomes an item whose object knows its
// apiVersion and kind and is parsed the first time anything else of it is read (the engine reads a
// ConfigMap or Secret only when something refers to it, a workload only when it may be stamped); an item
// never read is written back as its original text. A stream the scan cannot decide is parsed whole.
//
// A document that is parsed is first offered to the fast reader (yaml-fast.ts), which reads simple block
// YAML to exactly the value the `yaml` path gives, or declines; a declined document (and every document of
// a stream the scan cannot decide) is parsed with `yaml`, which gives its errors as before. The fast
// reader never reports an error: a document it takes is one `yaml` reads without any.
//
// A document parsed on first use that turns out not to be valid is recorded; the front end asks
// `lateErrors` after the engine ran and fails the run, so no output is written from a stream with an
// error the engine ran into. A document never read is not checked at all (docs/benchmarks.md, "Lazy
// reading", lists what it no longer gets).
//
// What an unread document costs (peak memory per passed-through byte, issue 19): one small state object
// (LazyState), the target of two Proxies, its item's object and its item's source, and the item itself;
// no segment, no text of its own (both are cut from the stream's text when asked for), no closures. Its
// source reads as a parsed one (the fields of StreamSource, the parsed-only ones as getters), refuses
// changes, and gives a new but equal segment each time it is asked for one. The writer writes a run of
// unread documents as slices of the stream's text (unreadSegment).
import type { Item, KubeObject } from '../engine/types.js';
import { ManifestError, stageOf, withStage } from './yaml-errors.js';
import { isEsoApiVersion, scanStream, type ScannedDocument } from './stream-scan.js';
import { lineAt, lineStarts, onlyPreamble } from './yaml-text.js';
import type { ParseResult, Segment, StreamSource } from './stream.js';
import { readSimpleDocument } from './yaml-fast.js';

type FullReader = (text: string, origin: string | undefined) => ParseResult;

/**
 * The item of one resource read by the fast reader (yaml-fast.ts), as the whole-stream reader would have
 * made it from the same segment, or undefined when the value is not a plain resource (the caller then
 * reads the segment with `yaml`, which words the error).
 */
export type FastItem = (value: unknown, fields: Omit<StreamSource, 'doc' | 'node' | 'snapshot' | 'compactSequences' | 'indent'>) => Item | undefined;

/** What a stream's lazy items share: the text and how its documents are read. */
interface StreamContext {
  readonly text: string;
  readonly origin: string | undefined;
  readonly readFull: FullReader;
  readonly fastItem: FastItem | undefined;
  lines: number[] | undefined;
}

/** A lazy document that does not read: its errors, and what its object reads as (made on first use). */
class Unreadable {
  stub: KubeObject | undefined = undefined;
  constructor(readonly errors: ManifestError[]) {}
}

/**
 * One lazy document (issue 19: kept small, one plain object and no closures per document; neither its
 * segment nor the segment's text is kept, both are cut from the stream's text when asked for). It is the
 * target of both its object's Proxy and its source's (a plain extensible object whose properties are all
 * configurable, so the traps answer as with an empty target, and each proxy's prototype is
 * Object.prototype).
 */
interface LazyState {
  readonly ctx: StreamContext;
  /** Index of the document in the stream. */
  readonly k: number;
  /** Where the resource's segment starts in the stream. */
  readonly from: number;
  /** Where the document starts (its segment's bodyStart, from the stream's start). */
  readonly start: number;
  /** Where the document ends (ScannedDocument.end): its segment too, but for the stream's last resource. */
  readonly end: number;
  /** The first document of its segment. */
  readonly firstDoc: number;
  readonly resourceIndex: number;
  /** OPENS_WITH_MARKER, CLOSED (the segment's), LAST (the stream's last resource: its segment takes the rest). */
  readonly flags: number;
  readonly apiVersion: string;
  readonly kind: string;
  /** Undefined until the document is first read: then its item, or why it does not read. */
  res: Item | Unreadable | undefined;
}

const OPENS_WITH_MARKER = 1;
const CLOSED = 2;
const LAST = 4;

const LAZY = Symbol('eso-render/lazy');

/** The state of a lazy source or a lazy object (their proxies answer LAZY with it), else undefined. */
function lazyState(src: unknown): LazyState | undefined {
  return src && typeof src === 'object' ? (src as { [LAZY]?: LazyState })[LAZY] : undefined;
}

const lineOf = (ctx: StreamContext, offset: number): number => lineAt((ctx.lines ??= lineStarts(ctx.text)), offset);

/** Where a lazy document's segment ends in the stream. */
const segmentEnd = (st: LazyState): number => (st.flags & LAST ? st.ctx.text.length : st.end);

/** A lazy document's segment text (a slice of the stream's, made each time). */
const segmentText = (st: LazyState): string => st.ctx.text.slice(st.from, segmentEnd(st));

/** A lazy document's segment, as the whole-stream reader cuts it (a new object each time it is asked for). */
function lazySegment(st: LazyState): Segment {
  return {
    text: segmentText(st),
    opensWithMarker: (st.flags & OPENS_WITH_MARKER) !== 0,
    closed: (st.flags & CLOSED) !== 0,
    streamStart: st.from === 0,
    hasDirectives: false,
    bodyStart: st.start - st.from,
  };
}

/**
 * The document from `start` to `end` read by the fast reader as the item of the resource whose segment
 * `segment` makes (only when it is read), or undefined when it declines (or the value is not a plain resource): then the segment is
 * read with `yaml`, as the whole-stream reader reads it.
 */
function readFast(ctx: StreamContext, k: number, start: number, end: number, segment: () => Segment, resourceIndex: number): Item | undefined {
  if (!ctx.fastItem) return undefined;
  const value = readSimpleDocument(ctx.text, start, end);
  if (value === undefined) return undefined;
  return ctx.fastItem(value, { kind: 'eso-render/stream', format: 'yaml', origin: ctx.origin, index: k, resourceIndex, member: undefined, segment: segment(), group: undefined });
}

/** The items of one resource's segment, parsed as the whole-stream reader would have parsed them. */
function parseSegment(ctx: StreamContext, from: number, to: number, firstDoc: number, resourceIndex: number): ParseResult {
  const { origin } = ctx;
  const part = ctx.readFull(ctx.text.slice(from, to), origin);
  const lineShift = lineOf(ctx, from) - 1;
  const errs = part.errors.map((e) =>
    withStage(new ManifestError(e.reason, { file: origin, index: (e.index ?? 0) + firstDoc, item: e.item, line: e.line === undefined ? undefined : e.line + lineShift }), stageOf(e)),
  );
  const fix = (seg: Segment): Segment => ({ ...seg, streamStart: from === 0 });
  const groups = new Map<StreamSource['group'], StreamSource['group']>();
  const out = part.items.map((it, n): Item => {
    const src = it.source as StreamSource;
    if (src.group && !groups.has(src.group)) groups.set(src.group, { ...src.group, segment: fix(src.group.segment) });
    // Copied field by field: a source's doc may be a getter (read again on first use).
    const source: StreamSource = Object.defineProperties(
      {
        ...src,
        index: src.index + firstDoc,
        resourceIndex: resourceIndex + n,
        segment: src.segment && fix(src.segment),
        group: src.group && groups.get(src.group),
      },
      { doc: { get: () => src.doc, enumerable: true }, node: { get: () => src.node, enumerable: true } },
    );
    return { object: it.object, source };
  });
  return { items: out, errors: errs };
}

/** A lazy document's item, parsed on first call (undefined, with its errors kept, when it does not read). */
function load(st: LazyState): Item | undefined {
  if (st.res === undefined) st.res = read(st);
  return st.res instanceof Unreadable ? undefined : st.res;
}

function read(st: LazyState): Item | Unreadable {
  const { ctx, k, apiVersion, kind } = st;
  // The same segment as the whole-stream reader's.
  const fast = readFast(ctx, k, st.start, st.end, () => lazySegment(st), st.resourceIndex);
  if (fast && fast.object.apiVersion === apiVersion && fast.object.kind === kind) return fast;
  const part = parseSegment(ctx, st.from, segmentEnd(st), st.firstDoc, st.resourceIndex);
  const it = part.items[0];
  if (part.errors.length > 0) return new Unreadable(part.errors);
  if (part.items.length !== 1 || it!.object.apiVersion !== apiVersion || it!.object.kind !== kind) {
    // The scan and the parser disagree: never guess, fail the run.
    return new Unreadable([new ManifestError('internal: the document does not read as its first scan said', { file: ctx.origin, index: k, line: lineOf(ctx, st.start) })]);
  }
  return it!;
}

/** What the object of a document that does not read reads as (the same object each time). */
const stubOf = (st: LazyState): KubeObject => ((st.res as Unreadable).stub ??= { apiVersion: st.apiVersion, kind: st.kind } as KubeObject);

/** The parsed object, or the stub when the document does not read. */
const real = (st: LazyState): KubeObject => load(st)?.object ?? stubOf(st);

const isLoaded = (st: LazyState): boolean => st.res !== undefined;

function loadedSource(st: LazyState): StreamSource {
  const l = load(st);
  if (!l) throw new Error('internal: an unreadable document has no parsed source');
  return l.source as StreamSource;
}

/** A lazy source's own properties, in the order a parsed source has them (all enumerable). */
const SOURCE_KEYS: readonly (keyof StreamSource)[] = ['kind', 'format', 'origin', 'index', 'resourceIndex', 'member', 'segment', 'group', 'snapshot', 'doc', 'node', 'compactSequences', 'indent'];

const isSourceKey = (p: string | symbol): p is keyof StreamSource => (SOURCE_KEYS as readonly (string | symbol)[]).includes(p);

/** The field `p` of a lazy source: what the scan knows, or what the parsed document gives. */
function sourceField(st: LazyState, p: string | symbol, receiver: unknown): unknown {
  switch (p) {
    case LAZY:
      return st;
    case 'kind':
      return 'eso-render/stream';
    case 'format':
      return 'yaml';
    case 'origin':
      return st.ctx.origin;
    case 'index':
      return st.k;
    case 'resourceIndex':
      return st.resourceIndex;
    case 'member':
    case 'group':
      return undefined;
    case 'segment':
      return lazySegment(st);
    case 'snapshot':
      return load(st) ? loadedSource(st).snapshot : JSON.stringify(stubOf(st));
    case 'doc':
    case 'node':
    case 'compactSequences':
    case 'indent':
      return loadedSource(st)[p];
    default:
      // What any plain object has (toString, hasOwnProperty, ...).
      return Reflect.get(Object.prototype, p, receiver);
  }
}

/**
 * The fields only the parsed document gives, described as getters (as a parsed source describes them),
 * so that listing a lazy source's properties does not parse it; one getter per field for every source.
 */
const parsedFieldGetters: Partial<Record<keyof StreamSource, () => unknown>> = Object.fromEntries(
  (['snapshot', 'doc', 'node', 'compactSequences', 'indent'] as const).map((name) => [
    name,
    function (this: unknown) {
      const st = lazyState(this);
      return st && sourceField(st, name, this);
    },
  ]),
);

/**
 * The handler of every lazy source (its target is the document's state): it reads as a parsed source,
 * a plain object with the fields of StreamSource, each computed when read; it cannot be changed.
 */
const lazySourceHandler: ProxyHandler<LazyState> = {
  get: sourceField,
  has: (_st, p) => isSourceKey(p) || p in Object.prototype,
  ownKeys: () => [...SOURCE_KEYS],
  getOwnPropertyDescriptor: (st, p) => {
    if (!isSourceKey(p)) return undefined;
    const get = parsedFieldGetters[p];
    return get ? { get, set: undefined, enumerable: true, configurable: true } : { value: sourceField(st, p, undefined), writable: false, enumerable: true, configurable: true };
  },
  set: () => false,
  deleteProperty: () => false,
  defineProperty: () => false,
  setPrototypeOf: () => false,
  preventExtensions: () => false,
};

/** A lazy item's `certainlyLacks`: only while unread, no backslash (an escape could spell `s`) and no `s` in the text. */
function certainlyLacks(this: Item | undefined, s: string): boolean {
  // Called on anything but a lazy item (detached, or on a copy whose source is no lazy one): not known.
  const st = lazyState(this?.source);
  if (!st || isLoaded(st)) return false;
  const text = segmentText(st);
  return !text.includes('\\') && !text.includes(s);
}

/** For an item read lazily and never looked at beyond its apiVersion/kind: true (its text is written as is). */
export function unreadLazyItem(item: Item): boolean {
  const st = lazyState(item.source);
  return st !== undefined && !isLoaded(st) && lazyState(item.object) === st;
}

/**
 * False only for an unread item whose text cannot hold an annotation: no `annotations` in it, and no
 * backslash (an escaped key could spell it). Such an item is known to have none without parsing it.
 */
export function mayHaveAnnotations(item: Item): boolean {
  if (!unreadLazyItem(item)) return true;
  const text = segmentText(lazyState(item.source)!);
  return text.includes('annotations') || text.includes('\\');
}

/**
 * For an unread lazy item (unreadLazyItem): its segment, and where it lies in the stream's text
 * (`segment.text` is `text.slice(from, from + segment.text.length)`), so that the writer writes an
 * untouched run of such segments as slices of that text instead of a copy (peak memory, issue 19).
 * Undefined for any other item.
 */
export function unreadSegment(item: Item): { readonly segment: Segment; readonly text: string; readonly from: number } | undefined {
  const st = lazyState(item.source);
  if (st === undefined || isLoaded(st) || lazyState(item.object) !== st) return undefined;
  return { segment: lazySegment(st), text: st.ctx.text, from: st.from };
}

/** Errors of documents the engine read after the stream was read (each one parsed on first use). */
export function lateErrors(items: readonly Item[]): ManifestError[] {
  const out: ManifestError[] = [];
  for (const it of items) {
    const st = lazyState(it.source);
    if (st?.res instanceof Unreadable) out.push(...st.res.errors);
  }
  return out;
}

/** Which documents are parsed when the stream is read. */
function parsedUpFront(d: ScannedDocument): boolean {
  return isEsoApiVersion(d.apiVersion) || (d.kind !== undefined && d.kind.endsWith('List'));
}

/**
 * Reads `text` lazily, with the number of documents the scan found (the caller counts them against the
 * input limit; `readFull` must not count them again). Undefined when the scan cannot decide or the stream
 * holds more than `maxDocuments` documents: the caller then parses it whole (and refuses it there).
 */
export function readLazily(
  text: string,
  origin: string | undefined,
  readFull: FullReader,
  maxDocuments = Infinity,
  fastItem?: FastItem,
): { result: ParseResult; documents: number } | undefined {
  const docs = scanStream(text, maxDocuments);
  if (!docs) return undefined;
  const res: number[] = [];
  docs.forEach((d, k) => d.apiVersion !== undefined && res.push(k));
  // Without the fast reader, when most documents must be parsed anyway, one pass over the whole stream
  // is cheaper than one `yaml` parser per document (10,000 ExternalSecrets: docs/benchmarks.md). With it,
  // each document the fast reader takes costs a fraction of either.
  if (!fastItem && res.filter((k) => parsedUpFront(docs[k]!)).length * 2 > res.length) return undefined;
  const ctx: StreamContext = { text, origin, readFull, fastItem, lines: undefined };
  // Resource p's segment, as the whole-stream reader cuts it (stream.ts): from the end of the previous
  // resource's document to the end of its own (the last resource also takes what trails the stream),
  // its first document the one after the previous resource's.
  const last = res.length - 1;
  const fromOf = (p: number): number => (p === 0 ? 0 : docs[res[p - 1]!]!.end);
  const toOf = (p: number): number => (p === last ? text.length : docs[res[p]!]!.end);
  const firstDocOf = (p: number): number => (p === 0 ? 0 : res[p - 1]! + 1);
  const opensWithMarker = (p: number): boolean => {
    const first = docs[firstDocOf(p)]!;
    return first.marker && onlyPreamble(text, fromOf(p), first.start);
  };
  const closed = (p: number): boolean => (p === last ? docs[docs.length - 1]! : docs[res[p]!]!).closed;

  // The resources parsed now are found first, then read, then every item is made in stream order: each
  // loop stays small (a loop the JIT compiles while it runs takes memory in proportion to the code it
  // holds, inlined calls included: issue 19). A document that names an ESO group anywhere is parsed
  // too: the scan is never the only judge of whether a resource is one the engine renders.
  const upFront: number[] = [];
  for (let p = 0; p <= last; p++) {
    if (parsedUpFront(docs[res[p]!]!) || text.slice(fromOf(p), toOf(p)).includes('external-secrets.io')) upFront.push(p);
  }
  // Resource p's first item is item p of the stream but for the items Lists added before it.
  let added = 0;
  const parsed = upFront.map((p): Item | ParseResult => {
    const k = res[p]!;
    const d = docs[k]!;
    const from = fromOf(p);
    const to = toOf(p);
    const segment = (): Segment => ({ text: text.slice(from, to), opensWithMarker: opensWithMarker(p), closed: closed(p), streamStart: from === 0, hasDirectives: false, bodyStart: d.start - from });
    const r = readFast(ctx, k, d.start, d.end, segment, p + added) ?? parseSegment(ctx, from, to, firstDocOf(p), p + added);
    if ('items' in r) added += r.items.length - 1;
    return r;
  });

  const items: Item[] = [];
  const errors: ManifestError[] = [];
  for (let p = 0, next = 0; p <= last; p++) {
    if (upFront[next] === p) {
      const r = parsed[next++]!;
      if ('items' in r) {
        errors.push(...r.errors);
        items.push(...r.items);
      } else items.push(r);
      continue;
    }
    const k = res[p]!;
    const d = docs[k]!;
    const flags = (opensWithMarker(p) ? OPENS_WITH_MARKER : 0) | (closed(p) ? CLOSED : 0) | (p === last ? LAST : 0);
    const state: LazyState = { ctx, k, from: fromOf(p), start: d.start, end: d.end, firstDoc: firstDocOf(p), resourceIndex: items.length, flags, apiVersion: d.apiVersion!, kind: d.kind!, res: undefined };
    // Three objects per document besides its state: the item, its object and its source.
    items.push({ object: new Proxy(state, lazyObjectHandler) as unknown as KubeObject, source: new Proxy(state, lazySourceHandler), certainlyLacks });
  }
  return { result: errors.length > 0 ? { items: [], errors: inWholeStreamOrder(errors) } : { items, errors }, documents: docs.length };
}

/**
 * The parts' errors as the whole-stream reader reports them for the same stream (yaml-errors.ts
 * ReadStage): only depth and syntax errors when there are any (depth first, each message once), else the
 * conversion errors before the problems of documents as resources, each stage in stream order.
 */
function inWholeStreamOrder(errors: readonly ManifestError[]): ManifestError[] {
  const of = (stage: ReturnType<typeof stageOf>) => errors.filter((e) => stageOf(e) === stage);
  const syntax = [...of('depth'), ...of('syntax')];
  if (syntax.length > 0) {
    const seen = new Set<string>();
    return syntax.filter((e) => !seen.has(e.message) && seen.add(e.message));
  }
  return [...of('conversion'), ...of('resource')];
}

/**
 * The handler of every lazy object: an object that answers `apiVersion` and `kind` from the scan and is
 * parsed on any other use (reading, listing, testing for or changing a property). Every trap forwards to
 * the parsed object. The proxy's target is the document's LazyState.
 */
const lazyObjectHandler: ProxyHandler<LazyState> = {
  get: (st, p) => (p === LAZY ? st : !isLoaded(st) && p === 'apiVersion' ? st.apiVersion : !isLoaded(st) && p === 'kind' ? st.kind : Reflect.get(real(st), p)),
  has: (st, p) => (!isLoaded(st) && (p === 'apiVersion' || p === 'kind')) || Reflect.has(real(st), p),
  ownKeys: (st) => Reflect.ownKeys(real(st)),
  getOwnPropertyDescriptor: (st, p) => {
    const d = Reflect.getOwnPropertyDescriptor(real(st), p);
    return d && { ...d, configurable: true };
  },
  set: (st, p, v) => Reflect.set(real(st), p, v),
  deleteProperty: (st, p) => Reflect.deleteProperty(real(st), p),
  defineProperty: (st, p, d) => Reflect.defineProperty(real(st), p, d),
  preventExtensions: () => false,
};
