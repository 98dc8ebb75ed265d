import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { ringComponents } from '../../lib/data/toy-data';
import { buildMlpDiscriminator, buildMlpGenerator } from '../../lib/models/gan-mlp';
import {
  discriminatorOnGrid,
  evaluateToyGenerator,
  judgeGeneratedPoints,
  snapshotToyGan,
} from '../../lib/training/gan-toy';
import { runToyGan } from '../../lib/training/gan-toy-run';
import { planeGrid } from '../../lib/visualisation/plane-figures';

before(async () => {
  await tf.setBackend('cpu');
});

/** A generator whose every output is the point `at` (zero kernel, bias = at). */
function constantGenerator(at: number[]): tf.LayersModel {
  const g = buildMlpGenerator({ latentDim: 2, outputShape: [2], hiddenUnits: [] });
  g.setWeights([tf.zeros([2, 2]), tf.tensor1d(at)]);
  return g;
}

describe('toy GAN inspection', () => {
  test('the plane grid and D over it: one value in [0, 1] per grid point', () => {
    const grid = planeGrid({ x: [-2, 2], y: [-1, 1], steps: 5 });
    assert.deepEqual(grid.xs, [-2, -1, 0, 1, 2]);
    assert.deepEqual(grid.ys, [-1, -0.5, 0, 0.5, 1]);
    const d = buildMlpDiscriminator({ inputShape: [2], hiddenUnits: [4] });
    const values = discriminatorOnGrid(d, grid);
    assert.equal(values.length, 5);
    assert.ok(values.every((row) => row.length === 5 && row.every((p) => p >= 0 && p <= 1)));
    const snap = snapshotToyGan({
      step: 3,
      generator: constantGenerator([0.25, 0.5]),
      discriminator: d,
      noise: tf.ones([4, 2]),
      real: [[1, 1]],
      grid,
    });
    assert.deepEqual(snap.fake, Array(4).fill([0.25, 0.5]));
  });

  test('a generator stuck on one mode of the ring covers 1 of 8 modes; between modes it covers none', () => {
    const ring = ringComponents(8, 2, 0.05);
    const collapsed = evaluateToyGenerator(constantGenerator([2, 0]), ring, { latentDim: 2, count: 400 });
    assert.equal(collapsed.modesCovered, 1);
    assert.equal(collapsed.offModeFraction, 0);
    assert.equal(collapsed.countsPerMode[0], 400);
    assert.ok(collapsed.slicedWasserstein > 10 * collapsed.realBaseline);
    const between = evaluateToyGenerator(constantGenerator([0, 0]), ring, { latentDim: 2, count: 400 });
    assert.equal(between.modesCovered, 0);
    assert.equal(between.offModeFraction, 1);
  });

  test("judging fakes: a D that calls everything real is fooled by every off-mode point (the notes' false negatives)", () => {
    const ring = ringComponents(8, 2, 0.05);
    const gullible = buildMlpDiscriminator({ inputShape: [2], hiddenUnits: [] });
    gullible.setWeights([tf.zeros([2, 1]), tf.tensor1d([5])]); // logit 5 everywhere: D = 0.993
    const offMode = judgeGeneratedPoints(constantGenerator([0, 0]), gullible, ring, {
      latentDim: 2,
      count: 100,
    });
    assert.deepEqual(offMode, { judgedRealFraction: 1, offModeFraction: 1, offModeJudgedRealFraction: 1 });
    const onMode = judgeGeneratedPoints(constantGenerator([0, 2]), gullible, ring, {
      latentDim: 2,
      count: 100,
    });
    assert.deepEqual(onMode, { judgedRealFraction: 1, offModeFraction: 0, offModeJudgedRealFraction: 0 });
    gullible.setWeights([tf.zeros([2, 1]), tf.tensor1d([-5])]);
    const strict = judgeGeneratedPoints(constantGenerator([0, 0]), gullible, ring, {
      latentDim: 2,
      count: 100,
    });
    assert.equal(strict.judgedRealFraction, 0);
  });

  test('a toy run scores the generator at step 0, every N steps and at the end, with a picture each time', async () => {
    const seen: number[] = [];
    const live = tf.memory().numTensors;
    const run = await runToyGan({
      components: ringComponents(4, 1, 0.1),
      steps: 25,
      batchSize: 16,
      generatorHidden: [8],
      discriminatorHidden: [8],
      evaluateEvery: 10,
      evaluationCount: 50,
      pictureGrid: planeGrid({ x: [-2, 2], y: [-2, 2], steps: 4 }),
      pictureCount: 20,
      progress: 'silent',
      onEvaluation: (row) => seen.push(row.step),
    });
    assert.deepEqual(
      run.evaluations.map((e) => e.step),
      [0, 10, 20, 25],
    );
    assert.deepEqual(seen, [10, 20, 25]);
    assert.equal(run.snapshots.length, 4);
    assert.equal(run.snapshots[3].fake.length, 20);
    assert.equal(run.log.length, 25);
    assert.ok(run.realBaseline > 0 && run.seconds > 0);
    run.dispose();
    assert.equal(tf.memory().numTensors, live, 'a finished, disposed run leaves no tensors behind');
  });
});
