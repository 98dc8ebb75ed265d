/**
 * The settings of one DCGAN run: a profile's sizes with any overrides applied, checked, and stored as
 * `config.json` in the run directory so that `resume` and `generate` rebuild exactly the same run.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { BackendReport } from '../backend/types';
import { DATASET_NAMES, type DatasetName } from '../data/catalog';
import { chooseDcganProfile, type DcganProfileName } from './dcgan-profiles';

/** Everything a run is made of (written to config.json). */
export interface DcganRunConfig {
  /** The profile the sizes came from (before overrides). */
  profile: DcganProfileName;
  dataset: DatasetName;
  /** Only the first `trainLimit` training images (null: all). */
  trainLimit: number | null;
  epochs: number;
  batchSize: number;
  /** Filter multiplier (1 = the tutorial's networks). */
  width: number;
  /** Length of the noise vector z. */
  latentDim: number;
  /** The conditional variant (class label in). */
  conditional: boolean;
  /** Number of classes of the dataset (used by the conditional variant and the sample grid). */
  numClasses: number;
  learningRate: number;
  beta1: number;
  labelSmoothing: number;
  /** Seed of the weights, the batch order, every step's noise and dropout, the sample grid. */
  seed: number;
  /** Checkpoint every this many epochs (and at the end). */
  checkpointEvery: number;
  /** Sample metrics every this many epochs (and at the end); 0 for never. */
  metricsEvery: number;
  /** Generated images per metrics evaluation. */
  metricsSamples: number;
  /** A loss above this stops the run as diverged. */
  maxLoss: number;
  /**
   * Decay of the moving average of the generator's weights that grids, metrics and `generate` sample from
   * (0: no average, sample the last weights).
   */
  emaDecay: number;
}

/** Overrides of a profile's settings; anything left out comes from the profile. */
export type DcganRunSettings = Partial<Omit<DcganRunConfig, 'profile' | 'numClasses'>> & {
  /** The profile to start from; default: chosen from the backend (see chooseDcganProfile). */
  profile?: DcganProfileName;
};

/** The config file's name in a run directory. */
export const RUN_CONFIG_FILE = 'config.json';

function checkInteger(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new RangeError(`${name} must be an integer >= ${min}, got ${value}`);
  }
}

function checkPositive(name: string, value: number): void {
  if (!(value > 0) || !Number.isFinite(value))
    throw new RangeError(`${name} must be a number > 0, got ${value}`);
}

/** Checks every value of a config. @throws RangeError naming the bad setting. */
export function checkDcganRunConfig(config: DcganRunConfig): void {
  if (!DATASET_NAMES.includes(config.dataset)) {
    throw new RangeError(`Unknown dataset '${config.dataset}': use one of ${DATASET_NAMES.join(', ')}.`);
  }
  if (config.trainLimit !== null) checkInteger('trainLimit', config.trainLimit, 1);
  checkInteger('epochs', config.epochs, 1);
  checkInteger('batchSize', config.batchSize, 1);
  checkPositive('width', config.width);
  checkInteger('latentDim', config.latentDim, 1);
  checkInteger('numClasses', config.numClasses, 2);
  checkPositive('learningRate', config.learningRate);
  if (!(config.beta1 >= 0 && config.beta1 < 1))
    throw new RangeError(`beta1 must be in [0, 1), got ${config.beta1}`);
  if (!(config.labelSmoothing >= 0 && config.labelSmoothing < 1)) {
    throw new RangeError(`labelSmoothing must be in [0, 1), got ${config.labelSmoothing}`);
  }
  checkInteger('seed', config.seed, 0);
  checkInteger('checkpointEvery', config.checkpointEvery, 1);
  checkInteger('metricsEvery', config.metricsEvery, 0);
  checkInteger('metricsSamples', config.metricsSamples, 1);
  checkPositive('maxLoss', config.maxLoss);
  if (!(config.emaDecay >= 0 && config.emaDecay < 1)) {
    throw new RangeError(`emaDecay must be in [0, 1) (0: off; 0.999 is usual), got ${config.emaDecay}`);
  }
}

/**
 * The config of a new run: the profile (named, or chosen from the backend report) with `settings` applied.
 * @returns the config and why that profile.
 */
export function resolveDcganRunConfig(
  settings: DcganRunSettings = {},
  report?: Pick<BackendReport, 'chosen'>,
  env: NodeJS.ProcessEnv = process.env,
): { config: DcganRunConfig; profileReason: string } {
  const { profile, reason } = chooseDcganProfile(report, settings.profile, env);
  const defined = Object.fromEntries(Object.entries(settings).filter(([, v]) => v !== undefined));
  const config: DcganRunConfig = {
    profile: profile.name,
    dataset: profile.dataset,
    trainLimit: profile.trainLimit ?? null,
    epochs: profile.epochs,
    batchSize: profile.batchSize,
    width: profile.width,
    latentDim: 100,
    conditional: false,
    numClasses: 10,
    learningRate: profile.learningRate,
    beta1: profile.beta1,
    labelSmoothing: profile.labelSmoothing,
    seed: 1,
    checkpointEvery: profile.checkpointEvery,
    metricsEvery: profile.metricsEvery,
    metricsSamples: profile.metricsSamples,
    maxLoss: 100,
    emaDecay: profile.emaDecay,
    ...defined,
  };
  config.profile = profile.name;
  checkDcganRunConfig(config);
  return { config, profileReason: reason };
}

/** Writes config.json into the run directory (creating it). */
export async function writeDcganRunConfig(runDir: string, config: DcganRunConfig): Promise<void> {
  await fs.mkdir(runDir, { recursive: true });
  await fs.writeFile(path.join(runDir, RUN_CONFIG_FILE), `${JSON.stringify(config, null, 2)}\n`);
}

/** Reads a run's config.json. @throws Error saying the folder is not a run directory when it is missing. */
export async function readDcganRunConfig(runDir: string): Promise<DcganRunConfig> {
  const file = path.join(runDir, RUN_CONFIG_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    throw new Error(
      `${runDir} is not a DCGAN run directory: ${file} is missing. Give the folder a training run wrote ` +
        '(e.g. runs/<name>), or start a new run with `npm run train`.',
    );
  }
  const config = { emaDecay: 0, ...JSON.parse(text) } as DcganRunConfig;
  checkDcganRunConfig(config);
  return config;
}
