import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { deriveSeed } from '../../lib/data/random';
import { buildConvVae, buildDenseVae } from '../../lib/models/vae';
import { vaeLossTerms } from '../../lib/models/vae-objective';
import { evaluateVae, trainVae, vaeTrainStep } from '../../lib/training/vae-training';

/** Binary strokes at seeded positions: vertical bars of random x and length. */
function barImages(n: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => {
    const x = tf.randomUniform([n, 1, 1, 1], 4, 24, 'int32', seed);
    const xs = tf.range(0, 28, 1, 'int32').reshape([1, 1, 28, 1]);
    const column = tf.equal(xs, x).toFloat();
    const rows = tf.range(0, 28).reshape([1, 28, 1, 1]);
    const inBar = tf.logicalAnd(tf.greaterEqual(rows, 5), tf.less(rows, 23)).toFloat();
    return tf.mul(column, inBar) as tf.Tensor4D;
  });
}

function lossValue(terms: ReturnType<typeof vaeLossTerms>): number {
  const value = terms.loss.dataSync()[0];
  tf.dispose([terms.loss, terms.kl, terms.reconstruction]);
  return value;
}

before(async () => {
  await initBackend({ env: {} }); // wasm here, with the conv training kernels
});

describe('VAE training step', () => {
  for (const [kind, build] of [
    ['dense', () => buildDenseVae({ latentDim: 2, hiddenUnits: [32], seed: 1 })],
    ['conv', () => buildConvVae({ latentDim: 2, filters: [4, 8], seed: 1 })],
  ] as const) {
    test(`${kind}: one step lowers the loss on a fixed batch (same noise before and after)`, () => {
      const vae = build();
      const images = barImages(16, 1);
      const optimizer = tf.train.adam(3e-3);
      const before = lossValue(vaeLossTerms(vae, images, { seed: 5 }));
      const reported = vaeTrainStep(vae, optimizer, images, { seed: 5 });
      const after = lossValue(vaeLossTerms(vae, images, { seed: 5 }));
      assert.ok(
        Math.abs(reported.loss - before) < 1e-2 * Math.abs(before),
        `reported ${reported.loss} vs ${before}`,
      );
      assert.ok(Math.abs(reported.loss - (reported.reconstruction + reported.kl)) < 1e-2);
      assert.ok(after < before, `loss should fall: ${before} -> ${after}`);
      images.dispose();
      optimizer.dispose();
      vae.dispose();
    });
  }

  test('β weighs the KL term in the minimised loss; the negative ELBO is reported unweighted', () => {
    const vae = buildDenseVae({ latentDim: 2, hiddenUnits: [16], seed: 2 });
    const images = barImages(8, 2);
    const optimizer = tf.train.sgd(0);
    const step = vaeTrainStep(vae, optimizer, images, { beta: 4, seed: 1 });
    assert.ok(Math.abs(step.loss - (step.reconstruction + 4 * step.kl)) < 1e-2);
    assert.ok(Math.abs(step.negativeElbo - (step.reconstruction + step.kl)) < 1e-6);
    images.dispose();
    optimizer.dispose();
    vae.dispose();
  });

  test('no tensor leaks over many steps', () => {
    const vae = buildDenseVae({ latentDim: 3, hiddenUnits: [16], seed: 3 });
    const images = barImages(8, 3);
    const optimizer = tf.train.adam(1e-3);
    vaeTrainStep(vae, optimizer, images, { seed: 0 }); // creates Adam's state
    const live = tf.memory().numTensors;
    for (let i = 1; i <= 40; i++) vaeTrainStep(vae, optimizer, images, { seed: i });
    assert.equal(tf.memory().numTensors, live);
    images.dispose();
    optimizer.dispose();
    vae.dispose();
  });
});

describe('evaluateVae and trainVae', () => {
  test('negative ELBO = reconstruction + KL, KL split by dimension, same as the loss terms for one batch', () => {
    const vae = buildDenseVae({ latentDim: 3, hiddenUnits: [16], seed: 4 });
    const images = barImages(12, 4);
    const evaluation = evaluateVae(vae, images, { seed: 7 });
    assert.equal(evaluation.klPerDimension.length, 3);
    const klSum = evaluation.klPerDimension.reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(klSum - evaluation.kl) < 1e-9);
    assert.ok(Math.abs(evaluation.negativeElbo - evaluation.reconstruction - evaluation.kl) < 1e-9);
    const terms = vaeLossTerms(vae, images, { seed: deriveSeed(7, 0) });
    assert.ok(Math.abs(evaluation.negativeElbo - terms.loss.dataSync()[0]) < 1e-2);
    tf.dispose([terms.loss, terms.kl, terms.reconstruction]);
    const batched = evaluateVae(vae, images, { seed: 7, batchSize: 5 });
    assert.ok(Math.abs(batched.kl - evaluation.kl) < 1e-4, 'the KL term does not depend on the noise');
    assert.deepEqual(evaluateVae(vae, images, { seed: 7 }), evaluation);
    images.dispose();
    vae.dispose();
  });

  test('trainVae logs both terms every step and the held-out terms after each epoch; the bound falls', async () => {
    const vae = buildDenseVae({ latentDim: 2, hiddenUnits: [32], seed: 5 });
    const trainImages = barImages(64, 5);
    const testImages = barImages(16, 6);
    const before = tf.memory().numTensors;
    const epochs: number[] = [];
    const log = await trainVae(vae, {
      trainImages,
      testImages,
      epochs: 4,
      batchSize: 16,
      learningRate: 3e-3,
      progress: 'silent',
      onEpochEnd: (epoch) => void epochs.push(epoch),
    });
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(epochs, [1, 2, 3, 4]);
    for (const name of ['loss', 'reconstruction', 'kl', 'negativeElbo']) {
      assert.ok(log.column(name).every(Number.isFinite), name);
    }
    const test = log.column('testNegativeElbo').filter(Number.isFinite);
    assert.equal(test.length, 4);
    assert.ok(test[3] < test[0], `held-out negative ELBO should fall: ${test.join(', ')}`);
    assert.equal(log.column('testKl').filter(Number.isFinite).length, 4);
    tf.dispose([trainImages, testImages]);
    vae.dispose();
  });
});
