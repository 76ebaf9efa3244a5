// The engine's steps: collect → validate and default → plan → fetch → assemble → replace (design.md).
// Takes data, returns data. A run either produces every Secret or nothing, with every error found.
// Entered through render.ts, which skips all of this (and its imports) for a stream with no ESO resource.

import { appWebhookURLs } from './policy.js';
import { unmaskedFindings } from './unmasked.js';
import { setMaxListeners } from 'node:events';
import type { Item, KubeObject, RenderOptions, RenderOutcome, RenderStats, Result } from './types.js';
import { resourceRef } from '../eso/model.js';
import { storeId } from './stores.js';
import { clientFailures, fetchAll } from './fetch.js';
import { assemble } from './assemble.js';
import { storeLabel } from '../common/store-label.js';
import { prepare, errorSink, warningResults } from './prepare.js';
import { fetchRedacted, redactSecret } from './redact.js';
import { ANNOTATION_ROLLOUT, ROLLOUT_REFUSED, stampWorkload, type RenderedSecret } from './rollout.js';
import { dataHashFunction, PLATFORM_KEY_SETTING, rolloutChecksumFunction, sealKey } from './digest.js';
import { ANNOTATION_DATA_HASH } from '../eso/model.js';
import { loadTemplateEngine, templateTexts } from './template-engine.js';
import { checkIdentities, resolveIdentities, streamSecretsOf, type Contribution } from './identity.js';
import { checkEmittedSecret } from './emitted.js';
import { offlineWarnings } from './offline-findings.js';
import { Budget } from '../template/budget.js';
import { defaultLimits } from '../common/limits.js';

export async function runPipeline(items: readonly Item[], options: RenderOptions): Promise<RenderOutcome> {
  const started = Date.now();
  const stats: RenderStats = {
    resourcesIn: items.length,
    resourcesOut: 0,
    externalSecrets: 0,
    secretsEmitted: 0,
    requests: {},
    retries: 0,
    durationMs: 0,
  };
  const results: Result[] = [];
  const error = errorSink(results);
  const finish = (outcome: { ok: true; items: Item[] } | { ok: false }): RenderOutcome => {
    stats.durationMs = Date.now() - started;
    if (outcome.ok && !results.some((r) => r.severity === 'error')) {
      stats.resourcesOut = outcome.items.length;
      return { ok: true, items: outcome.items, results, stats };
    }
    return { ok: false, results, stats };
  };

  // Sealing without a key could only be random (drift on every render) or unkeyed: refused before any request.
  const sealingKey = options.seal ? sealKey(options) : undefined;
  if (options.seal && !sealingKey) {
    results.push({ severity: 'error', message: `sealing needs the platform key: set ${PLATFORM_KEY_SETTING} (or spec.seal.keyFile, --seal-key-file)`, field: { path: 'spec.platformKeyFile' } });
    return finish({ ok: false });
  }
  // The sealing code (encryption, scopes) loads only for a run that seals.
  const sealSecret = options.seal ? (await import('./seal.js')).sealSecret : undefined;
  const prep = await prepare(items, options, error);
  const { collected: c, externalSecrets, esItemIndex, plan: pl, defaultNamespace } = prep;
  results.push(...warningResults(c));
  stats.externalSecrets = externalSecrets.length;
  if (prep.otherClass.size) stats.otherControllerClass = prep.otherClass.size;
  results.push(...offlineWarnings(prep, options));
  if (results.some((r) => r.severity === 'error')) return finish({ ok: false });

  // Two writers of one Secret that ESO could not reconcile to one outcome: known before any request.
  const streamSecrets = streamSecretsOf(items);
  const conflicts = checkIdentities(externalSecrets.map((es, i) => ({ es, itemIndex: esItemIndex[i]!, order: i })), streamSecrets, defaultNamespace);
  for (const e of conflicts) error(e.es.object, e.field, e.message, {});
  if (conflicts.length) return finish({ ok: false });
  // Values in labels, annotations or key names, which Argo CD and a SealedSecret show unmasked (unmasked.ts).
  const unmasked = unmaskedFindings(externalSecrets, options);
  for (const u of unmasked) error(u.es.object, u.field, u.message, {});
  if (unmasked.length) return finish({ ok: false });

  // 4. Fetch.
  const ac = new AbortController();
  // Every in-flight request may listen for the deadline; that is by design, not a leak.
  setMaxListeners(0, ac.signal);
  const deadline = started + options.deadlineMs;
  const timer = setTimeout(() => ac.abort(), Math.max(0, deadline - Date.now()));
  let fetched;
  const consumedCredentials = new Set<KubeObject>();
  try {
    fetched = await (options.redact ? fetchRedacted : fetchAll)(pl.reads.values(), {
      perStore: options.concurrency.perStore,
      global: options.concurrency.global,
      deadline,
      signal: ac.signal,
      credentials: {
        ...(options.credentialsDir ? { credentialsDir: options.credentialsDir } : {}),
        streamSecrets: c.secrets,
        allowStreamCredentials: options.allowStreamCredentials,
        serviceAccounts: c.serviceAccounts,
        platformServiceAccounts: options.platformServiceAccounts ?? [],
        ...(options.sharedSidecar ? { tenancy: options.context?.namespace ? { appNamespace: options.context.namespace } : {} } : {}),
        consumed: consumedCredentials,
      },
      requests: stats.requests,
      onRetry: () => stats.retries++,
      fetchedBytes: options.limits?.fetchedBytes ?? defaultLimits.fetchedBytes,
      ...(options.webhook ? { webhookURLs: options.webhook.allowedURLs } : {}),
      ...(() => {
        const app = appWebhookURLs(options.policy, options.context ?? {});
        return app ? { appWebhookURLs: app } : {};
      })(),
    });
  } finally {
    clearTimeout(timer);
  }

  // 5. Assemble.
  const storeOf = (readId: string) => {
    const r = pl.reads.get(readId);
    return r?.store ? storeLabel(r.store) : r?.storeKey;
  };
  // templateFrom looks ConfigMaps and Secrets up by namespace/name: indexed once, not searched per use.
  // The first of a duplicated name wins, as a search from the start of the stream would find it.
  type Index = Map<unknown, Map<unknown, KubeObject>>;
  const byName = (list: KubeObject[]): Index => {
    const index: Index = new Map();
    for (const o of list) {
      const ns = o.metadata?.namespace ?? defaultNamespace;
      let names = index.get(ns);
      if (!names) index.set(ns, (names = new Map()));
      if (!names.has(o.metadata?.name)) names.set(o.metadata?.name, o);
    }
    return index;
  };
  let configMaps: Index | undefined;
  let secrets: Index | undefined;
  const sources = {
    configMap: (name: string, ns: string) => (configMaps ??= byName(c.configMaps)).get(ns)?.get(name),
    secret: (name: string, ns: string) => (secrets ??= byName(c.secrets)).get(ns)?.get(name),
  };
  // Templates and rewrite transforms need the template engine; a run without them never loads it.
  const usesTemplates = externalSecrets.some(
    (es) => es.spec.target.template !== undefined || es.spec.dataFrom.some((df) => df.rewrite.some((rw) => 'transform' in rw)),
  );
  if (usesTemplates) await loadTemplateEngine(templateTexts(externalSecrets));
  const replacements = new Map<number, KubeObject[]>();
  const dataHash = dataHashFunction(options) ?? null;
  const contributions: Contribution[] = [];
  const storeFailures = new Map<string, { result: Result; more: number }>();
  // A store whose client could not be made (authentication, configuration) fails once, not once per read;
  // per-read failures (a backend error on a request, even a batched one) stay one line per key.
  const storeLevel = new Set<string>();
  for (const r of fetched.values()) if (!r.ok && r.error instanceof Error && clientFailures.has(r.error)) storeLevel.add(r.error.message);
  // One budget for every template of the run: operations, output bytes and the run's deadline.
  const limits = { ...defaultLimits, ...options.limits };
  const budget = new Budget({ operations: limits.templateOperations, outputBytes: limits.templateOutputBytes, deadline, deadlineMs: options.deadlineMs });
  externalSecrets.forEach((es, i) => {
    // Once the template budget is used up (or its deadline passed) the run has failed with that error;
    // the ExternalSecrets after it are not assembled (their templates could only fail the same way).
    if (budget.exhausted) return;
    const a = assemble(es, { entryReads: pl.entryReads[i]!, results: fetched, storeOf, sources, delims: options.delimiters, lenientTemplates: options.redact === true, dataHash, budget });
    for (const w of a.warnings) results.push({ severity: 'warning', message: w.message, resourceRef: resourceRef(es.object), field: { path: w.field } });
    const idx = esItemIndex[i]!;
    if (!replacements.has(idx)) replacements.set(idx, []);
    if (a.kind === 'error') {
      for (const e of a.errors) {
        // A store-level failure (authentication, connection: the cause names the store) is reported once
        // per store and run, not once per data entry.
        const cause = /, err: ([\s\S]*)$/.exec(e.message)?.[1];
        if (e.store && cause !== undefined && storeLevel.has(cause)) {
          const id = `${e.store}\u0000${cause}`;
          const first = storeFailures.get(id);
          if (first) {
            first.more++;
            continue;
          }
          const r: Result = { severity: 'error', message: cause, resourceRef: resourceRef(es.object), field: { path: e.field }, tags: { store: e.store } };
          storeFailures.set(id, { result: r, more: 0 });
          results.push(r);
          continue;
        }
        const tags: Record<string, string> = {};
        if (e.store) tags['store'] = e.store;
        if (e.key) tags['key'] = e.key;
        // ESO's own wording first, then where: the store and the remote key (never a value).
        const where = [e.store ? `store ${e.store}` : '', e.key && !e.message.includes(`(key: ${e.key})`) ? `key ${e.key}` : ''].filter(Boolean).join(', ');
        error(es.object, e.field, where ? `${e.message} [${where}]` : e.message, tags);
      }
    } else if (a.kind === 'none') {
      results.push({ severity: 'info', message: a.reason, resourceRef: resourceRef(es.object) });
    } else {
      const invalid = checkEmittedSecret(a.secret, es);
      for (const p of invalid) error(es.object, p.field, p.message);
      if (invalid.length) return;
      contributions.push({ es, itemIndex: idx, order: i, secret: a.secret });
    }
  });
  for (const f of storeFailures.values()) if (f.more) f.result.message += `; ${f.more} more read${f.more === 1 ? '' : 's'} failed the same way`;
  if (results.some((r) => r.severity === 'error')) return finish({ ok: false });

  // One Secret per namespace/name, merged with the stream's Secret of that name where ESO would merge.
  const ids = resolveIdentities(contributions, streamSecrets, defaultNamespace, (o) => consumedCredentials.has(o), dataHash);
  for (const w of ids.warnings) results.push({ severity: 'warning', message: w.message, resourceRef: resourceRef(w.es.object), field: { path: w.field } });
  for (const e of ids.errors) error(e.es.object, e.field, e.message, {});
  if (results.some((r) => r.severity === 'error')) return finish({ ok: false });
  // Sealing comes last, on the one Secret each identity resolved to (the cluster unseals exactly that).
  const writers = new Map(ids.secrets.map((s) => [s.secret, s] as const));
  for (const [idx, secrets] of ids.placements) {
    const emitted: KubeObject[] = [];
    for (const s of secrets) {
      const secret = options.redact ? redactSecret(s) : s;
      if (!options.seal) {
        emitted.push(secret);
        continue;
      }
      const w = writers.get(s);
      const sealed = sealSecret!(secret, s.metadata?.namespace ?? w?.namespace ?? defaultNamespace, options.context, options.seal, sealingKey!);
      if (sealed.ok) emitted.push(sealed.object);
      else error(w?.contributors[0]?.object ?? s, sealed.field, sealed.message, {});
    }
    replacements.set(idx, emitted);
  }
  if (results.some((r) => r.severity === 'error')) return finish({ ok: false });
  const rendered = new Map<string, RenderedSecret>();
  for (const s of ids.secrets) {
    stats.secretsEmitted++;
    rendered.set(`${s.namespace}/${s.name}`, {
      namespace: s.namespace,
      name: s.name,
      dataHash: s.secret.metadata?.annotations?.[ANNOTATION_DATA_HASH] ?? '',
      optedIn: s.contributors.some((es) => es.annotations[ANNOTATION_ROLLOUT] === 'true'),
    });
  }

  // 6. Replace: each ExternalSecret's place is taken by its Secret; consumed stores and generators go.
  const dropped = new Set<number>();
  if (!options.keepStores) {
    for (const s of c.stores) {
      const kind = String(s.object.kind);
      const id = storeId(kind, String(s.object.metadata?.name), kind === 'SecretStore' ? (s.object.metadata?.namespace ?? defaultNamespace) : undefined);
      if (pl.usedStores.has(id)) dropped.add(s.itemIndex);
    }
    for (const g of c.generators) if (pl.usedGenerators.has(g.object)) dropped.add(g.itemIndex);
    // Store credentials are never emitted: a stream Secret that served as one goes with its store.
    items.forEach((item, i) => {
      if (consumedCredentials.has(item.object)) dropped.add(i);
    });
  }
  const out: Item[] = [];
  // With no rollout asked for by the configuration or an ExternalSecret, only a workload's own annotation
  // can ask for one: a workload whose text cannot hold it is not read for it (not parsed, issue 19).
  const ownOptInOnly = !options.rolloutOnChange && ![...rendered.values()].some((s) => s.optedIn);
  const checksum = rolloutChecksumFunction(options);
  items.forEach((item, i) => {
    const rep = replacements.get(i);
    if (rep) {
      for (const secret of rep) out.push({ object: secret, replaces: item });
      return;
    }
    if (c.clusterExternalSecretIndexes.has(i) && !prep.otherClass.has(i)) return; // expanded to nothing that could be rendered
    if (dropped.has(i)) return;
    const skip = ownOptInOnly && item.certainlyLacks?.(ANNOTATION_ROLLOUT) === true;
    const stamped = rendered.size && !skip ? stampWorkload(item.object, defaultNamespace, rendered, options.rolloutOnChange === true, checksum) : undefined;
    if (stamped === ROLLOUT_REFUSED) {
      error(item.object, 'spec.template.metadata.annotations', `rollout-on-change needs the platform key in the shared sidecar (a checksum of secret data would be shown unmasked by Argo CD): set ${PLATFORM_KEY_SETTING} in the platform configuration, or turn rollout-on-change off`, {});
      return;
    }
    out.push(stamped ? { object: stamped, source: item.source } : item);
  });
  if (results.some((r) => r.severity === 'error')) return finish({ ok: false });
  return finish({ ok: true, items: out });
}
