/**
 * mulberry32: a small, fast, seeded generator of numbers in [0, 1). The one seeded generator of
 * the project: the relevance model and the simulations use it, and so do the benchmarks and the
 * kill test (from dist/), so a run with the same seed draws the same numbers.
 */
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
