import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { TrainingLog } from '../../lib/training/training-log';
import { trainingLogFigure } from '../../lib/visualisation/training-log-figure';

describe('trainingLogFigure', () => {
  test('draws per-step metrics as lines and occasional ones as markers at their steps', () => {
    const log = new TrainingLog();
    log.push(1, 0.1, { loss: 3 });
    log.push(2, 0.2, { loss: 2, testLoss: 2.5 });
    log.push(3, 0.3, { loss: 1.5 });
    log.push(4, 0.4, { loss: 1, testLoss: 1.2 });
    const figure = trainingLogFigure(
      log,
      { loss: 'training batch', testLoss: 'held-out', kl: 'KL' },
      { title: 'Loss' },
    );
    assert.equal(figure.data.length, 2, 'a metric the log does not have is left out');
    const [train, test] = figure.data;
    assert.deepEqual(
      [train.name, train.mode, train.x, train.y],
      ['training batch', 'lines', [1, 2, 3, 4], [3, 2, 1.5, 1]],
    );
    assert.deepEqual(
      [test.name, test.mode, test.x, test.y],
      ['held-out', 'lines+markers', [2, 4], [2.5, 1.2]],
    );
    assert.deepEqual(figure.layout?.title, { text: 'Loss' });
    assert.deepEqual(figure.layout?.xaxis, { title: { text: 'step' } });
    assert.equal(trainingLogFigure(new TrainingLog(), ['loss']).data.length, 0);
  });
});
