/**
 * A GAN trainer: alternates discriminator and generator steps (each with its own optimizer and variable
 * list) and logs, at every step, what tells a GAN's health:
 *
 * | metric | meaning |
 * |---|---|
 * | `lossD`, `lossG` | the two losses (see gan-losses) |
 * | `dReal` | mean D(x) on real examples: 1 = D is sure they are real |
 * | `dFake` | mean D(G(z)) on generated examples before D's update: 0 = D is sure they are fake |
 * | `gradNormD`, `gradNormG` | global norms of the gradients each network received |
 *
 * Training runs through {@link runTrainingLoop}, so the log is a {@link TrainingLog} (`.toDataFrame()` gives
 * polars) and NaN losses or leaked tensors stop the run with a clear message.
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBatchSampler } from '../data/batch-samplers';
import { deriveSeed } from '../data/random';
import type { GeneratorLossKind } from './gan-losses';
import { type DiscriminatorStepResult, discriminatorStep, generatorStep } from './gan-steps';
import { type GeneratorMetricsSchedule, generatorMetricsCallbacks } from './metric-callback';
import type { StepMetrics, TrainingLog } from './training-log';
import { runTrainingLoop, type TrainingLoopOptions } from './training-loop';

/** Where the generator step's noise comes from. */
export type GeneratorNoise = 'fresh' | 'same';

/** Options of {@link GanTrainer}. */
export interface GanTrainerOptions {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  /** Length of the noise vector z (the generator's input). */
  latentDim: number;
  /** Gives the real examples, e.g. mixtureBatchSampler(...) or tensorBatchSampler(images). */
  sampleReal: RealBatchSampler;
  /** Examples per batch (real and fake each). Default 64. */
  batchSize?: number;
  /** Adam learning rate of D. Default 2e-4. */
  learningRateD?: number;
  /** Adam learning rate of G. Default 2e-4. */
  learningRateG?: number;
  /** Adam's beta1 for both (0.5 is the DCGAN choice). Default 0.5. */
  beta1?: number;
  /** Use these optimizers instead of Adam (learning rates and beta1 are then ignored). */
  optimizerD?: tf.Optimizer;
  optimizerG?: tf.Optimizer;
  /** Default 'non-saturating'. */
  generatorLoss?: GeneratorLossKind;
  /** One-sided label smoothing of D's real target. Default 0. */
  labelSmoothing?: number;
  /** Discriminator steps per generator step (k in Goodfellow et al.'s Algorithm 1). Default 1. */
  discriminatorSteps?: number;
  /**
   * `'fresh'`: the generator step draws new noise (the usual choice); `'same'`: it reuses the noise of the
   * last discriminator step, so G is trained on exactly the fakes D just saw. Default 'fresh'.
   */
  generatorNoise?: GeneratorNoise;
  /** Seed of every noise draw. Default 0. */
  seed?: number;
}

/** Options of {@link GanTrainer.train}: the training loop's, plus generator metrics every N steps. */
export interface GanTrainOptions extends TrainingLoopOptions {
  /** Score generated images every `every` steps with a GeneratorEvaluator (columns fcd, classifierScore, ...). */
  evaluate?: GeneratorMetricsSchedule;
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
}

function checkLearningRate(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value)) throw new RangeError(`${name} must be > 0, got ${value}`);
}

/**
 * Trains a generator and a discriminator against each other. `step(i)` runs one round (k D steps, one G
 * step) and returns its metrics; `train({ steps })` runs many through runTrainingLoop.
 */
export class GanTrainer {
  readonly generator: tf.LayersModel;
  readonly discriminator: tf.LayersModel;
  readonly optimizerD: tf.Optimizer;
  readonly optimizerG: tf.Optimizer;
  readonly latentDim: number;
  readonly batchSize: number;
  private readonly options: GanTrainerOptions;
  private draws = 0;

  constructor(options: GanTrainerOptions) {
    this.options = options;
    this.generator = options.generator;
    this.discriminator = options.discriminator;
    this.latentDim = options.latentDim;
    this.batchSize = options.batchSize ?? 64;
    checkPositiveInteger('latentDim', this.latentDim);
    checkPositiveInteger('batchSize', this.batchSize);
    checkPositiveInteger('discriminatorSteps', options.discriminatorSteps ?? 1);
    const beta1 = options.beta1 ?? 0.5;
    const learningRateD = options.learningRateD ?? 2e-4;
    const learningRateG = options.learningRateG ?? 2e-4;
    checkLearningRate('learningRateD', learningRateD);
    checkLearningRate('learningRateG', learningRateG);
    const noise = options.generatorNoise ?? 'fresh';
    if (noise !== 'fresh' && noise !== 'same')
      throw new Error(`generatorNoise must be 'fresh' or 'same', got '${noise}'`);
    this.optimizerD = options.optimizerD ?? tf.train.adam(learningRateD, beta1);
    this.optimizerG = options.optimizerG ?? tf.train.adam(learningRateG, beta1);
  }

  /** Seeded noise [count, latentDim] for draw number `draw` (`stream` 0 for D steps, 1 for G steps). */
  noise(count: number, draw: number, stream = 0): tf.Tensor2D {
    const seed = deriveSeed(this.options.seed ?? 0, draw, stream);
    return tf.randomNormal([count, this.latentDim], 0, 1, 'float32', seed);
  }

  /** One round: `discriminatorSteps` discriminator steps, then one generator step. */
  step(): StepMetrics {
    const k = this.options.discriminatorSteps ?? 1;
    const same = (this.options.generatorNoise ?? 'fresh') === 'same';
    let d: DiscriminatorStepResult | undefined;
    let noiseForG: tf.Tensor | undefined;
    try {
      for (let i = 0; i < k; i++) {
        this.draws++;
        const real = this.options.sampleReal(this.batchSize, this.draws);
        const noise = this.noise(this.batchSize, this.draws, 0);
        try {
          d = discriminatorStep({
            generator: this.generator,
            discriminator: this.discriminator,
            optimizer: this.optimizerD,
            real,
            noise,
            labelSmoothing: this.options.labelSmoothing,
          });
        } finally {
          real.dispose();
          if (same && i === k - 1) noiseForG = noise;
          else noise.dispose();
        }
      }
      noiseForG ??= this.noise(this.batchSize, this.draws, 1);
      const g = generatorStep({
        generator: this.generator,
        discriminator: this.discriminator,
        optimizer: this.optimizerG,
        noise: noiseForG,
        loss: this.options.generatorLoss,
      });
      return { ...d, lossG: g.lossG, gradNormG: g.gradNormG };
    } finally {
      noiseForG?.dispose();
    }
  }

  /**
   * Runs `steps` rounds through runTrainingLoop (live progress, NaN and leak guards, callbacks). With
   * `evaluate`, generated images are scored every `evaluate.every` steps and the metrics logged as columns.
   */
  async train(options: GanTrainOptions): Promise<TrainingLog> {
    const { evaluate, ...loop } = options;
    const callbacks = [...(loop.callbacks ?? []), ...generatorMetricsCallbacks(evaluate)];
    return runTrainingLoop({ label: 'GAN', ...loop, callbacks }, () => this.step());
  }

  /** G(noise) in inference mode. */
  generate(noise: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.generator.predict(noise) as tf.Tensor);
  }

  /** Frees both optimizers and their state (also optimizers passed in; the networks belong to the caller). */
  dispose(): void {
    this.optimizerD.dispose();
    this.optimizerG.dispose();
  }
}
