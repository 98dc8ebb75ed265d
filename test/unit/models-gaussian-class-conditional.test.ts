import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng, randomNormal, sampleBlobs } from '../../lib/data';
import { matMul, meanAndCovariance, transpose } from '../../lib/maths';
import { GaussianClassConditional, logSumExp } from '../../lib/models';

/** Draws points x = mean + A·z, z ~ N(0, I): a Gaussian with covariance A·Aᵀ, independently of the model. */
function drawGaussian(mean: number[], a: number[][], count: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const z = mean.map(() => randomNormal(rng));
    return mean.map((m, i) => m + a[i].reduce((sum, aij, j) => sum + aij * z[j], 0));
  });
}

function assertClose(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${what}: ${actual} vs ${expected} (±${tolerance})`);
}

function assertVectorClose(actual: number[], expected: number[], tolerance: number, what: string): void {
  for (let i = 0; i < expected.length; i++) assertClose(actual[i], expected[i], tolerance, `${what}[${i}]`);
}

function assertMatrixClose(actual: number[][], expected: number[][], tolerance: number, what: string): void {
  for (let i = 0; i < expected.length; i++)
    assertVectorClose(actual[i], expected[i], tolerance, `${what}[${i}]`);
}

const A0 = [
  [1.0, 0.0, 0.0],
  [0.8, 0.6, 0.0],
  [-0.3, 0.2, 0.5],
];
const A1 = [
  [0.5, 0.4, 0.0],
  [0.0, 1.5, 0.0],
  [0.2, 0.0, 0.7],
];
const MEANS = [
  [0, 0, 0],
  [3, -1, 2],
];

describe('GaussianClassConditional', () => {
  test('fit recovers the priors, means and full covariances of known Gaussians', () => {
    const class0 = drawGaussian(MEANS[0], A0, 14000, 1);
    const class1 = drawGaussian(MEANS[1], A1, 6000, 2);
    const points = [...class0, ...class1];
    const labels = [...class0.map(() => 0), ...class1.map(() => 1)];
    const model = GaussianClassConditional.fit(points, labels);
    assert.equal(model.numClasses, 2);
    assert.equal(model.dimension, 3);
    assertClose(model.classes[0].prior, 0.7, 1e-12, 'prior 0');
    assert.equal(model.classes[1].count, 6000);
    [A0, A1].forEach((a, k) => {
      const trueCovariance = matMul(a, transpose(a));
      const { mean, covariance } = model.classes[k];
      assertVectorClose(mean, MEANS[k], 0.04, `mean ${k}`);
      assertMatrixClose(covariance, trueCovariance, 0.06, `covariance ${k}`);
    });
  });

  test('samples of a class have its mean and covariance; the seed fixes them', () => {
    const covariance = matMul(A0, transpose(A0));
    const model = new GaussianClassConditional([
      {
        prior: 1,
        mean: [0, 0, 0],
        covariance: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
        count: 0,
      },
      { prior: 1, mean: [5, -2, 1], covariance, count: 0 },
    ]);
    const samples = model.sample(1, 20000, 11);
    assert.equal(samples.length, 20000);
    const stats = meanAndCovariance(samples);
    assertVectorClose(stats.mean, [5, -2, 1], 0.03, 'sample mean');
    assertMatrixClose(stats.covariance, covariance, 0.05, 'sample covariance');
    assert.deepEqual(model.sample(1, 5, 3), model.sample(1, 5, 3));
    assert.notDeepEqual(model.sample(1, 5, 3), model.sample(1, 5, 4));
    assert.throws(() => model.sample(2, 5), /Class 2 does not exist: use 0-1/);
  });

  test('logDensity is the Gaussian log-density, and the density integrates to 1', () => {
    const model = new GaussianClassConditional([
      {
        prior: 1,
        mean: [1, -1],
        covariance: [
          [4, 0],
          [0, 0.25],
        ],
        count: 0,
      },
    ]);
    // N([1,-1], diag(4, 0.25)) at (3, -1): one std away along x
    const expected = -Math.log(2 * Math.PI) - 0.5 * Math.log(4 * 0.25) - 0.5;
    assertClose(model.logDensity([[3, -1]], 0)[0], expected, 1e-12, 'log-density');
    const step = 0.05;
    let integral = 0;
    const grid: number[][] = [];
    for (let x = -9; x <= 11; x += step) for (let y = -4; y <= 2; y += step) grid.push([x, y]);
    for (const value of model.logDensity(grid, 0)) integral += Math.exp(value) * step * step;
    assertClose(integral, 1, 1e-3, 'integral of the density');
    assert.throws(() => model.logDensity([[1, 2, 3]], 0), /Point 0 has 3 coordinates; this model has 2/);
  });

  test("Bayes' rule: posteriors sum to 1, and the boundary moves with the priors as theory says", () => {
    const sigma2 = 1;
    const make = (p0: number, p1: number) =>
      new GaussianClassConditional([
        { prior: p0, mean: [0], covariance: [[sigma2]], count: 0 },
        { prior: p1, mean: [2], covariance: [[sigma2]], count: 0 },
      ]);
    const even = make(1, 1);
    assert.deepEqual(even.predict([[0.99], [1.01]]), [0, 1]);
    assertClose(even.posterior([[1]])[0][0], 0.5, 1e-12, 'posterior at the midpoint');
    // With priors 0.8 / 0.2 the boundary is at 1 + σ² ln(0.8/0.2) / 2 ≈ 1.693.
    const skewed = make(0.8, 0.2);
    const boundary = 1 + (sigma2 * Math.log(4)) / 2;
    assertClose(skewed.posterior([[boundary]])[0][1], 0.5, 1e-12, 'posterior at the shifted boundary');
    assert.deepEqual(skewed.predict([[boundary - 0.01], [boundary + 0.01]]), [0, 1]);
    // The posterior is p(x|k)p(k) / Σ p(x|j)p(j), computed by hand:
    const x = 0.7;
    const joint = [0, 2].map((m, k) => Math.exp(-((x - m) ** 2) / 2) * [0.8, 0.2][k]);
    const posterior = skewed.posterior([[x]])[0];
    assertClose(posterior[0], joint[0] / (joint[0] + joint[1]), 1e-12, 'hand-computed posterior');
    assertClose(posterior[0] + posterior[1], 1, 1e-12, 'sum of posteriors');
    assertClose(
      skewed.logMarginal([[x]])[0],
      Math.log(joint[0] + joint[1]) - 0.5 * Math.log(2 * Math.PI),
      1e-12,
      'log p(x)',
    );
  });

  test('classifies Gaussian blobs almost perfectly; uniform and explicit priors', () => {
    const train = sampleBlobs({ count: 900, seed: 1 });
    const test = sampleBlobs({ count: 600, seed: 2 });
    const model = GaussianClassConditional.fit(train.points, train.labels);
    const predicted = model.predict(test.points);
    const accuracy = predicted.filter((p, i) => p === test.labels[i]).length / test.labels.length;
    assert.ok(accuracy > 0.95, `accuracy ${accuracy}`);
    const uniform = GaussianClassConditional.fit(train.points, train.labels, { priors: 'uniform' });
    assert.deepEqual(
      uniform.classes.map((c) => c.prior),
      [1 / 3, 1 / 3, 1 / 3],
    );
    const explicit = GaussianClassConditional.fit(train.points, train.labels, { priors: [2, 1, 1] });
    assert.equal(explicit.classes[0].prior, 0.5);
  });

  test('clear errors for bad input', () => {
    assert.throws(() => GaussianClassConditional.fit([[0], [1]], [0]), /2 points but 1 labels/);
    assert.throws(() => GaussianClassConditional.fit([[0], [1]], [0, 2]), /Class 1 has no training points/);
    assert.throws(() => GaussianClassConditional.fit([[0], [1]], [0, 1.5]), /integers >= 0/);
    assert.throws(
      () => GaussianClassConditional.fit([[0], [1]], [0, 1], { numClasses: 1 }),
      /outside the 1 classes/,
    );
    // a single point per class has no variance: only the regularisation keeps the covariance invertible
    assert.throws(
      () =>
        GaussianClassConditional.fit(
          [
            [0, 0],
            [1, 1],
          ],
          [0, 1],
          { regularisation: 0 },
        ),
      /not positive definite/,
    );
    assert.doesNotThrow(() =>
      GaussianClassConditional.fit(
        [
          [0, 0],
          [1, 1],
        ],
        [0, 1],
      ),
    );
  });

  test('logSumExp does not overflow', () => {
    assertClose(logSumExp([1000, 1000]), 1000 + Math.log(2), 1e-9, 'large values');
    assertClose(logSumExp([-1000, -1000]), -1000 + Math.log(2), 1e-9, 'small values');
    assert.equal(logSumExp([Number.NEGATIVE_INFINITY]), Number.NEGATIVE_INFINITY);
  });
});
