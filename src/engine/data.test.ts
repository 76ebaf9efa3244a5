import { describe, expect, it } from 'vitest';
import { decode } from './decode.js';
import { parseKeysAndValues, formatFloat32G } from './keys-and-values.js';
import { dataHash, createdByHash } from './hash.js';

const b = (s: string) => Buffer.from(s);

describe('decoding strategies (Go base64 rules)', () => {
  it('Base64 needs padding and the standard alphabet', () => {
    expect(Buffer.from(decode('Base64', b('SGVsbG8='))).toString()).toBe('Hello');
    expect(() => decode('Base64', b('SGVsbG8'))).toThrow();
    expect(() => decode('Base64', b('Zm9vJV8_YmFy'))).toThrow();
    expect(Buffer.from(decode('Base64URL', b('Zm9vJV8_YmFy'))).toString()).toBe('foo%_?bar');
  });
  it('Auto decodes anything that looks like base64, else passes through', () => {
    expect(Buffer.from(decode('Auto', b('test'))).toString('hex')).toBe('b5eb2d');
    expect(Buffer.from(decode('Auto', b('not base64!'))).toString()).toBe('not base64!');
  });
});

describe('KeysAndValues output is read as YAML 1.1 into strings', () => {
  it.each([
    ['a: yes', 'true'], ['a: Off', 'false'], ['a: 0777', '511'], ['a: 0x1F', '31'], ['a: 1_000', '1000'],
    ['a: 1.10', '1.1'], ['a: 3.14159265358979', '3.1415927'], ['a: 1e6', '1e+06'], ['a: ~', ''], ['a: null', ''],
    ['a:', ''], ['a: 2024-01-01', '2024-01-01'], ['a: "yes"', 'yes'], ['a: plain text', 'plain text'],
  ])('%s → %s', (text, want) => expect(parseKeysAndValues(text).get('a')).toBe(want));
  it('nested values are an error; empty output is no keys', () => {
    expect(() => parseKeysAndValues('a: {b: c}')).toThrow(/could not unmarshal/);
    expect(parseKeysAndValues('  \n').size).toBe(0);
  });
  it('float32 shortest formatting', () => {
    expect(formatFloat32G(123456)).toBe('123456');
    expect(formatFloat32G(0.00001)).toBe('1e-05');
  });
});

describe('ESO hashes', () => {
  it('data-hash matches ESO (runtime/esutils TestObjectHash) and the empty map', () => {
    expect(dataHash(new Map([['foo', b('value1')], ['bar', b('value2')]]))).toBe('1bed8bcbcb4547ffe19a19cd47d9078e84aa6598266d86b99f992d64');
    expect(dataHash(new Map())).toBe('74a974446e359fb3e6baff9bd0058950e6edd0f040888d9989b0a11b');
  });
  it('created-by is the hash of namespace/name', () => {
    expect(createdByHash('default', 'v01-simple')).toBe('c73a1291d7607d4b1d1f89ab4e5d86089b1fd58525f01ed7af66e20b');
  });
});
