import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { buildConvAutoencoder, buildDenseAutoencoder } from '../../lib/models/autoencoder';
import {
  buildConvDecoder,
  buildConvEncoder,
  buildDenseEncoder,
  sequentialWithShapeChecks,
} from '../../lib/models/encoder-decoder';

before(async () => {
  await tf.setBackend('cpu');
});

function weightsOf(model: tf.LayersModel): number[] {
  return model.getWeights().flatMap((w) => Array.from(w.dataSync()));
}

describe('sequentialWithShapeChecks', () => {
  test('builds the model when every layer has the expected shape', () => {
    const model = sequentialWithShapeChecks('test net', [4], [[tf.layers.dense({ units: 3 }), [3]]]);
    assert.deepEqual(model.outputs[0].shape, [null, 3]);
    model.dispose();
  });

  test('names the model, the layer and both shapes on a mismatch', () => {
    assert.throws(
      () =>
        sequentialWithShapeChecks(
          'conv encoder',
          [28, 28, 1],
          [
            [tf.layers.conv2d({ filters: 8, kernelSize: 3, strides: 2, padding: 'same' }), [14, 14, 8]],
            [tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'valid' }), [7, 7, 16]],
          ],
        ),
      /conv encoder: layer 2 \(Conv2D '.+'\) outputs \[batch, 6, 6, 16\], expected \[batch, 7, 7, 16\]\. Check its/,
    );
  });
});

describe('encoder and decoder builders', () => {
  test('reject options that cannot give 28x28 images, saying what to use', () => {
    assert.throws(
      () => buildConvEncoder('e', 4, { filters: [8, 16, 32], kernelSize: 3, seed: 0 }),
      /use one or two/,
    );
    assert.throws(
      () => buildConvDecoder('d', 0, 'sigmoid', { filters: [8], kernelSize: 3, seed: 0 }),
      /latentDim/,
    );
    assert.throws(() => buildDenseEncoder('e', 4, { hiddenUnits: [0], seed: 0 }), /hiddenUnits\[0\]/);
  });

  test('one stride-2 convolution works too (28 -> 14 -> 28)', () => {
    const encoder = buildConvEncoder('e', 5, { filters: [4], kernelSize: 3, seed: 0 });
    const decoder = buildConvDecoder('d', 5, 'linear', { filters: [4], kernelSize: 3, seed: 0 });
    assert.deepEqual(encoder.outputs[0].shape, [null, 5]);
    assert.deepEqual(decoder.outputs[0].shape, [null, 28, 28, 1]);
    encoder.dispose();
    decoder.dispose();
  });
});

describe('autoencoders', () => {
  for (const [kind, build] of [
    ['dense', () => buildDenseAutoencoder({ latentDim: 6, hiddenUnits: [32], seed: 3 })],
    ['conv', () => buildConvAutoencoder({ latentDim: 6, filters: [4, 8], seed: 3 })],
  ] as const) {
    test(`${kind}: codes [N, latentDim], images [N, 28, 28, 1] in [0, 1]`, () => {
      const ae = build();
      assert.equal(ae.kind, kind);
      const images = tf.randomUniform([5, 28, 28, 1], 0, 1, 'float32', 1) as tf.Tensor4D;
      const codes = ae.encode(images);
      const rebuilt = ae.reconstruct(images);
      assert.deepEqual(codes.shape, [5, 6]);
      assert.deepEqual(ae.decode(codes).shape, [5, 28, 28, 1]);
      assert.deepEqual(rebuilt.shape, [5, 28, 28, 1]);
      const values = rebuilt.dataSync();
      assert.ok(values.every((v) => v >= 0 && v <= 1));
      assert.equal(
        ae.trainableVariables().length,
        ae.encoder.trainableWeights.length + ae.decoder.trainableWeights.length,
      );
      assert.ok(ae.trainableVariables().every((v) => v instanceof tf.Variable));
      assert.equal(ae.countParams(), ae.encoder.countParams() + ae.decoder.countParams());
      tf.dispose([images, codes, rebuilt]);
      ae.dispose();
    });

    test(`${kind}: the same seed builds the same weights, another seed other weights`, () => {
      const [a, b] = [build(), build()];
      assert.deepEqual(weightsOf(a.encoder), weightsOf(b.encoder));
      assert.deepEqual(weightsOf(a.decoder), weightsOf(b.decoder));
      const c =
        kind === 'dense'
          ? buildDenseAutoencoder({ latentDim: 6, hiddenUnits: [32], seed: 4 })
          : buildConvAutoencoder({ latentDim: 6, filters: [4, 8], seed: 4 });
      assert.notDeepEqual(weightsOf(a.encoder), weightsOf(c.encoder));
      for (const ae of [a, b, c]) ae.dispose();
    });
  }

  test('wrong input shapes get a clear error', () => {
    const ae = buildDenseAutoencoder({ latentDim: 4, hiddenUnits: [8] });
    const flat = tf.zeros([2, 784]) as unknown as tf.Tensor4D;
    assert.throws(() => ae.encode(flat), /images of shape \[N, 28, 28, 1\], got \[2, 784\]/);
    const codes = tf.zeros([2, 5]) as tf.Tensor2D;
    assert.throws(() => ae.decode(codes), /codes of shape \[N, 4\], got \[2, 5\]/);
    tf.dispose([flat, codes]);
    ae.dispose();
  });

  test('the default builders have the documented sizes', () => {
    const dense = buildDenseAutoencoder();
    assert.equal(dense.latentDim, 32);
    // 784*256+256 + 256*32+32, then 32*256+256 + 256*784+784
    assert.equal(dense.countParams(), 784 * 256 + 256 + 256 * 32 + 32 + 32 * 256 + 256 + 256 * 784 + 784);
    dense.dispose();
    const conv = buildConvAutoencoder();
    assert.deepEqual(
      conv.encoder.layers.slice(1).map((layer) => layer.outputShape),
      [
        [null, 14, 14, 16],
        [null, 7, 7, 32],
        [null, 1568],
        [null, 32],
      ],
    );
    conv.dispose();
  });
});
