import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  encodeInBatches,
  interpolateLinear,
  latentGrid2d,
  linspace,
  nearestDistances,
  normalQuantile,
  sampleMatchingGaussian,
  sampleStandardNormal,
  sampleUniformInBox,
} from '../../lib/models/latent-space';

before(async () => {
  await tf.setBackend('cpu');
});

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not within ${tolerance} of ${expected}`,
  );
}

describe('drawing codes', () => {
  test('sampleStandardNormal: shape [count, latentDim], fixed by the seed, N(0, 1) statistics', () => {
    const a = sampleStandardNormal(4000, 3, 21);
    assert.deepEqual(a.shape, [4000, 3]);
    const b = sampleStandardNormal(4000, 3, 21);
    const c = sampleStandardNormal(4000, 3, 22);
    assert.deepEqual(Array.from(a.dataSync()), Array.from(b.dataSync()));
    assert.notDeepEqual(Array.from(a.dataSync().slice(0, 10)), Array.from(c.dataSync().slice(0, 10)));
    const { mean, variance } = tf.moments(a);
    close(mean.dataSync()[0], 0, 0.05, 'mean');
    close(variance.dataSync()[0], 1, 0.06, 'variance');
    assert.throws(() => sampleStandardNormal(0, 3, 1), /count must be a positive integer/);
    assert.throws(() => sampleStandardNormal(2, 3, 1.5), /seed must be an integer/);
    tf.dispose([a, b, c, mean, variance]);
  });

  test('sampleUniformInBox stays in the box and is fixed by the seed', () => {
    const z = sampleUniformInBox(2000, [-1, 10], [1, 12], 5);
    assert.deepEqual(z.shape, [2000, 2]);
    const rows = z.arraySync();
    assert.ok(rows.every(([x, y]) => x >= -1 && x < 1 && y >= 10 && y < 12));
    assert.ok(rows.some(([x]) => x < -0.9) && rows.some(([x]) => x > 0.9), 'should fill the box');
    const again = sampleUniformInBox(2000, [-1, 10], [1, 12], 5);
    assert.deepEqual(again.arraySync(), rows);
    assert.throws(() => sampleUniformInBox(2, [1], [0], 5), /low\[0\] = 1 must be below high\[0\] = 0/);
    tf.dispose([z, again]);
  });

  test('sampleMatchingGaussian matches the codes’ per-dimension mean and spread', () => {
    const codes = tf.tidy(() =>
      tf.add(tf.mul(tf.randomNormal([5000, 2], 0, 1, 'float32', 1), [3, 0.5]), [10, -2]),
    ) as tf.Tensor2D;
    const drawn = sampleMatchingGaussian(codes, 5000, 2);
    assert.deepEqual(drawn.shape, [5000, 2]);
    const { mean, variance } = tf.moments(drawn, 0);
    const [m0, m1] = mean.dataSync();
    const [v0, v1] = variance.dataSync();
    close(m0, 10, 0.2, 'mean 0');
    close(m1, -2, 0.05, 'mean 1');
    close(Math.sqrt(v0), 3, 0.15, 'std 0');
    close(Math.sqrt(v1), 0.5, 0.03, 'std 1');
    tf.dispose([codes, drawn, mean, variance]);
  });
});

describe('interpolation and grids', () => {
  test('interpolateLinear includes both ends and spaces the points evenly', () => {
    const path = interpolateLinear([0, 10], [4, -10], 5);
    assert.deepEqual(path.arraySync(), [
      [0, 10],
      [1, 5],
      [2, 0],
      [3, -5],
      [4, -10],
    ]);
    assert.throws(() => interpolateLinear([0], [1], 1), /steps must be an integer >= 2/);
    assert.throws(() => interpolateLinear([0, 1], [1], 3), /equal, non-zero length/);
    path.dispose();
  });

  test('latentGrid2d orders points for an image grid: top row has the largest y', () => {
    const grid = latentGrid2d([-1, 0, 1], [-2, 2]);
    assert.deepEqual(grid.arraySync(), [
      [-1, 2],
      [0, 2],
      [1, 2],
      [-1, -2],
      [0, -2],
      [1, -2],
    ]);
    grid.dispose();
    assert.deepEqual(linspace(0, 1, 5), [0, 0.25, 0.5, 0.75, 1]);
    assert.deepEqual(linspace(3, 9, 1), [3]);
  });

  test('normalQuantile inverts the standard normal CDF', () => {
    close(normalQuantile(0.5), 0, 1e-9, 'median');
    close(normalQuantile(0.975), 1.959963985, 1e-7, '97.5%');
    close(normalQuantile(0.05), -1.644853627, 1e-7, '5%');
    close(normalQuantile(0.001), -3.090232306, 1e-7, '0.1%');
    close(normalQuantile(0.3) + normalQuantile(0.7), 0, 1e-9, 'symmetry');
    assert.throws(() => normalQuantile(1), /0 < p < 1/);
  });
});

describe('encoding and distances', () => {
  test('encodeInBatches gives the same codes as one pass and leaves only the result allocated', () => {
    const images = tf.randomUniform([23, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const weights = tf.randomNormal([784, 4], 0, 1, 'float32', 4);
    const encode = (x: tf.Tensor4D) => tf.matMul(tf.reshape(x, [-1, 784]), weights) as tf.Tensor2D;
    const whole = encode(images);
    const before = tf.memory().numTensors;
    const batched = encodeInBatches(encode, images, 5);
    assert.equal(tf.memory().numTensors, before + 1);
    assert.deepEqual(batched.shape, [23, 4]);
    const difference = tf.max(tf.abs(tf.sub(whole, batched))).dataSync()[0];
    assert.ok(difference < 1e-4, `batched codes differ by ${difference}`);
    tf.dispose([images, weights, whole, batched]);
  });

  test('nearestDistances finds each point’s nearest reference point', () => {
    const reference = tf.tensor2d([
      [0, 0],
      [3, 4],
      [10, 0],
    ]);
    const points = tf.tensor2d([
      [0, 1],
      [3, 4],
      [9, 0],
      [6, 8],
    ]);
    const distances = Array.from(nearestDistances(points, reference, 3));
    [1, 0, 1, 5].forEach((expected, i) => {
      close(distances[i], expected, 1e-3, `point ${i}`);
    });
    assert.throws(
      () => nearestDistances(points, tf.zeros([2, 3]) as tf.Tensor2D),
      /must be \[M, D\] and \[N, D\]/,
    );
    tf.dispose([reference, points]);
  });
});
