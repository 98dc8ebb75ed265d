/**
 * Working in a model's latent (code) space: encoding a whole split in batches, drawing codes (from
 * N(0, I), uniformly in a box, or from a Gaussian matched to some codes), straight-line interpolation,
 * regular 2-D grids for decoded-manifold pictures, and nearest-neighbour distances that measure how far
 * drawn codes fall from the codes of real images ("holes" in the latent space).
 *
 * Every random draw takes an explicit seed: the same seed gives the same codes.
 */
import * as tf from '@tensorflow/tfjs';
import { nearestNeighbourDistances } from '../metrics/memorisation';

function checkCount(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}.`);
  }
}

function checkSeed(seed: number): void {
  if (!Number.isInteger(seed)) throw new RangeError(`seed must be an integer, got ${seed}.`);
}

/**
 * Applies `encode` to `images` in batches of `batchSize` and concatenates the codes: [N, latentDim].
 * Keeps memory bounded on large splits; nothing but the result stays allocated.
 */
export function encodeInBatches(
  encode: (images: tf.Tensor4D) => tf.Tensor2D,
  images: tf.Tensor4D,
  batchSize = 500,
): tf.Tensor2D {
  checkCount('batchSize', batchSize);
  const n = images.shape[0];
  if (n === 0) throw new RangeError('encodeInBatches needs at least one image.');
  const parts: tf.Tensor2D[] = [];
  try {
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      parts.push(tf.tidy(() => encode(tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]))));
    }
    return parts.length === 1 ? parts[0] : (tf.concat(parts, 0) as tf.Tensor2D);
  } finally {
    if (parts.length > 1) tf.dispose(parts);
  }
}

/** `count` codes drawn from the standard normal N(0, I): shape [count, latentDim]. */
export function sampleStandardNormal(count: number, latentDim: number, seed: number): tf.Tensor2D {
  checkCount('count', count);
  checkCount('latentDim', latentDim);
  checkSeed(seed);
  return tf.randomNormal([count, latentDim], 0, 1, 'float32', seed);
}

/** `count` codes drawn uniformly from the box low[i] ≤ z[i] < high[i]: shape [count, low.length]. */
export function sampleUniformInBox(
  count: number,
  low: readonly number[],
  high: readonly number[],
  seed: number,
): tf.Tensor2D {
  checkCount('count', count);
  checkSeed(seed);
  if (low.length === 0 || low.length !== high.length) {
    throw new RangeError(
      `low and high must be non-empty and of equal length, got ${low.length} and ${high.length}.`,
    );
  }
  low.forEach((value, i) => {
    if (!(value < high[i]))
      throw new RangeError(`low[${i}] = ${value} must be below high[${i}] = ${high[i]}.`);
  });
  return tf.tidy(() => {
    const unit = tf.randomUniform([count, low.length], 0, 1, 'float32', seed);
    const lowT = tf.tensor1d([...low]);
    return tf.add(lowT, tf.mul(unit, tf.sub(tf.tensor1d([...high]), lowT))) as tf.Tensor2D;
  });
}

/**
 * `count` codes drawn from the diagonal Gaussian with the per-dimension mean and standard deviation of
 * `codes` [N, D]: the fairest simple way to draw new codes for a plain autoencoder, whose codes have no
 * prescribed distribution.
 */
export function sampleMatchingGaussian(codes: tf.Tensor2D, count: number, seed: number): tf.Tensor2D {
  checkCount('count', count);
  checkSeed(seed);
  if (codes.rank !== 2 || codes.shape[0] < 2) {
    throw new RangeError(`codes must be [N, D] with N >= 2, got [${codes.shape.join(', ')}].`);
  }
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(codes, 0);
    const noise = tf.randomNormal([count, codes.shape[1]], 0, 1, 'float32', seed);
    return tf.add(mean, tf.mul(tf.sqrt(variance), noise)) as tf.Tensor2D;
  });
}

/**
 * `steps` codes evenly spaced on the straight line from `from` to `to`, both included: shape
 * [steps, D]. Decoding them shows how the model morphs one image into another.
 */
export function interpolateLinear(
  from: ArrayLike<number>,
  to: ArrayLike<number>,
  steps: number,
): tf.Tensor2D {
  if (!Number.isInteger(steps) || steps < 2) {
    throw new RangeError(`steps must be an integer >= 2 (both ends are included), got ${steps}.`);
  }
  if (from.length === 0 || from.length !== to.length) {
    throw new RangeError(
      `from and to must be codes of equal, non-zero length, got ${from.length} and ${to.length}.`,
    );
  }
  const rows: number[][] = [];
  for (let i = 0; i < steps; i++) {
    const t = i / (steps - 1);
    rows.push(Array.from(from, (a, d) => (1 - t) * a + t * to[d]));
  }
  return tf.tensor2d(rows, [steps, from.length], 'float32');
}

/** `count` evenly spaced numbers from `start` to `stop`, both included (count ≥ 2), or [start] for count 1. */
export function linspace(start: number, stop: number, count: number): number[] {
  checkCount('count', count);
  if (count === 1) return [start];
  return Array.from({ length: count }, (_, i) => start + ((stop - start) * i) / (count - 1));
}

/**
 * The standard normal's quantile function Φ⁻¹(p) for 0 < p < 1 (Acklam's rational approximation, relative
 * error below 1.2e-9). TensorFlow's CVAE tutorial places its 2-D manifold grid at Φ⁻¹ of evenly spaced
 * probabilities, so that each cell covers the same prior mass.
 */
export function normalQuantile(p: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`normalQuantile needs 0 < p < 1, got ${p}.`);
  const a = [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (
      (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1)
    );
  }
  if (p > 1 - low) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}

/**
 * The points of a 2-D grid as codes [ys.length · xs.length, 2], ordered for an image grid with
 * `columns: xs.length`: the first row has the largest y (top), and x grows from left to right.
 */
export function latentGrid2d(xs: readonly number[], ys: readonly number[]): tf.Tensor2D {
  if (xs.length === 0 || ys.length === 0)
    throw new RangeError('latentGrid2d needs at least one x and one y.');
  const top = [...ys].sort((p, q) => q - p);
  const points: number[] = [];
  for (const y of top) for (const x of xs) points.push(x, y);
  return tf.tensor2d(points, [top.length * xs.length, 2], 'float32');
}

/**
 * Euclidean distance from each of `points` [M, D] to its nearest neighbour among `reference` [N, D]:
 * Float32Array of length M. Computed in blocks of `batchSize` points.
 */
export function nearestDistances(points: tf.Tensor2D, reference: tf.Tensor2D, batchSize = 256): Float32Array {
  checkCount('batchSize', batchSize);
  if (points.rank !== 2 || reference.rank !== 2 || points.shape[1] !== reference.shape[1]) {
    throw new RangeError(
      `points [${points.shape.join(', ')}] and reference [${reference.shape.join(', ')}] must be [M, D] and [N, D].`,
    );
  }
  return nearestNeighbourDistances(points, reference, { batchSize });
}
