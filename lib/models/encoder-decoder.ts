/**
 * The encoder and decoder networks shared by the autoencoders and VAEs: dense (MLP) and convolutional,
 * for 28×28×1 images. Every builder checks each layer's output shape as it adds it (like the
 * `assert model.output_shape == (None, 7, 7, 256)` lines of TensorFlow's tutorials), so a wrong filter
 * count, stride or padding fails at build time with the layer named, not later inside a matrix product.
 *
 * Weights are initialised from explicit seeds: the same options always build the same network.
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../data/random';

/** Shape of one image: height, width, channels. */
export const AUTOENCODER_IMAGE_SHAPE: readonly [number, number, number] = [28, 28, 1];

/** A layer to add and the output shape it must have (without the batch dimension). */
export type CheckedLayer = [layer: tf.layers.Layer, expectedShape: readonly number[]];

/** Output activation of a decoder: `sigmoid` for pixel values in [0, 1], `linear` for logits. */
export type DecoderOutput = 'sigmoid' | 'linear';

function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'batch' : d)).join(', ')}]`;
}

/**
 * Builds a sequential model from an input shape and a list of layers, checking after each layer that its
 * output has the expected shape.
 * @throws Error naming the model, the layer's position, class and name, both shapes, and what to check.
 */
export function sequentialWithShapeChecks(
  modelName: string,
  inputShape: readonly number[],
  layers: readonly CheckedLayer[],
): tf.Sequential {
  const model = tf.sequential({ name: modelName.replace(/[^A-Za-z0-9_]/g, '_') });
  model.add(tf.layers.inputLayer({ inputShape: [...inputShape] }));
  layers.forEach(([layer, expected], index) => {
    model.add(layer);
    const actual = model.outputs[0].shape;
    const matches =
      actual.length === expected.length + 1 && expected.every((size, axis) => actual[axis + 1] === size);
    if (!matches) {
      throw new Error(
        `${modelName}: layer ${index + 1} (${layer.getClassName()} '${layer.name}') outputs ` +
          `${formatShape(actual)}, expected ${formatShape([null, ...expected])}. Check its units or filters, ` +
          'kernel size, strides and padding, and the layer before it.',
      );
    }
  });
  return model;
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}.`);
  }
}

function checkList(name: string, values: readonly number[], allowEmpty: boolean): void {
  if (!Array.isArray(values) || (!allowEmpty && values.length === 0)) {
    throw new RangeError(`${name} must be a${allowEmpty ? 'n' : ' non-empty'} array of positive integers.`);
  }
  values.forEach((value, i) => {
    checkPositiveInteger(`${name}[${i}]`, value);
  });
}

/** A Glorot-uniform kernel initialiser with its own seed, derived from the network's seed and a layer index. */
function kernel(seed: number, layerIndex: number) {
  return tf.initializers.glorotUniform({ seed: deriveSeed(seed, layerIndex) });
}

/** Options of the dense (MLP) encoder and decoder. */
export interface DenseNetworkOptions {
  /** Hidden layer widths from the image side: the encoder uses them in order, the decoder reversed. */
  hiddenUnits: readonly number[];
  /** Seed of the weight initialisers. */
  seed: number;
}

/** Options of the convolutional encoder and decoder. */
export interface ConvNetworkOptions {
  /**
   * Filters of the stride-2 convolutions from the image side, one or two of them (28 → 14 → 7); the
   * decoder mirrors them with transposed convolutions.
   */
  filters: readonly number[];
  /** Square kernel size of every convolution. */
  kernelSize: number;
  /** Seed of the weight initialisers. */
  seed: number;
}

/** Image [N, 28, 28, 1] → flatten → dense ReLU layers → `outputUnits` linear outputs [N, outputUnits]. */
export function buildDenseEncoder(
  modelName: string,
  outputUnits: number,
  options: DenseNetworkOptions,
): tf.Sequential {
  checkPositiveInteger('the encoder output size', outputUnits);
  checkList('hiddenUnits', options.hiddenUnits, true);
  const [h, w, c] = AUTOENCODER_IMAGE_SHAPE;
  const layers: CheckedLayer[] = [[tf.layers.flatten(), [h * w * c]]];
  options.hiddenUnits.forEach((units, i) => {
    layers.push([
      tf.layers.dense({ units, activation: 'relu', kernelInitializer: kernel(options.seed, i) }),
      [units],
    ]);
  });
  layers.push([
    tf.layers.dense({
      units: outputUnits,
      kernelInitializer: kernel(options.seed, options.hiddenUnits.length),
    }),
    [outputUnits],
  ]);
  return sequentialWithShapeChecks(modelName, AUTOENCODER_IMAGE_SHAPE, layers);
}

/** Code [N, latentDim] → dense ReLU layers (hiddenUnits reversed) → 784 outputs → image [N, 28, 28, 1]. */
export function buildDenseDecoder(
  modelName: string,
  latentDim: number,
  output: DecoderOutput,
  options: DenseNetworkOptions,
): tf.Sequential {
  checkPositiveInteger('latentDim', latentDim);
  checkList('hiddenUnits', options.hiddenUnits, true);
  const [h, w, c] = AUTOENCODER_IMAGE_SHAPE;
  const layers: CheckedLayer[] = [];
  [...options.hiddenUnits].reverse().forEach((units, i) => {
    layers.push([
      tf.layers.dense({ units, activation: 'relu', kernelInitializer: kernel(options.seed, 100 + i) }),
      [units],
    ]);
  });
  layers.push([
    tf.layers.dense({
      units: h * w * c,
      activation: output,
      kernelInitializer: kernel(options.seed, 100 + options.hiddenUnits.length),
    }),
    [h * w * c],
  ]);
  layers.push([tf.layers.reshape({ targetShape: [h, w, c] }), [h, w, c]]);
  return sequentialWithShapeChecks(modelName, [latentDim], layers);
}

function checkConvOptions(options: ConvNetworkOptions): void {
  checkList('filters', options.filters, false);
  if (options.filters.length > 2) {
    throw new RangeError(
      `filters has ${options.filters.length} entries; use one or two (each stride-2 convolution halves 28 → 14 → 7).`,
    );
  }
  checkPositiveInteger('kernelSize', options.kernelSize);
}

/**
 * Image [N, 28, 28, 1] → stride-2 ReLU convolutions (28 → 14 → 7) → flatten → `outputUnits` linear
 * outputs, the encoder of TensorFlow's CVAE tutorial.
 */
export function buildConvEncoder(
  modelName: string,
  outputUnits: number,
  options: ConvNetworkOptions,
): tf.Sequential {
  checkPositiveInteger('the encoder output size', outputUnits);
  checkConvOptions(options);
  const layers: CheckedLayer[] = [];
  let size = AUTOENCODER_IMAGE_SHAPE[0];
  options.filters.forEach((filters, i) => {
    size /= 2;
    layers.push([
      tf.layers.conv2d({
        filters,
        kernelSize: options.kernelSize,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: kernel(options.seed, i),
      }),
      [size, size, filters],
    ]);
  });
  const last = options.filters[options.filters.length - 1];
  layers.push([tf.layers.flatten(), [size * size * last]]);
  layers.push([
    tf.layers.dense({ units: outputUnits, kernelInitializer: kernel(options.seed, options.filters.length) }),
    [outputUnits],
  ]);
  return sequentialWithShapeChecks(modelName, AUTOENCODER_IMAGE_SHAPE, layers);
}

/**
 * Code [N, latentDim] → dense → reshape to 7×7 (or 14×14) feature maps → stride-2 ReLU transposed
 * convolutions (filters reversed) → a stride-1 transposed convolution to one channel → image
 * [N, 28, 28, 1], the decoder of TensorFlow's CVAE tutorial.
 */
export function buildConvDecoder(
  modelName: string,
  latentDim: number,
  output: DecoderOutput,
  options: ConvNetworkOptions,
): tf.Sequential {
  checkPositiveInteger('latentDim', latentDim);
  checkConvOptions(options);
  const reversed = [...options.filters].reverse();
  let size = AUTOENCODER_IMAGE_SHAPE[0] / 2 ** reversed.length;
  const start = reversed[0];
  const layers: CheckedLayer[] = [
    [
      tf.layers.dense({
        units: size * size * start,
        activation: 'relu',
        kernelInitializer: kernel(options.seed, 100),
      }),
      [size * size * start],
    ],
    [tf.layers.reshape({ targetShape: [size, size, start] }), [size, size, start]],
  ];
  reversed.forEach((filters, i) => {
    size *= 2;
    layers.push([
      tf.layers.conv2dTranspose({
        filters,
        kernelSize: options.kernelSize,
        strides: 2,
        padding: 'same',
        activation: 'relu',
        kernelInitializer: kernel(options.seed, 101 + i),
      }),
      [size, size, filters],
    ]);
  });
  const channels = AUTOENCODER_IMAGE_SHAPE[2];
  layers.push([
    tf.layers.conv2dTranspose({
      filters: channels,
      kernelSize: options.kernelSize,
      strides: 1,
      padding: 'same',
      activation: output,
      kernelInitializer: kernel(options.seed, 101 + reversed.length),
    }),
    [size, size, channels],
  ]);
  return sequentialWithShapeChecks(modelName, [latentDim], layers);
}

/** The trainable variables of some layers models, for `optimizer.minimize(f, true, varList)`. */
export function trainableVariablesOf(...models: tf.LayersModel[]): tf.Variable[] {
  return models.flatMap((model) => model.trainableWeights.map((weight) => weight.read() as tf.Variable));
}

/** Total number of weights (trainable or not) of some layers models. */
export function parameterCount(...models: tf.LayersModel[]): number {
  return models.reduce((sum, model) => sum + model.countParams(), 0);
}

/** What a user sets on a dense encoder-decoder model (autoencoder or VAE); every field has a default. */
export interface DenseModelOptions {
  /** Code length (the model's builder states its default). */
  latentDim?: number;
  /** Hidden layer widths from the image side (the decoder mirrors them). Default [256]. */
  hiddenUnits?: readonly number[];
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
}

/** What a user sets on a convolutional encoder-decoder model (autoencoder or VAE); every field has a default. */
export interface ConvModelOptions {
  /** Code length (the model's builder states its default). */
  latentDim?: number;
  /** Filters of the one or two stride-2 convolutions (the decoder mirrors them). Default [16, 32]. */
  filters?: readonly number[];
  /** Kernel size of every convolution. Default 3. */
  kernelSize?: number;
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
}

/** {@link DenseModelOptions} with the defaults filled in, as the dense builders take them. */
export function denseNetworkOptions(options: DenseModelOptions): DenseNetworkOptions {
  return { hiddenUnits: options.hiddenUnits ?? [256], seed: options.seed ?? 0 };
}

/** {@link ConvModelOptions} with the defaults filled in, as the convolutional builders take them. */
export function convNetworkOptions(options: ConvModelOptions): ConvNetworkOptions {
  return {
    filters: options.filters ?? [16, 32],
    kernelSize: options.kernelSize ?? 3,
    seed: options.seed ?? 0,
  };
}

/** Throws a RangeError naming `what` unless `images` is a batch [N, 28, 28, 1]. */
export function assertImageBatch(images: tf.Tensor, what: string): void {
  const [, h, w, c] = images.shape;
  const [eh, ew, ec] = AUTOENCODER_IMAGE_SHAPE;
  if (images.rank !== 4 || h !== eh || w !== ew || c !== ec) {
    throw new RangeError(
      `${what} needs images of shape [N, ${eh}, ${ew}, ${ec}], got [${images.shape.join(', ')}]. ` +
        'Use the images of loadDataset(), or reshape flat vectors with tf.reshape(x, [-1, 28, 28, 1]).',
    );
  }
}

/** Throws a RangeError naming `what` unless `codes` is a batch [N, latentDim]. */
export function assertCodeBatch(codes: tf.Tensor, latentDim: number, what: string): void {
  if (codes.rank !== 2 || codes.shape[1] !== latentDim) {
    throw new RangeError(`${what} needs codes of shape [N, ${latentDim}], got [${codes.shape.join(', ')}].`);
  }
}

/** The methods every encoder-decoder model has: its variables, its size, and freeing it. */
export interface EncoderDecoderWeights {
  /** The encoder's and decoder's trainable variables: the list to pass to `optimizer.minimize`. */
  trainableVariables(): tf.Variable[];
  /** Number of weights of encoder and decoder. */
  countParams(): number;
  /** Frees the weights. */
  dispose(): void;
}

/** {@link EncoderDecoderWeights} of an encoder and a decoder. */
export function encoderDecoderWeights(
  encoder: tf.LayersModel,
  decoder: tf.LayersModel,
): EncoderDecoderWeights {
  return {
    trainableVariables: () => trainableVariablesOf(encoder, decoder),
    countParams: () => parameterCount(encoder, decoder),
    dispose() {
      encoder.dispose();
      decoder.dispose();
    },
  };
}
