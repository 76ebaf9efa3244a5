// Errors about manifest text. A manifest may carry secret values (a Secret's data, a store's inline
// credentials), so a message names where the problem is (file, document, line) and what kind of problem it
// is, and never quotes any part of the input: the parser's own messages are not reused, only its codes.
import type { ErrorCode } from 'yaml';

export interface ManifestLocation {
  /** The file (or other origin) the text came from; undefined for an anonymous stream. */
  file?: string;
  /** 0-based index of the document in the stream. */
  index?: number;
  /** 0-based position inside a List document (`items`) or a JSON array. */
  item?: number;
  /** 1-based line of the problem, when known. */
  line?: number;
}

export class ManifestError extends Error {
  readonly file: string | undefined;
  readonly index: number | undefined;
  readonly item: number | undefined;
  readonly line: number | undefined;
  /** The problem without the location prefix. */
  readonly reason: string;

  constructor(reason: string, where: ManifestLocation) {
    super(`${describeLocation(where)}: ${reason}`);
    this.name = 'ManifestError';
    this.file = where.file;
    this.index = where.index;
    this.item = where.item;
    this.line = where.line;
    this.reason = reason;
  }
}

/**
 * The stage of reading that found an error. The whole-stream reader (stream.ts) reports the stages in
 * this order, and a stream with a depth or syntax error reports only those; a reader that reads a stream
 * in parts (stream-lazy.ts) orders its parts' errors the same way.
 */
export type ReadStage = 'depth' | 'syntax' | 'conversion' | 'resource';

const stages = new WeakMap<ManifestError, ReadStage>();

export function withStage<T extends ManifestError>(e: T, stage: ReadStage): T {
  stages.set(e, stage);
  return e;
}

/** The stage that found `e` ('resource' for a problem with a document's value as a resource). */
export function stageOf(e: ManifestError): ReadStage {
  return stages.get(e) ?? 'resource';
}

export function describeLocation(where: ManifestLocation): string {
  const parts = [where.file ?? '<stream>'];
  if (where.index !== undefined) parts.push(`document ${where.index}`);
  if (where.item !== undefined) parts.push(`item ${where.item}`);
  if (where.line !== undefined) parts.push(`line ${where.line}`);
  return parts.join(', ');
}

const yamlReasons: Partial<Record<ErrorCode, string>> = {
  ALIAS_PROPS: 'an alias cannot have an anchor or a tag',
  BAD_ALIAS: 'an alias refers to an anchor that is not defined before it',
  BAD_DIRECTIVE: 'invalid %YAML or %TAG directive',
  BAD_DQ_ESCAPE: 'invalid escape sequence in a double-quoted string',
  BAD_INDENT: 'bad indentation',
  BAD_PROP_ORDER: 'anchor and tag in an invalid position',
  BAD_SCALAR_START: 'a plain scalar cannot start with this character',
  BLOCK_AS_IMPLICIT_KEY: 'a block collection cannot be an implicit mapping key',
  BLOCK_IN_FLOW: 'block syntax inside a flow collection',
  DUPLICATE_KEY: 'duplicate mapping key',
  KEY_OVER_1024_CHARS: 'an implicit mapping key is longer than 1024 characters',
  MISSING_CHAR: 'a closing quote, bracket or indicator is missing',
  MULTILINE_IMPLICIT_KEY: 'an implicit mapping key spans several lines',
  MULTIPLE_ANCHORS: 'a node has several anchors',
  MULTIPLE_DOCS: 'several documents where one was expected',
  MULTIPLE_TAGS: 'a node has several tags',
  NON_STRING_KEY: 'a mapping key is not a string',
  RESOURCE_EXHAUSTION: 'the document exceeds a resource limit (nesting depth or alias expansion)',
  TAB_AS_INDENT: 'a tab character is used for indentation',
  TAG_RESOLVE_FAILED: 'a value does not match its tag',
  UNEXPECTED_TOKEN: 'unexpected token',
  BAD_COLLECTION_TYPE: 'a collection does not match its tag',
};

/** A fixed, content-free description of a `yaml` package error code. */
export function yamlReason(code: ErrorCode | string): string {
  const known = (yamlReasons as Record<string, string>)[code];
  return `invalid YAML: ${known ?? 'syntax error'} (${code})`;
}
