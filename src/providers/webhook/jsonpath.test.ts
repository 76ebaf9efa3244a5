// The PaesslerAG/jsonpath subset against cases taken from that library's own jsonpath_test.go (read for
// facts: path, data, the value jsonpath.Get returns). Debian packages neither PaesslerAG/jsonpath nor
// gval, so there is no Go reference to run. Results over a wildcard of a JSON object are compared as
// multisets where the library visits a Go map (random order). Also ESO's number formats and QueryEscape.
import { describe, expect, it } from 'vitest';
import { evaluateJsonPath, JsonPathError } from './jsonpath.js';
import { parseGoJson, goMarshal, type GoValue } from '../shared/go-json.js';
import { extractSecretData, formatFloatF0, queryEscape } from './webhook.js';

const get = (path: string, data: string): GoValue => evaluateJsonPath(path, parseGoJson(data, 'float'));
const show = (v: GoValue) => JSON.parse(goMarshal(v)) as unknown;
const sorted = (v: GoValue) => (show(v) as unknown[]).map((x) => JSON.stringify(x)).sort();

describe('PaesslerAG/jsonpath cases', () => {
  const cases: [string, string, string, unknown][] = [
    ['root string', '$', '"hey"', 'hey'],
    ['root object', '$', '{"a":"aa"}', { a: 'aa' }],
    ['simple select array', '$[1]', '[7, "hey"]', 'hey'],
    ['negative select array', '$[-1]', '[7, "hey"]', 'hey'],
    ['negative select on short array', '$[-2]', '[7]', null],
    ['simple select object', '$[1]', '{"1":"aa"}', 'aa'],
    ['simple select out of bounds', '$[1]', '["hey"]', null],
    ['select array', '$[3].a', '[55,41,70,{"a":"bb"}]', 'bb'],
    ['select object', '$[3].a', '{"3":{"a":"aa"}}', 'aa'],
    ['range array', '$[2:6].a', '[55,41,70,{"a":"bb"}]', ['bb']],
    ['range object', '$[2:6].a', '{"3":{"a":"aa"}}', []],
    ['range multi match', '$[2:6].a', '[{"a":"xx"},41,{"a":"b1"},{"a":"b2"},55,{"a":"b3"},{"a":"x2"} ]', ['b1', 'b2', 'b3']],
    ['range all', '$[:]', '[55,41,70,{"a":"bb"}]', [55, 41, 70, { a: 'bb' }]],
    ['range all even', '$[::2]', '[55,41,70,{"a":"bb"}]', [55, 70]],
    ['range all even reverse', '$[::-2]', '[55,41,70,{"a":"bb"}]', [{ a: 'bb' }, 41]],
    ['range reverse', '$[2:6:-1].a', '[55,41,70,{"a":"bb"}]', ['bb']],
    ['range reverse multi match', '$[2:6:-1].a', '[{"a":"xx"},41,{"a":"b1"},{"a":"b2"},55,{"a":"b3"},{"a":"x2"} ]', ['b3', 'b2', 'b1']],
    ['range even selection', '$[2:6:2].a', '[55,41,70,{"a":"bb"}]', []],
    ['range even multi match selection', '$[2:6:2].a', '[{"a":"xx"},41,{"a":"b1"},{"a":"b2"},{"a":"b3"},{"a":"x2"} ]', ['b1', 'b3']],
    ['union array', '$[1, 3].a', '[55,{"a":"1a"},70,{"a":"bb"}]', ['1a', 'bb']],
    ['negative union array', '$[1, -5, 3].a', '[55,{"a":"1a"},70,{"a":"bb"}]', ['1a', 'bb']],
    ['union object', '$[1, 3].a', '{"3":{"a":"3a"}, "1":{"a":"1a"}, "x":{"7":"bb"}}', ['1a', '3a']],
    ['union wildcard array partially matched', '$[1, 3].*', '[55,41,70,{"a":"bb"}]', ['bb']],
    ['ending star', '$.welcome.message[*]', '{"welcome":{"message":["Good Morning", "Hello World!"]}}', ['Good Morning', 'Hello World!']],
  ];
  for (const [name, path, data, want] of cases) {
    it(name, () => expect(show(get(path, data))).toEqual(want));
  }

  it('simple select unknown key: an error naming the key', () => {
    expect(() => get('$[1]', '{"2":"aa"}')).toThrow(new JsonPathError('unknown key 1', 'unknown key'));
    expect(() => get('$.a.b', '{"a":"x"}')).toThrow(/unsupported value type string for select/);
  });

  it('mapper $..x and $..*: every match (map order is Go-random in the library, so compared as sets)', () => {
    expect(sorted(get('$..x', '{"a":{"x":1,"b":{"x":2}},"x":3}'))).toEqual(['1', '2', '3']);
    expect(sorted(get('$..*', '{"1":{"a":"aa", "b":[1 ,2, 3]}, "3":{}, "x":{"7":"bb"}}'))).toEqual(
      ['"aa"', '"bb"', '1', '2', '3', '[1,2,3]', '{"7":"bb"}', '{"a":"aa","b":[1,2,3]}', '{}'].sort(),
    );
    expect(sorted(get('$[1, 3][*]', '{"3":{"a":"3a"}, "1":{"7":"1a"}, "x":{"a":"bb"}}'))).toEqual(['"1a"', '"3a"']);
  });

  it('filters, scripts and expressions are refused by name, never guessed', () => {
    for (const p of ['$..[?(@.a=="aa")]', '$[?(@.key=="x")].value', '$.*.value(@=="a")', '$.a == 1.23', '$[3].', 'a.b', '$.foo-bar']) {
      expect(() => get(p, '{}'), p).toThrow(JsonPathError);
    }
  });
});

describe("ESO's value formats", () => {
  it('extractSecretData numbers: FormatFloat(v, f, 0, 64), round half to even', () => {
    expect([0.5, 1.5, 2.5, 3.7, -0.3, -2.5, 1e21, 12345678901].map(formatFloatF0)).toEqual(['0', '2', '2', '4', '-0', '-2', '1000000000000000000000', '12345678901']);
    const fail = (m: string) => new Error(m);
    expect(Buffer.from(extractSecretData(parseGoJson('[[true]]', 'float'), fail)).toString()).toBe('true');
    expect(Buffer.from(extractSecretData(null, fail)).toString()).toBe('');
    expect(() => extractSecretData([], fail)).toThrow("filter worked but didn't get any result");
  });

  it('url.QueryEscape (outputs checked against Go 1.19 net/url)', () => {
    expect(queryEscape("a b/c?d=e&f@g:h~i*j'k(l)!m")).toBe('a+b%2Fc%3Fd%3De%26f%40g%3Ah~i%2Aj%27k%28l%29%21m');
    expect(queryEscape('é-_.')).toBe('%C3%A9-_.');
  });
});
