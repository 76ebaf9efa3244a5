// Every RenderConfig in the Tenancy section of docs/security.md and in docs/argocd.md is valid by the schema
// and by the loader, and together they show every tenancy field.
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadRenderConfig } from '../../src/config/renderconfig.js';
import { validate } from '../krm/json-schema-subset.js';

const root = path.resolve(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(path.join(root, p), 'utf8');
const schema = JSON.parse(read('schemas/renderconfig.schema.json'));
const security = read('docs/security.md');
const tenancy = security.slice(security.indexOf('## Tenancy: everything an Application ships is untrusted'), security.indexOf('## An honest comparison'));
const configs = (text: string) =>
  [...text.matchAll(/```yaml\n([\s\S]*?)```/g)]
    .flatMap((m) => parseAllDocuments(m[1]!).map((d) => d.toJS() as { kind?: string; metadata?: { name?: string }; spec?: Record<string, any> }))
    .filter((d) => d?.kind === 'RenderConfig');
const snippets = [...configs(tenancy), ...configs(read('docs/argocd.md'))];

describe('tenancy docs', () => {
  it('the Tenancy section states the rule and shows each platform fact and generator grants', () => {
    expect(tenancy.replace(/\s+/g, ' ')).toContain('everything an Application ships is untrusted; only the platform configuration grants identity, credentials, namespaces and stores');
    const fields = new Set(snippets.flatMap((s) => Object.keys(s.spec ?? {})));
    for (const f of ['generators', 'serviceAccounts', 'namespaces', 'policy', 'credentialsDir']) expect(fields).toContain(f);
    const grants = snippets.flatMap((s) => (s.spec?.policy?.rules ?? []).flatMap((r: { generators?: unknown[] }) => r.generators ?? []));
    expect(grants.some((g: any) => g.origin === 'application' && g.methods)).toBe(true);
  });

  // The sidecar's /etc/eso-render, laid out as the examples say, from the example files.
  const etc = mkdtempSync(path.join(tmpdir(), 'eso-render-etc-'));
  afterAll(() => rmSync(etc, { recursive: true, force: true }));
  const place = (from: string, dir: string) => {
    mkdirSync(path.join(etc, dir), { recursive: true });
    copyFileSync(path.join(root, from), path.join(etc, dir, path.basename(from)));
  };
  place('kustomize-examples/quickstart/store.yaml', 'stores');
  place('kustomize-examples/platform-facts/service-accounts.yaml', 'service-accounts');
  place('kustomize-examples/platform-facts/namespaces.yaml', 'namespaces');
  place('kustomize-examples/platform-facts/generators.yaml', 'generators');
  mkdirSync(path.join(etc, 'credentials'), { recursive: true });
  // The platform key the examples name (docs/security.md#the-platform-key): 32 random bytes.
  mkdirSync(path.join(etc, 'key'), { recursive: true });
  writeFileSync(path.join(etc, 'key', 'platform.key'), randomBytes(32));

  it.each(snippets.map((s) => [s.metadata?.name, s] as const))('%s is valid by the schema and the loader', (_name, config) => {
    expect(validate(schema, config)).toEqual([]);
    const placed = JSON.parse(JSON.stringify(config).replaceAll('/etc/eso-render/', `${etc}/`));
    const loaded = loadRenderConfig(placed, root);
    expect(loaded.problems).toEqual([]);
    if (config.spec?.serviceAccountFiles) expect(loaded.options.platformServiceAccounts?.map((o) => o.metadata?.name)).toEqual(['secrets-reader']);
    if (config.spec?.namespaceFiles) expect(loaded.options.platformNamespaces?.map((o) => o.metadata?.name)).toEqual(['shop', 'payments']);
    if (config.spec?.generatorFiles) expect(loaded.options.platformGenerators?.map((o) => o.kind)).toEqual(['Fake']);
  });
});
