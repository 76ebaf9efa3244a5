import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isScalar, parse, parseDocument, Scalar, visit } from 'yaml';
import { isAmbiguousPlain, stringifyObject } from './yaml-quote.js';

// An independent model of how go-yaml (v2, used by kubectl, Argo CD and sigs.k8s.io/yaml) resolves a
// plain scalar, written from its resolve.go: true when the plain text would NOT come back as a string.
const goBoolOrNull = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF', '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<',
]);
function goParseInt(s: string): boolean {
  // strconv.ParseInt/ParseUint with base 0 (range ignored: an out-of-range decimal still becomes a float).
  return /^[-+]?(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.test(s);
}
function goParseFloat(s: string): boolean {
  return (
    /^[-+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][-+]?[0-9]+)?$/.test(s) ||
    /^[-+]?(inf|infinity|nan)$/i.test(s) ||
    /^[-+]?0[xX]([0-9a-fA-F]+(\.[0-9a-fA-F]*)?|\.[0-9a-fA-F]+)[pP][-+]?[0-9]+$/.test(s)
  );
}
function goTimestamp(s: string): boolean {
  return /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(([Tt][0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?(Z|[-+][0-9]{2}:[0-9]{2}))|( [0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\.[0-9]+)?))?$/.test(s);
}
function goYamlV2ReadsAsNonString(plain: string): boolean {
  if (goBoolOrNull.has(plain)) return true;
  const c = plain[0];
  if (c === '.') return goParseFloat(plain);
  if (c !== undefined && /[-+0-9]/.test(c)) {
    if (goTimestamp(plain)) return true;
    const bare = plain.replace(/_/g, '');
    if (goParseInt(bare)) return true;
    if (/^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/.test(bare)) return true;
    if (/^-?0[bo][0-7]+$/.test(bare)) return true;
  }
  return false;
}

/** Every plain scalar in the text (keys and values), as written. */
function plainScalars(text: string): string[] {
  const out: string[] = [];
  visit(parseDocument(text), {
    Scalar(_k, n) {
      if (n.type === Scalar.PLAIN && typeof n.source === 'string') out.push(n.source);
    },
  });
  return out;
}

const mustQuote = [
  'yes', 'Yes', 'YES', 'no', 'No', 'NO', 'y', 'Y', 'n', 'N', 'on', 'On', 'ON', 'off', 'Off', 'OFF',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '~', 'null', 'Null', 'NULL', '',
  '0755', '-0755', '0o755', '0x1F', '0X1f', '0b101', '-0b101', '1e3', '1E3', '1e+3', '1.5e-3', '1_000', '1_000.5',
  '.5', '+1', '-1', '+.5', '1.', '.inf', '-.Inf', '+.INF', '.nan', '.NaN', '1:20', '-1:20:30', '190:20:30.15',
  '2024-01-01', '2024-1-1', '2001-12-14t21:59:43.10-05:00', '2001-12-14 21:59:43.10', '2001-12-15T02:59:43.1Z',
  '=', '<<', '123', '0', '00', '09', '3.14', '6.02e23', 'e7', '.e1', '0x', '0b_',
];
const staysPlain = ['hello', 'v1.2.3-alpha', 'Opaque', 'kubernetes.io/tls', 'a b', 'yess', 'onion', 'nope', 'app-1', 'x1e3', 'e', 'eu-west-1'];

describe('YAML 1.1-safe quoting of new strings', () => {
  it.each(mustQuote)('quotes %j, and every reader gets the string back', (s) => {
    expect(isAmbiguousPlain(s)).toBe(true);
    const out = stringifyObject({ v: s, [s]: 'key' });
    expect(out).toContain(`v: "${s}"\n`);
    expect(parse(out, { version: '1.1' })).toEqual({ v: s, [s]: 'key' });
    expect(parse(out)).toEqual({ v: s, [s]: 'key' });
  });

  it.each(staysPlain)('leaves %j plain', (s) => {
    expect(isAmbiguousPlain(s)).toBe(false);
    expect(stringifyObject({ v: s })).toBe(`v: ${s}\n`);
  });

  it('the go-yaml model used below agrees on the documented cases', () => {
    for (const s of mustQuote.filter((x) => !/:/.test(x) || /^\d{4}-/.test(x))) {
      // YAML 1.1 only, go-yaml v3 only, or only the `yaml` package's 1.1 reader:
      if (['=', 'e7', '.e1', '0x', '0b_'].includes(s) || /^[-+]?0o/.test(s)) continue;
      expect(goYamlV2ReadsAsNonString(s), s).toBe(true);
    }
    for (const s of staysPlain) expect(goYamlV2ReadsAsNonString(s), s).toBe(false);
  });

  const tricky = fc.constantFrom(...mustQuote, ...staysPlain, ' lead', 'trail ', 'a: b', '- x', '# c', 'a #b', '|', '>', '"', "'", '@x', '`x', '%x', '!x', '&x', '*x', '[x', '{x', ',', '?', '? x', '---', '...', '\t', '\n', '\r\n', 'a\nb', 'a\n', '\na', ' \n ', 'x\u0085y', 'x\u2028y', '\ufeffx', '\u0000', '\u00a0', 'é', '😀');
  const numberish = fc.stringMatching(/^[-+]?[0-9_.:eExXoObB]{0,8}$/);
  const dateish = fc.stringMatching(/^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}([Tt ][0-9]{1,2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,3})?(Z|[-+][0-9]{2}:[0-9]{2})?)?$/);
  const pieces = fc
    .array(fc.constantFrom('a', 'Y', 'on', '0', '7', '.', 'e', '_', ':', ' ', '\t', '\n', '#', '-', '"', "'", '|', '\\', '\r', 'é', '\u2028'), { maxLength: 12 })
    .map((a) => a.join(''));
  const anyString = fc.oneof(
    tricky,
    numberish,
    dateish,
    pieces,
    fc.string(),
    fc.string({ unit: 'binary' }).filter((s) => !/[\uD800-\uDFFF]/.test(s.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ''))),
  );

  it('property: any string, as a value or a key, reads back as that string under YAML 1.1, 1.2 and go-yaml', () => {
    fc.assert(
      fc.property(anyString, anyString, (s, k) => {
        const obj = { a: s, [k]: s, list: [s] };
        const out = stringifyObject(obj);
        expect(parse(out, { version: '1.1' })).toEqual(obj);
        expect(parse(out)).toEqual(obj);
        for (const plain of plainScalars(out)) expect(goYamlV2ReadsAsNonString(plain), plain).toBe(false);
        // kustomize and kpt do not fold lines; neither do we.
        if (!/[\n\r\u0085\u2028\u2029]/.test(s + k)) expect(out.split('\n').length).toBe(Object.keys(obj).length + 2);
      }),
      { numRuns: 3000 },
    );
  });
});

describe('stringifyObject layout', () => {
  it('keeps key order, indents by 2, puts sequences at the parent indent, never folds long strings', () => {
    const long = 'x'.repeat(300);
    const out = stringifyObject({
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's', labels: { b: '1', a: '2' } },
      data: { long, multi: 'line1\nline2\n', strip: 'no newline\nat end' },
      list: [{ name: 'a', value: 'on' }, 'plain'],
      count: 3,
      t: true,
      z: null,
    });
    expect(out).toBe(
      [
        'kind: Secret',
        'apiVersion: v1',
        'metadata:',
        '  name: s',
        '  labels:',
        '    b: "1"',
        '    a: "2"',
        'data:',
        `  long: ${long}`,
        '  multi: |',
        '    line1',
        '    line2',
        '  strip: |-',
        '    no newline',
        '    at end',
        'list:',
        '- name: a',
        '  value: "on"',
        '- plain',
        'count: 3',
        't: true',
        'z: null',
        '',
      ].join('\n'),
    );
  });

  it('double-quotes multi-line strings with whitespace-only lines (a literal block would lose the spaces)', () => {
    for (const v of [' \n', 'x\n  \ny\n', 'a\n\t']) {
      const out = stringifyObject({ a: v });
      expect(out.startsWith('a: "')).toBe(true);
      expect(parse(out, { version: '1.1' })).toEqual({ a: v });
    }
    expect(stringifyObject({ a: 'x \ny\n' })).toBe('a: |\n  x \n  y\n');
  });

  it('drops undefined fields (as JSON would)', () => {
    expect(stringifyObject({ a: undefined, b: 'x' })).toBe('b: x\n');
  });

  it('quotes map keys that YAML 1.1 would turn into booleans', () => {
    const out = stringifyObject({ data: { yes: 'a', on: 'b' } });
    const doc = parseDocument(out);
    visit(doc, {
      Pair(_k, p) {
        if (isScalar(p.key) && ['yes', 'on'].includes(String(p.key.value))) expect(p.key.type).toBe(Scalar.QUOTE_DOUBLE);
      },
    });
  });
});
