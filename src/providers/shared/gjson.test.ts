import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gjsonGet, escapeDots } from './gjson.js';
import { jsonToSecretMap, goJsonMarshal, goByteValue } from './json-map.js';
import { formatFloatF, formatFloatJSON } from './go-float.js';
import { convertKeys, validateKeys } from './keys.js';
import { compileGoRegexp } from '../../common/go-regexp.js';

const doc = '{"name":{"first":"Tom","last":"And\\u00e9"},"age":37,"ratio":1.50,"big":1e3,"n":null,"t":true,"a.b":"dotted",'
  + '"friends":[{"first":"Dale","age":44},{"first":"Roger","age":68}],"obj": {"x": [1, 2]}}';

describe('gjsonGet (gjson path semantics as ESO uses them)', () => {
  it.each([
    ['name.first', 'Tom'],
    ['name.last', 'Andé'],
    ['age', '37'],
    ['ratio', '1.5'], // non-integer numbers go through FormatFloat 'f' -1
    ['big', '1000'],
    ['t', 'true'],
    ['n', ''],
    ['a\\.b', 'dotted'],
    ['friends.1.first', 'Roger'],
    ['friends.#', '2'],
    ['friends.#.first', '["Dale","Roger"]'],
    ['friends.#(age>50).first', 'Roger'],
    ['friends.#(first=="Dale").age', '44'],
    ['obj', '{"x": [1, 2]}'], // raw text with the source's whitespace
    ['na*.fi?st', 'Tom'],
    ['obj|@keys', '["x"]'],
  ])('%s → %s', (path, want) => {
    const r = gjsonGet(doc, path);
    expect(r.exists).toBe(true);
    expect(r.str).toBe(want);
  });

  it('null exists (an empty value, not missing); absent paths do not', () => {
    expect(gjsonGet(doc, 'n')).toMatchObject({ exists: true, str: '' });
    expect(gjsonGet(doc, 'nope').exists).toBe(false);
    expect(gjsonGet(doc, 'a.b').exists).toBe(false); // without the escape, a.b is a path
    expect(gjsonGet(doc, escapeDots('a.b')).str).toBe('dotted');
    expect(gjsonGet('not json', 'x').exists).toBe(false);
  });

  it('keeps bytes that are not UTF-8', () => {
    const bytes = Buffer.concat([Buffer.from('{"k":"'), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    expect(Buffer.from(gjsonGet(bytes, 'k').bytes)).toEqual(Buffer.from([0xff, 0xfe]));
  });

  it('any string stored under a key comes back unchanged (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'grapheme' }), (s) => {
      expect(gjsonGet(JSON.stringify({ k: s }), 'k').str).toBe(s);
    }));
  });
});

describe('non-ASCII keys (issue 15: the path was UTF-8-encoded twice)', () => {
  const json = '{"ключ":"v1","\\u00e9t\\u00e9":"v2","\\ud83d\\ude00":{"日本":"v3"}}';
  it.each([['ключ', 'v1'], ['été', 'v2'], ['😀.日本', 'v3'], ['?t?', 'v2'], ['{ключ,été}', '{"ключ":"v1","été":"v2"}']])('%s → %s', (path, want) => {
    const r = gjsonGet(json, path);
    expect(r.exists).toBe(true);
    expect(r.str).toBe(want);
  });
  it('extract keeps non-ASCII keys, coerces invalid UTF-8 like Go, and lets a repeated key win', () => {
    const bytes = Buffer.concat([Buffer.from('{"\\u00e9":"a\\ud800b","k":"'), Buffer.from([0xff]), Buffer.from('","d":1,"d":2}')]);
    const m = jsonToSecretMap(bytes);
    expect(Buffer.from(m.get('é')!).toString()).toBe('a\ufffdb');
    expect(Buffer.from(m.get('k')!).toString('hex')).toBe('efbfbd');
    expect(Buffer.from(m.get('d')!).toString()).toBe('2');
  });
});

describe('jsonToSecretMap (ESO JSONToSecretDataMap)', () => {
  it('unquotes strings, keeps raw numbers and objects, turns null into empty', () => {
    const m = jsonToSecretMap('{"s":"x","num":1.50,"o":{"a": 1},"n":null,"b":false}');
    const txt = Object.fromEntries([...m].map(([k, v]) => [k, Buffer.from(v).toString()]));
    expect(txt).toEqual({ s: 'x', num: '1.50', o: '{"a": 1}', n: '', b: 'false' });
  });
  it('refuses what is not an object, without quoting the input', () => {
    expect(() => jsonToSecretMap('"s3cr3t"')).toThrow(/cannot unmarshal string/);
    expect(() => jsonToSecretMap('s3cr3t{')).toThrow(/^unable to unmarshal secret: invalid character in JSON input$/);
  });
});

describe('Go formatting', () => {
  it.each([[1.5, '1.5'], [1e21, '1000000000000000000000'], [1e-7, '0.0000001'], [-0.25, '-0.25'], [123456789, '123456789']])(
    'FormatFloat(%s, f, -1) = %s', (x, s) => expect(formatFloatF(x)).toBe(s));
  it.each([[1e21, '1e+21'], [1e-7, '1e-7'], [5432, '5432'], [0.5, '0.5']])('encoding/json %s = %s', (x, s) => expect(formatFloatJSON(x)).toBe(s));
  it('json.Marshal sorts keys and escapes HTML unless asked not to', () => {
    expect(goJsonMarshal({ b: '<&>', a: [1, null] })).toBe('{"a":[1,null],"b":"\\u003c\\u0026\\u003e"}');
    expect(goJsonMarshal({ b: '<&>' }, { escapeHTML: false })).toBe('{"b":"<&>"}');
    expect(Buffer.from(goByteValue(1.5)).toString()).toBe('1.5');
    expect(goJsonMarshal('\b\f\u0001')).toBe('"\\b\\f\\u0001"');
  });
});

describe('key conversion and validation', () => {
  it('Default and Unicode strategies', () => {
    const m = new Map([['a/b', new Uint8Array()], ['😀x', new Uint8Array()]]);
    expect([...convertKeys(m, 'Default').keys()]).toEqual(['a_b', '_x']);
    expect([...convertKeys(m, 'Unicode').keys()]).toEqual(['a_U002f_b', '_U1f600_x']);
    expect(() => convertKeys(new Map([['a/b', new Uint8Array()], ['a_b', new Uint8Array()]]), 'Default')).toThrow(/collision/);
  });
  it('drops empty keys, refuses bad characters', () => {
    expect([...validateKeys(new Map([['', new Uint8Array()], ['ok', new Uint8Array()]])).keys()]).toEqual(['ok']);
    expect(() => validateKeys(new Map([['a b', new Uint8Array()]]))).toThrow(/invalid character/);
  });
});

describe('Go regexp replacement', () => {
  it('expands like Go: $1_x names group "1_x" (empty), ${1}_x does not', () => {
    const re = compileGoRegexp('^db-(.*)$');
    expect(re.replaceAll('db-user', '$1_x')).toBe('');
    expect(re.replaceAll('db-user', '${1}_x')).toBe('user_x');
    expect(re.replaceAll('db-user', '$$1')).toBe('$1');
    expect(compileGoRegexp('(?P<k>[a-z]+)').replaceAll('ab-cd', '<${k}>')).toBe('<ab>-<cd>');
  });
});
