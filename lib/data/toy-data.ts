/**
 * Seeded toy datasets in one and two dimensions: the small problems that come before images, where every
 * point can be drawn and every density can be computed (Gaussian blobs, two moons, a ring of Gaussians).
 */
import { createRng, type Rng, randomInt, randomNormal } from './random';

/** Points with their class (or mixture component) index. */
export interface LabelledPoints {
  /** One row per point: [x] in 1-D, [x, y] in 2-D. */
  points: number[][];
  /** The class or component each point was drawn from. */
  labels: number[];
}

/** One Gaussian component: a mean and a standard deviation (the same in every direction). */
export interface GaussianComponent {
  mean: number[];
  std: number;
  /** Relative weight in a mixture. Default 1. */
  weight?: number;
}

/** Options shared by the toy generators. */
export interface ToyDataOptions {
  /** Number of points. */
  count: number;
  /** Seed of the draw: the same seed gives the same points. Default 0. */
  seed?: number;
}

function checkCount(count: number): void {
  if (!Number.isInteger(count) || count < 0)
    throw new RangeError(`count must be an integer >= 0, got ${count}`);
}

function pickComponent(rng: Rng, cumulative: number[]): number {
  const u = rng() * cumulative[cumulative.length - 1];
  const index = cumulative.findIndex((c) => u < c);
  return index === -1 ? cumulative.length - 1 : index;
}

/**
 * Draws points from a mixture of isotropic Gaussians: each point picks a component with probability
 * proportional to its weight, then adds N(0, std²) noise to the component's mean in every dimension.
 */
export function sampleGaussianMixture(
  components: GaussianComponent[],
  options: ToyDataOptions,
): LabelledPoints {
  checkCount(options.count);
  if (components.length === 0) throw new Error('sampleGaussianMixture needs at least one component');
  const dims = components[0].mean.length;
  if (components.some((c) => c.mean.length !== dims))
    throw new Error('all components must have the same dimension');
  let total = 0;
  const cumulative = components.map((c) => {
    if (!((c.weight ?? 1) > 0)) throw new RangeError(`component weights must be > 0, got ${c.weight}`);
    total += c.weight ?? 1;
    return total;
  });
  const rng = createRng(options.seed ?? 0);
  const points: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < options.count; i++) {
    const k = pickComponent(rng, cumulative);
    const { mean, std } = components[k];
    points.push(mean.map((m) => m + std * randomNormal(rng)));
    labels.push(k);
  }
  return { points, labels };
}

/** The components of `count` Gaussians evenly spaced on a circle (the classic mode-collapse test). */
export function ringComponents(count = 8, radius = 2, std = 0.05): GaussianComponent[] {
  return Array.from({ length: count }, (_, k) => {
    const angle = (2 * Math.PI * k) / count;
    return { mean: [radius * Math.cos(angle), radius * Math.sin(angle)], std };
  });
}

/** Options of {@link sampleBlobs}. */
export interface BlobsOptions extends ToyDataOptions {
  /** Class centres. Default: three blobs at (-2, -1), (2, -1), (0, 2). */
  centres?: number[][];
  /** Spread of every blob. Default 0.8. */
  std?: number;
}

/** Gaussian blobs in 2-D, one class per blob, in equal proportions on average. */
export function sampleBlobs(options: BlobsOptions): LabelledPoints {
  const centres = options.centres ?? [
    [-2, -1],
    [2, -1],
    [0, 2],
  ];
  const std = options.std ?? 0.8;
  return sampleGaussianMixture(
    centres.map((mean) => ({ mean, std })),
    options,
  );
}

/** Options of {@link sampleMoons}. */
export interface MoonsOptions extends ToyDataOptions {
  /** Standard deviation of the noise added to each coordinate. Default 0.1. */
  noise?: number;
}

/** Two interleaving half circles (class 0 on top, class 1 below): not separable by a straight line. */
export function sampleMoons(options: MoonsOptions): LabelledPoints {
  checkCount(options.count);
  const noise = options.noise ?? 0.1;
  const rng = createRng(options.seed ?? 0);
  const points: number[][] = [];
  const labels: number[] = [];
  for (let i = 0; i < options.count; i++) {
    const label = randomInt(rng, 2);
    const t = Math.PI * rng();
    const [x, y] = label === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    points.push([x + noise * randomNormal(rng), y + noise * randomNormal(rng)]);
    labels.push(label);
  }
  return { points, labels };
}

/** Options of {@link countModesCovered}. */
export interface ModeCoverageOptions {
  /** A sample counts for the nearest mode when it lies within this many of that mode's std. Default 3. */
  withinStd?: number;
  /** A mode is covered when at least this fraction of the samples fall on it. Default: a quarter of uniform. */
  minFraction?: number;
}

/** How many modes of a mixture a set of samples covers, and the share of samples that hit no mode. */
export interface ModeCoverage {
  /** Samples assigned to each component (only those within range). */
  countsPerMode: number[];
  /** Number of components holding at least `minFraction` of the samples. */
  modesCovered: number;
  /** Fraction of samples near no mode ("off-manifold" samples). */
  offModeFraction: number;
}

/**
 * Counts which modes of a Gaussian mixture a set of generated samples covers: each sample is assigned to
 * the nearest component mean if it lies within `withinStd` standard deviations of it.
 */
export function countModesCovered(
  samples: number[][],
  components: GaussianComponent[],
  options: ModeCoverageOptions = {},
): ModeCoverage {
  const withinStd = options.withinStd ?? 3;
  const minFraction = options.minFraction ?? 0.25 / components.length;
  const countsPerMode = new Array(components.length).fill(0);
  let off = 0;
  for (const sample of samples) {
    let best = -1;
    let bestDistance = Number.POSITIVE_INFINITY;
    components.forEach((c, k) => {
      const distance = Math.sqrt(c.mean.reduce((sum, m, d) => sum + (sample[d] - m) ** 2, 0));
      if (distance < bestDistance) {
        bestDistance = distance;
        best = k;
      }
    });
    if (best >= 0 && bestDistance <= withinStd * components[best].std) countsPerMode[best]++;
    else off++;
  }
  const n = Math.max(samples.length, 1);
  return {
    countsPerMode,
    modesCovered: countsPerMode.filter((count) => count / n >= minFraction).length,
    offModeFraction: off / n,
  };
}
