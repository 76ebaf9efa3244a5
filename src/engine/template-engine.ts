// The template engine (Go text/template with sprig and ESO's functions, node-forge and bcryptjs behind
// the crypto ones) is the heaviest code the renderer has: loading it costs more than starting node. A
// run whose ExternalSecrets use no template and no rewrite transform never loads it; `render` and
// `validate` load it first when they need it, and the synchronous steps read it from here.

type TemplateModule = typeof import('../template/index.js');

let loaded: TemplateModule | undefined;

export async function loadTemplateEngine(): Promise<TemplateModule> {
  return (loaded ??= await import('../template/index.js'));
}

export function templateEngine(): TemplateModule {
  if (!loaded) throw new Error('internal: the template engine was used before it was loaded');
  return loaded;
}
