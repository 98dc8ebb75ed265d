import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { NonFiniteMetricError, runTrainingLoop, TrainingLog } from '../../lib/training';

before(async () => {
  await tf.setBackend('cpu');
});

describe('TrainingLog', () => {
  test('keeps one row per step and fills metrics a step did not report with NaN', () => {
    const log = new TrainingLog();
    log.push(1, 0.5, { loss: 2 });
    log.push(2, 1.0, { loss: 1, accuracy: 0.5 });
    assert.equal(log.length, 2);
    assert.deepEqual(log.metricNames, ['loss', 'accuracy']);
    assert.deepEqual(log.column('loss'), [2, 1]);
    assert.ok(Number.isNaN(log.column('accuracy')[0]));
    assert.deepEqual(log.last(), { loss: 1, accuracy: 0.5 });
    assert.throws(() => log.column('lossG'), /has: loss, accuracy/);
    const frame = log.toDataFrame();
    assert.deepEqual(frame.columns, ['step', 'seconds', 'loss', 'accuracy']);
    assert.deepEqual(frame.getColumn('loss').toArray(), [2, 1]);
  });
});

describe('runTrainingLoop', () => {
  test('trains a linear model: the loss falls, the log has every step, callbacks run when due', async () => {
    const w = tf.variable(tf.scalar(0));
    const optimizer = tf.train.sgd(0.1);
    const x = tf.tensor1d([1, 2, 3]);
    const y = tf.tensor1d([2, 4, 6]);
    const calls: number[] = [];
    const log = await runTrainingLoop(
      { steps: 25, progress: 'silent', callbacks: [{ every: 10, run: (step) => void calls.push(step) }] },
      () => {
        const loss = optimizer.minimize(() => tf.losses.meanSquaredError(y, tf.mul(w, x)), true, [
          w,
        ]) as tf.Scalar;
        const value = loss.dataSync()[0];
        loss.dispose();
        return { loss: value };
      },
    );
    assert.equal(log.length, 25);
    assert.deepEqual(log.steps.slice(0, 3), [1, 2, 3]);
    assert.deepEqual(calls, [10, 20, 25]);
    const losses = log.column('loss');
    assert.ok(losses[24] < losses[0] / 100, `loss should fall: ${losses[0]} -> ${losses[24]}`);
    assert.ok(Math.abs(w.dataSync()[0] - 2) < 0.05);
    tf.dispose([w, x, y]);
    optimizer.dispose();
  });

  test('a NaN metric stops the run with the step number, and the log so far is kept', async () => {
    await assert.rejects(
      runTrainingLoop({ steps: 10, progress: 'silent' }, (step) => ({
        loss: step < 4 ? 1 / step : Number.NaN,
      })),
      (error: unknown) =>
        error instanceof NonFiniteMetricError &&
        error.step === 4 &&
        error.log.length === 3 &&
        /step 4: loss=NaN/.test(error.message) &&
        /lower the learning rate/.test(error.message),
    );
  });

  test('a step that leaves tensors behind is reported', async () => {
    const kept: tf.Tensor[] = [];
    await assert.rejects(
      runTrainingLoop({ steps: 5, progress: 'silent' }, () => {
        kept.push(tf.ones([2]));
        return { loss: 1 };
      }),
      /Step 2 left 1 tensor\(s\) behind/,
    );
    tf.dispose(kept);
  });

  test('tensors created by the first step (optimizer state) and by callbacks are not leaks', async () => {
    const kept: tf.Tensor[] = [];
    const log = await runTrainingLoop(
      { steps: 6, progress: 'silent', callbacks: [{ every: 3, run: () => void kept.push(tf.zeros([1])) }] },
      (step) => {
        if (step === 1) kept.push(tf.ones([3]));
        return { loss: 1 / step };
      },
    );
    assert.equal(log.length, 6);
    tf.dispose(kept);
  });

  test('rejects a bad step count', async () => {
    await assert.rejects(
      runTrainingLoop({ steps: -1 }, () => ({})),
      /steps must be an integer/,
    );
  });

  test('a long loop of synchronous steps still gives the event loop a turn (timers fire during training)', async () => {
    let timerFiredAtStep = 0;
    let current = 0;
    setTimeout(() => {
      timerFiredAtStep = current;
    }, 0);
    await runTrainingLoop({ steps: 40, progress: 'silent', checkTensorLeaks: false }, (step) => {
      current = step;
      const until = performance.now() + 5; // 40 steps of 5 ms: 200 ms without awaiting anything real
      while (performance.now() < until) {}
      return { loss: 1 };
    });
    assert.ok(timerFiredAtStep > 0 && timerFiredAtStep < 40, `the timer fired at step ${timerFiredAtStep}`);
  });
});
