/**
 * Data augmentation for images: small random changes that keep the label, so that a classifier trained on
 * few examples learns what matters (the strokes) rather than where exactly they sit.
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, randomInt } from './random';

/** Options of {@link randomShift}. */
export interface RandomShiftOptions {
  /** Largest shift in pixels, in each direction. Default 2. */
  maxShift?: number;
  /** Seed of the shifts: the same seed gives the same shifts. Default 0. */
  seed?: number;
  /** Value of the pixels that move in from the border. Default 0 (background in the 'unit' range). */
  background?: number;
}

/**
 * Moves each image of a batch [N, height, width, channels] by its own random whole-pixel offset
 * (dx, dy in −maxShift … maxShift), filling the uncovered border with `background`.
 */
export function randomShift(images: tf.Tensor4D, options: RandomShiftOptions = {}): tf.Tensor4D {
  const maxShift = options.maxShift ?? 2;
  if (!Number.isInteger(maxShift) || maxShift < 0) {
    throw new RangeError(`maxShift must be an integer >= 0, got ${maxShift}.`);
  }
  if (images.rank !== 4)
    throw new RangeError(`randomShift needs images [N, height, width, channels], got rank ${images.rank}.`);
  const [n, height, width, channels] = images.shape;
  const source = images.dataSync();
  const out = new Float32Array(source.length).fill(options.background ?? 0);
  const rng = createRng(options.seed ?? 0);
  const imageSize = height * width * channels;
  for (let i = 0; i < n; i++) {
    const dx = randomInt(rng, 2 * maxShift + 1) - maxShift;
    const dy = randomInt(rng, 2 * maxShift + 1) - maxShift;
    const base = i * imageSize;
    for (let y = Math.max(0, dy); y < Math.min(height, height + dy); y++) {
      const fromRow = base + (y - dy) * width * channels;
      const toRow = base + y * width * channels;
      const x0 = Math.max(0, dx);
      const x1 = Math.min(width, width + dx);
      out.set(
        source.subarray(fromRow + (x0 - dx) * channels, fromRow + (x1 - dx) * channels),
        toRow + x0 * channels,
      );
    }
  }
  return tf.tensor4d(out, [n, height, width, channels]);
}
