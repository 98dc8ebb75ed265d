/**
 * One object that scores image generators the same way, with the real-data baseline beside them: the
 * Fréchet classifier distance to the training set, the classifier score, mean confidence and class
 * coverage from the reference classifier, sharpness, and the distance to the nearest training image.
 */
import * as tf from '@tensorflow/tfjs';
import type { DatasetName } from '../data/catalog';
import { loadDataset, type PixelRange, toUnitRange } from '../data/datasets';
import { shuffledIndices } from '../data/random';
import { loadReferenceClassifier, type ReferenceClassifier } from '../models/reference-classifier';
import { type ClassCoverage, classCoverage, classifierScore, meanConfidence } from './classifier-score';
import { classifierFeatureFit } from './frechet-classifier-distance';
import { frechetDistance } from './frechet-distance';
import type { GaussianFit } from './gaussian-fit';
import { type MemorisationReport, memorisationReport, nearestNeighbourDistances } from './memorisation';
import { highFrequencyEnergy, laplacianVariance } from './sharpness';

/** Every score of one set of images (generated, or the real held-out baseline). */
export interface GeneratorMetrics {
  /** Fréchet classifier distance to the training set's features (lower is better; the baseline is the floor). */
  frechetClassifierDistance: number;
  /** exp(E KL(p(y|x) ‖ p(y))), 1..10: high for confident, varied digits. */
  classifierScore: number;
  /** Mean of max_y p(y|x). */
  meanConfidence: number;
  /** Histogram of predicted digits, KL to uniform, digits below the threshold. */
  coverage: ClassCoverage;
  /** Mean variance of the Laplacian (higher = sharper). */
  sharpness: number;
  /** Mean share of spectral energy above half the Nyquist frequency. */
  highFrequencyEnergy: number;
  /** Median distance (pixels, Euclidean, [0, 1] range) from an image to its nearest training image. */
  nearestTrainDistance: number;
  /** The nearest-training-image distances against those of the held-out real images. */
  memorisation: MemorisationReport;
  /** Number of images scored. */
  sampleCount: number;
}

/** Options of {@link GeneratorEvaluator.create}. */
export interface GeneratorEvaluatorOptions {
  /**
   * Images per evaluation, and held-out images in the baseline. Default 1000. The Fréchet distance of a
   * sample is biased upwards, more so for small samples: the baseline and every model are scored with this
   * same number of images so that their values can be compared.
   */
  sampleCount?: number;
  /** Seed of the held-out subset used by the baseline. Default 0. */
  seed?: number;
  /** Dataset to load when `train` and `heldOut` are not given. Default 'mnist-10k' (the classifier's data). */
  datasetName?: DatasetName;
  /** Coverage threshold: a digit below this fraction counts as missing. Default 0.05. */
  coverageThreshold?: number;
}

/** What {@link GeneratorEvaluator.create} also accepts: data and classifier already loaded. */
export interface GeneratorEvaluatorSources {
  /** Training images [N, 28, 28, 1] in [0, 1] (not disposed by the evaluator). */
  train?: tf.Tensor4D;
  /** Held-out real images [M ≥ sampleCount, 28, 28, 1] in [0, 1] (not disposed by the evaluator). */
  heldOut?: tf.Tensor4D;
  /** The reference classifier (not disposed by the evaluator). */
  classifier?: ReferenceClassifier;
}

/** Options of {@link GeneratorEvaluator.evaluate}. */
export interface EvaluateImagesOptions {
  /** Pixel range of the images: 'unit' [0, 1] (default) or 'symmetric' [-1, 1] (tanh generators). */
  range?: PixelRange;
}

/**
 * Scores sets of generated digits against the training set, the same way for every model, and the
 * real-vs-real baseline (held-out digits scored as if they were generated). Create it once with
 * `await GeneratorEvaluator.create()`: it loads the reference classifier and mnist-10k and fits the
 * training set's features. `dispose()` frees what it loaded.
 */
export class GeneratorEvaluator {
  private cachedBaseline: GeneratorMetrics | undefined;
  private heldOutDistances: Float32Array | undefined;

  private constructor(
    /** The reference classifier. */
    readonly classifier: ReferenceClassifier,
    /** Training images in [0, 1]: the reference of the Fréchet distance and the nearest-neighbour search. */
    readonly train: tf.Tensor4D,
    /** `sampleCount` held-out real images in [0, 1]: the baseline. */
    readonly heldOut: tf.Tensor4D,
    /** Gaussian fit of the training images' classifier features. */
    readonly trainFit: GaussianFit,
    /** Images per evaluation. */
    readonly sampleCount: number,
    readonly coverageThreshold: number,
    private readonly owned: tf.Tensor[],
    private readonly ownsClassifier: boolean,
  ) {}

  /** Loads what is not given (classifier, dataset), picks the held-out subset and fits the training features. */
  static async create(
    options: GeneratorEvaluatorOptions & GeneratorEvaluatorSources = {},
  ): Promise<GeneratorEvaluator> {
    const sampleCount = options.sampleCount ?? 1000;
    if (!Number.isInteger(sampleCount) || sampleCount < 2) {
      throw new RangeError(`sampleCount must be an integer >= 2, got ${sampleCount}.`);
    }
    const owned: tf.Tensor[] = [];
    let train = options.train;
    let heldOutPool = options.heldOut;
    if (!train || !heldOutPool) {
      const data = await loadDataset({ name: options.datasetName ?? 'mnist-10k', range: 'unit' });
      tf.dispose([data.train.labels, data.test.labels]);
      if (train) data.train.images.dispose();
      else {
        train = data.train.images;
        owned.push(train);
      }
      if (heldOutPool) data.test.images.dispose();
      else {
        heldOutPool = data.test.images;
        owned.push(heldOutPool);
      }
    }
    const trainImages: tf.Tensor4D = train;
    const pool: tf.Tensor4D = heldOutPool;
    const classifier = options.classifier ?? (await loadReferenceClassifier());
    try {
      if (pool.shape[0] < sampleCount) {
        throw new RangeError(
          `The baseline needs ${sampleCount} held-out images, got ${pool.shape[0]}: lower sampleCount.`,
        );
      }
      const picked = shuffledIndices(pool.shape[0], options.seed ?? 0).slice(0, sampleCount);
      const heldOut = tf.tidy(() => tf.gather(pool, tf.tensor1d(picked, 'int32')) as tf.Tensor4D);
      owned.push(heldOut);
      const trainFit = classifierFeatureFit(classifier, trainImages);
      return new GeneratorEvaluator(
        classifier,
        trainImages,
        heldOut,
        trainFit,
        sampleCount,
        options.coverageThreshold ?? 0.05,
        owned,
        options.classifier === undefined,
      );
    } catch (error) {
      tf.dispose(owned);
      if (options.classifier === undefined) classifier.dispose();
      throw error;
    }
  }

  /** Nearest-training-image distances of the held-out baseline images (computed once). */
  private baselineDistances(): Float32Array {
    this.heldOutDistances ??= nearestNeighbourDistances(this.heldOut, this.train);
    return this.heldOutDistances;
  }

  /**
   * Scores images [N ≥ sampleCount, 28, 28, 1]; only the first `sampleCount` are used, so that every model
   * and the baseline are scored on the same number of images. Does not dispose the input.
   * @throws RangeError for fewer than `sampleCount` images or another shape.
   */
  evaluate(images: tf.Tensor4D, options: EvaluateImagesOptions = {}): GeneratorMetrics {
    const [n, h, w, c] = images.shape;
    if (images.rank !== 4 || h !== 28 || w !== 28 || c !== 1) {
      throw new RangeError(
        `GeneratorEvaluator.evaluate takes images [N, 28, 28, 1]; got [${images.shape.join(', ')}]. ` +
          'Reshape flat vectors with images.reshape([-1, 28, 28, 1]).',
      );
    }
    if (n < this.sampleCount) {
      throw new RangeError(
        `GeneratorEvaluator.evaluate needs ${this.sampleCount} images (the baseline's sample size), got ${n}: ` +
          'generate evaluator.sampleCount images, or create the evaluator with a smaller sampleCount.',
      );
    }
    const unit = tf.tidy(() =>
      toUnitRange(
        n === this.sampleCount ? images : tf.slice(images, 0, this.sampleCount),
        options.range ?? 'unit',
      ),
    );
    try {
      return this.score(unit, this.baselineDistances());
    } finally {
      unit.dispose();
    }
  }

  /**
   * The real-vs-real baseline: `sampleCount` held-out real digits scored like generated ones against the
   * training set (cached). It is what a perfect generator would get, sampling bias included.
   */
  baseline(): GeneratorMetrics {
    this.cachedBaseline ??= this.score(this.heldOut, this.baselineDistances());
    return this.cachedBaseline;
  }

  private score(images: tf.Tensor4D, heldOutDistances: Float32Array): GeneratorMetrics {
    const probabilities = this.classifier.probabilities(images);
    let coverage: ClassCoverage;
    let score: number;
    let confidence: number;
    try {
      score = classifierScore(probabilities);
      confidence = meanConfidence(probabilities);
      coverage = classCoverage(probabilities, { threshold: this.coverageThreshold });
    } finally {
      probabilities.dispose();
    }
    const distances =
      images === this.heldOut ? heldOutDistances : nearestNeighbourDistances(images, this.train);
    const memorisation = memorisationReport(distances, heldOutDistances);
    return {
      frechetClassifierDistance: frechetDistance(
        classifierFeatureFit(this.classifier, images),
        this.trainFit,
      ),
      classifierScore: score,
      meanConfidence: confidence,
      coverage,
      sharpness: laplacianVariance(images),
      highFrequencyEnergy: highFrequencyEnergy(images),
      nearestTrainDistance: memorisation.medianDistance,
      memorisation,
      sampleCount: images.shape[0],
    };
  }

  /** Frees the tensors it loaded or made and, unless it was given, the classifier. */
  dispose(): void {
    tf.dispose(this.owned);
    if (this.ownsClassifier) this.classifier.dispose();
  }
}

/**
 * The metrics as one flat record of numbers, for a TrainingLog row or a polars table:
 * `fcd, classifierScore, meanConfidence, coverageKl, classesBelow5pct, minClassFraction, sharpness,
 * highFrequencyEnergy, nearestTrainDistance` (`classesBelow5pct` counts the classes below the evaluator's
 * threshold, 5% by default).
 */
export function metricsRecord(metrics: GeneratorMetrics): Record<string, number> {
  return {
    fcd: metrics.frechetClassifierDistance,
    classifierScore: metrics.classifierScore,
    meanConfidence: metrics.meanConfidence,
    coverageKl: metrics.coverage.klToUniform,
    classesBelow5pct: metrics.coverage.classesBelowThreshold,
    minClassFraction: metrics.coverage.minFraction,
    sharpness: metrics.sharpness,
    highFrequencyEnergy: metrics.highFrequencyEnergy,
    nearestTrainDistance: metrics.nearestTrainDistance,
  };
}
