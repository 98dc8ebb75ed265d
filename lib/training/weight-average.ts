/**
 * An exponential moving average of a network's weights (Polyak averaging): after every training step,
 * average ← decay·average + (1 − decay)·weights. Sampling from the averaged generator instead of the
 * last one smooths out the oscillation of GAN training and usually gives cleaner samples (Yazıcı et al.,
 * "The Unusual Effectiveness of Averaging in GAN Training", ICLR 2019).
 *
 * Only the trainable weights are averaged. Batch-norm moving statistics belong to the weights they were
 * measured with, and averaged weights produce other activations, so an averaged generator with the live
 * generator's (or averaged) statistics draws washed-out images: {@link recalibrateBatchNorm} measures the
 * averaged network's own statistics on a fixed batch of inputs before it is used ("standing statistics",
 * as in BigGAN).
 */
import * as tf from '@tensorflow/tfjs';

/** A copy of `model` (same architecture, built by `build`) holding the same weights: the average's start. */
export function startWeightAverage(model: tf.LayersModel, build: () => tf.LayersModel): tf.LayersModel {
  const average = build();
  average.setWeights(model.getWeights());
  return average;
}

/**
 * average ← decay·average + (1 − decay)·model, trainable weight by trainable weight (both models of the
 * same architecture).
 * @throws RangeError for a decay outside [0, 1), Error when the models' weights do not match.
 */
export function updateWeightAverage(average: tf.LayersModel, model: tf.LayersModel, decay: number): void {
  if (!(decay >= 0 && decay < 1)) throw new RangeError(`decay must be in [0, 1), got ${decay}`);
  const targets = average.trainableWeights;
  const sources = model.trainableWeights;
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

/**
 * Sets every batch-norm layer's moving mean and variance to the mean and variance of its input over
 * `inputs` (layer by layer, each measured with the layers before it already recalibrated), so the network
 * runs in inference mode with statistics that match its own weights. Deterministic for fixed inputs.
 * @returns the number of batch-norm layers recalibrated.
 */
export function recalibrateBatchNorm(model: tf.LayersModel, inputs: tf.Tensor | tf.Tensor[]): number {
  let count = 0;
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const probe = tf.model({ inputs: model.inputs, outputs: layer.input as tf.SymbolicTensor });
    const movingMean = layer.weights.find((w) => w.name.includes('moving_mean'));
    const movingVariance = layer.weights.find((w) => w.name.includes('moving_variance'));
    if (!movingMean || !movingVariance) {
      throw new Error(`Batch-norm layer '${layer.name}' has no moving_mean / moving_variance weights.`);
    }
    tf.tidy(() => {
      const x = probe.predict(inputs) as tf.Tensor;
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      const { mean, variance } = tf.moments(x, axes);
      movingMean.write(mean);
      movingVariance.write(variance);
    });
    count++;
  }
  return count;
}
