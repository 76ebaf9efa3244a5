// "Did you mean": the closest of a set of known names to one that is not known. Used for field names
// (src/eso/strict.ts), kinds (src/engine/collect.ts) and store names; names only, never values.

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions: `verison` → `version` is 1). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}

/**
 * The known name closest to `name`: equal ignoring case, a plural or singular of it, or within an edit
 * distance that grows with the length (1 up to 4 characters, 2 up to 8, then 3). Undefined when none is close.
 */
export function closest(name: string, known: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const kl = k.toLowerCase();
    if (kl === lower || kl === lower.replace(/s$/, '') || kl + 's' === lower || kl === lower + 's') return k;
    const dist = editDistance(lower, kl);
    if (dist < bestD) {
      bestD = dist;
      best = k;
    }
  }
  const limit = name.length <= 4 ? 1 : name.length <= 8 ? 2 : 3;
  return bestD <= limit ? best : undefined;
}
