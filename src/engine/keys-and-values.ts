// ESO parses KeysAndValues template output with sigs.k8s.io/yaml (goyaml v2, YAML 1.1) into
// map[string]string (eso-semantics §4.1): plain scalars are resolved by YAML 1.1 rules and printed
// back the way Go prints them; nested values are an error.

import { parseDocument, isMap, isScalar, Scalar } from 'yaml';

const BOOL_TRUE = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']);
const BOOL_FALSE = new Set(['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']);
const NULLS = new Set(['', '~', 'null', 'Null', 'NULL']);

/** Go's strconv.FormatFloat(v, 'g', -1, 32). */
export function formatFloat32G(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? '+Inf' : '-Inf';
  const f = Math.fround(v);
  if (f === 0) return Object.is(f, -0) ? '-0' : '0';
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const s = Math.abs(f).toExponential(p - 1);
    if (Math.fround(Number(s)) === Math.abs(f)) {
      const [m, e] = s.split('e');
      digits = m!.replace('.', '');
      exp = Number(e);
      break;
    }
  }
  digits = digits.replace(/0+$/, '') || '0';
  const sign = f < 0 ? '-' : '';
  // Go's %g with shortest digits switches to exponent form when exp < -4 || exp >= 6.
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? digits[0] + '.' + digits.slice(1) : digits;
    const es = Math.abs(exp) < 10 ? '0' + Math.abs(exp) : String(Math.abs(exp));
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${es}`;
  }
  if (exp < 0) return sign + '0.' + '0'.repeat(-exp - 1) + digits;
  if (digits.length <= exp + 1) return sign + digits + '0'.repeat(exp + 1 - digits.length);
  return sign + digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
}

function resolvePlain(src: string): string {
  if (NULLS.has(src)) return '';
  if (BOOL_TRUE.has(src)) return 'true';
  if (BOOL_FALSE.has(src)) return 'false';
  const t = src.replace(/_/g, '');
  let m: RegExpExecArray | null;
  if ((m = /^([-+]?)0b([01]+)$/.exec(t))) return BigInt((m[1] === '-' ? '-' : '') + '0b' + m[2]).toString();
  if ((m = /^([-+]?)0x([0-9a-fA-F]+)$/.exec(t))) return (BigInt('0x' + m[2]) * (m[1] === '-' ? -1n : 1n)).toString();
  if ((m = /^([-+]?)0([0-7]+)$/.exec(t))) return (BigInt('0o' + m[2]) * (m[1] === '-' ? -1n : 1n)).toString();
  if (/^[-+]?(0|[1-9][0-9]*)$/.test(t)) return BigInt(t).toString();
  if (/^[-+]?([0-9][0-9]*)?\.[0-9]*([eE][-+][0-9]+)?$/.test(t) || /^[-+]?[0-9]+[eE][-+]?[0-9]+$/.test(t)) {
    if (t !== '.' && t !== '+.' && t !== '-.') return formatFloat32G(Number(t));
  }
  if (/^[-+]?\.(inf|Inf|INF)$/.test(src)) return src.startsWith('-') ? '-Inf' : '+Inf';
  if (/^\.(nan|NaN|NAN)$/.test(src)) return 'NaN';
  return src;
}

/** Parse rendered KeysAndValues output. Throws an error naming no value, and keys by position (`key #3`). */
export function parseKeysAndValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  if (text.trim() === '') return out;
  const doc = parseDocument(text, { version: '1.1', uniqueKeys: false, prettyErrors: false });
  if (doc.errors.length) throw new Error("could not unmarshal template to 'map[string][]byte': invalid YAML");
  const root = doc.contents;
  if (root === null) return out;
  if (!isMap(root)) throw new Error("could not unmarshal template to 'map[string][]byte': output is not a map");
  for (const [i, pair] of root.items.entries()) {
    const k = pair.key;
    const v = pair.value;
    const key = isScalar(k) ? (k.type === Scalar.PLAIN ? resolvePlain(String(k.source ?? k.value)) : String(k.value)) : undefined;
    if (key === undefined) throw new Error("could not unmarshal template to 'map[string][]byte': a key is not a scalar");
    if (v === null || v === undefined) {
      out.set(key, '');
      continue;
    }
    if (!isScalar(v)) throw new Error(`could not unmarshal template to 'map[string][]byte': value of key #${i + 1} is not a scalar`);
    const val = v.type === Scalar.PLAIN ? resolvePlain(String(v.source ?? v.value ?? '')) : String(v.value ?? '');
    out.set(key, val);
  }
  return out;
}
