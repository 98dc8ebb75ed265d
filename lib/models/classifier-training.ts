/**
 * Training and evaluating classifiers that output logits: seeded mini-batches, softmax cross-entropy,
 * Adam, run by the shared training loop (progress, NaN and tensor-leak guards); then predictions in
 * batches, accuracy and the confusion matrix.
 */
import * as tf from '@tensorflow/tfjs';
import { batchIndices } from '../data/datasets';
import type { EpochRunOptions } from '../training/epoch-schedule';
import type { TrainingLog } from '../training/training-log';
import { runTrainingLoop } from '../training/training-loop';

/** Inputs with their class labels. */
export interface LabelledTensors {
  /** float32 inputs [N, ...] (points [N, 2], images [N, 28, 28, 1]). */
  inputs: tf.Tensor;
  /** int32 labels [N]. */
  labels: tf.Tensor1D;
}

/** Options of {@link trainClassifier}. */
export interface TrainClassifierOptions extends EpochRunOptions {
  /** Name of the progress display. Default: the model's name. */
  label?: string;
  /** Transforms each batch of inputs before the step (data augmentation); `step` counts from 1. */
  augment?: (inputs: tf.Tensor, step: number) => tf.Tensor;
}

function checkLabelled(data: LabelledTensors, what: string): number {
  const n = data.inputs.shape[0];
  if (data.labels.rank !== 1 || data.labels.shape[0] !== n) {
    throw new RangeError(
      `${what}: ${n} inputs need labels of shape [${n}], got [${data.labels.shape.join(', ')}].`,
    );
  }
  return n;
}

/**
 * One training step on a batch: the softmax cross-entropy of the logits, minimised by `optimizer` over the
 * model's own trainable variables. Returns the batch's loss and accuracy.
 */
export function classifierTrainingStep(
  model: tf.LayersModel,
  optimizer: tf.Optimizer,
  inputs: tf.Tensor,
  labels: tf.Tensor1D,
): { loss: number; accuracy: number } {
  const numClasses = (model.outputs[0].shape as number[])[1];
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  let accuracy: tf.Scalar | undefined;
  const loss = optimizer.minimize(
    () => {
      const logits = model.apply(inputs, { training: true }) as tf.Tensor2D;
      accuracy = tf.keep(tf.equal(tf.argMax(logits, 1), labels).mean() as tf.Scalar);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(labels, numClasses), logits);
    },
    true,
    variables,
  ) as tf.Scalar;
  const values = { loss: loss.dataSync()[0], accuracy: (accuracy as tf.Scalar).dataSync()[0] };
  tf.dispose([loss, accuracy as tf.Scalar]);
  return values;
}

/**
 * Trains a classifier (logits output) with Adam on mini-batches in a seeded order, with a progress display.
 * Logs `loss` and `accuracy` (of each training batch) at every step.
 */
export async function trainClassifier(
  model: tf.LayersModel,
  data: LabelledTensors,
  options: TrainClassifierOptions,
): Promise<TrainingLog> {
  const size = checkLabelled(data, 'trainClassifier');
  const batchSize = options.batchSize ?? 64;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(options.epochs) || options.epochs < 0) {
    throw new RangeError(`epochs must be an integer >= 0, got ${options.epochs}.`);
  }
  const stepsPerEpoch = Math.ceil(size / batchSize);
  const optimizer = tf.train.adam(options.learningRate ?? 1e-3);
  let epochBatches: Int32Array[] = [];
  try {
    return await runTrainingLoop(
      {
        steps: options.epochs * stepsPerEpoch,
        label: options.label ?? model.name,
        progress: options.progress,
        callbacks: options.callbacks,
      },
      (step) => {
        const epoch = Math.floor((step - 1) / stepsPerEpoch);
        const index = (step - 1) % stepsPerEpoch;
        if (index === 0) epochBatches = batchIndices(size, { batchSize, seed, epoch });
        const batch = tf.tidy(() => {
          const indices = tf.tensor1d(epochBatches[index], 'int32');
          const inputs = tf.gather(data.inputs, indices);
          return {
            inputs: options.augment ? options.augment(inputs, step) : inputs,
            labels: tf.gather(data.labels, indices),
          };
        });
        try {
          return classifierTrainingStep(model, optimizer, batch.inputs, batch.labels as tf.Tensor1D);
        } finally {
          tf.dispose([batch.inputs, batch.labels]);
        }
      },
    );
  } finally {
    optimizer.dispose();
  }
}

/** The model's outputs for many inputs, computed in batches of `batchSize` (default 500) to bound memory. */
export function predictInBatches(model: tf.LayersModel, inputs: tf.Tensor, batchSize = 500): tf.Tensor2D {
  const n = inputs.shape[0];
  if (n === 0) throw new RangeError('predictInBatches needs at least one input.');
  return tf.tidy(() => {
    const parts: tf.Tensor[] = [];
    for (let start = 0; start < n; start += batchSize) {
      const size = Math.min(batchSize, n - start);
      parts.push(model.predict(inputs.slice(start, size)) as tf.Tensor);
    }
    return (parts.length === 1 ? parts[0] : tf.concat(parts, 0)) as tf.Tensor2D;
  });
}

/** The predicted class (argmax of the outputs) of each input. */
export function predictClasses(model: tf.LayersModel, inputs: tf.Tensor, batchSize = 500): Int32Array {
  const outputs = predictInBatches(model, inputs, batchSize);
  const classes = tf.tidy(() => tf.argMax(outputs, 1));
  const values = classes.dataSync() as Int32Array;
  tf.dispose([outputs, classes]);
  return Int32Array.from(values);
}

/** The fraction of predictions equal to the labels, in [0, 1]. */
export function accuracyOf(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  if (predicted.length !== labels.length) {
    throw new RangeError(`accuracyOf got ${predicted.length} predictions for ${labels.length} labels.`);
  }
  if (labels.length === 0) throw new RangeError('accuracyOf needs at least one label.');
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

/** The test accuracy of a classifier: predictions in batches, compared with the labels. */
export function evaluateAccuracy(model: tf.LayersModel, data: LabelledTensors, batchSize = 500): number {
  checkLabelled(data, 'evaluateAccuracy');
  return accuracyOf(predictClasses(model, data.inputs, batchSize), data.labels.dataSync());
}

/**
 * The confusion matrix: `matrix[t][p]` counts the examples of true class t predicted as class p. The diagonal
 * holds the correct predictions.
 */
export function confusionMatrix(
  labels: ArrayLike<number>,
  predicted: ArrayLike<number>,
  numClasses: number,
): number[][] {
  if (predicted.length !== labels.length) {
    throw new RangeError(`confusionMatrix got ${predicted.length} predictions for ${labels.length} labels.`);
  }
  const matrix = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const [t, p] = [labels[i], predicted[i]];
    if (!(t >= 0 && t < numClasses && p >= 0 && p < numClasses)) {
      throw new RangeError(
        `Example ${i} has label ${t} and prediction ${p}, outside the classes 0-${numClasses - 1}.`,
      );
    }
    matrix[t][p]++;
  }
  return matrix;
}
