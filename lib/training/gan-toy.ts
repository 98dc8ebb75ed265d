/**
 * Looking inside a GAN on 1-D or 2-D toy data: its samples as plain arrays, the discriminator's verdict
 * D(x) over a grid of the plane (the picture GAN Lab draws), and how well the samples match a Gaussian
 * mixture (modes covered, samples off every mode, sliced Wasserstein distance).
 */
import * as tf from '@tensorflow/tfjs';
import {
  countModesCovered,
  type GaussianComponent,
  type ModeCoverage,
  sampleGaussianMixture,
} from '../data/toy-data';
import { slicedWassersteinDistance } from '../metrics/sample-distance';
import { gridRows, type PlaneGrid } from '../visualisation/plane-figures';

/** Rounds to a few significant decimals, to keep figures and saved notebooks small. */
function round(value: number, decimals = 3): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

/** D(x) = sigmoid(logit) at every grid point, as rows: `result[j][i]` is D at (xs[i], ys[j]). */
export function discriminatorOnGrid(discriminator: tf.LayersModel, grid: PlaneGrid): number[][] {
  const probabilities = tf.tidy(() =>
    tf
      .sigmoid(discriminator.predict(tf.tensor2d(grid.points, [grid.points.length, 2])) as tf.Tensor)
      .dataSync(),
  );
  return gridRows(grid, probabilities).map((row) => row.map((p) => round(p)));
}

/** G(noise) (inference mode) as an array of points. */
export function generatePoints(generator: tf.LayersModel, noise: tf.Tensor): number[][] {
  const out = tf.tidy(() => generator.predict(noise) as tf.Tensor2D);
  const points = out.arraySync();
  out.dispose();
  return points;
}

/** One picture of a 2-D GAN: real and generated points, and D over the plane. */
export interface ToyGanSnapshot {
  step: number;
  real: number[][];
  fake: number[][];
  grid: PlaneGrid;
  /** D(x) at the grid points, `dOnGrid[j][i]` at (xs[i], ys[j]). */
  dOnGrid: number[][];
}

/** Options of {@link snapshotToyGan}. */
export interface SnapshotOptions {
  step: number;
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  /** Fixed noise, so that successive snapshots show the same z moving. */
  noise: tf.Tensor;
  /** Real points to draw (a fixed sample). */
  real: number[][];
  grid: PlaneGrid;
}

/** Captures the state of a 2-D GAN for {@link ganLabFigure}. */
export function snapshotToyGan(options: SnapshotOptions): ToyGanSnapshot {
  const fake = generatePoints(options.generator, options.noise).map((p) => p.map((v) => round(v)));
  return {
    step: options.step,
    real: options.real.map((p) => p.map((v) => round(v))),
    fake,
    grid: options.grid,
    dOnGrid: discriminatorOnGrid(options.discriminator, options.grid),
  };
}

/** How well generated points match a Gaussian mixture. */
export interface ToyGanEvaluation extends ModeCoverage {
  /** Sliced Wasserstein distance between the generated points and fresh real points. */
  slicedWasserstein: number;
  /** The same distance between two real samples of that size: the value a perfect generator would get. */
  realBaseline: number;
}

/** Options of {@link evaluateToyGenerator}. */
export interface ToyEvaluationOptions {
  /** Latent dimension of the generator. */
  latentDim: number;
  /** Number of generated (and real) points. Default 1000. */
  count?: number;
  /** Seed of the noise and of the real sample. Default 12345. */
  seed?: number;
  /** Within how many std a point counts for a mode (see countModesCovered). Default 3. */
  withinStd?: number;
}

/** Generates `count` points and scores them against the mixture (modes, off-mode share, distance). */
export function evaluateToyGenerator(
  generator: tf.LayersModel,
  components: GaussianComponent[],
  options: ToyEvaluationOptions,
): ToyGanEvaluation {
  const count = options.count ?? 1000;
  const seed = options.seed ?? 12345;
  const noise = tf.randomNormal([count, options.latentDim], 0, 1, 'float32', seed);
  const fake = generatePoints(generator, noise);
  noise.dispose();
  const real = sampleGaussianMixture(components, { count, seed: seed + 1 }).points;
  const real2 = sampleGaussianMixture(components, { count, seed: seed + 2 }).points;
  return {
    ...countModesCovered(fake, components, { withinStd: options.withinStd }),
    slicedWasserstein: slicedWassersteinDistance(fake, real),
    realBaseline: slicedWassersteinDistance(real2, real),
  };
}

/** How a discriminator judges generated points (see {@link judgeGeneratedPoints}). */
export interface FakeJudgement {
  /** Share of generated points D calls real (D > 0.5): D's false negatives. */
  judgedRealFraction: number;
  /** Share of generated points near no mode of the mixture. */
  offModeFraction: number;
  /** Share of generated points that are off every mode and still judged real: weaknesses G exploits. */
  offModeJudgedRealFraction: number;
}

/**
 * Generates `count` points and checks D's verdict on each against the truth: a point is "off-mode" when it
 * lies farther than `withinStd` standard deviations from every component mean.
 */
export function judgeGeneratedPoints(
  generator: tf.LayersModel,
  discriminator: tf.LayersModel,
  components: GaussianComponent[],
  options: ToyEvaluationOptions,
): FakeJudgement {
  const count = options.count ?? 1000;
  const withinStd = options.withinStd ?? 3;
  const noise = tf.randomNormal([count, options.latentDim], 0, 1, 'float32', options.seed ?? 12345);
  const points = generatePoints(generator, noise);
  const verdict = tf.tidy(() =>
    tf.sigmoid(discriminator.predict(tf.tensor2d(points)) as tf.Tensor).dataSync(),
  );
  noise.dispose();
  let judgedReal = 0;
  let off = 0;
  let offJudgedReal = 0;
  points.forEach((point, i) => {
    const onSomeMode = components.some(
      (c) => Math.sqrt(c.mean.reduce((sum, m, d) => sum + (point[d] - m) ** 2, 0)) <= withinStd * c.std,
    );
    const real = verdict[i] > 0.5;
    if (real) judgedReal++;
    if (!onSomeMode) off++;
    if (real && !onSomeMode) offJudgedReal++;
  });
  return {
    judgedRealFraction: judgedReal / count,
    offModeFraction: off / count,
    offModeJudgedRealFraction: offJudgedReal / count,
  };
}
