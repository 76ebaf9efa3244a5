// How the AWS providers read `property` (eso-semantics §3.2): a dotted property is first tried as one
// literal key (`a.b` → `a\.b`), then as a gjson path. Works on any bytes (SecretBinary as text too).

import { escapeDots, gjsonGet, type GjsonResult } from '../shared/gjson.js';

export function awsProperty(payload: Uint8Array, property: string): GjsonResult {
  if (property.includes('.')) {
    const literal = gjsonGet(payload, escapeDots(property));
    if (literal.exists) return literal;
  }
  return gjsonGet(payload, property);
}
