// Go's fmt and strconv formatting; expected strings were produced by Go 1.19 (fmt.Sprint,
// strconv.FormatFloat, fmt.Sprintf, strconv.Quote) for the same inputs.
import { describe, expect, it } from 'vitest';
import { formatFloat, quote, sprint, sprintf, sprintln } from './fmt.js';
import { GoInt, typedSlice, utf8ToBin } from './values.js';

// [value, Sprint, 'e' 3, 'f' 2, 'g' 4, 'f' -1, 'e' -1, 'x' -1]
const floats: [number, ...string[]][] = [
  [0, '0', '0.000e+00', '0.00', '0', '0', '0e+00', '0x0p+00'],
  [1, '1', '1.000e+00', '1.00', '1', '1', '1e+00', '0x1p+00'],
  [-1, '-1', '-1.000e+00', '-1.00', '-1', '-1', '-1e+00', '-0x1p+00'],
  [0.1, '0.1', '1.000e-01', '0.10', '0.1', '0.1', '1e-01', '0x1.999999999999ap-04'],
  [1234567, '1.234567e+06', '1.235e+06', '1234567.00', '1.235e+06', '1234567', '1.234567e+06', '0x1.2d687p+20'],
  [123456, '123456', '1.235e+05', '123456.00', '1.235e+05', '123456', '1.23456e+05', '0x1.e24p+16'],
  [1e21, '1e+21', '1.000e+21', '1000000000000000000000.00', '1e+21', '1000000000000000000000', '1e+21', '0x1.b1ae4d6e2ef5p+69'],
  [1e-5, '1e-05', '1.000e-05', '0.00', '1e-05', '0.00001', '1e-05', '0x1.4f8b588e368f1p-17'],
  [0.0001, '0.0001', '1.000e-04', '0.00', '0.0001', '0.0001', '1e-04', '0x1.a36e2eb1c432dp-14'],
  [2.5, '2.5', '2.500e+00', '2.50', '2.5', '2.5', '2.5e+00', '0x1.4p+01'],
  [1.005, '1.005', '1.005e+00', '1.00', '1.005', '1.005', '1.005e+00', '0x1.0147ae147ae14p+00'],
  [5e-324, '5e-324', '4.941e-324', '0.00', '4.941e-324', '0.' + '0'.repeat(323) + '5', '5e-324', '0x1p-1074'],
  [100, '100', '1.000e+02', '100.00', '100', '100', '1e+02', '0x1.9p+06'],
  [0.000123456, '0.000123456', '1.235e-04', '0.00', '0.0001235', '0.000123456', '1.23456e-04', '0x1.02e7ef70994ddp-13'],
];

describe('float formatting', () => {
  for (const [v, pv, e3, f2, g4, f, e, x] of floats) {
    it(`formats ${v} as Go does`, () => {
      expect(sprint(v)).toBe(pv);
      expect(formatFloat(v, 'e', 3)).toBe(e3);
      expect(formatFloat(v, 'f', 2)).toBe(f2);
      expect(formatFloat(v, 'g', 4)).toBe(g4);
      expect(formatFloat(v, 'f', -1)).toBe(f);
      expect(formatFloat(v, 'e', -1)).toBe(e);
      expect(formatFloat(v, 'x', -1)).toBe(x);
    });
  }
  it('rounds exact halves to even', () => {
    expect(sprintf('%.0f %.0f %.0f %.1f', 0.5, 1.5, 2.5, 0.25)).toBe('0 2 2 0.2');
  });
});

describe('Sprintf', () => {
  it('handles verbs, flags, width and precision', () => {
    const out = sprintf(
      '%5.2f|%-8.3e|%+g|% d|%08.3f|%x|%X|%o|%b|%c|%U|%q|%t|%T',
      3.14159,
      1234.5,
      2.0,
      7n,
      -3.5,
      255n,
      'hi',
      8n,
      5n,
      0x263an,
      0x263an,
      utf8ToBin('é\x01'),
      true,
      1.5,
    );
    expect(out).toBe(utf8ToBin(' 3.14|1.234e+03|+2| 7|-003.500|ff|6869|10|101|☺|U+263A|"é\\x01"|true|float64'));
  });
  it('reports bad verbs and missing arguments in the output, as Go does', () => {
    expect(sprintf('%d %s %!', 'x', 5n)).toBe('%!d(string=x) %!s(int=5) %!!(MISSING)');
    expect(sprintf('%d', 1n, 'extra')).toBe('1%!(EXTRA string=extra)');
  });
  it('prints other int kinds and typed slices', () => {
    expect(sprintf('%v %T %T', new GoInt('int64', -3n), new GoInt('uint8', 1n), typedSlice(['a'], 'string'))).toBe(
      '-3 uint8 []string',
    );
  });
});

describe('Sprint and Sprintln', () => {
  it('adds spaces only between non-string operands', () => {
    const m = new Map<string, unknown>([
      ['b', 1n],
      ['a', []],
    ]);
    expect(sprint('a', 1n, 2n, 'b', null, [1n, 'x'], m as never)).toBe('a1 2b<nil> [1 x] map[a:[] b:1]');
    expect(sprintln('a', 1n, null)).toBe('a 1 <nil>\n');
  });
});

describe('strconv.Quote', () => {
  it('escapes like Go, keeping printable Unicode and hex-escaping invalid bytes', () => {
    const s = utf8ToBin('a"b\\c\n\t\x00\x7fé\u2028😀') + '\xff';
    expect(quote(s)).toBe(utf8ToBin('"a\\"b\\\\c\\n\\t\\x00\\x7fé\\u2028😀\\xff"'));
    expect(quote(utf8ToBin('é😀'), true)).toBe('"\\u00e9\\U0001f600"');
  });
});
