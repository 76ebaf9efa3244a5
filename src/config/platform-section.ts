// The facts only the platform may state (docs/security.md, Tenancy): ServiceAccounts that stores take their
// identity from, Namespaces with their labels, and generators. Each comes inline (`spec.serviceAccounts`,
// `spec.namespaces`, `spec.generators`) or from files (`spec.serviceAccountFiles`, ...), like the stores.
import type { KubeObject, RenderOptions } from '../engine/types.js';

export interface PlatformResourceSection {
  /** The inline field and the files field of the RenderConfig spec. */
  field: 'serviceAccounts' | 'namespaces' | 'generators';
  files: 'serviceAccountFiles' | 'namespaceFiles' | 'generatorFiles';
  /** What belongs there, for messages. */
  what: string;
  /** Why `obj` does not belong there, or undefined. */
  check(obj: KubeObject): string | undefined;
  /** Where it goes in the options. */
  add(options: RenderOptions, obj: KubeObject): void;
}

const GENERATOR_GROUP = 'generators.external-secrets.io';

function core(kind: string) {
  return (obj: KubeObject): string | undefined => {
    if (obj.apiVersion !== 'v1' || obj.kind !== kind) return `holds ${String(obj.apiVersion)} ${String(obj.kind)}; only v1 ${kind} belongs here`;
    if (!obj.metadata?.name) return `${kind} has no metadata.name`;
    return undefined;
  };
}

export const platformResourceSections: PlatformResourceSection[] = [
  {
    field: 'serviceAccounts',
    files: 'serviceAccountFiles',
    what: 'ServiceAccount manifests',
    check(obj) {
      return core('ServiceAccount')(obj) ?? (obj.metadata?.namespace ? undefined : 'ServiceAccount has no metadata.namespace (stores look ServiceAccounts up by namespace and name)');
    },
    add: (o, obj) => (o.platformServiceAccounts ??= []).push(obj),
  },
  {
    field: 'namespaces',
    files: 'namespaceFiles',
    what: 'Namespace manifests',
    check: core('Namespace'),
    add: (o, obj) => (o.platformNamespaces ??= []).push(obj),
  },
  {
    field: 'generators',
    files: 'generatorFiles',
    what: `generator manifests (${GENERATOR_GROUP})`,
    check(obj) {
      if (typeof obj.apiVersion !== 'string' || obj.apiVersion.split('/')[0] !== GENERATOR_GROUP) {
        return `holds ${String(obj.apiVersion)} ${String(obj.kind)}; only generators (${GENERATOR_GROUP}) belong here`;
      }
      if (typeof obj.kind !== 'string' || obj.kind === '') return 'generator has no kind';
      if (!obj.metadata?.name) return `${obj.kind} has no metadata.name`;
      return undefined;
    },
    add: (o, obj) => (o.platformGenerators ??= []).push(obj),
  },
];
