import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  assertLayerOutputShape,
  buildMlpDiscriminator,
  buildMlpGenerator,
  networkVariables,
} from '../../lib/models/gan-mlp';

before(async () => {
  await tf.setBackend('cpu');
});

describe('MLP generator and discriminator builders', () => {
  test('a 2-D toy generator and discriminator have the shapes of the data', () => {
    const g = buildMlpGenerator({ latentDim: 3, outputShape: [2], hiddenUnits: [16, 16] });
    const d = buildMlpDiscriminator({ inputShape: [2], hiddenUnits: [16] });
    assert.deepEqual(g.outputs[0].shape, [null, 2]);
    assert.deepEqual(d.outputs[0].shape, [null, 1]);
    const out = tf.tidy(() => (d.predict(g.predict(tf.ones([5, 3])) as tf.Tensor) as tf.Tensor).shape);
    assert.deepEqual(out, [5, 1]);
    tf.dispose([g, d].flatMap((m) => m.weights.map((w) => w.read())));
  });

  test('an MNIST generator outputs [batch, 28, 28, 1] in [-1, 1] with tanh, and D takes images', () => {
    const g = buildMlpGenerator({
      latentDim: 8,
      outputShape: [28, 28, 1],
      hiddenUnits: [32],
      batchNorm: true,
      outputActivation: 'tanh',
    });
    const d = buildMlpDiscriminator({ inputShape: [28, 28, 1], hiddenUnits: [32], dropout: 0.3 });
    assert.deepEqual(g.outputs[0].shape, [null, 28, 28, 1]);
    assert.deepEqual(d.outputs[0].shape, [null, 1]);
    assert.ok(g.layers.some((l) => l.getClassName() === 'BatchNormalization'));
    assert.ok(d.layers.some((l) => l.getClassName() === 'Dropout'));
    const range = tf.tidy(() => {
      const x = g.predict(tf.randomNormal([4, 8], 0, 3, 'float32', 1)) as tf.Tensor;
      return [x.min().dataSync()[0], x.max().dataSync()[0]];
    });
    assert.ok(range[0] >= -1 && range[1] <= 1);
  });

  test('the same seed gives the same weights, another seed other weights', () => {
    const weights = (seed: number) =>
      buildMlpGenerator({ latentDim: 2, outputShape: [2], seed })
        .getWeights()
        .map((w) => Array.from(w.dataSync()));
    assert.deepEqual(weights(7), weights(7));
    assert.notDeepEqual(weights(7), weights(8));
  });

  test('bad options and shape mismatches give errors naming what is wrong', () => {
    assert.throws(() => buildMlpGenerator({ latentDim: 0, outputShape: [2] }), /latentDim must be/);
    assert.throws(
      () => buildMlpGenerator({ latentDim: 2, outputShape: [2], hiddenUnits: [8.5] }),
      /hiddenUnits/,
    );
    assert.throws(
      () => buildMlpDiscriminator({ inputShape: [2], dropout: 1 }),
      /dropout must be in \[0, 1\)/,
    );
    const d = buildMlpDiscriminator({ inputShape: [2], hiddenUnits: [4], name: 'critic' });
    assert.throws(
      () => assertLayerOutputShape(d, d.layers[0], [5]),
      /critic: layer 'critic_dense_1' outputs \[batch, 4\], expected \[batch, 5\]/,
    );
  });

  test("networkVariables lists one network's variables, and refuses a frozen model", () => {
    const d = buildMlpDiscriminator({ inputShape: [2], hiddenUnits: [4] });
    const variables = networkVariables(d);
    assert.equal(variables.length, 4); // two kernels, two biases
    assert.ok(variables.every((v) => v instanceof tf.Variable && v.trainable));
    d.trainable = false;
    assert.throws(() => networkVariables(d), /has no trainable weights.*set to false/);
    d.trainable = true;
  });
});
