import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ringComponents } from '../../lib/data/toy-data';
import { buildMlpDiscriminator, buildMlpGenerator } from '../../lib/models/gan-mlp';
import {
  discriminatorOnGrid,
  evaluateToyGenerator,
  planeGrid,
  snapshotToyGan,
} from '../../lib/training/gan-toy';

before(async () => {
  await tf.setBackend('cpu');
});

/** A generator whose every output is the point `at` (zero kernel, bias = at). */
function constantGenerator(at: number[]): tf.LayersModel {
  const g = buildMlpGenerator({ latentDim: 2, outputShape: [2], hiddenUnits: [] });
  g.setWeights([tf.zeros([2, 2]), tf.tensor1d(at)]);
  return g;
}

describe('toy GAN inspection', () => {
  test('the plane grid and D over it: one value in [0, 1] per grid point', () => {
    const grid = planeGrid({ xRange: [-2, 2], yRange: [-1, 1], resolution: 5 });
    assert.deepEqual(grid.xs, [-2, -1, 0, 1, 2]);
    assert.deepEqual(grid.ys, [-1, -0.5, 0, 0.5, 1]);
    const d = buildMlpDiscriminator({ inputShape: [2], hiddenUnits: [4] });
    const values = discriminatorOnGrid(d, grid);
    assert.equal(values.length, 5);
    assert.ok(values.every((row) => row.length === 5 && row.every((p) => p >= 0 && p <= 1)));
    const snap = snapshotToyGan({
      step: 3,
      generator: constantGenerator([0.25, 0.5]),
      discriminator: d,
      noise: tf.ones([4, 2]),
      real: [[1, 1]],
      grid,
    });
    assert.deepEqual(snap.fake, Array(4).fill([0.25, 0.5]));
    assert.throws(() => planeGrid({ xRange: [0, 1], yRange: [0, 1], resolution: 1 }), /resolution/);
  });

  test('a generator stuck on one mode of the ring covers 1 of 8 modes; between modes it covers none', () => {
    const ring = ringComponents(8, 2, 0.05);
    const collapsed = evaluateToyGenerator(constantGenerator([2, 0]), ring, { latentDim: 2, count: 400 });
    assert.equal(collapsed.modesCovered, 1);
    assert.equal(collapsed.offModeFraction, 0);
    assert.equal(collapsed.countsPerMode[0], 400);
    assert.ok(collapsed.slicedWasserstein > 10 * collapsed.realBaseline);
    const between = evaluateToyGenerator(constantGenerator([0, 0]), ring, { latentDim: 2, count: 400 });
    assert.equal(between.modesCovered, 0);
    assert.equal(between.offModeFraction, 1);
  });
});
