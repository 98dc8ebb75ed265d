/**
 * DCGAN checkpoints: both networks, both optimizers' state, the step and the log so far, in one folder of
 * the run directory that is replaced atomically.
 *
 *     runs/<name>/checkpoint/
 *       generator/      model.json + weights (loadable alone: `npm run generate -- --run runs/<name>`)
 *       generator-ema/  the moving average of the generator's weights, when the run keeps one
 *       discriminator/  model.json + weights
 *       optimizer-g/    Adam's state (moments, iteration count, running powers)
 *       optimizer-d/
 *       state.json      step, epoch, the training log so far; written last: its presence marks a complete save
 *
 * A save writes everything into a new temporary folder (each file fsynced), then renames the current
 * `checkpoint/` to `checkpoint.previous/`, renames the new folder to `checkpoint/`, and only then deletes the
 * previous one. A process killed at any moment leaves a complete checkpoint in `checkpoint/` or, between the
 * two renames, in `checkpoint.previous/`; {@link findCheckpoint} looks in that order.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { fileSystemHandler } from '../models/io';
import { syncFolder } from '../models/io/file-system-handler';
import { loadOptimizerState, saveOptimizerState } from './optimizer-state';
import type { TrainingLogJson } from './training-log';

/** The checkpoint folder's name inside a run directory. */
export const CHECKPOINT_DIR = 'checkpoint';
/** Where the previous checkpoint waits while a new one is moved into place. */
export const PREVIOUS_CHECKPOINT_DIR = 'checkpoint.previous';
const STATE_FILE = 'state.json';
const FORMAT = 'genlib-dcgan-checkpoint/1';
const TEMP_PREFIX = 'checkpoint.tmp-';

/** What a checkpoint records beside the weights. */
export interface DcganCheckpointState {
  /** Steps completed. */
  step: number;
  /** Epochs completed (fractional when saved mid-epoch). */
  epoch: number;
  /** Why it was saved. */
  reason: 'periodic' | 'interrupt' | 'final';
  /** ISO time of the save. */
  savedAt: string;
  /** The training log up to `step`. */
  log: TrainingLogJson;
  /** The sample metrics computed up to `step` (epoch, step, named values). */
  metrics?: { epoch: number; step: number; record: Record<string, number> }[];
}

/** The networks and optimizers a checkpoint holds. */
export interface DcganCheckpointParts {
  generator: tf.LayersModel;
  /** The moving average of the generator's weights, when the run keeps one. */
  generatorEma?: tf.LayersModel;
  discriminator: tf.LayersModel;
  optimizerG: tf.Optimizer;
  optimizerD: tf.Optimizer;
}

/** No loadable checkpoint in a run directory; the message says what was looked for. */
export class CheckpointNotFoundError extends Error {
  override name = 'CheckpointNotFoundError';
}

async function writeSynced(file: string, text: string): Promise<void> {
  const handle = await fs.open(file, 'w');
  try {
    await handle.writeFile(text);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.access(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Saves a checkpoint into `runDir/checkpoint/` atomically (see the module comment).
 * @returns the checkpoint folder.
 */
export async function saveDcganCheckpoint(
  runDir: string,
  parts: DcganCheckpointParts,
  state: Omit<DcganCheckpointState, 'savedAt'>,
): Promise<string> {
  await fs.mkdir(runDir, { recursive: true });
  const temp = path.join(runDir, `${TEMP_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  const current = path.join(runDir, CHECKPOINT_DIR);
  const previous = path.join(runDir, PREVIOUS_CHECKPOINT_DIR);
  try {
    await parts.generator.save(fileSystemHandler(path.join(temp, 'generator')));
    if (parts.generatorEma)
      await parts.generatorEma.save(fileSystemHandler(path.join(temp, 'generator-ema')));
    await parts.discriminator.save(fileSystemHandler(path.join(temp, 'discriminator')));
    await saveOptimizerState(path.join(temp, 'optimizer-g'), parts.optimizerG);
    await saveOptimizerState(path.join(temp, 'optimizer-d'), parts.optimizerD);
    const full: DcganCheckpointState & { format: string } = {
      format: FORMAT,
      ...state,
      savedAt: new Date().toISOString(),
    };
    await writeSynced(path.join(temp, STATE_FILE), `${JSON.stringify(full)}\n`);
    await syncFolder(temp);
  } catch (error) {
    await fs.rm(temp, { recursive: true, force: true });
    throw error;
  }
  // The swap. A leftover 'previous' from an interrupted swap is complete only if 'current' is missing.
  if (await exists(current)) {
    await fs.rm(previous, { recursive: true, force: true });
    await fs.rename(current, previous);
  }
  await fs.rename(temp, current);
  await syncFolder(runDir);
  await fs.rm(previous, { recursive: true, force: true });
  await removeStaleTempFolders(runDir);
  return current;
}

async function removeStaleTempFolders(runDir: string): Promise<void> {
  for (const name of await fs.readdir(runDir)) {
    if (name.startsWith(TEMP_PREFIX)) await fs.rm(path.join(runDir, name), { recursive: true, force: true });
  }
}

async function readState(dir: string): Promise<DcganCheckpointState | undefined> {
  try {
    const json = JSON.parse(await fs.readFile(path.join(dir, STATE_FILE), 'utf8'));
    if (json?.format !== FORMAT || !Number.isInteger(json.step)) return undefined;
    return json as DcganCheckpointState;
  } catch {
    return undefined;
  }
}

/**
 * The folder of the newest complete checkpoint of a run: `checkpoint/`, or `checkpoint.previous/` when a save
 * was interrupted between its two renames; undefined when there is none.
 */
export async function findCheckpoint(runDir: string): Promise<string | undefined> {
  for (const name of [CHECKPOINT_DIR, PREVIOUS_CHECKPOINT_DIR]) {
    const dir = path.join(runDir, name);
    if (await readState(dir)) return dir;
  }
  return undefined;
}

async function requireCheckpoint(runDir: string): Promise<string> {
  const dir = await findCheckpoint(runDir);
  if (!dir) {
    throw new CheckpointNotFoundError(
      `No checkpoint in ${runDir}: expected ${path.join(runDir, CHECKPOINT_DIR, STATE_FILE)}. ` +
        'Is this a run directory of `npm run train`? A run saves its first checkpoint after --checkpoint-every epochs.',
    );
  }
  return dir;
}

/**
 * Loads a run's generator (inference: `generateDcganImages(generator, noise)`): the moving average of its
 * weights when the run keeps one (what its grids and metrics show), else the last weights; `averaged: false`
 * always gives the last weights.
 */
export async function loadDcganGenerator(
  runDir: string,
  options: { averaged?: boolean } = {},
): Promise<tf.LayersModel> {
  const dir = await requireCheckpoint(runDir);
  const ema = path.join(dir, 'generator-ema');
  const useEma = (options.averaged ?? true) && (await exists(path.join(ema, 'model.json')));
  return tf.loadLayersModel(fileSystemHandler(useEma ? ema : path.join(dir, 'generator')));
}

/** A loaded checkpoint: the networks, the state; the optimizers passed in now hold the saved state. */
export interface LoadedDcganCheckpoint {
  dir: string;
  generator: tf.LayersModel;
  /** Present when the run keeps a moving average of the generator's weights. */
  generatorEma?: tf.LayersModel;
  discriminator: tf.LayersModel;
  state: DcganCheckpointState;
}

/**
 * Loads the newest complete checkpoint of a run: both networks, and the saved optimizer state into
 * `optimizerG` / `optimizerD` (fresh optimizers with the run's settings).
 * @throws CheckpointNotFoundError when the run has none.
 */
export async function loadDcganCheckpoint(
  runDir: string,
  optimizers: { optimizerG: tf.Optimizer; optimizerD: tf.Optimizer },
): Promise<LoadedDcganCheckpoint> {
  const dir = await requireCheckpoint(runDir);
  const state = (await readState(dir)) as DcganCheckpointState;
  const generator = await tf.loadLayersModel(fileSystemHandler(path.join(dir, 'generator')));
  const discriminator = await tf.loadLayersModel(fileSystemHandler(path.join(dir, 'discriminator')));
  const emaDir = path.join(dir, 'generator-ema');
  const generatorEma = (await exists(path.join(emaDir, 'model.json')))
    ? await tf.loadLayersModel(fileSystemHandler(emaDir))
    : undefined;
  await loadOptimizerState(path.join(dir, 'optimizer-g'), optimizers.optimizerG);
  await loadOptimizerState(path.join(dir, 'optimizer-d'), optimizers.optimizerD);
  return { dir, generator, ...(generatorEma ? { generatorEma } : {}), discriminator, state };
}
