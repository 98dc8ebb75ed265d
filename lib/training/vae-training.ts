/**
 * Training and evaluating VAEs: one step (the β-weighted loss of `vaeLossTerms`, minimised over the VAE's
 * own variables, with fresh reparameterisation noise from a per-step seed), the held-out negative ELBO
 * in nats per image, and an epoch-based run on {@link runTrainingLoop} that logs the reconstruction and
 * KL terms separately.
 */
import * as tf from '@tensorflow/tfjs';
import { assertConvTrainingSupported } from '../backend/conv-guard';
import { deriveSeed } from '../data/random';
import type { Vae } from '../models/vae';
import {
  bernoulliNegLogLikelihood,
  klDivergencePerDimension,
  reparameterize,
  vaeLossTerms,
} from '../models/vae-objective';
import { type EpochTrainingOptions, gatherImages, prepareEpochTraining } from './epoch-schedule';
import type { TrainingLog } from './training-log';
import { runTrainingLoop } from './training-loop';

/** What one VAE step reports, averaged over the batch, in nats per image. */
export interface VaeStepMetrics {
  /** reconstruction + β·KL, the minimised loss. */
  loss: number;
  reconstruction: number;
  kl: number;
  /** reconstruction + KL, whatever β is. */
  negativeElbo: number;
}

/** Options of {@link vaeTrainStep}. */
export interface VaeStepOptions {
  /** Weight of the KL term. Default 1. */
  beta?: number;
  /** Seed of this step's reparameterisation noise. */
  seed: number;
}

/**
 * One training step: minimises reconstruction + β·KL on `images` over the VAE's own variables.
 * @returns the terms before the update.
 */
export function vaeTrainStep(
  vae: Vae,
  optimizer: tf.Optimizer,
  images: tf.Tensor4D,
  options: VaeStepOptions,
): VaeStepMetrics {
  let kept: tf.Tensor | undefined;
  const loss = optimizer.minimize(
    () => {
      const terms = vaeLossTerms(vae, images, options);
      kept = tf.keep(tf.stack([terms.reconstruction, terms.kl]));
      return terms.loss;
    },
    true,
    vae.trainableVariables(),
  ) as tf.Scalar;
  const [reconstruction, kl] = (kept as tf.Tensor).dataSync();
  const value = loss.dataSync()[0];
  tf.dispose([loss, kept as tf.Tensor]);
  return { loss: value, reconstruction, kl, negativeElbo: reconstruction + kl };
}

/** Options of {@link evaluateVae}. */
export interface EvaluateVaeOptions {
  /** Images per forward pass. Default 500. */
  batchSize?: number;
  /** Seed of the reparameterisation noise, fixed so that repeated evaluations are comparable. Default 0. */
  seed?: number;
}

/** A VAE's held-out terms, averaged over the images, in nats per image. */
export interface VaeEvaluation {
  /** reconstruction + KL: an upper bound on −log p(x) (one-sample estimate). */
  negativeElbo: number;
  reconstruction: number;
  kl: number;
  /** The KL term split by code dimension (sums to `kl`): near 0 marks a dimension the model does not use. */
  klPerDimension: number[];
}

/**
 * The negative ELBO of `images` under `vae`, with the KL term per code dimension, computed in batches with
 * one reparameterised sample per image.
 */
export function evaluateVae(vae: Vae, images: tf.Tensor4D, options: EvaluateVaeOptions = {}): VaeEvaluation {
  const { batchSize = 500, seed = 0 } = options;
  const n = images.shape[0];
  if (n === 0) throw new RangeError('evaluateVae needs at least one image.');
  let reconstructionSum = 0;
  const klSums = new Float64Array(vae.latentDim);
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    const [reconstruction, klPerDim] = tf.tidy(() => {
      const batch = tf.slice(images, [start, 0, 0, 0], [size, -1, -1, -1]);
      const { mean, logVar } = vae.encode(batch);
      const z = reparameterize(mean, logVar, deriveSeed(seed, start));
      return [
        tf.sum(bernoulliNegLogLikelihood(batch, vae.decodeLogits(z))),
        tf.sum(klDivergencePerDimension(mean, logVar), 0),
      ];
    });
    reconstructionSum += reconstruction.dataSync()[0];
    const values = klPerDim.dataSync();
    for (let d = 0; d < values.length; d++) klSums[d] += values[d];
    tf.dispose([reconstruction, klPerDim]);
  }
  const klPerDimension = Array.from(klSums, (sum) => sum / n);
  const kl = klPerDimension.reduce((sum, value) => sum + value, 0);
  const reconstruction = reconstructionSum / n;
  return { negativeElbo: reconstruction + kl, reconstruction, kl, klPerDimension };
}

/** Options of {@link trainVae}. */
export interface TrainVaeOptions extends EpochTrainingOptions {
  /** Training images [N, 28, 28, 1] in [0, 1] (binary for a true Bernoulli likelihood). */
  trainImages: tf.Tensor4D;
  /** Held-out images: their negative ELBO, reconstruction and KL are logged after every epoch. */
  testImages?: tf.Tensor4D;
  /** Weight of the KL term. Default 1. */
  beta?: number;
  /** Seed of the batch order and of every step's noise. Default 0. */
  seed?: number;
  /** Progress label. Default 'VAE'. */
  label?: string;
  /** Called after each epoch (from 1), once its held-out metrics are in the log. */
  onEpochEnd?: (epoch: number, log: TrainingLog) => void | Promise<void>;
}

/**
 * Trains a VAE with Adam for some epochs. Logs `loss`, `reconstruction`, `kl` and `negativeElbo` every step
 * and, with `testImages`, `testNegativeElbo`, `testReconstruction` and `testKl` after every epoch.
 */
export async function trainVae(vae: Vae, options: TrainVaeOptions): Promise<TrainingLog> {
  if (vae.kind === 'conv') assertConvTrainingSupported();
  const { trainImages, testImages, seed = 0, beta = 1 } = options;
  const { schedule, optimizer, callbacks } = prepareEpochTraining(options);
  try {
    return await runTrainingLoop(
      { steps: schedule.totalSteps, label: options.label ?? 'VAE', progress: options.progress, callbacks },
      (step) => {
        const batch = schedule.batchAt(step);
        const images = gatherImages(trainImages, batch.indices);
        const metrics = vaeTrainStep(vae, optimizer, images, { beta, seed: deriveSeed(seed, step) });
        images.dispose();
        if (!batch.endsEpoch || !testImages) return { ...metrics };
        const test = evaluateVae(vae, testImages);
        return {
          ...metrics,
          testNegativeElbo: test.negativeElbo,
          testReconstruction: test.reconstruction,
          testKl: test.kl,
        };
      },
    );
  } finally {
    optimizer.dispose();
  }
}
