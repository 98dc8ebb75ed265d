import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { buildConvAutoencoder, buildDenseAutoencoder } from '../../lib/models/autoencoder';
import {
  addGaussianNoise,
  autoencoderTrainStep,
  reconstructionError,
  trainAutoencoder,
} from '../../lib/training/autoencoder-training';

/** Blurry blobs at seeded positions: something an autoencoder can learn in a few steps. */
function blobImages(n: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => {
    const centres = tf.randomUniform([n, 1, 1, 2], 6, 22, 'float32', seed);
    const ys = tf.range(0, 28).reshape([1, 28, 1, 1]);
    const xs = tf.range(0, 28).reshape([1, 1, 28, 1]);
    const [cy, cx] = tf.split(centres, 2, 3);
    const squared = tf.add(tf.square(tf.sub(ys, cy)), tf.square(tf.sub(xs, cx)));
    return tf.exp(tf.div(squared, -18)) as tf.Tensor4D;
  });
}

function mse(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.losses.meanSquaredError(a, b).dataSync()[0]);
}

before(async () => {
  await initBackend({ env: {} }); // wasm here, with the conv training kernels
});

describe('autoencoder training', () => {
  for (const [kind, build] of [
    ['dense', () => buildDenseAutoencoder({ latentDim: 4, hiddenUnits: [32], seed: 1 })],
    ['conv', () => buildConvAutoencoder({ latentDim: 4, filters: [4, 8], seed: 1 })],
  ] as const) {
    test(`${kind}: one step lowers the loss on a fixed batch and reports the loss before it`, () => {
      const ae = build();
      const images = blobImages(16, 1);
      const optimizer = tf.train.adam(3e-3);
      const rebuiltBefore = ae.reconstruct(images);
      const before = mse(images, rebuiltBefore);
      const reported = autoencoderTrainStep(ae, optimizer, images);
      const rebuiltAfter = ae.reconstruct(images);
      const after = mse(images, rebuiltAfter);
      assert.ok(Math.abs(reported - before) < 1e-5, `reported ${reported}, measured ${before}`);
      assert.ok(after < before, `loss should fall: ${before} -> ${after}`);
      tf.dispose([images, rebuiltBefore, rebuiltAfter]);
      optimizer.dispose();
      ae.dispose();
    });
  }

  test('no tensor leaks over many steps; only the encoder and decoder are updated', () => {
    const ae = buildDenseAutoencoder({ latentDim: 4, hiddenUnits: [16], seed: 2 });
    const bystander = tf.variable(tf.ones([3]));
    const images = blobImages(8, 2);
    const optimizer = tf.train.adam(1e-3);
    const initial = ae.trainableVariables().map((v) => Array.from(v.dataSync()));
    autoencoderTrainStep(ae, optimizer, images); // creates Adam's state
    const live = tf.memory().numTensors;
    for (let i = 0; i < 40; i++) autoencoderTrainStep(ae, optimizer, images);
    assert.equal(tf.memory().numTensors, live);
    assert.deepEqual(Array.from(bystander.dataSync()), [1, 1, 1]);
    ae.trainableVariables().forEach((v, i) => {
      assert.notDeepEqual(Array.from(v.dataSync()), initial[i], `${v.name} was not updated`);
    });
    tf.dispose([images, bystander]);
    optimizer.dispose();
    ae.dispose();
  });

  test('trainAutoencoder: loss every step, testMse after each epoch, nothing left allocated', async () => {
    const ae = buildDenseAutoencoder({ latentDim: 4, hiddenUnits: [16], seed: 3 });
    const trainImages = blobImages(40, 3);
    const testImages = blobImages(10, 4);
    const epochsSeen: number[] = [];
    const before = tf.memory().numTensors;
    const log = await trainAutoencoder(ae, {
      trainImages,
      testImages,
      epochs: 3,
      batchSize: 16,
      learningRate: 3e-3,
      progress: 'silent',
      onEpochEnd: (epoch, partial) => {
        epochsSeen.push(epoch);
        assert.ok(Number.isFinite(partial.last().testMse));
      },
    });
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(epochsSeen, [1, 2, 3]);
    assert.equal(log.length, 9);
    const testMse = log.column('testMse');
    assert.deepEqual(
      testMse.map((v) => Number.isFinite(v)),
      [false, false, true, false, false, true, false, false, true],
    );
    assert.ok(testMse[8] < testMse[2], `held-out error should fall: ${testMse[2]} -> ${testMse[8]}`);
    assert.ok(Math.abs(testMse[8] - reconstructionError(ae, testImages).mse) < 1e-6);
    tf.dispose([trainImages, testImages]);
    ae.dispose();
  });
});

describe('reconstruction error and noise', () => {
  test('reconstructionError is the mean squared error per pixel, overall and per image', () => {
    const ae = buildDenseAutoencoder({ latentDim: 3, hiddenUnits: [8], seed: 4 });
    const images = blobImages(7, 5);
    const error = reconstructionError(ae, images, { batchSize: 3 });
    const rebuilt = ae.reconstruct(images);
    assert.ok(Math.abs(error.mse - mse(images, rebuilt)) < 1e-6);
    assert.equal(error.perImage.length, 7);
    const first = mse(
      images.slice([0, 0, 0, 0], [1, -1, -1, -1]),
      rebuilt.slice([0, 0, 0, 0], [1, -1, -1, -1]),
    );
    assert.ok(Math.abs(error.perImage[0] - first) < 1e-6);
    const shifted = tf.tidy(() => tf.mul(images, 0.5)) as tf.Tensor4D;
    const againstShifted = reconstructionError(ae, images, { targets: shifted });
    assert.ok(Math.abs(againstShifted.mse - mse(shifted, rebuilt)) < 1e-6);
    assert.throws(
      () => reconstructionError(ae, images, { targets: shifted.slice(0, 2) }),
      /must have the shape/,
    );
    tf.dispose([images, rebuilt, shifted]);
    ae.dispose();
  });

  test('addGaussianNoise: clipped to [0, 1], the requested spread, fixed by the seed', () => {
    const grey = tf.fill([50, 28, 28, 1], 0.5) as tf.Tensor4D;
    const noisy = addGaussianNoise(grey, 0.1, 8);
    const { variance } = tf.moments(noisy);
    assert.ok(Math.abs(Math.sqrt(variance.dataSync()[0]) - 0.1) < 0.005);
    assert.deepEqual(
      Array.from(addGaussianNoise(grey, 0.1, 8).dataSync().slice(0, 20)),
      Array.from(noisy.dataSync().slice(0, 20)),
    );
    const clipped = addGaussianNoise(grey, 5, 1).dataSync();
    assert.ok(clipped.every((v) => v >= 0 && v <= 1));
    assert.throws(() => addGaussianNoise(grey, -1, 1), /std must be a number >= 0/);
    tf.dispose([grey, noisy, variance]);
  });
});
