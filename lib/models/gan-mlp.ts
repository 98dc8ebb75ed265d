/**
 * Fully connected GAN networks, as in the original GAN paper (Goodfellow et al., 2014): a generator that
 * maps a noise vector z to an example (a 2-D point, or a 28×28 image), and a discriminator that maps an
 * example to one logit (D(x) = sigmoid(logit) is the probability that x is real).
 *
 * Every builder checks the shape each layer produces and throws an error naming the layer on a mismatch.
 */
import * as tf from '@tensorflow/tfjs';

/** Output activation of a generator: `'linear'` for unbounded toy data, `'tanh'` for images in [-1, 1]. */
export type GeneratorOutputActivation = 'linear' | 'tanh' | 'sigmoid';

/** Options of {@link buildMlpGenerator}. */
export interface MlpGeneratorOptions {
  /** Length of the noise vector z. */
  latentDim: number;
  /** Shape of one generated example, e.g. `[2]` for 2-D points or `[28, 28, 1]` for MNIST. */
  outputShape: number[];
  /** Units of each hidden layer. Default `[64, 64]`. */
  hiddenUnits?: number[];
  /** Batch normalisation after each hidden dense layer (stabilises image generators). Default false. */
  batchNorm?: boolean;
  /** Slope of LeakyReLU for negative inputs. Default 0.2. */
  leakyReluAlpha?: number;
  /** Default `'linear'`. */
  outputActivation?: GeneratorOutputActivation;
  /** Seed of the weight initialisers: the same seed gives the same network. Default 0. */
  seed?: number;
  /** Model name. Default 'generator'. */
  name?: string;
}

/** Options of {@link buildMlpDiscriminator}. */
export interface MlpDiscriminatorOptions {
  /** Shape of one example, e.g. `[2]` or `[28, 28, 1]`. */
  inputShape: number[];
  /** Units of each hidden layer. Default `[64, 64]`. */
  hiddenUnits?: number[];
  /** Dropout rate after each hidden layer (0 for none). Default 0. */
  dropout?: number;
  /** Slope of LeakyReLU for negative inputs. Default 0.2. */
  leakyReluAlpha?: number;
  /** Seed of the weight initialisers (and of dropout). Default 0. */
  seed?: number;
  /** Model name. Default 'discriminator'. */
  name?: string;
}

function checkPositiveIntegers(what: string, values: number[], allowEmpty = false): void {
  if ((!allowEmpty && values.length === 0) || values.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new RangeError(`${what} must be a list of positive integers, got [${values.join(', ')}]`);
  }
}

function describeShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'batch' : d)).join(', ')}]`;
}

/**
 * Checks that a layer of `model` outputs `[batch, ...expected]`.
 * @throws Error naming the model, the layer and both shapes when it does not.
 */
export function assertLayerOutputShape(
  model: tf.LayersModel,
  layer: tf.layers.Layer,
  expected: number[],
): void {
  const actual = layer.outputShape as (number | null)[];
  const wanted = [null, ...expected];
  if (actual.length !== wanted.length || actual.some((d, i) => d !== wanted[i])) {
    throw new Error(
      `${model.name}: layer '${layer.name}' outputs ${describeShape(actual)}, expected ${describeShape(wanted)}`,
    );
  }
}

/** Adds a layer and checks its output shape at once. */
function addChecked(model: tf.Sequential, layer: tf.layers.Layer, expected: number[]): void {
  model.add(layer);
  assertLayerOutputShape(model, layer, expected);
}

/**
 * A fully connected generator: z [batch, latentDim] -> dense + (batch norm) + LeakyReLU per hidden layer ->
 * dense to prod(outputShape) with `outputActivation` -> reshape to `[batch, ...outputShape]`.
 */
export function buildMlpGenerator(options: MlpGeneratorOptions): tf.Sequential {
  const { latentDim, outputShape } = options;
  const hiddenUnits = options.hiddenUnits ?? [64, 64];
  const seed = options.seed ?? 0;
  checkPositiveIntegers('latentDim', [latentDim]);
  checkPositiveIntegers('outputShape', outputShape);
  checkPositiveIntegers('hiddenUnits', hiddenUnits, true);
  const name = options.name ?? 'generator';
  const model = tf.sequential({ name });
  const alpha = options.leakyReluAlpha ?? 0.2;
  hiddenUnits.forEach((units, i) => {
    addChecked(
      model,
      tf.layers.dense({
        units,
        useBias: !options.batchNorm,
        inputShape: i === 0 ? [latentDim] : undefined,
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 1000 + i }),
        name: `${name}_dense_${i + 1}`,
      }),
      [units],
    );
    if (options.batchNorm) {
      addChecked(model, tf.layers.batchNormalization({ momentum: 0.9, name: `${name}_bn_${i + 1}` }), [
        units,
      ]);
    }
    addChecked(model, tf.layers.leakyReLU({ alpha, name: `${name}_lrelu_${i + 1}` }), [units]);
  });
  const size = outputShape.reduce((a, b) => a * b, 1);
  addChecked(
    model,
    tf.layers.dense({
      units: size,
      activation: options.outputActivation ?? 'linear',
      inputShape: hiddenUnits.length === 0 ? [latentDim] : undefined,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 1000 + 999 }),
      name: `${name}_out`,
    }),
    [size],
  );
  if (outputShape.length > 1) {
    addChecked(model, tf.layers.reshape({ targetShape: outputShape, name: `${name}_reshape` }), outputShape);
  }
  return model;
}

/**
 * A fully connected discriminator: x [batch, ...inputShape] -> (flatten) -> dense + LeakyReLU (+ dropout)
 * per hidden layer -> dense to one logit [batch, 1]. No sigmoid: the losses take logits.
 */
export function buildMlpDiscriminator(options: MlpDiscriminatorOptions): tf.Sequential {
  const { inputShape } = options;
  const hiddenUnits = options.hiddenUnits ?? [64, 64];
  const seed = options.seed ?? 0;
  const dropout = options.dropout ?? 0;
  checkPositiveIntegers('inputShape', inputShape);
  checkPositiveIntegers('hiddenUnits', hiddenUnits, true);
  if (!(dropout >= 0 && dropout < 1)) throw new RangeError(`dropout must be in [0, 1), got ${dropout}`);
  const name = options.name ?? 'discriminator';
  const model = tf.sequential({ name });
  const size = inputShape.reduce((a, b) => a * b, 1);
  const alpha = options.leakyReluAlpha ?? 0.2;
  let first = true;
  const inputShapeOnce = () => {
    const shape = first ? (inputShape.length > 1 ? inputShape : [size]) : undefined;
    first = false;
    return shape;
  };
  if (inputShape.length > 1) {
    addChecked(model, tf.layers.flatten({ inputShape: inputShapeOnce(), name: `${name}_flatten` }), [size]);
  }
  hiddenUnits.forEach((units, i) => {
    addChecked(
      model,
      tf.layers.dense({
        units,
        inputShape: inputShapeOnce(),
        kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 1000 + i }),
        name: `${name}_dense_${i + 1}`,
      }),
      [units],
    );
    addChecked(model, tf.layers.leakyReLU({ alpha, name: `${name}_lrelu_${i + 1}` }), [units]);
    if (dropout > 0) {
      addChecked(
        model,
        tf.layers.dropout({ rate: dropout, seed: seed * 1000 + 500 + i, name: `${name}_dropout_${i + 1}` }),
        [units],
      );
    }
  });
  addChecked(
    model,
    tf.layers.dense({
      units: 1,
      inputShape: inputShapeOnce(),
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed * 1000 + 999 }),
      name: `${name}_logit`,
    }),
    [1],
  );
  return model;
}

/**
 * The variables an optimizer should update for one network: `optimizer.minimize(f, true, networkVariables(D))`
 * trains D and nothing else.
 * @throws Error when the model has no trainable weights (e.g. `model.trainable = false` was left set).
 */
export function networkVariables(model: tf.LayersModel): tf.Variable[] {
  const weights = model.trainableWeights;
  if (weights.length === 0) {
    throw new Error(
      `${model.name} has no trainable weights. Was ${model.name}.trainable set to false and not back to true? ` +
        '(In TensorFlow.js this also marks the variables themselves untrainable.)',
    );
  }
  return weights.map((weight) => weight.read() as tf.Variable);
}
