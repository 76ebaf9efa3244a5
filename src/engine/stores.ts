// Store resolution (eso-semantics §3.1): a SecretStore by name in the ExternalSecret's namespace, a
// ClusterSecretStore by name, from the stream or the platform configuration; conditions honoured.

import type { KubeObject } from './types.js';
import type { ResolvedStore } from '../providers/types.js';
import { isKnownProvider } from '../providers/registry.js';
import { compileGoRegexp } from '../common/go-regexp.js';
import { namespaceLabels, selectorMatches, type LabelSelector } from './selectors.js';
import type { StoreRef } from '../eso/model.js';
import { storeLabel } from '../common/store-label.js';

export interface StoreTable {
  get(ref: StoreRef, namespace: string): ResolvedStore | undefined;
  all(): ResolvedStore[];
}

export interface StoreProblem {
  object: KubeObject;
  field: string;
  message: string;
}

export function storeId(kind: string, name: string, namespace?: string): string {
  return kind === 'ClusterSecretStore' ? `ClusterSecretStore/${name}` : `SecretStore/${namespace ?? ''}/${name}`;
}

export function buildStoreTable(
  streamStores: KubeObject[],
  platformStores: KubeObject[],
  defaultNamespace: string,
): { table: StoreTable; problems: StoreProblem[] } {
  const problems: StoreProblem[] = [];
  const byId = new Map<string, ResolvedStore>();
  const add = (obj: KubeObject, origin: 'stream' | 'platform') => {
    const kind = obj.kind as 'SecretStore' | 'ClusterSecretStore';
    const name = obj.metadata?.name;
    if (!name) {
      problems.push({ object: obj, field: 'metadata.name', message: 'is required' });
      return;
    }
    const namespace = kind === 'SecretStore' ? (obj.metadata?.namespace ?? defaultNamespace) : undefined;
    const spec = obj['spec'] as Record<string, unknown> | undefined;
    const prov = spec?.['provider'];
    if (!prov || typeof prov !== 'object' || Array.isArray(prov)) {
      problems.push({ object: obj, field: 'spec.provider', message: 'is required' });
      return;
    }
    const keys = Object.keys(prov);
    if (keys.length !== 1) {
      problems.push({ object: obj, field: 'spec.provider', message: `must set exactly one provider, found ${keys.length}` });
      return;
    }
    const provider = keys[0]!;
    if (!isKnownProvider(provider)) {
      problems.push({ object: obj, field: `spec.provider.${provider}`, message: `provider ${provider} is not supported by eso-render` });
      return;
    }
    const pspec = (prov as Record<string, unknown>)[provider];
    if (!pspec || typeof pspec !== 'object' || Array.isArray(pspec)) {
      problems.push({ object: obj, field: `spec.provider.${provider}`, message: 'must be an object' });
      return;
    }
    const id = storeId(kind, name, namespace);
    const prior = byId.get(id);
    if (prior) {
      const where = prior.origin === origin ? `twice in the ${origin === 'stream' ? 'stream' : 'platform configuration'}` : 'in both the stream and the platform configuration';
      problems.push({ object: obj, field: 'metadata.name', message: `${storeLabel({ kind, name, namespace })} is defined ${where}` });
      return;
    }
    byId.set(id, { kind, name, namespace, provider, spec: pspec as Record<string, unknown>, resource: obj, origin });
  };
  for (const s of platformStores) add(s, 'platform');
  for (const s of streamStores) add(s, 'stream');
  return {
    table: {
      get: (ref, ns) => byId.get(storeId(ref.kind, ref.name, ns)),
      all: () => [...byId.values()],
    },
    problems,
  };
}

/**
 * ClusterSecretStore spec.conditions: when present, the namespace must match one of them.
 * Returns an error message, or undefined when allowed. Namespace labels come from the Namespaces the
 * platform declares (and, outside the shared sidecar, those in the stream: `trustStream`); a
 * namespaceSelector that needs labels we do not have fails closed.
 */
export function checkConditions(store: ResolvedStore, namespace: string, namespaces: Map<string, Record<string, string>>, trustStream = true): string | undefined {
  if (store.kind !== 'ClusterSecretStore') return undefined;
  const conds = (store.resource['spec'] as Record<string, unknown>)['conditions'];
  if (!Array.isArray(conds) || conds.length === 0) return undefined;
  const known = namespaces.get(namespace);
  const labels = namespaceLabels(namespace, known);
  let needLabels = false;
  for (const c of conds as Array<Record<string, unknown>>) {
    const names = (c['namespaces'] as string[] | undefined) ?? [];
    if (names.includes(namespace)) return undefined;
    for (const r of (c['namespaceRegexes'] as string[] | undefined) ?? []) {
      if (compileGoRegexp(r).test(namespace)) return undefined;
    }
    const sel = c['namespaceSelector'] as LabelSelector | undefined;
    if (sel) {
      if (!known) needLabels = true;
      else if (selectorMatches(sel, labels)) return undefined;
      else if (!known && selectorMatches(sel, labels)) return undefined;
    }
  }
  const base = `using cluster store "${store.name}" is not allowed from namespace "${namespace}": denied by spec.condition`;
  if (!needLabels) return base;
  const where = trustStream
    ? 'in the stream or in spec.namespaces/spec.namespaceFiles of the platform RenderConfig'
    : 'in spec.namespaces/spec.namespaceFiles of the platform RenderConfig (the shared sidecar does not trust Namespaces the application ships)';
  return `${base} (a namespaceSelector needs the Namespace ${namespace} declared ${where} to know its labels)`;
}
