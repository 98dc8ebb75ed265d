/**
 * Pictures from a trained DCGAN generator: a grid of samples, a row per class for the conditional variant,
 * digits of one chosen class, or walks through the latent space (each row decodes evenly spaced points on
 * the straight line between two random noise vectors).
 */
import * as tf from '@tensorflow/tfjs';
import { tfSeed } from '../data/random';
import { generateDcganImages, isConditionalDcgan } from './dcgan';
import { interpolateLinear } from './latent-space';

/** Options of {@link dcganSampleGrid}. */
export interface DcganSampleGridOptions {
  /** Number of images (rounded up to fill whole rows). Default 64. */
  count?: number;
  /** Conditional generators: every image of this class. */
  classLabel?: number;
  /** Conditional generators: one row per class (the default for them when no classLabel is given). */
  rowPerClass?: boolean;
  /** Rows of latent walks: `columns` points from one random z to another. Default false. */
  interpolate?: boolean;
  /** Images per row for walks and unconditional grids. Default 8. */
  columns?: number;
  /** Seed of the noise. Default 0. */
  seed?: number;
}

/** What {@link dcganSampleGrid} made: images in [-1, 1] (the caller disposes them) and the grid's columns. */
export interface DcganSampleGrid {
  images: tf.Tensor4D;
  columns: number;
  /** The class of each image (conditional generators). */
  labels?: number[];
  /** One line describing the grid. */
  description: string;
}

/** The noise length and (for the conditional variant) the number of classes a generator takes. */
export function dcganGeneratorInputs(generator: tf.LayersModel): { latentDim: number; numClasses: number } {
  const latentDim = generator.inputs[0].shape[1] as number;
  const numClasses = isConditionalDcgan(generator) ? (generator.inputs[1].shape[1] as number) : 0;
  return { latentDim, numClasses };
}

/**
 * Generates a grid of images from a generator (see the module comment for the kinds of grid).
 * @throws RangeError for a class label on an unconditional generator or a label out of range.
 */
export function dcganSampleGrid(
  generator: tf.LayersModel,
  options: DcganSampleGridOptions = {},
): DcganSampleGrid {
  const { latentDim, numClasses } = dcganGeneratorInputs(generator);
  const count = options.count ?? 64;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(count) || count < 1)
    throw new RangeError(`count must be a positive integer, got ${count}`);
  const { classLabel } = options;
  if (classLabel !== undefined) {
    if (numClasses === 0) {
      throw new RangeError(
        'This generator is unconditional: it cannot make a chosen class (train with --conditional).',
      );
    }
    if (!Number.isInteger(classLabel) || classLabel < 0 || classLabel >= numClasses) {
      throw new RangeError(`The class must be an integer from 0 to ${numClasses - 1}, got ${classLabel}.`);
    }
  }
  if (options.rowPerClass && numClasses === 0) {
    throw new RangeError('A row per class needs a conditional generator (train with --conditional).');
  }
  const columns = options.columns ?? 8;
  const perClassRows =
    numClasses > 0 && classLabel === undefined && (options.rowPerClass ?? !options.interpolate);
  let noise: tf.Tensor2D;
  let labels: number[] | undefined;
  let gridColumns: number;
  let description: string;
  if (options.interpolate) {
    if (columns < 2) throw new RangeError(`an interpolation row needs at least 2 columns, got ${columns}`);
    const rows = Math.max(1, Math.ceil(count / columns));
    const ends = tf
      .randomNormal([rows * 2, latentDim], 0, 1, 'float32', tfSeed(seed, 1))
      .arraySync() as number[][];
    const walks = ends.length / 2;
    const parts = Array.from({ length: walks }, (_, r) =>
      interpolateLinear(ends[2 * r], ends[2 * r + 1], columns),
    );
    noise = tf.concat(parts) as tf.Tensor2D;
    tf.dispose(parts);
    gridColumns = columns;
    if (numClasses > 0) {
      labels = Array.from(
        { length: rows * columns },
        (_, i) => classLabel ?? Math.floor(i / columns) % numClasses,
      );
    }
    description = `${rows} latent walks of ${columns} steps${classLabel !== undefined ? ` (class ${classLabel})` : ''}`;
  } else if (perClassRows) {
    gridColumns = Math.max(1, Math.ceil(count / numClasses));
    const total = gridColumns * numClasses;
    noise = tf.randomNormal([total, latentDim], 0, 1, 'float32', tfSeed(seed, 2));
    labels = Array.from({ length: total }, (_, i) => Math.floor(i / gridColumns));
    description = `one row per class (0-${numClasses - 1}), ${gridColumns} samples each`;
  } else {
    noise = tf.randomNormal([count, latentDim], 0, 1, 'float32', tfSeed(seed, 3));
    gridColumns = Math.min(columns, count);
    if (numClasses > 0) labels = new Array(count).fill(classLabel ?? 0);
    description = `${count} samples${classLabel !== undefined ? ` of class ${classLabel}` : ''}`;
  }
  try {
    const images = generateDcganImages(generator, noise, labels);
    return { images, columns: gridColumns, labels, description };
  } finally {
    noise.dispose();
  }
}
