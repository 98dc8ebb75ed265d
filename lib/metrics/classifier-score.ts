/**
 * Scores of generated images computed from a classifier's class probabilities p(y | x) [N, K]: the
 * classifier score (the Inception Score with the reference digit classifier in place of Inception), the
 * mean confidence, and per-class coverage.
 */
import type * as tf from '@tensorflow/tfjs';

function readProbabilities(
  probabilities: tf.Tensor2D,
  name: string,
): { p: Float32Array; n: number; k: number } {
  if (probabilities.rank !== 2) {
    throw new RangeError(
      `${name} takes probabilities [N, classes]; got [${probabilities.shape.join(', ')}].`,
    );
  }
  const [n, k] = probabilities.shape;
  if (n === 0 || k === 0) throw new RangeError(`${name} needs at least one row and one class.`);
  return { p: probabilities.dataSync() as Float32Array, n, k };
}

/** x · log(x / y), with 0 · log 0 = 0. */
function klTerm(x: number, y: number): number {
  return x > 0 ? x * Math.log(x / y) : 0;
}

/**
 * exp(E_x KL(p(y|x) ‖ p(y))), with p(y) the mean of the rows: between 1 and the number of classes K. It is
 * K when every image is classified with certainty and the classes are equally frequent (sharp and
 * diverse), 1 when every image gets the same distribution (e.g. one class only). Rows must sum to 1.
 */
export function classifierScore(probabilities: tf.Tensor2D): number {
  const { p, n, k } = readProbabilities(probabilities, 'classifierScore');
  const marginal = new Float64Array(k);
  for (let i = 0; i < n; i++) for (let y = 0; y < k; y++) marginal[y] += p[i * k + y];
  for (let y = 0; y < k; y++) marginal[y] /= n;
  let kl = 0;
  for (let i = 0; i < n; i++) for (let y = 0; y < k; y++) kl += klTerm(p[i * k + y], marginal[y]);
  return Math.exp(kl / n);
}

/** The mean over images of max_y p(y | x): near 1 when the classifier recognises the images as digits. */
export function meanConfidence(probabilities: tf.Tensor2D): number {
  const { p, n, k } = readProbabilities(probabilities, 'meanConfidence');
  let sum = 0;
  for (let i = 0; i < n; i++) {
    let max = 0;
    for (let y = 0; y < k; y++) max = Math.max(max, p[i * k + y]);
    sum += max;
  }
  return sum / n;
}

/** How the predicted classes of a set of images spread over the classes. */
export interface ClassCoverage {
  /** Images predicted as each class. */
  counts: number[];
  /** counts / N. */
  fractions: number[];
  /** KL(fractions ‖ uniform) in nats: 0 for balanced classes, log K for a single class. */
  klToUniform: number;
  /** The fraction below which a class counts as missing. */
  threshold: number;
  /** Number of classes whose fraction is below `threshold`. */
  classesBelowThreshold: number;
  /** The smallest fraction. */
  minFraction: number;
}

/** Options of {@link classCoverage}. */
export interface ClassCoverageOptions {
  /** A class with a smaller fraction of the images counts as missing. Default 0.05 (half of 1/10). */
  threshold?: number;
}

/**
 * The histogram of predicted classes (argmax of each row) and how far it is from uniform: a generator that
 * drops digits (mode collapse) has classes below the threshold and a large KL to uniform.
 */
export function classCoverage(probabilities: tf.Tensor2D, options: ClassCoverageOptions = {}): ClassCoverage {
  const threshold = options.threshold ?? 0.05;
  if (!(threshold >= 0 && threshold <= 1))
    throw new RangeError(`threshold must be in [0, 1], got ${threshold}.`);
  const { p, n, k } = readProbabilities(probabilities, 'classCoverage');
  const counts = new Array<number>(k).fill(0);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let y = 1; y < k; y++) if (p[i * k + y] > p[i * k + best]) best = y;
    counts[best]++;
  }
  const fractions = counts.map((count) => count / n);
  return {
    counts,
    fractions,
    klToUniform: fractions.reduce((sum, f) => sum + klTerm(f, 1 / k), 0),
    threshold,
    classesBelowThreshold: fractions.filter((f) => f < threshold).length,
    minFraction: Math.min(...fractions),
  };
}
