// Unit tests of the sprig library through the template engine (as a template author sees it) and of
// the Go-compatibility helpers underneath. The differential corpus (test/template-corpus/sprig-*.yaml)
// checks the same functions against Go; these pin the behaviours ESO users rely on most.
import { describe, expect, it } from 'vitest';
import { executeTemplate, TemplateError } from '../index.js';
import { castToFloat64, castToInt64, parseFloat64, parseInt64 } from './sprig-conv.js';
import { camelCaseToLowerCase, toPascalCase } from './sprig-case.js';
import { base32Decode, base64Decode, hexDecode, pathClean } from './sprig-misc.js';
import { durationString, formatTime, GoTime, parseDuration, parseTime, UTC } from './sprig-time.js';
import { semverCompare, SemVersion } from './sprig-semver.js';
import { parseURL, urlString } from './sprig-url.js';
import { sprigFuncs } from './sprig.js';

function render(tpl: string, data: Record<string, string> = {}): string {
  const m = new Map(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'utf8')] as [string, Uint8Array]));
  return Buffer.from(executeTemplate('key', tpl, m)).toString('utf8');
}

function renderError(tpl: string, data: Record<string, string> = {}): string {
  return renderFailure(tpl, data).message;
}

/** The function's own (Go-worded) error, which is never shown to a user: for fidelity checks only. */
function renderDetail(tpl: string, data: Record<string, string> = {}): string {
  return renderFailure(tpl, data).extra.internalDetail ?? '';
}

function renderFailure(tpl: string, data: Record<string, string>): TemplateError {
  try {
    render(tpl, data);
  } catch (e) {
    expect(e).toBeInstanceOf(TemplateError);
    return e as TemplateError;
  }
  throw new Error('expected the template to fail');
}

describe('sprig function table', () => {
  it('offers the 195 non-crypto sprig names of ESO, each once, with a Go signature', () => {
    const names = sprigFuncs.map((f) => f.name);
    expect(names.length).toBe(195);
    expect(new Set(names).size).toBe(195);
    for (const f of sprigFuncs) expect(f.sig, f.name).toMatch(/^func\(.*\)/);
    for (const removed of ['env', 'expandenv', 'getHostByName']) expect(names).not.toContain(removed);
    expect(names).toContain('hexdec');
  });

  it('marks the functions whose output changes between renders', () => {
    const nd = new Set(sprigFuncs.filter((f) => f.nondeterministic).map((f) => f.name));
    for (const n of ['now', 'date', 'dateInZone', 'htmlDate', 'ago', 'randAlphaNum', 'randInt', 'shuffle', 'uuidv4']) expect(nd, n).toContain(n);
    for (const n of ['toDate', 'upper', 'b64enc', 'toJson', 'semver']) expect(nd, n).not.toContain(n);
  });
});

describe('ESO template vectors (eso-semantics §4.4)', () => {
  it('T1/T9/T11: b64dec decodes, and returns Go\'s error text instead of failing', () => {
    expect(render('{{ .secret | b64dec }}', { secret: 'MTIzNA==' })).toBe('1234');
    expect(render('{{ "123412341234" | b64enc | b64dec }}')).toBe('123412341234');
    expect(render('{{ .example | b64dec }}', { example: 'iam_no_base64' })).toBe('illegal base64 data at input byte 3');
  });
  it('T2: fromJson gives a map whose fields the template can read', () => {
    expect(render('{{ $var := .secret | fromJson }}{{ $var.foo }}', { secret: '{"foo": "bar"}' })).toBe('bar');
  });
  it('T6/T8/T31/T34: ext, upper, toString, default', () => {
    expect(render('{{ .path | ext }}', { path: 'foo/bar/baz.exe' })).toBe('.exe');
    expect(render('{{ .value | upper }}', { value: 'username' })).toBe('USERNAME');
    expect(render('{{ .t | toString | upper }} was templated', { t: 'someValue' })).toBe('SOMEVALUE was templated');
    expect(render('{{ .a | default "x" }}', { a: '' })).toBe('x');
  });
  it('T32: regexReplaceAll expands $1-$2 as Go does', () => {
    expect(render('{{ regexReplaceAll "my/(.*?)/bar/(.*)" "my/app/bar/key" "$1-$2" | upper | replace "-" "_" }}')).toBe('APP_KEY');
  });
});

describe('details of sprig that change bytes', () => {
  it('contains/hasPrefix take the needle first; split returns a dict', () => {
    expect(render('{{ contains "b" "abc" }} {{ hasPrefix "a" "abc" }} {{ hasSuffix "x" "abc" }}')).toBe('true true false');
    expect(render('{{ $p := split "$" "a$b" }}{{ $p._0 }}-{{ $p._1 }} {{ split "," "x,y" }}')).toBe('a-b map[_0:x _1:y]');
  });
  it('toJson sorts keys and escapes <>&; toRawJson does not; toPrettyJson indents by two', () => {
    expect(render('{{ toJson (dict "b" "<&>" "a" 1) }}')).toBe('{"a":1,"b":"\\u003c\\u0026\\u003e"}');
    expect(render('{{ toRawJson (dict "b" "<&>") }}')).toBe('{"b":"<&>"}');
    expect(render('{{ toPrettyJson (dict "a" (list 1)) }}')).toBe('{\n  "a": [\n    1\n  ]\n}');
  });
  it('numbers from fromJson are float64 and print the Go way', () => {
    expect(render('{{ $j := .j | fromJson }}{{ $j.a }} {{ $j.b }} {{ $j.c }} {{ toJson $j.b }}', { j: '{"a":8080,"b":1234567,"c":0.00001}' })).toBe(
      '8080 1.234567e+06 1e-05 1234567',
    );
  });
  it('indent pads empty lines too; nindent starts with a newline', () => {
    expect(render('{{ indent 2 "a\\n\\nb" }}|{{ nindent 1 "x" }}')).toBe('  a\n  \n  b|\n x');
  });
  it('quote applies %q to each non-nil argument; squote wraps %v', () => {
    expect(render('{{ quote "a\\"b" 1 nil }} {{ squote "x" 2 }}')).toBe('"a\\"b" "1" \'x\' \'2\'');
  });
  it('case conversions follow xstrings 1.5 (camelcase is PascalCase)', () => {
    expect(render('{{ camelcase "http_server" }} {{ snakecase "HTTPServer" }} {{ kebabcase "myVar2Go" }}')).toBe('HttpServer http_server my-var2-go');
  });
  it('merge keeps destination values; mergeOverwrite replaces them', () => {
    expect(render('{{ merge (dict "a" 1 "b" "") (dict "a" 2 "b" 3 "c" 4) }}')).toBe('map[a:1 b:3 c:4]');
    expect(render('{{ mergeOverwrite (dict "a" 1) (dict "a" 2 "b" nil) }}')).toBe('map[a:2 b:<nil>]');
  });
  it('list functions on a non-list fail the way sprig panics', () => {
    expect(renderDetail('{{ first "abc" }}')).toBe('Cannot find first on type string');
    expect(renderDetail('{{ mustAppend 5 1 }}')).toBe('Cannot push on type int');
    // What a user sees: the function and the kind of failure, never the function's own text.
    expect(renderError('{{ first "abc" }}')).toMatch(/error calling first: wrong type of argument$/);
  });
  it('must* regex variants return compile errors; the others fail with MustCompile\'s panic text', () => {
    expect(renderDetail('{{ regexFind "(" "x" }}')).toContain('regexp: Compile(`(`): error parsing regexp: missing closing ): `(`');
    expect(renderDetail('{{ mustRegexFind "(" "x" }}')).toContain('error parsing regexp: missing closing )');
    expect(renderError('{{ mustRegexFind "(" "x" }}')).toMatch(/error calling mustRegexFind: invalid regular expression$/);
    expect(render('{{ regexMatch "(" "x" }}')).toBe('false');
  });
  it('integer maths is int64 (wrapping) and the float functions go through decimals', () => {
    expect(render('{{ add 9223372036854775807 1 }} {{ div 7 2 }} {{ addf 0.1 0.2 }} {{ divf 1 3 }}')).toBe('-9223372036854775808 3 0.3 0.3333333333333333');
    expect(renderDetail('{{ div 1 0 }}')).toContain('integer divide by zero');
    expect(renderError('{{ div 1 0 }}')).toMatch(/error calling div: division by zero$/);
  });
  it('dates format Go layouts in named zones; Local is UTC', () => {
    const t = '(toDate "2006-01-02 15:04" "2021-07-01 12:00")';
    expect(render(`{{ ${t} | date "Mon Jan _2 15:04:05 MST 2006" }}`)).toBe('Thu Jul  1 12:00:00 UTC 2021');
    expect(render(`{{ dateInZone "15:04 MST -07:00" ${t} "America/New_York" }}`)).toBe('08:00 EDT -04:00');
    expect(render('{{ duration "3661" }} {{ durationRound "49h" }}')).toBe('1h1m1s 2d');
  });
  it('fail stops the template with the given message', () => {
    expect(renderError('{{ fail "stop here" }}')).toContain('error calling fail: stop here');
  });
});

describe('Go-compatibility helpers', () => {
  it('strconv and spf13/cast conversions', () => {
    expect(parseInt64('0x1F', 0)).toBe(31n);
    expect(parseInt64('1_000', 0)).toBe(1000n);
    expect(parseInt64('08', 0)).toBeUndefined();
    expect(parseFloat64('1e3')).toBe(1000);
    expect(parseFloat64('0x1p-2')).toBe(0.25);
    expect(parseFloat64('1e400')).toBeUndefined();
    expect(castToInt64('12.50')).toBe(12n);
    expect(castToInt64(1e20)).toBe(-(1n << 63n));
    expect(castToFloat64('abc')).toBe(0);
  });
  it('encodings report errors with Go\'s byte offsets', () => {
    expect(base64Decode('aGVsbG8=')).toBe('hello');
    expect(() => base64Decode('ab=c')).toThrow('illegal base64 data at input byte 2');
    expect(base32Decode('NBSWY3DP')).toBe('hello');
    expect(() => hexDecode('4x')).toThrow("encoding/hex: invalid byte: U+0078 'x'");
    expect(() => hexDecode('abc')).toThrow('encoding/hex: odd length hex string');
  });
  it('path.Clean', () => {
    expect(pathClean('x//y/../z')).toBe('x/z');
    expect(pathClean('/../a/./b/')).toBe('/a/b');
    expect(pathClean('../../a')).toBe('../../a');
  });
  it('time layouts, parsing and durations', () => {
    const t = parseTime('2006-01-02T15:04:05.999Z07:00', '2021-03-04T05:06:07.5+02:00');
    expect(formatTime(t.in(UTC), '2006-01-02 15:04:05.000 MST')).toBe('2021-03-04 03:06:07.500 UTC');
    expect(() => parseTime('2006-01-02', '2020-02-30')).toThrow('parsing time "2020-02-30": day out of range');
    expect(parseDuration('1h2m3.5s')).toBe(3_723_500_000_000n);
    expect(() => parseDuration('3d')).toThrow('time: unknown unit "d" in duration "3d"');
    expect(durationString(1_500_000n)).toBe('1.5ms');
    expect(GoTime.zero().goString()).toBe('0001-01-01 00:00:00 +0000 UTC');
  });
  it('semver constraints', () => {
    expect(semverCompare('^1.2.0', '1.9.0')).toBe(true);
    expect(semverCompare('~1.2.0', '1.3.0')).toBe(false);
    expect(semverCompare('>=1.2.3', '1.2.4-beta')).toBe(false);
    expect(semverCompare('>=1.2.3-0', '1.2.4-beta')).toBe(true);
    expect(SemVersion.parse('v01.2').toString()).toBe('1.2.0');
  });
  it('net/url round trip', () => {
    const u = parseURL('https://u:p%40ss@h.io:8443/a%20b?x=1#f');
    expect(u.path).toBe('/a b');
    expect(urlString(u)).toBe('https://u:p%40ss@h.io:8443/a%20b?x=1#f');
  });
  it('xstrings word cases', () => {
    expect(toPascalCase('GOLANG_IS_GREAT')).toBe('GolangIsGreat');
    expect(camelCaseToLowerCase('Bld4Floor3rd', 0x5f)).toBe('bld4_floor_3rd');
  });
});
