import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import {
  buildDcganDiscriminator,
  buildDcganGenerator,
  dcganFilters,
  generateDcganImages,
  isConditionalDcgan,
  resolveDcganOptions,
} from '../../lib/models/dcgan';
import { dcganSampleGrid } from '../../lib/models/dcgan-sampling';
import { fileSystemHandler } from '../../lib/models/io';
import { SeededDropout, setDropoutSeed } from '../../lib/models/seeded-dropout';

const shape = (model: tf.LayersModel, layer: string) => model.getLayer(layer).outputShape;

describe('DCGAN networks (TensorFlow tutorial architecture)', () => {
  let tmp: string;
  before(async () => {
    await initBackend();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dcgan-models-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('the full-width generator and discriminator have the tutorial shapes', () => {
    const g = buildDcganGenerator();
    const d = buildDcganDiscriminator();
    assert.deepEqual(shape(g, 'dcgan_generator_dense'), [null, 7 * 7 * 256]);
    assert.deepEqual(shape(g, 'dcgan_generator_convt_1'), [null, 7, 7, 128]);
    assert.deepEqual(shape(g, 'dcgan_generator_convt_2'), [null, 14, 14, 64]);
    assert.deepEqual(g.outputs[0].shape, [null, 28, 28, 1]);
    assert.deepEqual(shape(d, 'dcgan_discriminator_conv_1'), [null, 14, 14, 64]);
    assert.deepEqual(shape(d, 'dcgan_discriminator_conv_2'), [null, 7, 7, 128]);
    assert.deepEqual(d.outputs[0].shape, [null, 1]);
    // the tutorial's parameter counts (model.summary() in the TF notebook): G 2,330,944, D 212,865
    assert.equal(g.countParams(), 2_330_944);
    assert.equal(d.countParams(), 212_865);
    assert.equal(isConditionalDcgan(g), false);
    g.dispose();
    d.dispose();
  });

  test('the width multiplier scales every layer, and the conditional variant takes a one-hot label', () => {
    assert.deepEqual(dcganFilters(0.5), { generator: [128, 64, 32], discriminator: [32, 64] });
    const g = buildDcganGenerator({ width: 0.25, numClasses: 10, latentDim: 20 });
    const d = buildDcganDiscriminator({ width: 0.25, numClasses: 10 });
    assert.equal(isConditionalDcgan(g), true);
    assert.deepEqual(shape(g, 'dcgan_generator_noise_and_label'), [null, 30]);
    assert.deepEqual(shape(g, 'dcgan_generator_convt_1'), [null, 7, 7, 32]);
    assert.deepEqual(shape(d, 'dcgan_discriminator_image_and_label'), [null, 28, 28, 11]);
    const noise = tf.randomNormal([3, 20], 0, 1, 'float32', 5) as tf.Tensor2D;
    const images = generateDcganImages(g, noise, [0, 4, 9]);
    assert.deepEqual(images.shape, [3, 28, 28, 1]);
    const logits = tf.tidy(
      () => d.predict([images, tf.oneHot(tf.tensor1d([0, 4, 9], 'int32'), 10).toFloat()]) as tf.Tensor,
    );
    assert.deepEqual(logits.shape, [3, 1]);
    assert.throws(() => generateDcganImages(g, noise), /conditional: pass the class labels/);
    assert.throws(() => generateDcganImages(g, noise, [1, 2]), /2 labels for 3 noise rows/);
    const grid = dcganSampleGrid(g, { count: 20 });
    assert.deepEqual(grid.images.shape, [20, 28, 28, 1]);
    assert.equal(grid.columns, 2);
    assert.deepEqual(grid.labels?.slice(0, 4), [0, 0, 1, 1]);
    tf.dispose([noise, images, logits, grid.images]);
    g.dispose();
    d.dispose();
  });

  test('the same seed builds the same weights; another seed different ones', () => {
    const a = buildDcganGenerator({ width: 0.125, seed: 3 });
    const b = buildDcganGenerator({ width: 0.125, seed: 3 });
    const c = buildDcganGenerator({ width: 0.125, seed: 4 });
    const first = (m: tf.LayersModel) => Array.from(m.getWeights()[0].dataSync().slice(0, 50));
    assert.deepEqual(first(a), first(b));
    assert.notDeepEqual(first(a), first(c));
    [a, b, c].forEach((m) => {
      m.dispose();
    });
  });

  test('bad options give errors naming the option', () => {
    assert.throws(() => resolveDcganOptions({ width: 0 }), /width must be a positive number/);
    assert.throws(() => resolveDcganOptions({ numClasses: 1 }), /numClasses must be 0/);
    assert.throws(() => resolveDcganOptions({ dropout: 1 }), /dropout must be in \[0, 1\)/);
    assert.throws(() => resolveDcganOptions({ latentDim: 2.5 }), /latentDim must be a positive integer/);
  });

  test('seeded dropout: a fresh mask per call and per step seed, the same masks for the same seed', () => {
    const d = buildDcganDiscriminator({ width: 0.125, seed: 1 });
    const x = tf.randomUniform([4, 28, 28, 1], -1, 1, 'float32', 9);
    const run = (stepSeed: number) => {
      setDropoutSeed(d, stepSeed);
      const first = d.apply(x, { training: true }) as tf.Tensor;
      const second = d.apply(x, { training: true }) as tf.Tensor;
      const out = [Array.from(first.dataSync()), Array.from(second.dataSync())];
      tf.dispose([first, second]);
      return out;
    };
    const [a1, a2] = run(11);
    const [b1, b2] = run(11);
    const [c1] = run(12);
    assert.deepEqual([a1, a2], [b1, b2], 'same step seed, same masks');
    assert.notDeepEqual(a1, a2, 'two calls in a step draw different masks');
    assert.notDeepEqual(a1, c1, 'another step seed, other masks');
    const inference1 = d.predict(x) as tf.Tensor;
    const inference2 = d.predict(x) as tf.Tensor;
    assert.deepEqual(
      Array.from(inference1.dataSync()),
      Array.from(inference2.dataSync()),
      'no dropout at inference',
    );
    // about 30% of the units are dropped, survivors scaled by 1/0.7
    const layer = d.getLayer('dcgan_discriminator_dropout_1') as SeededDropout;
    layer.setStepSeed(5);
    const ones = tf.ones([1000]);
    const dropped = layer.apply(ones, { training: true }) as tf.Tensor;
    const values = dropped.dataSync();
    const zeros = values.filter((v) => v === 0).length;
    assert.ok(zeros > 240 && zeros < 360, `${zeros} of 1000 dropped`);
    assert.ok(values.every((v) => v === 0 || Math.abs(v - 1 / 0.7) < 1e-6));
    tf.dispose([x, inference1, inference2, ones, dropped]);
    d.dispose();
  });

  test('a discriminator with seeded dropout saves and loads (the layer is registered)', async () => {
    const d = buildDcganDiscriminator({ width: 0.125, seed: 2 });
    await d.save(fileSystemHandler(path.join(tmp, 'd')));
    const loaded = await tf.loadLayersModel(fileSystemHandler(path.join(tmp, 'd')));
    assert.ok(loaded.layers.some((layer) => layer instanceof SeededDropout));
    const x = tf.randomUniform([2, 28, 28, 1], -1, 1, 'float32', 4);
    const [p, q] = [d.predict(x) as tf.Tensor, loaded.predict(x) as tf.Tensor];
    assert.deepEqual(Array.from(p.dataSync()), Array.from(q.dataSync()));
    tf.dispose([x, p, q]);
    d.dispose();
    loaded.dispose();
  });
});
