/**
 * Batch samplers: functions `(batchSize, draw) => tf.Tensor` that give a GAN trainer its real examples,
 * either freshly drawn from a toy distribution or taken from a fixed set of examples (MNIST), seeded so
 * that a run can be repeated exactly.
 */
import * as tf from '@tensorflow/tfjs';
import { batchIndices } from './datasets';
import { deriveSeed } from './random';
import { type GaussianComponent, sampleGaussianMixture } from './toy-data';

/** Returns a new tensor of `batchSize` real examples; `draw` counts the calls (1, 2, 3, ...). */
export type RealBatchSampler = (batchSize: number, draw: number) => tf.Tensor;

/** Options of the samplers. */
export interface BatchSamplerOptions {
  /** Default 0. */
  seed?: number;
}

/**
 * Fresh points from a Gaussian mixture at every draw, as a float32 tensor [batchSize, dims]. Draw `i`
 * always gives the same points for the same seed.
 */
export function mixtureBatchSampler(
  components: GaussianComponent[],
  options: BatchSamplerOptions = {},
): RealBatchSampler {
  const seed = options.seed ?? 0;
  const dims = components[0]?.mean.length;
  if (!dims) throw new Error('mixtureBatchSampler needs at least one component with a mean');
  return (batchSize, draw) => {
    const { points } = sampleGaussianMixture(components, { count: batchSize, seed: deriveSeed(seed, draw) });
    return tf.tensor2d(points.flat(), [batchSize, dims], 'float32');
  };
}

/**
 * Batches from a fixed set of examples (first axis = examples): each epoch visits every example once in a
 * seeded order, dropping the last incomplete batch; the batch size must stay the same between calls.
 */
export function tensorBatchSampler(pool: tf.Tensor, options: BatchSamplerOptions = {}): RealBatchSampler {
  const seed = options.seed ?? 0;
  const size = pool.shape[0];
  let epoch = 0;
  let batches: Int32Array[] = [];
  let next = 0;
  let fixedBatchSize: number | undefined;
  return (batchSize) => {
    if (fixedBatchSize !== undefined && batchSize !== fixedBatchSize) {
      throw new Error(
        `tensorBatchSampler: batch size changed from ${fixedBatchSize} to ${batchSize}; make a new sampler`,
      );
    }
    if (batchSize > size) throw new RangeError(`batch size ${batchSize} exceeds the ${size} examples`);
    fixedBatchSize = batchSize;
    if (next >= batches.length) {
      batches = batchIndices(size, { batchSize, seed, epoch, dropRemainder: true });
      epoch++;
      next = 0;
    }
    const indices = batches[next++];
    return tf.tidy(() => tf.gather(pool, tf.tensor1d(indices, 'int32')));
  };
}
