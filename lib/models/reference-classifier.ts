/**
 * The reference classifier: a small CNN trained once on the default digits (mnist-10k), whose committed
 * weights every notebook loads without training. Later notebooks score generated digits with it: its
 * penultimate layer ('features', 128 values per image) feeds the classifier Fréchet distance, its class
 * probabilities the classifier score.
 *
 * Retrain it with `npm run train-reference-classifier` (seeded: the same backend gives the same weights).
 */
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { PROJECT_ROOT } from '../config/paths';
import { randomShift } from '../data/augment';
import { type Dataset, type PixelRange, toUnitRange } from '../data/datasets';
import { deriveSeed } from '../data/random';
import type { TrainingLog } from '../training/training-log';
import type { PeriodicCallback } from '../training/training-loop';
import type { ProgressMode } from '../visualisation/progress';
import { evaluateAccuracy, predictInBatches, trainClassifier } from './classifier-training';
import { buildSmallCnn } from './classifiers';
import { fileSystemHandler } from './io/file-system-handler';

/** Where the committed weights live: `data/reference-classifier/`. */
export const REFERENCE_CLASSIFIER_DIR = path.join(PROJECT_ROOT, 'data', 'reference-classifier');

/** The name of the penultimate layer, whose outputs are the classifier's features. */
export const REFERENCE_FEATURES_LAYER = 'features';

/** Number of features per image. */
export const REFERENCE_FEATURE_SIZE = 128;

/** Accuracy the committed classifier must reach on the 2,000 held-out mnist-10k digits. */
export const REFERENCE_MIN_ACCURACY = 0.98;

/** How the reference classifier was trained, stored in its model.json. */
export interface ReferenceClassifierMetadata {
  dataset: string;
  trainSize: number;
  testSize: number;
  testAccuracy: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  seed: number;
  maxShift: number;
  backend: string;
  tfjsVersion: string;
  trainingSeconds: number;
}

/** Options of {@link trainReferenceClassifier}. */
export interface ReferenceTrainingOptions {
  /** Passes over the training split. Default 20. */
  epochs?: number;
  /** Default 64. */
  batchSize?: number;
  /** Adam's learning rate. Default 1e-3. */
  learningRate?: number;
  /** Seed of the initial weights, the batch order and the augmentation. Default 0. */
  seed?: number;
  /** Random shifts of up to this many pixels (data augmentation); 0 for none. Default 2. */
  maxShift?: number;
  /** Progress display mode. Default 'auto'. */
  progress?: ProgressMode;
  /** Periodic callbacks of the training loop. */
  callbacks?: PeriodicCallback[];
}

/**
 * The reference architecture: conv 5×5 (32) → max-pool → conv 5×5 (64) → max-pool → dense 128 ReLU
 * ('features') → dense 10 (logits). Input: images [N, 28, 28, 1] in [0, 1].
 */
export function buildReferenceClassifier(seed = 0): tf.Sequential {
  return buildSmallCnn({
    inputShape: [28, 28, 1],
    numClasses: 10,
    filters: [32, 64],
    kernelSize: 5,
    hiddenUnits: REFERENCE_FEATURE_SIZE,
    seed,
    name: 'reference-classifier',
  });
}

/**
 * Trains the reference architecture on a dataset loaded in the 'unit' range (Adam, random shifts as
 * augmentation, everything seeded) and measures its accuracy on the test split.
 */
export async function trainReferenceClassifier(
  data: Dataset,
  options: ReferenceTrainingOptions = {},
): Promise<{ model: tf.Sequential; log: TrainingLog; metadata: ReferenceClassifierMetadata }> {
  if (data.range !== 'unit') {
    throw new RangeError(
      `The reference classifier trains on images in [0, 1]: load the data with range: 'unit'.`,
    );
  }
  const epochs = options.epochs ?? 20;
  const batchSize = options.batchSize ?? 64;
  const learningRate = options.learningRate ?? 1e-3;
  const seed = options.seed ?? 0;
  const maxShift = options.maxShift ?? 2;
  const model = buildReferenceClassifier(seed);
  const started = performance.now();
  const log = await trainClassifier(
    model,
    { inputs: data.train.images, labels: data.train.labels },
    {
      epochs,
      batchSize,
      learningRate,
      seed,
      label: 'reference classifier',
      progress: options.progress,
      callbacks: options.callbacks,
      augment:
        maxShift > 0
          ? (images, step) => randomShift(images as tf.Tensor4D, { maxShift, seed: deriveSeed(seed, step) })
          : undefined,
    },
  );
  const trainingSeconds = (performance.now() - started) / 1000;
  const testAccuracy = evaluateAccuracy(model, { inputs: data.test.images, labels: data.test.labels });
  return {
    model,
    log,
    metadata: {
      dataset: data.name,
      trainSize: data.train.size,
      testSize: data.test.size,
      testAccuracy,
      epochs,
      batchSize,
      learningRate,
      seed,
      maxShift,
      backend: tf.getBackend(),
      tfjsVersion: tf.version.tfjs,
      trainingSeconds: Math.round(trainingSeconds),
    },
  };
}

/** Saves a trained reference classifier with its metadata (atomically, see fileSystemHandler). */
export async function saveReferenceClassifier(
  model: tf.LayersModel,
  metadata: ReferenceClassifierMetadata,
  location: string = REFERENCE_CLASSIFIER_DIR,
): Promise<void> {
  model.setUserDefinedMetadata({ referenceClassifier: metadata });
  await model.save(fileSystemHandler(location));
}

/** Options of the {@link ReferenceClassifier} methods that take images. */
export interface ReferenceInputOptions {
  /** Pixel range of the images: 'unit' [0, 1] (default) or 'symmetric' [-1, 1] (tanh generators). */
  range?: PixelRange;
  /** Images per forward pass. Default 500. */
  batchSize?: number;
}

/**
 * The loaded reference classifier. Its methods take images [N, 28, 28, 1] and return new tensors that the
 * caller disposes; `dispose()` frees the network.
 */
export class ReferenceClassifier {
  /** The network that outputs features (the penultimate layer). */
  readonly featureModel: tf.LayersModel;

  constructor(
    /** The full network (logits). */
    readonly model: tf.LayersModel,
    /** How it was trained, and its test accuracy. */
    readonly metadata: ReferenceClassifierMetadata,
  ) {
    this.featureModel = tf.model({
      inputs: model.inputs,
      outputs: model.getLayer(REFERENCE_FEATURES_LAYER).output as tf.SymbolicTensor,
    });
  }

  private prepare(images: tf.Tensor, range: PixelRange): tf.Tensor4D {
    const [, h, w, c] = images.shape;
    if (images.rank !== 4 || h !== 28 || w !== 28 || c !== 1) {
      throw new RangeError(
        `The reference classifier takes images [N, 28, 28, 1]; got [${images.shape.join(', ')}]. ` +
          'Reshape flat vectors with images.reshape([-1, 28, 28, 1]).',
      );
    }
    return toUnitRange(images as tf.Tensor4D, range);
  }

  private run(network: tf.LayersModel, images: tf.Tensor, options: ReferenceInputOptions): tf.Tensor2D {
    const prepared = this.prepare(images, options.range ?? 'unit');
    try {
      return predictInBatches(network, prepared, options.batchSize ?? 500);
    } finally {
      prepared.dispose();
    }
  }

  /** Logits [N, 10]. */
  logits(images: tf.Tensor, options: ReferenceInputOptions = {}): tf.Tensor2D {
    return this.run(this.model, images, options);
  }

  /** Class probabilities p(y | x) [N, 10] (softmax of the logits). */
  probabilities(images: tf.Tensor, options: ReferenceInputOptions = {}): tf.Tensor2D {
    const logits = this.logits(images, options);
    const probabilities = tf.softmax(logits) as tf.Tensor2D;
    logits.dispose();
    return probabilities;
  }

  /** The predicted digit of each image. */
  classify(images: tf.Tensor, options: ReferenceInputOptions = {}): Int32Array {
    const logits = this.logits(images, options);
    const classes = tf.argMax(logits, 1);
    const values = Int32Array.from(classes.dataSync());
    tf.dispose([logits, classes]);
    return values;
  }

  /** Penultimate-layer features [N, 128]: what the Fréchet distance compares. */
  features(images: tf.Tensor, options: ReferenceInputOptions = {}): tf.Tensor2D {
    return this.run(this.featureModel, images, options);
  }

  /** Frees the network's weights. */
  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Loads the committed reference classifier (no training). `location` defaults to
 * `data/reference-classifier/`.
 * @throws ModelFileError when the files are missing or damaged (saying how to restore or retrain them).
 */
export async function loadReferenceClassifier(
  location: string = REFERENCE_CLASSIFIER_DIR,
): Promise<ReferenceClassifier> {
  const model = await tf.loadLayersModel(fileSystemHandler(location));
  const metadata = (
    model.getUserDefinedMetadata() as { referenceClassifier?: ReferenceClassifierMetadata } | undefined
  )?.referenceClassifier;
  if (metadata === undefined) {
    model.dispose();
    throw new Error(
      `${location} holds a model without reference-classifier metadata: retrain it with ` +
        '`npm run train-reference-classifier`.',
    );
  }
  return new ReferenceClassifier(model, metadata);
}
