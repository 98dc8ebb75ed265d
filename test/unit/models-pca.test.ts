import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { createRng, randomNormal } from '../../lib/data';
import { Pca } from '../../lib/models';

before(async () => {
  await tf.setBackend('cpu');
});

/** Points mean + 3a·u1 + 1b·u2 + 0.1c·u3 with a, b, c ~ N(0, 1) and orthonormal u1, u2, u3. */
function knownData(count: number): { data: tf.Tensor2D; axes: number[][]; mean: number[] } {
  const s = Math.SQRT1_2;
  const axes = [
    [s, s, 0],
    [-s, s, 0],
    [0, 0, 1],
  ];
  const scales = [3, 1, 0.1];
  const mean = [5, -2, 1];
  const rng = createRng(4);
  const rows = Array.from({ length: count }, () => {
    const z = scales.map((scale) => scale * randomNormal(rng));
    return mean.map((m, d) => m + z.reduce((sum, zk, k) => sum + zk * axes[k][d], 0));
  });
  return { data: tf.tensor2d(rows), axes, mean };
}

describe('Pca', () => {
  test('finds the directions and variances of data with known principal axes', () => {
    const { data, axes, mean } = knownData(20000);
    const pca = Pca.fit(data, { components: 2 });
    assert.equal(pca.components, 2);
    assert.equal(pca.features, 3);
    for (let d = 0; d < 3; d++) assert.ok(Math.abs(pca.mean[d] - mean[d]) < 0.05);
    for (let c = 0; c < 2; c++) {
      const direction = Array.from(pca.directions.subarray(c * 3, c * 3 + 3));
      const cosine = Math.abs(direction.reduce((sum, v, d) => sum + v * axes[c][d], 0));
      assert.ok(cosine > 0.999, `direction ${c} should be ±axis ${c} (|cos| ${cosine})`);
    }
    assert.ok(Math.abs(pca.explainedVariance[0] - 9) < 0.3, `variance 0: ${pca.explainedVariance[0]}`);
    assert.ok(Math.abs(pca.explainedVariance[1] - 1) < 0.05, `variance 1: ${pca.explainedVariance[1]}`);
    assert.ok(Math.abs(pca.explainedVarianceRatio - 10 / 10.01) < 0.002);
    data.dispose();
  });

  test('transform then inverseTransform: exact with all components, the projection with fewer', () => {
    const { data } = knownData(500);
    const before = tf.memory().numTensors;
    const full = Pca.fit(data, { components: 3 });
    const coordinates = full.transform(data);
    assert.deepEqual(coordinates.shape, [500, 3]);
    const back = full.inverseTransform(coordinates);
    const error = tf.tidy(() => back.sub(data).abs().max().dataSync()[0]);
    assert.ok(error < 1e-4, `round trip error ${error}`);
    const two = Pca.fit(data, { components: 2 });
    const twoCoordinates = two.transform(data);
    const projected = two.inverseTransform(twoCoordinates);
    const residual = tf.tidy(() => projected.sub(data).square().sum(1).mean().dataSync()[0]);
    assert.ok(
      Math.abs(residual - 0.01) < 0.003,
      `mean squared residual ${residual} ≈ the dropped variance 0.01`,
    );
    tf.dispose([coordinates, back, twoCoordinates, projected]);
    // images are flattened first; the PCA holds no tensors, so nothing is left behind
    const images = tf.zeros([2, 3, 1, 1]);
    const imageCoordinates = two.transform(images);
    assert.deepEqual(imageCoordinates.shape, [2, 2]);
    tf.dispose([imageCoordinates, images]);
    assert.equal(tf.memory().numTensors, before);
    data.dispose();
  });

  test('clear errors', () => {
    const { data } = knownData(10);
    assert.throws(() => Pca.fit(data, { components: 4 }), /components must be an integer from 1 to 3/);
    const pca = Pca.fit(data, { components: 2 });
    assert.throws(() => pca.transform(tf.zeros([1, 5])), /fitted on 3 features; got 5/);
    assert.throws(
      () => pca.inverseTransform(tf.zeros([1, 3])),
      /has 2 components; got coordinates of width 3/,
    );
    data.dispose();
  });
});
