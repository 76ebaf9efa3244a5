// `fail` prints what it is given. A message written in the template is kept (it is the author's); a message
// computed at run time may be derived from a secret, and is not shown.
import { describe, expect, it } from 'vitest';
import { executeTemplate, TemplateError } from './index.js';

const data = new Map([
  ['plain', Buffer.from('Very-Secret-Value')],
  ['json', Buffer.from('{"password":"pw-1234","nested":{"token":"tok-5678"}}')],
]);

function errorOf(t: string): string {
  try {
    executeTemplate('k', t, data);
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('fail messages', () => {
  it('keeps a message written in the template', () => {
    expect(errorOf('{{ if not .plain }}{{ else }}{{ fail "plain must be empty here" }}{{ end }}')).toMatch(/error calling fail: plain must be empty here$/);
  });
  it.each([
    '{{ .plain | fail }}',
    '{{ .plain | lower | fail }}',
    '{{ (.json | fromJson).password | fail }}',
    '{{ (.json | fromJson).nested.token | fail }}',
    '{{ .json | fromJson | toYaml | fail }}',
    '{{ splitList "-" .plain | last | fail }}',
    '{{ printf "got %s" .plain | fail }}',
  ])('hides a computed message: %s', (t) => {
    const msg = errorOf(t);
    expect(msg).toMatch(/error calling fail: \[message computed from data, not shown\]$/);
    for (const secret of ['very-secret-value', 'Very-Secret-Value', 'Value', 'pw-1234', 'tok-5678']) expect(msg).not.toContain(secret);
  });
});
