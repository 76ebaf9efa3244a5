import { describe, expect, it } from 'vitest';
import { loadRenderConfig } from './renderconfig.js';

const config = (limits: unknown) => loadRenderConfig({ apiVersion: 'eso-render.dev/v1alpha1', kind: 'RenderConfig', metadata: { name: 'x' }, spec: { limits } }, '/');

describe('spec.limits', () => {
  it('reads each limit; the others keep their defaults', () => {
    const c = config({ templateOperations: 1000, templateOutputBytes: 4096, inputBytes: 1 << 20, documents: 10, fetchedBytes: 2048 });
    expect(c.problems).toEqual([]);
    expect(c.options.limits).toEqual({ templateOperations: 1000, templateOutputBytes: 4096, inputBytes: 1 << 20, documents: 10, fetchedBytes: 2048 });
    expect(config({ documents: 5 }).options.limits).toEqual({ documents: 5 });
  });
  it('refuses unknown fields and values that are not positive whole numbers, naming the field', () => {
    const c = config({ templateOps: 1, inputBytes: '64Mi', documents: 0, templateOperations: 1.5 });
    expect(c.problems.map((p) => [p.field?.path, p.message])).toEqual([
      ['spec.limits.templateOps', 'unknown field; expected templateOperations, templateOutputBytes, inputBytes, documents, fetchedBytes'],
      ['spec.limits.inputBytes', 'must be a positive whole number of bytes (default 67108864)'],
      ['spec.limits.documents', 'must be a positive whole number (default 20000)'],
      ['spec.limits.templateOperations', 'must be a positive whole number (default 30000000)'],
    ]);
    expect(config([1]).problems[0]?.message).toBe('must be a mapping with templateOperations, templateOutputBytes, inputBytes, documents, fetchedBytes');
  });
  it('is read from a kpt ConfigMap too', () => {
    const c = loadRenderConfig({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { limits: 'documents: 7\ntemplateOperations: 99' } }, '/');
    expect(c.problems).toEqual([]);
    expect(c.options.limits).toEqual({ documents: 7, templateOperations: 99 });
  });
});
