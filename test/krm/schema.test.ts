// schemas/renderconfig.schema.json against the loader and against every RenderConfig in the examples.
import { readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadRenderConfig, renderConfigSpecFields } from '../../src/config/renderconfig.js';
import { validate } from './json-schema-subset.js';
import { docs, examplesDir, readText, repoRoot } from './support.js';

const schema = JSON.parse(readText(join(repoRoot, 'schemas', 'renderconfig.schema.json')));

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return yamlFiles(p);
    return /\.ya?ml$/.test(n) ? [p] : [];
  });
}

const exampleConfigs = yamlFiles(examplesDir).flatMap((file) =>
  docs(readText(file))
    .filter((d) => d.kind === 'RenderConfig')
    .map((config) => ({ name: relative(examplesDir, file), file, config })),
);

describe('RenderConfig schema', () => {
  it('describes exactly the spec fields the loader reads', () => {
    expect(Object.keys(schema.properties.spec.properties)).toEqual(renderConfigSpecFields);
  });

  it('finds the examples\' configs', () => {
    expect(exampleConfigs.length).toBeGreaterThanOrEqual(7);
  });

  it.each(exampleConfigs)('$name is valid by the schema and by the loader', ({ file, config }) => {
    expect(validate(schema, config)).toEqual([]);
    expect(loadRenderConfig(config, dirname(file)).problems).toEqual([]);
  });

  const rc = (spec: unknown, extra: Record<string, unknown> = {}) => ({ apiVersion: 'eso-render.dev/v1alpha1', kind: 'RenderConfig', metadata: { name: 'x' }, spec, ...extra });
  it.each([
    ['an unknown spec field', rc({ keepstores: true }), '/spec/keepstores: unknown field'],
    ['an unknown top-level field', rc({}, { data: {} }), '/data: unknown field'],
    ['a string for a boolean', rc({ keepStores: 'yes' }), '/spec/keepStores: expected boolean, got string'],
    ['zero concurrency', rc({ concurrency: { perStore: 0 } }), '/spec/concurrency/perStore: less than 1'],
    ['a fractional concurrency', rc({ concurrency: { global: 1.5 } }), '/spec/concurrency/global: expected integer, got number'],
    ['a duration in words', rc({ deadline: '5 seconds' }), '/spec/deadline: does not match'],
    ['a zero duration', rc({ deadline: '0s' }), '/spec/deadline: does not match'],
    ['an empty delimiter', rc({ templateDelimiters: { left: '' } }), '/spec/templateDelimiters/left: shorter than 1'],
    ['a store of another kind', rc({ stores: [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' } }] }), '/spec/stores/0/kind: must be one of'],
    ['another apiVersion', { ...rc({}), apiVersion: 'eso-render.dev/v1' }, '/apiVersion: must be "eso-render.dev/v1alpha1"'],
  ])('rejects %s, as the loader does', (_what, config, message) => {
    const errors = validate(schema, config);
    expect(errors.join('\n')).toContain(message);
    expect(loadRenderConfig(config, repoRoot).problems.filter((p) => p.severity === 'error').length).toBeGreaterThan(0);
  });

  it('refuses schema keywords the validator does not check', () => {
    expect(() => validate({ type: 'object', oneOf: [] }, {})).toThrow(/keyword oneOf/);
  });
});
