/**
 * An exponential moving average of a network's weights (Polyak averaging): after every training step,
 * average ← decay·average + (1 − decay)·weights. Sampling from the averaged generator instead of the
 * last one smooths out the oscillation of GAN training and usually gives cleaner samples (Yazıcı et al.,
 * "The Unusual Effectiveness of Averaging in GAN Training", ICLR 2019). The batch-norm moving statistics are
 * averaged the same way.
 */
import * as tf from '@tensorflow/tfjs';

/** A copy of `model` (same architecture, built by `build`) holding the same weights: the average's start. */
export function startWeightAverage(model: tf.LayersModel, build: () => tf.LayersModel): tf.LayersModel {
  const average = build();
  average.setWeights(model.getWeights());
  return average;
}

/**
 * average ← decay·average + (1 − decay)·model, weight by weight (both models of the same architecture).
 * @throws RangeError for a decay outside [0, 1), Error when the models' weights do not match.
 */
export function updateWeightAverage(average: tf.LayersModel, model: tf.LayersModel, decay: number): void {
  if (!(decay >= 0 && decay < 1)) throw new RangeError(`decay must be in [0, 1), got ${decay}`);
  const targets = average.weights;
  const sources = model.weights;
  if (targets.length !== sources.length) {
    throw new Error(
      `The averaged model has ${targets.length} weights but the trained one ${sources.length}: build them alike.`,
    );
  }
  tf.tidy(() => {
    targets.forEach((target, i) => {
      const current = target.read();
      const next = sources[i].read();
      if (current.shape.join() !== next.shape.join()) {
        throw new Error(
          `Weight ${i} (${target.name}) has shape [${current.shape}] but [${next.shape}] in the trained model.`,
        );
      }
      target.write(tf.add(tf.mul(current, decay), tf.mul(next, 1 - decay)));
    });
  });
}
