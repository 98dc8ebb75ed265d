import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { GeneratorEvaluator } from '../../lib/metrics/generator-evaluation';
import { readDcganRunConfig, resolveDcganRunConfig } from '../../lib/training/dcgan-config';
import { chooseDcganProfile, DCGAN_PROFILES } from '../../lib/training/dcgan-profiles';
import { checkDcganQuality, metricsComparisonTable } from '../../lib/training/dcgan-summary';
import { DcganTrainer } from '../../lib/training/dcgan-trainer';
import { TINY_RUN, tinyData } from './fixtures/dcgan-tiny';

describe('DCGAN profiles and run config', () => {
  test('the profile follows the backend unless named or GENLIB_PROFILE=quick', () => {
    assert.equal(chooseDcganProfile({ chosen: 'tensorflow-gpu' }, undefined, {}).profile.name, 'gpu');
    assert.equal(chooseDcganProfile({ chosen: 'wasm' }, undefined, {}).profile.name, 'cpu');
    assert.equal(chooseDcganProfile({ chosen: 'tensorflow' }, undefined, {}).profile.name, 'cpu');
    assert.equal(chooseDcganProfile(undefined, undefined, {}).profile.name, 'cpu');
    assert.equal(
      chooseDcganProfile({ chosen: 'tensorflow-gpu' }, undefined, { GENLIB_PROFILE: 'quick' }).profile.name,
      'quick',
    );
    assert.equal(chooseDcganProfile({ chosen: 'wasm' }, 'gpu', {}).profile.name, 'gpu');
    assert.throws(() => chooseDcganProfile(undefined, 'tpu' as 'gpu', {}), /Unknown profile 'tpu'/);
  });

  test("the gpu profile is TensorFlow's tutorial: full MNIST, 50 epochs, batch 256, Adam 1e-4, full width", () => {
    const gpu = DCGAN_PROFILES.gpu;
    assert.deepEqual(
      [gpu.dataset, gpu.epochs, gpu.batchSize, gpu.learningRate, gpu.width, gpu.trainLimit],
      ['mnist', 50, 256, 1e-4, 1, undefined],
    );
  });

  test('overrides apply on top of the profile; bad values are named', () => {
    const { config } = resolveDcganRunConfig(
      { profile: 'cpu', epochs: 3, conditional: true, seed: 0 },
      undefined,
      {},
    );
    assert.equal(config.profile, 'cpu');
    assert.equal(config.epochs, 3);
    assert.equal(config.width, DCGAN_PROFILES.cpu.width);
    assert.equal(config.conditional, true);
    assert.equal(config.seed, 0);
    assert.throws(
      () => resolveDcganRunConfig({ profile: 'cpu', batchSize: 0 }, undefined, {}),
      /batchSize must be an integer >= 1/,
    );
    assert.throws(
      () => resolveDcganRunConfig({ profile: 'cpu', labelSmoothing: 1 }, undefined, {}),
      /labelSmoothing/,
    );
  });

  test('the quality criterion and the comparison table', () => {
    const good = checkDcganQuality({ meanConfidence: 0.93, minClassFraction: 0.061 });
    assert.equal(good.passed, true);
    assert.match(good.summary, /criterion met/);
    assert.equal(checkDcganQuality({ meanConfidence: 0.95, minClassFraction: 0.03 }).passed, false);
    assert.equal(checkDcganQuality({ meanConfidence: 0.85, minClassFraction: 0.08 }).passed, false);
    assert.throws(() => checkDcganQuality({ fcd: 3 }), /needs 'meanConfidence'/);
    const table = metricsComparisonTable([
      { name: 'generated', record: { fcd: 20, meanConfidence: 0.9 } },
      { name: 'real', record: { fcd: 5, meanConfidence: 0.99 } },
    ]);
    assert.deepEqual(table.columns, ['metric', 'generated', 'real']);
    assert.deepEqual(table.getColumn('real').toArray(), [5, 0.99]);
  });
});

describe('DcganTrainer during training', () => {
  let tmp: string;
  before(async () => {
    await initBackend();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dcgan-trainer-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('events, sample grids, metric columns and files in the run directory; SIGINT handler only while training', async () => {
    const data = await tinyData();
    const evaluator = await GeneratorEvaluator.create({ sampleCount: 50 });
    const runDir = path.join(tmp, 'run');
    const epochs: number[] = [];
    const metricsEpochs: number[] = [];
    const checkpoints: string[] = [];
    const sigintBefore = process.listenerCount('SIGINT');
    let sigintDuring = -1;
    const trainer = await DcganTrainer.create({
      ...TINY_RUN,
      conditional: true,
      handleInterrupts: true,
      metricsEvery: 1,
      runDir,
      data,
      evaluate: { evaluator },
      callbacks: [
        {
          every: 1,
          run: () => {
            sigintDuring = process.listenerCount('SIGINT');
          },
        },
      ],
      events: {
        onEpochEnd: (e) => {
          epochs.push(e.epoch);
          assert.deepEqual(e.samples.shape, [40, 28, 28, 1], 'a 4 x 10 grid: one column per class');
          assert.equal(e.gridColumns, 10);
          assert.ok(fs.existsSync(e.samplePath));
        },
        onMetrics: (row) => {
          metricsEpochs.push(row.epoch);
          assert.ok(Number.isFinite(row.record.fcd) && row.record.meanConfidence > 0);
        },
        onCheckpoint: (e) => {
          checkpoints.push(`${e.reason}@${e.step}`);
        },
      },
    });
    const config = await readDcganRunConfig(runDir);
    assert.equal(config.conditional, true);
    const result = await trainer.train();
    assert.equal(result.outcome, 'completed');
    assert.equal(sigintDuring, sigintBefore + 1, 'the handler is installed during training');
    assert.equal(process.listenerCount('SIGINT'), sigintBefore, 'and removed after');
    assert.deepEqual(epochs, [1, 2]);
    assert.deepEqual(metricsEpochs, [1, 2]);
    assert.deepEqual(checkpoints, ['periodic@3', 'final@6']);
    const fcd = trainer.log.column('fcd');
    assert.ok(
      Number.isNaN(fcd[0]) && Number.isFinite(fcd[2]) && Number.isFinite(fcd[5]),
      'fcd logged at epoch ends',
    );
    assert.deepEqual(trainer.metricsDataFrame().getColumn('epoch').toArray(), [1, 2]);
    for (const file of ['config.json', 'log.csv', 'metrics.csv', 'checkpoint/state.json']) {
      assert.ok(fs.existsSync(path.join(runDir, file)), file);
    }
    const csv = fs.readFileSync(path.join(runDir, 'log.csv'), 'utf8').split('\n');
    assert.match(csv[0], /step,seconds,lossD,lossG,dReal,dFake/);
    assert.equal(csv.filter((line) => line.trim() !== '').length, 7, 'a header and 6 steps');
    // metrics history survives a resume
    trainer.dispose();
    const resumed = await DcganTrainer.resume(runDir, { progress: 'silent', handleInterrupts: false, data });
    assert.deepEqual(
      resumed.metricsHistory.map((row) => row.epoch),
      [1, 2],
    );
    resumed.dispose();
    evaluator.dispose();
    tf.dispose([data.images, data.labels]);
  });
});
