/**
 * A small convolutional GAN for 28×28×1 images, the layout of the notes' example scaled down for a CPU: the
 * generator is "an inverse convolutional network" (noise → dense 7×7 feature maps → two stride-2 transposed
 * convolutions → 28×28 image in [−1, 1]), the discriminator "a standard convolutional network" (two stride-2
 * convolutions → one logit). Batch normalisation in the generator only; the discriminator has none, so a
 * custom loop with per-network variable lists trains it without the layers-API freezing pitfalls.
 *
 *   const G = buildConvGanGenerator({ latentDim: 64, seed: 1 });     // [N, 64] → [N, 28, 28, 1]
 *   const D = buildConvGanDiscriminator({ seed: 2 });                 // [N, 28, 28, 1] → [N, 1] logits
 *
 * Every layer's output shape is checked as it is added (an error names the layer on a mismatch).
 */
import * as tf from '@tensorflow/tfjs';
import { deriveSeed } from '../data/random';
import { type CheckedLayer, sequentialWithShapeChecks } from './encoder-decoder';

/** Options of {@link buildConvGanGenerator}. */
export interface ConvGanGeneratorOptions {
  /** Length of the noise vector z. Default 64. */
  latentDim?: number;
  /**
   * Feature maps at 7×7 and at 14×14 (the two transposed convolutions go 7 → 14 → 28). Default [64, 32].
   */
  filters?: readonly [number, number];
  /** Square kernel size of the transposed convolutions. Default 4. */
  kernelSize?: number;
  /** Slope of LeakyReLU for negative inputs. Default 0.2. */
  leakyReluAlpha?: number;
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
  /** Model name. Default 'conv_generator'. */
  name?: string;
}

/** Options of {@link buildConvGanDiscriminator}. */
export interface ConvGanDiscriminatorOptions {
  /** Filters of the two stride-2 convolutions (28 → 14 → 7). Default [32, 64]. */
  filters?: readonly [number, number];
  /** Square kernel size. Default 4. */
  kernelSize?: number;
  /** Dropout rate after each convolution (0 for none). Default 0.3, as in TensorFlow's DCGAN tutorial. */
  dropout?: number;
  /** Slope of LeakyReLU for negative inputs. Default 0.2. */
  leakyReluAlpha?: number;
  /** Seed of the weight initialisers and of dropout. Default 0. */
  seed?: number;
  /** Model name. Default 'conv_discriminator'. */
  name?: string;
}

function checkPositiveInteger(what: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${what} must be a positive integer, got ${value}.`);
  }
}

function checkFilters(filters: readonly number[]): void {
  if (!Array.isArray(filters) || filters.length !== 2) {
    throw new RangeError(
      `filters must list two filter counts (one per stride-2 layer, 7 ↔ 14 ↔ 28), got [${String(filters)}].`,
    );
  }
  filters.forEach((f, i) => {
    checkPositiveInteger(`filters[${i}]`, f);
  });
}

const initializer = (seed: number, index: number) =>
  tf.initializers.glorotUniform({ seed: deriveSeed(seed, index) });

/**
 * The generator: z [N, latentDim] → dense 7·7·filters[0] (no bias) → batch norm → LeakyReLU → reshape
 * [7, 7, filters[0]] → transposed conv (stride 2) to [14, 14, filters[1]] → batch norm → LeakyReLU →
 * transposed conv (stride 2) to [28, 28, 1] with tanh.
 */
export function buildConvGanGenerator(options: ConvGanGeneratorOptions = {}): tf.Sequential {
  const latentDim = options.latentDim ?? 64;
  const filters = options.filters ?? [64, 32];
  const kernelSize = options.kernelSize ?? 4;
  const alpha = options.leakyReluAlpha ?? 0.2;
  const seed = options.seed ?? 0;
  checkPositiveInteger('latentDim', latentDim);
  checkFilters(filters);
  const [f7, f14] = filters;
  checkPositiveInteger('kernelSize', kernelSize);
  const layers: CheckedLayer[] = [
    [
      tf.layers.dense({ units: 7 * 7 * f7, useBias: false, kernelInitializer: initializer(seed, 0) }),
      [7 * 7 * f7],
    ],
    [tf.layers.batchNormalization({ momentum: 0.9 }), [7 * 7 * f7]],
    [tf.layers.leakyReLU({ alpha }), [7 * 7 * f7]],
    [tf.layers.reshape({ targetShape: [7, 7, f7] }), [7, 7, f7]],
    [
      tf.layers.conv2dTranspose({
        filters: f14,
        kernelSize,
        strides: 2,
        padding: 'same',
        useBias: false,
        kernelInitializer: initializer(seed, 1),
      }),
      [14, 14, f14],
    ],
    [tf.layers.batchNormalization({ momentum: 0.9 }), [14, 14, f14]],
    [tf.layers.leakyReLU({ alpha }), [14, 14, f14]],
    [
      tf.layers.conv2dTranspose({
        filters: 1,
        kernelSize,
        strides: 2,
        padding: 'same',
        activation: 'tanh',
        kernelInitializer: initializer(seed, 2),
      }),
      [28, 28, 1],
    ],
  ];
  return sequentialWithShapeChecks(options.name ?? 'conv_generator', [latentDim], layers);
}

/**
 * The discriminator: image [N, 28, 28, 1] → conv (stride 2) to [14, 14, filters[0]] → LeakyReLU → dropout
 * → conv (stride 2) to [7, 7, filters[1]] → LeakyReLU → dropout → flatten → dense to one logit [N, 1] (no
 * sigmoid: the GAN losses take logits).
 */
export function buildConvGanDiscriminator(options: ConvGanDiscriminatorOptions = {}): tf.Sequential {
  const filters = options.filters ?? [32, 64];
  const kernelSize = options.kernelSize ?? 4;
  const dropout = options.dropout ?? 0.3;
  const alpha = options.leakyReluAlpha ?? 0.2;
  const seed = options.seed ?? 0;
  checkFilters(filters);
  const [f14, f7] = filters;
  checkPositiveInteger('kernelSize', kernelSize);
  if (!(dropout >= 0 && dropout < 1)) throw new RangeError(`dropout must be in [0, 1), got ${dropout}.`);
  const layers: CheckedLayer[] = [];
  [f14, f7].forEach((filters, i) => {
    const size = 14 / 2 ** i;
    layers.push([
      tf.layers.conv2d({
        filters,
        kernelSize,
        strides: 2,
        padding: 'same',
        kernelInitializer: initializer(seed, i),
      }),
      [size, size, filters],
    ]);
    layers.push([tf.layers.leakyReLU({ alpha }), [size, size, filters]]);
    if (dropout > 0) {
      layers.push([
        tf.layers.dropout({ rate: dropout, seed: deriveSeed(seed, 10 + i) }),
        [size, size, filters],
      ]);
    }
  });
  layers.push([tf.layers.flatten(), [7 * 7 * f7]]);
  layers.push([tf.layers.dense({ units: 1, kernelInitializer: initializer(seed, 2) }), [1]]);
  return sequentialWithShapeChecks(options.name ?? 'conv_discriminator', [28, 28, 1], layers);
}
