/**
 * A small seeded pseudo-random number generator, for everything in the data layer that must be
 * reproducible: the committed train/test split, shuffling, batch order.
 *
 * `Math.random()` cannot be seeded, so we use Mulberry32 (a 32-bit generator by Tommy Ettinger,
 * public domain): fast, tiny, and good enough for shuffling (it is not for cryptography).
 */

/** A function returning the next pseudo-random number in [0, 1). */
export type Rng = () => number;

function checkSeed(seed: number): number {
  if (!Number.isInteger(seed)) {
    throw new RangeError(`A random seed must be an integer, got ${seed}.`);
  }
  // Any integer is accepted; it is reduced to 32 bits.
  return seed >>> 0;
}

/**
 * Creates a seeded generator: the same seed always gives the same sequence of numbers in [0, 1).
 * @param seed any integer (reduced to 32 bits).
 */
export function createRng(seed: number): Rng {
  let state = checkSeed(seed);
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Mixes a seed with further integers (an epoch number, a class index, ...) into a new 32-bit seed,
 * so that e.g. every epoch gets its own, still reproducible, order.
 */
export function deriveSeed(seed: number, ...salts: number[]): number {
  let h = checkSeed(seed) ^ 0x9e3779b9;
  for (const salt of salts) {
    h = Math.imul(h ^ checkSeed(salt), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/**
 * A seed for TensorFlow.js's random ops and initializers, derived from `seed` and optional salts (a layer
 * index, a step). Never 0: `tf.randomNormal`, `tf.truncatedNormal` and the normal initializers (heNormal,
 * glorotNormal, ...) treat a seed of 0 as "no seed" and draw from Math.random, so `{ seed: 0 }` would
 * silently make a run irreproducible.
 */
export function tfSeed(seed: number, ...salts: number[]): number {
  return deriveSeed(seed, ...salts) || 1;
}

/** Returns an integer in [0, n) drawn from `rng`. */
export function randomInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/**
 * Shuffles an array (or typed array) in place with the Fisher–Yates algorithm and returns it.
 * Deterministic for a given generator state.
 */
export function shuffleInPlace<T extends { length: number; [i: number]: unknown }>(array: T, rng: Rng): T {
  for (let i = array.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const tmp = array[i];
    array[i] = array[j];
    array[j] = tmp;
  }
  return array;
}

/**
 * Returns the numbers 0 … n−1 in a random order fixed by `seed`: the same seed gives the same order,
 * different seeds (almost always) different orders.
 */
export function shuffledIndices(n: number, seed: number): Int32Array {
  if (!Number.isInteger(n) || n < 0) {
    throw new RangeError(`shuffledIndices needs a non-negative integer count, got ${n}.`);
  }
  const indices = new Int32Array(n);
  for (let i = 0; i < n; i++) indices[i] = i;
  return shuffleInPlace(indices, createRng(seed));
}

/**
 * Returns a draw from the standard normal distribution N(0, 1), using two uniforms from `rng`
 * (the Box–Muller transform).
 */
export function randomNormal(rng: Rng): number {
  const u = 1 - rng(); // in (0, 1], so the logarithm is finite
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
