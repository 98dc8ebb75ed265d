import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  recalibrateBatchNorm,
  startWeightAverage,
  updateWeightAverage,
} from '../../lib/training/weight-average';

function dense(units: number, seed: number): tf.LayersModel {
  return tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [3], units, kernelInitializer: tf.initializers.glorotUniform({ seed }) }),
    ],
  });
}

describe('weight average (Polyak averaging)', () => {
  before(async () => {
    await tf.setBackend('cpu');
  });

  test('starts as a copy, then moves a (1 - decay) step towards the model, without leaking tensors', () => {
    const model = dense(4, 1);
    const average = startWeightAverage(model, () => dense(4, 2));
    assert.deepEqual(
      average.getWeights().map((w) => Array.from(w.dataSync())),
      model.getWeights().map((w) => Array.from(w.dataSync())),
    );
    const before = average.getWeights().map((w) => Array.from(w.dataSync()));
    model.setWeights(model.getWeights().map((w) => tf.add(w, 1)));
    const live = tf.memory().numTensors;
    updateWeightAverage(average, model, 0.75);
    assert.equal(tf.memory().numTensors, live);
    const after = average.getWeights().map((w) => Array.from(w.dataSync()));
    after.forEach((values, i) => {
      values.forEach((v, j) => {
        assert.ok(Math.abs(v - (before[i][j] + 0.25)) < 1e-6);
      });
    });
    assert.throws(() => updateWeightAverage(average, model, 1), /decay must be in \[0, 1\)/);
    assert.throws(() => updateWeightAverage(average, dense(5, 3), 0.5), /has shape/);
  });

  test('only trainable weights are averaged; recalibrateBatchNorm measures the statistics of the inputs', () => {
    const build = () =>
      tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [3], units: 2, kernelInitializer: tf.initializers.ones() }),
          tf.layers.batchNormalization(),
        ],
      });
    const model = build();
    const average = startWeightAverage(model, build);
    // give the live model other moving statistics: the average must not take them
    model.setWeights(model.getWeights().map((w, i) => (i >= 4 ? tf.fill(w.shape, 7) : w)));
    updateWeightAverage(average, model, 0.5);
    const stats = (m: tf.LayersModel) =>
      m
        .getWeights()
        .slice(4)
        .map((w) => Array.from(w.dataSync()));
    assert.deepEqual(stats(average), [
      [0, 0],
      [1, 1],
    ]);
    const x = tf.tensor2d([
      [1, 0, 0],
      [0, 2, 0],
      [0, 0, 6],
    ]);
    assert.equal(recalibrateBatchNorm(average, x), 1);
    // dense with ones (and zero bias): every unit outputs the row sum 1, 2, 6: mean 3, variance 14/3
    const [mean, variance] = stats(average);
    assert.ok(mean.every((v) => Math.abs(v - 3) < 1e-5));
    assert.ok(variance.every((v) => Math.abs(v - 14 / 3) < 1e-4));
    x.dispose();
  });
});
