// ESO's decoding strategies (runtime/decoding): Go's base64 encodings are strict about padding and
// alphabet, which Buffer.from(…, 'base64') is not, so the checks are explicit here.

import type { DecodingStrategy } from '../eso/model.js';

const STD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL = /^[A-Za-z0-9\-_]*={0,2}$/;

function strictDecode(input: Uint8Array, alphabet: RegExp, encoding: 'base64' | 'base64url'): Uint8Array | undefined {
  // Go's decoder skips \r and \n.
  const s = Buffer.from(input).toString('latin1').replace(/[\r\n]/g, '');
  if (s.length % 4 !== 0 || !alphabet.test(s)) return undefined;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  if (s.slice(0, s.length - pad).includes('=')) return undefined;
  const out = Buffer.from(s, encoding === 'base64' ? 'base64' : 'base64url');
  // Reject non-canonical trailing bits, as Go's strict decoder would not (it accepts them): keep Go's leniency.
  return new Uint8Array(out);
}

export class DecodeError extends Error {}

export function decode(strategy: DecodingStrategy | undefined, value: Uint8Array): Uint8Array {
  switch (strategy ?? 'None') {
    case 'None':
      return value;
    case 'Base64': {
      const d = strictDecode(value, STD, 'base64');
      if (!d) throw new DecodeError('illegal base64 data');
      return d;
    }
    case 'Base64URL': {
      const d = strictDecode(value, URL, 'base64url');
      if (!d) throw new DecodeError('illegal base64 data');
      return d;
    }
    case 'Auto':
      return strictDecode(value, STD, 'base64') ?? strictDecode(value, URL, 'base64url') ?? value;
    default:
      throw new DecodeError(`decoding strategy ${String(strategy)} is not supported`);
  }
}

export function decodeMap(strategy: DecodingStrategy | undefined, data: Map<string, Uint8Array>): Map<string, Uint8Array> {
  if ((strategy ?? 'None') === 'None') return data;
  const out = new Map<string, Uint8Array>();
  for (const [k, v] of data) {
    try {
      out.set(k, decode(strategy, v));
    } catch (e) {
      throw new DecodeError(`error decoding key ${k}: ${(e as Error).message}`);
    }
  }
  return out;
}

export function hasNullByte(v: Uint8Array): boolean {
  return v.includes(0);
}
