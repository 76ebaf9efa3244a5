// The canary detector shared by the canary tests: unique values (`CANARY-<tag>-<random>`) and a scan
// that finds one in any letter case, as hex, as a digest (md5, sha1, sha256, sha512; hex and base64),
// as base64 at any offset of a longer encoded text, percent-encoded, or by its random tail alone.
// One registry per test file (module state): every canary() made in that file is looked for.

import { createHash, randomBytes } from 'node:crypto';

export const RAND = randomBytes(6).toString('hex');
export const ALL: string[] = [];
export function canary(tag: string): string {
  const c = `CANARY-${tag}-${RAND}`;
  ALL.push(c);
  return c;
}

/** The base64 of `b` as it appears at any offset inside a longer encoded text: the quanta that hold only `b`'s bytes. */
function base64Cores(b: Buffer): string[] {
  const out: string[] = [];
  for (let k = 0; k < 3; k++) {
    const enc = Buffer.concat([Buffer.alloc(k, 0x20), b]).toString('base64');
    // Quanta touching the prefix (k > 0: the first) or the unknown suffix (the last) are dropped.
    const core = enc.slice(k ? 4 : 0, -4);
    out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return out;
}

/** Every form a canary must not appear in, beside itself: hex, digests (hex and base64), base64 at any offset, percent-encoding. */
const FORMS = new Map<string, { canary: string; form: string }[]>();
export function formsOf(c: string): { canary: string; form: string }[] {
  let f = FORMS.get(c);
  if (f) return f;
  const b = Buffer.from(c);
  const list: [string, string][] = [['hex', b.toString('hex')]];
  for (const alg of ['md5', 'sha1', 'sha256', 'sha512']) {
    const d = createHash(alg).update(b).digest();
    list.push([`${alg} hex`, d.toString('hex')], [`${alg} base64`, d.toString('base64')], [`${alg} base64url`, d.toString('base64url')]);
  }
  for (const core of base64Cores(b)) list.push(['base64', core]);
  list.push(['percent-encoded', [...b].map((x) => `%${x.toString(16).padStart(2, '0')}`).join('')]);
  f = list.map(([form, text]) => ({ canary: c, form: `${form}:${text}` }));
  FORMS.set(c, f);
  return f;
}

/** Canaries found in `text`: in any letter case, hex, digests, base64 at any offset, percent-encoded, or by their random tail alone. */
export function leaks(text: string): string[] {
  const lower = text.toLowerCase();
  const found = new Set<string>();
  if (lower.includes(RAND)) {
    for (const c of ALL) if (lower.includes(c.toLowerCase())) found.add(c);
    if (found.size === 0) found.add(`…${RAND} (part of a canary)`);
  }
  for (const c of ALL) {
    for (const { form } of formsOf(c)) {
      const [kind, enc] = [form.slice(0, form.indexOf(':')), form.slice(form.indexOf(':') + 1)];
      // Hex and percent-encoding in either letter case; base64 and digests exactly.
      const hit = kind === 'hex' || kind.endsWith(' hex') || kind === 'percent-encoded' ? lower.includes(enc.toLowerCase()) : text.includes(enc);
      if (hit) found.add(`${c} (${kind})`);
    }
  }
  return [...found];
}

