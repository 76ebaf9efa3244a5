// Restart on change without a controller (issue 11): stamp a checksum of the rendered Secrets a workload
// consumes into its pod template, so a changed secret changes the template and rolls the workload on the
// next sync. Opt-in: the configuration (all workloads), or the annotation `eso-render.dev/rollout-on-change:
// "true"` on a workload (all Secrets it consumes) or on an ExternalSecret (the workloads consuming its Secret).

import type { KubeObject } from './types.js';

export const ANNOTATION_ROLLOUT = 'eso-render.dev/rollout-on-change';
export const ANNOTATION_CHECKSUM = 'eso-render.dev/secret-checksum';

type Obj = Record<string, any>;

const WORKLOAD_GROUPS = new Map([
  ['Deployment', 'apps/'],
  ['StatefulSet', 'apps/'],
  ['DaemonSet', 'apps/'],
  ['ReplicaSet', 'apps/'],
  ['Job', 'batch/'],
  ['CronJob', 'batch/'],
  ['Rollout', 'argoproj.io/'],
]);

/** Where the pod template sits in each workload kind. */
function podTemplate(obj: KubeObject): Obj | undefined {
  // apiVersion and kind first: any other field of a resource read lazily parses it (issue 19).
  const api = String(obj.apiVersion ?? '');
  const group = WORKLOAD_GROUPS.get(String(obj.kind));
  if (group === undefined || !api.startsWith(group)) return undefined;
  const spec = obj['spec'] as Obj | undefined;
  if (!spec) return undefined;
  return obj.kind === 'CronJob' ? spec['jobTemplate']?.['spec']?.['template'] : spec['template'];
}

/** Names of the Secrets a pod spec consumes: env secretKeyRef, envFrom, secret and projected volumes. */
export function consumedSecrets(podSpec: Obj | undefined): Set<string> {
  const out = new Set<string>();
  if (!podSpec) return out;
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    for (const c of (podSpec[list] as Obj[] | undefined) ?? []) {
      for (const e of (c?.['env'] as Obj[] | undefined) ?? []) {
        const n = e?.['valueFrom']?.['secretKeyRef']?.['name'];
        if (typeof n === 'string') out.add(n);
      }
      for (const e of (c?.['envFrom'] as Obj[] | undefined) ?? []) {
        const n = e?.['secretRef']?.['name'];
        if (typeof n === 'string') out.add(n);
      }
    }
  }
  for (const v of (podSpec['volumes'] as Obj[] | undefined) ?? []) {
    const n = v?.['secret']?.['secretName'];
    if (typeof n === 'string') out.add(n);
    for (const s of (v?.['projected']?.['sources'] as Obj[] | undefined) ?? []) {
      const pn = s?.['secret']?.['name'];
      if (typeof pn === 'string') out.add(pn);
    }
  }
  return out;
}

export interface RenderedSecret {
  namespace: string;
  name: string;
  /** The data-hash annotation put on the Secret (ESO's SHA3, or keyed with the platform key; see digest.ts). */
  dataHash: string;
  /** The ExternalSecret asked for rollouts. */
  optedIn: boolean;
}

/** Returned when a stamp is due but no checksum may be printed (the shared sidecar without a platform key). */
export const ROLLOUT_REFUSED = Symbol('rollout refused');

/**
 * Returns the workload with the checksum annotation set on its pod template, or undefined when nothing is
 * to be stamped. The checksum covers the consumed rendered Secrets' names and data hashes only, so a change
 * of a secret value changes only this annotation. `checksum` turns the `name=hash` lines into the stamp
 * (digest.ts: keyed with the platform key when there is one); without it a due stamp is refused.
 */
export function stampWorkload(
  obj: KubeObject,
  defaultNamespace: string,
  secrets: Map<string, RenderedSecret>,
  enabledForAll: boolean,
  checksum: ((text: string) => string) | undefined,
): KubeObject | undefined | typeof ROLLOUT_REFUSED {
  const tpl = podTemplate(obj);
  if (!tpl) return undefined;
  const optedIn = enabledForAll || obj.metadata?.annotations?.[ANNOTATION_ROLLOUT] === 'true';
  const ns = obj.metadata?.namespace ?? defaultNamespace;
  const used = [...consumedSecrets(tpl['spec'])]
    .map((n) => secrets.get(`${ns}/${n}`))
    .filter((s): s is RenderedSecret => !!s && (optedIn || s.optedIn))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (!used.length) return undefined;
  if (!checksum) return ROLLOUT_REFUSED;
  const sum = checksum(used.map((s) => `${s.name}=${s.dataHash}`).join('\n'));
  if (tpl['metadata']?.['annotations']?.[ANNOTATION_CHECKSUM] === sum) return undefined;
  // Copied from its own properties: a lazily read object is a Proxy, which structuredClone refuses.
  const copy = structuredClone({ ...obj }) as KubeObject;
  const t = podTemplate(copy)!;
  t['metadata'] ??= {};
  t['metadata']['annotations'] ??= {};
  t['metadata']['annotations'][ANNOTATION_CHECKSUM] = sum;
  return copy;
}
