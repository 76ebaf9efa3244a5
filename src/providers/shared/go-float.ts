// Go's strconv.FormatFloat for the two forms ESO's paths use: 'f' with -1 precision (gjson, Vault's
// GetByteValue) and the JSON encoder's form. JavaScript's shortest digits are the same as Go's
// (both round-trip shortest), only the layout differs.

function digitsAndExp(x: number): { neg: boolean; digits: string; exp: number } {
  // toExponential() without an argument gives the shortest round-trip digits.
  const s = Math.abs(x).toExponential();
  const [mant, e] = s.split('e');
  return { neg: x < 0 || Object.is(x, -0), digits: mant!.replace('.', ''), exp: Number(e) };
}

/** strconv.FormatFloat(x, 'f', -1, 64) */
export function formatFloatF(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? '+Inf' : '-Inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const { neg, digits, exp } = digitsAndExp(x);
  let out: string;
  if (exp < 0) out = '0.' + '0'.repeat(-exp - 1) + digits;
  else if (digits.length <= exp + 1) out = digits + '0'.repeat(exp + 1 - digits.length);
  else out = digits.slice(0, exp + 1) + '.' + digits.slice(exp + 1);
  return (neg ? '-' : '') + out;
}

/**
 * encoding/json's float64 form: 'f' unless abs < 1e-6 or >= 1e21, then 'e' with the exponent's leading
 * zero dropped (`1e-7`, `1e+21`), which is exactly JavaScript's toExponential() form.
 */
export function formatFloatJSON(x: number): string {
  if (!Number.isFinite(x)) throw new Error('json: unsupported value');
  const abs = Math.abs(x);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) return x.toExponential();
  return formatFloatF(x);
}
