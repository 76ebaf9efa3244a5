// What ESO would do in a cluster that a render cannot (issue 16): said as warnings, never silence. And, for
// `validate`, what `render` will certainly refuse that is knowable without credentials: credential Secrets
// and ServiceAccounts that are in neither the stream nor the platform configuration. Findings name fields,
// stores and keys from the manifests, never a value; each store-level finding is given once per store.

import { existsSync } from 'node:fs';
import path from 'node:path';
import type { KubeObject, RenderOptions, Result } from './types.js';
import type { Prepared } from './prepare.js';
import { resourceRef, type StoreRef } from '../eso/model.js';
import { storeLabel } from '../common/store-label.js';
import { parseGoDuration } from '../common/duration.js';
import type { ResolvedStore } from '../providers/types.js';

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Paths of Vault secrets engines that hand out leases (dynamic credentials), not KV entries. */
const DYNAMIC_PATH = /^(database|aws|gcp|azure|consul|rabbitmq|nomad|mongodbatlas|kubernetes|ldap|openldap|ad|terraform|alicloud)\/(creds|static-creds|sts|roleset|token)\//;

function warn(obj: KubeObject, field: string | undefined, message: string): Result {
  const r: Result = { severity: 'warning', message, resourceRef: resourceRef(obj) };
  if (field) r.field = { path: field };
  return r;
}

/** Warnings for ESO semantics that cannot apply offline; given by both `render` and `validate`. */
export function offlineWarnings(prep: Prepared, options: RenderOptions): Result[] {
  const out: Result[] = [];
  const seen = new Set<string>();
  const once = (id: string, r: () => Result) => {
    if (!seen.has(id)) {
      seen.add(id);
      out.push(r());
    }
  };
  prep.externalSecrets.forEach((es) => {
    const spec = (es.object['spec'] ?? {}) as Record<string, unknown>;
    const origin = es.object;
    const policy = spec['refreshPolicy'];
    if (policy === 'CreatedOnce' || policy === 'OnChange') {
      out.push(warn(origin, 'spec.refreshPolicy', `refreshPolicy ${policy} cannot apply offline: every render reads the provider again, so the Secret follows the provider's current value`));
    }
    const ri = spec['refreshInterval'];
    if (typeof ri === 'string' && ri !== '') {
      let ms: number | undefined;
      try {
        ms = parseGoDuration(ri);
      } catch {
        // the schema check reports it
      }
      if (ms === 0) out.push(warn(origin, 'spec.refreshInterval', 'refreshInterval 0 (fetch once, never refresh) cannot apply offline: every render reads the provider again'));
    }
    if (spec['syncWindows'] !== undefined && spec['syncWindows'] !== null) {
      out.push(warn(origin, 'spec.syncWindows', 'syncWindows are ignored offline: a render reads the provider whenever it runs'));
    }
    if (!es.explicitNamespace && !options.context?.namespace) {
      out.push(warn(origin, 'metadata.namespace', `the ExternalSecret names no namespace: its stores are looked up in namespace "${es.namespace}" and the Secret is written without one (kubectl puts it in its current namespace); set metadata.namespace, or pass --namespace NS`));
    }
    es.spec.dataFrom.forEach((df, j) => {
      if (df.generatorRef?.kind === 'VaultDynamicSecret') {
        out.push(warn(origin, `spec.dataFrom[${j}].sourceRef.generatorRef`, 'a VaultDynamicSecret takes a new lease on every render: the Secret changes each time, so Argo CD will see drift and old leases stay valid until they expire'));
      }
      if (df.generatorRef?.kind === 'Webhook') {
        out.push(warn(origin, `spec.dataFrom[${j}].sourceRef.generatorRef`, 'a Webhook generator calls its endpoint on every render: if the endpoint issues new credentials each time, the Secret changes on every render and Argo CD will see drift'));
      }
    });
    // A dynamic secrets engine path read as KV: ESO reads <mount>/data/<key>, not the engine.
    const storeOf = (ref?: StoreRef) => (ref?.name ? prep.stores.get(ref, es.namespace) : undefined);
    es.spec.data.forEach((d, j) => {
      const store = storeOf(d.storeRef ?? es.spec.secretStoreRef);
      if (store?.provider !== 'vault' || !DYNAMIC_PATH.test(d.remoteRef.key)) return;
      const mount = typeof store.spec['path'] === 'string' ? store.spec['path'] : 'secret';
      const version = store.spec['version'] === 'v1' ? 'v1' : 'v2';
      once(`dyn\u0000${storeLabel(store)}\u0000${d.remoteRef.key}`, () =>
        warn(origin, `spec.data[${j}].remoteRef.key`,
          `key ${d.remoteRef.key} is a Vault dynamic secrets engine path, but ${storeLabel(store)} is a KV ${version} store: ESO reads it as the KV entry ${mount}/${version === 'v2' ? 'data/' : ''}${d.remoteRef.key}, not as a lease. ` +
          'Dynamic credentials need a VaultDynamicSecret generator (generators.external-secrets.io/v1alpha1) referenced from spec.dataFrom[].sourceRef.generatorRef'));
    });
  });
  return out;
}

interface CredentialRef {
  field: string;
  name: string;
  key?: string;
  namespace?: string;
  serviceAccount: boolean;
}

/** Secret selectors (`...Ref` / `...SecretRef` with name and key) and ServiceAccount refs in a provider block. */
function credentialRefs(v: unknown, at: string, out: CredentialRef[]): void {
  if (!isObj(v)) return;
  for (const [k, x] of Object.entries(v)) {
    const f = `${at}.${k}`;
    if (!isObj(x)) continue;
    if (/Ref$/i.test(k) && typeof x['name'] === 'string') {
      const ns = typeof x['namespace'] === 'string' ? x['namespace'] : undefined;
      if (k === 'serviceAccountRef') out.push({ field: f, name: x['name'], serviceAccount: true, ...(ns ? { namespace: ns } : {}) });
      else if (typeof x['key'] === 'string') out.push({ field: f, name: x['name'], key: x['key'], serviceAccount: false, ...(ns ? { namespace: ns } : {}) });
      continue;
    }
    credentialRefs(x, f, out);
  }
}

/**
 * `validate` only: credentials a used store needs that no source of this run holds. `render` would fail
 * on each when it authenticates; the message names the settings that provide one.
 */
export function missingCredentials(prep: Prepared, options: RenderOptions): Result[] {
  const out: Result[] = [];
  const c = prep.collected;
  const sas = [...c.serviceAccounts, ...(options.platformServiceAccounts ?? [])];
  const used = prep.stores.all().filter((s) => s.provider !== 'fake' && prep.plan.usedStores.has(storeIdOf(s)));
  for (const s of used) {
    const refs: CredentialRef[] = [];
    credentialRefs(s.spec, `spec.provider.${s.provider}`, refs);
    // With no credential source configured at all, this run is not the deploy-time configuration (CI
    // validating an app): say what render will need, as a warning, once per store.
    const noSource = !options.credentialsDir && !options.allowStreamCredentials;
    const secretRefs = refs.filter((r) => !r.serviceAccount);
    if (noSource && secretRefs.length) {
      out.push({
        severity: 'warning',
        message: `${storeLabel(s)} needs credentials (${secretRefs.map((r) => `${r.namespace ?? s.namespace ?? '?'}/${r.name} key ${r.key}`).join(', ')}) and this run configures no source for them: render needs --credentials-dir (spec.credentialsDir) or --allow-stream-credentials`,
        resourceRef: resourceRef(s.resource),
        field: { path: secretRefs[0]!.field },
      });
    }
    for (const ref of refs) {
      if (noSource && !ref.serviceAccount) continue;
      // Only the AWS IRSA ServiceAccount is required offline (it names the role); others are looked up if present.
      if (ref.serviceAccount && !(s.provider === 'aws' && ref.field.endsWith('.jwt.serviceAccountRef'))) continue;
      const ns = s.kind === 'SecretStore' ? s.namespace : ref.namespace;
      if (!ns) continue; // the provider reports a ClusterSecretStore reference without a namespace
      if (ref.serviceAccount) {
        if (!sas.some((o) => o.metadata?.name === ref.name && (o.metadata?.namespace ?? prep.defaultNamespace) === ns)) {
          out.push({
            severity: 'error',
            message: `ServiceAccount ${ns}/${ref.name} (needed by ${storeLabel(s)}) is not in the stream or the platform configuration (spec.serviceAccounts of the RenderConfig): add it, with its eks.amazonaws.com/role-arn annotation`,
            resourceRef: resourceRef(s.resource),
            field: { path: ref.field },
          });
        }
        continue;
      }
      const file = options.credentialsDir ? path.join(options.credentialsDir, ns, ref.name, ref.key!) : undefined;
      if (file && existsSync(file)) continue;
      const secret = c.secrets.find((o) => o.metadata?.name === ref.name && (o.metadata?.namespace ?? '') === ns);
      if (secret && options.allowStreamCredentials) continue;
      const tried = [
        file ? `the credentials directory (${file} does not exist)` : 'no credentials directory (--credentials-dir or spec.credentialsDir)',
        secret ? 'a Secret of that name is in the stream, but stream credentials are not allowed (--allow-stream-credentials)' : options.allowStreamCredentials ? 'no such Secret in the stream' : undefined,
      ].filter(Boolean);
      out.push({
        severity: 'error',
        message: `credential ${ns}/${ref.name} key ${ref.key} for ${storeLabel(s)} is not available: ${tried.join('; ')}`,
        resourceRef: resourceRef(s.resource),
        field: { path: ref.field },
      });
    }
  }
  return out;
}

function storeIdOf(s: ResolvedStore): string {
  return s.kind === 'ClusterSecretStore' ? `ClusterSecretStore/${s.name}` : `SecretStore/${s.namespace ?? ''}/${s.name}`;
}
