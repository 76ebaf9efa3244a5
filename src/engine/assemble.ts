// Step 5: build each Secret exactly as ESO does (eso-semantics §0, §2, §3, §6), from the fetched reads,
// then map ESO's in-cluster outcome to what can be emitted offline (design.md's table).

import type { ExternalSecret } from '../eso/model.js';
import {
  ANNOTATION_DATA_HASH,
  ANNOTATION_SOURCE,
  LABEL_CREATED_BY,
  LABEL_MANAGED,
} from '../eso/model.js';
import type { KubeObject } from './types.js';
import type { ReadResult } from './fetch.js';
import { DeadlineError } from './fetch.js';
import { NoSecretError } from '../providers/types.js';
import { convertKeys, validateKeys } from '../providers/shared/keys.js';
import { applyRewrites } from './rewrite.js';
import { isStackOverflow, STACK_ENDED } from '../common/stack-overflow.js';
import { decode, decodeMap, hasNullByte } from './decode.js';
import { applyTemplate, TemplateApplyError, type SecretDraft, type TemplateSources, type TemplateWarning } from './template-apply.js';
import { createdByHash, dataHash } from './hash.js';
import { isOrchestratorAnnotation } from './orchestrator.js';
import { assignKeys, byteOrder, hasKey, setKey, sortedRecord } from '../common/records.js';
import { addSyncOptions, isMergePolicy, targetName } from './identity.js';

export { targetName };
import type { Budget } from '../template/index.js';

export interface EntryError {
  field: string;
  message: string;
  store?: string;
  key?: string;
}

export type Assembled =
  | { kind: 'secret'; secret: KubeObject; warnings: TemplateWarning[] }
  | { kind: 'none'; reason: string; warnings: TemplateWarning[] }
  | { kind: 'error'; errors: EntryError[]; warnings: TemplateWarning[] };

export interface AssembleInputs {
  entryReads: Map<string, string>;
  results: Map<string, ReadResult>;
  storeOf: (readId: string) => string | undefined;
  sources: TemplateSources;
  delims: { left: string; right: string };
  /** Redacted preview: templates render with missingkey=default. */
  lenientTemplates?: boolean;
  /** How the data-hash annotation is computed (digest.ts); absent: ESO's. `null`: left out. */
  dataHash?: ((data: Map<string, Uint8Array>) => string) | null;
  /** The run's template budget (operations, output, deadline), shared by every ExternalSecret. */
  budget?: Budget;
}

function describeFind(f: { path?: string; name?: { regexp: string }; tags?: Record<string, string> }): string {
  const parts: string[] = [];
  if (f.path) parts.push(`path ${f.path}`);
  if (f.name) parts.push(`name ${f.name.regexp}`);
  if (f.tags) parts.push(`tags ${Object.entries(f.tags).map(([k, v]) => `${k}=${v}`).join(',')}`);
  return `find ${parts.join(' ')}`.trim();
}

function causeOf(e: unknown): string {
  // ESO's text first (users search for it), then the provider's detail naming store and key.
  if (e instanceof NoSecretError) return e.detail ? `${e.message} (${e.detail})` : e.message;
  if (e instanceof DeadlineError) return e.message;
  if (e instanceof Error) return e.message;
  return String(e);
}

/** Decide and collect provider data (GetProviderSecretData), in ESO's order: dataFrom, then data. */
function providerData(es: ExternalSecret, inp: AssembleInputs, errors: EntryError[]): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  const skipMissing = es.spec.target.deletionPolicy !== 'Retain';

  es.spec.dataFrom.forEach((df, i) => {
    const field = `spec.dataFrom[${i}]`;
    const id = inp.entryReads.get(field);
    if (!id) return; // a planning problem was already reported
    const r = inp.results.get(id);
    const what = df.extract ? 'extract' : df.find ? 'find' : 'sourceRef.generatorRef';
    const store = inp.storeOf(id);
    const key = df.extract?.key ?? df.generatorRef?.name ?? (df.find ? describeFind(df.find) : undefined);
    if (!r || !r.ok) {
      const err = r && !r.ok ? r.error : new Error('not read');
      if (err instanceof NoSecretError && skipMissing) return;
      const cause = df.find ? `error getting all secrets: ${causeOf(err)}` : causeOf(err);
      errors.push({ field: `${field}.${what}`, message: `error processing ${field}.${what}, err: ${cause}`, store, key });
      return;
    }
    let map = r.value as Map<string, Uint8Array>;
    try {
      if (df.rewrite.length === 0) {
        if (df.extract || df.find) map = convertKeys(map, (df.extract ?? df.find)!.conversionStrategy);
      } else {
        map = applyRewrites(map, df.rewrite, inp.delims, { field: `dataFrom[${i}]`, ...(inp.budget ? { budget: inp.budget } : {}) });
      }
      map = validateKeys(map);
    } catch (e) {
      const msg = (e as Error).message.startsWith('error applying rewrite') ? (e as Error).message : `invalid secret keys (TIP: use rewrite or conversionStrategy to change keys): ${(e as Error).message}`;
      errors.push({ field: `${field}`, message: `error processing ${field}.${what}, err: ${msg}`, store, key });
      return;
    }
    const strategy = df.extract?.decodingStrategy ?? df.find?.decodingStrategy;
    const nullPolicy = df.extract?.nullBytePolicy ?? df.find?.nullBytePolicy;
    try {
      if (!df.generatorRef) map = decodeMap(strategy, map);
    } catch (e) {
      errors.push({ field: `${field}.${what}.decodingStrategy`, message: `error processing ${field}.${what}, err: ${(e as Error).message}`, store, key });
      return;
    }
    if (nullPolicy === 'Fail') {
      // The keys of an extract or find came from the backend: named by position, not by name.
      for (const [n, v] of [...map.values()].entries()) {
        if (hasNullByte(v)) {
          errors.push({ field: `${field}.${what}.nullBytePolicy`, message: `fetched secret value for key #${n + 1} contains null bytes`, store, key });
          return;
        }
      }
    }
    for (const [k, v] of map) out.set(k, v);
  });

  es.spec.data.forEach((d, i) => {
    const field = `spec.data[${i}]`;
    const id = inp.entryReads.get(field);
    if (!id) return;
    const r = inp.results.get(id);
    const store = inp.storeOf(id);
    const key = d.remoteRef.key;
    if (!r || !r.ok) {
      const err = r && !r.ok ? r.error : new Error('not read');
      if (err instanceof NoSecretError && skipMissing) return;
      errors.push({ field, message: `error processing ${field} (key: ${key}), err: ${causeOf(err)}`, store, key });
      return;
    }
    let v = r.value as Uint8Array;
    try {
      v = decode(d.remoteRef.decodingStrategy, v);
    } catch (e) {
      errors.push({ field: `${field}.remoteRef.decodingStrategy`, message: `error processing ${field} (key: ${key}), err: ${(e as Error).message}`, store, key });
      return;
    }
    if (d.remoteRef.nullBytePolicy === 'Fail' && hasNullByte(v)) {
      errors.push({ field: `${field}.remoteRef.nullBytePolicy`, message: `fetched secret value for key "${d.secretKey}" contains null bytes`, store, key });
      return;
    }
    out.set(d.secretKey, v);
  });
  return out;
}


/** The annotations that make a resource an Argo CD hook (Argo CD reads Helm's as its own). */
export function isHookAnnotation(key: string): boolean {
  return key === 'helm.sh/hook' || key === 'argocd.argoproj.io/hook';
}

export function assemble(es: ExternalSecret, inp: AssembleInputs): Assembled {
  const errors: EntryError[] = [];
  const warnings: TemplateWarning[] = [];
  const data = providerData(es, inp, errors);
  if (errors.length) return { kind: 'error', errors, warnings };

  const { creationPolicy, deletionPolicy } = es.spec.target;
  // ESO's Reconcile: the empty-data switch comes before the creationPolicy switch.
  if (data.size === 0) {
    if (deletionPolicy === 'Delete') {
      if (creationPolicy !== 'Owner') {
        return { kind: 'error', warnings, errors: [{ field: 'spec.target.deletionPolicy', message: `unable to delete secret ${targetName(es)}: creationPolicy=${creationPolicy} is not Owner` }] };
      }
      return { kind: 'none', reason: 'no provider data and deletionPolicy=Delete: ESO deletes the Secret, so none is emitted', warnings };
    }
    // creationPolicy None writes nothing anyway: "secret retained" is then ESO's no-op, not a failure.
    if (deletionPolicy === 'Retain' && creationPolicy === 'None') {
      return { kind: 'none', reason: 'no provider data, deletionPolicy=Retain and creationPolicy=None: ESO writes nothing', warnings };
    }
    if (deletionPolicy === 'Retain') {
      return {
        kind: 'error',
        warnings,
        errors: [{
          field: 'spec.target.deletionPolicy',
          message: 'no provider data and deletionPolicy=Retain: ESO would keep the live Secret, which cannot be done offline, so the run fails (Argo CD keeps the last good state)',
        }],
      };
    }
  }
  if (creationPolicy === 'None') return { kind: 'none', reason: 'creationPolicy=None: ESO reads the provider but writes no Secret', warnings };

  const t = es.spec.target.template;
  const draft: SecretDraft = { labels: {}, annotations: {}, finalizers: [], data: new Map() };
  if (!t) {
    assignKeys(draft.labels, es.labels);
    for (const [k, v] of Object.entries(es.annotations)) if (!isOrchestratorAnnotation(k)) setKey(draft.annotations, k, v);
    for (const [k, v] of data) draft.data.set(k, v);
  } else {
    assignKeys(draft.labels, t.metadata?.labels);
    assignKeys(draft.annotations, t.metadata?.annotations);
    draft.finalizers.push(...(t.metadata?.finalizers ?? []));
    try {
      applyTemplate(es, draft, data, inp.sources, inp.delims, warnings, inp.lenientTemplates === true, inp.budget);
    } catch (e) {
      const field = e instanceof TemplateApplyError ? e.field : 'spec.target.template';
      // A stack overflow outside the template's own run (V8's RangeError) reads as the one inside it.
      const message = isStackOverflow(e) ? STACK_ENDED : (e as Error).message;
      return { kind: 'error', warnings, errors: [{ field, message: `could not apply template: ${message}` }] };
    }
  }

  // A hook annotation on the Secret makes Argo CD treat it as a hook, which ESO's Secret never is.
  for (const k of Object.keys(draft.annotations)) {
    if (!isHookAnnotation(k)) continue;
    const field = !t ? `metadata.annotations.${k}` : hasKey(t.metadata?.annotations, k) ? `spec.target.template.metadata.annotations.${k}` : 'spec.target.template.templateFrom';
    warnings.push({
      field,
      message: `annotation ${k} is copied onto Secret ${targetName(es)}, which makes the Secret an Argo CD hook: Argo CD creates it outside the normal sync, does not keep it as part of the application and deletes it as its hook-delete-policy says (ESO's Secret is never a hook); with a target.template, only template.metadata.annotations reach the Secret`,
    });
  }

  // Offline mapping of the ownership policies (design.md). Merge and CreateOrMerge are finished by
  // identity.ts, which knows whether the target Secret is in the stream and who else writes to it.
  delete draft.labels[LABEL_CREATED_BY];
  if (creationPolicy === 'Owner') draft.labels[LABEL_CREATED_BY] = createdByHash(es.namespace, es.name);
  else if (creationPolicy === 'Orphan') addSyncOptions(draft.annotations, 'Prune=false');
  draft.labels[LABEL_MANAGED] = 'true';
  if (inp.dataHash === null) delete draft.annotations[ANNOTATION_DATA_HASH];
  else draft.annotations[ANNOTATION_DATA_HASH] = (inp.dataHash ?? dataHash)(draft.data);
  draft.annotations[ANNOTATION_SOURCE] = `${es.namespace}/${es.name}`;

  const metadata: Record<string, unknown> = { name: targetName(es) };
  if (es.explicitNamespace) metadata['namespace'] = es.namespace;
  metadata['labels'] = sortedRecord(draft.labels);
  metadata['annotations'] = sortedRecord(draft.annotations);
  if (draft.finalizers.length) metadata['finalizers'] = [...new Set(draft.finalizers)];
  const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: metadata as KubeObject['metadata'] };
  if (es.spec.target.immutable) secret['immutable'] = true;
  // ESO leaves the type empty unless template.type sets it: the API server makes a new Secret Opaque, and
  // an existing one keeps its type (immutable), so a Merge target's type is never forced.
  if (draft.type !== undefined || !isMergePolicy(creationPolicy)) secret['type'] = draft.type ?? 'Opaque';
  const encoded: Record<string, string> = {};
  for (const k of [...draft.data.keys()].sort(byteOrder)) setKey(encoded, k, Buffer.from(draft.data.get(k)!).toString('base64'));
  secret['data'] = encoded;
  return { kind: 'secret', secret, warnings };
}

