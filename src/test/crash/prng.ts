/** A small seeded pseudo-random generator: the same seed gives the same choices. */
export interface Prng {
  /** A float in [0, 1). */
  next(): number;
  /** A whole number in [min, max]. */
  int(min: number, max: number): number;
  /** One element of a non-empty list. */
  pick<T>(items: readonly T[]): T;
}

/**
 * mulberry32: fast, 32 bits of state, good enough to pick actions and kill moments (not for
 * secrets). `derive` mixes in more numbers (a round, a writer) for independent streams.
 *
 * @example
 * const random = prng(42, 3, 7); // seed 42, round 3, writer 7
 * random.int(0, 2); // 0, 1 or 2
 */
export function prng(seed: number, ...derive: number[]): Prng {
  let state = seed >>> 0;
  for (const n of derive) state = Math.imul(state ^ (n + 0x9e3779b9), 0x85ebca6b) >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => {
      const item = items[Math.floor(next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    }
  };
}
