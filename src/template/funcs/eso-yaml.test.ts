import { describe, expect, it } from 'vitest';
import { fromYaml, resolvePlain, toYaml } from './eso-yaml.js';
import { decodeJson } from './sprig-json.js';
import { utf8ToBin, type Value } from '../values.js';

// Expected strings below were produced by Go (ghodss/yaml over gopkg.in/yaml.v2 2.4, the code
// sigs.k8s.io/yaml forks) for the same input.
const json = (s: string): Value => decodeJson(utf8ToBin(s)).value;
/** JS data as template values (numbers are float64), without going through a JSON decoder. */
const val = (x: unknown): Value => {
  if (Array.isArray(x)) return x.map(val);
  if (x !== null && typeof x === 'object') return new Map(Object.entries(x).map(([k, v]) => [k, val(v)]));
  return typeof x === 'string' ? utf8ToBin(x) : (x as Value);
};

describe('toYaml', () => {
  it('ESO T4: fromJson | toYaml', () => expect(toYaml(json('{"foo": "bar"}'))).toBe('foo: bar'));
  it('sorted keys (natural digit order), YAML 1.1 quoting, unindented sequences, literal blocks', () => {
    const v = val({ b: ['x', { c: 1.5, d: [] }], a: 'yes', n: null, e: {}, i: 1e19, f: 1e20, s: '0755', t: 'line1\nline2\n', k10: 1, k9: 2 });
    expect(toYaml(v)).toBe(
      'a: "yes"\nb:\n- x\n- c: 1.5\n  d: []\ne: {}\nf: 1e+20\ni: 10000000000000000000\nk9: 2\nk10: 1\n"n": null\ns: "0755"\nt: |\n  line1\n  line2',
    );
  });
  it('quotes strings that would read back as another type', () => {
    expect(toYaml(json('["on","1:20","2001-12-14"," pad","it\'s"]'))).toBe(
      '- "on"\n- "1:20"\n- "2001-12-14"\n- \' pad\'\n- it\'s',
    );
  });
  it('folds long plain scalars at 80 columns as goyaml does', () => {
    const long = 'a very long line of text that goes on and on and on beyond the eighty column limit for sure yes indeed it does';
    expect(toYaml(new Map([['long', long]]))).toBe(
      'long: a very long line of text that goes on and on and on beyond the eighty column\n  limit for sure yes indeed it does',
    );
  });
  it('template ints, bytes, scalars at the root', () => {
    expect(toYaml(new Map<string, Value>([['n', 8080n], ['b', new Uint8Array([1, 2])]]))).toBe('b: AQI=\n"n": 8080');
    expect(toYaml('foo')).toBe('foo');
    expect(toYaml(null)).toBe('null');
    expect(toYaml(NaN)).toBe(''); // json.Marshal fails: toYaml returns ""
  });
});

describe('resolvePlain (goyaml v2 YAML 1.1 typing)', () => {
  it.each([
    ['yes', 'bool'], ['Off', 'bool'], ['y', 'bool'], ['~', 'null'], ['', 'null'], ['0755', 'int'], ['0x1F', 'int'],
    ['1_000', 'int'], ['1e3', 'float'], ['.5', 'float'], ['.inf', 'float'], ['2001-12-14', 'timestamp'],
    ['2001-13-14', 'str'], ['12:30', 'str'], ['hello', 'str'], ['<<', 'str'], ['0b101', 'int'], ['09', 'float'],
  ])('%s → %s', (s, tag) => expect(resolvePlain(s).tag).toBe(tag));
});

describe('fromYaml', () => {
  it('ESO T5 shape', () => expect(fromYaml('foo: bar')).toEqual(new Map([['foo', 'bar']])));
  it('YAML 1.1 values, numbers as float64, timestamps as text, non-string keys as text', () => {
    const m = fromYaml('a: 0777\nb: 0x1F\nc: on\nd: 1e6\ne: ~\nf: 2001-12-14\ng: [1, two]\n1: x\n');
    expect(m).toEqual(
      new Map<string, Value>([
        ['a', 511], ['b', 31], ['c', true], ['d', 1e6], ['e', null], ['f', '2001-12-14'], ['g', [1, 'two']], ['1', 'x'],
      ]),
    );
    expect(typeof m.get('a')).toBe('number');
  });
  it('anchors, merge keys, and `y` read as the key "true"', () => {
    expect(fromYaml('x: &a {p: 1}\ny:\n  <<: *a\n  q: 2')).toEqual(
      new Map<string, Value>([
        ['x', new Map([['p', 1]])],
        ['true', new Map([['p', 1], ['q', 2]])],
      ]),
    );
  });
  it('empty input gives an empty map; a list gives Error', () => {
    expect(fromYaml('')).toEqual(new Map());
    expect(fromYaml('- a').get('Error')).toBe(
      'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal array into Go value of type map[string]interface {}',
    );
  });
  it('syntax errors go into Error (the message text is the parser\'s, not goyaml\'s)', () => {
    expect(String(fromYaml('a: [1, 2').get('Error'))).toMatch(/^error converting YAML to JSON: yaml: /);
  });
});
