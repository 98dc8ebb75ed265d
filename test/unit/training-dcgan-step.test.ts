import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { buildDcganDiscriminator, buildDcganGenerator } from '../../lib/models/dcgan';
import { dcganTrainStep } from '../../lib/training/dcgan-step';
import { tinyData, weightValues } from './fixtures/dcgan-tiny';

describe('dcganTrainStep', () => {
  before(async () => {
    await initBackend();
  });

  for (const numClasses of [0, 10]) {
    test(`one step changes both networks and leaks no tensors (${numClasses ? 'conditional' : 'unconditional'})`, async () => {
      const data = await tinyData(32);
      const options = { width: 0.0625, latentDim: 16, seed: 3, numClasses };
      const pair = {
        generator: buildDcganGenerator(options),
        discriminator: buildDcganDiscriminator(options),
        optimizerG: tf.train.adam(2e-4, 0.5),
        optimizerD: tf.train.adam(2e-4, 0.5),
      };
      const labels = numClasses ? (tf.oneHot(data.labels, 10).toFloat() as tf.Tensor2D) : undefined;
      const g0 = weightValues(pair.generator);
      const d0 = weightValues(pair.discriminator);
      const first = dcganTrainStep(pair, { real: data.images, labels, latentDim: 16, stepSeed: 1 });
      for (const value of Object.values(first)) assert.ok(Number.isFinite(value));
      assert.ok(first.lossD > 1 && first.lossD < 2, `lossD near 2 ln 2 at the start, got ${first.lossD}`);
      assert.ok(first.dReal > 0 && first.dReal < 1 && first.dFake > 0 && first.dFake < 1);
      assert.notDeepEqual(weightValues(pair.generator), g0, 'G changed');
      assert.notDeepEqual(weightValues(pair.discriminator), d0, 'D changed');
      const live = tf.memory().numTensors;
      for (let step = 2; step <= 4; step++) {
        dcganTrainStep(pair, { real: data.images, labels, latentDim: 16, stepSeed: step });
      }
      assert.equal(tf.memory().numTensors, live, 'no tensors left behind by later steps');
      tf.dispose([data.images, data.labels, ...(labels ? [labels] : [])]);
      pair.generator.dispose();
      pair.discriminator.dispose();
      pair.optimizerG.dispose();
      pair.optimizerD.dispose();
    });
  }
});
