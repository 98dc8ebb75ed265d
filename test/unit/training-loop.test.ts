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

  test('yields to the event loop after every step, so a notebook kernel can send its outputs', async () => {
    const seen: number[] = [];
    let lastStep = 0;
    const timer = setInterval(() => seen.push(lastStep), 0);
    await runTrainingLoop({ steps: 5, progress: 'silent' }, (step) => {
      const until = performance.now() + 3;
      while (performance.now() < until); // a synchronous step, like a tfjs training step
      lastStep = step;
      return { loss: 1 };
    });
    clearInterval(timer);
    assert.ok(new Set(seen).size >= 4, `timers should run between steps, saw steps ${seen.join(', ')}`);
  });
});

describe('runTrainingLoop: continuing and stopping a run', () => {
  test('startStep and log continue a run: step numbers, rows and seconds carry on', async () => {
    const first = await runTrainingLoop({ steps: 3, progress: 'silent' }, (step) => ({ loss: 10 - step }));
    const seen: number[] = [];
    const log = await runTrainingLoop(
      {
        steps: 5,
        startStep: 4,
        log: first,
        progress: 'silent',
        callbacks: [{ every: 2, run: (step) => void seen.push(step) }],
      },
      (step) => ({ loss: 10 - step }),
    );
    assert.equal(log, first, 'the same log object, appended to');
    assert.deepEqual(log.steps, [1, 2, 3, 4, 5]);
    assert.deepEqual(log.column('loss'), [9, 8, 7, 6, 5]);
    assert.deepEqual(seen, [4, 5], 'callbacks are due by step number (4 % 2 === 0) and after the last step');
    assert.ok(log.seconds[3] >= log.seconds[2], 'seconds do not restart from 0');
    await assert.rejects(
      runTrainingLoop({ steps: 2, startStep: 0, progress: 'silent' }, () => ({})),
      /startStep/,
    );
  });

  test('shouldStop ends the loop after the current step and its callbacks', async () => {
    let calls = 0;
    const log = await runTrainingLoop(
      { steps: 100, progress: 'silent', shouldStop: () => calls >= 3 },
      () => {
        calls++;
        return { loss: calls };
      },
    );
    assert.equal(log.length, 3);
  });

  test('TrainingLog.toJSON / fromJSON round-trip exactly, NaN included', () => {
    const log = new TrainingLog();
    log.push(1, 0.1, { loss: 0.1 + 0.2 });
    log.push(2, 0.3, { loss: 1 / 3, fcd: 12.5 });
    const json = JSON.parse(JSON.stringify(log.toJSON()));
    assert.deepEqual(json.columns.fcd, [null, 12.5]);
    const again = TrainingLog.fromJSON(json);
    assert.deepEqual(again.column('loss'), log.column('loss'));
    assert.ok(Number.isNaN(again.column('fcd')[0]));
    assert.deepEqual(again.steps, [1, 2]);
    assert.throws(
      () => TrainingLog.fromJSON({ steps: [1], seconds: [0], columns: { a: [] } }),
      /column 'a' has 0 rows/,
    );
  });
});
