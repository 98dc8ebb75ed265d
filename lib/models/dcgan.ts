/**
 * The DCGAN of TensorFlow's tutorial (`site/en/tutorials/generative/dcgan.ipynb`), for 28×28×1 images in
 * [-1, 1]:
 *
 * - generator: z [batch, 100] → Dense 7·7·256 (no bias) → BatchNorm → LeakyReLU → reshape [7, 7, 256]
 *   → ConvTranspose 128 (5×5, stride 1) → BN → LeakyReLU → ConvTranspose 64 (5×5, stride 2) → BN →
 *   LeakyReLU → ConvTranspose 1 (5×5, stride 2, tanh): an "inverse" conv net that upsamples noise to an
 *   image;
 * - discriminator: image → Conv 64 (5×5, stride 2) → LeakyReLU → Dropout 0.3 → Conv 128 (5×5, stride 2)
 *   → LeakyReLU → Dropout 0.3 → Flatten → Dense 1: a conv net that downsamples an image to one logit
 *   (D(x) = sigmoid(logit)).
 *
 * Options: a `width` multiplier scales every layer's filters (the CPU profile trains a narrower copy), and
 * `numClasses` makes the conditional variant: the generator sees the class as a one-hot vector concatenated
 * to the noise, the discriminator sees it as `numClasses` extra input channels (the one-hot vector repeated
 * over the 28×28 pixels). Every layer's output shape is checked at build time, and every initialiser is
 * seeded (Glorot uniform, Keras' default), so the same options give the same network.
 */
import * as tf from '@tensorflow/tfjs';
import { tfSeed } from '../data/random';
import { seededDropout } from './seeded-dropout';
import { assertLayerShapes, type ExpectedShape } from './shape-check';

/** The image side of the tutorial's networks. */
export const DCGAN_IMAGE_SIZE = 28;

/** Options shared by both networks. */
export interface DcganOptions {
  /** Length of the noise vector z. Default 100 (the tutorial's). */
  latentDim?: number;
  /** Multiplies every layer's filter count (1 = the tutorial's 256/128/64 and 64/128). Default 1. */
  width?: number;
  /** Number of classes for the conditional variant; 0 (default) for the unconditional tutorial model. */
  numClasses?: number;
  /** Slope of LeakyReLU for negative inputs. Default 0.3 (Keras' default, used by the tutorial). */
  leakyReluAlpha?: number;
  /** Discriminator dropout rate. Default 0.3. */
  dropout?: number;
  /** Seed of the initialisers (and of the discriminator's dropout layers). Default 0. */
  seed?: number;
}

/** {@link DcganOptions} with every default filled in. */
export type ResolvedDcganOptions = Required<DcganOptions>;

/** The filter counts of one network at a given width. */
export interface DcganFilters {
  /** Generator: channels of the 7×7 dense projection, then of the two transposed convolutions. */
  generator: [number, number, number];
  /** Discriminator: filters of its two convolutions. */
  discriminator: [number, number];
}

/** Fills in the defaults and checks the values. @throws RangeError naming the bad option. */
export function resolveDcganOptions(options: DcganOptions = {}): ResolvedDcganOptions {
  const resolved: ResolvedDcganOptions = {
    latentDim: options.latentDim ?? 100,
    width: options.width ?? 1,
    numClasses: options.numClasses ?? 0,
    leakyReluAlpha: options.leakyReluAlpha ?? 0.3,
    dropout: options.dropout ?? 0.3,
    seed: options.seed ?? 0,
  };
  if (!Number.isInteger(resolved.latentDim) || resolved.latentDim < 1) {
    throw new RangeError(`latentDim must be a positive integer, got ${resolved.latentDim}`);
  }
  if (!(resolved.width > 0) || !Number.isFinite(resolved.width)) {
    throw new RangeError(`width must be a positive number (1 = the tutorial's sizes), got ${resolved.width}`);
  }
  if (!Number.isInteger(resolved.numClasses) || resolved.numClasses < 0 || resolved.numClasses === 1) {
    throw new RangeError(
      `numClasses must be 0 (unconditional) or an integer >= 2, got ${resolved.numClasses}`,
    );
  }
  if (!(resolved.dropout >= 0 && resolved.dropout < 1)) {
    throw new RangeError(`dropout must be in [0, 1), got ${resolved.dropout}`);
  }
  if (!Number.isInteger(resolved.seed)) throw new RangeError(`seed must be an integer, got ${resolved.seed}`);
  return resolved;
}

/** The filter counts at `width` (each at least 1). */
export function dcganFilters(width = 1): DcganFilters {
  const scale = (n: number) => Math.max(1, Math.round(n * width));
  return { generator: [scale(256), scale(128), scale(64)], discriminator: [scale(64), scale(128)] };
}

function glorot(seed: number, salt: number): ReturnType<typeof tf.initializers.glorotUniform> {
  return tf.initializers.glorotUniform({ seed: tfSeed(seed, salt) });
}

/**
 * The generator. Unconditional: input z [batch, latentDim]. Conditional: inputs [z, one-hot label
 * [batch, numClasses]]. Output [batch, 28, 28, 1] in [-1, 1].
 */
export function buildDcganGenerator(options: DcganOptions = {}): tf.LayersModel {
  const o = resolveDcganOptions(options);
  const [c0, c1, c2] = dcganFilters(o.width).generator;
  const name = 'dcgan_generator';
  const noise = tf.input({ shape: [o.latentDim], name: `${name}_noise` });
  const label = o.numClasses > 0 ? tf.input({ shape: [o.numClasses], name: `${name}_label` }) : undefined;
  const inputs = label ? [noise, label] : [noise];
  let x: tf.SymbolicTensor = label
    ? (tf.layers.concatenate({ name: `${name}_noise_and_label` }).apply([noise, label]) as tf.SymbolicTensor)
    : noise;
  const apply = (layer: tf.layers.Layer) => {
    x = layer.apply(x) as tf.SymbolicTensor;
  };
  const alpha = o.leakyReluAlpha;
  apply(
    tf.layers.dense({
      units: 7 * 7 * c0,
      useBias: false,
      kernelInitializer: glorot(o.seed, 1),
      name: `${name}_dense`,
    }),
  );
  apply(tf.layers.batchNormalization({ name: `${name}_bn_1` }));
  apply(tf.layers.leakyReLU({ alpha, name: `${name}_lrelu_1` }));
  apply(tf.layers.reshape({ targetShape: [7, 7, c0], name: `${name}_reshape` }));
  const convT = (filters: number, strides: number, salt: number, layerName: string, activation?: 'tanh') =>
    tf.layers.conv2dTranspose({
      filters,
      kernelSize: 5,
      strides,
      padding: 'same',
      useBias: false,
      kernelInitializer: glorot(o.seed, salt),
      name: `${name}_${layerName}`,
      ...(activation ? { activation } : {}),
    });
  apply(convT(c1, 1, 2, 'convt_1'));
  apply(tf.layers.batchNormalization({ name: `${name}_bn_2` }));
  apply(tf.layers.leakyReLU({ alpha, name: `${name}_lrelu_2` }));
  apply(convT(c2, 2, 3, 'convt_2'));
  apply(tf.layers.batchNormalization({ name: `${name}_bn_3` }));
  apply(tf.layers.leakyReLU({ alpha, name: `${name}_lrelu_3` }));
  apply(convT(1, 2, 4, 'convt_out', 'tanh'));
  const model = tf.model({ inputs, outputs: x, name });
  const expected: Record<string, ExpectedShape> = {
    [`${name}_dense`]: [null, 7 * 7 * c0],
    [`${name}_reshape`]: [null, 7, 7, c0],
    [`${name}_convt_1`]: [null, 7, 7, c1],
    [`${name}_convt_2`]: [null, 14, 14, c2],
    [`${name}_convt_out`]: [null, 28, 28, 1],
  };
  if (label) expected[`${name}_noise_and_label`] = [null, o.latentDim + o.numClasses];
  assertLayerShapes(model, expected);
  return model;
}

/**
 * The discriminator. Unconditional: input image [batch, 28, 28, 1]. Conditional: inputs [image, one-hot
 * label [batch, numClasses]]. Output one logit [batch, 1] (no sigmoid: the losses take logits).
 */
export function buildDcganDiscriminator(options: DcganOptions = {}): tf.LayersModel {
  const o = resolveDcganOptions(options);
  const [f1, f2] = dcganFilters(o.width).discriminator;
  const name = 'dcgan_discriminator';
  const size = DCGAN_IMAGE_SIZE;
  const image = tf.input({ shape: [size, size, 1], name: `${name}_image` });
  const label = o.numClasses > 0 ? tf.input({ shape: [o.numClasses], name: `${name}_label` }) : undefined;
  let x: tf.SymbolicTensor = image;
  if (label) {
    // The one-hot label as numClasses constant planes beside the image.
    const repeated = tf.layers
      .repeatVector({ n: size * size, name: `${name}_label_repeat` })
      .apply(label) as tf.SymbolicTensor;
    const planes = tf.layers
      .reshape({ targetShape: [size, size, o.numClasses], name: `${name}_label_planes` })
      .apply(repeated) as tf.SymbolicTensor;
    x = tf.layers
      .concatenate({ axis: -1, name: `${name}_image_and_label` })
      .apply([image, planes]) as tf.SymbolicTensor;
  }
  const apply = (layer: tf.layers.Layer) => {
    x = layer.apply(x) as tf.SymbolicTensor;
  };
  const conv = (filters: number, salt: number, layerName: string) =>
    tf.layers.conv2d({
      filters,
      kernelSize: 5,
      strides: 2,
      padding: 'same',
      kernelInitializer: glorot(o.seed, 100 + salt),
      name: `${name}_${layerName}`,
    });
  const alpha = o.leakyReluAlpha;
  apply(conv(f1, 1, 'conv_1'));
  apply(tf.layers.leakyReLU({ alpha, name: `${name}_lrelu_1` }));
  apply(seededDropout({ rate: o.dropout, seed: tfSeed(o.seed, 201), name: `${name}_dropout_1` }));
  apply(conv(f2, 2, 'conv_2'));
  apply(tf.layers.leakyReLU({ alpha, name: `${name}_lrelu_2` }));
  apply(seededDropout({ rate: o.dropout, seed: tfSeed(o.seed, 202), name: `${name}_dropout_2` }));
  apply(tf.layers.flatten({ name: `${name}_flatten` }));
  apply(tf.layers.dense({ units: 1, kernelInitializer: glorot(o.seed, 103), name: `${name}_logit` }));
  const model = tf.model({ inputs: label ? [image, label] : [image], outputs: x, name });
  const expected: Record<string, ExpectedShape> = {
    [`${name}_conv_1`]: [null, 14, 14, f1],
    [`${name}_conv_2`]: [null, 7, 7, f2],
    [`${name}_flatten`]: [null, 7 * 7 * f2],
    [`${name}_logit`]: [null, 1],
  };
  if (label) expected[`${name}_image_and_label`] = [null, size, size, 1 + o.numClasses];
  assertLayerShapes(model, expected);
  return model;
}

/** The inputs of a DCGAN network: the tensor alone, or [tensor, one-hot labels] for the conditional one. */
export function dcganInputs(main: tf.Tensor, labelsOneHot?: tf.Tensor): tf.Tensor | tf.Tensor[] {
  return labelsOneHot ? [main, labelsOneHot] : main;
}

/** Whether a generator or discriminator built here is the conditional variant (it has a label input). */
export function isConditionalDcgan(model: tf.LayersModel): boolean {
  return model.inputs.length === 2;
}

/**
 * Images from a generator in inference mode: G(noise) or G(noise, one-hot(labels)) for the conditional
 * variant, [batch, 28, 28, 1] in [-1, 1]. `labels` are class indices (int32 [batch] or numbers).
 * @throws Error when a conditional generator gets no labels or an unconditional one gets some.
 */
export function generateDcganImages(
  generator: tf.LayersModel,
  noise: tf.Tensor2D,
  labels?: tf.Tensor1D | readonly number[],
): tf.Tensor4D {
  const conditional = isConditionalDcgan(generator);
  if (conditional && labels === undefined) {
    throw new Error('This generator is conditional: pass the class labels (one per noise row).');
  }
  if (!conditional && labels !== undefined) {
    throw new Error('This generator is unconditional: it takes no class labels.');
  }
  return tf.tidy(() => {
    if (!conditional) return generator.predict(noise) as tf.Tensor4D;
    const numClasses = generator.inputs[1].shape[1] as number;
    const indices = Array.isArray(labels)
      ? tf.tensor1d(labels as number[], 'int32')
      : (labels as tf.Tensor1D);
    if (indices.shape[0] !== noise.shape[0]) {
      throw new Error(
        `Got ${indices.shape[0]} labels for ${noise.shape[0]} noise rows: give one label per row.`,
      );
    }
    const oneHot = tf.oneHot(tf.cast(indices, 'int32'), numClasses).toFloat();
    return generator.predict([noise, oneHot]) as tf.Tensor4D;
  });
}
