// Steps 1–3, shared by `render` and `validate`: collect, validate and default, plan. Nothing here
// reaches a backend or needs a credential.

import type { Item, KubeObject, RenderOptions, Result } from './types.js';
import { collect, type Collected } from './collect.js';
import { readExternalSecret } from '../eso/normalize.js';
import { resourceRef, type ExternalSecret } from '../eso/model.js';
import { buildStoreTable, storeId, type StoreTable } from './stores.js';
import { plan, type Plan } from './plan.js';
import { loadProvider } from '../providers/registry.js';
import { loadKeyRules } from '../providers/key-rules.js';
import { Policy } from './policy.js';
import { checkSchemas } from './strict-check.js';
import { setAsideOtherClasses } from './controller-class.js';

function* schemaSubjects(items: readonly Item[], c: Collected, options: RenderOptions, otherClass: Set<number>): Iterable<KubeObject> {
  for (const x of c.externalSecrets) yield x.field ? items[x.itemIndex]!.object : x.object;
  for (const i of c.clusterExternalSecretIndexes) if (!otherClass.has(i)) yield items[i]!.object;
  for (const s of c.stores) yield s.object;
  for (const g of c.generators) yield g.object;
  yield* options.platformStores;
}

export interface Prepared {
  collected: Collected;
  stores: StoreTable;
  externalSecrets: ExternalSecret[];
  /** For each ExternalSecret, the index of the stream item it came from. */
  esItemIndex: number[];
  plan: Plan;
  defaultNamespace: string;
  /** Stream indexes of ExternalSecrets and ClusterExternalSecrets left for another controller class. */
  otherClass: Set<number>;
}

export type ErrorSink = (obj: KubeObject, field: string | undefined, message: string, tags?: Record<string, string>) => void;

export function errorSink(results: Result[]): ErrorSink {
  return (obj, field, message, tags) => {
    const r: Result = { severity: 'error', message, resourceRef: resourceRef(obj) };
    if (field) r.field = { path: field };
    if (tags && Object.keys(tags).length) r.tags = tags;
    results.push(r);
  };
}

/** Collection's warnings (ClusterExternalSecret selections), as results. */
export function warningResults(c: Collected): Result[] {
  return c.warnings.map((w) => ({ severity: 'warning', message: w.message, resourceRef: resourceRef(w.object), field: { path: w.field } }));
}

export async function prepare(items: readonly Item[], options: RenderOptions, reportError: ErrorSink): Promise<Prepared> {
  // 1. Collect.
  // In the shared sidecar, Namespace labels come from the platform only (an app could ship forged ones).
  const trustStreamNamespaces = options.sharedSidecar !== true;
  const c = collect(items, { platform: options.platformNamespaces ?? [], trustStream: trustStreamNamespaces });
  const defaultNamespace = options.context?.namespace || 'default';
  // Stores of another ESO controller class, and what uses them, pass through (controller-class.ts).
  options = { ...options, platformStores: [...options.platformStores] };
  const otherClass = setAsideOtherClasses(c, options, defaultNamespace);
  // Strict schema validation of every ESO object, stream and platform alike (issue 16).
  const error = checkSchemas(schemaSubjects(items, c, options, otherClass), reportError);
  for (const p of c.problems) error(p.object, p.field, p.message);
  const { table, problems: storeProblems } = buildStoreTable(c.stores.map((s) => s.object), options.platformStores, defaultNamespace);
  for (const p of storeProblems) error(p.object, p.field, p.message);
  const checkStore = async (s: ReturnType<StoreTable['all']>[number]) => {
    const mod = await loadProvider(s.provider).catch(() => undefined);
    for (const p of mod?.validateStore?.(s.spec) ?? []) error(s.resource, `spec.provider.${s.provider}.${p.field}`, p.message);
  };
  // The fake store is local and ESO validates its data at admission; other providers' stores are checked
  // once an ExternalSecret uses them (below), so a run never loads an SDK it does not need.
  for (const s of table.all()) if (s.provider === 'fake') await checkStore(s);

  // 2. Validate and default.
  const externalSecrets: ExternalSecret[] = [];
  const esItemIndex: number[] = [];
  for (const x of c.externalSecrets) {
    const { es, problems } = readExternalSecret(x.object, defaultNamespace);
    const origin = x.field ? items[x.itemIndex]!.object : x.object;
    for (const p of problems) error(origin, x.field ? `${x.field}${p.field.replace(/^spec/, '')}` : p.field, p.message);
    if (es) {
      externalSecrets.push(es);
      esItemIndex.push(x.itemIndex);
    }
  }

  // 3. Plan.
  // Generators from the platform configuration and from the stream; one defined in both is an error, as for stores.
  const generatorIndex = new Map<string, { object: KubeObject; origin: 'stream' | 'platform' }>();
  const addGenerator = (object: KubeObject, origin: 'stream' | 'platform') => {
    const id = `${object.kind}/${object.metadata?.namespace ?? defaultNamespace}/${object.metadata?.name}`;
    const prior = generatorIndex.get(id);
    if (prior) {
      const where = prior.origin === origin ? `twice in the ${origin === 'stream' ? 'stream' : 'platform configuration'}` : 'in both the stream and the platform configuration';
      error(object, 'metadata.name', `generator ${object.kind} ${object.metadata?.namespace ?? defaultNamespace}/${object.metadata?.name} is defined ${where}`);
      return;
    }
    generatorIndex.set(id, { object, origin });
  };
  for (const g of options.platformGenerators ?? []) addGenerator(g, 'platform');
  for (const g of c.generators) addGenerator(g.object, 'stream');
  const policy = new Policy(options.policy, options.context ?? {}, options.sharedSidecar === true);
  // Planning applies the key rules of the stores' providers (providers/key-rules.ts): only those load.
  await loadKeyRules(table.all().map((s) => s.provider));
  const pl = plan(externalSecrets, table, c.namespaces, (kind, name, ns) => generatorIndex.get(`${kind}/${ns}/${name}`), policy, trustStreamNamespaces);
  for (const p of pl.problems) error(p.es.object, p.field, p.message);
  for (const s of table.all()) {
    if (s.provider !== 'fake' && pl.usedStores.has(storeId(s.kind, s.name, s.namespace))) await checkStore(s);
  }
  return { collected: c, stores: table, externalSecrets, esItemIndex, plan: pl, defaultNamespace, otherClass };
}
