/**
 * One complete GAN run on a toy Gaussian mixture, for experiments that compare many runs: builds the two
 * MLPs, trains them with {@link GanTrainer}, and every `evaluateEvery` steps scores the generator against
 * the mixture (modes covered, share of samples off every mode, sliced Wasserstein distance) and, for 2-D
 * data, keeps a GAN Lab picture of that moment.
 */
import * as tf from '@tensorflow/tfjs';
import { mixtureBatchSampler } from '../data/batch-samplers';
import { createRng, randomNormal } from '../data/random';
import { type GaussianComponent, sampleGaussianMixture } from '../data/toy-data';
import { buildMlpDiscriminator, buildMlpGenerator } from '../models/gan-mlp';
import type { PlaneGrid } from '../visualisation/plane-figures';
import type { ProgressMode } from '../visualisation/progress';
import { evaluateToyGenerator, snapshotToyGan, type ToyGanSnapshot } from './gan-toy';
import { GanTrainer, type GanTrainerOptions } from './gan-trainer';
import type { TrainingLog } from './training-log';

/** Options of {@link runToyGan}. */
export interface ToyGanRunOptions
  extends Omit<GanTrainerOptions, 'generator' | 'discriminator' | 'sampleReal' | 'latentDim'> {
  /** The target distribution. */
  components: GaussianComponent[];
  /** Number of rounds (k D steps + 1 G step each). */
  steps: number;
  /** Length of z. Default 4. */
  latentDim?: number;
  /** Hidden layers of G and D. Default [32, 32] each. */
  generatorHidden?: number[];
  discriminatorHidden?: number[];
  /** Seed of the initial weights (G gets it, D gets it + 1). Default 0. */
  modelSeed?: number;
  /** Score (and picture) the generator every this many steps, and at the end. Default 250. */
  evaluateEvery?: number;
  /** Number of generated points scored at each evaluation. Default 500. */
  evaluationCount?: number;
  /** For 2-D data: keep a GAN Lab picture at every evaluation, D drawn over this grid. */
  pictureGrid?: PlaneGrid;
  /** Points of each kind in a picture. Default 250. */
  pictureCount?: number;
  /** Called after each evaluation (e.g. to update a live chart). */
  onEvaluation?: (
    evaluation: ToyGanEvaluationRow,
    snapshot: ToyGanSnapshot | undefined,
    log: TrainingLog,
  ) => void;
  /** Label of the progress display. Default 'toy GAN'. */
  label?: string;
  /** Default 'auto'. */
  progress?: ProgressMode;
}

/** One evaluation of a run. */
export interface ToyGanEvaluationRow {
  step: number;
  modesCovered: number;
  offModeFraction: number;
  slicedWasserstein: number;
  /** Generated points assigned to each mode. */
  countsPerMode: number[];
}

/** What {@link runToyGan} returns; dispose the networks with `dispose()` when done. */
export interface ToyGanRun {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  log: TrainingLog;
  evaluations: ToyGanEvaluationRow[];
  snapshots: ToyGanSnapshot[];
  /** The sliced Wasserstein distance between two real samples of the evaluation size: the floor. */
  realBaseline: number;
  /** Wall-clock seconds of the training loop (evaluations included). */
  seconds: number;
  dispose(): void;
}

/** Trains a fresh MLP GAN on a Gaussian mixture and scores it as it goes. */
export async function runToyGan(options: ToyGanRunOptions): Promise<ToyGanRun> {
  const { components, steps } = options;
  const latentDim = options.latentDim ?? 4;
  const dims = components[0]?.mean.length ?? 0;
  const modelSeed = options.modelSeed ?? 0;
  const seed = options.seed ?? 0;
  const generator = buildMlpGenerator({
    latentDim,
    outputShape: [dims],
    hiddenUnits: options.generatorHidden ?? [32, 32],
    seed: modelSeed,
  });
  const discriminator = buildMlpDiscriminator({
    inputShape: [dims],
    hiddenUnits: options.discriminatorHidden ?? [32, 32],
    seed: modelSeed + 1,
  });
  const trainer = new GanTrainer({
    ...options,
    generator,
    discriminator,
    latentDim,
    sampleReal: mixtureBatchSampler(components, { seed }),
  });
  const evaluations: ToyGanEvaluationRow[] = [];
  const snapshots: ToyGanSnapshot[] = [];
  const pictureCount = options.pictureCount ?? 250;
  const pictureReal = sampleGaussianMixture(components, { count: pictureCount, seed: seed + 7 }).points;
  const rng = createRng(seed + 11);
  const pictureNoise = options.pictureGrid
    ? tf.tensor2d(
        Array.from({ length: pictureCount * latentDim }, () => randomNormal(rng)),
        [pictureCount, latentDim],
      )
    : undefined;
  let realBaseline = Number.NaN;
  const evaluate = (step: number, log?: TrainingLog) => {
    const scores = evaluateToyGenerator(generator, components, {
      latentDim,
      count: options.evaluationCount ?? 500,
    });
    realBaseline = scores.realBaseline;
    const row: ToyGanEvaluationRow = {
      step,
      modesCovered: scores.modesCovered,
      offModeFraction: scores.offModeFraction,
      slicedWasserstein: scores.slicedWasserstein,
      countsPerMode: scores.countsPerMode,
    };
    evaluations.push(row);
    let snapshot: ToyGanSnapshot | undefined;
    if (options.pictureGrid && pictureNoise) {
      snapshot = snapshotToyGan({
        step,
        generator,
        discriminator,
        noise: pictureNoise,
        real: pictureReal,
        grid: options.pictureGrid,
      });
      snapshots.push(snapshot);
    }
    if (log) options.onEvaluation?.(row, snapshot, log);
  };
  try {
    evaluate(0);
    const started = performance.now();
    const log = await trainer.train({
      steps,
      label: options.label ?? 'toy GAN',
      progress: options.progress,
      callbacks: [{ every: options.evaluateEvery ?? 250, run: (step, log) => evaluate(step, log) }],
    });
    const seconds = (performance.now() - started) / 1000;
    return {
      generator,
      discriminator,
      log,
      evaluations,
      snapshots,
      realBaseline,
      seconds,
      dispose() {
        generator.dispose();
        discriminator.dispose();
      },
    };
  } catch (error) {
    generator.dispose();
    discriminator.dispose();
    throw error;
  } finally {
    pictureNoise?.dispose();
    trainer.dispose();
  }
}
