// The ESO resource model after CRD defaulting: only the fields the renderer acts on, typed.
// v1beta1 is read as v1 (a strict subset with the same semantics, eso-semantics §1.1).

import type { KubeObject } from '../engine/types.js';

export const ESO_GROUP = 'external-secrets.io';
export const ESO_VERSIONS = ['v1', 'v1beta1'] as const;
export const GENERATOR_GROUP = 'generators.external-secrets.io';

export const LABEL_MANAGED = 'reconcile.external-secrets.io/managed';
export const LABEL_CREATED_BY = 'reconcile.external-secrets.io/created-by';
export const ANNOTATION_DATA_HASH = 'reconcile.external-secrets.io/data-hash';
/** Ours: names the ExternalSecret a Secret was rendered from (`namespace/name`). */
export const ANNOTATION_SOURCE = 'eso-render.dev/external-secret';
export const ARGOCD_SYNC_OPTIONS = 'argocd.argoproj.io/sync-options';

export type CreationPolicy = 'Owner' | 'Orphan' | 'Merge' | 'None' | 'CreateOrMerge';
export type DeletionPolicy = 'Delete' | 'Merge' | 'Retain';
export type DecodingStrategy = 'None' | 'Base64' | 'Base64URL' | 'Auto';

export interface StoreRef {
  name: string;
  kind: 'SecretStore' | 'ClusterSecretStore';
}

export interface RemoteRefSpec {
  key: string;
  property?: string;
  version?: string;
  conversionStrategy?: string;
  decodingStrategy: DecodingStrategy;
  metadataPolicy?: 'None' | 'Fetch';
  nullBytePolicy: 'Ignore' | 'Fail';
}

export interface DataEntry {
  secretKey: string;
  remoteRef: RemoteRefSpec;
  storeRef?: StoreRef;
}

export interface RewriteRegexp {
  regexp: { source: string; target: string };
}
export interface RewriteTransform {
  transform: { template: string };
}
export interface RewriteMerge {
  merge: {
    into?: string;
    priority?: string[];
    priorityPolicy?: string;
    conflictPolicy?: string;
    strategy?: string;
  };
}
export type Rewrite = RewriteRegexp | RewriteTransform | RewriteMerge;

export interface FindSpec {
  path?: string;
  name?: { regexp: string };
  tags?: Record<string, string>;
  conversionStrategy?: string;
  decodingStrategy: DecodingStrategy;
  nullBytePolicy: 'Ignore' | 'Fail';
}

export interface GeneratorRef {
  apiVersion: string;
  kind: string;
  name: string;
}

export interface DataFromEntry {
  extract?: RemoteRefSpec;
  find?: FindSpec;
  generatorRef?: GeneratorRef;
  storeRef?: StoreRef;
  rewrite: Rewrite[];
}

export interface TemplateFromItem {
  key: string;
  templateAs: 'Values' | 'KeysAndValues';
}

export interface TemplateFrom {
  configMap?: { name: string; items: TemplateFromItem[] };
  secret?: { name: string; items: TemplateFromItem[] };
  literal?: string;
  target: string;
  valuesDecodingStrategy?: DecodingStrategy;
}

export interface TemplateSpec {
  type?: string;
  engineVersion: 'v2';
  mergePolicy: 'Replace' | 'Merge';
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] };
  data?: Record<string, string>;
  templateFrom: TemplateFrom[];
}

export interface TargetSpec {
  name?: string;
  creationPolicy: CreationPolicy;
  deletionPolicy: DeletionPolicy;
  immutable: boolean;
  template?: TemplateSpec;
}

export interface ExternalSecretSpec {
  secretStoreRef?: StoreRef;
  target: TargetSpec;
  data: DataEntry[];
  dataFrom: DataFromEntry[];
}

/** An ExternalSecret as the engine works on it. */
export interface ExternalSecret {
  name: string;
  /** The namespace used for lookups and hashes (the object's, else the app's, else `default`). */
  namespace: string;
  /** Whether the object itself named its namespace (the Secret then names it too). */
  explicitNamespace: boolean;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  spec: ExternalSecretSpec;
  /** The object as read (for the Secret's position and orchestrator annotations). */
  object: KubeObject;
  apiVersion: string;
}

export function isEsoKind(obj: KubeObject, kind: string): boolean {
  if (obj.kind !== kind || typeof obj.apiVersion !== 'string') return false;
  const [group, version] = obj.apiVersion.split('/');
  return group === ESO_GROUP && (ESO_VERSIONS as readonly string[]).includes(version ?? '');
}

export function isGenerator(obj: KubeObject): boolean {
  return typeof obj.apiVersion === 'string' && obj.apiVersion.split('/')[0] === GENERATOR_GROUP;
}

export function describe(obj: KubeObject): string {
  const ns = obj.metadata?.namespace;
  return `${obj.kind ?? '<no kind>'} ${ns ? ns + '/' : ''}${obj.metadata?.name ?? '<no name>'}`;
}

export function resourceRef(obj: KubeObject): { apiVersion?: string; kind?: string; name?: string; namespace?: string } {
  const ref: { apiVersion?: string; kind?: string; name?: string; namespace?: string } = {};
  if (obj.apiVersion) ref.apiVersion = obj.apiVersion;
  if (obj.kind) ref.kind = obj.kind;
  if (obj.metadata?.name) ref.name = obj.metadata.name;
  if (obj.metadata?.namespace) ref.namespace = obj.metadata.namespace;
  return ref;
}
