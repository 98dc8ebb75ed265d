/**
 * Discriminative classifiers, X -> Y: models of p(y | x) that output one logit per class. From the
 * simplest (logistic regression: one linear layer) to a small convolutional network. All initializers are
 * seeded, so a builder with the same options always returns the same network.
 */
import * as tf from '@tensorflow/tfjs';
import { tfSeed } from '../data/random';
import { assertLayerShapes } from './shape-check';

/** Options shared by the classifier builders. */
export interface ClassifierOptions {
  /** Shape of one input, without the batch dimension: [2] for 2-D points, [28, 28, 1] for MNIST images. */
  inputShape: number[];
  /** Number of classes (outputs). Default 10. */
  numClasses?: number;
  /** Seed of the weight initializers. Default 0. */
  seed?: number;
  /** Model name (shown by `model.summary()` and in shape errors). */
  name?: string;
}

/** Options of {@link buildMlpClassifier}. */
export interface MlpClassifierOptions extends ClassifierOptions {
  /** Units of each hidden layer. Default [32, 32]. */
  hiddenUnits?: number[];
  /** Activation of the hidden layers. Default 'relu'. */
  activation?: 'relu' | 'tanh';
}

/** Options of {@link buildSmallCnn}. */
export interface SmallCnnOptions extends ClassifierOptions {
  /** Filters of the two convolution layers. Default [8, 16]. */
  filters?: [number, number];
  /** Kernel size of both convolutions ('valid' padding). Default 5. */
  kernelSize?: number;
  /** Units of a dense hidden layer after the convolutions (its output is named 'features'); 0 for none. Default 0. */
  hiddenUnits?: number;
}

function checkOptions(options: ClassifierOptions): { numClasses: number; seed: number } {
  const numClasses = options.numClasses ?? 10;
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new RangeError(`numClasses must be an integer >= 2, got ${numClasses}.`);
  }
  if (options.inputShape.length === 0 || options.inputShape.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new RangeError(`inputShape must list positive integers, got [${options.inputShape.join(', ')}].`);
  }
  return { numClasses, seed: options.seed ?? 0 };
}

const glorot = (seed: number, layer: number) => tf.initializers.glorotUniform({ seed: tfSeed(seed, layer) });
const he = (seed: number, layer: number) => tf.initializers.heNormal({ seed: tfSeed(seed, layer) });

/** Flattens inputs of rank > 1 (images) into vectors; returns the number of features. */
function addFlatten(model: tf.Sequential, inputShape: number[]): number {
  if (inputShape.length > 1) model.add(tf.layers.flatten({ inputShape, name: 'flatten' }));
  return inputShape.reduce((a, b) => a * b, 1);
}

/**
 * Logistic regression (multinomial): logits = x·W + b, then softmax. Linear decision boundaries between
 * classes. Output: logits [batch, numClasses] from the layer 'logits'.
 */
export function buildLogisticRegression(options: ClassifierOptions): tf.Sequential {
  const { numClasses, seed } = checkOptions(options);
  const model = tf.sequential({ name: options.name ?? 'logistic-regression' });
  const flat = options.inputShape.length > 1;
  addFlatten(model, options.inputShape);
  model.add(
    tf.layers.dense({
      units: numClasses,
      kernelInitializer: glorot(seed, 0),
      name: 'logits',
      ...(flat ? {} : { inputShape: options.inputShape }),
    }),
  );
  assertLayerShapes(model, { logits: [null, numClasses] });
  return model;
}

/**
 * A multilayer perceptron: dense hidden layers with a non-linear activation, then the logits. With enough
 * units it can bend its decision boundaries around any shape of class.
 */
export function buildMlpClassifier(options: MlpClassifierOptions): tf.Sequential {
  const { numClasses, seed } = checkOptions(options);
  const hiddenUnits = options.hiddenUnits ?? [32, 32];
  if (hiddenUnits.length === 0 || hiddenUnits.some((u) => !Number.isInteger(u) || u < 1)) {
    throw new RangeError(
      `hiddenUnits must list at least one positive integer, got [${hiddenUnits.join(', ')}].`,
    );
  }
  const model = tf.sequential({ name: options.name ?? 'mlp-classifier' });
  const flat = options.inputShape.length > 1;
  addFlatten(model, options.inputShape);
  hiddenUnits.forEach((units, i) => {
    model.add(
      tf.layers.dense({
        units,
        activation: options.activation ?? 'relu',
        kernelInitializer: he(seed, i),
        name: `hidden${i + 1}`,
        ...(i === 0 && !flat ? { inputShape: options.inputShape } : {}),
      }),
    );
  });
  model.add(
    tf.layers.dense({
      units: numClasses,
      kernelInitializer: glorot(seed, hiddenUnits.length),
      name: 'logits',
    }),
  );
  assertLayerShapes(model, {
    ...Object.fromEntries(hiddenUnits.map((units, i) => [`hidden${i + 1}`, [null, units]])),
    logits: [null, numClasses],
  });
  return model;
}

/**
 * A small convolutional network for images [height, width, channels]: two blocks of convolution ('valid'
 * padding, ReLU) and 2×2 max pooling, an optional dense hidden layer named 'features', then the logits.
 * On 28×28 images with kernel 5: 28 → conv 24 → pool 12 → conv 8 → pool 4.
 */
export function buildSmallCnn(options: SmallCnnOptions): tf.Sequential {
  const { numClasses, seed } = checkOptions(options);
  const [height, width, channels] = options.inputShape;
  if (options.inputShape.length !== 3) {
    throw new RangeError(
      `buildSmallCnn needs images [height, width, channels], got [${options.inputShape.join(', ')}]; ` +
        'for vectors use buildMlpClassifier.',
    );
  }
  const [filters1, filters2] = options.filters ?? [8, 16];
  const kernelSize = options.kernelSize ?? 5;
  const hiddenUnits = options.hiddenUnits ?? 0;
  const afterBlock = (size: number) => Math.floor((size - kernelSize + 1) / 2);
  const [h1, w1] = [afterBlock(height), afterBlock(width)];
  const [h2, w2] = [afterBlock(h1), afterBlock(w1)];
  if (h2 < 1 || w2 < 1) {
    throw new RangeError(
      `Images of ${height}×${width} are too small for two blocks of ${kernelSize}×${kernelSize} convolution and ` +
        '2×2 pooling: use a smaller kernelSize or larger images.',
    );
  }
  const model = tf.sequential({ name: options.name ?? 'small-cnn' });
  model.add(
    tf.layers.conv2d({
      inputShape: [height, width, channels],
      filters: filters1,
      kernelSize,
      activation: 'relu',
      kernelInitializer: he(seed, 0),
      name: 'conv1',
    }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool1' }));
  model.add(
    tf.layers.conv2d({
      filters: filters2,
      kernelSize,
      activation: 'relu',
      kernelInitializer: he(seed, 1),
      name: 'conv2',
    }),
  );
  model.add(tf.layers.maxPooling2d({ poolSize: 2, name: 'pool2' }));
  model.add(tf.layers.flatten({ name: 'flatten' }));
  if (hiddenUnits > 0) {
    model.add(
      tf.layers.dense({
        units: hiddenUnits,
        activation: 'relu',
        kernelInitializer: he(seed, 2),
        name: 'features',
      }),
    );
  }
  model.add(tf.layers.dense({ units: numClasses, kernelInitializer: glorot(seed, 3), name: 'logits' }));
  assertLayerShapes(model, {
    pool1: [null, h1, w1, filters1],
    pool2: [null, h2, w2, filters2],
    flatten: [null, h2 * w2 * filters2],
    ...(hiddenUnits > 0 ? { features: [null, hiddenUnits] } : {}),
    logits: [null, numClasses],
  });
  return model;
}
