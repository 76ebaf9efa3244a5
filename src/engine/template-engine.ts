// The template engine (Go text/template with sprig and ESO's functions, node-forge and bcryptjs behind
// the crypto ones) is the heaviest code the renderer has: loading it costs more than starting node. A
// run whose ExternalSecrets use no template and no rewrite transform never loads it; `render` and
// `validate` load it first when they need it, and the synchronous steps read it from here. Its function
// groups load with it only as far as the run's templates name them (template/funcs/index.ts).

import type { ExternalSecret } from '../eso/model.js';

type TemplateModule = typeof import('../template/index.js');

let loaded: TemplateModule | undefined;

/**
 * Loads the engine and the function groups `templates` may call: the names found in these template
 * texts, or every group ('all', for templates whose text is only known later, as templateFrom's).
 */
export async function loadTemplateEngine(templates: Iterable<string> | 'all' = []): Promise<TemplateModule> {
  const m = (loaded ??= await import('../template/index.js'));
  if (templates === 'all') await m.loadFunctionGroups('all');
  else {
    const names = new Set<string>();
    for (const t of new Set(templates)) for (const n of m.functionNamesIn(t)) names.add(n);
    await m.loadFunctionGroups(names);
  }
  return m;
}

/**
 * The template texts of these ExternalSecrets (template data and metadata, literal templateFrom items,
 * rewrite transforms), or 'all' when a templateFrom reads its templates from a ConfigMap or a Secret.
 */
export function templateTexts(externalSecrets: readonly ExternalSecret[]): string[] | 'all' {
  const texts: string[] = [];
  const strings = (v: unknown): void => {
    if (typeof v === 'string') texts.push(v);
    else if (Array.isArray(v)) v.forEach(strings);
    else if (v !== null && typeof v === 'object')
      for (const [k, x] of Object.entries(v)) {
        texts.push(k);
        strings(x);
      }
  };
  for (const es of externalSecrets) {
    const t = es.spec.target.template;
    if (t !== undefined) {
      if (t.templateFrom.some((tf) => tf.configMap !== undefined || tf.secret !== undefined)) return 'all';
      strings(t);
    }
    for (const df of es.spec.dataFrom) for (const rw of df.rewrite) if ('transform' in rw) texts.push(rw.transform.template);
  }
  return texts;
}

export function templateEngine(): TemplateModule {
  if (!loaded) throw new Error('internal: the template engine was used before it was loaded');
  return loaded;
}
