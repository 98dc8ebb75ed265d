/**
 * Training and evaluating plain autoencoders: one step (mean squared error between the rebuilt and the
 * target images, `optimizer.minimize` over the autoencoder's own variables), a whole epoch-based run on
 * {@link runTrainingLoop} with the held-out error after every epoch, the held-out reconstruction error,
 * and Gaussian pixel noise for denoising autoencoders.
 */
import * as tf from '@tensorflow/tfjs';
import { assertConvTrainingSupported } from '../backend/conv-guard';
import { deriveSeed } from '../data/random';
import type { Autoencoder } from '../models/autoencoder';
import { type EpochTrainingOptions, gatherImages, prepareEpochTraining } from './epoch-schedule';
import type { StepMetrics, TrainingLog } from './training-log';
import { runTrainingLoop } from './training-loop';

/**
 * Adds Gaussian noise of standard deviation `std` to images in [0, 1] and clips the result to [0, 1]:
 * the corrupted inputs of a denoising autoencoder (TensorFlow's tutorial uses std 0.2).
 */
export function addGaussianNoise(images: tf.Tensor4D, std: number, seed: number): tf.Tensor4D {
  if (!Number.isFinite(std) || std < 0) throw new RangeError(`std must be a number >= 0, got ${std}.`);
  return tf.tidy(
    () =>
      tf.clipByValue(
        tf.add(images, tf.randomNormal(images.shape, 0, std, 'float32', seed)),
        0,
        1,
      ) as tf.Tensor4D,
  );
}

/**
 * One training step: minimises the mean squared error between `model.reconstruct(inputs)` and `targets`
 * (the inputs themselves, or the clean images for a denoising autoencoder) over the model's own variables.
 * @returns the batch's loss before the update.
 */
export function autoencoderTrainStep(
  model: Autoencoder,
  optimizer: tf.Optimizer,
  inputs: tf.Tensor4D,
  targets: tf.Tensor4D = inputs,
): number {
  const loss = optimizer.minimize(
    () => tf.losses.meanSquaredError(targets, model.reconstruct(inputs)) as tf.Scalar,
    true,
    model.trainableVariables(),
  ) as tf.Scalar;
  const value = loss.dataSync()[0];
  loss.dispose();
  return value;
}

/** Options of {@link reconstructionError}. */
export interface ReconstructionErrorOptions {
  /** Images per forward pass. Default 500. */
  batchSize?: number;
  /** Corrupt the inputs with this much Gaussian noise (targets stay clean). Default 0. */
  noiseStd?: number;
  /** Seed of the noise. Default 0. */
  seed?: number;
  /** Compare the reconstructions with these images instead of the inputs (e.g. clean versions of noisy inputs). */
  targets?: tf.Tensor4D;
}

/** Mean squared error per pixel of a set of images, overall and per image. */
export interface ReconstructionError {
  /** Mean over all images and pixels. */
  mse: number;
  /** Mean over the pixels of each image. */
  perImage: Float32Array;
}

/**
 * The reconstruction error of `model` on `images` (pixel values in [0, 1]), computed in batches: how far
 * `model.reconstruct(images)` (after optional noise) is from `images`, or from `options.targets`.
 */
export function reconstructionError(
  model: Autoencoder,
  images: tf.Tensor4D,
  options: ReconstructionErrorOptions = {},
): ReconstructionError {
  const { batchSize = 500, noiseStd = 0, seed = 0, targets = images } = options;
  const n = images.shape[0];
  if (targets.shape.join() !== images.shape.join()) {
    throw new RangeError(
      `targets [${targets.shape.join(', ')}] must have the shape of the images [${images.shape.join(', ')}].`,
    );
  }
  const perImage = new Float32Array(n);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const errors = tf.tidy(() => {
      const batch = tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]);
      const inputs = noiseStd > 0 ? addGaussianNoise(batch, noiseStd, deriveSeed(seed, start)) : batch;
      const wanted = tf.slice(targets, [start, 0, 0, 0], [size, -1, -1, -1]);
      return tf.mean(tf.squaredDifference(model.reconstruct(inputs), wanted), [1, 2, 3]);
    });
    perImage.set(errors.dataSync(), start);
    errors.dispose();
  }
  const mse = perImage.reduce((sum, value) => sum + value, 0) / n;
  return { mse, perImage };
}

/** Options of {@link trainAutoencoder}. */
export interface TrainAutoencoderOptions extends EpochTrainingOptions {
  /** Training images [N, 28, 28, 1] in [0, 1]. */
  trainImages: tf.Tensor4D;
  /**
   * Held-out images: their reconstruction error is logged as `testMse` after every epoch (with `noiseStd`,
   * of noisy held-out inputs against the clean images).
   */
  testImages?: tf.Tensor4D;
  /** Seed of the batch order and the noise. Default 0. */
  seed?: number;
  /** Train as a denoising autoencoder: inputs get this much Gaussian noise, targets stay clean. Default 0. */
  noiseStd?: number;
  /** Progress label. Default 'autoencoder'. */
  label?: string;
  /** Called after each epoch (from 1), once its `testMse` is in the log. */
  onEpochEnd?: (epoch: number, log: TrainingLog) => void | Promise<void>;
}

/**
 * Trains an autoencoder with Adam for some epochs, logging the batch loss (`loss`, MSE per pixel) every
 * step and the held-out `testMse` after every epoch. Conv models are checked against the backend first.
 */
export async function trainAutoencoder(
  model: Autoencoder,
  options: TrainAutoencoderOptions,
): Promise<TrainingLog> {
  if (model.kind === 'conv') assertConvTrainingSupported();
  const { trainImages, testImages, seed = 0, noiseStd = 0 } = options;
  const { schedule, optimizer, callbacks } = prepareEpochTraining(options);
  try {
    return await runTrainingLoop(
      {
        steps: schedule.totalSteps,
        label: options.label ?? 'autoencoder',
        progress: options.progress,
        callbacks,
      },
      (step): StepMetrics => {
        const batch = schedule.batchAt(step);
        const clean = gatherImages(trainImages, batch.indices);
        const inputs = noiseStd > 0 ? addGaussianNoise(clean, noiseStd, deriveSeed(seed, step)) : clean;
        const loss = autoencoderTrainStep(model, optimizer, inputs, clean);
        tf.dispose([clean, inputs]);
        if (!batch.endsEpoch || !testImages) return { loss };
        return { loss, testMse: reconstructionError(model, testImages, { noiseStd, seed: 1 }).mse };
      },
    );
  } finally {
    optimizer.dispose();
  }
}
