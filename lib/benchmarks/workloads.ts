/**
 * The training steps the benchmark times: the adversarial step of TensorFlow's DCGAN tutorial, and
 * two smaller models of the kind the notebooks train (an MLP GAN and a convolutional autoencoder).
 * Every model is built from fixed seeds, so two backends start from the same weights and see the
 * same batches; the step returns its losses, so backends can be compared number for number.
 */
import * as tf from '@tensorflow/tfjs';
import { buildDcganDiscriminator, buildDcganGenerator } from '../models/dcgan';
import { type LayerFlops, layerFlops } from './flops';

/** The names of the benchmark's workloads. */
export type WorkloadName = 'dcgan' | 'mlp-gan' | 'conv-autoencoder';

/** All workloads, in the order the benchmark runs them. */
export const WORKLOAD_NAMES: readonly WorkloadName[] = ['dcgan', 'mlp-gan', 'conv-autoencoder'];

/** One training step of a workload, ready to run. */
export interface TrainingStep {
  /** Runs one step (all updates) and returns its losses, e.g. `[generatorLoss, discriminatorLoss]`. */
  run(): number[];
  /** Multiply-adds x 2 of the matrix layers (dense, convolutions) in one step, counted from layer shapes. */
  flops: number;
  /** Images per step (the batch size). */
  images: number;
  /** Frees the models, optimizers and data. */
  dispose(): void;
}

/** Options of {@link createTrainingStep}. */
export interface WorkloadOptions {
  /** Batch size. Default 64. */
  batchSize?: number;
  /** Seed of the weights, the noise and the data. Default 1. */
  seed?: number;
}

/** What each workload is, in one line (for the benchmark's table). */
export const WORKLOAD_DESCRIPTIONS: Readonly<Record<WorkloadName, string>> = {
  dcgan:
    'TensorFlow DCGAN tutorial: G Dense 7x7x256 -> ConvT 128 5x5 s1 -> ConvT 64 5x5 s2 -> ConvT 1 s2 (BN + LeakyReLU); D Conv 64 -> Conv 128 5x5 s2, LeakyReLU, Dropout 0.3, Dense 1; one D + one G Adam update',
  'mlp-gan':
    'MLP GAN on 28x28 images: G 100 -> 256 -> 512 -> 784 (LeakyReLU, tanh); D 784 -> 512 -> 256 -> 1 (LeakyReLU); one D + one G Adam update',
  'conv-autoencoder':
    'TensorFlow autoencoder tutorial (denoising): Conv 16 -> Conv 8 (3x3 s2) -> ConvT 8 -> ConvT 16 (3x3 s2) -> Conv 1 sigmoid; one Adam step on MSE',
};

const NOISE_DIM = 100;

function glorot(seed: number): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed });
}

/** Throws a clear error naming `layer` when `actual` differs from `expected`. */
function assertShape(layer: string, actual: (number | null)[], expected: (number | null)[]): void {
  if (actual.length !== expected.length || actual.some((d, i) => d !== expected[i])) {
    throw new Error(
      `${layer}: output shape [${actual.join(', ')}] but the architecture needs [${expected.join(', ')}].`,
    );
  }
}

function outputShape(layer: tf.layers.Layer): (number | null)[] {
  return layer.outputShape as (number | null)[];
}

/** An MLP generator, noise 100 -> 784 -> 28x28x1 in [-1, 1]. */
export function buildMlpGenerator(seed = 1): tf.Sequential {
  const model = tf.sequential({ name: 'mlp_generator' });
  model.add(tf.layers.dense({ inputShape: [NOISE_DIM], units: 256, kernelInitializer: glorot(seed) }));
  model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  model.add(tf.layers.dense({ units: 512, kernelInitializer: glorot(seed + 1) }));
  model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  model.add(tf.layers.dense({ units: 784, activation: 'tanh', kernelInitializer: glorot(seed + 2) }));
  model.add(tf.layers.reshape({ targetShape: [28, 28, 1] }));
  return model;
}

/** An MLP discriminator, 28x28x1 -> one logit. */
export function buildMlpDiscriminator(seed = 101): tf.Sequential {
  const model = tf.sequential({ name: 'mlp_discriminator' });
  model.add(tf.layers.flatten({ inputShape: [28, 28, 1] }));
  model.add(tf.layers.dense({ units: 512, kernelInitializer: glorot(seed) }));
  model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  model.add(tf.layers.dense({ units: 256, kernelInitializer: glorot(seed + 1) }));
  model.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  model.add(tf.layers.dense({ units: 1, kernelInitializer: glorot(seed + 2) }));
  return model;
}

/** The denoising convolutional autoencoder of TensorFlow's autoencoder tutorial (28x28x1 -> 28x28x1). */
export function buildConvAutoencoder(seed = 201): tf.Sequential {
  const model = tf.sequential({ name: 'conv_autoencoder' });
  const conv = (filters: number, s: number, inputShape?: number[]) =>
    tf.layers.conv2d({
      ...(inputShape ? { inputShape } : {}),
      filters,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: glorot(seed + s),
    });
  model.add(conv(16, 0, [28, 28, 1]));
  model.add(conv(8, 1));
  assertShape('autoencoder code', outputShape(model.layers[1]), [null, 7, 7, 8]);
  const convT = (filters: number, s: number) =>
    tf.layers.conv2dTranspose({
      filters,
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: glorot(seed + s),
    });
  model.add(convT(8, 2));
  model.add(convT(16, 3));
  model.add(
    tf.layers.conv2d({
      filters: 1,
      kernelSize: 3,
      padding: 'same',
      activation: 'sigmoid',
      kernelInitializer: glorot(seed + 4),
    }),
  );
  assertShape('autoencoder output', outputShape(model.layers[4]), [null, 28, 28, 1]);
  return model;
}

/** The trainable variables of a model (what its optimizer updates). */
function variablesOf(model: tf.LayersModel): tf.Variable[] {
  return model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
}

/** Same total as `flops` over the layers, with the passes an adversarial step does. */
function adversarialFlops(generator: LayerFlops[], discriminator: LayerFlops[]): number {
  const sum = (ls: LayerFlops[], f: (l: LayerFlops, i: number) => number) =>
    ls.reduce((t, l, i) => t + f(l, i), 0);
  const forward = (ls: LayerFlops[]) => sum(ls, (l) => l.forward);
  const weightGrads = (ls: LayerFlops[]) => sum(ls, (l) => l.weightGradient);
  // The first matrix layer's input gradient is needed only when something upstream is trained.
  const inputGrads = (ls: LayerFlops[], all: boolean) =>
    sum(ls, (l, i) => (all || i > 0 ? l.inputGradient : 0));
  // Generator tape: G forward, D on the fakes, back through D's inputs into G's weights.
  const generatorTape =
    forward(generator) +
    forward(discriminator) +
    inputGrads(discriminator, true) +
    weightGrads(generator) +
    inputGrads(generator, false);
  // Discriminator tape: D on the real and on the (detached) fake batch, D's weight gradients.
  const discriminatorTape =
    2 * (forward(discriminator) + weightGrads(discriminator) + inputGrads(discriminator, false));
  return generatorTape + discriminatorTape;
}

function sigmoidCrossEntropy(logits: tf.Tensor, label: number): tf.Scalar {
  return tf.losses.sigmoidCrossEntropy(tf.fill(logits.shape, label), logits) as tf.Scalar;
}

/** Options of {@link createAdversarialStep}. */
export interface AdversarialStepOptions {
  /** Batch size. Default 64. */
  batchSize?: number;
  /** Seed of the noise and of the stand-in real batch (a positive integer). Default 1. */
  seed?: number;
  /** Adam learning rate of both networks. Default 1e-4 (the DCGAN tutorial's). */
  learningRate?: number;
}

/**
 * The adversarial step of TensorFlow's DCGAN tutorial, for any generator/discriminator pair: the
 * generator's tape (G forward on fresh noise, D on the fakes, non-saturating loss, gradients for
 * G's variables only) and the discriminator's tape (D on the real batch and on the same fakes,
 * detached; gradients for D's variables), then one Adam update of each network. Both gradients are
 * taken before either update, as the tutorial does. The real batch is fixed uniform noise in
 * [-1, 1] of the discriminator's input shape (the benchmark times computation, not data loading).
 */
export function createAdversarialStep(
  generator: tf.LayersModel,
  discriminator: tf.LayersModel,
  options: AdversarialStepOptions = {},
): TrainingStep {
  const { batchSize = 64, seed = 1, learningRate = 1e-4 } = options;
  const noiseDim = (generator.inputs[0].shape[1] as number | null) ?? NOISE_DIM;
  const imageShape = discriminator.inputs[0].shape.slice(1) as number[];
  const generatorVars = variablesOf(generator);
  const discriminatorVars = variablesOf(discriminator);
  const optG = tf.train.adam(learningRate);
  const optD = tf.train.adam(learningRate);
  const real = tf.randomUniform([batchSize, ...imageShape], -1, 1, 'float32', seed + 7);
  let stepIndex = 0;
  return {
    images: batchSize,
    flops: adversarialFlops(layerFlops(generator, batchSize), layerFlops(discriminator, batchSize)),
    run() {
      stepIndex += 1;
      // tf.randomNormal treats seed 0 as "unseeded": keep every seed positive.
      const noiseSeed = seed * 100_003 + stepIndex;
      return tf.tidy(() => {
        const noise = tf.randomNormal([batchSize, noiseDim], 0, 1, 'float32', noiseSeed);
        let fake: tf.Tensor | undefined;
        const g = tf.variableGrads(() => {
          fake = tf.keep(generator.apply(noise, { training: true }) as tf.Tensor);
          return sigmoidCrossEntropy(discriminator.apply(fake, { training: true }) as tf.Tensor, 1);
        }, generatorVars);
        const fakes = fake as tf.Tensor;
        const d = tf.variableGrads(
          () =>
            tf.add(
              sigmoidCrossEntropy(discriminator.apply(real, { training: true }) as tf.Tensor, 1),
              sigmoidCrossEntropy(discriminator.apply(fakes, { training: true }) as tf.Tensor, 0),
            ) as tf.Scalar,
          discriminatorVars,
        );
        type Gradients = Parameters<typeof optG.applyGradients>[0];
        optG.applyGradients(g.grads as unknown as Gradients);
        optD.applyGradients(d.grads as unknown as Gradients);
        fakes.dispose();
        return [g.value.dataSync()[0], d.value.dataSync()[0]];
      });
    },
    dispose() {
      generator.dispose();
      discriminator.dispose();
      optG.dispose();
      optD.dispose();
      real.dispose();
    },
  };
}

function autoencoderStep(model: tf.Sequential, batchSize: number, seed: number): TrainingStep {
  const vars = variablesOf(model);
  const optimizer = tf.train.adam(1e-3);
  const clean = tf.randomUniform([batchSize, 28, 28, 1], 0, 1, 'float32', seed + 7);
  const layers = layerFlops(model, batchSize);
  const flops = layers.reduce(
    (t, l, i) => t + l.forward + l.weightGradient + (i > 0 ? l.inputGradient : 0),
    0,
  );
  let stepIndex = 0;
  return {
    images: batchSize,
    flops,
    run() {
      stepIndex += 1;
      return tf.tidy(() => {
        const noisy = tf.clipByValue(
          tf.add(clean, tf.randomNormal(clean.shape, 0, 0.2, 'float32', seed * 100_003 + stepIndex)),
          0,
          1,
        );
        const loss = optimizer.minimize(
          () =>
            tf.losses.meanSquaredError(
              clean,
              model.apply(noisy, { training: true }) as tf.Tensor,
            ) as tf.Scalar,
          true,
          vars,
        ) as tf.Scalar;
        return [loss.dataSync()[0]];
      });
    },
    dispose() {
      model.dispose();
      optimizer.dispose();
      clean.dispose();
    },
  };
}

/**
 * Builds a workload's models (fixed seeds) and returns its training step. Call after the backend
 * is initialised; the models live on the active backend.
 */
export function createTrainingStep(name: WorkloadName, options: WorkloadOptions = {}): TrainingStep {
  const { batchSize = 64, seed = 1 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a positive integer, got ${batchSize}.`);
  }
  if (!Number.isInteger(seed) || seed < 1) {
    throw new RangeError(`seed must be a positive integer (tf.js treats seed 0 as unseeded), got ${seed}.`);
  }
  if (name === 'dcgan') {
    return createAdversarialStep(
      buildDcganGenerator({ seed }),
      buildDcganDiscriminator({ seed: seed + 100 }),
      {
        batchSize,
        seed,
      },
    );
  }
  if (name === 'mlp-gan') {
    return createAdversarialStep(buildMlpGenerator(seed), buildMlpDiscriminator(seed + 100), {
      batchSize,
      seed,
    });
  }
  if (name === 'conv-autoencoder') return autoencoderStep(buildConvAutoencoder(seed + 200), batchSize, seed);
  throw new Error(`Unknown workload '${name}': use one of ${WORKLOAD_NAMES.join(', ')}.`);
}
