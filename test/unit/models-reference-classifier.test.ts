import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { type Dataset, loadDataset } from '../../lib/data';
import {
  accuracyOf,
  loadReferenceClassifier,
  ModelFileError,
  REFERENCE_CLASSIFIER_DIR,
  REFERENCE_FEATURE_SIZE,
  REFERENCE_MIN_ACCURACY,
  type ReferenceClassifier,
  saveReferenceClassifier,
  trainReferenceClassifier,
} from '../../lib/models';

let data: Dataset;
let reference: ReferenceClassifier;
let scratch: string;

before(async () => {
  await initBackend({ env: {} });
  data = await loadDataset({ name: 'mnist-10k', range: 'unit' });
  reference = await loadReferenceClassifier();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'genlib-reference-'));
});

after(() => {
  reference.dispose();
  data.dispose();
  fs.rmSync(scratch, { recursive: true, force: true });
});

describe('the committed reference classifier', () => {
  test(`loads without training and reaches ${REFERENCE_MIN_ACCURACY * 100}% on the 2,000 held-out digits`, () => {
    assert.ok(fs.existsSync(path.join(REFERENCE_CLASSIFIER_DIR, 'model.json')));
    assert.equal(reference.metadata.dataset, 'mnist-10k');
    assert.equal(reference.metadata.testSize, 2000);
    const accuracy = accuracyOf(reference.classify(data.test.images), data.test.labels.dataSync());
    assert.ok(accuracy >= REFERENCE_MIN_ACCURACY, `test accuracy ${accuracy}`);
    assert.ok(
      Math.abs(accuracy - reference.metadata.testAccuracy) < 0.002,
      'the recorded accuracy is reproduced',
    );
  });

  test('features are the 128 penultimate values that the logits are computed from', () => {
    const images = data.test.images.slice(0, 20);
    const features = reference.features(images);
    assert.deepEqual(features.shape, [20, REFERENCE_FEATURE_SIZE]);
    const [kernel, bias] = reference.model.getLayer('logits').getWeights();
    const fromFeatures = tf.tidy(() => tf.matMul(features, kernel).add(bias));
    const logits = reference.logits(images);
    const gap = tf.tidy(() => fromFeatures.sub(logits).abs().max().dataSync()[0]);
    assert.ok(gap < 1e-4, `logits from the features differ by ${gap}`);
    const probabilities = reference.probabilities(images);
    const sums = tf.tidy(() => probabilities.sum(1).dataSync());
    for (const sum of sums) assert.ok(Math.abs(sum - 1) < 1e-5);
    tf.dispose([images, features, fromFeatures, logits, probabilities]);
  });

  test("images in [-1, 1] are classified the same with range: 'symmetric'; wrong shapes are refused", () => {
    const unit = data.test.images.slice(0, 50);
    const symmetric = tf.tidy(() => unit.mul(2).sub(1));
    const before = tf.memory().numTensors;
    assert.deepEqual(reference.classify(symmetric, { range: 'symmetric' }), reference.classify(unit));
    assert.equal(tf.memory().numTensors, before, 'classify leaves no tensors behind');
    assert.throws(
      () => reference.classify(tf.zeros([2, 784])),
      /takes images \[N, 28, 28, 1\]; got \[2, 784\]/,
    );
    tf.dispose([unit, symmetric]);
  });

  test('save and load give the same predictions and metadata', async () => {
    await saveReferenceClassifier(reference.model, reference.metadata, path.join(scratch, 'copy'));
    const copy = await loadReferenceClassifier(path.join(scratch, 'copy'));
    const images = data.test.images.slice(0, 200);
    const [a, b] = [reference.logits(images), copy.logits(images)];
    assert.deepEqual(b.dataSync(), a.dataSync());
    assert.deepEqual(copy.metadata, reference.metadata);
    tf.dispose([images, a, b]);
    copy.dispose();
  });

  test('a missing copy gives a clear error', async () => {
    await assert.rejects(
      loadReferenceClassifier(path.join(scratch, 'none')),
      (e: unknown) => e instanceof ModelFileError,
    );
  });
});

describe('trainReferenceClassifier', () => {
  test('is reproducible: the same seed gives the same weights', async () => {
    const small = await loadDataset({ name: 'mnist-10k', range: 'unit', limit: 96 });
    const weights = async () => {
      const { model, metadata } = await trainReferenceClassifier(small, {
        epochs: 1,
        batchSize: 32,
        progress: 'silent',
      });
      assert.equal(metadata.trainSize, 96);
      const values = model.getWeights().map((w) => Array.from(w.dataSync()));
      model.dispose();
      return values;
    };
    assert.deepEqual(await weights(), await weights());
    small.dispose();
  });

  test("refuses data in the 'symmetric' range", async () => {
    const symmetric = await loadDataset({ name: 'mnist-10k', range: 'symmetric', limit: 8 });
    await assert.rejects(trainReferenceClassifier(symmetric, { epochs: 1 }), /range: 'unit'/);
    symmetric.dispose();
  });
});
