/**
 * A generative classifier: one Gaussian per class for p(x | y), with full covariance, and class priors p(y).
 *
 * It learns Y -> X (what the points of each class look like) and classifies through Bayes' rule,
 *   p(y | x) = p(x | y) p(y) / Σ_k p(x | k) p(k),
 * and because it is a model of the data it can also draw new points for a chosen class. In two dimensions
 * its decision boundaries are quadratic curves (quadratic discriminant analysis).
 */
import { createRng, randomNormal } from '../data/random';
import {
  cholesky,
  logDeterminantFromCholesky,
  type Matrix,
  meanAndCovariance,
  solveLowerTriangular,
} from '../maths/linear-algebra';

/** The fitted parameters of one class. */
export interface GaussianClassParameters {
  /** p(y = k), in (0, 1]; the priors of all classes sum to 1. */
  prior: number;
  /** Mean of the class's points. */
  mean: number[];
  /** Covariance matrix of the class's points (maximum-likelihood estimate, plus the regularisation). */
  covariance: Matrix;
  /** Number of training points of the class (0 when the parameters were given directly). */
  count: number;
}

/** Options of {@link GaussianClassConditional.fit}. */
export interface GaussianFitOptions {
  /** Number of classes. Default: the largest label + 1. Every class needs at least one point. */
  numClasses?: number;
  /**
   * Added to every covariance's diagonal so that it stays invertible (a direction with no variance, fewer
   * points than dimensions). Default 1e-6.
   */
  regularisation?: number;
  /** Class priors: 'empirical' (class frequencies, default), 'uniform', or explicit values (normalised). */
  priors?: 'empirical' | 'uniform' | number[];
}

const LOG_2PI = Math.log(2 * Math.PI);

function normalisePriors(priors: number[]): number[] {
  if (priors.some((p) => !(p > 0) || !Number.isFinite(p))) {
    throw new RangeError(`Class priors must be positive numbers, got [${priors.join(', ')}].`);
  }
  const total = priors.reduce((a, b) => a + b, 0);
  return priors.map((p) => p / total);
}

/** log Σ exp(values), computed without overflow. */
export function logSumExp(values: number[]): number {
  const max = Math.max(...values);
  if (max === Number.NEGATIVE_INFINITY) return max;
  let sum = 0;
  for (const v of values) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/**
 * Class-conditional Gaussians with class priors: fit with {@link GaussianClassConditional.fit}, then
 * {@link logDensity} (log p(x | y)), {@link posterior} (p(y | x) by Bayes' rule), {@link predict}, and
 * {@link sample} (new points of a chosen class). Points are arrays of numbers (`number[][]`, one per row).
 */
export class GaussianClassConditional {
  /** The parameters of each class, indexed by label. */
  readonly classes: readonly GaussianClassParameters[];
  /** Dimension of the points. */
  readonly dimension: number;
  private readonly factors: Matrix[];
  private readonly logNormalisers: number[];
  private readonly logPriors: number[];

  /**
   * A model from given parameters (priors are normalised to sum to 1).
   * @throws NotPositiveDefiniteError when a covariance is not positive definite.
   */
  constructor(classes: readonly GaussianClassParameters[]) {
    if (classes.length === 0) throw new RangeError('GaussianClassConditional needs at least one class.');
    const dimension = classes[0].mean.length;
    classes.forEach((c, k) => {
      if (c.mean.length !== dimension || c.covariance.length !== dimension) {
        throw new RangeError(
          `Class ${k} has a mean of length ${c.mean.length} and a ${c.covariance.length}-row covariance; ` +
            `every class needs dimension ${dimension}.`,
        );
      }
    });
    const priors = normalisePriors(classes.map((c) => c.prior));
    this.classes = classes.map((c, k) => ({ ...c, prior: priors[k] }));
    this.dimension = dimension;
    this.factors = classes.map((c) => cholesky(c.covariance));
    this.logNormalisers = this.factors.map(
      (l) => -0.5 * (dimension * LOG_2PI + logDeterminantFromCholesky(l)),
    );
    this.logPriors = priors.map(Math.log);
  }

  /**
   * Fits one Gaussian per class by maximum likelihood: each class's mean and covariance are those of its
   * training points; its prior is its share of the points (or as `options.priors` says).
   * @param points one row per point
   * @param labels the class of each point, integers from 0
   */
  static fit(
    points: number[][],
    labels: ArrayLike<number>,
    options: GaussianFitOptions = {},
  ): GaussianClassConditional {
    if (points.length !== labels.length) {
      throw new RangeError(`fit got ${points.length} points but ${labels.length} labels.`);
    }
    if (points.length === 0) throw new RangeError('fit needs at least one point.');
    let maxLabel = -1;
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i];
      if (!Number.isInteger(label) || label < 0) {
        throw new RangeError(`Labels must be integers >= 0; label ${i} is ${label}.`);
      }
      maxLabel = Math.max(maxLabel, label);
    }
    const numClasses = options.numClasses ?? maxLabel + 1;
    if (maxLabel >= numClasses) {
      throw new RangeError(`Label ${maxLabel} is outside the ${numClasses} classes 0-${numClasses - 1}.`);
    }
    const regularisation = options.regularisation ?? 1e-6;
    if (!(regularisation >= 0)) throw new RangeError(`regularisation must be >= 0, got ${regularisation}.`);
    const byClass: number[][][] = Array.from({ length: numClasses }, () => []);
    for (let i = 0; i < points.length; i++) byClass[labels[i]].push(points[i]);
    const empty = byClass.findIndex((members) => members.length === 0);
    if (empty >= 0) {
      throw new RangeError(
        `Class ${empty} has no training points: every class needs at least one to be fitted.`,
      );
    }
    const priorOption = options.priors ?? 'empirical';
    const priors =
      priorOption === 'empirical'
        ? byClass.map((members) => members.length)
        : priorOption === 'uniform'
          ? byClass.map(() => 1)
          : priorOption;
    if (priors.length !== numClasses) {
      throw new RangeError(`priors has ${priors.length} values for ${numClasses} classes.`);
    }
    return new GaussianClassConditional(
      byClass.map((members, k) => {
        const { mean, covariance } = meanAndCovariance(members);
        for (let d = 0; d < covariance.length; d++) covariance[d][d] += regularisation;
        return { prior: priors[k], mean, covariance, count: members.length };
      }),
    );
  }

  /** Number of classes. */
  get numClasses(): number {
    return this.classes.length;
  }

  private checkPoint(point: number[], index: number): void {
    if (point.length !== this.dimension) {
      throw new RangeError(
        `Point ${index} has ${point.length} coordinates; this model has ${this.dimension}.`,
      );
    }
  }

  private logDensityOfPoint(point: number[], k: number): number {
    const { mean } = this.classes[k];
    const z = solveLowerTriangular(
      this.factors[k],
      point.map((x, d) => x - mean[d]),
    );
    let squared = 0;
    for (const value of z) squared += value * value;
    return this.logNormalisers[k] - 0.5 * squared;
  }

  /** log p(x | y = classIndex) for each point: the class's Gaussian log-density. */
  logDensity(points: number[][], classIndex: number): number[] {
    this.checkClass(classIndex);
    return points.map((p, i) => {
      this.checkPoint(p, i);
      return this.logDensityOfPoint(p, classIndex);
    });
  }

  /** log p(x, y) = log p(x | y) + log p(y) for each point (rows) and class (columns). */
  logJoint(points: number[][]): number[][] {
    return points.map((p, i) => {
      this.checkPoint(p, i);
      return this.logPriors.map((logPrior, k) => this.logDensityOfPoint(p, k) + logPrior);
    });
  }

  /** log p(x) = log Σ_k p(x | k) p(k): the model's density of the data, all classes together. */
  logMarginal(points: number[][]): number[] {
    return this.logJoint(points).map(logSumExp);
  }

  /** p(y | x) by Bayes' rule, one row of class probabilities (summing to 1) per point. */
  posterior(points: number[][]): number[][] {
    return this.logJoint(points).map((row) => {
      const norm = logSumExp(row);
      return row.map((v) => Math.exp(v - norm));
    });
  }

  /** The most probable class of each point: argmax_k p(x | k) p(k). */
  predict(points: number[][]): number[] {
    return this.logJoint(points).map((row) => row.indexOf(Math.max(...row)));
  }

  /**
   * Draws `count` new points of class `classIndex` (Y -> X): mean + L·z with z ~ N(0, I) and L the
   * Cholesky factor of the class covariance. The same seed gives the same points.
   */
  sample(classIndex: number, count: number, seed = 0): number[][] {
    this.checkClass(classIndex);
    if (!Number.isInteger(count) || count < 0)
      throw new RangeError(`count must be an integer >= 0, got ${count}.`);
    const rng = createRng(seed);
    const { mean } = this.classes[classIndex];
    const l = this.factors[classIndex];
    const out: number[][] = [];
    for (let i = 0; i < count; i++) {
      const z = mean.map(() => randomNormal(rng));
      out.push(
        mean.map((m, row) => {
          let value = m;
          const lRow = l[row];
          for (let k = 0; k <= row; k++) value += lRow[k] * z[k];
          return value;
        }),
      );
    }
    return out;
  }

  private checkClass(classIndex: number): void {
    if (!Number.isInteger(classIndex) || classIndex < 0 || classIndex >= this.numClasses) {
      throw new RangeError(`Class ${classIndex} does not exist: use 0-${this.numClasses - 1}.`);
    }
  }
}
