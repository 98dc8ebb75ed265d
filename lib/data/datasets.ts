/**
 * Loading datasets as tensors, and seeded, leak-free batching.
 *
 *   const data = await loadDataset({ name: 'mnist-10k', range: 'symmetric', limit: 1000 });
 *   await forEachBatch(data.train, { batchSize: 64, seed: 1, epoch }, async ({ images, labels }) => { ... });
 *   data.dispose();
 */

import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  DATASET_NAMES,
  DATASETS,
  type DataLocations,
  type DataSourceKind,
  type DatasetName,
  DEFAULT_DATASET,
  IDX_BASENAMES,
  type IdxFileRole,
  repairHint,
  requireDataset,
} from './catalog';
import { IdxError, readIdx, writeIdx } from './idx';
import { deriveSeed, shuffledIndices } from './random';

/** Image height and width of every dataset here. */
export const IMAGE_SIZE = 28;

/** Pixel range of image tensors: 'unit' = [0, 1] (sigmoid outputs), 'symmetric' = [-1, 1] (tanh outputs). */
export type PixelRange = 'unit' | 'symmetric';

/** One split as raw bytes: `images` holds `size` images of 28×28 bytes (0-255), `labels` one byte each. */
export interface ByteSplit {
  images: Uint8Array;
  labels: Uint8Array;
  size: number;
}

/** A dataset as raw bytes, before conversion to tensors. */
export interface DatasetArrays {
  name: DatasetName;
  classNames: readonly string[];
  /** Where the files were read from. */
  source: { kind: DataSourceKind; dir: string };
  train: ByteSplit;
  test: ByteSplit;
}

/** Options for {@link loadDatasetArrays}. */
export interface LoadDatasetArraysOptions extends DataLocations {
  /** Which dataset. Default 'mnist-10k' (committed, always available). */
  name?: DatasetName;
  /** Keep at most this many examples of each split (the first ones), for quick runs. Default: all. */
  limit?: number;
}

/** Options for {@link loadDataset}. */
export interface LoadDatasetOptions extends LoadDatasetArraysOptions {
  /** Pixel range of the image tensors. Default 'unit' ([0, 1]). */
  range?: PixelRange;
}

/** One split as tensors. */
export interface TensorSplit {
  /** float32 images, shape [size, 28, 28, 1], in the dataset's pixel range. */
  images: tf.Tensor4D;
  /** int32 class labels, shape [size]. */
  labels: tf.Tensor1D;
  /** Number of examples. */
  size: number;
}

/** A dataset loaded as tensors, with a fixed train/test split. Call `dispose()` when done. */
export interface Dataset {
  name: DatasetName;
  title: string;
  /** Class names indexed by label (digits, or Fashion-MNIST's clothing names). */
  classNames: readonly string[];
  numClasses: number;
  range: PixelRange;
  /** Where the files were read from. */
  source: { kind: DataSourceKind; dir: string };
  train: TensorSplit;
  test: TensorSplit;
  /** Frees the four tensors. */
  dispose(): void;
}

const PIXEL_RANGES: readonly PixelRange[] = ['unit', 'symmetric'];

function checkName(name: string): asserts name is DatasetName {
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(`Unknown dataset '${name}'. Known datasets: ${DATASET_NAMES.join(', ')}.`);
  }
}

function checkRange(range: string): asserts range is PixelRange {
  if (!(PIXEL_RANGES as readonly string[]).includes(range)) {
    throw new RangeError(`Unknown pixel range '${range}': use 'unit' ([0, 1]) or 'symmetric' ([-1, 1]).`);
  }
}

function checkLimit(limit: number | undefined): void {
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
    throw new RangeError(`limit must be a positive integer, got ${limit}.`);
  }
}

async function readSplit(
  name: DatasetName,
  kind: DataSourceKind,
  files: Record<IdxFileRole, string>,
  which: 'train' | 'test',
  numClasses: number,
  limit: number | undefined,
): Promise<ByteSplit> {
  const hint = repairHint(name, kind);
  const imagesFile = which === 'train' ? files.trainImages : files.testImages;
  const labelsFile = which === 'train' ? files.trainLabels : files.testLabels;
  const [images, labels] = await Promise.all([
    readIdx(imagesFile, { expectedDims: [null, IMAGE_SIZE, IMAGE_SIZE], hint }),
    readIdx(labelsFile, { expectedDims: [null], hint }),
  ]);
  const count = images.dims[0];
  if (labels.dims[0] !== count) {
    throw new IdxError(
      labelsFile,
      'shape',
      `holds ${labels.dims[0]} labels but ${imagesFile} holds ${count} images`,
      hint,
    );
  }
  const bad = labels.data.findIndex((label) => label >= numClasses);
  if (bad >= 0) {
    throw new IdxError(
      labelsFile,
      'shape',
      `has label ${labels.data[bad]} at index ${bad}, outside the ${numClasses} classes 0-${numClasses - 1}`,
      hint,
    );
  }
  const size = limit === undefined ? count : Math.min(limit, count);
  const pixels = IMAGE_SIZE * IMAGE_SIZE;
  return {
    images: size === count ? images.data : images.data.slice(0, size * pixels),
    labels: size === count ? labels.data : labels.data.slice(0, size),
    size,
  };
}

/**
 * Loads a dataset's train and test splits as raw bytes (validated), without creating tensors.
 * @throws DatasetUnavailableError (with the command to get it) when its files are not on this machine.
 * @throws IdxError when a file is damaged (naming the file and how to repair it).
 */
export async function loadDatasetArrays(options: LoadDatasetArraysOptions = {}): Promise<DatasetArrays> {
  const name = options.name ?? DEFAULT_DATASET;
  checkName(name);
  checkLimit(options.limit);
  const located = requireDataset(name, options);
  const classNames = DATASETS[name].classNames;
  const [train, test] = await Promise.all([
    readSplit(name, located.kind, located.files, 'train', classNames.length, options.limit),
    readSplit(name, located.kind, located.files, 'test', classNames.length, options.limit),
  ]);
  return { name, classNames, source: { kind: located.kind, dir: located.dir }, train, test };
}

/** Converts bytes 0-255 to floats in the given range: 'unit' b/255, 'symmetric' b/127.5 − 1. */
export function bytesToFloat32(bytes: Uint8Array, range: PixelRange = 'unit'): Float32Array {
  checkRange(range);
  const out = new Float32Array(bytes.length);
  if (range === 'unit') {
    for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 255;
  } else {
    for (let i = 0; i < bytes.length; i++) out[i] = bytes[i] / 127.5 - 1;
  }
  return out;
}

/** Builds a float32 [n, 28, 28, 1] image tensor from n×784 bytes. */
export function imagesToTensor(bytes: Uint8Array, range: PixelRange = 'unit'): tf.Tensor4D {
  const pixels = IMAGE_SIZE * IMAGE_SIZE;
  if (bytes.length % pixels !== 0) {
    throw new RangeError(`Image bytes must be a multiple of ${pixels} long, got ${bytes.length}.`);
  }
  return tf.tensor4d(
    bytesToFloat32(bytes, range),
    [bytes.length / pixels, IMAGE_SIZE, IMAGE_SIZE, 1],
    'float32',
  );
}

function splitToTensors(split: ByteSplit, range: PixelRange): TensorSplit {
  return {
    images: imagesToTensor(split.images, range),
    labels: tf.tensor1d(Int32Array.from(split.labels), 'int32'),
    size: split.size,
  };
}

/**
 * Loads a dataset as tensors: float32 images [N, 28, 28, 1] in `range` and int32 labels [N], for the
 * fixed train and test splits ('mnist-10k': 8,000/2,000 stratified; full datasets: the official
 * 60,000/10,000). Call `dispose()` on the result when done.
 * @throws DatasetUnavailableError (with the command to get it) when its files are not on this machine.
 */
export async function loadDataset(options: LoadDatasetOptions = {}): Promise<Dataset> {
  const range = options.range ?? 'unit';
  checkRange(range);
  const arrays = await loadDatasetArrays(options);
  await tf.ready();
  const train = splitToTensors(arrays.train, range);
  const test = splitToTensors(arrays.test, range);
  return {
    name: arrays.name,
    title: DATASETS[arrays.name].title,
    classNames: arrays.classNames,
    numClasses: arrays.classNames.length,
    range,
    source: arrays.source,
    train,
    test,
    dispose() {
      tf.dispose([train.images, train.labels, test.images, test.labels]);
    },
  };
}

/** One-hot encodes int32 labels [N] as float32 [N, numClasses]. */
export function oneHot(labels: tf.Tensor1D, numClasses = 10): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(labels.toInt(), numClasses).toFloat() as tf.Tensor2D);
}

/** Maps images from `from` to [0, 1] (clipped), e.g. to display a tanh generator's output. */
export function toUnitRange<T extends tf.Tensor>(images: T, from: PixelRange): T {
  checkRange(from);
  return tf.tidy(() => {
    const unit = from === 'unit' ? images : tf.div(tf.add(images, 1), 2);
    return tf.clipByValue(unit, 0, 1) as T;
  });
}

/** Options for {@link batchIndices} and {@link forEachBatch}. */
export interface BatchOptions {
  /** Examples per batch. Default 64. */
  batchSize?: number;
  /** Shuffle the order. Default true. */
  shuffle?: boolean;
  /** Seed of the shuffle: the same seed and epoch always give the same batches. Default 0. */
  seed?: number;
  /** Epoch number, mixed into the seed so each epoch has its own (reproducible) order. Default 0. */
  epoch?: number;
  /** Drop the last batch if it is smaller than batchSize. Default false. */
  dropRemainder?: boolean;
}

/**
 * Splits 0 … size−1 into batches of indices, shuffled deterministically by (seed, epoch) unless
 * `shuffle` is false.
 */
export function batchIndices(size: number, options: BatchOptions = {}): Int32Array[] {
  const batchSize = options.batchSize ?? 64;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  const epoch = options.epoch ?? 0;
  const order =
    options.shuffle === false
      ? Int32Array.from({ length: size }, (_, i) => i)
      : shuffledIndices(size, deriveSeed(options.seed ?? 0, epoch));
  const batches: Int32Array[] = [];
  for (let start = 0; start < size; start += batchSize) {
    const batch = order.subarray(start, Math.min(start + batchSize, size));
    if (options.dropRemainder && batch.length < batchSize) break;
    batches.push(batch);
  }
  return batches;
}

/** A batch of examples. Its tensors belong to whoever created the batch. */
export interface Batch {
  /** float32 [n, 28, 28, 1]. */
  images: tf.Tensor4D;
  /** int32 [n]. */
  labels: tf.Tensor1D;
  /** Position of this batch in the epoch, from 0. */
  index: number;
  /** Number of examples n. */
  size: number;
}

/** Gathers the examples at `indices` into a new batch; the caller must dispose its tensors. */
export function takeBatch(split: TensorSplit, indices: Int32Array | number[], index = 0): Batch {
  const size = indices.length;
  const { images, labels } = tf.tidy(() => {
    const idx = tf.tensor1d(Int32Array.from(indices), 'int32');
    return {
      images: tf.gather(split.images, idx) as tf.Tensor4D,
      labels: tf.gather(split.labels, idx) as tf.Tensor1D,
    };
  });
  return { images, labels, index, size };
}

/**
 * Calls `fn` with each batch of one epoch, in a seeded order, and disposes every batch's tensors
 * after `fn` returns (or throws), so nothing leaks. Use tf.clone() on a batch tensor to keep it.
 * @returns the number of batches.
 */
export async function forEachBatch(
  split: TensorSplit,
  options: BatchOptions,
  fn: (batch: Batch) => void | Promise<void>,
): Promise<number> {
  const batches = batchIndices(split.size, options);
  for (let i = 0; i < batches.length; i++) {
    const batch = takeBatch(split, batches[i], i);
    try {
      await fn(batch);
    } finally {
      batch.images.dispose();
      batch.labels.dispose();
    }
  }
  return batches.length;
}

/**
 * Writes train and test splits as the four standard gzipped IDX files in `dir` (created if needed),
 * e.g. to make a small dataset for tests or experiments that {@link loadDataset} can read.
 */
export async function writeDatasetFiles(
  dir: string,
  splits: { train: ByteSplit; test: ByteSplit },
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const pixels = IMAGE_SIZE * IMAGE_SIZE;
  for (const which of ['train', 'test'] as const) {
    const { images, labels, size } = splits[which];
    if (images.length !== size * pixels || labels.length !== size) {
      throw new RangeError(`The ${which} split needs ${size} images of ${pixels} bytes and ${size} labels.`);
    }
    const imagesBase = which === 'train' ? IDX_BASENAMES.trainImages : IDX_BASENAMES.testImages;
    const labelsBase = which === 'train' ? IDX_BASENAMES.trainLabels : IDX_BASENAMES.testLabels;
    await writeIdx(join(dir, `${imagesBase}.gz`), { dims: [size, IMAGE_SIZE, IMAGE_SIZE], data: images });
    await writeIdx(join(dir, `${labelsBase}.gz`), { dims: [size], data: labels });
  }
}
