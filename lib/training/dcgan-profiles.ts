/**
 * The DCGAN run profiles: how big a run is, chosen from the backend in use unless named.
 *
 * | profile | when | data | model | batch | epochs |
 * |---|---|---|---|---|---|
 * | `quick` | tests, `GENLIB_PROFILE=quick` | 512 MNIST-10k images | width 0.125 | 64 | 1 |
 * | `cpu` | no GPU (wasm, CPU TensorFlow) | MNIST-10k (8,000 training images) | width 0.375 | 32 | 30 |
 * | `gpu` | tfjs-node-gpu on CUDA | full MNIST (60,000) | the tutorial's (width 1) | 256 | 50 |
 *
 * The gpu profile is TensorFlow's tutorial as written (Adam 1e-4, β₁ 0.9, 50 epochs, batch 256). The cpu
 * profile is sized to give recognisable digits in 15-30 minutes on a 2-core machine on the wasm path: 3/8 of
 * the filters (96/48/24 in the generator, 24/48 in the discriminator), the 8,000 committed training images,
 * batch 32 (more updates for the same images: 7,500 steps of about 0.1-0.2 s), and the DCGAN paper's Adam
 * settings (2e-4, β₁ 0.5), which reach recognisable digits in fewer steps than the tutorial's 1e-4, β₁ 0.9.
 */
import type { BackendReport } from '../backend/types';
import { activeProfile } from '../config/profile';
import type { DatasetName } from '../data/catalog';

/** The names of the DCGAN profiles. */
export type DcganProfileName = 'quick' | 'cpu' | 'gpu';

/** All profile names. */
export const DCGAN_PROFILE_NAMES: readonly DcganProfileName[] = ['quick', 'cpu', 'gpu'];

/** The sizes and settings of a DCGAN run. */
export interface DcganProfile {
  name: DcganProfileName;
  /** Which dataset. */
  dataset: DatasetName;
  /** Use only the first `trainLimit` training images (all when undefined). */
  trainLimit?: number;
  /** Passes over the training images. */
  epochs: number;
  batchSize: number;
  /** Filter multiplier of both networks (1 = the tutorial's). */
  width: number;
  /** Adam's learning rate (both networks). */
  learningRate: number;
  /** Adam's β₁ (both networks). */
  beta1: number;
  /** One-sided label smoothing of D's real target. */
  labelSmoothing: number;
  /** Save a checkpoint every this many epochs (and at the end). */
  checkpointEvery: number;
  /** Compute the sample metrics every this many epochs (and at the end); 0 for never. */
  metricsEvery: number;
  /** Generated images per metrics evaluation. */
  metricsSamples: number;
  /** Decay of the generator's weight average used for sampling (0: none). */
  emaDecay: number;
  /** One line on what the profile is for. */
  description: string;
}

/** The three profiles (see the module comment). */
export const DCGAN_PROFILES: Readonly<Record<DcganProfileName, DcganProfile>> = {
  quick: {
    name: 'quick',
    dataset: 'mnist-10k',
    trainLimit: 512,
    epochs: 1,
    batchSize: 64,
    width: 0.125,
    learningRate: 2e-4,
    beta1: 0.5,
    labelSmoothing: 0,
    checkpointEvery: 1,
    metricsEvery: 1,
    metricsSamples: 200,
    emaDecay: 0,
    description: 'seconds: a tiny model on 512 images, for tests and the notebook test',
  },
  cpu: {
    name: 'cpu',
    dataset: 'mnist-10k',
    epochs: 30,
    batchSize: 32,
    width: 0.375,
    learningRate: 2e-4,
    beta1: 0.5,
    labelSmoothing: 0,
    checkpointEvery: 5,
    metricsEvery: 5,
    metricsSamples: 1000,
    emaDecay: 0,
    description: 'recognisable digits in 15-30 minutes on 2 CPU cores (wasm): 3/8 width, batch 32, MNIST-10k',
  },
  gpu: {
    name: 'gpu',
    dataset: 'mnist',
    epochs: 50,
    batchSize: 256,
    width: 1,
    learningRate: 1e-4,
    beta1: 0.9,
    labelSmoothing: 0,
    checkpointEvery: 15,
    metricsEvery: 5,
    metricsSamples: 1000,
    emaDecay: 0,
    description: "TensorFlow's tutorial as written: 60,000 MNIST images, 50 epochs, batch 256, Adam 1e-4",
  },
};

/** The profile chosen and why. */
export interface DcganProfileChoice {
  profile: DcganProfile;
  reason: string;
}

/** Parses a profile name. @throws Error listing the names when `name` is not one. */
export function parseDcganProfileName(name: string): DcganProfileName {
  if ((DCGAN_PROFILE_NAMES as readonly string[]).includes(name)) return name as DcganProfileName;
  throw new Error(`Unknown profile '${name}': use one of ${DCGAN_PROFILE_NAMES.join(', ')}.`);
}

/**
 * Picks the profile: the one named, else `quick` when `GENLIB_PROFILE=quick` (the notebook test), else
 * `gpu` when the backend runs on a GPU and `cpu` otherwise.
 */
export function chooseDcganProfile(
  report: Pick<BackendReport, 'chosen'> | undefined,
  requested?: DcganProfileName,
  env: NodeJS.ProcessEnv = process.env,
): DcganProfileChoice {
  if (requested) {
    return {
      profile: DCGAN_PROFILES[parseDcganProfileName(requested)],
      reason: `'${requested}' was asked for`,
    };
  }
  if (activeProfile(env) === 'quick') {
    return { profile: DCGAN_PROFILES.quick, reason: 'GENLIB_PROFILE=quick (the notebook test)' };
  }
  if (report?.chosen === 'tensorflow-gpu') {
    return { profile: DCGAN_PROFILES.gpu, reason: 'the backend runs on a GPU (tensorflow-gpu)' };
  }
  const backend = report?.chosen ?? 'not initialised';
  return {
    profile: DCGAN_PROFILES.cpu,
    reason: `no GPU backend (backend: ${backend}): the reduced CPU run`,
  };
}
