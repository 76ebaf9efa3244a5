// The output edge: whatever a result carries (a name from a manifest, a key, a path), what is printed
// holds no control character, in text, in JSON log lines and in KRM results.
import { describe, expect, it } from 'vitest';
import { formatResults, jsonLine, printableResult, resultJsonLine } from './result-text.js';
import type { Result } from '../engine/types.js';

const forged: Result = {
  severity: 'error',
  message: 'bad\n[info] all good\r\u001b[2K\u2028done',
  resourceRef: { kind: 'ExternalSecret', namespace: 'ns', name: 'x\ny' },
  field: { path: 'spec.target.template.data.a\u0085b' },
  tags: { 'key\n': 'v\u2029' },
  file: { path: 'dir/\u202eevil.yaml' },
};

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('printed results', () => {
  it('text: one line per result, controls escaped', () => {
    const text = formatResults([forged]);
    expect(text.split('\n')).toHaveLength(2);
    expect(text.slice(0, -1)).not.toMatch(CONTROL);
    expect(text).toContain('bad\\n[info] all good\\r\\x1b[2K\\u2028done');
  });
  it('JSON: valid, one line, no raw control character, same text once parsed', () => {
    const line = resultJsonLine(forged, { app: 'a' });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toMatch(CONTROL);
    const o = JSON.parse(line) as Record<string, unknown>;
    expect(o['message']).toBe('bad\\n[info] all good\\r\\x1b[2K\\u2028done');
    expect(JSON.parse(jsonLine({ s: '\u0085\u2028' }))).toEqual({ s: '\u0085\u2028' });
    expect(jsonLine({ s: '\u0085\u2028' }).slice(0, -1)).not.toMatch(CONTROL);
  });
  it('KRM: every string of the result is escaped', () => {
    const r = printableResult(forged);
    const strings = JSON.stringify(r).match(/"(?:[^"\\]|\\.)*"/g)!.map((q) => JSON.parse(q) as string);
    for (const x of strings) expect(x).not.toMatch(CONTROL);
    expect(r.resourceRef?.name).toBe('x\\ny');
    expect(r.tags).toEqual({ 'key\\n': 'v\\u2029' });
  });
});
