// Brute force of a 4-digit PIN against every digest-like string of a rendered output (issue 14): what an
// Argo CD user who sees the manifests unmasked (annotations, labels, pod templates) could try offline.
// Every PIN is hashed the ways a renderer might have hashed it (the PIN itself, ESO's data-hash input of
// the maps that hold it, PIN-bearing JSON, the rollout checksum lines over unkeyed data hashes), with every
// common hash (MD5, SHA-1, SHA-2, SHA-3, FNV-1/1a 32/64 as Go's hash/fnv computes them), and each digest
// is looked for, as hex or base64 (whole, or cut to its first or last 12 characters or more), in the
// strings of the output.
import { createHash } from 'node:crypto';

const HASHES = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512', 'sha3-224', 'sha3-256', 'sha3-384', 'sha3-512'];

/** Go's hash/fnv: FNV-1 (multiply, then xor) or FNV-1a (xor, then multiply), big-endian sums. */
function fnv(bytes: Uint8Array, bits: 32 | 64, a: boolean): Buffer {
  if (bits === 32) {
    let h = 0x811c9dc5;
    for (const b of bytes) h = a ? Math.imul(h ^ b, 0x01000193) >>> 0 : (Math.imul(h, 0x01000193) ^ b) >>> 0;
    const out = Buffer.alloc(4);
    out.writeUInt32BE(h >>> 0);
    return out;
  }
  // 64 bits as two 32-bit halves; the prime is 2^40 + 0x1b3.
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  const mul = () => {
    const loMul = lo * 0x1b3;
    const carry = Math.floor(loMul / 0x100000000);
    const newHi = (hi * 0x1b3 + carry + ((lo << 8) >>> 0)) % 0x100000000;
    lo = loMul >>> 0;
    hi = newHi >>> 0;
  };
  for (const b of bytes) {
    if (a) {
      lo = (lo ^ b) >>> 0;
      mul();
    } else {
      mul();
      lo = (lo ^ b) >>> 0;
    }
  }
  const out = Buffer.alloc(8);
  out.writeUInt32BE(hi, 0);
  out.writeUInt32BE(lo, 4);
  return out;
}

/** Every digest of `input` this scan knows. */
export function digestsOf(input: string | Uint8Array): Buffer[] {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : Buffer.from(input);
  const out = HASHES.map((h) => createHash(h).update(bytes).digest());
  for (const bits of [32, 64] as const) for (const a of [false, true]) out.push(fnv(bytes, bits, a));
  return out;
}

/** ESO's ObjectHash input for a map[string][]byte (`map[k:[1 2 3]]`, keys in byte order). */
export function esoMapInput(data: Record<string, string>): string {
  const keys = Object.keys(data).sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  return `map[${keys.map((k) => `${k}:[${[...Buffer.from(data[k]!, 'utf8')].join(' ')}]`).join(' ')}]`;
}

const WINDOW = 12;
/** FNV-32 is 8 hex characters: short digests are looked for whole. */
const SHORT = 8;

/** Every 8- and 12-character window of the strings of a text that look like digests (hex, base64, base64url runs). */
export function digestLikeWindows(text: string): Set<string> {
  const windows = new Set<string>();
  for (const m of text.matchAll(/[A-Za-z0-9+/_=-]{8,}/g)) {
    const run = m[0];
    for (const form of [run, run.toLowerCase()]) {
      for (const w of [SHORT, WINDOW]) for (let i = 0; i + w <= form.length; i++) windows.add(form.slice(i, i + w));
    }
  }
  return windows;
}

function encodings(d: Buffer): string[] {
  return [d.toString('hex'), d.toString('base64'), d.toString('base64url')];
}

/**
 * For each named output (its windows), the PINs (0000–9999) some digest of which occurs in it. One pass
 * over the PINs serves every output. `inputsFor` lists what a renderer might have hashed for one PIN
 * besides the PIN itself, its one-key ESO map and PIN-bearing JSON, which are always tried.
 */
export function recoverPins(outputs: Record<string, Set<string>>, inputsFor: (pin: string) => string[]): Record<string, string[]> {
  const names = Object.keys(outputs);
  const found: Record<string, string[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let n = 0; n < 10_000; n++) {
    const pin = String(n).padStart(4, '0');
    const inputs = [pin, esoMapInput({ pin }), `{"pin":"${pin}"}`, `{"pin":${n}}`, ...inputsFor(pin)];
    const keys: string[] = [];
    for (const input of inputs) {
      for (const d of digestsOf(input)) {
        for (const e of encodings(d)) {
          // The digest whole, or a prefix or suffix of it of 12+ characters.
          if (e.length <= WINDOW) keys.push(e);
          else keys.push(e.slice(0, WINDOW), e.slice(-WINDOW), e.replace(/=+$/, '').slice(-WINDOW));
        }
      }
    }
    for (const name of names) if (keys.some((k) => outputs[name]!.has(k))) found[name]!.push(pin);
  }
  return found;
}
