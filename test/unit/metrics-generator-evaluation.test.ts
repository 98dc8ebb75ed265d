import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { loadDataset } from '../../lib/data';
import { GeneratorEvaluator, type GeneratorMetrics, metricsRecord } from '../../lib/metrics';

let evaluator: GeneratorEvaluator;
let tensorsBefore: number;
let baseline: GeneratorMetrics;

before(async () => {
  await initBackend({ env: {} });
  tensorsBefore = tf.memory().numTensors;
  evaluator = await GeneratorEvaluator.create(); // mnist-10k, 1000 samples, the committed reference classifier
  baseline = evaluator.baseline();
});

after(() => {
  evaluator.dispose();
});

describe('GeneratorEvaluator on mnist-10k', () => {
  test('the real-vs-real baseline: small FCD, all digits covered, confident, sharp, no copies', () => {
    assert.equal(evaluator.sampleCount, 1000);
    assert.equal(baseline.sampleCount, 1000);
    assert.equal(evaluator.train.shape[0], 8000);
    assert.ok(
      baseline.frechetClassifierDistance > 0 && baseline.frechetClassifierDistance < 6,
      `FCD ${baseline.frechetClassifierDistance}`,
    );
    assert.ok(baseline.classifierScore > 9, `classifier score ${baseline.classifierScore}`);
    assert.ok(baseline.meanConfidence > 0.97, `confidence ${baseline.meanConfidence}`);
    assert.equal(baseline.coverage.classesBelowThreshold, 0);
    assert.ok(baseline.coverage.klToUniform < 0.02, `KL ${baseline.coverage.klToUniform}`);
    assert.ok(baseline.sharpness > 0.1, `sharpness ${baseline.sharpness}`);
    assert.ok(baseline.nearestTrainDistance > 2, `nearest ${baseline.nearestTrainDistance}`);
    assert.equal(baseline.memorisation.medianRatio, 1);
    assert.equal(baseline.memorisation.fractionCloserThanHeldOutMin, 0);
    assert.equal(evaluator.baseline(), baseline, 'cached');
  });

  test('scoring the held-out images as if generated reproduces the baseline; the pixel range is honoured', () => {
    const again = evaluator.evaluate(evaluator.heldOut);
    assert.ok(Math.abs(again.frechetClassifierDistance - baseline.frechetClassifierDistance) < 1e-9);
    assert.equal(again.classifierScore, baseline.classifierScore);
    const symmetric = tf.tidy(() => tf.sub(tf.mul(evaluator.heldOut, 2), 1) as tf.Tensor4D);
    const fromSymmetric = evaluator.evaluate(symmetric, { range: 'symmetric' });
    symmetric.dispose();
    assert.ok(Math.abs(fromSymmetric.frechetClassifierDistance - baseline.frechetClassifierDistance) < 1e-2);
    assert.ok(Math.abs(fromSymmetric.sharpness - baseline.sharpness) < 1e-4);
  });

  test('noise and blurred digits score worse than the baseline; copies of training digits are flagged', () => {
    const noise = tf.randomUniform([1000, 28, 28, 1], 0, 1, 'float32', 3) as tf.Tensor4D;
    const blurred = tf.tidy(() => tf.avgPool(evaluator.heldOut, 3, 1, 'same') as tf.Tensor4D);
    const copies = tf.slice(evaluator.train, 0, 1000);
    const fromNoise = evaluator.evaluate(noise);
    const fromBlur = evaluator.evaluate(blurred);
    const fromCopies = evaluator.evaluate(copies);
    tf.dispose([noise, blurred, copies]);
    assert.ok(fromNoise.frechetClassifierDistance > 20 * baseline.frechetClassifierDistance);
    assert.ok(fromNoise.coverage.classesBelowThreshold >= 5, `noise covers ${fromNoise.coverage.counts}`);
    assert.ok(fromBlur.sharpness < baseline.sharpness / 3, `blurred ${fromBlur.sharpness}`);
    assert.ok(fromBlur.frechetClassifierDistance > baseline.frechetClassifierDistance);
    assert.ok(fromCopies.nearestTrainDistance < 1e-2, `copies ${fromCopies.nearestTrainDistance}`);
    assert.equal(fromCopies.memorisation.fractionCloserThanHeldOutMin, 1);
  });

  test('metricsRecord flattens the metrics into the log columns', () => {
    const record = metricsRecord(baseline);
    assert.deepEqual(Object.keys(record), [
      'fcd',
      'classifierScore',
      'meanConfidence',
      'coverageKl',
      'classesBelow5pct',
      'minClassFraction',
      'sharpness',
      'highFrequencyEnergy',
      'nearestTrainDistance',
    ]);
    assert.equal(record.fcd, baseline.frechetClassifierDistance);
    assert.equal(record.classesBelow5pct, 0);
    for (const value of Object.values(record)) assert.ok(Number.isFinite(value));
  });

  test('refuses fewer images than the baseline sample or the wrong shape; leaks no tensors', () => {
    const few = tf.zeros([10, 28, 28, 1]) as tf.Tensor4D;
    const flat = tf.zeros([1000, 784]) as unknown as tf.Tensor4D;
    assert.throws(() => evaluator.evaluate(few), /needs 1000 images/);
    assert.throws(() => evaluator.evaluate(flat), /\[N, 28, 28, 1\]/);
    const many = tf.randomUniform([1200, 28, 28, 1], 0, 1, 'float32', 4) as tf.Tensor4D;
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      assert.equal(evaluator.evaluate(many).sampleCount, 1000);
      counts.push(tf.memory().numTensors);
    }
    assert.deepEqual(counts, [counts[0], counts[0], counts[0]]);
    tf.dispose([few, flat, many]);
  });

  test('dispose frees everything the evaluator loaded', async () => {
    const small = await GeneratorEvaluator.create({ sampleCount: 100, seed: 2 });
    const loaded = tf.memory().numTensors;
    small.baseline();
    assert.equal(tf.memory().numTensors, loaded);
    small.dispose();
    assert.equal(tf.memory().numTensors, loaded - (small.classifier.model.weights.length + 3));
  });

  test('given data and classifier are used, not disposed', async () => {
    const data = await loadDataset({ name: 'mnist-10k', range: 'unit', limit: 300 });
    const given = await GeneratorEvaluator.create({
      sampleCount: 50,
      train: data.train.images,
      heldOut: data.test.images,
      classifier: evaluator.classifier,
    });
    assert.equal(given.train, data.train.images);
    assert.ok(given.baseline().frechetClassifierDistance > 0);
    given.dispose();
    assert.ok(!data.train.images.isDisposed && !data.test.images.isDisposed);
    data.dispose();
    await assert.rejects(
      GeneratorEvaluator.create({ sampleCount: 1, classifier: evaluator.classifier }),
      /sampleCount/,
    );
  });
});

after(() => {
  assert.equal(tf.memory().numTensors, tensorsBefore, 'every tensor is freed');
});
