/**
 * The DCGAN trainer that both notebook 06 and `npm run train` use: one object that owns a run directory,
 * the two networks and their Adam optimizers, and trains them epoch by epoch with
 *
 * - a fixed-seed sample grid after every epoch (saved as `samples/epoch-NNN.png`, and handed to
 *   `events.onEpochEnd` so a notebook can show it in place);
 * - a per-step log of lossD, lossG, D(x), D(G(z)) and the gradient norms (a {@link TrainingLog}, written as
 *   `log.csv`), through {@link runTrainingLoop} (progress bar, NaN and tensor-leak guards, callbacks);
 * - sample metrics every `metricsEvery` epochs with a {@link GeneratorEvaluator} (Fréchet classifier
 *   distance, classifier score, coverage, ...), through the trainers' shared metric callback: the columns
 *   land in the log, the rows in `metrics.csv`;
 * - checkpoints every `checkpointEvery` epochs, at the end, and when interrupted (SIGINT: the current step
 *   finishes, the checkpoint is saved, the handler is removed), written atomically (see dcgan-checkpoint);
 * - `DcganTrainer.resume(runDir)`, which continues from the checkpoint: every random draw is a function of
 *   (seed, step) — batch order per epoch, noise per step, dropout masks per step — so a resumed run
 *   repeats what an uninterrupted one would have done;
 * - a NaN or a loss above `maxLoss` stops the run with a {@link DcganDivergedError}; the last good
 *   checkpoint stays as it was;
 * - optionally (`emaDecay`), a moving average of G's weights that the grids, metrics and `generate` use.
 *
 * In a notebook:
 *
 *   const trainer = await DcganTrainer.create({
 *     runDir: 'runs/notebook-06',   // the profile follows the backend (quick under GENLIB_PROFILE=quick)
 *     events: { onEpochEnd: (e) => showImageGrid(e.samples, { columns: e.gridColumns, valueRange: 'minusOneToOne' }) },
 *     callbacks: [{ every: 25, run: (step, log) => updatePlot(chart, lossFigure(log)) }],
 *   });
 *   trainer.setEvaluate({ evaluator: await GeneratorEvaluator.create({ sampleCount: trainer.config.metricsSamples }) });
 *   const result = await trainer.train();
 *   trainer.log.toDataFrame(); trainer.metricsDataFrame();
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import pl from 'nodejs-polars';
import { assertConvTrainingSupported } from '../backend/conv-guard';
import { getBackendReport } from '../backend/select-backend';
import { loadDataset } from '../data/datasets';
import { deriveSeed, tfSeed } from '../data/random';
import { type GeneratorEvaluator, metricsRecord } from '../metrics/generator-evaluation';
import {
  buildDcganDiscriminator,
  buildDcganGenerator,
  type DcganOptions,
  generateDcganImages,
} from '../models/dcgan';
import { saveImageGrid } from '../visualisation/image-grid';
import type { ProgressMode } from '../visualisation/progress';
import { type DcganCheckpointState, loadDcganCheckpoint, saveDcganCheckpoint } from './dcgan-checkpoint';
import {
  type DcganRunConfig,
  type DcganRunSettings,
  readDcganRunConfig,
  resolveDcganRunConfig,
  writeDcganRunConfig,
} from './dcgan-config';
import { type DcganStepMetrics, dcganTrainStep } from './dcgan-step';
import { type EpochSchedule, epochSchedule, gatherImages } from './epoch-schedule';
import { type InterruptGuard, installInterruptHandler } from './interrupt';
import { generatorMetricsCallbacks } from './metric-callback';
import { TrainingLog } from './training-log';
import { NonFiniteMetricError, type PeriodicCallback, runTrainingLoop } from './training-loop';
import { recalibrateBatchNorm, startWeightAverage, updateWeightAverage } from './weight-average';

/** Training images in [-1, 1] with their int32 labels. */
export interface DcganTrainingData {
  images: tf.Tensor4D;
  labels: tf.Tensor1D;
}

/** Sample metrics during a run (see {@link DcganSessionOptions.evaluate}). */
export interface DcganEvaluateOptions {
  /** Scores the images; its `sampleCount` is the number generated per evaluation. */
  evaluator: GeneratorEvaluator;
  /** Every this many epochs (and after the last step). Default: the run's `metricsEvery` (0 = never). */
  every?: number;
}

/** After each epoch. `samples` (the fixed-seed grid, in [-1, 1]) is valid only during the call. */
export interface DcganEpochEndEvent {
  epoch: number;
  step: number;
  /**
   * Wall-clock seconds from the previous epoch's last step to this epoch's last step: this epoch's steps
   * plus the previous epoch's grid, metrics and checkpoint.
   */
  epochSeconds: number;
  log: TrainingLog;
  samples: tf.Tensor4D;
  /** Columns of the grid (numClasses for the conditional variant: one column per class). */
  gridColumns: number;
  samplePath: string;
}

/** One row of sample metrics. */
export interface DcganMetricsRow {
  epoch: number;
  step: number;
  record: Record<string, number>;
}

/** What happened at a checkpoint. */
export interface DcganCheckpointEvent {
  dir: string;
  step: number;
  epoch: number;
  reason: DcganCheckpointState['reason'];
}

/** Notifications during training (all optional; awaited when they return a promise). */
export interface DcganTrainerEvents {
  onEpochEnd?: (event: DcganEpochEndEvent) => void | Promise<void>;
  onMetrics?: (row: DcganMetricsRow) => void | Promise<void>;
  onCheckpoint?: (event: DcganCheckpointEvent) => void | Promise<void>;
}

/** Options of a run that are not part of its config (how it is watched, not what it computes). */
export interface DcganSessionOptions {
  /** Progress display. Default 'auto'. */
  progress?: ProgressMode;
  /** Called every `every` steps with the log (live charts). */
  callbacks?: PeriodicCallback[];
  events?: DcganTrainerEvents;
  /** Sample metrics every `metricsEvery` epochs; none when not given. */
  evaluate?: DcganEvaluateOptions;
  /** Stop cleanly on SIGINT (checkpoint, then return). Default true. */
  handleInterrupts?: boolean;
  /** A second SIGINT exits the process (for the terminal). Default false. */
  exitOnSecondInterrupt?: boolean;
  /** Training data to use instead of loading `config.dataset` (tests). */
  data?: DcganTrainingData;
}

/** Options of {@link DcganTrainer.create}. */
export interface DcganTrainerOptions extends DcganRunSettings, DcganSessionOptions {
  /** The run directory. Default runs/dcgan-<profile>-<date and time>. */
  runDir?: string;
}

/** Options of {@link DcganTrainer.train}. */
export interface DcganTrainOptions {
  /** Stop (and checkpoint) after this step even if epochs remain (tests, short sessions). */
  stopAfterStep?: number;
}

/** How a call of {@link DcganTrainer.train} ended. */
export interface DcganTrainResult {
  /** 'completed': all epochs done; 'interrupted': SIGINT or stop(); 'stopped': stopAfterStep reached. */
  outcome: 'completed' | 'interrupted' | 'stopped';
  step: number;
  epoch: number;
  log: TrainingLog;
  checkpointDir: string;
  /** Wall time of this call, seconds. */
  seconds: number;
}

/** The run stopped because a loss became NaN/infinite or exceeded `maxLoss`; the last good checkpoint is kept. */
export class DcganDivergedError extends Error {
  override name = 'DcganDivergedError';
  constructor(
    readonly step: number,
    readonly metrics: Record<string, number>,
    readonly checkpointStep: number | undefined,
    readonly runDir: string,
  ) {
    const values = Object.entries(metrics)
      .map(([k, v]) => `${k}=${Number.isFinite(v) ? v.toFixed(4) : v}`)
      .join(', ');
    const kept =
      checkpointStep === undefined
        ? 'No checkpoint had been saved yet.'
        : `The last good checkpoint (step ${checkpointStep}) is kept in ${path.join(runDir, 'checkpoint')}; ` +
          `continue from it with \`npm run train -- --resume ${runDir}\` after lowering the learning rate.`;
    super(
      `The DCGAN run diverged at step ${step} (${values}). Try a lower learning rate or label smoothing. ${kept}`,
    );
  }
}

const GRID_NOISE_SALT = 0x67726964;
const CALIBRATION_SALT = 0x626e7374;
/** Noise vectors that measure the weight average's batch-norm statistics. */
const CALIBRATION_SAMPLES = 500;
const METRICS_NOISE_SALT = 0x6d657472;
const GRID_SAMPLES_UNCONDITIONAL = 16;
const GRID_ROWS_CONDITIONAL = 4;

function defaultRunDir(profile: string): string {
  const stamp = new Date().toISOString().replace(/[:]/g, '-').replace(/\..+$/, '');
  return path.join('runs', `dcgan-${profile}-${stamp}`);
}

function modelOptionsOf(config: DcganRunConfig): DcganOptions {
  return {
    latentDim: config.latentDim,
    width: config.width,
    numClasses: config.conditional ? config.numClasses : 0,
    seed: config.seed,
  };
}

function adam(config: DcganRunConfig): tf.AdamOptimizer {
  return tf.train.adam(config.learningRate, config.beta1);
}

/** A DCGAN run: its config, networks, optimizers, log and run directory. */
export class DcganTrainer {
  readonly log: TrainingLog;
  readonly schedule: EpochSchedule;
  /** Sample metrics so far. */
  readonly metricsHistory: DcganMetricsRow[];
  /** Seconds of each epoch completed in this process. */
  readonly epochSeconds: number[] = [];
  private completedSteps: number;
  private lastCheckpointStep: number | undefined;
  private guard: InterruptGuard | undefined;
  private stopRequested = false;
  private running: Promise<void> | undefined;
  private calibratedAtStep = -1;
  private readonly gridNoise: tf.Tensor2D;
  private readonly gridLabels: number[] | undefined;

  private constructor(
    readonly runDir: string,
    readonly config: DcganRunConfig,
    readonly generator: tf.LayersModel,
    readonly discriminator: tf.LayersModel,
    readonly optimizerG: tf.Optimizer,
    readonly optimizerD: tf.Optimizer,
    readonly data: DcganTrainingData,
    private readonly ownsData: (() => void) | undefined,
    readonly session: DcganSessionOptions,
    /** The moving average of G's weights (config.emaDecay > 0): what grids, metrics and generate use. */
    readonly generatorEma: tf.LayersModel | undefined,
    restored?: DcganCheckpointState,
  ) {
    this.schedule = epochSchedule(data.images.shape[0], {
      epochs: config.epochs,
      batchSize: config.batchSize,
      seed: config.seed,
    });
    this.log = restored ? TrainingLog.fromJSON(restored.log) : new TrainingLog();
    this.completedSteps = restored?.step ?? 0;
    this.lastCheckpointStep = restored?.step;
    this.metricsHistory = restored?.metrics
      ? restored.metrics.map((row) => ({ ...row, record: { ...row.record } }))
      : [];
    const gridCount = config.conditional
      ? config.numClasses * GRID_ROWS_CONDITIONAL
      : GRID_SAMPLES_UNCONDITIONAL;
    this.gridNoise = tf.randomNormal(
      [gridCount, config.latentDim],
      0,
      1,
      'float32',
      tfSeed(config.seed, GRID_NOISE_SALT),
    );
    this.gridLabels = config.conditional
      ? Array.from({ length: gridCount }, (_, i) => i % config.numClasses)
      : undefined;
  }

  /** Starts a new run: resolves the config (profile from the backend unless named), builds the networks, writes config.json. */
  static async create(options: DcganTrainerOptions = {}): Promise<DcganTrainer> {
    const {
      runDir: requestedDir,
      progress,
      callbacks,
      events,
      evaluate,
      handleInterrupts,
      exitOnSecondInterrupt,
      data,
      ...settings
    } = options;
    const { config } = resolveDcganRunConfig(settings, getBackendReport());
    const runDir = path.resolve(requestedDir ?? defaultRunDir(config.profile));
    const session: DcganSessionOptions = {
      progress,
      callbacks,
      events,
      evaluate,
      handleInterrupts,
      exitOnSecondInterrupt,
      data,
    };
    const loaded = await DcganTrainer.loadData(config, data);
    const modelOptions = modelOptionsOf(config);
    const generator = buildDcganGenerator(modelOptions);
    const discriminator = buildDcganDiscriminator(modelOptions);
    const generatorEma =
      config.emaDecay > 0
        ? startWeightAverage(generator, () => buildDcganGenerator(modelOptions))
        : undefined;
    await writeDcganRunConfig(runDir, config);
    return new DcganTrainer(
      runDir,
      config,
      generator,
      discriminator,
      adam(config),
      adam(config),
      loaded.data,
      loaded.dispose,
      session,
      generatorEma,
    );
  }

  /**
   * Continues a run from its newest checkpoint. `epochs` may extend the run; everything else comes from
   * the run's config.json.
   */
  static async resume(
    runDir: string,
    options: DcganSessionOptions & { epochs?: number } = {},
  ): Promise<DcganTrainer> {
    const { epochs, ...session } = options;
    const dir = path.resolve(runDir);
    const config = await readDcganRunConfig(dir);
    if (epochs !== undefined) {
      if (!Number.isInteger(epochs) || epochs < 1)
        throw new RangeError(`epochs must be an integer >= 1, got ${epochs}`);
      config.epochs = epochs;
    }
    const optimizerG = adam(config);
    const optimizerD = adam(config);
    const checkpoint = await loadDcganCheckpoint(dir, { optimizerG, optimizerD });
    const loaded = await DcganTrainer.loadData(config, session.data);
    if (epochs !== undefined) await writeDcganRunConfig(dir, config);
    return new DcganTrainer(
      dir,
      config,
      checkpoint.generator,
      checkpoint.discriminator,
      optimizerG,
      optimizerD,
      loaded.data,
      loaded.dispose,
      session,
      checkpoint.generatorEma ??
        (config.emaDecay > 0
          ? startWeightAverage(checkpoint.generator, () => buildDcganGenerator(modelOptionsOf(config)))
          : undefined),
      checkpoint.state,
    );
  }

  private static async loadData(
    config: DcganRunConfig,
    data: DcganTrainingData | undefined,
  ): Promise<{ data: DcganTrainingData; dispose?: () => void }> {
    if (data) return { data };
    const dataset = await loadDataset({
      name: config.dataset,
      range: 'symmetric',
      ...(config.trainLimit !== null ? { limit: config.trainLimit } : {}),
    });
    tf.dispose([dataset.test.images, dataset.test.labels]);
    return {
      data: { images: dataset.train.images, labels: dataset.train.labels },
      dispose: () => tf.dispose([dataset.train.images, dataset.train.labels]),
    };
  }

  /**
   * The generator that grids, metrics and `generate` use: the weight average when kept (its batch-norm
   * statistics recalibrated for the current step), else G itself.
   */
  get sampler(): tf.LayersModel {
    if (!this.generatorEma) return this.generator;
    this.recalibrateAverage();
    return this.generatorEma;
  }

  /** Measures the weight average's batch-norm statistics on a fixed batch of noise (once per step). */
  private recalibrateAverage(): void {
    if (!this.generatorEma || this.calibratedAtStep === this.completedSteps) return;
    const { latentDim, conditional, numClasses, seed } = this.config;
    const count = CALIBRATION_SAMPLES;
    const inputs = tf.tidy(() => {
      const noise = tf.randomNormal([count, latentDim], 0, 1, 'float32', tfSeed(seed, CALIBRATION_SALT));
      if (!conditional) return [noise];
      const labels = tf.tensor1d(
        Array.from({ length: count }, (_, i) => i % numClasses),
        'int32',
      );
      return [noise, tf.oneHot(labels, numClasses).toFloat()];
    });
    try {
      recalibrateBatchNorm(this.generatorEma, inputs.length === 1 ? inputs[0] : inputs);
    } finally {
      tf.dispose(inputs);
    }
    this.calibratedAtStep = this.completedSteps;
  }

  /** Steps completed so far. */
  get step(): number {
    return this.completedSteps;
  }

  /** Epochs completed so far (fractional mid-epoch). */
  get epoch(): number {
    return this.completedSteps / this.schedule.stepsPerEpoch;
  }

  /**
   * Sets (or, with undefined, clears) the sample metrics of later {@link DcganTrainer.train} calls, e.g. an
   * evaluator created once the run's config is known (`await GeneratorEvaluator.create({ sampleCount: trainer.config.metricsSamples })`).
   */
  setEvaluate(evaluate: DcganEvaluateOptions | undefined): void {
    this.session.evaluate = evaluate;
  }

  /** Asks a running {@link DcganTrainer.train} to stop after the current step (and save a checkpoint). */
  stop(): void {
    this.stopRequested = true;
  }

  /** The fixed-seed sample grid's images now ([-1, 1]; the caller disposes them) and its column count. */
  sampleGrid(): { images: tf.Tensor4D; columns: number } {
    const images = generateDcganImages(this.sampler, this.gridNoise, this.gridLabels);
    return { images, columns: this.config.conditional ? this.config.numClasses : 4 };
  }

  /**
   * `count` images from the fixed metrics noise (the same z at every evaluation), in batches;
   * the conditional variant cycles through the classes. The caller disposes the result.
   */
  generateForMetrics(count = this.config.metricsSamples, batchSize = 250): tf.Tensor4D {
    const parts: tf.Tensor4D[] = [];
    for (let start = 0; start < count; start += batchSize) {
      const n = Math.min(batchSize, count - start);
      const noise: tf.Tensor2D = tf.randomNormal(
        [n, this.config.latentDim],
        0,
        1,
        'float32',
        tfSeed(this.config.seed, METRICS_NOISE_SALT, start),
      );
      const labels = this.config.conditional
        ? Array.from({ length: n }, (_, i) => (start + i) % this.config.numClasses)
        : undefined;
      parts.push(generateDcganImages(this.sampler, noise, labels));
      noise.dispose();
    }
    const all = tf.concat(parts) as tf.Tensor4D;
    tf.dispose(parts);
    return all;
  }

  /** Saves a checkpoint now (atomically) and returns its folder. */
  async saveCheckpoint(reason: DcganCheckpointState['reason'] = 'periodic'): Promise<string> {
    this.recalibrateAverage(); // the saved average is ready to sample from (npm run generate)
    const dir = await saveDcganCheckpoint(
      this.runDir,
      {
        generator: this.generator,
        ...(this.generatorEma ? { generatorEma: this.generatorEma } : {}),
        discriminator: this.discriminator,
        optimizerG: this.optimizerG,
        optimizerD: this.optimizerD,
      },
      {
        step: this.completedSteps,
        epoch: this.epoch,
        reason,
        log: this.log.toJSON(),
        metrics: this.metricsHistory,
      },
    );
    this.lastCheckpointStep = this.completedSteps;
    await this.writeLogs();
    await this.session.events?.onCheckpoint?.({ dir, step: this.completedSteps, epoch: this.epoch, reason });
    return dir;
  }

  /** The sample metrics so far as a table: epoch, step and one column per metric. */
  metricsDataFrame(): pl.DataFrame {
    const names = [...new Set(this.metricsHistory.flatMap((row) => Object.keys(row.record)))];
    return pl.DataFrame({
      epoch: this.metricsHistory.map((row) => row.epoch),
      step: this.metricsHistory.map((row) => row.step),
      ...Object.fromEntries(
        names.map((name) => [name, this.metricsHistory.map((row) => row.record[name] ?? Number.NaN)]),
      ),
    });
  }

  private async writeLogs(): Promise<void> {
    if (this.log.length > 0) this.log.toDataFrame().writeCSV(path.join(this.runDir, 'log.csv'));
    if (this.metricsHistory.length > 0)
      this.metricsDataFrame().writeCSV(path.join(this.runDir, 'metrics.csv'));
  }

  /** The shared metric callback (it adds metricsRecord columns to the log row) for `evaluate`, if any. */
  private metricsCallbacks(): PeriodicCallback[] {
    const evaluate = this.session.evaluate;
    const every = evaluate?.every ?? this.config.metricsEvery;
    if (!evaluate || every < 1) return [];
    return generatorMetricsCallbacks(
      {
        every,
        per: 'epoch',
        evaluator: evaluate.evaluator,
        range: 'symmetric',
        generate: (count) => this.generateForMetrics(count),
        onEvaluated: async (metrics, step) => {
          const row = { epoch: step / this.schedule.stepsPerEpoch, step, record: metricsRecord(metrics) };
          this.metricsHistory.push(row);
          await this.session.events?.onMetrics?.(row);
        },
      },
      { stepsPerEpoch: this.schedule.stepsPerEpoch },
    );
  }

  private trainStep(step: number): DcganStepMetrics {
    const batch = this.schedule.batchAt(step);
    const real = gatherImages(this.data.images, batch.indices);
    const labels = this.config.conditional
      ? tf.tidy(
          () =>
            tf
              .oneHot(
                tf.gather(this.data.labels, tf.tensor1d(batch.indices, 'int32')),
                this.config.numClasses,
              )
              .toFloat() as tf.Tensor2D,
        )
      : undefined;
    try {
      const metrics = dcganTrainStep(
        {
          generator: this.generator,
          discriminator: this.discriminator,
          optimizerG: this.optimizerG,
          optimizerD: this.optimizerD,
        },
        {
          real,
          labels,
          latentDim: this.config.latentDim,
          stepSeed: deriveSeed(this.config.seed, step),
          labelSmoothing: this.config.labelSmoothing,
        },
      );
      if (this.generatorEma) updateWeightAverage(this.generatorEma, this.generator, this.config.emaDecay);
      return metrics;
    } finally {
      tf.dispose(labels ? [real, labels] : [real]);
    }
  }

  private async endOfEpoch(step: number, epochStartedAt: { seconds: number }): Promise<void> {
    const epoch = step / this.schedule.stepsPerEpoch;
    const now = this.log.seconds[this.log.length - 1] ?? 0;
    const epochSeconds = now - epochStartedAt.seconds;
    this.epochSeconds.push(epochSeconds);
    const samplesDir = path.join(this.runDir, 'samples');
    await fs.mkdir(samplesDir, { recursive: true });
    const samplePath = path.join(samplesDir, `epoch-${String(epoch).padStart(3, '0')}.png`);
    const grid = this.sampleGrid();
    try {
      saveImageGrid(grid.images, samplePath, {
        valueRange: 'minusOneToOne',
        columns: grid.columns,
        scale: 2,
      });
      await this.session.events?.onEpochEnd?.({
        epoch,
        step,
        epochSeconds,
        log: this.log,
        samples: grid.images,
        gridColumns: grid.columns,
        samplePath,
      });
    } finally {
      grid.images.dispose();
    }
    const last = epoch === this.config.epochs;
    const { checkpointEvery } = this.config;
    if (epoch % checkpointEvery === 0 || last) await this.saveCheckpoint(last ? 'final' : 'periodic');
    epochStartedAt.seconds = this.log.seconds[this.log.length - 1] ?? 0;
  }

  /**
   * Trains from the current step to the end of the last epoch (or `stopAfterStep`), checkpointing as
   * configured. Ctrl-C (SIGINT) or {@link DcganTrainer.stop} ends it after the current step with a checkpoint.
   *
   * In Jupyter (tslab), a kernel interrupt ends the *cell* at once, while this run still finishes its step
   * and saves its checkpoint in the background: `await trainer.whenIdle()` in the next cell waits for that.
   * @throws DcganDivergedError when a loss is NaN/infinite or above maxLoss (the last checkpoint is kept).
   * @throws Error when a run of this trainer is already in progress.
   */
  async train(options: DcganTrainOptions = {}): Promise<DcganTrainResult> {
    if (this.running) throw new Error('This trainer is already training: await trainer.whenIdle() first.');
    const run = this.runTraining(options);
    this.running = run.then(
      () => undefined,
      () => undefined,
    );
    try {
      return await run;
    } finally {
      this.running = undefined;
    }
  }

  /** Resolves when no {@link DcganTrainer.train} call is in progress (e.g. after a Jupyter interrupt). */
  async whenIdle(): Promise<void> {
    await this.running;
  }

  private async runTraining(options: DcganTrainOptions): Promise<DcganTrainResult> {
    assertConvTrainingSupported();
    const startedAt = performance.now();
    const totalSteps = this.schedule.totalSteps;
    const lastStep = Math.min(options.stopAfterStep ?? totalSteps, totalSteps);
    const result = (outcome: DcganTrainResult['outcome']): DcganTrainResult => ({
      outcome,
      step: this.completedSteps,
      epoch: this.epoch,
      log: this.log,
      checkpointDir: path.join(this.runDir, 'checkpoint'),
      seconds: (performance.now() - startedAt) / 1000,
    });
    if (this.completedSteps >= lastStep)
      return result(this.completedSteps >= totalSteps ? 'completed' : 'stopped');
    this.stopRequested = false;
    if (this.session.handleInterrupts ?? true) {
      this.guard = installInterruptHandler({
        exitOnSecondSignal: this.session.exitOnSecondInterrupt ?? false,
      });
    }
    const epochStartedAt = { seconds: this.log.seconds[this.log.length - 1] ?? 0 };
    const epochCallback: PeriodicCallback = {
      every: this.schedule.stepsPerEpoch,
      run: async (step) => {
        if (step % this.schedule.stepsPerEpoch === 0) await this.endOfEpoch(step, epochStartedAt);
      },
    };
    const maxLoss = this.config.maxLoss;
    const metricsCallbacks = this.metricsCallbacks();
    try {
      await runTrainingLoop(
        {
          steps: lastStep,
          startStep: this.completedSteps + 1,
          log: this.log,
          label: `DCGAN ${this.config.profile}`,
          progress: this.session.progress,
          callbacks: [...metricsCallbacks, epochCallback, ...(this.session.callbacks ?? [])],
          shouldStop: () => this.stopRequested || (this.guard?.requested ?? false),
        },
        (step) => {
          const metrics = this.trainStep(step);
          if (
            Number.isFinite(metrics.lossD) &&
            Number.isFinite(metrics.lossG) &&
            Math.max(metrics.lossD, metrics.lossG) > maxLoss
          ) {
            throw new DcganDivergedError(step, { ...metrics }, this.lastCheckpointStep, this.runDir);
          }
          this.completedSteps = step;
          return { ...metrics };
        },
      );
    } catch (error) {
      await this.writeLogs().catch(() => undefined);
      if (error instanceof NonFiniteMetricError) {
        throw new DcganDivergedError(error.step, error.metrics, this.lastCheckpointStep, this.runDir);
      }
      throw error;
    } finally {
      this.guard?.dispose();
      this.guard = undefined;
    }
    if (this.completedSteps >= totalSteps) {
      if (this.lastCheckpointStep !== this.completedSteps) await this.saveCheckpoint('final');
      return result('completed');
    }
    if (this.lastCheckpointStep !== this.completedSteps) await this.saveCheckpoint('interrupt');
    return result(this.completedSteps >= lastStep ? 'stopped' : 'interrupted');
  }

  /** Frees the networks, the optimizers and the data this trainer loaded. */
  dispose(): void {
    this.guard?.dispose();
    this.generator.dispose();
    this.generatorEma?.dispose();
    this.discriminator.dispose();
    this.optimizerG.dispose();
    this.optimizerD.dispose();
    this.gridNoise.dispose();
    this.ownsData?.();
  }
}
