/**
 * Scores a generator while it trains: a periodic callback that generates images, scores them with a
 * {@link GeneratorEvaluator} and adds `metricsRecord(...)` columns (fcd, classifierScore, meanConfidence,
 * coverageKl, classesBelow5pct, minClassFraction, sharpness, highFrequencyEnergy, nearestTrainDistance) to
 * the TrainingLog row of that step. Every trainer takes it through its `evaluate` option:
 *
 *   const evaluator = await GeneratorEvaluator.create({ sampleCount: 500 });
 *   const log = await trainVae(vae, {
 *     trainImages, epochs: 10,
 *     evaluate: { every: 1, per: 'epoch', evaluator, generate: (n) => vae.decode(tf.randomNormal([n, 2], 0, 1, 'float32', 7)) },
 *   });
 *   log.column('fcd'); // NaN except after each epoch
 */
import type * as tf from '@tensorflow/tfjs';
import type { PixelRange } from '../data/datasets';
import {
  type GeneratorEvaluator,
  type GeneratorMetrics,
  metricsRecord,
} from '../metrics/generator-evaluation';
import type { TrainingLog } from './training-log';
import type { PeriodicCallback } from './training-loop';

/** When and how to score a generator during training (the `evaluate` option of the trainers). */
export interface GeneratorMetricsSchedule {
  /** Score every this many steps (or epochs with `per: 'epoch'`), and after the last step. */
  every: number;
  /** What `every` counts: 'step' (default) or 'epoch' (epoch-based trainers only). */
  per?: 'step' | 'epoch';
  /**
   * Makes `count` images [count, 28, 28, 1] (count = evaluator.sampleCount) as a new tensor, which is
   * disposed after scoring. Use fixed seeds so that successive evaluations differ only by the training.
   */
  generate: (count: number) => tf.Tensor4D;
  /** Pixel range of the generated images: 'unit' [0, 1] (default) or 'symmetric' [-1, 1] (tanh). */
  range?: PixelRange;
  /** Scores the images; create it once and share it between runs. */
  evaluator: GeneratorEvaluator;
  /** Put before each column name (e.g. 'ema_' to score a second generator in the same log). Default ''. */
  prefix?: string;
  /** Called after each evaluation with the full metrics (e.g. to update a live chart). */
  onEvaluated?: (metrics: GeneratorMetrics, step: number, log: TrainingLog) => void | Promise<void>;
}

/** Options of {@link generatorMetricsCallback}. */
export interface GeneratorMetricsCallbackOptions {
  /** Steps per epoch of the run: needed for `per: 'epoch'`. */
  stepsPerEpoch?: number;
}

/**
 * The periodic callback of a {@link GeneratorMetricsSchedule}: every `every` steps (or epochs) it generates
 * `evaluator.sampleCount` images, scores them, disposes them, and adds the metrics to the log's last row.
 * @throws RangeError for a bad `every`, or `per: 'epoch'` without `stepsPerEpoch`.
 */
export function generatorMetricsCallback(
  schedule: GeneratorMetricsSchedule,
  options: GeneratorMetricsCallbackOptions = {},
): PeriodicCallback {
  const { every, per = 'step', generate, evaluator, range = 'unit', prefix = '', onEvaluated } = schedule;
  if (!Number.isInteger(every) || every < 1) {
    throw new RangeError(`evaluate.every must be an integer >= 1, got ${every}.`);
  }
  if (per !== 'step' && per !== 'epoch')
    throw new RangeError(`evaluate.per must be 'step' or 'epoch', got '${per}'.`);
  let stepsBetween = every;
  if (per === 'epoch') {
    const { stepsPerEpoch } = options;
    if (stepsPerEpoch === undefined || !Number.isInteger(stepsPerEpoch) || stepsPerEpoch < 1) {
      throw new RangeError(
        "evaluate.per: 'epoch' needs an epoch-based trainer (autoencoder or VAE); count steps with per: 'step'.",
      );
    }
    stepsBetween = every * stepsPerEpoch;
  }
  return {
    every: stepsBetween,
    run: async (step, log) => {
      const images = generate(evaluator.sampleCount);
      let metrics: GeneratorMetrics;
      try {
        metrics = evaluator.evaluate(images, { range });
      } finally {
        images.dispose();
      }
      const record = metricsRecord(metrics);
      log.addToLastRow(
        Object.fromEntries(Object.entries(record).map(([name, value]) => [prefix + name, value])),
      );
      await onEvaluated?.(metrics, step, log);
    },
  };
}

/** The callback list for an optional schedule: empty without one (what trainers append to their callbacks). */
export function generatorMetricsCallbacks(
  schedule: GeneratorMetricsSchedule | undefined,
  options: GeneratorMetricsCallbackOptions = {},
): PeriodicCallback[] {
  return schedule ? [generatorMetricsCallback(schedule, options)] : [];
}
