// ESO's key conversion and validation for extract/find/generator output (eso-semantics §3.4, §3.6).

const ALLOWED = /^[\p{L}\p{N}\-._]$/u;

/** esutils.ConvertKeys: Default → `_`, Unicode → `_U%04x_`; collisions are an error. */
export function convertKeys(data: Map<string, Uint8Array>, strategy: string | undefined): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [k, v] of data) {
    const nk = convertKey(k, strategy);
    if (out.has(nk)) throw new Error(`secret name collision during conversion: ${nk}`);
    out.set(nk, v);
  }
  return out;
}

export function convertKey(key: string, strategy: string | undefined): string {
  let out = '';
  for (const ch of key) {
    if (ALLOWED.test(ch)) out += ch;
    else if (strategy === 'Unicode') out += `_U${ch.codePointAt(0)!.toString(16).padStart(4, '0')}_`;
    else out += '_';
  }
  return out;
}

/** esutils.ValidateKeys: drops empty keys, rejects bad characters and keys over 253 bytes. */
export function validateKeys(data: Map<string, Uint8Array>): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [k, v] of data) {
    if (k === '') continue;
    const len = Buffer.byteLength(k, 'utf8');
    if (len > 253) throw new Error(`key has length ${len} but max is 253: ${k.slice(0, 40)}…`);
    for (const ch of k) {
      if (!ALLOWED.test(ch)) {
        throw new Error(`key has invalid character ${ch}, only alphanumeric, '-', '.' and '_' are allowed: ${k}`);
      }
    }
    out.set(k, v);
  }
  return out;
}
