// Sprig's paths, encodings, semver, URL, uuid and fail functions. b64dec/b32dec/hexdec never fail:
// on bad input they return Go's error text (with Go's byte offsets) as the value.

import { randomUUID } from 'node:crypto';
import { goKindName, runeToBin, type Value } from '../values.js';
import { NIL_DEREF } from './sprig-reflect.js';
import { SemVersion, semverCompare } from './sprig-semver.js';
import type { FuncEntry } from './sprig-types.js';
import { isPrint } from './sprig-unicode.js';
import { hostname, parseURL, urlString, userinfoString, type GoURL } from './sprig-url.js';

// ---- paths (path and path/filepath are the same on Linux) -----------------------------------------

export function pathClean(p: string): string {
  if (p === '') return '.';
  const rooted = p[0] === '/';
  const n = p.length;
  // Go's lazybuf: buf[0:w] is the output so far.
  const buf: string[] = [];
  let w = 0;
  const put = (c: string): void => {
    buf[w++] = c;
  };
  let r = 0;
  let dotdot = 0;
  if (rooted) {
    put('/');
    r = dotdot = 1;
  }
  while (r < n) {
    if (p[r] === '/') r++;
    else if (p[r] === '.' && (r + 1 === n || p[r + 1] === '/')) r++;
    else if (p[r] === '.' && p[r + 1] === '.' && (r + 2 === n || p[r + 2] === '/')) {
      r += 2;
      if (w > dotdot) {
        w--;
        while (w > dotdot && buf[w] !== '/') w--;
      } else if (!rooted) {
        if (w > 0) put('/');
        put('.');
        put('.');
        dotdot = w;
      }
    } else {
      if ((rooted && w !== 1) || (!rooted && w !== 0)) put('/');
      for (; r < n && p[r] !== '/'; r++) put(p[r]!);
    }
  }
  return w === 0 ? '.' : buf.slice(0, w).join('');
}

function pathBase(p: string): string {
  if (p === '') return '.';
  p = p.replace(/\/+$/, '');
  const i = p.lastIndexOf('/');
  if (i >= 0) p = p.slice(i + 1);
  return p === '' ? '/' : p;
}

const pathDir = (p: string): string => pathClean(p.slice(0, p.lastIndexOf('/') + 1));

function pathExt(p: string): string {
  for (let i = p.length - 1; i >= 0 && p[i] !== '/'; i--) if (p[i] === '.') return p.slice(i);
  return '';
}

// ---- encodings ----------------------------------------------------------------------------------------

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const B32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

const corrupt = (n: number): Error => new Error(`illegal base64 data at input byte ${n}`);

/** base64.StdEncoding.DecodeString, quantum by quantum as Go decodes (\r and \n are skipped). */
export function base64Decode(src: string): string {
  let out = '';
  let si = 0;
  while (si < src.length) {
    const dbuf = [0, 0, 0, 0];
    let dlen = 4;
    let j = 0;
    let trailing: Error | undefined;
    for (; j < 4; j++) {
      if (si === src.length) {
        if (j === 0) return out;
        throw corrupt(si - j);
      }
      const ch = src[si]!;
      si++;
      const d = B64.indexOf(ch);
      if (d >= 0) {
        dbuf[j] = d;
        continue;
      }
      if (ch === '\n' || ch === '\r') {
        j--;
        continue;
      }
      if (ch !== '=') throw corrupt(si - 1);
      if (j === 0 || j === 1) throw corrupt(si - 1);
      if (j === 2) {
        while (si < src.length && (src[si] === '\n' || src[si] === '\r')) si++;
        if (si === src.length) throw corrupt(src.length);
        if (src[si] !== '=') throw corrupt(si - 1);
        si++;
      }
      while (si < src.length && (src[si] === '\n' || src[si] === '\r')) si++;
      if (si < src.length) trailing = corrupt(si);
      dlen = j;
      break;
    }
    const val = (dbuf[0]! << 18) | (dbuf[1]! << 12) | (dbuf[2]! << 6) | dbuf[3]!;
    const bytes = [(val >> 16) & 0xff, (val >> 8) & 0xff, val & 0xff];
    out += String.fromCharCode(...bytes.slice(0, dlen - 1));
    if (trailing) throw trailing;
  }
  return out;
}

/** base32.StdEncoding.DecodeString (newlines are stripped first, so offsets count without them). */
export function base32Decode(s: string): string {
  const src = s.replace(/[\r\n]/g, '');
  const olen = src.length;
  const err = (n: number): Error => new Error(`illegal base32 data at input byte ${n}`);
  let out = '';
  let pos = 0;
  let end = false;
  while (pos < src.length && !end) {
    const dbuf = new Array<number>(8).fill(0);
    let dlen = 8;
    for (let j = 0; j < 8; ) {
      if (pos >= src.length) throw err(olen - (src.length - pos) - j);
      const ch = src[pos]!;
      pos++;
      const left = src.length - pos;
      if (ch === '=' && j >= 2 && left < 8) {
        if (left + j < 7) throw err(olen);
        for (let k = 0; k < 7 - j; k++) if (left > k && src[pos + k] !== '=') throw err(olen - left + k - 1);
        dlen = j;
        end = true;
        if (dlen === 1 || dlen === 3 || dlen === 6) throw err(olen - left - 1);
        break;
      }
      const d = B32.indexOf(ch);
      if (d < 0) throw err(olen - left - 1);
      dbuf[j] = d;
      j++;
    }
    const b = [
      (dbuf[0]! << 3) | (dbuf[1]! >> 2),
      ((dbuf[1]! << 6) | (dbuf[2]! << 1) | (dbuf[3]! >> 4)) & 0xff,
      ((dbuf[3]! << 4) | (dbuf[4]! >> 1)) & 0xff,
      ((dbuf[4]! << 7) | (dbuf[5]! << 2) | (dbuf[6]! >> 3)) & 0xff,
      ((dbuf[6]! << 5) | dbuf[7]!) & 0xff,
    ];
    const n = { 8: 5, 7: 4, 5: 3, 4: 2, 2: 1 }[dlen] ?? 0;
    out += String.fromCharCode(...b.slice(0, n).map((x) => x & 0xff));
  }
  return out;
}

function base32Encode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i += 5) {
    const chunk = [...s.slice(i, i + 5)].map((c) => c.charCodeAt(0));
    let bits = 0n;
    for (let k = 0; k < 5; k++) bits = (bits << 8n) | BigInt(chunk[k] ?? 0);
    const chars = Math.ceil((chunk.length * 8) / 5);
    for (let k = 0; k < 8; k++) out += k < chars ? B32[Number((bits >> BigInt(35 - 5 * k)) & 31n)] : '=';
  }
  return out;
}

/** fmt's %#U for one byte read as a rune: U+0067 'g'. */
function hashU(b: number): string {
  const u = 'U+' + b.toString(16).toUpperCase().padStart(4, '0');
  return isPrint(b) ? `${u} '${runeToBin(b)}'` : u;
}

/** hex.DecodeString. */
export function hexDecode(s: string): string {
  const val = (c: string): number => (/^[0-9a-fA-F]$/.test(c) ? parseInt(c, 16) : -1);
  const bad = (c: string): Error => new Error(`encoding/hex: invalid byte: ${hashU(c.charCodeAt(0))}`);
  let out = '';
  let j = 1;
  for (; j < s.length; j += 2) {
    const a = val(s[j - 1]!);
    const b = val(s[j]!);
    if (a < 0) throw bad(s[j - 1]!);
    if (b < 0) throw bad(s[j]!);
    out += String.fromCharCode((a << 4) | b);
  }
  if (s.length % 2 === 1) {
    if (val(s[j - 1]!) < 0) throw bad(s[j - 1]!);
    throw new Error('encoding/hex: odd length hex string');
  }
  return out;
}

const errorText = (f: (s: string) => string) => (s: string) => {
  try {
    return f(s);
  } catch (e) {
    return (e as Error).message;
  }
};

// ---- urls ---------------------------------------------------------------------------------------------

function urlParse(v: string): Map<string, Value> {
  let u: GoURL;
  try {
    u = parseURL(v);
  } catch (e) {
    throw new Error(`unable to parse url: ${(e as Error).message}`);
  }
  return new Map<string, Value>([
    ['scheme', u.scheme],
    ['host', u.host],
    ['hostname', hostname(u)],
    ['path', u.path],
    ['query', u.rawQuery],
    ['opaque', u.opaque],
    ['fragment', u.fragment],
    ['userinfo', u.user ? userinfoString(u.user) : ''],
  ]);
}

function dictGetOrEmpty(d: Map<string, Value>, key: string): string {
  if (!d.has(key)) return '';
  const v = d.get(key)!;
  if (v === null) throw new Error(NIL_DEREF);
  if (typeof v !== 'string') throw new Error(`unable to parse ${key} key, must be of type string, but ${goKindName(v)} found`);
  return v;
}

function urlJoin(d: Map<string, Value>): string {
  const u: GoURL = {
    scheme: dictGetOrEmpty(d, 'scheme'),
    host: dictGetOrEmpty(d, 'host'),
    path: dictGetOrEmpty(d, 'path'),
    rawQuery: dictGetOrEmpty(d, 'query'),
    opaque: dictGetOrEmpty(d, 'opaque'),
    fragment: dictGetOrEmpty(d, 'fragment'),
    rawPath: '',
    rawFragment: '',
    omitHost: false,
    forceQuery: false,
  };
  const userinfo = dictGetOrEmpty(d, 'userinfo');
  if (userinfo !== '') {
    try {
      u.user = parseURL(`proto://${userinfo}@host`).user;
    } catch (e) {
      throw new Error(`unable to parse userinfo in dict: ${(e as Error).message}`);
    }
  }
  return urlString(u);
}

export const miscFuncs: FuncEntry[] = [
  { name: 'base', sig: 'func(string) string', fn: pathBase },
  { name: 'dir', sig: 'func(string) string', fn: pathDir },
  { name: 'clean', sig: 'func(string) string', fn: pathClean },
  { name: 'ext', sig: 'func(string) string', fn: pathExt },
  { name: 'isAbs', sig: 'func(string) bool', fn: (p: string) => p.startsWith('/') },
  { name: 'osBase', sig: 'func(string) string', fn: pathBase },
  { name: 'osClean', sig: 'func(string) string', fn: pathClean },
  { name: 'osDir', sig: 'func(string) string', fn: pathDir },
  { name: 'osExt', sig: 'func(string) string', fn: pathExt },
  { name: 'osIsAbs', sig: 'func(string) bool', fn: (p: string) => p.startsWith('/') },
  { name: 'b64enc', sig: 'func(string) string', fn: (s: string) => Buffer.from(s, 'latin1').toString('base64') },
  { name: 'b64dec', sig: 'func(string) string', fn: errorText(base64Decode) },
  { name: 'b32enc', sig: 'func(string) string', fn: base32Encode },
  { name: 'b32dec', sig: 'func(string) string', fn: errorText(base32Decode) },
  { name: 'hexdec', sig: 'func(string) string', fn: errorText(hexDecode) },
  { name: 'uuidv4', sig: 'func() string', fn: () => randomUUID(), nondeterministic: true },
  {
    name: 'semver',
    sig: 'func(string) (*semver.Version, error)',
    fn: (v: string) => SemVersion.parse(v),
  },
  { name: 'semverCompare', sig: 'func(string, string) (bool, error)', fn: semverCompare },
  {
    name: 'fail',
    sig: 'func(string) (string, error)',
    fn: (msg: string) => {
      throw new Error(msg);
    },
  },
  { name: 'urlParse', sig: 'func(string) map[string]interface {}', fn: urlParse },
  { name: 'urlJoin', sig: 'func(map[string]interface {}) string', fn: urlJoin },
];

