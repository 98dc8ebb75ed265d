/**
 * The Keras way of training a GAN, in TensorFlow.js layers: D is compiled on its own; a combined model
 * noise -> G -> D is compiled while D is frozen; each round calls `trainOnBatch` on D with real -> 1 and
 * fake -> 0, then on the combined model with noise -> 1.
 *
 * Freezing in tfjs-layers differs from Keras in one way that matters here:
 * - as in Keras, `compile()` captures the trainable weights: the combined model, compiled while
 *   `D.trainable === false`, never updates D's weights, even after `D.trainable = true`;
 * - unlike Keras, `D.trainable = false` also marks D's variables themselves untrainable, so every later
 *   `D.trainOnBatch` fails ("variableGrads() expects at least one of the input variables to be trainable")
 *   until `D.trainable = true` is set again. {@link compileCombinedModel} therefore sets it back;
 * - BatchNormalization ignores `trainable`: a frozen D with batch norm still normalises with batch
 *   statistics and updates its moving averages inside the combined model. The MLP discriminators of this
 *   library have no batch norm.
 */
import * as tf from '@tensorflow/tfjs';
import { logitBinaryCrossentropy } from './gan-losses';

/** Options of {@link compileCombinedModel}. */
export interface CombinedModelOptions {
  /** The optimizer of the combined model, i.e. of G. */
  optimizer: tf.Optimizer;
  /** Default: binary cross-entropy on D's logit. */
  loss?: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
}

/**
 * Builds and compiles the combined model noise -> G -> D with D frozen, then unfreezes D so that D can
 * still be trained on its own (D must have been compiled already, or be compiled later).
 */
export function compileCombinedModel(
  generator: tf.LayersModel,
  discriminator: tf.LayersModel,
  options: CombinedModelOptions,
): tf.LayersModel {
  const inputShape = generator.inputs[0].shape.slice(1) as number[];
  discriminator.trainable = false;
  try {
    const noise = tf.input({ shape: inputShape, name: 'noise' });
    const validity = discriminator.apply(generator.apply(noise)) as tf.SymbolicTensor;
    const combined = tf.model({ inputs: noise, outputs: validity, name: 'combined' });
    combined.compile({ optimizer: options.optimizer, loss: options.loss ?? logitBinaryCrossentropy });
    return combined;
  } finally {
    discriminator.trainable = true; // tfjs: `false` also froze D's variables for D's own trainOnBatch
  }
}

/** Options of {@link kerasStyleGanStep}. */
export interface KerasStyleStepOptions {
  generator: tf.LayersModel;
  /** Compiled with its own optimizer and a loss on its logit. */
  discriminator: tf.LayersModel;
  /** From {@link compileCombinedModel}. */
  combined: tf.LayersModel;
  /** A batch of real examples. */
  real: tf.Tensor;
  /** Noise for the fakes D trains on (`fake_imgs1 = G.predict(noise)`). */
  noise: tf.Tensor;
  /** Noise the combined model trains on; default `noise` (the same noise). */
  noiseForGenerator?: tf.Tensor;
}

/** What one Keras-style round measured; D(x) and D(G(z)) are read before D's updates. */
export interface KerasStyleStepResult {
  lossD: number;
  lossG: number;
  dReal: number;
  dFake: number;
}

/** One round of the Keras recipe: D on real -> 1, D on fake -> 0, then the combined model on noise -> 1. */
export async function kerasStyleGanStep(options: KerasStyleStepOptions): Promise<KerasStyleStepResult> {
  const { generator, discriminator, combined, real, noise } = options;
  const batch = real.shape[0];
  const fake = generator.predict(noise) as tf.Tensor;
  const ones = tf.ones([batch, 1]);
  const zeros = tf.zeros([fake.shape[0], 1]);
  const onesForG = tf.ones([(options.noiseForGenerator ?? noise).shape[0], 1]);
  try {
    const [dReal, dFake] = tf.tidy(() =>
      [real, fake].map((x) => tf.mean(tf.sigmoid(discriminator.predict(x) as tf.Tensor)).dataSync()[0]),
    );
    const lossReal = (await discriminator.trainOnBatch(real, ones)) as number;
    const lossFake = (await discriminator.trainOnBatch(fake, zeros)) as number;
    const lossG = (await combined.trainOnBatch(options.noiseForGenerator ?? noise, onesForG)) as number;
    return { lossD: lossReal + lossFake, lossG, dReal, dFake };
  } finally {
    tf.dispose([fake, ones, zeros, onesForG]);
  }
}
