import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  assertConvTrainingSupported,
  BackendUnavailableError,
  formatBackendReport,
  getBackendReport,
  initBackend,
  SlowBackendError,
} from '../../lib/backend';

/** A small conv net with the layers of TensorFlow's DCGAN tutorial, as an autoencoder on 12x12 images. */
function buildNet(): tf.LayersModel {
  const m = tf.sequential();
  m.add(
    tf.layers.conv2d({ inputShape: [12, 12, 1], filters: 8, kernelSize: 5, strides: 2, padding: 'same' }),
  );
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  m.add(tf.layers.dropout({ rate: 0.3 }));
  m.add(tf.layers.conv2d({ filters: 16, kernelSize: 3, strides: 2, padding: 'same' }));
  m.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  m.add(tf.layers.flatten());
  m.add(tf.layers.dense({ units: 3 * 3 * 16 }));
  m.add(tf.layers.reshape({ targetShape: [3, 3, 16] }));
  m.add(
    tf.layers.conv2dTranspose({ filters: 8, kernelSize: 5, strides: 2, padding: 'same', useBias: false }),
  );
  m.add(tf.layers.batchNormalization());
  m.add(tf.layers.leakyReLU({ alpha: 0.2 }));
  m.add(
    tf.layers.conv2dTranspose({ filters: 1, kernelSize: 5, strides: 2, padding: 'same', activation: 'tanh' }),
  );
  return m;
}

describe('initBackend on this machine (no tfjs-node-gpu)', () => {
  it('picks wasm automatically and explains why not tensorflow', async () => {
    const handlers = () => [
      ...process.listeners('uncaughtException'),
      ...process.listeners('unhandledRejection'),
    ];
    const handlersBefore = handlers();
    const report = await initBackend({ env: {} });
    // Emscripten's Node glue adds process handlers that rethrow errors; initBackend removes them.
    assert.deepEqual(handlers(), handlersBefore);
    assert.equal(report.chosen, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.equal(report.selection, 'auto');
    assert.equal(report.details.wasmSimd, true);
    assert.ok(report.details.wasmExtraKernels?.includes('Conv2DBackpropFilter'));
    const gpu = report.candidates.find((c) => c.name === 'tensorflow-gpu');
    assert.equal(gpu?.status, 'unavailable');
    assert.match(gpu?.reasons.join('\n') ?? '', /tfjs-node-gpu is not installed/);
    assert.match(formatBackendReport(report), /TensorFlow\.js backend: wasm/);
    assert.equal(getBackendReport(), report);
  });
  it('is idempotent: a second call returns the same report without reloading', async () => {
    const [a, b] = await Promise.all([initBackend({ env: {} }), initBackend({ env: {} })]);
    const c = await initBackend({ env: {} });
    assert.equal(a, b);
    assert.equal(a, c);
    assert.equal(tf.getBackend(), 'wasm');
  });
  it('throws a clear error when GENLIB_BACKEND forces an unavailable backend, and keeps the backend', async () => {
    await assert.rejects(
      initBackend({ env: { GENLIB_BACKEND: 'tensorflow' } }),
      (e: unknown) =>
        e instanceof BackendUnavailableError &&
        e.backend === 'tensorflow' &&
        /GENLIB_BACKEND=tensorflow asks for the 'tensorflow' backend/.test(e.message) &&
        /npm install @tensorflow\/tfjs-node-gpu@4\.22\.0/.test(e.message),
    );
    assert.equal(tf.getBackend(), 'wasm');
  });
  it('switches when forced to cpu, where the conv guard refuses unless GENLIB_ALLOW_SLOW_CPU=1', async () => {
    const report = await initBackend({ force: 'cpu', env: {} });
    assert.equal(report.chosen, 'cpu');
    assert.equal(tf.getBackend(), 'cpu');
    assert.equal(report.convTraining.allowed, false);
    assert.throws(() => assertConvTrainingSupported({ env: {} }), SlowBackendError);
    assert.throws(() => assertConvTrainingSupported({ env: {} }), /GENLIB_ALLOW_SLOW_CPU=1/);
    assert.doesNotThrow(() => assertConvTrainingSupported({ env: { GENLIB_ALLOW_SLOW_CPU: '1' } }));
    const back = await initBackend({ env: {} });
    assert.equal(back.chosen, 'wasm');
    assert.equal(tf.getBackend(), 'wasm');
    assert.doesNotThrow(() => assertConvTrainingSupported({ env: {} }));
  });
});

describe('training a conv net on wasm', () => {
  it('lowers the loss of a Conv2D/Conv2DTranspose/BatchNorm/LeakyReLU/Dropout/Dense net', async () => {
    await initBackend({ env: {} });
    assert.equal(tf.getBackend(), 'wasm');
    assertConvTrainingSupported({ env: {} });
    const model = buildNet();
    const optimizer = tf.train.adam(0.01);
    // 32 images: blurred squares at random places, in [-1, 1].
    const images = tf.tidy(() => {
      const xs = tf.linspace(0, 11, 12);
      const centres = tf.randomUniform([32, 2], 3, 9, 'float32', 7);
      const dy = xs.reshape([1, 12, 1]).sub(centres.slice([0, 0], [32, 1]).reshape([32, 1, 1]));
      const dx = xs.reshape([1, 1, 12]).sub(centres.slice([0, 1], [32, 1]).reshape([32, 1, 1]));
      return tf.exp(dy.square().add(dx.square()).div(-6)).mul(2).sub(1).reshape([32, 12, 12, 1]);
    });
    const lossOf = () =>
      tf.tidy(
        () =>
          tf.losses
            .meanSquaredError(images, model.apply(images, { training: false }) as tf.Tensor)
            .dataSync()[0],
      );
    const before = lossOf();
    const tensorsBefore = tf.memory().numTensors;
    for (let step = 0; step < 40; step++) {
      const cost = optimizer.minimize(
        () =>
          tf.losses.meanSquaredError(
            images,
            model.apply(images, { training: true }) as tf.Tensor,
          ) as tf.Scalar,
        true,
      );
      cost?.dispose();
    }
    const after = lossOf();
    assert.ok(Number.isFinite(after), `loss is finite (${after})`);
    assert.ok(after < 0.25 * before, `loss fell from ${before.toFixed(4)} to ${after.toFixed(4)}`);
    assert.ok(
      tf.memory().numTensors - tensorsBefore < 60,
      'no per-step tensor leak (only optimizer slots added)',
    );
    images.dispose();
  });
});
