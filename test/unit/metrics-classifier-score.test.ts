import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { classCoverage, classifierScore, meanConfidence } from '../../lib/metrics';

/** One-hot rows for the given classes (a perfectly confident classifier). */
function confident(classes: number[], numClasses = 10): tf.Tensor2D {
  return tf.tidy(() => tf.oneHot(tf.tensor1d(classes, 'int32'), numClasses).toFloat() as tf.Tensor2D);
}

function withTensor<T>(t: tf.Tensor2D, f: (t: tf.Tensor2D) => T): T {
  try {
    return f(t);
  } finally {
    t.dispose();
  }
}

const balanced = Array.from({ length: 100 }, (_, i) => i % 10);

describe('classifierScore', () => {
  test('is the number of classes for a perfectly confident, perfectly balanced set', () => {
    const score = withTensor(confident(balanced), classifierScore);
    assert.ok(Math.abs(score - 10) < 1e-6, `${score}`);
    assert.ok(Math.abs(withTensor(confident([0, 1, 2, 3, 0, 1, 2, 3], 4), classifierScore) - 4) < 1e-6);
  });

  test('is 1 for a single class, and for identical uncertain rows', () => {
    assert.ok(Math.abs(withTensor(confident(new Array(50).fill(3)), classifierScore) - 1) < 1e-9);
    const uniform = tf.fill([20, 10], 0.1) as tf.Tensor2D;
    assert.ok(Math.abs(withTensor(uniform, classifierScore) - 1) < 1e-6);
  });

  test('lies between 1 and K: half the classes confidently gives 5, blurred rows less', () => {
    const half = Array.from({ length: 100 }, (_, i) => i % 5);
    assert.ok(Math.abs(withTensor(confident(half), classifierScore) - 5) < 1e-6);
    const soft = tf.tidy(() => tf.add(tf.mul(confident(balanced), 0.5), 0.05) as tf.Tensor2D);
    const score = withTensor(soft, classifierScore);
    assert.ok(score > 1 && score < 10, `${score}`);
  });
});

describe('meanConfidence', () => {
  test('is the mean of the row maxima', () => {
    const p = tf.tensor2d([
      [0.9, 0.1],
      [0.4, 0.6],
    ]);
    assert.ok(Math.abs(withTensor(p, meanConfidence) - 0.75) < 1e-6);
    assert.ok(Math.abs(withTensor(confident(balanced), meanConfidence) - 1) < 1e-9);
  });

  test('rejects a tensor that is not [N, classes]', () => {
    assert.throws(() => meanConfidence(tf.zeros([2, 2, 2]) as unknown as tf.Tensor2D), /\[N, classes\]/);
  });
});

describe('classCoverage', () => {
  test('a balanced set: equal fractions, KL 0, no class below the threshold', () => {
    const c = withTensor(confident(balanced), (p) => classCoverage(p));
    assert.deepEqual(c.counts, new Array(10).fill(10));
    assert.ok(Math.abs(c.klToUniform) < 1e-12);
    assert.equal(c.classesBelowThreshold, 0);
    assert.equal(c.threshold, 0.05);
    assert.ok(Math.abs(c.minFraction - 0.1) < 1e-12);
  });

  test('a one-class set: 9 classes below 5%, KL = log 10', () => {
    const c = withTensor(confident(new Array(40).fill(7)), (p) => classCoverage(p));
    assert.equal(c.classesBelowThreshold, 9);
    assert.equal(c.counts[7], 40);
    assert.ok(Math.abs(c.klToUniform - Math.log(10)) < 1e-12);
    assert.equal(c.minFraction, 0);
  });

  test('counts argmax classes and honours the threshold option', () => {
    // 30% class 0, 66% class 1, 4% class 2 (argmax of soft rows)
    const classes = [...new Array(30).fill(0), ...new Array(66).fill(1), ...new Array(4).fill(2)];
    const soft = tf.tidy(() => tf.add(tf.mul(confident(classes, 3), 0.5), 0.1) as tf.Tensor2D);
    const c = withTensor(soft, (p) => classCoverage(p, { threshold: 0.05 }));
    assert.deepEqual(c.counts, [30, 66, 4]);
    assert.equal(c.classesBelowThreshold, 1);
    const strict = withTensor(confident(classes, 3), (p) => classCoverage(p, { threshold: 0.31 }));
    assert.equal(strict.classesBelowThreshold, 2);
    assert.throws(
      () => withTensor(confident(classes, 3), (p) => classCoverage(p, { threshold: 2 })),
      /threshold/,
    );
  });
});
