/**
 * Maps the steps of a training run (1, 2, ...) to epochs and seeded batches, so that an epoch-based loop
 * can be driven by {@link runTrainingLoop}, which counts steps.
 */
import * as tf from '@tensorflow/tfjs';
import pl from 'nodejs-polars';
import { batchIndices } from '../data/datasets';
import type { ProgressMode } from '../visualisation/progress';
import { type GeneratorMetricsSchedule, generatorMetricsCallbacks } from './metric-callback';
import type { TrainingLog } from './training-log';
import type { PeriodicCallback } from './training-loop';

/** Options of {@link epochSchedule}. */
export interface EpochScheduleOptions {
  /** Number of passes over the data. */
  epochs: number;
  /** Examples per batch. Default 64. */
  batchSize?: number;
  /** Seed of the shuffle; each epoch mixes its number in, as `batchIndices` does. Default 0. */
  seed?: number;
}

/** Where a step falls: its epoch (from 0), its batch within the epoch (from 0) and the batch's examples. */
export interface ScheduledBatch {
  epoch: number;
  index: number;
  indices: Int32Array;
  /** True for the last batch of an epoch. */
  endsEpoch: boolean;
}

/** The plan of an epoch-based run. */
export interface EpochSchedule {
  stepsPerEpoch: number;
  totalSteps: number;
  /** The batch of step `step` (1-based, as in runTrainingLoop). */
  batchAt(step: number): ScheduledBatch;
}

/** Plans `epochs` passes over `size` examples in seeded batches (the last batch of an epoch may be smaller). */
export function epochSchedule(size: number, options: EpochScheduleOptions): EpochSchedule {
  const { epochs, batchSize = 64, seed = 0 } = options;
  if (!Number.isInteger(size) || size < 1)
    throw new RangeError(`size must be a positive integer, got ${size}.`);
  if (!Number.isInteger(epochs) || epochs < 1) {
    throw new RangeError(`epochs must be a positive integer, got ${epochs}.`);
  }
  const stepsPerEpoch = Math.ceil(size / batchSize);
  let cachedEpoch = -1;
  let cached: Int32Array[] = [];
  return {
    stepsPerEpoch,
    totalSteps: epochs * stepsPerEpoch,
    batchAt(step) {
      if (!Number.isInteger(step) || step < 1 || step > epochs * stepsPerEpoch) {
        throw new RangeError(`step must be an integer from 1 to ${epochs * stepsPerEpoch}, got ${step}.`);
      }
      const epoch = Math.floor((step - 1) / stepsPerEpoch);
      const index = (step - 1) % stepsPerEpoch;
      if (epoch !== cachedEpoch) {
        cached = batchIndices(size, { batchSize, seed, epoch });
        cachedEpoch = epoch;
      }
      return { epoch, index, indices: cached[index], endsEpoch: index === stepsPerEpoch - 1 };
    },
  };
}

/** The images at `indices` as a new tensor (the caller disposes it). */
export function gatherImages(images: tf.Tensor4D, indices: Int32Array): tf.Tensor4D {
  return tf.tidy(() => tf.gather(images, tf.tensor1d(indices, 'int32')) as tf.Tensor4D);
}

/**
 * The rows of `log` where the first of `metrics` was logged (e.g. a held-out score at the end of each
 * epoch), as a table with columns `epoch` (step / stepsPerEpoch), `seconds` and the metrics.
 */
export function epochTable(
  log: TrainingLog,
  metrics: readonly string[],
  stepsPerEpoch: number,
): pl.DataFrame {
  if (metrics.length === 0) throw new RangeError('epochTable needs at least one metric name.');
  const columns = metrics.map((name) => log.column(name));
  const rows = log.steps.flatMap((_, row) => (Number.isFinite(columns[0][row]) ? [row] : []));
  return pl.DataFrame({
    epoch: rows.map((row) => log.steps[row] / stepsPerEpoch),
    seconds: rows.map((row) => log.seconds[row]),
    ...Object.fromEntries(metrics.map((name, i) => [name, rows.map((row) => columns[i][row])])),
  });
}

/**
 * The periodic callbacks of an epoch-based run: `callbacks`, plus `onEpochEnd(epoch, log)` (epoch counted
 * from 1) after the last step of every epoch when it is given.
 */
export function withEpochEndCallback(
  callbacks: PeriodicCallback[],
  stepsPerEpoch: number,
  onEpochEnd?: (epoch: number, log: TrainingLog) => void | Promise<void>,
): PeriodicCallback[] {
  if (!onEpochEnd) return [...callbacks];
  return [...callbacks, { every: stepsPerEpoch, run: (step, log) => onEpochEnd(step / stepsPerEpoch, log) }];
}

/** The settings of an epoch-based run with Adam that every epoch-based trainer takes. */
export interface EpochRunOptions {
  /** Passes over the training data. */
  epochs: number;
  /** Examples per step. Default 64. */
  batchSize?: number;
  /** Adam's learning rate. Default 1e-3. */
  learningRate?: number;
  /** Seed of the batch order (each epoch has its own order; also the trainer's noise). Default 0. */
  seed?: number;
  /** Progress label (each trainer has its own default). */
  label?: string;
  /** Progress display mode. Default 'auto'. */
  progress?: ProgressMode;
  /** Periodic callbacks (live charts, evaluations), as for `runTrainingLoop`. */
  callbacks?: PeriodicCallback[];
}

/** What the image trainers (the autoencoder's, the VAE's) take besides their model. */
export interface EpochTrainingOptions extends EpochRunOptions {
  /** Training images [N, 28, 28, 1] in [0, 1]. */
  trainImages: tf.Tensor4D;
  /**
   * Score generated images every N steps or epochs with a GeneratorEvaluator: the metrics are added as
   * columns (fcd, classifierScore, ...) to the log rows of those steps, before `onEpochEnd` runs.
   */
  evaluate?: GeneratorMetricsSchedule;
  /** Called after each epoch (from 1), once the epoch's held-out metrics are in the log. */
  onEpochEnd?: (epoch: number, log: TrainingLog) => void | Promise<void>;
}

/** The batch schedule, the Adam optimizer and the periodic callbacks of an epoch-based run. */
export interface EpochTraining {
  schedule: EpochSchedule;
  optimizer: tf.Optimizer;
  callbacks: PeriodicCallback[];
}

/**
 * Sets up an epoch-based run from its options: the seeded batch schedule, Adam, and the callbacks (the
 * caller's, the generator metrics of `evaluate`, then `onEpochEnd`). The caller disposes the optimizer.
 */
export function prepareEpochTraining(options: EpochTrainingOptions): EpochTraining {
  const schedule = epochSchedule(options.trainImages.shape[0], {
    epochs: options.epochs,
    batchSize: options.batchSize ?? 64,
    seed: options.seed ?? 0,
  });
  const callbacks = withEpochEndCallback(
    [
      ...(options.callbacks ?? []),
      ...generatorMetricsCallbacks(options.evaluate, { stepsPerEpoch: schedule.stepsPerEpoch }),
    ],
    schedule.stepsPerEpoch,
    options.onEpochEnd,
  );
  return { schedule, optimizer: tf.train.adam(options.learningRate ?? 1e-3), callbacks };
}
