// Every RenderConfig shown in docs/krm.md is valid and renders: checked by the schema, the loader, and a
// KRM run over the quickstart.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { runKrm } from '../../src/frontends/krm.js';
import { validate } from './json-schema-subset.js';
import { decode, docs, examplesDir, readText, repoRoot } from './support.js';
import { unseal } from '../helpers/sealing.js';

const page = readText(join(repoRoot, 'docs', 'krm.md'));
const snippets = [...page.matchAll(/```yaml\n([\s\S]*?)```/g)]
  .map((m) => docs(m[1]!)[0]!)
  .filter((d) => d?.kind === 'RenderConfig');
const schema = JSON.parse(readText(join(repoRoot, 'schemas', 'renderconfig.schema.json')));

// The quickstart as one ResourceList (its store included), the config as functionConfig.
const quickstart = readdirSync(join(examplesDir, 'quickstart'))
  .filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml')
  .flatMap((f) => docs(readText(join(examplesDir, 'quickstart', f))));

describe('docs/krm.md', () => {
  it('shows a RenderConfig for every field', () => {
    const shown = new Set(snippets.flatMap((s) => Object.keys(s.spec ?? {})));
    expect([...shown].sort()).toEqual(Object.keys(schema.properties.spec.properties).sort());
    expect(snippets.length).toBeGreaterThanOrEqual(10);
  });

  it.each(snippets.map((s) => [s.metadata.name, s]))('%s: valid and renders the quickstart', async (_name, config) => {
    expect(validate(schema, config)).toEqual([]);
    const input = stringify({ apiVersion: 'config.kubernetes.io/v1', kind: 'ResourceList', items: quickstart, functionConfig: config });
    const r = await runKrm(input, { cwd: repoRoot, vars: {} });
    expect(r.stderr).not.toContain('[error]');
    expect(r.code).toBe(0);
    const items: Record<string, any>[] = docs(r.stdout)[0]!.items;
    expect(items.filter((i) => i.kind === 'ExternalSecret')).toEqual([]);
    const spec = config.spec as Record<string, unknown>;
    // With spec.seal the Secret is a SealedSecret; the demo controller key of kustomize-examples/sealed unseals it.
    const db = spec.seal
      ? unseal(readText(join(repoRoot, 'test', 'fixtures', 'sealed-demo', 'controller.key')), items.find((i) => i.kind === 'SealedSecret' && i.metadata.name === 'db-credentials')!)
      : items.find((i) => i.kind === 'Secret' && i.metadata.name === 'db-credentials')!;
    expect(decode((db as any).data.password)).toBe('correct-horse-battery-staple');
    expect(items.some((i) => i.kind === 'ClusterSecretStore')).toBe(spec.keepStores === true);
    if (spec.resourceFiles) expect(items.some((i) => i.kind === 'Secret' && i.metadata.name === 'stripe-api')).toBe(true);
    if (spec.resources) expect(items.some((i) => i.kind === 'ConfigMap' && i.metadata.name === 'settings')).toBe(true);
    const deployment = items.find((i) => i.kind === 'Deployment')!;
    const stamped = Object.keys(deployment.spec.template.metadata.annotations ?? {}).includes('eso-render.dev/secret-checksum');
    expect(stamped).toBe((spec.rollout as { onChange?: boolean } | undefined)?.onChange === true);
  });
});
