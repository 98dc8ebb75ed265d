/**
 * Saving and restoring an optimizer's state (Adam's moment estimates and iteration count), so a resumed
 * run continues with the same update sizes as an uninterrupted one.
 *
 * `optimizer.getWeights()` gives the iteration count and the moment variables; `setWeights` puts them back
 * but recomputes Adam's running powers β₁ᵗ and β₂ᵗ as `pow(β, t + 1)`, while training multiplies them step by
 * step: the two can differ in the last bit of a float32. To resume exactly, the running powers (the fields
 * `accBeta1`, `accBeta2` of tf.js's AdamOptimizer) are saved too and assigned back after `setWeights`.
 */
import * as tf from '@tensorflow/tfjs';
import { loadTensors, saveTensors } from '../models/io';

const ORDER_KEY = 'optimizerWeightOrder';
const EXTRA_PREFIX = '__optimizer_extra__/';

interface AdamRunningPowers {
  accBeta1?: tf.Variable;
  accBeta2?: tf.Variable;
}

function runningPowers(optimizer: tf.Optimizer): Record<string, tf.Variable> {
  const fields = optimizer as unknown as AdamRunningPowers;
  const extras: Record<string, tf.Variable> = {};
  if (fields.accBeta1 instanceof tf.Variable) extras.accBeta1 = fields.accBeta1;
  if (fields.accBeta2 instanceof tf.Variable) extras.accBeta2 = fields.accBeta2;
  return extras;
}

/** The optimizer's state as named tensors (the caller disposes the `iter` tensor it contains). */
export async function optimizerStateTensors(
  optimizer: tf.Optimizer,
): Promise<{ tensors: tf.NamedTensorMap; order: string[]; owned: tf.Tensor[] }> {
  const weights = await optimizer.getWeights();
  const tensors: tf.NamedTensorMap = {};
  const order: string[] = [];
  const owned: tf.Tensor[] = [];
  for (const [index, weight] of weights.entries()) {
    if (weight.name in tensors) throw new Error(`Optimizer weight name '${weight.name}' appears twice.`);
    tensors[weight.name] = weight.tensor;
    order.push(weight.name);
    if (index === 0) owned.push(weight.tensor); // the iteration count is a new scalar
  }
  for (const [name, variable] of Object.entries(runningPowers(optimizer))) {
    tensors[`${EXTRA_PREFIX}${name}`] = variable;
  }
  return { tensors, order, owned };
}

/** Saves an optimizer's state in a folder (same format and atomic write as saveTensors). */
export async function saveOptimizerState(location: string, optimizer: tf.Optimizer): Promise<void> {
  const { tensors, order, owned } = await optimizerStateTensors(optimizer);
  try {
    await saveTensors(location, tensors, {
      [ORDER_KEY]: order,
      optimizer: optimizer.getClassName(),
      config: optimizer.getConfig(),
    });
  } finally {
    tf.dispose(owned);
  }
}

/**
 * Restores into `optimizer` (a fresh one of the same class and settings) the state saved by
 * {@link saveOptimizerState}. Call it before the optimizer's first step.
 * @throws Error when the saved state belongs to another optimizer class.
 */
export async function loadOptimizerState(location: string, optimizer: tf.Optimizer): Promise<void> {
  const { tensors, metadata } = await loadTensors(location);
  try {
    const savedClass = metadata.optimizer;
    if (savedClass !== undefined && savedClass !== optimizer.getClassName()) {
      throw new Error(
        `The optimizer state in ${location} is of a ${String(savedClass)} optimizer, not ${optimizer.getClassName()}.`,
      );
    }
    const order = metadata[ORDER_KEY];
    if (!Array.isArray(order) || order.some((name) => typeof name !== 'string' || !(name in tensors))) {
      throw new Error(`The optimizer state in ${location} has no valid '${ORDER_KEY}' list: save it again.`);
    }
    await optimizer.setWeights((order as string[]).map((name) => ({ name, tensor: tensors[name] })));
    const powers = runningPowers(optimizer);
    for (const [name, variable] of Object.entries(powers)) {
      const saved = tensors[`${EXTRA_PREFIX}${name}`];
      if (saved) variable.assign(saved);
    }
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
