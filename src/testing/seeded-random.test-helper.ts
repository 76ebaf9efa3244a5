// Deterministic pseudo-random numbers in [0, 1) for the seeded generators of the differential and fuzz
// tests (mulberry32): every run of a test checks the same cases, and a failure names its seed. Test
// support only: not built (tsconfig.build.json), importable from src/ and test/ tests alike.
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
