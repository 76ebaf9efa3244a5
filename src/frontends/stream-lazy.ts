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

/**
 * One lazy document (issue 19: kept small, one plain object and no closures per document). It is also the
 * target of its object's Proxy (a plain extensible object whose properties are all configurable, so the
 * traps answer as with an empty target, and the proxy's prototype is Object.prototype).
 */
interface LazyState {
  readonly ctx: StreamContext;
  /** Index of the document in the stream. */
  readonly k: number;
  /** Where the resource's segment starts in the stream (it ends at `from + segment.text.length`). */
  readonly from: number;
  /** Where the document ends (ScannedDocument.end). */
  readonly end: number;
  readonly firstDoc: number;
  readonly resourceIndex: number;
  readonly segment: Segment;
  readonly apiVersion: string;
  readonly kind: string;
  object: KubeObject;
  loaded: Item | undefined;
  errors: ManifestError[] | undefined;
  /** What the object reads as when the document cannot be read (made on first use). */
  stub: KubeObject | undefined;
}

const LAZY = Symbol('eso-render/lazy');

function lazyState(src: unknown): LazyState | undefined {
  return src && typeof src === 'object' ? (src as { [LAZY]?: LazyState })[LAZY] : undefined;
}

const lineOf = (ctx: StreamContext, offset: number): number => lineAt((ctx.lines ??= lineStarts(ctx.text)), offset);

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

/** A lazy document's item, parsed on first call (undefined, with `errors` set, when it does not read). */
function load(st: LazyState): Item | undefined {
  if (st.loaded || st.errors) return st.loaded;
  const { ctx, k, from, segment, apiVersion, kind } = st;
  const start = from + segment.bodyStart;
  // The same segment as the whole-stream reader's (a copy of the one the lazy source holds).
  const fast = readFast(ctx, k, start, st.end, () => ({ ...segment }), st.resourceIndex);
  if (fast && fast.object.apiVersion === apiVersion && fast.object.kind === kind) return (st.loaded = fast);
  const part = parseSegment(ctx, from, from + segment.text.length, st.firstDoc, st.resourceIndex);
  const it = part.items[0];
  if (part.errors.length > 0) st.errors = part.errors;
  else if (part.items.length !== 1 || it!.object.apiVersion !== apiVersion || it!.object.kind !== kind) {
    // The scan and the parser disagree: never guess, fail the run.
    st.errors = [new ManifestError('internal: the document does not read as its first scan said', { file: ctx.origin, index: k, line: lineOf(ctx, start) })];
  } else st.loaded = it;
  return st.loaded;
}

const stubOf = (st: LazyState): KubeObject => (st.stub ??= { apiVersion: st.apiVersion, kind: st.kind } as KubeObject);

/** The parsed object, or the stub when the document does not read. */
const real = (st: LazyState): KubeObject => load(st)?.object ?? stubOf(st);

const isLoaded = (st: LazyState): boolean => st.loaded !== undefined || st.errors !== undefined;

function loadedSource(st: LazyState): StreamSource {
  const l = load(st);
  if (!l) throw new Error('internal: an unreadable document has no parsed source');
  return l.source as StreamSource;
}

/** The state of a lazy source (`this` of its getters). */
const stateOf = (src: unknown): LazyState => (src as { [LAZY]: LazyState })[LAZY];

/** A getter of the loaded source's field `name`, for lazySourceGetters. */
const fromLoaded = (name: 'doc' | 'node' | 'compactSequences' | 'indent'): PropertyDescriptor => ({
  get(this: unknown) {
    return loadedSource(stateOf(this))[name];
  },
  enumerable: true,
});

// A lazy source's own enumerable getters, shared by every lazy source (one shape, no closures per document).
const lazySourceGetters: PropertyDescriptorMap = {
  snapshot: {
    get(this: unknown) {
      const st = stateOf(this);
      return load(st) ? loadedSource(st).snapshot : JSON.stringify(stubOf(st));
    },
    enumerable: true,
  },
  doc: fromLoaded('doc'),
  node: fromLoaded('node'),
  compactSequences: fromLoaded('compactSequences'),
  indent: fromLoaded('indent'),
};

/** A lazy item's `certainlyLacks`: only while unread, no backslash (an escape could spell `s`) and no `s` in the text. */
function certainlyLacks(this: Item | undefined, s: string): boolean {
  // Called on anything but a lazy item (detached, or on a copy whose source is no lazy one): not known.
  const st = lazyState(this?.source);
  if (!st) return false;
  const text = st.segment.text;
  return !isLoaded(st) && !text.includes('\\') && !text.includes(s);
}

/** For an item read lazily and never looked at beyond its apiVersion/kind: true (its text is written as is). */
export function unreadLazyItem(item: Item): boolean {
  const st = lazyState(item.source);
  return st !== undefined && st.loaded === undefined && st.errors === undefined && item.object === st.object;
}

/**
 * False only for an unread item whose text cannot hold an annotation: no `annotations` in it, and no
 * backslash (an escaped key could spell it). Such an item is known to have none without parsing it.
 */
export function mayHaveAnnotations(item: Item): boolean {
  if (!unreadLazyItem(item)) return true;
  const text = (item.source as StreamSource).segment!.text;
  return text.includes('annotations') || text.includes('\\');
}

/** Errors of documents the engine read after the stream was read (each one parsed on first use). */
export function lateErrors(items: readonly Item[]): ManifestError[] {
  const out: ManifestError[] = [];
  for (const it of items) {
    const st = lazyState(it.source);
    if (st?.errors) out.push(...st.errors);
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
  const items: Item[] = [];
  const errors: ManifestError[] = [];
  const ctx: StreamContext = { text, origin, readFull, fastItem, lines: undefined };

  /** The segment of resource document `k`, from `from` to `to`, as the whole-stream reader cuts it. */
  const segmentOf = (k: number, from: number, to: number, firstDoc: number, last: boolean): Segment => ({
    text: text.slice(from, to),
    opensWithMarker: docs[firstDoc]!.marker && onlyPreamble(text, from, docs[firstDoc]!.start),
    closed: (last ? docs[docs.length - 1]! : docs[k]!).closed,
    streamStart: from === 0,
    hasDirectives: false,
    bodyStart: docs[k]!.start - from,
  });

  for (let p = 0; p < res.length; p++) {
    const k = res[p]!;
    const d = docs[k]!;
    const last = p === res.length - 1;
    // The same segments as the whole-stream reader (stream.ts): from the end of the previous resource's
    // document to the end of this one; the last resource also takes what trails the stream.
    const from = p === 0 ? 0 : docs[res[p - 1]!]!.end;
    const to = last ? text.length : d.end;
    const firstDoc = p === 0 ? 0 : res[p - 1]! + 1;
    // A document that names an ESO group anywhere is parsed too: the scan is never the only judge of
    // whether a resource is one the engine renders.
    if (parsedUpFront(d) || text.slice(from, to).includes('external-secrets.io')) {
      const fast = readFast(ctx, k, d.start, d.end, () => segmentOf(k, from, to, firstDoc, last), items.length);
      if (fast) {
        items.push(fast);
        continue;
      }
      const part = parseSegment(ctx, from, to, firstDoc, items.length);
      errors.push(...part.errors);
      items.push(...part.items);
      continue;
    }
    const segment = segmentOf(k, from, to, firstDoc, last);
    const state: LazyState = {
      ctx,
      k,
      from,
      end: d.end,
      firstDoc,
      resourceIndex: items.length,
      segment,
      apiVersion: d.apiVersion!,
      kind: d.kind!,
      object: undefined as unknown as KubeObject,
      loaded: undefined,
      errors: undefined,
      stub: undefined,
    };
    state.object = new Proxy(state as unknown as KubeObject, lazyObjectHandler);
    // A literal, not a spread: getters added to a spread copy give every object a map of its own.
    const fields = { kind: 'eso-render/stream' as const, format: 'yaml' as const, origin, index: k, resourceIndex: state.resourceIndex, member: undefined, segment, group: undefined };
    const source = Object.defineProperty(Object.defineProperties(fields, lazySourceGetters), LAZY, { value: state }) as StreamSource;
    const item: Item = { object: state.object, source, certainlyLacks };
    items.push(item);
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
const lazyObjectHandler: ProxyHandler<KubeObject> = {
  get: (t, p) => {
    const st = t as unknown as LazyState;
    return !isLoaded(st) && p === 'apiVersion' ? st.apiVersion : !isLoaded(st) && p === 'kind' ? st.kind : Reflect.get(real(st), p);
  },
  has: (t, p) => {
    const st = t as unknown as LazyState;
    return (!isLoaded(st) && (p === 'apiVersion' || p === 'kind')) || Reflect.has(real(st), p);
  },
  ownKeys: (t) => Reflect.ownKeys(real(t as unknown as LazyState)),
  getOwnPropertyDescriptor: (t, p) => {
    const d = Reflect.getOwnPropertyDescriptor(real(t as unknown as LazyState), p);
    return d && { ...d, configurable: true };
  },
  set: (t, p, v) => Reflect.set(real(t as unknown as LazyState), p, v),
  deleteProperty: (t, p) => Reflect.deleteProperty(real(t as unknown as LazyState), p),
  defineProperty: (t, p, d) => Reflect.defineProperty(real(t as unknown as LazyState), p, d),
  // The target is the document's state, not the resource: made non-extensible, Proxy's rules would check
  // every answer against the state's fields. A lazy object refuses instead (Object.freeze, seal and
  // preventExtensions throw a TypeError; Reflect.preventExtensions gives false).
  preventExtensions: () => false,
};
