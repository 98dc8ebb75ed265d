import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { tensorBatchSampler } from '../../lib/data/batch-samplers';
import { buildConvGanDiscriminator, buildConvGanGenerator } from '../../lib/models/gan-conv';
import { GanTrainer } from '../../lib/training/gan-trainer';

before(async () => {
  await tf.setBackend('cpu');
});

const disposeModels = (...models: tf.LayersModel[]) => {
  for (const model of models) model.dispose();
};

describe('convolutional GAN builders', () => {
  test('G maps noise to [N, 28, 28, 1] in [-1, 1] through 7x7 and 14x14 maps; D maps images to one logit', () => {
    const g = buildConvGanGenerator({ latentDim: 8, filters: [8, 4], seed: 1 });
    const d = buildConvGanDiscriminator({ filters: [4, 8], seed: 2 });
    assert.deepEqual(g.outputs[0].shape, [null, 28, 28, 1]);
    assert.deepEqual(d.outputs[0].shape, [null, 1]);
    const shapes = g.layers.map((layer) => (layer.outputShape as number[]).slice(1).join('x'));
    assert.ok(shapes.includes('7x7x8') && shapes.includes('14x14x4'), shapes.join(' '));
    const [low, high, logits] = tf.tidy(() => {
      const x = g.predict(tf.randomNormal([3, 8], 0, 5, 'float32', 3)) as tf.Tensor;
      return [x.min().dataSync()[0], x.max().dataSync()[0], (d.predict(x) as tf.Tensor).shape];
    });
    assert.ok(low >= -1 && high <= 1, `outputs in [${low}, ${high}]`);
    assert.deepEqual(logits, [3, 1]);
    disposeModels(g, d);
  });

  test('the same seed gives the same weights, another seed other weights', () => {
    const weights = (seed: number) => {
      const g = buildConvGanGenerator({ latentDim: 4, filters: [4, 2], seed });
      const values = g.getWeights().map((w) => Array.from(w.dataSync()));
      g.dispose();
      return values;
    };
    assert.deepEqual(weights(5), weights(5));
    assert.notDeepEqual(weights(5), weights(6));
  });

  test('bad options give errors that name the option', () => {
    assert.throws(() => buildConvGanGenerator({ latentDim: 0 }), /latentDim must be a positive integer/);
    assert.throws(
      () => buildConvGanGenerator({ filters: [8] as unknown as [number, number] }),
      /filters must list two/,
    );
    assert.throws(() => buildConvGanDiscriminator({ filters: [8, 0] }), /filters\[1\]/);
    assert.throws(() => buildConvGanDiscriminator({ dropout: 1 }), /dropout must be in \[0, 1\)/);
    assert.throws(() => buildConvGanDiscriminator({ kernelSize: 2.5 }), /kernelSize/);
  });

  test('GanTrainer trains them: both networks change, no tensor leaks', async () => {
    const g = buildConvGanGenerator({ latentDim: 4, filters: [4, 2], seed: 1 });
    const d = buildConvGanDiscriminator({ filters: [2, 4], seed: 2 });
    const real = tf.randomUniform([16, 28, 28, 1], -1, 1, 'float32', 4);
    const trainer = new GanTrainer({
      generator: g,
      discriminator: d,
      latentDim: 4,
      batchSize: 4,
      sampleReal: tensorBatchSampler(real, { seed: 1 }),
      seed: 3,
    });
    const before = [g, d].map((m) => m.getWeights().map((w) => w.clone()));
    trainer.step();
    const tensors = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) trainer.step();
    assert.equal(tf.memory().numTensors, tensors);
    [g, d].forEach((model, k) => {
      const change = tf.tidy(() =>
        Math.max(...model.getWeights().map((w, i) => tf.max(tf.abs(tf.sub(w, before[k][i]))).dataSync()[0])),
      );
      assert.ok(change > 0, `${model.name} did not change`);
    });
    tf.dispose([real, ...before.flat()]);
    trainer.dispose();
    disposeModels(g, d);
  });
});
