import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { mixtureBatchSampler, tensorBatchSampler } from '../../lib/data/batch-samplers';

before(async () => {
  await tf.setBackend('cpu');
});

describe('batch samplers', () => {
  test('mixture batches: shape [batch, dims], the same draw gives the same points', () => {
    const sample = mixtureBatchSampler([{ mean: [5, -5], std: 0.01 }], { seed: 3 });
    const a = sample(32, 1);
    const b = sample(32, 1);
    const c = sample(32, 2);
    assert.deepEqual(a.shape, [32, 2]);
    assert.deepEqual(a.arraySync(), b.arraySync());
    assert.notDeepEqual(a.arraySync(), c.arraySync());
    assert.ok(Math.abs((a.mean(0) as tf.Tensor1D).arraySync()[0] - 5) < 0.01);
    tf.dispose([a, b, c]);
  });

  test('tensor batches: each epoch visits every example once, in a new order', () => {
    const pool = tf.range(0, 12).reshape([12, 1]);
    const sample = tensorBatchSampler(pool, { seed: 1 });
    const epoch = () =>
      Array.from({ length: 3 }, (_, i) => sample(4, i)).flatMap((t) => {
        const values = Array.from(t.dataSync());
        t.dispose();
        return values;
      });
    const first = epoch();
    const second = epoch();
    assert.deepEqual(
      [...first].sort((x, y) => x - y),
      Array.from({ length: 12 }, (_, i) => i),
    );
    assert.deepEqual(
      [...second].sort((x, y) => x - y),
      Array.from({ length: 12 }, (_, i) => i),
    );
    assert.notDeepEqual(first, second);
    assert.throws(() => sample(5, 7), /batch size changed from 4 to 5/);
    pool.dispose();
  });
});
