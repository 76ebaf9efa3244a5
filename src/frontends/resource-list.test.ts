import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Item } from '../engine/types.js';
import { NotAResourceListError, parseResourceList, writeResourceList } from './resource-list.js';

// kpt 1.0.0-beta.56's stdin for a package with a subpackage, a JSON file, comments and raw scalars
// (plugin-contracts.md, Part C, Example 4).
const kptCapture = readFileSync(join(import.meta.dirname, '../../test/krm/fixtures/kpt-render-input.yaml'), 'utf8');

const write = (text: string, items?: readonly Item[]) => {
  const rl = parseResourceList(text);
  return writeResourceList({ apiVersion: rl.apiVersion, kind: rl.kind, items: items ?? rl.items, results: [] });
};

describe('ResourceList items keep their text', () => {
  it('writes kpt\'s captured items back byte for byte', () => {
    const rl = parseResourceList(kptCapture);
    expect(rl.items.map((i) => i.object.kind)).toEqual(['Kptfile', 'Service', 'Kptfile', 'SetTeam', 'Deployment', 'ConfigMap']);
    expect(rl.functionConfig).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'function-input' }, data: { team: 'platform', replicas: '3' } });
    expect(write(kptCapture)).toBe(kptCapture.slice(0, kptCapture.indexOf('functionConfig:')));
  });

  it('reads values the way kyaml does (0755 is octal, on is a string)', () => {
    const cm = parseResourceList(kptCapture).items[5]!.object as { data: Record<string, unknown> };
    expect(cm.data).toEqual({ enabled: 'on', mode: 493, quoted: 'yes' });
  });

  it('keeps item order changes and removals without touching the remaining items', () => {
    const rl = parseResourceList(kptCapture);
    const out = write(kptCapture, [rl.items[4]!, rl.items[0]!]);
    const deployment = kptCapture.slice(kptCapture.indexOf('- # Deployment for web'), kptCapture.indexOf('- apiVersion: v1\n  kind: ConfigMap'));
    const kptfile = kptCapture.slice(kptCapture.indexOf('- apiVersion: kpt.dev/v1'), kptCapture.indexOf('- {"apiVersion"'));
    expect(out).toBe(`apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems:\n${deployment}${kptfile}`);
  });

  it('re-indents wide sequences, multi-line flow items and block scalars without changing their meaning', () => {
    const wide = [
      'apiVersion: config.kubernetes.io/v1alpha1',
      'kind: ResourceList',
      'items:',
      '    -   apiVersion: v1 # four and four',
      '        kind: ConfigMap',
      '        metadata: {name: a}',
      '        data:',
      '          script: |+',
      '            echo hi',
      '',
      '    - {"apiVersion": "v1", "kind": "ConfigMap",',
      '       "metadata": {"name": "b"}}',
      '',
    ].join('\n');
    const out = write(wide);
    expect(out).toBe(
      [
        'apiVersion: config.kubernetes.io/v1alpha1',
        'kind: ResourceList',
        'items:',
        '- apiVersion: v1 # four and four',
        '  kind: ConfigMap',
        '  metadata: {name: a}',
        '  data:',
        '    script: |+',
        '      echo hi',
        '',
        '- {"apiVersion": "v1", "kind": "ConfigMap",',
        '   "metadata": {"name": "b"}}',
        '',
      ].join('\n'),
    );
    expect(parseResourceList(out).items.map((i) => i.object)).toEqual(parseResourceList(wide).items.map((i) => i.object));
  });

  it('accepts CRLF line ends, as kyaml does', () => {
    const crlf = kptCapture.replace(/\n/g, '\r\n');
    expect(write(crlf)).toBe(kptCapture.slice(0, kptCapture.indexOf('functionConfig:')));
  });

  it('writes results after the items, without anchors for shared objects', () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', name: 'x' };
    const text = writeResourceList({
      apiVersion: 'config.kubernetes.io/v1',
      kind: 'ResourceList',
      items: [],
      results: [
        { severity: 'error', message: 'one', resourceRef: ref },
        { severity: 'warning', message: 'yes', resourceRef: ref },
      ],
    });
    expect(text).not.toMatch(/[&*]a1/);
    expect(text).toContain('\n- severity: warning\n  message: "yes"\n');
  });

  it.each([
    ['nothing', ''],
    ['a plain resource', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n'],
    ['two documents', 'apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\n---\nkind: ResourceList\nitems: []\n'],
    ['invalid YAML', 'kind: ResourceList\nitems: [\n'],
    ['a scalar item', 'kind: ResourceList\nitems: [3]\n'],
  ])('refuses %s', (_what, text) => {
    expect(() => parseResourceList(text)).toThrow(NotAResourceListError);
  });

  it('tolerates a trailing document marker and an empty functionConfig', () => {
    const rl = parseResourceList('apiVersion: config.kubernetes.io/v1\nkind: ResourceList\nitems: []\nfunctionConfig:\n---\n');
    expect(rl.items).toEqual([]);
    expect(rl.functionConfig).toBeNull();
  });
});
