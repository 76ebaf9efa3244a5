// ESO's ApplyTemplate (eso-semantics §3.11): templateFrom in order, then template.data, then the
// rendered metadata, onto a Secret under construction. Everything a template sees is provider data.

import type { ExternalSecret, TemplateFrom } from '../eso/model.js';
import type { KubeObject } from './types.js';
import type { TemplateOptions } from '../template/index.js';
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
): void {
  const t = es.spec.target.template!;
  // The redacted preview cannot know keys that only a backend would list, so it renders leniently.
  const opts: TemplateOptions = { leftDelim: delims.left, rightDelim: delims.right, missingKey: lenient ? 'default' : 'error' };

  const { executeTemplate, nondeterministicFunctions, TemplateError } = templateEngine();
  const render = (field: string, key: string, text: string): Uint8Array => {
    const nd = nondeterministicFunctions(text, opts);
    if (nd.length) {
      warnings.push({
        field,
        message: `template for key ${key} calls ${nd.join(', ')}: its output changes on every render, so Argo CD will see drift`,
      });
    }
    try {
      return executeTemplate(key, text, providerData, opts);
    } catch (e) {
      const verb = e instanceof TemplateError && e.kind === 'parse' ? 'parse' : 'execute';
      throw new TemplateApplyError(field, `unable to ${verb} template at key ${key}: ${(e as Error).message}`);
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

  t.templateFrom.forEach((tf, i) => applyTemplateFrom(es, tf, `spec.target.template.templateFrom[${i}]`, sources, render, write));

  for (const [k, text] of Object.entries(t.data ?? {})) write('data', k, render(`spec.target.template.data.${k}`, k, text));
  for (const [k, text] of Object.entries(t.metadata?.labels ?? {})) {
    write('labels', k, render(`spec.target.template.metadata.labels.${k}`, k, text));
  }
  for (const [k, text] of Object.entries(t.metadata?.annotations ?? {})) {
    write('annotations', k, render(`spec.target.template.metadata.annotations.${k}`, k, text));
  }
}

function applyTemplateFrom(
  es: ExternalSecret,
  tf: TemplateFrom,
  field: string,
  sources: TemplateSources,
  render: (field: string, key: string, text: string) => Uint8Array,
  write: (target: Target, key: string, value: Uint8Array) => void,
): void {
  const target = targetOf(tf.target);
  const emit = (key: string, value: Uint8Array, f: string) => {
    let v = value;
    if (tf.valuesDecodingStrategy && tf.valuesDecodingStrategy !== 'None') {
      try {
        v = decode(tf.valuesDecodingStrategy, value);
      } catch {
        throw new TemplateApplyError(f, `failed to decode rendered template value for key ${key}`);
      }
    }
    write(target, key, v);
  };
  const keysAndValues = (f: string, key: string, text: string) => {
    const out = render(f, key, text);
    let parsed: Map<string, string>;
    try {
      parsed = parseKeysAndValues(out);
    } catch (e) {
      throw new TemplateApplyError(f, (e as Error).message);
    }
    for (const [k, v] of parsed) emit(k, Buffer.from(v, 'utf8'), f);
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
      if (item.templateAs === 'KeysAndValues') keysAndValues(f, text, text);
      else emit(item.key, render(f, item.key, text), f);
    });
  }
  if (tf.literal !== undefined) keysAndValues(`${field}.literal`, 'literal', tf.literal);
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
