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
  namespaces: Map<string, Record<string, string>>;
  configMaps: KubeObject[];
  secrets: KubeObject[];
  serviceAccounts: KubeObject[];
  problems: { object: KubeObject; field: string; message: string }[];
}

export function collect(items: readonly Item[]): Collected {
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
  };
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
      if (o.kind === 'Namespace' && o.metadata?.name) c.namespaces.set(o.metadata.name, namespaceLabels(o.metadata.name, o.metadata.labels));
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
  for (const x of ces) {
    c.clusterExternalSecretIndexes.add(x.itemIndex);
    expandClusterExternalSecret(x.object, x.itemIndex, c);
  }
  return c;
}

/** ClusterExternalSecret → ExternalSecrets (eso-semantics §7), namespaces selected from the stream. */
function expandClusterExternalSecret(obj: KubeObject, itemIndex: number, c: Collected): void {
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
  if (selectors.length) {
    if (c.namespaces.size === 0) {
      c.problems.push({
        object: obj,
        field: spec['namespaceSelectors'] ? 'spec.namespaceSelectors' : 'spec.namespaceSelector',
        message: 'selects namespaces by label, but the stream holds no Namespace resources to match against: add them, or list spec.namespaces',
      });
      return;
    }
    for (const [ns, labels] of c.namespaces) {
      try {
        if (selectors.some((s) => selectorMatches(s, labels))) names.add(ns);
      } catch (e) {
        c.problems.push({ object: obj, field: 'spec.namespaceSelectors', message: (e as Error).message });
        return;
      }
    }
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
    c.externalSecrets.push({
      object: { apiVersion: obj.apiVersion, kind: 'ExternalSecret', metadata: metadata as KubeObject['metadata'], spec: structuredClone(esSpec) },
      itemIndex,
      field: 'spec.externalSecretSpec',
    });
  }
}
