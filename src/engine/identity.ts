// One Secret per identity (issue 15): after assembly, every Secret the run would emit is grouped by
// namespace/name with the Secrets already in the stream, and each group becomes exactly one manifest or
// an error naming every contributor. What ESO does with several writers of one Secret
// (pkg/controllers/externalsecret/externalsecret_controller.go at v2.9.0):
//   - applyOwnership: a Secret controlled by another ExternalSecret fails with
//     "secret is owned by another ExternalSecret: <name>" (ErrSecretIsOwned);
//   - Owner and Orphan clear the Secret's data on every reconcile (ApplyTemplate: "we only keep existing
//     keys if creation policy is Merge or CreateOrMerge"), so beside any other writer the result depends on
//     which reconcile ran last: ambiguous, an error here;
//   - Merge and CreateOrMerge keep the existing keys, labels, annotations and type (setMetadata merges,
//     the type changes only when template.type is set) and write theirs over them; the data-hash is taken
//     over the final data. Several of them on one Secret (ESO's multi-ExternalSecret pattern) end with
//     every contributor's keys. Where two write the same key ESO keeps whichever reconciled last; here the
//     later one in the stream wins, with a warning.

import type { ExternalSecret } from '../eso/model.js';
import { ANNOTATION_DATA_HASH, ANNOTATION_SOURCE, ARGOCD_SYNC_OPTIONS, LABEL_CREATED_BY, LABEL_MANAGED } from '../eso/model.js';
import type { KubeObject } from './types.js';
import { dataHash } from './hash.js';
import { byteOrder, setKey, sortedRecord } from '../common/records.js';
import { expandedFrom } from './collect.js';

/** A Secret assembled for one ExternalSecret, before identities are resolved. */
export interface Contribution {
  es: ExternalSecret;
  /** The stream item the ExternalSecret came from (a ClusterExternalSecret's for its expansions). */
  itemIndex: number;
  /** The ExternalSecret's position among all of the run's (breaks ties within one item). */
  order: number;
  secret: KubeObject;
}

export interface StreamSecret {
  object: KubeObject;
  itemIndex: number;
}

/** The stream's v1 Secrets with their positions. */
export function streamSecretsOf(items: readonly { object: KubeObject }[]): StreamSecret[] {
  const out: StreamSecret[] = [];
  items.forEach((item, i) => {
    if (item.object.apiVersion === 'v1' && item.object.kind === 'Secret') out.push({ object: item.object, itemIndex: i });
  });
  return out;
}

export interface IdentityFinding {
  es: ExternalSecret;
  field: string;
  message: string;
}

export interface Resolved {
  /** The Secret emitted at a stream position (an ExternalSecret's, or the stream Secret it merged into). */
  placements: Map<number, KubeObject[]>;
  /** Every emitted Secret with the ExternalSecrets that wrote it (for the rollout checksum). */
  secrets: { secret: KubeObject; namespace: string; name: string; contributors: ExternalSecret[] }[];
  errors: IdentityFinding[];
  warnings: IdentityFinding[];
}

/**
 * Add Argo CD sync options to the annotation (a comma-separated list, Argo CD's syntax), keeping the user's
 * other options; one of the same name (`Prune=true` against `Prune=false`) is replaced, not contradicted.
 */
export function addSyncOptions(annotations: Record<string, string>, ...options: string[]): void {
  const cur = annotations[ARGOCD_SYNC_OPTIONS];
  const name = (o: string) => o.split('=')[0]!.trim();
  let opts = cur ? cur.split(',').map((s) => s.trim()).filter(Boolean) : [];
  for (const option of options) opts = [...opts.filter((o) => name(o) !== name(option)), option];
  annotations[ARGOCD_SYNC_OPTIONS] = opts.join(',');
}

export function isMergePolicy(p: string): boolean {
  return p === 'Merge' || p === 'CreateOrMerge';
}

export function targetName(es: ExternalSecret): string {
  return es.spec.target.name || es.name;
}

const who = (c: { es: ExternalSecret }) => `ExternalSecret ${c.es.namespace}/${c.es.name} (creationPolicy ${c.es.spec.target.creationPolicy})`;
const list = (names: string[]) => (names.length <= 2 ? names.join(' and ') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`);

export function resolveIdentities(
  contributions: readonly Contribution[],
  streamSecrets: readonly StreamSecret[],
  defaultNamespace: string,
  isCredential: (o: KubeObject) => boolean,
  /** The data-hash of a merged Secret: ESO's (undefined), keyed by the platform key, or left out (null); see digest.ts. */
  hash?: ((data: Map<string, Uint8Array>) => string) | null,
): Resolved {
  const out: Resolved = { placements: new Map(), secrets: [], errors: [], warnings: [] };
  const place = (index: number, secret: KubeObject) => {
    const at = out.placements.get(index);
    if (at) at.push(secret);
    else out.placements.set(index, [secret]);
  };

  const groups = new Map<string, Contribution[]>();
  for (const c of contributions) {
    const id = `${c.es.namespace}/${targetName(c.es)}`;
    const g = groups.get(id);
    if (g) g.push(c);
    else groups.set(id, [c]);
  }
  const inStream = new Map<string, StreamSecret[]>();
  for (const s of streamSecrets) {
    const id = `${s.object.metadata?.namespace ?? defaultNamespace}/${s.object.metadata?.name}`;
    if (!groups.has(id)) continue;
    const g = inStream.get(id);
    if (g) g.push(s);
    else inStream.set(id, [s]);
  }

  for (const [id, unordered] of groups) {
    // Precedence: stream order (a ClusterExternalSecret's expansions in namespace order, as collected).
    const group = [...unordered].sort((a, b) => a.itemIndex - b.itemIndex || a.order - b.order);
    const targets = inStream.get(id) ?? [];
    const first = group[0]!;
    const fail = (field: string, message: string) => out.errors.push({ es: first.es, field, message });
    const conflict = conflictOf(id, group, targets.length);
    if (conflict.length) {
      out.errors.push(...conflict);
      continue;
    }
    const replacing = group.filter((c) => !isMergePolicy(c.es.spec.target.creationPolicy));
    if (replacing.length === 1) {
      // A single Owner or Orphan ExternalSecret: the Secret as assembled, at the ExternalSecret's place.
      place(first.itemIndex, first.secret);
      out.secrets.push({ secret: first.secret, namespace: first.es.namespace, name: targetName(first.es), contributors: [first.es] });
      continue;
    }
    const target = targets[0];
    if (target && isCredential(target.object)) {
      fail('spec.target.name', `Secret ${id} is a store credential and cannot also be the target of ${list(group.map(who))}`);
      continue;
    }
    const merged = mergeInto(id, target?.object, group, fail, out.warnings, hash);
    if (!merged) continue;
    place(target ? target.itemIndex : first.itemIndex, merged);
    out.secrets.push({ secret: merged, namespace: first.es.namespace, name: targetName(first.es), contributors: group.map((c) => c.es) });
  }
  return out;
}

/**
 * What makes one namespace/name ambiguous whatever the fetched data: two Secrets of the name in the stream,
 * two Owner ExternalSecrets, an Owner or Orphan one beside any other writer.
 */
function conflictOf(id: string, group: readonly Pick<Contribution, 'es'>[], inStream: number): IdentityFinding[] {
  const first = group[0]!;
  const everyone = () => list([...group.map(who), ...Array.from({ length: inStream }, () => `the Secret ${id} in the stream`)]);
  if (inStream > 1) {
    return [{ es: first.es, field: 'spec.target.name', message: `Secret ${id} is written by ${everyone()}: the stream holds ${inStream} Secrets of that name, so which one the ExternalSecret would update is ambiguous` }];
  }
  const owners = group.filter((c) => c.es.spec.target.creationPolicy === 'Owner');
  if (owners.length > 1) {
    return owners.slice(1).map((c) => ({
      es: c.es,
      field: 'spec.target.creationPolicy',
      message: `secret is owned by another ExternalSecret: ${owners[0]!.es.name} (Secret ${id} is the target of ${list(owners.map((o) => `ExternalSecret ${o.es.namespace}/${o.es.name}`))}, each with creationPolicy Owner)`,
    }));
  }
  const replacing = group.filter((c) => !isMergePolicy(c.es.spec.target.creationPolicy));
  if (replacing.length > 0 && (group.length > 1 || inStream > 0)) {
    return [{
      es: first.es,
      field: 'spec.target.creationPolicy',
      message: `Secret ${id} is written by ${everyone()}: creationPolicy ${list([...new Set(replacing.map((c) => c.es.spec.target.creationPolicy))])} replaces the Secret's data on every refresh, so what the Secret holds would depend on which write came last; give one ExternalSecret creationPolicy CreateOrMerge and the others Merge, or target different Secrets`,
    }];
  }
  return [];
}

/**
 * The conflicts that the manifests alone decide, found before any request: every ExternalSecret that
 * would write a Secret (creationPolicy other than None), in stream order, against the stream's Secrets.
 */
export function checkIdentities(
  externalSecrets: readonly { es: ExternalSecret; itemIndex: number; order: number }[],
  streamSecrets: readonly StreamSecret[],
  defaultNamespace: string,
): IdentityFinding[] {
  const groups = new Map<string, { es: ExternalSecret; itemIndex: number; order: number }[]>();
  for (const x of externalSecrets) {
    if (x.es.spec.target.creationPolicy === 'None') continue;
    const id = `${x.es.namespace}/${targetName(x.es)}`;
    const g = groups.get(id);
    if (g) g.push(x);
    else groups.set(id, [x]);
  }
  const counts = new Map<string, number>();
  for (const s of streamSecrets) {
    const id = `${s.object.metadata?.namespace ?? defaultNamespace}/${s.object.metadata?.name}`;
    counts.set(id, (counts.get(id) ?? 0) + 1);
  }
  const out: IdentityFinding[] = objectConflicts(externalSecrets);
  for (const [id, g] of groups) out.push(...conflictOf(id, [...g].sort((a, b) => a.itemIndex - b.itemIndex || a.order - b.order), counts.get(id) ?? 0));
  return out;
}

/**
 * Two ExternalSecret objects with one namespace/name. A cluster holds one object per name: of two in the
 * stream the API server keeps the last applied, so ESO reconciles one of them; and ESO's
 * ClusterExternalSecret controller does not take over an ExternalSecret it does not own ("If there is a
 * conflict with an existing resource the controller will error out",
 * the ClusterExternalSecret documentation of ESO v2.9.0). Either way
 * the outcome is not what the stream says, so the run fails, naming both.
 */
function objectConflicts(externalSecrets: readonly { es: ExternalSecret; itemIndex: number; order: number }[]): IdentityFinding[] {
  const seen = new Map<string, { es: ExternalSecret; itemIndex: number; order: number }>();
  const out: IdentityFinding[] = [];
  const ordered = [...externalSecrets].sort((a, b) => a.itemIndex - b.itemIndex || a.order - b.order);
  // Stream ExternalSecrets first: a ClusterExternalSecret's expansion collides with what already exists.
  const fromCes = (x: { es: ExternalSecret }) => expandedFrom.get(x.es.object);
  for (const x of [...ordered.filter((x) => !fromCes(x)), ...ordered.filter((x) => fromCes(x))]) {
    const id = `${x.es.namespace}/${x.es.name}`;
    const prior = seen.get(id);
    if (!prior) {
      seen.set(id, x);
      continue;
    }
    const ces = fromCes(x);
    const describeOne = (y: { es: ExternalSecret }) => {
      const c = fromCes(y);
      return c ? `the ExternalSecret ClusterExternalSecret ${c.metadata?.name} creates (spec.externalSecretName ${y.es.name})` : `an ExternalSecret in the stream (target Secret ${targetName(y.es)})`;
    };
    if (ces) {
      out.push({
        es: { ...x.es, object: ces },
        field: 'spec.externalSecretName',
        message: `ClusterExternalSecret ${ces.metadata?.name} would create ExternalSecret ${id}, but ${id} is already ${describeOne(prior)}: ESO's ClusterExternalSecret controller does not take over an ExternalSecret it does not own and fails that namespace; rename spec.externalSecretName or the other ExternalSecret`,
      });
    } else {
      out.push({
        es: x.es,
        field: 'metadata.name',
        message: `ExternalSecret ${id} is in the stream twice (target Secret ${targetName(prior.es)}, then target Secret ${targetName(x.es)}): a cluster holds one object per namespace/name, so only the last applied would exist and ESO would write only its Secret; rename one or remove the duplicate`,
      });
    }
  }
  return out;
}

function bytesOf(data: unknown, encoding: 'base64' | 'utf8'): Map<string, Uint8Array> {
  const m = new Map<string, Uint8Array>();
  if (data && typeof data === 'object') {
    for (const [k, v] of Object.entries(data as Record<string, unknown>)) if (typeof v === 'string') m.set(k, Buffer.from(v, encoding));
  }
  return m;
}

/**
 * The Secret the cluster would hold once every Merge/CreateOrMerge contributor wrote: the stream's Secret
 * (if any) with the contributors' keys, labels and annotations written over its own, in precedence order.
 */
function mergeInto(
  id: string,
  base: KubeObject | undefined,
  group: Contribution[],
  fail: (field: string, message: string) => void,
  warnings: IdentityFinding[],
  hash: ((data: Map<string, Uint8Array>) => string) | null | undefined,
): KubeObject | undefined {
  const baseType = base ? (typeof base['type'] === 'string' && base['type'] !== '' ? (base['type'] as string) : 'Opaque') : undefined;
  // The stored data of a stream Secret: `data`, with `stringData` written over it (as the API server does).
  const data = base ? bytesOf(base['data'], 'base64') : new Map<string, Uint8Array>();
  if (base) for (const [k, v] of bytesOf(base['stringData'], 'utf8')) data.set(k, v);
  const baseData = new Map(data);
  const labels: Record<string, string> = { ...(base?.metadata?.labels ?? {}) };
  const annotations: Record<string, string> = { ...(base?.metadata?.annotations ?? {}) };
  const finalizers: string[] = Array.isArray(base?.metadata?.['finalizers']) ? [...(base!.metadata!['finalizers'] as string[])] : [];
  let type: { value: string; by: Contribution } | undefined;
  let immutable = base?.['immutable'] === true;
  const writer = new Map<string, Contribution>();

  for (const c of group) {
    const s = c.secret;
    for (const [k, v] of Object.entries(s.metadata?.labels ?? {})) if (k !== LABEL_MANAGED && k !== LABEL_CREATED_BY) setKey(labels, k, v);
    for (const [k, v] of Object.entries(s.metadata?.annotations ?? {})) if (k !== ANNOTATION_DATA_HASH && k !== ANNOTATION_SOURCE) setKey(annotations, k, v);
    for (const f of (s.metadata?.['finalizers'] as string[] | undefined) ?? []) if (!finalizers.includes(f)) finalizers.push(f);
    if (typeof s['type'] === 'string') {
      if (baseType !== undefined && s['type'] !== baseType) {
        fail('spec.target.template.type', `Secret ${id} in the stream has type ${baseType} and ${who(c)} sets template.type ${s['type']}: a Secret's type cannot be changed (the API server rejects the update)`);
        return undefined;
      }
      if (type && type.value !== s['type']) {
        fail('spec.target.template.type', `Secret ${id} is given type ${type.value} by ${who(type.by)} and type ${s['type']} by ${who(c)}: a Secret has one type`);
        return undefined;
      }
      type = { value: s['type'] as string, by: c };
    }
    if (c.es.spec.target.immutable) {
      if (base) {
        // ESO applies no template to an existing Secret when target.immutable is set: it would only
        // mark the stream's Secret immutable, without the rendered keys.
        fail('spec.target.immutable', `Secret ${id} is in the stream and ${who(c)} sets target.immutable: ESO would not merge its keys into an existing Secret, only mark it immutable; drop target.immutable or the Secret from the stream`);
        return undefined;
      }
      immutable = true;
    }
    for (const [k, v] of bytesOf(s['data'], 'base64')) {
      const before = writer.get(k);
      if (before) {
        warnings.push({
          es: c.es,
          field: 'spec.target.name',
          message: `Secret ${id}: data key ${k} is written by ${who(before)} and ${who(c)}; the later one in the stream wins (in a cluster, whichever reconciled last)`,
        });
      }
      writer.set(k, c);
      data.set(k, v);
    }
  }
  if (base?.['immutable'] === true && (data.size !== baseData.size || [...data].some(([k, v]) => !baseData.has(k) || Buffer.compare(baseData.get(k)!, v) !== 0))) {
    fail('spec.target.name', `unable to update secret ${id}: secret is immutable (the Secret in the stream is immutable and ${list(group.map(who))} would change its data)`);
    return undefined;
  }

  delete labels[LABEL_CREATED_BY];
  labels[LABEL_MANAGED] = 'true';
  if (hash === null) delete annotations[ANNOTATION_DATA_HASH];
  else annotations[ANNOTATION_DATA_HASH] = (hash ?? dataHash)(data);
  annotations[ANNOTATION_SOURCE] = group.map((c) => `${c.es.namespace}/${c.es.name}`).join(',');
  // Without the Secret in the stream, the manifest holds only the rendered keys: server-side apply merges
  // them into the live Secret, and Argo CD must never prune it (ESO never deletes a Merge target).
  if (!base) addSyncOptions(annotations, 'Prune=false', 'ServerSideApply=true');
  const encoded: Record<string, string> = {};
  for (const k of [...data.keys()].sort(byteOrder)) setKey(encoded, k, Buffer.from(data.get(k)!).toString('base64'));

  if (base) {
    const secret: KubeObject = { ...base, metadata: { ...base.metadata, labels: sortedRecord(labels), annotations: sortedRecord(annotations) } };
    if (finalizers.length) secret.metadata!['finalizers'] = finalizers;
    delete secret['stringData'];
    if (type) secret['type'] = type.value;
    secret['data'] = encoded;
    return secret;
  }
  const first = group[0]!;
  const metadata: Record<string, unknown> = { name: targetName(first.es) };
  if (group.some((c) => c.es.explicitNamespace)) metadata['namespace'] = first.es.namespace;
  metadata['labels'] = sortedRecord(labels);
  metadata['annotations'] = sortedRecord(annotations);
  if (finalizers.length) metadata['finalizers'] = finalizers;
  const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: metadata as KubeObject['metadata'] };
  if (immutable) secret['immutable'] = true;
  if (type) secret['type'] = type.value;
  secret['data'] = encoded;
  return secret;
}
