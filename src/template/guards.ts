// What a function call costs, checked around every call by the executor (exec.ts): before the call, the
// work its arguments announce (a count, a width, a structure a serialiser will walk, a key to generate)
// and the bounds its parsers share with the manifest reader (fromJson/fromYaml nesting and aliases);
// after it, the size of what it made. Costs are in operations of the run's budget (budget.ts), roughly
// microseconds of work, so the budget also bounds time between two looks at the clock.
import { Parser, parseAllDocuments, type CST } from 'yaml';
import { MAX_ALIAS_COUNT, MAX_DEPTH } from '../common/limits.js';
import type { Budget } from './budget.js';
import { FuncFailure } from './errors.js';
import { GoObject } from './values.js';

/** Operations per byte of string made or read: strings are cheap per byte, but not free. */
const BYTES_PER_OP = 16;

/** Functions that walk every element of their arguments (serialisers, printers, deep comparisons). */
const TRAVERSING = new Set([
  'toJson', 'mustToJson', 'toPrettyJson', 'mustToPrettyJson', 'toRawJson', 'mustToRawJson', 'toYaml',
  'toString', 'toStrings', 'print', 'printf', 'println', 'html', 'js', 'urlquery', 'cat', 'join',
  'deepCopy', 'mustDeepCopy', 'deepEqual', 'merge', 'mustMerge', 'mergeOverwrite', 'mustMergeOverwrite',
  'has', 'mustHas', 'uniq', 'mustUniq', 'without', 'mustWithout', 'sortAlpha', 'eq', 'ne', 'quote', 'squote',
  'compact', 'mustCompact', 'concat', 'pluck', 'dig', 'omit', 'pick', 'values',
]);

/**
 * Operations of one call of a slow function, measured on a 2-core machine (about a microsecond each).
 * Such a call cannot be interrupted, so it starts only if that much time (an operation a microsecond)
 * is left before the deadline.
 */
const HEAVY: ReadonlyMap<string, number> = new Map(Object.entries({
  bcrypt: 500_000,
  derivePassword: 1_000_000,
  genCA: 2_000_000,
  genSelfSignedCert: 2_000_000,
  genSignedCert: 2_000_000,
  genCAWithKey: 200_000,
  genSelfSignedCertWithKey: 200_000,
  genSignedCertWithKey: 200_000,
  buildCustomCert: 50_000,
  pemToPkcs12: 200_000,
  pemToPkcs12Pass: 200_000,
  fullPemToPkcs12: 200_000,
  fullPemToPkcs12Pass: 200_000,
  pemTruststoreToPKCS12: 200_000,
  pemTruststoreToPKCS12Pass: 200_000,
  pkcs12key: 200_000,
  pkcs12keyPass: 200_000,
  pkcs12cert: 200_000,
  pkcs12certPass: 200_000,
  encryptAES: 10_000,
  decryptAES: 10_000,
  rsaDecrypt: 50_000,
}));

const big = (x: unknown): number => (typeof x === 'bigint' ? Number(x < 0n ? -x : x) : typeof x === 'number' ? Math.abs(x) : 0);

/** Charges a value's expanded size: shared parts count at every place they appear, as a serialiser sees them. */
export function chargeSize(v: unknown, b: Budget): void {
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (typeof x === 'string') b.charge(1 + Math.floor(x.length / BYTES_PER_OP));
    else if (x instanceof Uint8Array) b.charge(1 + Math.floor(x.length / BYTES_PER_OP));
    else if (Array.isArray(x)) {
      b.charge(1 + x.length);
      for (const e of x) if (typeof e === 'object' && e !== null) stack.push(e);
      else if (typeof e === 'string') stack.push(e);
    } else if (x instanceof Map) {
      b.charge(1 + x.size);
      for (const e of x.values()) if ((typeof e === 'object' && e !== null) || typeof e === 'string') stack.push(e);
    } else b.charge(1);
  }
}

/** Before a call: what the arguments announce. `args` are what the function receives. */
export function beforeCall(name: string, args: readonly unknown[], b: Budget): void {
  const slow = (ops: number): void => {
    b.checkTime(ops / 1000);
    b.charge(ops);
  };
  // A Map, not an object: a function is called `toString` or `constructor` too.
  const heavy = HEAVY.get(name);
  if (heavy !== undefined) slow(heavy);
  switch (name) {
    case 'genPrivateKey': {
      const typ = String(args[0] ?? '');
      slow(typ === 'ecdsa' || typ === 'ed25519' ? 10_000 : 4_000_000);
      break;
    }
    case 'htpasswd':
      slow(String(args[2]) === 'sha' ? 100 : 500_000);
      break;
    case 'repeat': {
      const bytes = big(args[0]) * String(args[1] ?? '').length;
      b.value(bytes);
      b.charge(Math.floor(bytes / BYTES_PER_OP));
      break;
    }
    case 'until':
      b.charge(big(args[0]));
      break;
    case 'untilStep': {
      const [start, stop, step] = args.map((a) => (typeof a === 'bigint' ? Number(a) : 0));
      if (step) b.charge(Math.floor(Math.abs(stop! - start!) / Math.abs(step)));
      break;
    }
    case 'seq': {
      // seq END, seq START END, seq START STEP END: at most |END - START| numbers either way.
      const n = args.map((a) => (typeof a === 'bigint' ? Number(a) : 0));
      const span = n.length === 1 ? Math.abs(n[0]!) : n.length >= 2 ? Math.abs(n[n.length - 1]! - n[0]!) : 0;
      b.charge(span);
      b.value(span * 2);
      break;
    }
    case 'randAlphaNum':
    case 'randAlpha':
    case 'randAscii':
    case 'randNumeric':
    case 'randBytes':
      b.value(big(args[0]) * 2);
      b.charge(Math.floor(big(args[0]) / BYTES_PER_OP));
      break;
    case 'indent':
    case 'nindent': {
      const s = String(args[1] ?? '');
      let lines = 1;
      for (let i = s.indexOf('\n'); i >= 0; i = s.indexOf('\n', i + 1)) lines++;
      const bytes = big(args[0]) * lines + s.length;
      b.value(bytes);
      b.charge(Math.floor(bytes / BYTES_PER_OP));
      break;
    }
    case 'printf': {
      // A width or precision written in the format pads the result: `%999999999d`.
      const widths = String(args[0] ?? '').match(/\d{4,}/g) ?? [];
      const bytes = widths.reduce((a, w) => a + Number(w), 0);
      b.value(bytes);
      b.charge(Math.floor(bytes / BYTES_PER_OP));
      break;
    }
    case 'fromJson':
    case 'mustFromJson':
      if (jsonDepth(String(args[0] ?? '')) > MAX_DEPTH) throw new FuncFailure('nesting too deep');
      break;
    case 'fromYaml':
      checkYaml(String(args[0] ?? ''));
      break;
  }
  if (TRAVERSING.has(name)) for (const a of args) chargeSize(a, b);
  else for (const a of args) if (typeof a === 'string' || a instanceof Uint8Array) b.charge(Math.floor(a.length / BYTES_PER_OP));
}

/** After a call: the size of what it made. */
export function afterCall(result: unknown, b: Budget): void {
  if (typeof result === 'string' || result instanceof Uint8Array) {
    b.value(result.length);
    b.charge(Math.floor(result.length / BYTES_PER_OP));
  } else if (Array.isArray(result)) b.charge(result.length);
  else if (result instanceof Map) b.charge(result.size);
  else if (result instanceof GoObject) b.charge(1);
}

/** Deepest nesting of `[` and `{` outside strings (JSON text, read without recursion). */
export function jsonDepth(s: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
      if (max > MAX_DEPTH) return max;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * fromYaml's input gets the manifest reader's bounds: nesting checked on the parser's tokens before
 * anything recursive runs, and alias expansion counted as the `yaml` package counts it for manifests.
 */
export function checkYaml(text: string): void {
  let aliases = false;
  for (const tok of new Parser().parse(text)) {
    if (tok.type !== 'document') continue;
    const info = cstInfo(tok);
    if (info.depth > MAX_DEPTH) throw new FuncFailure('nesting too deep');
    aliases ||= info.aliases;
  }
  if (!aliases) return;
  const docs = parseAllDocuments(text, { version: '1.1', schema: 'failsafe', uniqueKeys: false });
  const doc = Array.isArray(docs) ? docs[0] : undefined;
  if (!doc || doc.errors.length > 0) return; // fromYaml reports its own parse errors
  try {
    doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    // Only the expansion bound is ours; an alias without its anchor is fromYaml's own error (goyaml's wording).
    if (e instanceof ReferenceError && /excessive alias count/i.test(e.message)) throw new FuncFailure('too many aliases');
  }
}

function cstInfo(root: CST.Token): { depth: number; aliases: boolean } {
  type Entry = { key?: CST.Token | null; value?: CST.Token | null };
  let max = 0;
  let aliases = false;
  const stack: Array<[CST.Token | null | undefined, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [tok, d] = stack.pop()!;
    if (!tok) continue;
    if (tok.type === 'alias') aliases = true;
    else if (tok.type === 'document') stack.push([tok.value, d]);
    else if (tok.type === 'block-map' || tok.type === 'block-seq' || tok.type === 'flow-collection') {
      if (d + 1 > max) max = d + 1;
      if (max > MAX_DEPTH) return { depth: max, aliases };
      for (const it of tok.items as Entry[]) {
        stack.push([it.key, d + 1]);
        stack.push([it.value, d + 1]);
      }
    }
  }
  return { depth: max, aliases };
}
