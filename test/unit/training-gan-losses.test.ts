import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  discriminatorLoss,
  generatorLoss,
  logitBinaryCrossentropy,
  sigmoidCrossEntropyWithLogits,
} from '../../lib/training/gan-losses';

before(async () => {
  await tf.setBackend('cpu');
});

const softplus = (x: number) => Math.log1p(Math.exp(x));
const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function value(scalar: tf.Scalar): number {
  const v = scalar.dataSync()[0];
  scalar.dispose();
  return v;
}

function close(actual: number, expected: number, tolerance = 1e-5): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `expected ${expected}, got ${actual}`);
}

describe('GAN losses against hand-computed values', () => {
  test('at D = 0.5 (logit 0): D loss 2·ln 2, non-saturating ln 2, saturating -ln 2', () => {
    const zeros = tf.zeros([4, 1]);
    close(value(discriminatorLoss(zeros, zeros)), 2 * Math.LN2);
    close(value(generatorLoss(zeros, 'non-saturating')), Math.LN2);
    close(value(generatorLoss(zeros, 'saturating')), -Math.LN2);
    zeros.dispose();
  });

  test('logits [2, -1]: non-saturating mean(softplus(-l)) = 0.720095, saturating -mean(softplus(l)) = -1.220095', () => {
    const logits = tf.tensor2d([[2], [-1]]);
    // -log(sigmoid(2)) = 0.126928, -log(sigmoid(-1)) = 1.313262; log(1 - sigmoid(2)) = -2.126928, ... (-1) = -0.313262
    close(value(generatorLoss(logits, 'non-saturating')), 0.720095);
    close(value(generatorLoss(logits, 'saturating')), -1.220095);
    close(value(generatorLoss(logits, 'non-saturating')), (softplus(-2) + softplus(1)) / 2);
    logits.dispose();
  });

  test('D loss with one-sided label smoothing 0.1: real target 0.9, fake target 0', () => {
    const real = tf.tensor2d([[3]]);
    const fake = tf.tensor2d([[-2]]);
    // real: softplus(3) - 3·0.9 = 0.348587; fake: softplus(-2) = 0.126928
    close(value(discriminatorLoss(real, fake, { labelSmoothing: 0.1 })), 0.475515);
    close(value(discriminatorLoss(real, fake)), softplus(-3) + softplus(-2));
    assert.throws(
      () => discriminatorLoss(real, fake, { labelSmoothing: 1 }),
      /labelSmoothing must be in \[0, 1\)/,
    );
    tf.dispose([real, fake]);
  });

  test('stays finite for a certain discriminator (logits ±100)', () => {
    const logits = tf.tensor2d([[100], [-100]]);
    for (const v of [
      value(generatorLoss(logits, 'non-saturating')),
      value(generatorLoss(logits, 'saturating')),
      value(discriminatorLoss(logits, logits)),
    ]) {
      assert.ok(Number.isFinite(v), `loss ${v} should be finite`);
    }
    close(value(generatorLoss(logits, 'saturating')), -50, 1e-4);
    logits.dispose();
  });

  test('gradients w.r.t. the logit: saturating -D(G(z)) vanishes, non-saturating -(1 - D(G(z))) does not', () => {
    const l = -5; // D is confident the fake is fake: D = sigmoid(-5) = 0.0067
    const grad = (kind: 'saturating' | 'non-saturating') =>
      tf.tidy(
        () =>
          tf
            .grad((x: tf.Tensor) => generatorLoss(x, kind))(tf.tensor2d([[l]]))
            .dataSync()[0],
      );
    close(grad('saturating'), -sigmoid(l));
    close(grad('non-saturating'), -(1 - sigmoid(l)));
    assert.ok(Math.abs(grad('non-saturating') / grad('saturating')) > 100);
  });

  test('the compile-style loss equals tf.losses.sigmoidCrossEntropy', () => {
    const y = tf.tensor2d([[1], [0], [1]]);
    const p = tf.tensor2d([[0.3], [-2], [4]]);
    close(value(logitBinaryCrossentropy(y, p)), value(tf.losses.sigmoidCrossEntropy(y, p) as tf.Scalar));
    assert.throws(
      () => sigmoidCrossEntropyWithLogits(tf.ones([2, 1]), p),
      /targets have shape \[2,1\] but logits \[3,1\]/,
    );
    tf.dispose([y, p]);
  });

  test('an unknown generator loss is an error that lists the known ones', () => {
    const logits = tf.zeros([1, 1]);
    assert.throws(() => generatorLoss(logits, 'wasserstein' as never), /non-saturating, saturating/);
    logits.dispose();
  });
});
