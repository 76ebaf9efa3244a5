// ESO's --controller-class, offline (issue 16). ESO processes a store when its spec.controller is empty or
// names the controller's class (secretstore.ShouldProcessStore), and skips an ExternalSecret using a store
// it does not process. So: stores of another class, and the ExternalSecrets (and ClusterExternalSecrets)
// using one, are not read, checked or dropped here; they pass through untouched for an in-cluster ESO.

import type { KubeObject, RenderOptions } from './types.js';
import type { Collected } from './collect.js';
import { DEFAULT_CONTROLLER_CLASS } from '../config/controller-section.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function storeClass(o: KubeObject): string {
  const c = isObj(o['spec']) ? o['spec']['controller'] : undefined;
  return typeof c === 'string' ? c : '';
}

function storeRefs(spec: unknown): { name: string; kind: string }[] {
  if (!isObj(spec)) return [];
  const refs: { name: string; kind: string }[] = [];
  const add = (r: unknown) => {
    if (isObj(r) && typeof r['name'] === 'string') refs.push({ name: r['name'], kind: r['kind'] === 'ClusterSecretStore' ? 'ClusterSecretStore' : 'SecretStore' });
  };
  add(spec['secretStoreRef']);
  for (const list of [spec['data'], spec['dataFrom']]) {
    if (Array.isArray(list)) for (const e of list) if (isObj(e) && isObj(e['sourceRef'])) add(e['sourceRef']['storeRef']);
  }
  return refs;
}

/**
 * Takes the other classes' stores and ExternalSecrets out of `c` and `options.platformStores`; returns the
 * stream indexes of the ExternalSecrets and ClusterExternalSecrets left for another controller.
 */
export function setAsideOtherClasses(c: Collected, options: RenderOptions, defaultNamespace: string): Set<number> {
  const cls = options.controllerClass || DEFAULT_CONTROLLER_CLASS;
  const ours = (o: KubeObject) => storeClass(o) === '' || storeClass(o) === cls;
  const all = [...c.stores.map((s) => s.object), ...options.platformStores];
  const foreign = all.filter((o) => !ours(o));
  const aside = new Set<number>();
  if (foreign.length === 0) return aside;
  const id = (kind: string, name: string, ns: string) => (kind === 'ClusterSecretStore' ? `C/${name}` : `S/${ns}/${name}`);
  const foreignIds = new Set(foreign.map((o) => id(String(o.kind), String(o.metadata?.name), o.metadata?.namespace ?? defaultNamespace)));
  for (const x of c.externalSecrets) {
    const ns = x.object.metadata?.namespace ?? defaultNamespace;
    if (storeRefs(x.object['spec']).some((r) => foreignIds.has(id(r.kind, r.name, ns)))) aside.add(x.itemIndex);
  }
  c.externalSecrets = c.externalSecrets.filter((x) => !aside.has(x.itemIndex));
  c.stores = c.stores.filter((s) => ours(s.object));
  options.platformStores = options.platformStores.filter(ours);
  return aside;
}
