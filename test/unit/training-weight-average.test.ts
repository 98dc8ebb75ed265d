import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { startWeightAverage, updateWeightAverage } from '../../lib/training/weight-average';

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
});
