import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { epochSchedule, epochTable } from '../../lib/training/epoch-schedule';
import { TrainingLog } from '../../lib/training/training-log';

describe('epochSchedule', () => {
  test('visits every example once per epoch, in a new seeded order each epoch', () => {
    const schedule = epochSchedule(10, { epochs: 2, batchSize: 4, seed: 3 });
    assert.equal(schedule.stepsPerEpoch, 3);
    assert.equal(schedule.totalSteps, 6);
    const batches = Array.from({ length: 6 }, (_, i) => schedule.batchAt(i + 1));
    assert.deepEqual(
      batches.map((b) => [b.epoch, b.index, b.indices.length, b.endsEpoch]),
      [
        [0, 0, 4, false],
        [0, 1, 4, false],
        [0, 2, 2, true],
        [1, 0, 4, false],
        [1, 1, 4, false],
        [1, 2, 2, true],
      ],
    );
    const epoch0 = batches.slice(0, 3).flatMap((b) => Array.from(b.indices));
    const epoch1 = batches.slice(3).flatMap((b) => Array.from(b.indices));
    assert.deepEqual(
      [...epoch0].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.deepEqual(
      [...epoch1].sort((a, b) => a - b),
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    );
    assert.notDeepEqual(epoch0, epoch1);
    const again = epochSchedule(10, { epochs: 2, batchSize: 4, seed: 3 });
    assert.deepEqual(Array.from(again.batchAt(2).indices), Array.from(batches[1].indices));
  });

  test('rejects steps outside the run and bad sizes', () => {
    const schedule = epochSchedule(10, { epochs: 1, batchSize: 4 });
    assert.throws(() => schedule.batchAt(0), /from 1 to 3/);
    assert.throws(() => schedule.batchAt(4), /from 1 to 3/);
    assert.throws(() => epochSchedule(0, { epochs: 1 }), /size must be a positive integer/);
    assert.throws(() => epochSchedule(5, { epochs: 0 }), /epochs must be a positive integer/);
  });
});

describe('epochTable', () => {
  test('keeps the rows where the first metric was logged, with the epoch number', () => {
    const log = new TrainingLog();
    for (let step = 1; step <= 6; step++) {
      log.push(
        step,
        step / 10,
        step % 3 === 0 ? { loss: step, testLoss: 10 * step, testKl: step / 2 } : { loss: step },
      );
    }
    const table = epochTable(log, ['testLoss', 'testKl'], 3);
    assert.deepEqual(table.columns, ['epoch', 'seconds', 'testLoss', 'testKl']);
    assert.deepEqual(table.getColumn('epoch').toArray(), [1, 2]);
    assert.deepEqual(table.getColumn('testLoss').toArray(), [30, 60]);
    assert.deepEqual(table.getColumn('testKl').toArray(), [1.5, 3]);
    assert.throws(() => epochTable(log, ['testMse'], 3), /No metric 'testMse'/);
  });
});
