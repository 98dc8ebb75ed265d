import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { type Dataset, loadDataset } from '../../lib/data';
import { tensorBatchSampler } from '../../lib/data/batch-samplers';
import { GeneratorEvaluator } from '../../lib/metrics';
import { buildDenseAutoencoder } from '../../lib/models/autoencoder';
import { buildMlpDiscriminator, buildMlpGenerator } from '../../lib/models/gan-mlp';
import { buildDenseVae } from '../../lib/models/vae';
import { trainAutoencoder } from '../../lib/training/autoencoder-training';
import { GanTrainer } from '../../lib/training/gan-trainer';
import { generatorMetricsCallback } from '../../lib/training/metric-callback';
import { TrainingLog } from '../../lib/training/training-log';
import { trainVae } from '../../lib/training/vae-training';

const METRIC_COLUMNS = [
  'fcd',
  'classifierScore',
  'meanConfidence',
  'coverageKl',
  'classesBelow5pct',
  'minClassFraction',
  'sharpness',
  'highFrequencyEnergy',
  'nearestTrainDistance',
];

let data: Dataset;
let evaluator: GeneratorEvaluator;

before(async () => {
  await initBackend({ env: {} });
  // A small evaluator keeps the test fast: 400 training digits, 50 images per evaluation.
  data = await loadDataset({ name: 'mnist-10k', range: 'unit', limit: 400 });
  evaluator = await GeneratorEvaluator.create({
    sampleCount: 50,
    train: data.train.images,
    heldOut: data.test.images,
  });
});

after(() => {
  evaluator.dispose();
  data.dispose();
});

/** The steps of the rows where `name` was logged. */
function loggedSteps(log: TrainingLog, name: string): number[] {
  return log.steps.filter((_, row) => Number.isFinite(log.column(name)[row]));
}

describe('TrainingLog.addToLastRow', () => {
  test('adds columns to the last row (NaN before) and refuses an empty log', () => {
    const log = new TrainingLog();
    assert.throws(() => log.addToLastRow({ a: 1 }), /no row yet/);
    log.push(1, 0, { loss: 2 });
    log.push(2, 0, { loss: 1 });
    log.addToLastRow({ fcd: 5 });
    assert.deepEqual(log.column('fcd'), [Number.NaN, 5]);
    assert.deepEqual(log.column('loss'), [2, 1]);
    log.push(3, 0, { loss: 0.5 });
    assert.deepEqual(log.column('fcd'), [Number.NaN, 5, Number.NaN]);
  });
});

describe('generator metrics during training', () => {
  test('GanTrainer: every 3 steps and after the last, in the symmetric range, no leaked tensors', async () => {
    const generator = buildMlpGenerator({
      latentDim: 8,
      outputShape: [28, 28, 1],
      hiddenUnits: [16],
      outputActivation: 'tanh',
      seed: 1,
    });
    const discriminator = buildMlpDiscriminator({ inputShape: [28, 28, 1], hiddenUnits: [16], seed: 2 });
    const real = tf.tidy(() => tf.sub(tf.mul(data.train.images, 2), 1));
    const before = tf.memory().numTensors;
    const trainer = new GanTrainer({
      generator,
      discriminator,
      latentDim: 8,
      batchSize: 16,
      sampleReal: tensorBatchSampler(real, { seed: 1 }),
    });
    const evaluatedAt: number[] = [];
    const log = await trainer.train({
      steps: 7,
      progress: 'silent',
      evaluate: {
        every: 3,
        evaluator,
        range: 'symmetric',
        generate: (n) =>
          tf.tidy(() => generator.predict(tf.randomNormal([n, 8], 0, 1, 'float32', 7)) as tf.Tensor4D),
        onEvaluated: (metrics, step) => {
          assert.equal(metrics.sampleCount, 50);
          evaluatedAt.push(step);
        },
      },
    });
    trainer.dispose();
    assert.equal(tf.memory().numTensors, before, 'no leak');
    for (const name of METRIC_COLUMNS) assert.deepEqual(loggedSteps(log, name), [3, 6, 7], name);
    assert.deepEqual(evaluatedAt, [3, 6, 7]);
    assert.deepEqual(loggedSteps(log, 'lossD'), [1, 2, 3, 4, 5, 6, 7]);
    await assert.rejects(
      trainer.train({
        steps: 1,
        progress: 'silent',
        evaluate: { every: 1, per: 'epoch', evaluator, generate: () => real as tf.Tensor4D },
      }),
      /epoch-based trainer/,
    );
    real.dispose();
    generator.dispose();
    discriminator.dispose();
  });

  test('trainVae: every epoch, with the metrics in the log before onEpochEnd runs', async () => {
    const vae = buildDenseVae({ latentDim: 2, hiddenUnits: [16], seed: 3 });
    const trainImages = tf.slice(data.train.images, 0, 128);
    const before = tf.memory().numTensors;
    const seenAtEpochEnd: number[] = [];
    const log = await trainVae(vae, {
      trainImages,
      epochs: 2,
      batchSize: 32,
      progress: 'silent',
      evaluate: {
        every: 1,
        per: 'epoch',
        evaluator,
        generate: (n) => tf.tidy(() => vae.decode(tf.randomNormal([n, 2], 0, 1, 'float32', 11))),
      },
      onEpochEnd: (_, epochLog) => {
        seenAtEpochEnd.push(epochLog.last().fcd);
      },
    });
    assert.equal(tf.memory().numTensors, before, 'no leak');
    for (const name of METRIC_COLUMNS) assert.deepEqual(loggedSteps(log, name), [4, 8], name);
    assert.equal(seenAtEpochEnd.length, 2);
    assert.ok(seenAtEpochEnd.every(Number.isFinite), `fcd seen by onEpochEnd: ${seenAtEpochEnd}`);
    tf.dispose(trainImages);
    vae.dispose();
  });

  test('trainAutoencoder: every 3 steps with a column prefix', async () => {
    const model = buildDenseAutoencoder({ latentDim: 4, hiddenUnits: [16], seed: 4 });
    const trainImages = tf.slice(data.train.images, 0, 64);
    const before = tf.memory().numTensors;
    const log = await trainAutoencoder(model, {
      trainImages,
      epochs: 2,
      batchSize: 16,
      progress: 'silent',
      evaluate: {
        every: 3,
        evaluator,
        prefix: 'ae_',
        generate: (n) => tf.tidy(() => model.decode(tf.randomNormal([n, 4], 0, 1, 'float32', 5))),
      },
    });
    assert.equal(tf.memory().numTensors, before, 'no leak');
    assert.deepEqual(loggedSteps(log, 'ae_fcd'), [3, 6, 8]);
    assert.throws(() => log.column('fcd'), /No metric 'fcd'/);
    tf.dispose(trainImages);
    model.dispose();
  });

  test('the callback disposes the generated images and leaks nothing over repeated runs', async () => {
    const images = tf.randomUniform([50, 28, 28, 1], 0, 1, 'float32', 9) as tf.Tensor4D;
    let made: tf.Tensor4D[] = [];
    const callback = generatorMetricsCallback({
      every: 2,
      evaluator,
      generate: (n) => {
        const copy = tf.tidy(() => tf.slice(images, 0, n).clone());
        made.push(copy);
        return copy;
      },
    });
    assert.equal(callback.every, 2);
    const log = new TrainingLog();
    const counts: number[] = [];
    for (let step = 1; step <= 3; step++) {
      log.push(step, 0, { loss: 1 });
      await callback.run(step, log);
      counts.push(tf.memory().numTensors);
    }
    assert.deepEqual(counts, [counts[0], counts[0], counts[0]]);
    assert.ok(made.every((t) => t.isDisposed));
    made = [];
    assert.equal(
      generatorMetricsCallback(
        { every: 2, per: 'epoch', evaluator, generate: () => images },
        { stepsPerEpoch: 5 },
      ).every,
      10,
    );
    assert.throws(
      () => generatorMetricsCallback({ every: 0, evaluator, generate: () => images }),
      /every must be/,
    );
    images.dispose();
  });
});
