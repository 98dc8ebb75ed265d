/**
 * One training step for each network of a GAN, each updating only its own network's variables:
 *
 * - {@link discriminatorStep}: D learns real -> 1, G(z) -> 0 while G stays as it is;
 * - {@link generatorStep}: G learns to make D say "real" while D stays as it is.
 *
 * Each step computes the gradients with `optimizer.computeGradients(loss, variables)` and applies them with
 * `optimizer.applyGradients` — exactly what `optimizer.minimize(loss, true, variables)` does, with the
 * gradients kept long enough to measure their norm. The variable list is what freezes the other network:
 * gradients are taken with respect to these variables only.
 */
import * as tf from '@tensorflow/tfjs';
import { networkVariables } from '../models/gan-mlp';
import { discriminatorLoss, type GeneratorLossKind, generatorLoss } from './gan-losses';

/** Options of {@link discriminatorStep}. */
export interface DiscriminatorStepOptions {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  /** The discriminator's own optimizer. */
  optimizer: tf.Optimizer;
  /** A batch of real examples. */
  real: tf.Tensor;
  /** Noise [batch, latentDim] for the fake examples. */
  noise: tf.Tensor;
  /** One-sided label smoothing of the real target (see discriminatorLoss). Default 0. */
  labelSmoothing?: number;
}

/** What a discriminator step measured (before its update). */
export interface DiscriminatorStepResult {
  /** BCE(real -> 1) + BCE(fake -> 0). */
  lossD: number;
  /** Mean D(x) on the real batch. */
  dReal: number;
  /** Mean D(G(z)) on the fake batch. */
  dFake: number;
  /** Global L2 norm of the gradient with respect to D's variables. */
  gradNormD: number;
}

/** Options of {@link generatorStep}. */
export interface GeneratorStepOptions {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  /** The generator's own optimizer. */
  optimizer: tf.Optimizer;
  /** Noise [batch, latentDim]. */
  noise: tf.Tensor;
  /** Default 'non-saturating'. */
  loss?: GeneratorLossKind;
}

/** What a generator step measured (before its update). */
export interface GeneratorStepResult {
  lossG: number;
  /** Mean D(G(z)) seen by the generator step. */
  dFakeForG: number;
  /** Global L2 norm of the gradient with respect to G's variables. */
  gradNormG: number;
}

/** sqrt(Σ g²) over all gradient tensors (a tf.Scalar; dispose it). */
export function globalGradientNorm(grads: tf.NamedTensorMap): tf.Scalar {
  return tf.tidy(() => {
    const squares = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    return tf.sqrt(tf.addN(squares)) as tf.Scalar;
  });
}

function readAndDispose(tensors: tf.Scalar[]): number[] {
  const values = tensors.map((t) => t.dataSync()[0]);
  tf.dispose(tensors);
  return values;
}

/**
 * One discriminator update: loss = BCE(D(real) -> 1) + BCE(D(G(noise)) -> 0), gradients with respect to
 * D's variables only. G runs forward (in training mode) but is not changed.
 */
export function discriminatorStep(options: DiscriminatorStepOptions): DiscriminatorStepResult {
  const { generator, discriminator, optimizer, real, noise } = options;
  const variables = networkVariables(discriminator);
  const fake = tf.tidy(() => generator.apply(noise, { training: true }) as tf.Tensor);
  const probes: { dReal?: tf.Scalar; dFake?: tf.Scalar } = {};
  const { value, grads } = optimizer.computeGradients(() => {
    const realLogits = discriminator.apply(real, { training: true }) as tf.Tensor;
    const fakeLogits = discriminator.apply(fake, { training: true }) as tf.Tensor;
    probes.dReal = tf.keep(tf.mean(tf.sigmoid(realLogits)) as tf.Scalar);
    probes.dFake = tf.keep(tf.mean(tf.sigmoid(fakeLogits)) as tf.Scalar);
    return discriminatorLoss(realLogits, fakeLogits, { labelSmoothing: options.labelSmoothing });
  }, variables);
  const norm = globalGradientNorm(grads);
  optimizer.applyGradients(grads);
  fake.dispose();
  tf.dispose(Object.values(grads));
  const [lossD, dReal, dFake, gradNormD] = readAndDispose([
    value,
    probes.dReal as tf.Scalar,
    probes.dFake as tf.Scalar,
    norm,
  ]);
  return { lossD, dReal, dFake, gradNormD };
}

/**
 * One generator update: loss = generatorLoss(D(G(noise))), gradients with respect to G's variables only.
 * D runs forward (in training mode) but is not changed.
 */
export function generatorStep(options: GeneratorStepOptions): GeneratorStepResult {
  const { generator, discriminator, optimizer, noise } = options;
  const variables = networkVariables(generator);
  const probes: { dFake?: tf.Scalar } = {};
  const { value, grads } = optimizer.computeGradients(() => {
    const fake = generator.apply(noise, { training: true }) as tf.Tensor;
    const fakeLogits = discriminator.apply(fake, { training: true }) as tf.Tensor;
    probes.dFake = tf.keep(tf.mean(tf.sigmoid(fakeLogits)) as tf.Scalar);
    return generatorLoss(fakeLogits, options.loss ?? 'non-saturating');
  }, variables);
  const norm = globalGradientNorm(grads);
  optimizer.applyGradients(grads);
  tf.dispose(Object.values(grads));
  const [lossG, dFakeForG, gradNormG] = readAndDispose([value, probes.dFake as tf.Scalar, norm]);
  return { lossG, dFakeForG, gradNormG };
}

/**
 * The norm of the generator's gradient for a loss, without updating anything: how strongly G would be
 * pushed right now. Used to compare the saturating and non-saturating losses at the same D.
 */
export function generatorGradientNorm(
  generator: tf.LayersModel,
  discriminator: tf.LayersModel,
  noise: tf.Tensor,
  loss: GeneratorLossKind,
): number {
  const variables = networkVariables(generator);
  const { value, grads } = tf.variableGrads(() => {
    const fakeLogits = discriminator.apply(generator.apply(noise, { training: true }), {
      training: true,
    }) as tf.Tensor;
    return generatorLoss(fakeLogits, loss);
  }, variables);
  const norm = globalGradientNorm(grads);
  tf.dispose(Object.values(grads));
  value.dispose();
  return readAndDispose([norm])[0];
}
