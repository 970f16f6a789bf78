/**
 * A small seeded pseudo-random generator (mulberry32): the same seed gives the same numbers, so a fault test can
 * print its seed and a failing trial can be run again with the same choices.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** The seed for one trial of a run: independent of the other trials, so each can be replayed alone. */
export function trialSeed(runSeed: number, trial: number): number {
  // A 32-bit finaliser (murmur3's) over the pair, so that neighbouring trials get unrelated seeds.
  let h = (Math.imul(runSeed >>> 0, 0x9e3779b1) ^ trial) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
