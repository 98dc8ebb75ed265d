import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { mixtureBatchSampler } from '../../lib/data/batch-samplers';
import { buildMlpDiscriminator, buildMlpGenerator } from '../../lib/models/gan-mlp';
import { generatePoints } from '../../lib/training/gan-toy';
import { GanTrainer } from '../../lib/training/gan-trainer';

before(async () => {
  await tf.setBackend('cpu');
});

function moments(generator: tf.LayersModel): { mean: number; std: number } {
  const noise = tf.randomNormal([4000, 1], 0, 1, 'float32', 99);
  const x = generatePoints(generator, noise).map((p) => p[0]);
  noise.dispose();
  const mean = x.reduce((a, b) => a + b, 0) / x.length;
  return { mean, std: Math.sqrt(x.reduce((a, b) => a + (b - mean) ** 2, 0) / x.length) };
}

describe('GanTrainer', () => {
  test("on a 1-D Gaussian N(2, 0.5²), G's mean comes within 0.1 and its std within 0.15 of the target", async () => {
    // G(z) = a·z + b can represent the target exactly; D is a small MLP. Seeds fixed: the run is reproducible.
    const generator = buildMlpGenerator({ latentDim: 1, outputShape: [1], hiddenUnits: [], seed: 2 });
    const discriminator = buildMlpDiscriminator({ inputShape: [1], hiddenUnits: [16], seed: 102 });
    const start = moments(generator);
    const trainer = new GanTrainer({
      generator,
      discriminator,
      latentDim: 1,
      batchSize: 128,
      learningRateD: 5e-3,
      learningRateG: 5e-3,
      labelSmoothing: 0.1,
      seed: 2,
      sampleReal: mixtureBatchSampler([{ mean: [2], std: 0.5 }], { seed: 2 }),
    });
    const log = await trainer.train({ steps: 800, progress: 'silent' });
    const end = moments(generator);
    assert.ok(Math.abs(start.mean - 2) > 1, `the start should be far from the target (mean ${start.mean})`);
    assert.ok(Math.abs(end.mean - 2) < 0.1, `mean ${end.mean.toFixed(3)}, target 2`);
    assert.ok(Math.abs(end.std - 0.5) < 0.15, `std ${end.std.toFixed(3)}, target 0.5`);
    assert.deepEqual(log.metricNames.sort(), ['dFake', 'dReal', 'gradNormD', 'gradNormG', 'lossD', 'lossG']);
    const dFake = log.column('dFake');
    const lateDFake = dFake.slice(-100).reduce((a, b) => a + b, 0) / 100;
    assert.ok(
      lateDFake > 0.3 && lateDFake < 0.6,
      `near equilibrium D(G(z)) should be near 0.45, got ${lateDFake}`,
    );
    trainer.dispose();
  });

  test('rejects bad settings with a clear message', () => {
    const base = {
      generator: buildMlpGenerator({ latentDim: 1, outputShape: [1], hiddenUnits: [] }),
      discriminator: buildMlpDiscriminator({ inputShape: [1], hiddenUnits: [2] }),
      latentDim: 1,
      sampleReal: mixtureBatchSampler([{ mean: [0], std: 1 }]),
    };
    assert.throws(() => new GanTrainer({ ...base, learningRateD: 0 }), /learningRateD must be > 0/);
    assert.throws(
      () => new GanTrainer({ ...base, discriminatorSteps: 0 }),
      /discriminatorSteps must be an integer >= 1/,
    );
    assert.throws(() => new GanTrainer({ ...base, generatorNoise: 'old' as never }), /'fresh' or 'same'/);
  });
});
