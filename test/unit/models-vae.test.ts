import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { buildConvVae, buildDenseVae } from '../../lib/models/vae';
import {
  bernoulliNegLogLikelihood,
  klDivergencePerDimension,
  reparameterize,
  vaeLossTerms,
} from '../../lib/models/vae-objective';

before(async () => {
  await tf.setBackend('cpu');
});

function close(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what}: ${actual} is not within ${tolerance} of ${expected}`,
  );
}

describe('VAE models', () => {
  for (const [kind, build] of [
    ['dense', () => buildDenseVae({ latentDim: 3, hiddenUnits: [32], seed: 5 })],
    ['conv', () => buildConvVae({ latentDim: 3, filters: [4, 8], seed: 5 })],
  ] as const) {
    test(`${kind}: mean and log-variance [N, latentDim], logits and probabilities [N, 28, 28, 1]`, () => {
      const vae = build();
      assert.equal(vae.kind, kind);
      assert.deepEqual(vae.encoder.outputs[0].shape, [null, 6]);
      const images = tf.randomUniform([4, 28, 28, 1], 0, 1, 'float32', 2) as tf.Tensor4D;
      const { mean, logVar } = vae.encode(images);
      assert.deepEqual(mean.shape, [4, 3]);
      assert.deepEqual(logVar.shape, [4, 3]);
      const logits = vae.decodeLogits(mean);
      const pixels = vae.decode(mean);
      assert.deepEqual(logits.shape, [4, 28, 28, 1]);
      assert.deepEqual(pixels.shape, [4, 28, 28, 1]);
      const expected = tf.sigmoid(logits);
      assert.deepEqual(Array.from(pixels.dataSync()), Array.from(expected.dataSync()));
      // mean and logVar are the two halves of the encoder's output
      const raw = vae.encoder.predict(images) as tf.Tensor;
      const rawValues = raw.arraySync() as number[][];
      assert.deepEqual(
        mean.arraySync(),
        rawValues.map((row) => row.slice(0, 3)),
      );
      assert.deepEqual(
        logVar.arraySync(),
        rawValues.map((row) => row.slice(3)),
      );
      assert.throws(() => vae.decode(tf.zeros([1, 4]) as tf.Tensor2D), /codes of shape \[N, 3\]/);
      tf.dispose([images, mean, logVar, logits, pixels, expected, raw]);
      vae.dispose();
    });
  }
});

describe('KL term', () => {
  test('matches the closed form ½(σ² + μ² − 1 − log σ²) on known inputs', () => {
    const mean = tf.tensor2d([
      [0, 1, -2],
      [0.5, 0, 0],
    ]);
    const logVar = tf.tensor2d([
      [0, 0, 0],
      [Math.log(4), Math.log(0.25), -1],
    ]);
    const kl = klDivergencePerDimension(mean, logVar).arraySync();
    const expected = [
      [0, 0.5, 2],
      [0.5 * (4 + 0.25 - 1 - Math.log(4)), 0.5 * (0.25 - 1 - Math.log(0.25)), 0.5 * (Math.exp(-1) - 1 + 1)],
    ];
    kl.forEach((row, i) => {
      row.forEach((value, d) => {
        close(value, expected[i][d], 1e-6, `KL[${i}][${d}]`);
      });
    });
    tf.dispose([mean, logVar]);
  });

  test('agrees with a Monte Carlo estimate of E_q[log q(z) − log p(z)]', () => {
    const mu = 0.7;
    const logVarValue = Math.log(0.3);
    const n = 200_000;
    const mean = tf.fill([n, 1], mu) as tf.Tensor2D;
    const logVar = tf.fill([n, 1], logVarValue) as tf.Tensor2D;
    const z = reparameterize(mean, logVar, 11);
    const estimate = tf.tidy(() => {
      const logQ = tf.sub(
        tf.mul(-0.5, tf.div(tf.square(tf.sub(z, mu)), Math.exp(logVarValue))),
        0.5 * logVarValue,
      );
      const logP = tf.mul(-0.5, tf.square(z));
      return tf.mean(tf.sub(logQ, logP));
    });
    const closed = klDivergencePerDimension(mean.slice([0, 0], [1, 1]), logVar.slice([0, 0], [1, 1]));
    close(estimate.dataSync()[0], closed.dataSync()[0], 0.01, 'Monte Carlo KL');
    tf.dispose([mean, logVar, z, estimate, closed]);
  });
});

describe('reparameterisation', () => {
  test('z has mean μ and variance exp(logVar), per dimension', () => {
    const n = 100_000;
    const mean = tf.tidy(() => tf.tile(tf.tensor2d([[2, -1, 0]]), [n, 1])) as tf.Tensor2D;
    const logVar = tf.tidy(() =>
      tf.tile(tf.tensor2d([[Math.log(0.25), Math.log(9), 0]]), [n, 1]),
    ) as tf.Tensor2D;
    const z = reparameterize(mean, logVar, 7);
    const { mean: m, variance: v } = tf.moments(z, 0);
    const means = m.dataSync();
    const variances = v.dataSync();
    close(means[0], 2, 0.01, 'mean 0');
    close(means[1], -1, 0.04, 'mean 1');
    close(means[2], 0, 0.02, 'mean 2');
    close(variances[0], 0.25, 0.01, 'variance 0');
    close(variances[1], 9, 0.2, 'variance 1');
    close(variances[2], 1, 0.03, 'variance 2');
    tf.dispose([mean, logVar, z, m, v]);
  });

  test('is fixed by its seed, and lets gradients reach mean and logVar', () => {
    const mean = tf.tensor2d([[0.5, -0.5]]);
    const logVar = tf.tensor2d([[0.2, -0.4]]);
    const a = reparameterize(mean, logVar, 3).arraySync();
    assert.deepEqual(reparameterize(mean, logVar, 3).arraySync(), a);
    assert.notDeepEqual(reparameterize(mean, logVar, 4).arraySync(), a);
    const epsilon = tf.randomNormal([1, 2], 0, 1, 'float32', 3).dataSync();
    const [dMean, dLogVar] = tf.grads((m: tf.Tensor, lv: tf.Tensor) =>
      tf.sum(reparameterize(m as tf.Tensor2D, lv as tf.Tensor2D, 3)),
    )([mean, logVar]);
    assert.deepEqual(Array.from(dMean.dataSync()), [1, 1]);
    const expected = [0.5 * Math.exp(0.1) * epsilon[0], 0.5 * Math.exp(-0.2) * epsilon[1]];
    dLogVar.dataSync().forEach((value, i) => {
      close(value, expected[i], 1e-5, `d z / d logVar[${i}]`);
    });
    tf.dispose([mean, logVar, dMean, dLogVar]);
  });

  test('rejects mean and logVar of different shapes', () => {
    const mean = tf.zeros([2, 3]) as tf.Tensor2D;
    const logVar = tf.zeros([2, 2]) as tf.Tensor2D;
    assert.throws(() => reparameterize(mean, logVar, 0), /same shape/);
    tf.dispose([mean, logVar]);
  });
});

describe('reconstruction term and loss', () => {
  test('the Bernoulli negative log-likelihood is −Σ x log p + (1 − x) log(1 − p), and finite for huge logits', () => {
    const logitValues = Array.from({ length: 784 }, (_, i) => ((i % 13) - 6) * 0.7);
    const pixelValues = Array.from({ length: 784 }, (_, i) => (i % 3 === 0 ? 1 : i % 3 === 1 ? 0 : 0.4));
    const logits = tf.tensor4d(logitValues, [1, 28, 28, 1]);
    const images = tf.tensor4d(pixelValues, [1, 28, 28, 1]);
    let expected = 0;
    logitValues.forEach((l, i) => {
      const p = 1 / (1 + Math.exp(-l));
      expected -= pixelValues[i] * Math.log(p) + (1 - pixelValues[i]) * Math.log(1 - p);
    });
    close(bernoulliNegLogLikelihood(images, logits).dataSync()[0], expected, 1e-2, 'NLL');
    const huge = tf.fill([1, 28, 28, 1], 200) as tf.Tensor4D;
    const zeros = tf.zeros([1, 28, 28, 1]) as tf.Tensor4D;
    close(bernoulliNegLogLikelihood(zeros, huge).dataSync()[0], 784 * 200, 1, 'NLL with logit 200');
    tf.dispose([logits, images, huge, zeros]);
  });

  test('loss = reconstruction + β·KL, and both terms are positive', () => {
    const vae = buildDenseVae({ latentDim: 2, hiddenUnits: [16], seed: 1 });
    const images = tf.tidy(() =>
      tf.randomUniform([8, 28, 28, 1], 0, 1, 'float32', 1).greater(0.5).toFloat(),
    ) as tf.Tensor4D;
    for (const beta of [0, 1, 4]) {
      const terms = vaeLossTerms(vae, images, { beta, seed: 9 });
      const [r, k, l] = [terms.reconstruction, terms.kl, terms.loss].map((t) => t.dataSync()[0]);
      assert.ok(r > 0 && k > 0, `reconstruction ${r} and KL ${k} should be positive`);
      close(l, r + beta * k, 1e-3, `loss with beta ${beta}`);
      tf.dispose([terms.reconstruction, terms.kl, terms.loss]);
    }
    assert.throws(() => vaeLossTerms(vae, images, { beta: -1, seed: 0 }), /beta must be/);
    images.dispose();
    vae.dispose();
  });
});
