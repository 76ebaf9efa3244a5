// `validate` (issue 11): everything that can be checked without credentials or a backend: field types,
// CRD rules and webhook rules, store references and conditions, the tenancy policy, template parsing,
// and template references to keys that no data entry provides. Findings are Results, like render's.

import type { Item, KubeObject, RenderOptions, Result } from './types.js';
import { prepare, errorSink, warningResults } from './prepare.js';
import { checkIdentities, streamSecretsOf } from './identity.js';
import { resourceRef, type ExternalSecret } from '../eso/model.js';
import type { TemplateOptions } from '../template/index.js';
import { loadTemplateEngine } from './template-engine.js';
import { missingCredentials, offlineWarnings } from './offline-findings.js';

export interface ValidateOutcome {
  ok: boolean;
  results: Result[];
  externalSecrets: number;
}

interface TemplateText {
  field: string;
  key: string;
  text: string;
  /** Values scope templates read the data map; KeysAndValues ones too. rewrite.transform reads `.value`. */
  readsData: boolean;
  opts: TemplateOptions;
}

function templatesOf(es: ExternalSecret, options: RenderOptions, configMap: (n: string) => KubeObject | undefined, secret: (n: string) => KubeObject | undefined): TemplateText[] {
  const opts: TemplateOptions = { leftDelim: options.delimiters.left, rightDelim: options.delimiters.right, missingKey: 'error' };
  const out: TemplateText[] = [];
  const t = es.spec.target.template;
  if (t) {
    const at = (field: string): TemplateOptions => ({ ...opts, origin: field });
    for (const [k, text] of Object.entries(t.data ?? {})) out.push({ field: `spec.target.template.data.${k}`, key: k, text, readsData: true, opts: at(`spec.target.template.data.${k}`) });
    for (const [k, text] of Object.entries(t.metadata?.labels ?? {})) out.push({ field: `spec.target.template.metadata.labels.${k}`, key: k, text, readsData: true, opts: at(`spec.target.template.metadata.labels.${k}`) });
    for (const [k, text] of Object.entries(t.metadata?.annotations ?? {})) out.push({ field: `spec.target.template.metadata.annotations.${k}`, key: k, text, readsData: true, opts: at(`spec.target.template.metadata.annotations.${k}`) });
    t.templateFrom.forEach((tf, i) => {
      const f = `spec.target.template.templateFrom[${i}]`;
      if (tf.literal !== undefined) out.push({ field: `${f}.literal`, key: 'literal', text: tf.literal, readsData: true, opts: { ...opts, origin: `templateFrom[${i}].literal` } });
      for (const kind of ['configMap', 'secret'] as const) {
        const ref = tf[kind];
        if (!ref) continue;
        const obj = kind === 'configMap' ? configMap(ref.name) : secret(ref.name);
        if (!obj) continue; // reported below
        ref.items.forEach((item, j) => {
          const d = obj[kind === 'configMap' ? 'data' : 'stringData'] as Record<string, string> | undefined;
          const b64 = kind === 'secret' ? (obj['data'] as Record<string, string> | undefined)?.[item.key] : undefined;
          const text = d?.[item.key] ?? (b64 !== undefined ? Buffer.from(b64, 'base64').toString('utf8') : undefined);
          // A Secret's template text is data: its errors show nothing of it (template/index.ts).
          const origin = `templateFrom[${i}].${kind} ${es.namespace}/${ref.name} key ${item.key}`;
          const o: TemplateOptions = { ...opts, origin, ...(kind === 'secret' ? { textIsData: true } : {}) };
          if (text !== undefined) out.push({ field: `${f}.${kind}.items[${j}]`, key: item.key, text, readsData: true, opts: o });
        });
      }
    });
  }
  es.spec.dataFrom.forEach((df, i) =>
    df.rewrite.forEach((rw, j) => {
      if ('transform' in rw) {
        out.push({ field: `spec.dataFrom[${i}].rewrite[${j}].transform.template`, key: 'transform', text: rw.transform.template, readsData: false, opts: { leftDelim: '{{', rightDelim: '}}', missingKey: 'default', origin: `dataFrom[${i}].rewrite[${j}].transform` } });
      }
    }),
  );
  return out;
}

export async function validate(items: readonly Item[], options: RenderOptions): Promise<ValidateOutcome> {
  const results: Result[] = [];
  const error = errorSink(results);
  const prep = await prepare(items, options, error);
  const c = prep.collected;
  results.push(...warningResults(c));
  // Two writers of one Secret that ESO could not reconcile to one outcome (identity.ts).
  const order = prep.externalSecrets.map((es, i) => ({ es, itemIndex: prep.esItemIndex[i]!, order: i }));
  for (const e of checkIdentities(order, streamSecretsOf(items), prep.defaultNamespace)) error(e.es.object, e.field, e.message);
  // Loaded here, not imported statically: the CLI imports this module for every command.
  const { checkTemplate, nondeterministicFunctions, TemplateError } = await loadTemplateEngine();
  const { referencedKeys } = await import('../template/references.js');
  const find = (list: KubeObject[], ns: string) => (name: string) =>
    list.find((o) => o.metadata?.name === name && (o.metadata?.namespace ?? prep.defaultNamespace) === ns);

  for (const es of prep.externalSecrets) {
    const t = es.spec.target.template;
    t?.templateFrom.forEach((tf, i) => {
      for (const kind of ['configMap', 'secret'] as const) {
        const ref = tf[kind];
        if (!ref) continue;
        const obj = find(kind === 'configMap' ? c.configMaps : c.secrets, es.namespace)(ref.name);
        if (!obj) error(es.object, `spec.target.template.templateFrom[${i}].${kind}.name`, `${kind === 'configMap' ? 'ConfigMap' : 'Secret'} ${es.namespace}/${ref.name} is not in the stream`);
      }
    });
    // Keys the data map will hold, when they can be known without a backend.
    const knowable = es.spec.dataFrom.length === 0;
    const provided = new Set(es.spec.data.map((d) => d.secretKey));
    for (const tt of templatesOf(es, options, find(c.configMaps, es.namespace), find(c.secrets, es.namespace))) {
      try {
        checkTemplate(tt.key, tt.text, tt.opts);
      } catch (e) {
        error(es.object, tt.field, e instanceof TemplateError ? `unable to parse template at key ${tt.key}: ${e.message}` : String(e));
        continue;
      }
      const nd = nondeterministicFunctions(tt.text, tt.opts);
      if (nd.length) {
        results.push({ severity: 'warning', message: `template for key ${tt.key} calls ${nd.join(', ')}: its output changes on every render, so Argo CD will see drift`, resourceRef: resourceRef(es.object), field: { path: tt.field } });
      }
      if (knowable && tt.readsData) {
        for (const k of referencedKeys(tt.text, tt.opts)) {
          if (!provided.has(k)) {
            // A key read by a Secret's template is named by neither: that text is data.
            if (tt.opts.textIsData) error(es.object, tt.field, `template for key ${tt.key} reads a key which no spec.data entry provides`);
            else error(es.object, tt.field, `template for key ${tt.key} reads .${k}, which no spec.data entry provides (ESO fails with: map has no entry for key "${k}")`);
          }
        }
      }
    }
  }
  results.push(...offlineWarnings(prep, options), ...missingCredentials(prep, options));
  // What render would refuse without a credential: the pipeline in preview mode reads the fake store (local)
  // and contacts no backend; its findings that validate has not made already are added.
  const { runPipeline } = await import('./pipeline.js');
  const preview = await runPipeline(items, { ...options, redact: true });
  const same = (a: Result, b: Result) =>
    a.field?.path === b.field?.path && JSON.stringify(a.resourceRef) === JSON.stringify(b.resourceRef) && (a.severity === 'error' || a.message === b.message);
  for (const r of preview.results) if (r.severity !== 'info' && !results.some((x) => same(x, r))) results.push(r);
  return { ok: !results.some((r) => r.severity === 'error'), results, externalSecrets: prep.externalSecrets.length };
}
