// Go's time.ParseDuration, so a deadline reads the same as ESO's and kpt's flags ("50s", "1m30s", "1.5h").

const unitMs: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  'µs': 1e-3, // U+00B5 micro sign
  'μs': 1e-3, // U+03BC Greek mu
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const part = /^(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/;

/** Milliseconds in a Go duration string; throws an Error naming the text when it is not one. */
export function parseGoDuration(text: string): number {
  let rest = text.trim();
  if (rest === '') throw new Error(`invalid duration "${text}"`);
  let sign = 1;
  if (rest[0] === '-' || rest[0] === '+') {
    if (rest[0] === '-') sign = -1;
    rest = rest.slice(1);
  }
  // Go accepts a bare "0" without a unit and nothing else without one.
  if (rest === '0') return 0;
  let total = 0;
  let parts = 0;
  while (rest !== '') {
    const m = part.exec(rest);
    if (!m) throw new Error(`invalid duration "${text}": expected a number followed by one of ns, us, ms, s, m, h`);
    total += Number(m[1]) * (unitMs[m[2]!] ?? 0);
    rest = rest.slice(m[0].length);
    parts++;
  }
  if (parts === 0) throw new Error(`invalid duration "${text}"`);
  return sign * total;
}

/** Go's time.Duration String for a number of milliseconds ("1.5s", "2m0s", "1h0m0s", "500ms"). */
export function formatGoDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms < 0) return `-${formatGoDuration(-ms)}`;
  if (ms < 1000) {
    if (ms >= 1) return `${trimNumber(ms)}ms`;
    if (ms >= 1e-3) return `${trimNumber(ms * 1e3)}µs`;
    return `${trimNumber(ms * 1e6)}ns`;
  }
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = `${trimNumber((ms % 60_000) / 1000)}s`;
  if (h > 0) return `${h}h${m}m${s}`;
  if (m > 0) return `${m}m${s}`;
  return s;
}

/** Up to nanosecond precision, without trailing zeros (Go prints no exponent here). */
const trimNumber = (n: number): string => n.toFixed(9).replace(/\.?0+$/, '');
