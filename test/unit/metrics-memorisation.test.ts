import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { median, memorisationReport, nearestNeighbourDistances } from '../../lib/metrics';

describe('nearestNeighbourDistances', () => {
  test('matches a brute-force search, whatever the batch size', () => {
    const queries = tf.randomUniform([37, 6, 6, 1], 0, 1, 'float32', 1);
    const references = tf.randomUniform([53, 6, 6, 1], 0, 1, 'float32', 2);
    const q = queries.reshape([37, 36]).arraySync() as number[][];
    const r = references.reshape([53, 36]).arraySync() as number[][];
    const expected = q.map((a) => Math.min(...r.map((b) => Math.hypot(...a.map((v, k) => v - b[k])))));
    for (const batchSize of [1, 10, 250]) {
      const got = nearestNeighbourDistances(queries, references, { batchSize });
      assert.equal(got.length, 37);
      for (let i = 0; i < got.length; i++) {
        assert.ok(
          Math.abs(got[i] - expected[i]) < 1e-4,
          `batch ${batchSize}, query ${i}: ${got[i]} vs ${expected[i]}`,
        );
      }
    }
    tf.dispose([queries, references]);
  });

  test('is 0 for a query that is in the references, and leaks no tensors', () => {
    const references = tf.randomUniform([20, 28, 28, 1], 0, 1, 'float32', 3);
    const queries = tf.slice(references, 5, 4);
    const before = tf.memory().numTensors;
    const d = nearestNeighbourDistances(queries, references, { batchSize: 3 });
    assert.equal(tf.memory().numTensors, before);
    for (const v of d) assert.ok(v < 1e-2, `${v}`);
    const wrong = tf.zeros([2, 5]);
    assert.throws(() => nearestNeighbourDistances(wrong, references), /784/);
    tf.dispose([queries, references, wrong]);
  });
});

describe('memorisationReport', () => {
  test('summarises generated distances against held-out ones', () => {
    const report = memorisationReport([1, 2, 3, 10], [2.5, 4, 5]);
    assert.equal(report.meanDistance, 4);
    assert.equal(report.medianDistance, 2.5);
    assert.equal(report.heldOutMedianDistance, 4);
    assert.equal(report.medianRatio, 2.5 / 4);
    assert.equal(report.fractionCloserThanHeldOutMin, 0.5);
    assert.equal(median([3, 1, 2]), 2);
    assert.throws(() => memorisationReport([], [1]), /at least one/);
  });
});
