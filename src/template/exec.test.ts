// Function signatures as the executor reads them, and Go's argument conversion rules at call time.
import { describe, expect, it } from 'vitest';
import { parseSig } from './exec.js';
import { defaultTemplateOptions, executeTemplate } from './index.js';

describe('parseSig', () => {
  it('reads the forms used in the function tables', () => {
    expect(parseSig('func(string) string')).toEqual({ params: ['string'], variadic: null, result: 'string', returnsError: false });
    expect(parseSig('func(int, string) string').params).toEqual(['int', 'string']);
    expect(parseSig('func(...interface{}) string')).toMatchObject({ params: [], variadic: 'interface {}' });
    expect(parseSig('func(string, interface{}) (interface{}, error)')).toMatchObject({
      params: ['string', 'interface {}'],
      result: 'interface {}',
      returnsError: true,
    });
    expect(parseSig('func(format string, a ...any) string')).toMatchObject({ params: ['string'], variadic: 'interface {}' });
    expect(parseSig('func(a, b string, n int) []string')).toMatchObject({ params: ['string', 'string', 'int'], result: '[]string' });
    expect(parseSig('func(map[string]interface {}, ...map[string]interface {}) interface {}').params).toEqual(['map[string]interface {}']);
    expect(parseSig('func([]byte) error')).toMatchObject({ params: ['[]uint8'], result: null, returnsError: true });
  });
});

describe('calls', () => {
  const run = (t: string) => Buffer.from(executeTemplate('k', t, new Map(), defaultTemplateOptions)).toString();
  it('converts untyped constants to the parameter type and tags results with the result type', () => {
    expect(run('{{ printf "%T %T %T" (atoi "3") (int64 3) (add 1 2) }}')).toBe('int int64 int64');
    expect(run('{{ printf "%T" (splitList "," "a,b") }}')).toBe('[]string');
  });
  it('a function error becomes "error calling NAME"', () => {
    expect(() => run('{{ fail "boom" }}')).toThrow('error calling fail: boom');
  });
});
