import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { buildMlpDiscriminator, buildMlpGenerator } from '../../lib/models/gan-mlp';
import { compileCombinedModel, kerasStyleGanStep } from '../../lib/training/gan-keras-style';
import { logitBinaryCrossentropy } from '../../lib/training/gan-losses';

before(async () => {
  await tf.setBackend('cpu');
});

function snapshot(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((w) => w.dataSync() as Float32Array);
}

function changedWeights(model: tf.LayersModel, before: Float32Array[]): string[] {
  const after = snapshot(model);
  return model.weights.filter((_, i) => before[i].some((v, j) => v !== after[i][j])).map((w) => w.name);
}

function compiledPair(seed: number) {
  const generator = buildMlpGenerator({ latentDim: 3, outputShape: [2], hiddenUnits: [8], seed });
  const discriminator = buildMlpDiscriminator({ inputShape: [2], hiddenUnits: [8], seed: seed + 1 });
  discriminator.compile({ optimizer: tf.train.adam(0.01), loss: logitBinaryCrossentropy });
  const combined = compileCombinedModel(generator, discriminator, { optimizer: tf.train.adam(0.01) });
  return { generator, discriminator, combined };
}

describe('the Keras recipe in tfjs-layers (compiled D, combined model with D frozen)', () => {
  test("the combined model trains G only; D's own trainOnBatch still trains D", async () => {
    const { generator, discriminator, combined } = compiledPair(1);
    assert.equal(discriminator.trainable, true, 'compileCombinedModel must unfreeze D again');
    // combined.trainableWeights is computed live and lists D's weights again once D is unfrozen; what
    // trainOnBatch updates is the list compile() captured, which holds G's weights only.
    assert.equal(combined.trainableWeights.length, generator.weights.length + discriminator.weights.length);
    const [g0, d0] = [snapshot(generator), snapshot(discriminator)];
    const noise = tf.randomNormal([16, 3], 0, 1, 'float32', 1);
    await combined.trainOnBatch(noise, tf.ones([16, 1]));
    assert.deepEqual(changedWeights(discriminator, d0), [], 'the combined model must leave D unchanged');
    assert.equal(
      changedWeights(generator, g0).length,
      generator.weights.length,
      'it must train every G weight',
    );
    const d1 = snapshot(discriminator);
    await discriminator.trainOnBatch(tf.randomNormal([16, 2], 0, 1, 'float32', 2), tf.ones([16, 1]));
    assert.ok(changedWeights(discriminator, d1).length > 0, 'D.trainOnBatch must still train D');
    noise.dispose();
  });

  test('one full round reports both losses and D(x), D(G(z)) in (0, 1), without leaking tensors', async () => {
    const { generator, discriminator, combined } = compiledPair(3);
    const real = tf.randomNormal([16, 2], 2, 0.1, 'float32', 3);
    const noise = tf.randomNormal([16, 3], 0, 1, 'float32', 4);
    await kerasStyleGanStep({ generator, discriminator, combined, real, noise });
    const live = tf.memory().numTensors;
    for (let i = 0; i < 10; i++) {
      const r = await kerasStyleGanStep({
        generator,
        discriminator,
        combined,
        real,
        noise,
        noiseForGenerator: noise,
      });
      assert.ok(
        r.dReal > 0 && r.dReal < 1 && r.dFake > 0 && r.dFake < 1 && Number.isFinite(r.lossD + r.lossG),
      );
    }
    assert.equal(tf.memory().numTensors, live);
    tf.dispose([real, noise]);
  });

  test("tfjs semantics: D.trainable = false also freezes D's variables, so D.trainOnBatch fails until reset", async () => {
    const { discriminator } = compiledPair(5);
    discriminator.trainable = false;
    await assert.rejects(
      discriminator.trainOnBatch(tf.ones([4, 2]), tf.ones([4, 1])),
      /expects at least one of the input variables to be trainable/,
    );
    discriminator.trainable = true;
    await discriminator.trainOnBatch(tf.ones([4, 2]), tf.ones([4, 1]));
  });

  test("BatchNormalization ignores trainable: a frozen D's moving averages still change in the combined model", async () => {
    const generator = buildMlpGenerator({ latentDim: 3, outputShape: [2], hiddenUnits: [8], seed: 7 });
    const discriminator = tf.sequential({
      layers: [
        tf.layers.dense({ units: 4, inputShape: [2] }),
        tf.layers.batchNormalization(),
        tf.layers.dense({ units: 1 }),
      ],
    });
    discriminator.compile({ optimizer: 'adam', loss: logitBinaryCrossentropy });
    const combined = compileCombinedModel(generator, discriminator, { optimizer: tf.train.adam(0.01) });
    const d0 = snapshot(discriminator);
    await combined.trainOnBatch(tf.randomNormal([16, 3], 0, 1, 'float32', 8), tf.ones([16, 1]));
    const changed = changedWeights(discriminator, d0);
    assert.equal(changed.length, 2, `only the moving statistics should change, got ${changed.join(', ')}`);
    assert.ok(changed.every((name) => /moving_(mean|variance)/.test(name)));
  });
});
