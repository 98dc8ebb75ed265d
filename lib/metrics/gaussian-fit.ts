/**
 * A Gaussian fitted to a set of feature vectors: their mean and covariance, computed in float64 in
 * JavaScript (float32 sums over thousands of vectors lose the digits that the Fréchet distance needs).
 */
import * as tf from '@tensorflow/tfjs';

/** The mean and covariance of a set of feature vectors, and how many vectors they came from. */
export interface GaussianFit {
  mean: number[];
  /** d × d, symmetric. */
  covariance: number[][];
  /** Number of vectors fitted. */
  count: number;
}

/** Options of {@link fitGaussian}. */
export interface FitGaussianOptions {
  /** Divide by n − 1 (true, default, as numpy's `cov` and the FID reference code) or by n (false). */
  unbiased?: boolean;
}

/**
 * Fits a Gaussian to feature vectors (one per row): a tensor [N, d] (not disposed) or an array of rows.
 * @throws RangeError for fewer than two vectors or rows of different lengths.
 */
export function fitGaussian(
  features: tf.Tensor2D | number[][],
  options: FitGaussianOptions = {},
): GaussianFit {
  let n: number;
  let d: number;
  let values: ArrayLike<number>;
  if (features instanceof tf.Tensor) {
    if (features.rank !== 2) {
      throw new RangeError(`fitGaussian takes features [N, d]; got [${features.shape.join(', ')}].`);
    }
    [n, d] = features.shape;
    values = features.dataSync();
  } else {
    n = features.length;
    d = n > 0 ? features[0].length : 0;
    const flat = new Float64Array(n * d);
    features.forEach((row, i) => {
      if (row.length !== d) {
        throw new RangeError(`fitGaussian: every row must have ${d} values; row ${i} has ${row.length}.`);
      }
      flat.set(row, i * d);
    });
    values = flat;
  }
  if (n < 2) throw new RangeError(`fitGaussian needs at least two feature vectors; got ${n}.`);
  const mean = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += values[i * d + j];
  for (let j = 0; j < d; j++) mean[j] /= n;
  // Upper triangle of Σ (x − μ)(x − μ)ᵀ, accumulated row by row on a flat float64 buffer.
  const sums = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) centred[j] = values[i * d + j] - mean[j];
    for (let a = 0; a < d; a++) {
      const ca = centred[a];
      if (ca === 0) continue;
      const offset = a * d;
      for (let b = a; b < d; b++) sums[offset + b] += ca * centred[b];
    }
  }
  const divisor = (options.unbiased ?? true) ? n - 1 : n;
  const covariance = Array.from({ length: d }, () => new Array<number>(d));
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      const value = sums[a * d + b] / divisor;
      covariance[a][b] = value;
      covariance[b][a] = value;
    }
  }
  return { mean: Array.from(mean), covariance, count: n };
}
