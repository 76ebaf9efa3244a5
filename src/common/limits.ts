// Bounds on the work one run may do (issue 14, "bounded work"). Below every other layer: the front ends
// bound the input they read, the engine bounds template execution, and the template engine bounds what
// its parsers (fromYaml, fromJson) accept. Configured by `spec.limits` of the RenderConfig
// (src/config/limits-section.ts); the defaults fit a 2-core machine with room.

export interface RenderLimits {
  /** Operations all templates of one run may take together (nodes walked, loop turns, function work). */
  templateOperations: number;
  /** Bytes all templates of one run may write together; no single value may be larger either. */
  templateOutputBytes: number;
  /** Bytes of manifest input one run may read (a stream, the files given, a ResourceList). */
  inputBytes: number;
  /** YAML documents (empty ones included) one run may read. */
  documents: number;
  /**
   * Bytes of every value one run reads from its backends, in total. The API server takes at most 1 MiB per
   * Secret; without a bound, an application whose store answers large bodies to many distinct keys (its own
   * webhook or Vault, say) made the shared sidecar hold them all, and the run died of a V8 heap exhaustion
   * after minutes (32 reads of 15 MiB: 5 GB resident) instead of failing.
   */
  fetchedBytes: number;
}

export const defaultLimits: Readonly<RenderLimits> = Object.freeze({
  templateOperations: 30_000_000,
  templateOutputBytes: 32 * 1024 * 1024,
  inputBytes: 64 * 1024 * 1024,
  documents: 20_000,
  fetchedBytes: 64 * 1024 * 1024,
});

/** Where each limit is set, for messages: a user who hits one learns what to raise. */
export const limitSetting: Readonly<Record<keyof RenderLimits, string>> = Object.freeze({
  templateOperations: 'spec.limits.templateOperations',
  templateOutputBytes: 'spec.limits.templateOutputBytes',
  inputBytes: 'spec.limits.inputBytes',
  documents: 'spec.limits.documents',
  fetchedBytes: 'spec.limits.fetchedBytes',
});

/**
 * Nesting of collections (maps and lists) in one manifest document, and in what `fromYaml`/`fromJson`
 * accept inside a template. Kubernetes objects stay far below it.
 */
export const MAX_DEPTH = 200;

/**
 * Alias expansion budget: the `yaml` package counts each alias it expands, weighted by the aliases nested
 * inside its target, so a "billion laughs" document fails fast instead of exhausting memory. 1000 leaves
 * room for a document that reuses a few anchors a few hundred times.
 */
export const MAX_ALIAS_COUNT = 1000;

