// The template engine's public API: ESO's template vectors (eso-semantics §4.4) that are about the
// language, the parse cache, delimiters, error wording and the non-determinism report.
import { describe, expect, it } from 'vitest';
import { STACK_ENDED } from '../common/stack-overflow.js';
import {
  TemplateError,
  checkTemplate,
  defaultTemplateOptions,
  executeTemplate,
  nondeterministicFunctions,
  templateParseCount,
} from './index.js';

const enc = (s: string): Uint8Array => Buffer.from(s, 'utf8');
const dataOf = (o: Record<string, string | Uint8Array>): Map<string, Uint8Array> =>
  new Map(Object.entries(o).map(([k, v]) => [k, typeof v === 'string' ? enc(v) : v]));

function render(text: string, data: Record<string, string | Uint8Array> = {}, opts = defaultTemplateOptions): string {
  return Buffer.from(executeTemplate('key', text, dataOf(data), opts)).toString('utf8');
}

function failure(text: string, data: Record<string, string> = {}, name = 'key'): TemplateError {
  try {
    executeTemplate(name, text, dataOf(data));
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return e as TemplateError;
  }
  throw new Error('expected a TemplateError');
}

describe('ESO template vectors (language rows of eso-semantics §4.4)', () => {
  it('T1: b64dec', () => {
    expect(render('{{ .secret | b64dec }}', { secret: 'MTIzNA==' })).toBe('1234');
  });
  it('T2: a variable holding fromJson output, then a field of it', () => {
    expect(render('{{ $var := .secret | fromJson }}{{ $var.foo }}', { secret: '{"foo": "bar"}' })).toBe('bar');
  });
  it('T4/T5: fromJson|toYaml and fromYaml|toJson', () => {
    expect(render('{{ $var := .secret | fromJson | toYaml }}{{ $var }}', { secret: '{"foo": "bar"}' })).toBe('foo: bar');
    expect(render('{{ $var := .secret | fromYaml | toJson }}{{ $var }}', { secret: 'foo: bar' })).toBe('{"foo":"bar"}');
  });
  it('T6/T8: ext and upper through a pipeline', () => {
    expect(render('{{ .path | ext }}', { path: 'foo/bar/baz.exe' })).toBe('.exe');
    expect(render('{{ .value | upper }}', { value: 'username' })).toBe('USERNAME');
  });
  it('T9: a literal through two pipeline stages', () => {
    expect(render('{{ "123412341234" | b64enc | b64dec }}')).toBe('123412341234');
  });
  it('T11: b64dec of bad input yields the error text, not an error', () => {
    expect(render('{{ .example | b64dec }}', { example: 'iam_no_base64' })).toBe('illegal base64 data at input byte 3');
  });
  it('T13: a missing key fails with Go wording, name and position', () => {
    const e = failure('{{ .unknown }}');
    expect(e.kind).toBe('exec');
    expect(e.message).toBe('template: key:1:3: executing "key" at <.unknown>: map has no entry for key "unknown"');
  });
  it('T14: a parse error', () => {
    const e = failure('{{ #xx }}');
    expect(e.kind).toBe('parse');
    expect(e.message).toBe('template: key:1: unexpected "#" in command');
  });
  it('T21: non-standard delimiters', () => {
    const opts = { leftDelim: '<<', rightDelim: '>>', missingKey: 'error' as const };
    expect(render('<< .secret | b64dec >> {{ kept }}', { secret: 'MTIzNA==' }, opts)).toBe('1234 {{ kept }}');
  });
  it('T31: toString then upper', () => {
    expect(render('{{ .targetProperty | toString | upper }} was templated', { targetProperty: 'someValue' })).toBe(
      'SOMEVALUE was templated',
    );
  });
  it('T34: default for an empty value', () => {
    expect(render('{{ .a | default "x" }}', { a: '' })).toBe('x');
  });
});

describe('language details', () => {
  it('the piped value is the last argument', () => {
    expect(render('{{ "c" | printf "%s%s%s" "a" "b" }}')).toBe('abc');
  });
  it('prints float64 like Go %v and JSON null as <no value>', () => {
    const j = '{"a": 8080, "b": 123456, "c": 1234567, "d": 1000000, "e": 0.5, "f": 0.00001, "n": null}';
    expect(render('{{ $v := .j | fromJson }}{{ $v.a }} {{ $v.b }} {{ $v.c }} {{ $v.d }} {{ $v.e }} {{ $v.f }} {{ $v.n }}', { j })).toBe(
      '8080 123456 1.234567e+06 1e+06 0.5 1e-05 <no value>',
    );
  });
  it('prints maps with sorted keys and slices with spaces', () => {
    expect(render('{{ . }} {{ list 1 "a" nil }}', { b: '2', a: '1' })).toBe('map[a:1 b:2] [1 a <nil>]');
  });
  it('missingkey=error also applies to maps built in the template; index never fails', () => {
    expect(failure('{{ (.j | fromJson).missing }}', { j: '{}' }).message).toContain('map has no entry for key "missing"');
    expect(render('[{{ index . "nope" }}][{{ index (dict) "nope" }}]')).toBe('[][<no value>]');
  });
  it('missingkey=default prints <no value>', () => {
    expect(render('[{{ .nope }}]', {}, { ...defaultTemplateOptions, missingKey: 'default' })).toBe('[<no value>]');
  });
  it('keeps data bytes that are not UTF-8', () => {
    const bin = Uint8Array.from([0, 1, 0xfe, 0xff, 0x80]);
    const out = executeTemplate('key', '<{{ .bin }}>', dataOf({ bin }));
    expect(Buffer.from(out)).toEqual(Buffer.from([0x3c, 0, 1, 0xfe, 0xff, 0x80, 0x3e]));
  });
  it('and/or short-circuit: the unevaluated argument would fail', () => {
    expect(render('{{ or "x" .missing }}|{{ and "" .missing }}')).toBe('x|');
  });
  it('comparison errors are Go errors', () => {
    expect(failure('{{ eq 1 "a" }}').extra.internalDetail).toBe('incompatible types for comparison');
    expect(failure('{{ lt true false }}').extra.internalDetail).toBe('invalid type for comparison');
    expect(failure('{{ eq 1 "a" }}').message).toMatch(/error calling eq: wrong type of argument$/);
  });
  it('range over maps is in key order; break and continue work', () => {
    expect(render('{{ range $k, $v := . }}{{ $k }}{{ $v }}{{ end }}', { b: '2', a: '1', c: '3' })).toBe('a1b2c3');
    expect(render('{{ range list 1 2 3 4 }}{{ if eq . 2 }}{{ continue }}{{ end }}{{ if eq . 4 }}{{ break }}{{ end }}{{ . }}{{ end }}')).toBe('13');
  });
  it('range over an integer and else with (Go 1.22/1.23 forms)', () => {
    expect(render('{{ range 3 }}{{ . }}{{ end }}')).toBe('012');
    expect(render('{{ with .a }}A{{ else with .b }}{{ . }}{{ else }}none{{ end }}', { a: '', b: 'B' })).toBe('B');
  });
});

describe('errors', () => {
  it('parse errors carry the key and line', () => {
    const e = failure('line1\n{{ if }}', {}, 'tls.crt');
    expect(e.kind).toBe('parse');
    expect(e.message).toBe('template: tls.crt:2: missing value for if');
  });
  it('checkTemplate reports parse errors only', () => {
    expect(() => checkTemplate('k', '{{ .anything }}')).not.toThrow();
    expect(() => checkTemplate('k', '{{ nosuch }}')).toThrow('template: k:1: function "nosuch" not defined');
  });
  it('wrong argument types read like Go reflect errors', () => {
    expect(failure('{{ repeat (int64 3) "x" }}').message).toContain('wrong type for value; expected int; got int64');
    expect(failure('{{ upper 3 }}').message).toContain('expected string; found 3');
  });
  it('never repeat a data value', () => {
    const secret = 'hunter2-very-secret';
    for (const t of ['{{ fail .s }}', '{{ .s | mustFromJson }}', '{{ range .s }}{{ end }}', '{{ .s.field }}']) {
      const e = failure(t, { s: secret });
      expect(e.message).not.toContain(secret);
      expect(e.message).toMatch(/^template: key:1:\d+: executing "key" at </);
    }
  });
});

describe('parse cache', () => {
  it('parses a text once however many times and under whatever names it renders', () => {
    const text = `{{ .a }}-${Math.random()}`;
    const before = templateParseCount();
    for (let i = 0; i < 1000; i++) render(text, { a: String(i) });
    executeTemplate('other-key', text, dataOf({ a: 'x' }));
    expect(templateParseCount() - before).toBe(1);
  });
  it('caches parse failures but words them with each template name', () => {
    const text = `{{ if }}${Math.random()}`;
    const before = templateParseCount();
    expect(failure(text, {}, 'one').message).toBe('template: one:1: missing value for if');
    expect(failure(text, {}, 'two').message).toBe('template: two:1: missing value for if');
    expect(templateParseCount() - before).toBe(1);
  });
  it('different delimiters are different parses', () => {
    const text = `<< .a >>{{ .a }}${Math.random()}`;
    expect(render(text, { a: 'x' })).toMatch(/^<< .a >>x/);
    expect(render(text, { a: 'x' }, { leftDelim: '<<', rightDelim: '>>', missingKey: 'error' })).toMatch(/^x\{\{ \.a \}\}/);
  });
});

describe('nondeterministicFunctions', () => {
  it('finds random, time and key-generating functions anywhere in the tree', () => {
    const t = '{{ define "d" }}{{ uuidv4 }}{{ end }}{{ if true }}{{ randAlphaNum 8 }}{{ end }}{{ (now).Year }}{{ .a | upper }}';
    expect(nondeterministicFunctions(t)).toEqual(['now', 'randAlphaNum', 'uuidv4']);
  });
  it('counts htpasswd only when it may use bcrypt', () => {
    expect(nondeterministicFunctions('{{ htpasswd .u .p "sha" }}{{ (htpasswd "a" .p `sha`) | b64enc }}')).toEqual([]);
    expect(nondeterministicFunctions('{{ htpasswd .u (randAlpha 3) "sha" }}')).toEqual(['randAlpha']);
    expect(nondeterministicFunctions('{{ htpasswd .u .p "SHA" }}')).toEqual(['htpasswd']);
    expect(nondeterministicFunctions('{{ htpasswd .u .p "bcrypt" }}{{ "sha" | htpasswd .u .p }}')).toEqual(['htpasswd']);
  });
  it('is empty for deterministic templates and for unparsable ones', () => {
    expect(nondeterministicFunctions('{{ .a | b64enc | upper }}')).toEqual([]);
    expect(nondeterministicFunctions('{{ if }}')).toEqual([]);
  });
});

describe('non-ASCII text in errors', () => {
  it('reports names and template text as readable strings', () => {
    const e = failure('{{ "é" | nosuchfn }}', {}, 'clé');
    expect(e.message).toBe('template: clé:1: function "nosuchfn" not defined');
    const x = failure('{{ .é }}', {}, 'clé');
    expect(x.message).toBe('template: clé:1:3: executing "clé" at <.é>: map has no entry for key "é"');
  });
});

describe('runaway recursion', () => {
  it('ends in an exec error, as Go stops at its maximum template depth', () => {
    const e = failure('{{ define "r" }}x{{ template "r" . }}{{ end }}{{ template "r" . }}');
    expect(e.kind).toBe('exec');
    expect(e.message).toBe(`template: key: ${STACK_ENDED}`);
  });
});

describe('pathological nesting', () => {
  it('is a parse error, not a crash', () => {
    const text = '{{ ' + '('.repeat(20000) + '1' + ')'.repeat(20000) + ' }}';
    const e = failure(text);
    expect(e.kind).toBe('parse');
    expect(e.message).toContain('max expression depth exceeded');
  });
});
