// ESO's ApplyTemplate (eso-semantics §3.11): templateFrom in order, then template.data, then the
// rendered metadata, onto a Secret under construction. Everything a template sees is provider data.

import type { ExternalSecret, TemplateFrom } from '../eso/model.js';
import type { KubeObject } from './types.js';
import type { Budget, TemplateOptions } from '../template/index.js';
import { templateEngine } from './template-engine.js';
import { parseKeysAndValues } from './keys-and-values.js';
import { decode } from './decode.js';
import { hasKey, setKey } from '../common/records.js';

export interface SecretDraft {
  type?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  finalizers: string[];
  data: Map<string, Uint8Array>;
}

export interface TemplateSources {
  /** ConfigMaps and Secrets of the stream, for templateFrom. */
  configMap(name: string, namespace: string): KubeObject | undefined;
  secret(name: string, namespace: string): KubeObject | undefined;
}

export interface TemplateWarning {
  field: string;
  message: string;
}

/** Thrown for template failures; `field` is the ExternalSecret field at fault. */
export class TemplateApplyError extends Error {
  constructor(readonly field: string, message: string) {
    super(message);
  }
}

type Target = 'data' | 'labels' | 'annotations';

function targetOf(t: string): Target {
  return t.toLowerCase() as Target;
}

export function applyTemplate(
  es: ExternalSecret,
  draft: SecretDraft,
  providerData: Map<string, Uint8Array>,
  sources: TemplateSources,
  delims: { left: string; right: string },
  warnings: TemplateWarning[],
  lenient = false,
  budget?: Budget,
): void {
  const t = es.spec.target.template!;
  // The redacted preview cannot know keys that only a backend would list, so it renders leniently.
  const base: TemplateOptions = { leftDelim: delims.left, rightDelim: delims.right, missingKey: lenient ? 'default' : 'error', ...(budget ? { budget } : {}) };

  const { executeTemplate, nondeterministicFunctions, TemplateError } = templateEngine();
  // `name` is the Go template's name (ESO's, which for KeysAndValues items is the text itself); errors and
  // warnings name the template by `src`: where it came from, and whether its text is data (a Secret's).
  const render = (field: string, name: string, text: string, src: TemplateSource): Uint8Array => {
    const opts: TemplateOptions = { ...base, origin: src.origin, ...(src.textIsData ? { textIsData: true } : {}) };
    const nd = nondeterministicFunctions(text, opts);
    if (nd.length) {
      warnings.push({
        field,
        message: `template ${src.label.replace(/^at key /, 'for key ')} calls ${nd.join(', ')}: its output changes on every render, so Argo CD will see drift`,
      });
    }
    try {
      return executeTemplate(name, text, providerData, opts);
    } catch (e) {
      const verb = e instanceof TemplateError && e.kind === 'parse' ? 'parse' : 'execute';
      throw new TemplateApplyError(field, `unable to ${verb} template ${src.label}: ${(e as Error).message}`);
    }
  };

  const write = (target: Target, key: string, value: Uint8Array) => {
    if (target === 'data') draft.data.set(key, value);
    else setKey(target === 'labels' ? draft.labels : draft.annotations, key, Buffer.from(value).toString('utf8'));
  };

  if (t.type) draft.type = t.type;
  const hasDataTemplates = (t.data && Object.keys(t.data).length > 0) || t.templateFrom.length > 0;
  if (t.mergePolicy === 'Merge' || !hasDataTemplates) {
    for (const [k, v] of providerData) draft.data.set(k, v);
  }

  t.templateFrom.forEach((tf, i) => applyTemplateFrom(es, tf, i, sources, render, write));

  const inline = (field: string, k: string): TemplateSource => ({ origin: field, label: `at key ${k}` });
  for (const [k, text] of Object.entries(t.data ?? {})) {
    const f = `spec.target.template.data.${k}`;
    write('data', k, render(f, k, text, inline(f, k)));
  }
  for (const [k, text] of Object.entries(t.metadata?.labels ?? {})) {
    const f = `spec.target.template.metadata.labels.${k}`;
    write('labels', k, render(f, k, text, inline(f, k)));
  }
  for (const [k, text] of Object.entries(t.metadata?.annotations ?? {})) {
    const f = `spec.target.template.metadata.annotations.${k}`;
    write('annotations', k, render(f, k, text, inline(f, k)));
  }
}

/** Where a template came from, as its errors and warnings name it. */
interface TemplateSource {
  /** In the error's `template: ORIGIN:line:col` part. */
  origin: string;
  /** After "unable to execute template": `at key user`, `templateFrom[0].configMap shop/tpl key app.tmpl`. */
  label: string;
  /** The template's text came from a Secret: it is data and none of it is shown. */
  textIsData?: boolean;
}

function applyTemplateFrom(
  es: ExternalSecret,
  tf: TemplateFrom,
  index: number,
  sources: TemplateSources,
  render: (field: string, name: string, text: string, src: TemplateSource) => Uint8Array,
  write: (target: Target, key: string, value: Uint8Array) => void,
): void {
  const field = `spec.target.template.templateFrom[${index}]`;
  const target = targetOf(tf.target);
  // `keyName` names the Secret key in an error: a key written in the manifest by its name, a key that
  // KeysAndValues output made at run time by its position (`key #3`), since that output is data.
  const emit = (key: string, keyName: string, value: Uint8Array, f: string) => {
    let v = value;
    if (tf.valuesDecodingStrategy && tf.valuesDecodingStrategy !== 'None') {
      try {
        v = decode(tf.valuesDecodingStrategy, value);
      } catch {
        throw new TemplateApplyError(f, `failed to decode rendered template value for ${keyName}`);
      }
    }
    write(target, key, v);
  };
  const keysAndValues = (f: string, name: string, text: string, src: TemplateSource) => {
    // The rendered bytes as they are: the KeysAndValues reader checks UTF-8 as libyaml does.
    const out = render(f, name, text, src);
    let parsed: Map<string, string>;
    try {
      parsed = parseKeysAndValues(out);
    } catch (e) {
      throw new TemplateApplyError(f, `${src.label}: ${(e as Error).message}`);
    }
    let n = 0;
    for (const [k, v] of parsed) emit(k, `key #${++n} of the output`, Buffer.from(v, 'utf8'), f);
  };

  for (const kind of ['configMap', 'secret'] as const) {
    const ref = tf[kind];
    if (!ref) continue;
    const obj = kind === 'configMap' ? sources.configMap(ref.name, es.namespace) : sources.secret(ref.name, es.namespace);
    const what = kind === 'configMap' ? 'configmap' : 'secret';
    if (!obj) throw new TemplateApplyError(`${field}.${kind}.name`, `${kind === 'configMap' ? 'ConfigMap' : 'Secret'} ${es.namespace}/${ref.name} is not in the stream`);
    ref.items.forEach((item, j) => {
      const f = `${field}.${kind}.items[${j}]`;
      const text = readItem(obj, kind, item.key);
      if (text === undefined) throw new TemplateApplyError(f, `error in ${what} ${ref.name}: missing key ${item.key}`);
      const origin = `templateFrom[${index}].${kind} ${es.namespace}/${ref.name} key ${item.key}`;
      const src: TemplateSource = { origin, label: origin, ...(kind === 'secret' ? { textIsData: true } : {}) };
      // ESO names a KeysAndValues template by its text; that name is never shown (src names it).
      if (item.templateAs === 'KeysAndValues') keysAndValues(f, text, text, src);
      else emit(item.key, `key ${item.key}`, render(f, item.key, text, src), f);
    });
  }
  if (tf.literal !== undefined) {
    const origin = `templateFrom[${index}].literal`;
    keysAndValues(`${field}.literal`, 'literal', tf.literal, { origin, label: origin });
  }
}

function readItem(obj: KubeObject, kind: 'configMap' | 'secret', key: string): string | undefined {
  // ESO reads ConfigMap.Data only (templating/parser.go MergeConfigMap: `cm.Data[k.Key]`): a key found
  // only in binaryData is "missing", as it is there.
  if (kind === 'configMap') {
    const d = obj['data'] as Record<string, unknown> | undefined;
    if (hasKey(d, key) && typeof d![key] === 'string') return d![key] as string;
    return undefined;
  }
  // A Secret's stringData is merged into data when the API server stores it.
  const sd = obj['stringData'] as Record<string, unknown> | undefined;
  if (hasKey(sd, key) && typeof sd![key] === 'string') return sd![key] as string;
  const d = obj['data'] as Record<string, unknown> | undefined;
  if (hasKey(d, key) && typeof d![key] === 'string') return Buffer.from(d![key] as string, 'base64').toString('utf8');
  return undefined;
}
