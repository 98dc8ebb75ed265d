import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { mixtureBatchSampler } from '../../lib/data/batch-samplers';
import { buildMlpDiscriminator, buildMlpGenerator } from '../../lib/models/gan-mlp';
import { discriminatorStep, generatorGradientNorm, generatorStep } from '../../lib/training/gan-steps';
import { GanTrainer } from '../../lib/training/gan-trainer';

before(async () => {
  await tf.setBackend('cpu');
});

function snapshot(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

function changed(before: Float32Array[], after: Float32Array[]): boolean {
  return before.some((w, i) => w.some((v, j) => v !== after[i][j]));
}

function pair(seed: number) {
  return {
    generator: buildMlpGenerator({ latentDim: 2, outputShape: [2], hiddenUnits: [8], seed }),
    discriminator: buildMlpDiscriminator({ inputShape: [2], hiddenUnits: [8], seed: seed + 1 }),
  };
}

describe('one training step changes only its own network', () => {
  test('a discriminator step changes D and leaves G unchanged', () => {
    const { generator, discriminator } = pair(1);
    const optimizer = tf.train.adam(0.01);
    const real = tf.randomNormal([16, 2], 3, 0.1, 'float32', 1);
    const noise = tf.randomNormal([16, 2], 0, 1, 'float32', 2);
    const [g0, d0] = [snapshot(generator), snapshot(discriminator)];
    const result = discriminatorStep({ generator, discriminator, optimizer, real, noise });
    assert.equal(changed(g0, snapshot(generator)), false, 'G must not change in a D step');
    assert.equal(changed(d0, snapshot(discriminator)), true, 'D must change in a D step');
    assert.ok(result.dReal > 0 && result.dReal < 1 && result.dFake > 0 && result.dFake < 1);
    assert.ok(result.gradNormD > 0 && Number.isFinite(result.lossD));
    tf.dispose([real, noise]);
  });

  test('a generator step changes G and leaves D unchanged', () => {
    const { generator, discriminator } = pair(3);
    const optimizer = tf.train.adam(0.01);
    const noise = tf.randomNormal([16, 2], 0, 1, 'float32', 4);
    const [g0, d0] = [snapshot(generator), snapshot(discriminator)];
    const result = generatorStep({ generator, discriminator, optimizer, noise, loss: 'saturating' });
    assert.equal(changed(d0, snapshot(discriminator)), false, 'D must not change in a G step');
    assert.equal(changed(g0, snapshot(generator)), true, 'G must change in a G step');
    assert.ok(result.lossG < 0, 'the saturating loss log(1 - D) is negative');
    assert.ok(result.gradNormG > 0);
    noise.dispose();
  });

  test("the generator's gradient norm: the step reports the same value generatorGradientNorm measures", () => {
    const { generator, discriminator } = pair(5);
    const noise = tf.randomNormal([16, 2], 0, 1, 'float32', 6);
    const expected = generatorGradientNorm(generator, discriminator, noise, 'non-saturating');
    const { gradNormG } = generatorStep({ generator, discriminator, optimizer: tf.train.sgd(0), noise });
    assert.ok(Math.abs(gradNormG - expected) < 1e-5 * Math.max(1, expected), `${gradNormG} vs ${expected}`);
    noise.dispose();
  });

  test('no tensor leaks over many GAN rounds (k = 2 D steps, same and fresh noise)', () => {
    for (const generatorNoise of ['fresh', 'same'] as const) {
      const { generator, discriminator } = pair(7);
      const trainer = new GanTrainer({
        generator,
        discriminator,
        latentDim: 2,
        batchSize: 8,
        discriminatorSteps: 2,
        generatorNoise,
        sampleReal: mixtureBatchSampler([{ mean: [1, 1], std: 0.1 }], { seed: 1 }),
      });
      trainer.step(); // creates Adam's state
      const live = tf.memory().numTensors;
      for (let i = 0; i < 40; i++) trainer.step();
      assert.equal(tf.memory().numTensors, live, `${generatorNoise} noise: tensors leaked`);
      trainer.dispose();
    }
  });
});
