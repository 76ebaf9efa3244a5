// What template errors say: the origin, the position, the template text (unless the text is data) and a
// kind from a fixed vocabulary; never a function's arguments or anything computed from data.
import { describe, expect, it } from 'vitest';
import { Budget, executeTemplate, FAILURE_KINDS, TemplateError, type TemplateOptions } from './index.js';
import { classifyFailure } from './errors.js';
import { printable } from '../common/printable.js';

const SECRET = 'Very-Secret-Value';
const data = new Map([
  ['plain', Buffer.from(SECRET)],
  ['json', Buffer.from('{"password":"pw-1234","nested":{"token":"tok-5678"},"port":"99x"}')],
  ['num', Buffer.from('12ab')],
]);
const opts: TemplateOptions = { leftDelim: '{{', rightDelim: '}}', missingKey: 'error', origin: 'spec.target.template.data.k' };

function errorOf(t: string, o: Partial<TemplateOptions> = {}): TemplateError {
  try {
    executeTemplate('k', t, data, { ...opts, ...o });
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return e as TemplateError;
  }
  throw new Error('expected an error');
}

/** Every 4-character piece of the values (and their case variants) that must never be shown. */
function pieces(): string[] {
  const out = new Set<string>();
  for (const v of [SECRET, 'pw-1234', 'tok-5678', '12ab', '99x']) {
    for (const w of [v, v.toLowerCase(), v.toUpperCase()]) for (let i = 0; i + 4 <= w.length; i++) out.add(w.slice(i, i + 4));
  }
  return [...out];
}

describe('fail messages', () => {
  it('keeps a message written in the template, called or piped', () => {
    expect(errorOf('{{ if not .plain }}{{ else }}{{ fail "plain must be empty here" }}{{ end }}').message).toMatch(/error calling fail: plain must be empty here$/);
    expect(errorOf('{{ "piped message" | fail }}').message).toMatch(/error calling fail: piped message$/);
  });
  it.each([
    '{{ .plain | fail }}',
    '{{ .plain | lower | fail }}',
    '{{ (.json | fromJson).password | fail }}',
    '{{ (.json | fromJson).nested.token | fail }}',
    '{{ .json | fromJson | toYaml | fail }}',
    '{{ splitList "-" .plain | last | fail }}',
    '{{ printf "got %s" .plain | fail }}',
    // A computed message that happens to be written in the template too is still computed.
    '{{ substr 0 4 .plain | fail }} Very',
  ])('hides a computed message: %s', (t) => {
    const msg = errorOf(t).message;
    expect(msg).toMatch(/error calling fail: message computed from data, not shown$/);
    for (const p of pieces()) expect(msg).not.toContain(p);
  });
});

describe('function failures are named by kind', () => {
  it.each([
    ['{{ .plain | semver }}', 'semver', 'invalid version'],
    ['{{ .plain | b64enc | printf "%s!" | mustFromJson }}', 'mustFromJson', 'invalid JSON'],
    ['{{ $u := printf "http://h:%s/" (.json | fromJson).port | urlParse }}', 'urlParse', 'invalid URL'],
    ['{{ mustRegexFind (printf "(%s" .plain) "x" }}', 'mustRegexFind', 'invalid regular expression'],
    ['{{ .num | atoi | div 1 }}{{ div 1 0 }}', 'div', 'division by zero'],
    ['{{ index (splitList "-" .plain) 7 }}', 'index', 'index out of range'],
    ['{{ .plain | toDate "2006-01-02" | mustDateModify .plain }}', 'mustDateModify', 'invalid date or duration'],
    ['{{ .plain | decryptAES "k" }}', 'decryptAES', 'invalid base64'],
    ['{{ .plain | upper | pkcs12key }}', 'pkcs12key', 'invalid PKCS#12'],
    ['{{ .plain | filterPEM "CERTIFICATE" }}', 'filterPEM', 'invalid PEM'],
    ['{{ .plain | first }}', 'first', 'wrong type of argument'],
  ])('%s', (t, fn, kind) => {
    const e = errorOf(t);
    expect(e.message).toMatch(new RegExp(`^template: spec\\.target\\.template\\.data\\.k:1:\\d+: executing .* error calling ${fn}: ${kind.replace(/[#.]/g, '\\$&')}$`));
    expect(FAILURE_KINDS).toContain(e.extra.failure);
    for (const p of pieces()) expect(e.message).not.toContain(p);
  });
  it('classifies by the message only to pick a fixed kind', () => {
    expect(classifyFailure('x', new Error('illegal base64 data at input byte 4'))).toBe('invalid base64');
    expect(classifyFailure('x', new Error('parse "http://[::1]:namedport": invalid port ":namedport" after host'))).toBe('invalid URL');
    expect(classifyFailure('x', new Error('strconv.ParseInt: parsing "abc": invalid syntax'))).toBe('invalid number');
    expect(classifyFailure('x', new Error('something nobody foresaw: Very-Secret-Value'))).toBe('function failed');
    expect(classifyFailure('semver', new Error('anything'))).toBe('invalid version');
    // Names that are also Object.prototype's find nothing there.
    for (const fn of ['toString', 'constructor', 'valueOf', 'hasOwnProperty']) expect(FAILURE_KINDS).toContain(classifyFailure(fn, new Error('?')));
  });
});

describe('a template whose text is data (templateFrom of a Secret)', () => {
  const dataOpts = { textIsData: true, origin: 'templateFrom[0].secret shop/tpl key app.tmpl' };
  it('shows neither node, key name nor literal, only origin, position and kind', () => {
    expect(errorOf('line\n{{ .Very_Secret_Key }}', dataOpts).message).toBe('template: templateFrom[0].secret shop/tpl key app.tmpl:2:3: missing key');
    expect(errorOf('{{ fail "Very-Secret-Literal" }}', dataOpts).message).toBe(
      'template: templateFrom[0].secret shop/tpl key app.tmpl:1:3: error calling fail: function failed',
    );
    expect(errorOf('{{ .x | Very-Secret }}', dataOpts).message).toBe('template: templateFrom[0].secret shop/tpl key app.tmpl:1: parse error');
  });
  it('manifest text keeps Go\'s parse message', () => {
    expect(errorOf('{{ .x | nope }}').message).toBe('template: spec.target.template.data.k:1: function "nope" not defined');
  });
});

describe('budgets', () => {
  const budget = (operations: number, outputBytes = 1 << 20, deadline = Infinity) => new Budget({ operations, outputBytes, deadline, deadlineMs: 1000 });
  const budgetError = (t: string, b: Budget) => {
    const e = errorOf(t, { budget: b });
    expect(e.kind).toBe('exec');
    return e;
  };
  it('counts loop turns, nested loops and recursion against one operation budget', () => {
    expect(budgetError('{{ range $i := until 100000000 }}x{{ end }}', budget(1e6)).extra.budget).toBe('operations');
    expect(budgetError('{{ range $i := until 2000 }}{{ range until 2000 }}{{ end }}{{ end }}', budget(1e6)).message).toBe(
      'template: spec.target.template.data.k: the template operation budget of 1000000 is used up (raise spec.limits.templateOperations)',
    );
    expect(budgetError('{{ range 100000000 }}{{ end }}', budget(1e5)).extra.budget).toBe('operations');
  });
  it('is charged as it should be by functions named like Object.prototype members (toString)', () => {
    expect(budgetError('{{ range $i := until 100000 }}{{ $i | toString }}{{ end }}', budget(1e5)).extra.budget).toBe('operations');
    const b = budget(1e9);
    executeTemplate('k', '{{ range $i := until 2000 }}{{ $i | toString | upper }}{{ end }}', data, { ...opts, budget: b });
    expect(() => b.charge(1e9)).toThrow(/operation budget/);
  });
  it('is shared: a second template gets only what the first left', () => {
    const b = budget(50_000);
    executeTemplate('k', '{{ range until 10000 }}{{ end }}', data, { ...opts, budget: b });
    expect(budgetError('{{ range until 10000 }}{{ end }}', b).extra.budget).toBe('operations');
  });
  it('bounds output and any single value', () => {
    expect(budgetError('{{ repeat 1000000000 "abc" }}', budget(1e9, 1 << 20)).extra.budget).toBe('output');
    expect(budgetError('{{ range until 100000 }}0123456789abcdef{{ end }}', budget(1e9, 1 << 20)).extra.budget).toBe('output');
    expect(budgetError('{{ printf "%999999999d" 1 }}', budget(1e9, 1 << 20)).extra.budget).toBe('output');
  });
  it('is not swallowed by a function that catches errors (toJson of a self-merged dict)', () => {
    const t = '{{ $a := dict "x" "y" }}{{ range until 60 }}{{ $a = dict "l" $a "r" $a }}{{ end }}{{ toJson $a | len }}';
    expect(budgetError(t, budget(1e6)).extra.budget).toBe('operations');
  });
  it('ends at the deadline', () => {
    const e = budgetError('{{ range until 100000000 }}{{ end }}', budget(1e12, 1 << 20, Date.now() - 1));
    expect(e.extra.budget).toBe('deadline');
    expect(e.message).toBe("template: spec.target.template.data.k: the run's deadline (1000 ms) passed while templates were running");
  });
  it('gives fromJson and fromYaml the manifest reader\'s nesting and alias bounds', () => {
    const deepJson = '['.repeat(300) + ']'.repeat(300);
    expect(errorOf(`{{ ${JSON.stringify(deepJson)} | fromJson }}`).message).toMatch(/error calling fromJson: nesting too deep$/);
    const laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i < 9; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill('*' + String.fromCharCode(96 + i)).join(',')}]`);
    expect(errorOf(`{{ ${JSON.stringify(laughs.join('\n'))} | fromYaml | toJson }}`).message).toMatch(/error calling fromYaml: too many aliases$/);
    const deepYaml = 'a: '.concat('['.repeat(300), ']'.repeat(300));
    expect(errorOf(`{{ ${JSON.stringify(deepYaml)} | fromYaml }}`).message).toMatch(/error calling fromYaml: nesting too deep$/);
    // Within the bounds both still work as in ESO.
    expect(Buffer.from(executeTemplate('k', '{{ ("a: &x [1]\\nb: *x" | fromYaml).b }}', data, opts)).toString()).toBe('[1]');
  });
});

describe('printable', () => {
  it('escapes control characters so no message forges a line', () => {
    expect(printable('a\nb\r\tc\u001b[31m\u0085\u2028\u202e\u007f')).toBe('a\\nb\\r\\tc\\x1b[31m\\x85\\u2028\\u202e\\x7f');
    expect(printable('plain ünïcode ✓')).toBe('plain ünïcode ✓');
  });
});
