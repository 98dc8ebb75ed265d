import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { findCheckpoint } from '../../lib/training/dcgan-checkpoint';
import { DcganDivergedError, DcganTrainer } from '../../lib/training/dcgan-trainer';
import { TINY_RUN, tinyData, weightValues } from './fixtures/dcgan-tiny';

describe('DcganTrainer: run directory, resume, divergence', () => {
  let tmp: string;
  before(async () => {
    await initBackend();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dcgan-resume-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  for (const conditional of [false, true]) {
    // the conditional case also keeps a moving average of G's weights
    const emaDecay = conditional ? 0.9 : 0;
    test(`N + M steps in one go equal N steps, resume, M steps: exactly (${conditional ? 'conditional, weight average' : 'unconditional'})`, async () => {
      const data = await tinyData();
      const straightDir = path.join(tmp, `straight-${conditional}`);
      const resumedDir = path.join(tmp, `resumed-${conditional}`);
      // 2 epochs x 3 steps; the interruption at step 5 is mid-epoch (and a step where pow(β₂, t) differs from the running product)
      const straight = await DcganTrainer.create({
        ...TINY_RUN,
        conditional,
        emaDecay,
        runDir: straightDir,
        data,
      });
      const whole = await straight.train();
      assert.equal(whole.outcome, 'completed');
      assert.equal(whole.step, 6);

      const first = await DcganTrainer.create({
        ...TINY_RUN,
        conditional,
        emaDecay,
        runDir: resumedDir,
        data,
      });
      const part = await first.train({ stopAfterStep: 5 });
      assert.equal(part.outcome, 'stopped');
      first.dispose();
      const resumed = await DcganTrainer.resume(resumedDir, {
        progress: 'silent',
        handleInterrupts: false,
        data,
      });
      assert.equal(resumed.step, 5);
      const rest = await resumed.train();
      assert.equal(rest.outcome, 'completed');

      assert.deepEqual(resumed.log.steps, straight.log.steps);
      for (const name of ['lossD', 'lossG', 'dReal', 'dFake']) {
        assert.deepEqual(
          resumed.log.column(name),
          straight.log.column(name),
          `${name} identical at every step`,
        );
      }
      assert.deepEqual(weightValues(resumed.generator), weightValues(straight.generator), 'G identical');
      assert.deepEqual(
        weightValues(resumed.discriminator),
        weightValues(straight.discriminator),
        'D identical',
      );
      // both run directories hold the same files
      for (const dir of [straightDir, resumedDir]) {
        assert.ok(fs.existsSync(path.join(dir, 'config.json')));
        assert.ok(fs.existsSync(path.join(dir, 'log.csv')));
        assert.deepEqual(fs.readdirSync(path.join(dir, 'samples')).sort(), [
          'epoch-001.png',
          'epoch-002.png',
        ]);
      }
      straight.dispose();
      resumed.dispose();
      tf.dispose([data.images, data.labels]);
    });
  }

  test('stop() ends the run after the current step with a checkpoint, and resume extends the epochs', async () => {
    const data = await tinyData();
    const runDir = path.join(tmp, 'stopped');
    const trainer = await DcganTrainer.create({
      ...TINY_RUN,
      runDir,
      data,
      callbacks: [{ every: 2, run: () => trainer.stop() }],
    });
    const result = await trainer.train();
    assert.equal(result.outcome, 'interrupted');
    assert.equal(result.step, 2);
    const state = JSON.parse(fs.readFileSync(path.join(runDir, 'checkpoint', 'state.json'), 'utf8'));
    assert.equal(state.step, 2);
    assert.equal(state.reason, 'interrupt');
    trainer.dispose();
    const again = await DcganTrainer.resume(runDir, {
      progress: 'silent',
      handleInterrupts: false,
      data,
      epochs: 3,
    });
    const rest = await again.train();
    assert.equal(rest.outcome, 'completed');
    assert.equal(rest.step, 9);
    assert.equal(again.log.length, 9);
    again.dispose();
    tf.dispose([data.images, data.labels]);
  });

  test('a NaN loss stops the run with a clear message and keeps the last good checkpoint', async () => {
    const data = await tinyData();
    const runDir = path.join(tmp, 'nan');
    const trainer = await DcganTrainer.create({ ...TINY_RUN, runDir, data });
    await trainer.train({ stopAfterStep: 3 }); // one epoch: checkpoint at step 3
    const good = fs.readFileSync(path.join(runDir, 'checkpoint', 'state.json'), 'utf8');
    const goodWeights = weightValues(trainer.generator);
    trainer.dispose();
    // the same run continued on poisoned images: the first step's loss is NaN
    const poisoned = { images: tf.fill(data.images.shape, Number.NaN) as tf.Tensor4D, labels: data.labels };
    const resumed = await DcganTrainer.resume(runDir, {
      progress: 'silent',
      handleInterrupts: false,
      data: poisoned,
    });
    await assert.rejects(resumed.train(), (error: unknown) => {
      assert.ok(error instanceof DcganDivergedError);
      assert.equal(error.step, 4);
      assert.equal(error.checkpointStep, 3);
      assert.match(error.message, /diverged at step 4 \(lossD=NaN/);
      assert.match(error.message, /last good checkpoint \(step 3\) is kept/);
      assert.match(error.message, /--resume/);
      return true;
    });
    assert.equal(
      fs.readFileSync(path.join(runDir, 'checkpoint', 'state.json'), 'utf8'),
      good,
      'checkpoint untouched',
    );
    assert.equal(await findCheckpoint(runDir), path.join(runDir, 'checkpoint'));
    resumed.dispose();
    const reloaded = await DcganTrainer.resume(runDir, { progress: 'silent', handleInterrupts: false, data });
    assert.deepEqual(weightValues(reloaded.generator), goodWeights);
    reloaded.dispose();
    tf.dispose([data.images, data.labels, poisoned.images]);
  });

  test('a loss above maxLoss stops the run as diverged', async () => {
    const data = await tinyData();
    const trainer = await DcganTrainer.create({
      ...TINY_RUN,
      runDir: path.join(tmp, 'diverged'),
      data,
      maxLoss: 0.01,
    });
    await assert.rejects(trainer.train(), (error: unknown) => {
      assert.ok(error instanceof DcganDivergedError);
      assert.equal(error.step, 1);
      assert.match(error.message, /No checkpoint had been saved yet/);
      return true;
    });
    trainer.dispose();
    tf.dispose([data.images, data.labels]);
  });
});
