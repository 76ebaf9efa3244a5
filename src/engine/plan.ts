// Step 3: list every remote read of every ExternalSecret before any is made. Identical reads (same store,
// kind of read, key, version, property, metadata policy) get one id, so each is made once per run.

import type { ExternalSecret, StoreRef } from '../eso/model.js';
import type { FindRef, RemoteRef, ResolvedStore } from '../providers/types.js';
import type { KubeObject } from './types.js';
import { storeHint } from './store-hint.js';
import { checkConditions, storeId, type StoreTable } from './stores.js';
import type { Policy } from './policy.js';
import { keyRulesOf } from '../providers/key-rules.js';
import type { KeyProblem, KeyRules } from '../common/remote-keys.js';

export type ReadOp =
  | { op: 'get'; ref: RemoteRef }
  | { op: 'map'; ref: RemoteRef }
  | { op: 'find'; ref: FindRef }
  | { op: 'generate'; generator: KubeObject; namespace: string; origin: 'stream' | 'platform' };

export interface PlannedRead {
  id: string;
  storeKey: string;
  store?: ResolvedStore;
  read: ReadOp;
}

export interface PlanProblem {
  es: ExternalSecret;
  field: string;
  message: string;
}

export interface Plan {
  reads: Map<string, PlannedRead>;
  /** For each ExternalSecret (by index in the list given), the read id of each entry: `data[i]`/`dataFrom[i]`. */
  entryReads: Map<string, string>[];
  /** Stores that ExternalSecrets use (by id), to drop them from the output. */
  usedStores: Set<string>;
  usedGenerators: Set<KubeObject>;
  problems: PlanProblem[];
}

function refOf(r: { key: string; property?: string; version?: string; metadataPolicy?: 'None' | 'Fetch' }): RemoteRef {
  const ref: RemoteRef = { key: r.key };
  if (r.property) ref.property = r.property;
  if (r.version) ref.version = r.version;
  if (r.metadataPolicy === 'Fetch') ref.metadataPolicy = 'Fetch';
  return ref;
}

export function plan(
  externalSecrets: ExternalSecret[],
  stores: StoreTable,
  namespaces: Map<string, Record<string, string>>,
  findGenerator: (kind: string, name: string, namespace: string) => { object: KubeObject; origin: 'stream' | 'platform' } | undefined,
  policy?: Policy,
  trustStreamNamespaces = true,
): Plan {
  const p: Plan = { reads: new Map(), entryReads: [], usedStores: new Set(), usedGenerators: new Set(), problems: [] };
  let generated = 0;

  const resolve = (es: ExternalSecret, ref: StoreRef | undefined, field: string): ResolvedStore | undefined => {
    const r = ref?.name ? ref : es.spec.secretStoreRef;
    if (!r?.name) {
      p.problems.push({ es, field, message: 'no store: set spec.secretStoreRef or sourceRef.storeRef' });
      return undefined;
    }
    const store = stores.get(r, es.namespace);
    if (!store) {
      const where = r.kind === 'ClusterSecretStore' ? `ClusterSecretStore "${r.name}"` : `SecretStore "${r.name}" in namespace "${es.namespace}"`;
      p.problems.push({ es, field: ref?.name ? `${field}.sourceRef.storeRef` : 'spec.secretStoreRef', message: `${where} not found in the stream or the platform configuration${storeHint(r, es.namespace, stores.all())}` });
      return undefined;
    }
    const denied = checkConditions(store, es.namespace, namespaces, trustStreamNamespaces) ?? policy?.checkStore(store);
    if (denied) {
      p.problems.push({ es, field: ref?.name ? `${field}.sourceRef.storeRef` : 'spec.secretStoreRef', message: denied });
      return undefined;
    }
    p.usedStores.add(storeId(store.kind, store.name, store.namespace));
    return store;
  };

  const add = (store: ResolvedStore, read: ReadOp): string => {
    const sk = storeId(store.kind, store.name, store.namespace);
    const id = `${sk}\u0000${JSON.stringify(read)}`;
    if (!p.reads.has(id)) p.reads.set(id, { id, storeKey: sk, store, read });
    return id;
  };

  // Keys are canonical before they are matched (src/common/remote-keys.ts): checked before the policy.
  const canonical = (es: ExternalSecret, store: ResolvedStore, field: string, check: (r: KeyRules) => KeyProblem[]): boolean => {
    const rules = keyRulesOf(store.provider);
    const found = rules ? check(rules) : [];
    for (const k of found) p.problems.push({ es, field: `${field}.${k.field}`, message: k.reason });
    return found.length === 0;
  };

  const keyAllowed = (es: ExternalSecret, store: ResolvedStore, key: string, field: string): boolean => {
    const denied = policy?.checkKey(store, key);
    if (denied) p.problems.push({ es, field, message: denied });
    return !denied;
  };

  for (const es of externalSecrets) {
    const entries = new Map<string, string>();
    const nsDenied = policy?.checkTargetNamespace(es.namespace);
    if (nsDenied) {
      p.problems.push({ es, field: 'metadata.namespace', message: nsDenied });
      p.entryReads.push(entries);
      continue;
    }
    es.spec.dataFrom.forEach((df, i) => {
      const field = `spec.dataFrom[${i}]`;
      if (df.generatorRef) {
        const g = df.generatorRef;
        if (g.kind === 'ClusterGenerator') {
          // ESO resolves a cluster-scoped ClusterGenerator into a virtual namespaced generator
          // (runtime/esutils/resolvers/generator.go); eso-render reads namespaced generators only.
          p.problems.push({ es, field: `${field}.sourceRef.generatorRef.kind`, message: `generator kind ClusterGenerator (${g.name}) is not supported by eso-render: reference a namespaced generator kind (for example Password) in the stream or the platform configuration` });
          return;
        }
        const found = findGenerator(g.kind, g.name, es.namespace);
        if (!found) {
          p.problems.push({ es, field: `${field}.sourceRef.generatorRef`, message: `generator ${g.kind} ${es.namespace}/${g.name} not found in the stream or the platform configuration` });
          return;
        }
        // A generator that reaches a backend is a store with an inline connection: policy first, no request if refused.
        const denied = policy?.checkGenerator({ kind: g.kind, name: g.name, namespace: es.namespace, origin: found.origin, generator: found.object });
        if (denied) {
          p.problems.push({ es, field: `${field}.sourceRef.generatorRef`, message: denied });
          return;
        }
        const gen = found.object;
        if (found.origin === 'stream') p.usedGenerators.add(gen);
        // Every generator use is its own read: ESO generates afresh for each ExternalSecret.
        const id = `generator\u0000${generated++}`;
        p.reads.set(id, { id, storeKey: `${g.kind}/${es.namespace}/${g.name}`, read: { op: 'generate', generator: gen, namespace: es.namespace, origin: found.origin } });
        entries.set(field, id);
        return;
      }
      const store = resolve(es, df.storeRef, field);
      if (!store) return;
      if (df.extract) {
        if (!canonical(es, store, `${field}.extract`, (r) => r.ref(df.extract!))) return;
        if (keyAllowed(es, store, df.extract.key, `${field}.extract.key`)) entries.set(field, add(store, { op: 'map', ref: refOf(df.extract) }));
      } else if (df.find) {
        if (!canonical(es, store, `${field}.find`, (r) => r.find(df.find!))) return;
        const denied = policy?.checkFind(store, df.find.path ?? '');
        if (denied) {
          p.problems.push({ es, field: `${field}.find.path`, message: denied });
          return;
        }
        const f: FindRef = {};
        if (df.find.path) f.path = df.find.path;
        if (df.find.name) f.name = df.find.name;
        if (df.find.tags) f.tags = df.find.tags;
        if (df.find.conversionStrategy) f.conversionStrategy = df.find.conversionStrategy;
        entries.set(field, add(store, { op: 'find', ref: f }));
      }
    });
    es.spec.data.forEach((d, i) => {
      const field = `spec.data[${i}]`;
      const store = resolve(es, d.storeRef, field);
      if (!store) return;
      if (!canonical(es, store, `${field}.remoteRef`, (r) => r.ref(d.remoteRef))) return;
      if (!keyAllowed(es, store, d.remoteRef.key, `${field}.remoteRef.key`)) return;
      entries.set(field, add(store, { op: 'get', ref: refOf(d.remoteRef) }));
    });
    p.entryReads.push(entries);
  }
  return p;
}
