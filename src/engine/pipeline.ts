// The engine's steps: collect → validate and default → plan → fetch → assemble → replace (design.md).
// Takes data, returns data. A run either produces every Secret or nothing, with every error found.
// Entered through render.ts, which skips all of this (and its imports) for a stream with no ESO resource.

import { setMaxListeners } from 'node:events';
import type { Item, KubeObject, RenderOptions, RenderOutcome, RenderStats, Result } from './types.js';
import { resourceRef } from '../eso/model.js';
import { storeId } from './stores.js';
import { fetchAll } from './fetch.js';
import { assemble } from './assemble.js';
import { storeLabel } from '../common/store-label.js';
import { prepare, errorSink, warningResults } from './prepare.js';
import { fetchRedacted, redactSecret } from './redact.js';
import { ANNOTATION_ROLLOUT, stampWorkload, type RenderedSecret } from './rollout.js';
import { ANNOTATION_DATA_HASH } from '../eso/model.js';
import { loadTemplateEngine } from './template-engine.js';

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

  const prep = await prepare(items, options, error);
  const { collected: c, externalSecrets, esItemIndex, plan: pl, defaultNamespace } = prep;
  results.push(...warningResults(c));
  stats.externalSecrets = externalSecrets.length;
  if (results.some((r) => r.severity === 'error')) return finish({ ok: false });

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
  if (usesTemplates) await loadTemplateEngine();
  const replacements = new Map<number, KubeObject[]>();
  const rendered = new Map<string, RenderedSecret>();
  externalSecrets.forEach((es, i) => {
    const a = assemble(es, { entryReads: pl.entryReads[i]!, results: fetched, storeOf, sources, delims: options.delimiters, lenientTemplates: options.redact === true });
    for (const w of a.warnings) results.push({ severity: 'warning', message: w.message, resourceRef: resourceRef(es.object), field: { path: w.field } });
    const idx = esItemIndex[i]!;
    if (!replacements.has(idx)) replacements.set(idx, []);
    if (a.kind === 'error') {
      for (const e of a.errors) {
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
      replacements.get(idx)!.push(options.redact ? redactSecret(a.secret) : a.secret);
      stats.secretsEmitted++;
      const name = String(a.secret.metadata?.name);
      rendered.set(`${es.namespace}/${name}`, {
        namespace: es.namespace,
        name,
        dataHash: a.secret.metadata?.annotations?.[ANNOTATION_DATA_HASH] ?? '',
        optedIn: es.annotations[ANNOTATION_ROLLOUT] === 'true',
      });
    }
  });
  if (results.some((r) => r.severity === 'error')) return finish({ ok: false });

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
  items.forEach((item, i) => {
    const rep = replacements.get(i);
    if (rep) {
      for (const secret of rep) out.push({ object: secret, replaces: item });
      return;
    }
    if (c.clusterExternalSecretIndexes.has(i)) return; // expanded to nothing that could be rendered
    if (dropped.has(i)) return;
    const skip = ownOptInOnly && item.certainlyLacks?.(ANNOTATION_ROLLOUT) === true;
    const stamped = rendered.size && !skip ? stampWorkload(item.object, defaultNamespace, rendered, options.rolloutOnChange === true) : undefined;
    out.push(stamped ? { object: stamped, source: item.source } : item);
  });
  return finish({ ok: true, items: out });
}
