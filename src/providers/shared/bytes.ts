// Byte helpers. Provider values are bytes (Go []byte); inside parsers we use "binary strings"
// (one char per byte) so that no invalid UTF-8 is ever lost.

export function toBin(v: Uint8Array | string): string {
  const b = typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return b.toString('latin1');
}

export function fromBin(s: string): Uint8Array {
  return Buffer.from(s, 'latin1');
}

export function utf8(s: string): Uint8Array {
  return Buffer.from(s, 'utf8');
}

export function bytesToString(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('utf8');
}

/** UTF-8 encode one code point into a binary string. */
export function codePointToBin(cp: number): string {
  return Buffer.from(String.fromCodePoint(cp), 'utf8').toString('latin1');
}
