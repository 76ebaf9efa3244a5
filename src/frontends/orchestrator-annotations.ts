// What kpt and kustomize put on items, and what a generated Secret inherits from its ExternalSecret.
// Untouched items keep all their annotations because their text is written back as it came.
import { isOrchestratorAnnotation } from '../engine/orchestrator.js';
import type { Item, KubeObject, Result } from '../engine/types.js';

/** The annotation the engine puts on each Secret: `<namespace>/<name>` of the ExternalSecret it came from. */
export const sourceExternalSecretAnnotation = 'eso-render.dev/external-secret';

const pathKeys = ['internal.config.kubernetes.io/path', 'config.kubernetes.io/path'];
const indexKeys = ['internal.config.kubernetes.io/index', 'config.kubernetes.io/index'];
const idKeys = [
  'internal.config.kubernetes.io/id',
  'config.k8s.io/id',
  'internal.config.kubernetes.io/annotations-migration-resource-id',
  'internal.config.k8s.io/kpt-resource-id',
];

/**
 * Copied from an ExternalSecret to the Secret that replaces it, so kpt writes the Secret into the
 * ExternalSecret's file at its position (path, index, package, list indentation) and treats it as
 * the same resource (ids: comments copied back, selected-resource merge). kustomize's own rename
 * history (`previousNames`, `kustomize.config.k8s.io/id`) describes the ExternalSecret, not the Secret,
 * so it is not copied.
 */
const inheritedKeys = [
  ...pathKeys,
  ...indexKeys,
  ...idKeys,
  'internal.config.kubernetes.io/package-path',
  'internal.config.kubernetes.io/seqindent',
  'config.kubernetes.io/origin',
];

export { isOrchestratorAnnotation };

function annotations(obj: KubeObject): Record<string, string> {
  const a = obj.metadata?.annotations;
  return a && typeof a === 'object' ? a : {};
}

function first(a: Record<string, string>, keys: string[]): string | undefined {
  for (const k of keys) if (typeof a[k] === 'string') return a[k];
  return undefined;
}

/** The file an item came from, as kpt and kyaml annotate it. */
export function fileOf(obj: KubeObject): { path: string; index?: number } | undefined {
  const a = annotations(obj);
  const path = first(a, pathKeys);
  if (path === undefined) return undefined;
  const index = Number.parseInt(first(a, indexKeys) ?? '', 10);
  return Number.isNaN(index) ? { path } : { path, index };
}

function sameRef(obj: KubeObject, ref: NonNullable<Result['resourceRef']>): boolean {
  return (
    obj.kind === ref.kind &&
    obj.metadata?.name === ref.name &&
    (ref.apiVersion === undefined || ref.apiVersion === '' || obj.apiVersion === ref.apiVersion) &&
    (obj.metadata?.namespace ?? '') === (ref.namespace ?? '')
  );
}

/** Fills `file` on results that name a resource of the input that came from a file. */
export function withFiles(results: readonly Result[], input: readonly Item[]): Result[] {
  return results.map((r) => {
    if (r.file || !r.resourceRef) return r;
    const ref = r.resourceRef;
    const src = input.find((it) => sameRef(it.object, ref));
    const file = src && fileOf(src.object);
    return file ? { ...r, file } : r;
  });
}

/** The ExternalSecret named by the engine's source annotation, for Secrets that do not say what they replace. */
function findByAnnotation(secret: KubeObject, externalSecrets: readonly Item[]): Item | undefined {
  const from = annotations(secret)[sourceExternalSecretAnnotation];
  if (!from) return undefined;
  const slash = from.indexOf('/');
  const ns = slash >= 0 ? from.slice(0, slash) : '';
  const name = slash >= 0 ? from.slice(slash + 1) : from;
  return (
    externalSecrets.find((e) => e.object.metadata?.name === name && (e.object.metadata?.namespace ?? '') === ns) ??
    // An ExternalSecret without a namespace got one from the engine's defaulting.
    externalSecrets.find((e) => e.object.metadata?.name === name && !e.object.metadata?.namespace)
  );
}

/**
 * Gives each new Secret the location and identity annotations of the ExternalSecret it replaces.
 * If several Secrets come from one source (a ClusterExternalSecret's expansion), the first takes its
 * place and the others are appended to the same file at fresh indexes, without ids, so kpt's
 * path/index invariant holds.
 */
export function placeGeneratedSecrets(input: readonly Item[], output: readonly Item[]): Item[] {
  const inputSet = new Set(input);
  const externalSecrets = input.filter((it) => it.object.kind === 'ExternalSecret');
  const taken = new Set<Item>();
  const maxIndex = new Map<string, number>();
  // kpt paths are relative to their (sub)package.
  const fileKey = (obj: KubeObject, path: string) => `${annotations(obj)['internal.config.kubernetes.io/package-path'] ?? ''}\0${path}`;
  for (const it of [...input, ...output]) {
    const f = fileOf(it.object);
    if (f) maxIndex.set(fileKey(it.object, f.path), Math.max(maxIndex.get(fileKey(it.object, f.path)) ?? -1, f.index ?? 0));
  }
  return output.map((it) => {
    if (inputSet.has(it) || it.object.kind !== 'Secret') return it;
    const es = it.replaces ?? findByAnnotation(it.object, externalSecrets);
    const own = Object.entries(annotations(it.object)).filter(([k]) => !isOrchestratorAnnotation(k));
    const inherited: Record<string, string> = {};
    const esAnn = es ? annotations(es.object) : {};
    for (const k of inheritedKeys) if (typeof esAnn[k] === 'string') inherited[k] = esAnn[k];
    if (es && taken.has(es)) {
      for (const k of idKeys) delete inherited[k];
      const path = first(esAnn, pathKeys);
      if (path !== undefined) {
        const key = fileKey(es.object, path);
        const next = (maxIndex.get(key) ?? -1) + 1;
        maxIndex.set(key, next);
        for (const k of indexKeys) if (k in inherited) inherited[k] = String(next);
      }
    }
    if (es) taken.add(es);
    const merged = { ...Object.fromEntries(own), ...inherited };
    const { annotations: _old, ...rest } = it.object.metadata ?? {};
    // Spread first so `annotations` keeps its place among the metadata keys.
    const metadata = Object.keys(merged).length > 0 ? { ...it.object.metadata, annotations: merged } : rest;
    return { ...it, object: { ...it.object, metadata } };
  });
}
