import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { randomShift, sampleMoons, tfSeed } from '../../lib/data';
import {
  accuracyOf,
  assertLayerShapes,
  buildLogisticRegression,
  buildMlpClassifier,
  buildSmallCnn,
  confusionMatrix,
  evaluateAccuracy,
  predictClasses,
  trainClassifier,
} from '../../lib/models';

before(async () => {
  await tf.setBackend('cpu');
});

function weightSums(model: tf.LayersModel): number[] {
  return model.getWeights().map((w) => tf.tidy(() => w.sum().dataSync()[0]));
}

describe('classifier builders', () => {
  test('output logits of the right shape, for points and for images', () => {
    const logistic = buildLogisticRegression({ inputShape: [2], numClasses: 3 });
    assert.deepEqual(logistic.outputShape, [null, 3]);
    assert.equal(logistic.countParams(), 2 * 3 + 3);
    const logisticImages = buildLogisticRegression({ inputShape: [28, 28, 1] });
    assert.equal(logisticImages.countParams(), 784 * 10 + 10);
    const mlp = buildMlpClassifier({ inputShape: [2], numClasses: 2, hiddenUnits: [16, 8] });
    assert.deepEqual(
      mlp.layers.map((l) => l.name),
      ['hidden1', 'hidden2', 'logits'],
    );
    const cnn = buildSmallCnn({ inputShape: [28, 28, 1], hiddenUnits: 32 });
    assert.deepEqual(cnn.getLayer('pool2').outputShape, [null, 4, 4, 16]);
    assert.deepEqual(cnn.getLayer('features').outputShape, [null, 32]);
    assert.deepEqual(cnn.outputShape, [null, 10]);
    [logistic, logisticImages, mlp, cnn].forEach((m) => {
      m.dispose();
    });
  });

  test('the same seed gives the same weights; another seed other weights', () => {
    const a = buildSmallCnn({ inputShape: [12, 12, 1], kernelSize: 3, seed: 0 });
    const b = buildSmallCnn({ inputShape: [12, 12, 1], kernelSize: 3, seed: 0 });
    const c = buildSmallCnn({ inputShape: [12, 12, 1], kernelSize: 3, seed: 1 });
    assert.deepEqual(weightSums(a), weightSums(b));
    assert.notDeepEqual(weightSums(a), weightSums(c));
    [a, b, c].forEach((m) => {
      m.dispose();
    });
    assert.notEqual(tfSeed(0), 0);
    assert.notEqual(tfSeed(0, 1), tfSeed(0, 2));
  });

  test('clear errors for shapes that cannot work', () => {
    assert.throws(
      () => buildSmallCnn({ inputShape: [6, 6, 1] }),
      /too small for two blocks of 5×5 convolution/,
    );
    assert.throws(() => buildSmallCnn({ inputShape: [784] }), /needs images \[height, width, channels\]/);
    assert.throws(() => buildLogisticRegression({ inputShape: [2], numClasses: 1 }), /numClasses must be/);
    assert.throws(() => buildMlpClassifier({ inputShape: [2], hiddenUnits: [] }), /hiddenUnits must list/);
    const model = buildLogisticRegression({ inputShape: [2], numClasses: 3, name: 'lr' });
    assert.throws(
      () => assertLayerShapes(model, { logits: [null, 4] }),
      /Layer 'logits' of model 'lr' outputs \[batch, 3\] but \[batch, 4\] was expected/,
    );
    assert.throws(
      () => assertLayerShapes(model, { conv9: [null] }),
      /no layer named 'conv9' \(it has: logits\)/,
    );
    model.dispose();
  });
});

describe('trainClassifier', () => {
  test('an MLP learns the two moons, logistic regression cannot; no tensor leaks', async () => {
    const train = sampleMoons({ count: 600, noise: 0.1, seed: 1 });
    const test = sampleMoons({ count: 400, noise: 0.1, seed: 2 });
    const trainData = { inputs: tf.tensor2d(train.points), labels: tf.tensor1d(train.labels, 'int32') };
    const testData = { inputs: tf.tensor2d(test.points), labels: tf.tensor1d(test.labels, 'int32') };
    const before = tf.memory().numTensors;
    const mlp = buildMlpClassifier({ inputShape: [2], numClasses: 2, hiddenUnits: [32, 32], seed: 3 });
    const log = await trainClassifier(mlp, trainData, {
      epochs: 40,
      batchSize: 32,
      learningRate: 0.01,
      progress: 'silent',
    });
    assert.equal(log.length, 40 * Math.ceil(600 / 32));
    assert.deepEqual(log.metricNames, ['loss', 'accuracy']);
    const mlpAccuracy = evaluateAccuracy(mlp, testData);
    const logistic = buildLogisticRegression({ inputShape: [2], numClasses: 2, seed: 3 });
    await trainClassifier(logistic, trainData, {
      epochs: 40,
      batchSize: 32,
      learningRate: 0.01,
      progress: 'silent',
    });
    const logisticAccuracy = evaluateAccuracy(logistic, testData);
    assert.ok(mlpAccuracy > 0.97, `MLP accuracy ${mlpAccuracy}`);
    assert.ok(logisticAccuracy > 0.8 && logisticAccuracy < 0.92, `logistic accuracy ${logisticAccuracy}`);
    const weights = mlp.getWeights().length + logistic.getWeights().length;
    assert.equal(tf.memory().numTensors, before + weights, 'only the models’ weights remain');
    mlp.dispose();
    logistic.dispose();
    tf.dispose([trainData.inputs, trainData.labels, testData.inputs, testData.labels]);
  });

  test('training is reproducible: the same seeds give the same weights', async () => {
    const { points, labels } = sampleMoons({ count: 200, seed: 5 });
    const data = { inputs: tf.tensor2d(points), labels: tf.tensor1d(labels, 'int32') };
    const run = async () => {
      const model = buildMlpClassifier({ inputShape: [2], numClasses: 2, seed: 7 });
      await trainClassifier(model, data, { epochs: 2, batchSize: 16, seed: 4, progress: 'silent' });
      const sums = weightSums(model);
      model.dispose();
      return sums;
    };
    assert.deepEqual(await run(), await run());
    tf.dispose([data.inputs, data.labels]);
  });
});

describe('evaluation', () => {
  test('accuracy and the confusion matrix', () => {
    const labels = [0, 0, 1, 1, 2, 2];
    const predicted = [0, 1, 1, 1, 2, 0];
    assert.equal(accuracyOf(predicted, labels), 4 / 6);
    assert.deepEqual(confusionMatrix(labels, predicted, 3), [
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    assert.throws(() => confusionMatrix([0, 3], [0, 0], 3), /Example 1 has label 3/);
    assert.throws(() => accuracyOf([0], [0, 1]), /1 predictions for 2 labels/);
  });

  test('predictClasses in batches equals one big batch', () => {
    const model = buildLogisticRegression({ inputShape: [2], numClasses: 3, seed: 2 });
    const inputs = tf.randomNormal([23, 2], 0, 1, 'float32', 3);
    assert.deepEqual(predictClasses(model, inputs, 5), predictClasses(model, inputs, 100));
    model.dispose();
    inputs.dispose();
  });
});

describe('randomShift', () => {
  test('moves each image by a whole number of pixels, filling with the background', () => {
    const image = tf.tensor4d(
      Array.from({ length: 25 }, (_, i) => i + 1),
      [1, 5, 5, 1],
    );
    const shifted = randomShift(image, { maxShift: 1, seed: 3 });
    const out = shifted.dataSync();
    const src = image.dataSync();
    // find the shift that explains the output
    let found = false;
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        let ok = true;
        for (let y = 0; y < 5; y++) {
          for (let x = 0; x < 5; x++) {
            const [sy, sx] = [y - dy, x - dx];
            const expected = sy >= 0 && sy < 5 && sx >= 0 && sx < 5 ? src[sy * 5 + sx] : 0;
            if (out[y * 5 + x] !== expected) ok = false;
          }
        }
        if (ok) found = true;
      }
    }
    assert.ok(found, `not a shift: ${Array.from(out)}`);
    assert.deepEqual(randomShift(image, { maxShift: 0 }).dataSync(), src);
    assert.deepEqual(randomShift(image, { seed: 1 }).dataSync(), randomShift(image, { seed: 1 }).dataSync());
    const batch = tf.ones([50, 4, 4, 1]) as tf.Tensor4D;
    const moved = randomShift(batch, { maxShift: 2, seed: 1, background: -1 });
    const sums = tf.tidy(() => moved.sum([1, 2, 3]).dataSync());
    assert.ok(new Set(sums).size > 3, 'different images get different shifts');
    assert.ok(Math.min(...sums) >= -16 + 0 && Math.max(...sums) === 16);
    tf.dispose([image, shifted, batch, moved]);
  });
});
