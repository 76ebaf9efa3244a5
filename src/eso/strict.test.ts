import { describe, expect, it } from 'vitest';
import { checkStrict } from './strict.js';
import { closest, editDistance } from '../common/suggest.js';
import { unknownEsoKind } from './kinds.js';

const es = (spec: unknown, md: Record<string, unknown> = { name: 'a', namespace: 'n' }) => ({ apiVersion: 'external-secrets.io/v1', kind: 'ExternalSecret', metadata: md, spec });
const base = { secretStoreRef: { name: 's' }, data: [{ secretKey: 'k', remoteRef: { key: 'x' } }] };

describe('strict field validation', () => {
  it('accepts a valid ExternalSecret and prunes nulls as the API server does', () => {
    expect(checkStrict(es(base))).toEqual([]);
    expect(checkStrict(es({ ...base, target: null, refreshInterval: null }))).toEqual([]);
  });

  it('has no schema for kinds outside ESO', () => {
    expect(checkStrict({ apiVersion: 'v1', kind: 'ConfigMap' })).toBeUndefined();
  });

  it('suggests a sibling, a field below and a field above', () => {
    const p = checkStrict(es({ ...base, target: { templete: {}, refreshInterval: '1h' }, creationPolicy: 'Owner' }))!;
    expect(p).toContainEqual({ field: 'spec.target.templete', message: 'unknown field "templete": did you mean "template" (spec.target.template)?' });
    expect(p).toContainEqual({ field: 'spec.target.refreshInterval', message: 'unknown field "refreshInterval": ESO\'s schema has it higher up, at spec.refreshInterval' });
    expect(p).toContainEqual({ field: 'spec.creationPolicy', message: 'unknown field "creationPolicy": ESO\'s schema has it one level down, at spec.target.creationPolicy' });
  });

  it('checks maps of strings, int-or-string and durations', () => {
    const p = checkStrict(es({ ...base, refreshInterval: '2 hours', target: { template: { data: { a: 1 } } } }))!;
    expect(p.map((x) => x.field).sort()).toEqual(['spec.refreshInterval', 'spec.target.template.data.a']);
    const store = (refreshInterval: unknown) => ({ apiVersion: 'external-secrets.io/v1', kind: 'SecretStore', metadata: { name: 's' }, spec: { refreshInterval, provider: { fake: { data: [] } } } });
    expect(checkStrict(store(60))).toEqual([]);
    expect(checkStrict(store('1h'))).toEqual([]);
    expect(checkStrict(store(true))).toEqual([{ field: 'spec.refreshInterval', message: 'must be an integer or a string, not a boolean' }]);
  });

  it('never quotes a value that fails a pattern', () => {
    const p = checkStrict(es({ ...base, data: [{ secretKey: 'corpus secret value', remoteRef: { key: 'x' } }] }))!;
    expect(p).toHaveLength(1);
    expect(p[0]!.message).not.toContain('corpus secret value');
  });
});

describe('suggestions', () => {
  it('counts a transposition as one edit and scales the limit with the length', () => {
    expect(editDistance('verison', 'version')).toBe(1);
    expect(closest('verison', ['version', 'property'])).toBe('version');
    expect(closest('ExternalSecrets', ['ExternalSecret', 'SecretStore'])).toBe('ExternalSecret');
    expect(closest('zzz', ['key'])).toBeUndefined();
  });

  it('unknown kinds in ESO groups, not ESO kinds ESO has', () => {
    expect(unknownEsoKind({ apiVersion: 'external-secrets.io/v1', kind: 'SecretStores' })?.message).toMatch(/did you mean "SecretStore"/);
    expect(unknownEsoKind({ apiVersion: 'external-secrets.io/v1alpha1', kind: 'PushSecret' })).toBeUndefined();
    expect(unknownEsoKind({ apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'ECRAuthorizationToken' })).toBeUndefined();
    expect(unknownEsoKind({ apiVersion: 'apps/v1', kind: 'Deployments' })).toBeUndefined();
  });
});
