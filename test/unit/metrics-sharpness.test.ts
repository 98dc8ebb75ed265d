import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { highFrequencyEnergy, laplacianVariance } from '../../lib/metrics';

/** Crisp strokes: a vertical and a horizontal bar per image at seeded positions, values 0 or 1. */
function crossImages(n: number, seed: number): tf.Tensor4D {
  return tf.tidy(() => {
    const x = tf.randomUniform([n, 1, 1, 1], 6, 22, 'int32', seed);
    const y = tf.randomUniform([n, 1, 1, 1], 6, 22, 'int32', seed + 1);
    const columns = tf.range(0, 28, 1, 'int32').reshape([1, 1, 28, 1]);
    const rows = tf.range(0, 28, 1, 'int32').reshape([1, 28, 1, 1]);
    const vertical = tf.logicalAnd(
      tf.lessEqual(tf.abs(tf.sub(columns, x)), 1),
      tf.logicalAnd(tf.greater(rows, 4), tf.less(rows, 24)),
    );
    const horizontal = tf.logicalAnd(
      tf.lessEqual(tf.abs(tf.sub(rows, y)), 1),
      tf.logicalAnd(tf.greater(columns, 4), tf.less(columns, 24)),
    );
    return tf.logicalOr(vertical, horizontal).toFloat() as tf.Tensor4D;
  });
}

/** A 5 × 5 box blur (same padding). */
function blur(images: tf.Tensor4D): tf.Tensor4D {
  return tf.tidy(() => tf.avgPool(images, 5, 1, 'same') as tf.Tensor4D);
}

before(async () => {
  await initBackend({ env: {} });
});

describe('laplacianVariance', () => {
  test('a blurred image scores lower than the original; a constant image scores 0', () => {
    const sharp = crossImages(8, 1);
    const soft = blur(sharp);
    const flat = tf.fill([2, 28, 28, 1], 0.7) as tf.Tensor4D;
    const a = laplacianVariance(sharp);
    const b = laplacianVariance(soft);
    assert.ok(b < a / 3, `sharp ${a}, blurred ${b}`);
    assert.ok(Math.abs(laplacianVariance(flat)) < 1e-9);
    tf.dispose([sharp, soft, flat]);
  });

  test('matches a direct computation on one image', () => {
    const values = Array.from({ length: 25 }, (_, i) => ((i * 7) % 11) / 10);
    const image = tf.tensor4d(values, [1, 5, 5, 1]);
    const lap: number[] = [];
    for (let r = 1; r < 4; r++) {
      for (let c = 1; c < 4; c++) {
        const v = (rr: number, cc: number) => values[rr * 5 + cc];
        lap.push(v(r - 1, c) + v(r + 1, c) + v(r, c - 1) + v(r, c + 1) - 4 * v(r, c));
      }
    }
    const mean = lap.reduce((s, x) => s + x, 0) / lap.length;
    const variance = lap.reduce((s, x) => s + (x - mean) ** 2, 0) / lap.length;
    assert.ok(Math.abs(laplacianVariance(image) - variance) < 1e-5);
    image.dispose();
  });

  test("'symmetric' images give the score of the same images in [0, 1]; bad shapes are refused", () => {
    const unit = crossImages(4, 3);
    const symmetric = tf.tidy(() => tf.sub(tf.mul(unit, 2), 1) as tf.Tensor4D);
    assert.ok(
      Math.abs(laplacianVariance(unit) - laplacianVariance(symmetric, { range: 'symmetric' })) < 1e-6,
    );
    assert.throws(() => laplacianVariance(tf.zeros([2, 28, 28, 3]) as tf.Tensor4D), /\[N, H, W, 1\]/);
    tf.dispose([unit, symmetric]);
  });
});

describe('highFrequencyEnergy', () => {
  test('a blurred image has a smaller share of high-frequency energy; the value is a fraction', () => {
    const sharp = crossImages(8, 5);
    const soft = blur(sharp);
    const a = highFrequencyEnergy(sharp);
    const b = highFrequencyEnergy(soft);
    assert.ok(a > 0 && a < 1, `${a}`);
    assert.ok(b < a / 3, `sharp ${a}, blurred ${b}`);
    tf.dispose([sharp, soft]);
  });

  test('a checkerboard (the Nyquist frequency) is all high frequency; a slow wave none', () => {
    const checker = tf.tidy(() => {
      const i = tf.range(0, 28, 1, 'int32');
      const parity = tf.mod(tf.add(i.reshape([28, 1]), i.reshape([1, 28])), 2);
      return parity.toFloat().reshape([1, 28, 28, 1]) as tf.Tensor4D;
    });
    const wave = tf.tidy(
      () =>
        tf
          .add(0.5, tf.mul(0.5, tf.cos(tf.mul(tf.range(0, 28), (2 * Math.PI) / 28))))
          .reshape([1, 1, 28, 1])
          .tile([1, 28, 1, 1]) as tf.Tensor4D,
    );
    assert.ok(highFrequencyEnergy(checker) > 0.999);
    assert.ok(highFrequencyEnergy(wave) < 1e-3);
    tf.dispose([checker, wave]);
  });
});
