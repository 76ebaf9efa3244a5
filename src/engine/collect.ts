// Step 1: sort the stream into what the engine acts on (ExternalSecrets, ClusterExternalSecrets, stores,
// generators) and what it only reads (Namespaces, ConfigMaps, Secrets, ServiceAccounts).
// ClusterExternalSecrets are expanded here into one ExternalSecret per selected namespace.

import type { Item, KubeObject } from './types.js';
import { isEsoKind, isGenerator } from '../eso/model.js';
import { unknownEsoKind } from '../eso/kinds.js';
import { namespaceLabels, selectorMatches, type LabelSelector } from './selectors.js';

export interface Collected {
  /** ExternalSecret objects with the index of the stream item they replace. */
  externalSecrets: { object: KubeObject; itemIndex: number; field?: string }[];
  clusterExternalSecretIndexes: Set<number>;
  stores: { object: KubeObject; itemIndex: number }[];
  generators: { object: KubeObject; itemIndex: number }[];
  /**
   * The Namespace labels selectors may read: the platform's declared Namespaces, plus the stream's unless
   * the stream is not trusted for them (the shared sidecar). See NamespaceFacts.
   */
  namespaces: Map<string, Record<string, string>>;
  configMaps: KubeObject[];
  secrets: KubeObject[];
  serviceAccounts: KubeObject[];
  problems: { object: KubeObject; field: string; message: string }[];
  warnings: { object: KubeObject; field: string; message: string }[];
}

/** Where Namespace labels come from (docs/security.md, Tenancy: namespace facts come from the platform). */
export interface NamespaceFacts {
  /** Namespaces the platform configuration declares (spec.namespaces / spec.namespaceFiles). */
  platform: readonly KubeObject[];
  /** Whether Namespaces in the stream count too (not in the shared sidecar: an app could forge labels). */
  trustStream: boolean;
}

/**
 * The ExternalSecrets a ClusterExternalSecret expands to, each mapped to the ClusterExternalSecret (so an
 * identity conflict can name the object the user wrote; identity.ts).
 */
export const expandedFrom = new WeakMap<KubeObject, KubeObject>();

const WHERE_DECLARED = 'spec.namespaces or spec.namespaceFiles of the platform RenderConfig';

export function collect(items: readonly Item[], facts: NamespaceFacts = { platform: [], trustStream: true }): Collected {
  const c: Collected = {
    externalSecrets: [],
    clusterExternalSecretIndexes: new Set(),
    stores: [],
    generators: [],
    namespaces: new Map(),
    configMaps: [],
    secrets: [],
    serviceAccounts: [],
    problems: [],
    warnings: [],
  };
  const streamNamespaces = new Map<string, Record<string, string>>();
  const ces: { object: KubeObject; itemIndex: number }[] = [];
  items.forEach((item, i) => {
    const o = item.object;
    const badKind = unknownEsoKind(o);
    if (badKind) c.problems.push({ object: o, ...badKind });
    else if (isEsoKind(o, 'ExternalSecret')) c.externalSecrets.push({ object: o, itemIndex: i });
    else if (isEsoKind(o, 'ClusterExternalSecret')) ces.push({ object: o, itemIndex: i });
    else if (isEsoKind(o, 'SecretStore') || isEsoKind(o, 'ClusterSecretStore')) c.stores.push({ object: o, itemIndex: i });
    else if (isGenerator(o)) c.generators.push({ object: o, itemIndex: i });
    else if (o.apiVersion === 'v1') {
      if (o.kind === 'Namespace' && o.metadata?.name) streamNamespaces.set(o.metadata.name, namespaceLabels(o.metadata.name, o.metadata.labels));
      else if (o.kind === 'ConfigMap') c.configMaps.push(o);
      else if (o.kind === 'Secret') c.secrets.push(o);
      else if (o.kind === 'ServiceAccount') c.serviceAccounts.push(o);
    } else if (typeof o.apiVersion === 'string' && o.apiVersion.startsWith('external-secrets.io/') && ['ExternalSecret', 'SecretStore', 'ClusterSecretStore', 'ClusterExternalSecret'].includes(String(o.kind))) {
      c.problems.push({
        object: o,
        field: 'apiVersion',
        message: `unsupported apiVersion ${o.apiVersion}: eso-render reads external-secrets.io/v1 and v1beta1` +
          (o.apiVersion === 'external-secrets.io/v1alpha1' ? '; v1alpha1 was removed from ESO: write apiVersion: external-secrets.io/v1, where v1alpha1\'s dataFrom: [{key: K}] is dataFrom: [{extract: {key: K}}]' : ''),
      });
    }
  });
  // The platform's declaration of a namespace wins over the stream's.
  if (facts.trustStream) for (const [n, l] of streamNamespaces) c.namespaces.set(n, l);
  for (const ns of facts.platform) {
    const name = ns.metadata?.name;
    if (name) c.namespaces.set(name, namespaceLabels(name, ns.metadata?.labels));
  }
  for (const x of ces) {
    c.clusterExternalSecretIndexes.add(x.itemIndex);
    expandClusterExternalSecret(x.object, x.itemIndex, c, facts, streamNamespaces.size > 0);
  }
  return c;
}

/**
 * ClusterExternalSecret → ExternalSecrets (eso-semantics §7). Label selectors see only the declared
 * Namespaces (NamespaceFacts), so a selection is reported in a warning: ESO would see every namespace of
 * the cluster, this run only those declared.
 */
function expandClusterExternalSecret(obj: KubeObject, itemIndex: number, c: Collected, facts: NamespaceFacts, streamHasNamespaces: boolean): void {
  const spec = obj['spec'] as Record<string, unknown> | undefined;
  if (!spec || typeof spec !== 'object') {
    c.problems.push({ object: obj, field: 'spec', message: 'is required' });
    return;
  }
  const esSpec = spec['externalSecretSpec'];
  if (!esSpec || typeof esSpec !== 'object') {
    c.problems.push({ object: obj, field: 'spec.externalSecretSpec', message: 'is required' });
    return;
  }
  const selectors: LabelSelector[] = [];
  if (spec['namespaceSelector']) selectors.push(spec['namespaceSelector'] as LabelSelector);
  if (Array.isArray(spec['namespaceSelectors'])) selectors.push(...(spec['namespaceSelectors'] as LabelSelector[]));
  const names = new Set<string>();
  for (const n of (spec['namespaces'] as unknown[] | undefined) ?? []) if (typeof n === 'string') names.add(n);
  const selField = spec['namespaceSelectors'] ? 'spec.namespaceSelectors' : 'spec.namespaceSelector';
  if (selectors.length) {
    if (c.namespaces.size === 0) {
      const message = facts.trustStream
        ? `selects namespaces by label, but the stream holds no Namespace resources and the platform configuration declares none (${WHERE_DECLARED}): declare them, or list spec.namespaces`
        : `selects namespaces by label, but the shared sidecar reads Namespace labels only from the platform configuration, which declares none (${WHERE_DECLARED})` +
          (streamHasNamespaces ? '; Namespaces shipped by the application are not trusted for labels' : '') + ': declare them there, or list spec.namespaces';
      c.problems.push({ object: obj, field: selField, message });
      return;
    }
    const selected: string[] = [];
    for (const [ns, labels] of c.namespaces) {
      try {
        if (selectors.some((s) => selectorMatches(s, labels))) {
          names.add(ns);
          selected.push(ns);
        }
      } catch (e) {
        c.problems.push({ object: obj, field: 'spec.namespaceSelectors', message: (e as Error).message });
        return;
      }
    }
    const from = facts.trustStream ? 'the Namespaces declared in the platform configuration and the stream' : 'the Namespaces declared in the platform configuration (the shared sidecar does not trust Namespaces in the stream)';
    c.warnings.push({
      object: obj,
      field: selField,
      message: `selected by label ${selected.length ? `namespaces ${selected.sort().map((n) => JSON.stringify(n)).join(', ')}` : 'no namespace'} out of ${from}; ESO would select from every namespace of the cluster, so this view is only as complete as what was declared (${WHERE_DECLARED})`,
    });
  }
  const md = (spec['externalSecretMetadata'] ?? {}) as { labels?: Record<string, string>; annotations?: Record<string, string> };
  const esName = (spec['externalSecretName'] as string | undefined) || obj.metadata?.name || '';
  const forceSync = obj.metadata?.annotations?.['external-secrets.io/force-sync'];
  for (const ns of [...names].sort()) {
    const annotations = { ...(md.annotations ?? {}) };
    if (forceSync !== undefined) annotations['external-secrets.io/force-sync'] = forceSync;
    const metadata: Record<string, unknown> = { name: esName, namespace: ns };
    if (md.labels && Object.keys(md.labels).length) metadata['labels'] = { ...md.labels };
    if (Object.keys(annotations).length) metadata['annotations'] = annotations;
    const expanded: KubeObject = { apiVersion: obj.apiVersion, kind: 'ExternalSecret', metadata: metadata as KubeObject['metadata'], spec: structuredClone(esSpec) };
    expandedFrom.set(expanded, obj);
    c.externalSecrets.push({
      object: expanded,
      itemIndex,
      field: 'spec.externalSecretSpec',
    });
  }
}
