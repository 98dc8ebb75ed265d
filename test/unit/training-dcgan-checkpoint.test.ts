import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { buildDcganDiscriminator, buildDcganGenerator } from '../../lib/models/dcgan';
import {
  CheckpointNotFoundError,
  findCheckpoint,
  loadDcganCheckpoint,
  loadDcganGenerator,
  saveDcganCheckpoint,
} from '../../lib/training/dcgan-checkpoint';
import { dcganTrainStep } from '../../lib/training/dcgan-step';
import { optimizerStateTensors } from '../../lib/training/optimizer-state';
import { TrainingLog } from '../../lib/training/training-log';
import { tinyData, weightValues } from './fixtures/dcgan-tiny';
import { killDuringSaves } from './fixtures/kill-during-saves';

async function optimizerValues(optimizer: tf.Optimizer): Promise<Record<string, number[]>> {
  const { tensors, owned } = await optimizerStateTensors(optimizer);
  const out = Object.fromEntries(
    Object.entries(tensors).map(([name, t]) => [name, Array.from(t.dataSync())]),
  );
  tf.dispose(owned);
  return out;
}

function tinyPair(seed: number) {
  const options = { width: 0.0625, latentDim: 16, seed };
  return {
    generator: buildDcganGenerator(options),
    discriminator: buildDcganDiscriminator(options),
    optimizerG: tf.train.adam(2e-4, 0.5),
    optimizerD: tf.train.adam(2e-4, 0.5),
  };
}

function disposePair(pair: ReturnType<typeof tinyPair>): void {
  pair.generator.dispose();
  pair.discriminator.dispose();
  pair.optimizerG.dispose();
  pair.optimizerD.dispose();
}

describe('DCGAN checkpoints', () => {
  let tmp: string;
  before(async () => {
    await initBackend();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dcgan-checkpoint-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('round trip: weights, Adam moments, iteration counts and running powers come back identical', async () => {
    const data = await tinyData(32);
    const pair = tinyPair(1);
    for (let step = 1; step <= 3; step++)
      dcganTrainStep(pair, { real: data.images, latentDim: 16, stepSeed: step });
    const log = new TrainingLog();
    log.push(1, 0.5, { lossD: 1.2, lossG: Number.NaN });
    const runDir = path.join(tmp, 'round-trip');
    await saveDcganCheckpoint(runDir, pair, { step: 3, epoch: 1, reason: 'periodic', log: log.toJSON() });
    const optimizers = { optimizerG: tf.train.adam(2e-4, 0.5), optimizerD: tf.train.adam(2e-4, 0.5) };
    const loaded = await loadDcganCheckpoint(runDir, optimizers);
    assert.deepEqual(weightValues(loaded.generator), weightValues(pair.generator));
    assert.deepEqual(weightValues(loaded.discriminator), weightValues(pair.discriminator));
    const savedG = await optimizerValues(pair.optimizerG);
    assert.equal(savedG.iter[0], 3);
    assert.ok('__optimizer_extra__/accBeta1' in savedG);
    assert.deepEqual(await optimizerValues(optimizers.optimizerG), savedG);
    assert.deepEqual(await optimizerValues(optimizers.optimizerD), await optimizerValues(pair.optimizerD));
    assert.equal(loaded.state.step, 3);
    assert.deepEqual(TrainingLog.fromJSON(loaded.state.log).toJSON(), log.toJSON());
    assert.ok(Number.isNaN(TrainingLog.fromJSON(loaded.state.log).column('lossG')[0]));
    // the generator alone, for `npm run generate`
    const generator = await loadDcganGenerator(runDir);
    assert.deepEqual(weightValues(generator), weightValues(pair.generator));
    // a second save replaces the first and leaves no temporary folders
    await saveDcganCheckpoint(runDir, pair, { step: 4, epoch: 1, reason: 'final', log: log.toJSON() });
    assert.deepEqual(fs.readdirSync(runDir).sort(), ['checkpoint']);
    tf.dispose([data.images, data.labels]);
    disposePair(pair);
    [loaded.generator, loaded.discriminator, generator].forEach((m) => {
      m.dispose();
    });
    optimizers.optimizerG.dispose();
    optimizers.optimizerD.dispose();
  });

  test('an interrupted swap falls back to the previous checkpoint; none at all is a clear error', async () => {
    const pair = tinyPair(2);
    const runDir = path.join(tmp, 'swap');
    const log = new TrainingLog().toJSON();
    await saveDcganCheckpoint(runDir, pair, { step: 5, epoch: 1, reason: 'periodic', log });
    // what a kill between the two renames leaves: checkpoint.previous complete, no checkpoint/, a temp folder
    fs.renameSync(path.join(runDir, 'checkpoint'), path.join(runDir, 'checkpoint.previous'));
    fs.mkdirSync(path.join(runDir, 'checkpoint.tmp-1-deadbeef', 'generator'), { recursive: true });
    assert.equal(await findCheckpoint(runDir), path.join(runDir, 'checkpoint.previous'));
    // a half-written checkpoint/ (no state.json) is skipped too
    fs.mkdirSync(path.join(runDir, 'checkpoint', 'generator'), { recursive: true });
    assert.equal(await findCheckpoint(runDir), path.join(runDir, 'checkpoint.previous'));
    const generator = await loadDcganGenerator(runDir);
    assert.deepEqual(weightValues(generator), weightValues(pair.generator));
    generator.dispose();
    // the next save cleans up
    await saveDcganCheckpoint(runDir, pair, { step: 6, epoch: 1, reason: 'periodic', log });
    assert.deepEqual(fs.readdirSync(runDir).sort(), ['checkpoint']);
    await assert.rejects(loadDcganGenerator(path.join(tmp, 'empty')), CheckpointNotFoundError);
    disposePair(pair);
  });

  test('a process killed while checkpointing over and over leaves a complete, consistent checkpoint', async () => {
    const runDir = path.join(tmp, 'killed');
    const lib = (p: string) => JSON.stringify(path.resolve(p));
    const script = `
      const tf = require('@tensorflow/tfjs');
      const { buildDcganGenerator, buildDcganDiscriminator } = require(${lib('lib/models/dcgan')});
      const { saveDcganCheckpoint } = require(${lib('lib/training/dcgan-checkpoint')});
      (async () => {
        await tf.setBackend('cpu');
        const generator = buildDcganGenerator({ width: 0.5 });
        const discriminator = buildDcganDiscriminator({ width: 0.5 });
        const optimizerG = tf.train.adam(1e-4);
        const optimizerD = tf.train.adam(1e-4);
        for (let i = 1; ; i++) {
          generator.setWeights(generator.getWeights().map((w) => tf.fill(w.shape, i)));
          discriminator.setWeights(discriminator.getWeights().map((w) => tf.fill(w.shape, i)));
          await saveDcganCheckpoint(${JSON.stringify(runDir)}, { generator, discriminator, optimizerG, optimizerD },
            { step: i, epoch: i, reason: 'periodic', log: { steps: [], seconds: [], columns: {} } });
          process.stdout.write('saved ' + i + '\\n');
        }
      })();`;
    // kill it in the middle of its fourth save (about 4 MB of weights per save)
    await killDuringSaves(script, 3, 15);
    const dir = await findCheckpoint(runDir);
    assert.ok(dir, 'a complete checkpoint is found');
    const optimizers = { optimizerG: tf.train.adam(1e-4), optimizerD: tf.train.adam(1e-4) };
    const loaded = await loadDcganCheckpoint(runDir, optimizers);
    const step = loaded.state.step;
    assert.ok(step >= 3, `a complete save, got step ${step}`);
    for (const model of [loaded.generator, loaded.discriminator]) {
      for (const values of weightValues(model)) {
        assert.ok(
          values.every((v) => v === step),
          'the weights come from the same save as state.json',
        );
      }
    }
    loaded.generator.dispose();
    loaded.discriminator.dispose();
    optimizers.optimizerG.dispose();
    optimizers.optimizerD.dispose();
  });
});
