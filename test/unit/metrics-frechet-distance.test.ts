import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import { loadDataset } from '../../lib/data';
import { createRng, randomNormal } from '../../lib/data/random';
import { matMul, meanAndCovariance, transpose } from '../../lib/maths';
import { fitGaussian, frechetDistance, type GaussianFit, symmetricSquareRoot } from '../../lib/metrics';
import { loadReferenceClassifier } from '../../lib/models';

/** n points of a Gaussian with the given mean and covariance L·Lᵀ (L lower-triangular), seeded. */
function samples(n: number, mean: number[], l: number[][], seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const z = mean.map(() => randomNormal(rng));
    return mean.map((m, i) => m + l[i].reduce((sum, lij, j) => sum + lij * z[j], 0));
  });
}

function diagonalFit(mean: number[], variances: number[]): GaussianFit {
  return {
    mean,
    covariance: variances.map((v, i) => variances.map((_, j) => (i === j ? v : 0))),
    count: 0,
  };
}

/** A random symmetric positive definite d × d matrix A·Aᵀ + εI. */
function randomSpd(d: number, seed: number): number[][] {
  const rng = createRng(seed);
  const a = Array.from({ length: d }, () => Array.from({ length: d }, () => randomNormal(rng)));
  return matMul(a, transpose(a)).map((row, i) => row.map((v, j) => v / d + (i === j ? 0.01 : 0)));
}

describe('fitGaussian', () => {
  test('matches meanAndCovariance (unbiased) on arrays and on tensors', () => {
    const points = samples(
      50,
      [1, -2, 0.5],
      [
        [1, 0, 0],
        [0.5, 2, 0],
        [0, -1, 0.3],
      ],
      1,
    );
    const expected = meanAndCovariance(points, { unbiased: true });
    const fromArray = fitGaussian(points);
    const tensor = tf.tensor2d(points);
    const fromTensor = fitGaussian(tensor);
    tensor.dispose();
    assert.equal(fromArray.count, 50);
    for (const fit of [fromArray, fromTensor]) {
      for (let i = 0; i < 3; i++) {
        assert.ok(Math.abs(fit.mean[i] - expected.mean[i]) < 1e-5);
        for (let j = 0; j < 3; j++) {
          assert.ok(Math.abs(fit.covariance[i][j] - expected.covariance[i][j]) < 1e-5, `${i},${j}`);
        }
      }
    }
    const biased = fitGaussian(points, { unbiased: false });
    assert.ok(Math.abs(biased.covariance[0][0] - (fromArray.covariance[0][0] * 49) / 50) < 1e-12);
  });

  test('rejects fewer than two vectors and ragged rows', () => {
    assert.throws(() => fitGaussian([[1, 2]]), /at least two/);
    assert.throws(() => fitGaussian([[1, 2], [3]]), /row 1 has 1/);
  });
});

describe('frechetDistance', () => {
  test('is 0 for identical feature sets', () => {
    const fit = fitGaussian(
      samples(
        300,
        [0, 1, 2, 3],
        [
          [1, 0, 0, 0],
          [0.3, 1, 0, 0],
          [0, 0.2, 0.5, 0],
          [1, 0, 0, 2],
        ],
        2,
      ),
    );
    assert.ok(frechetDistance(fit, fit) < 1e-9, `${frechetDistance(fit, fit)}`);
    const spd = { mean: new Array(32).fill(0.5), covariance: randomSpd(32, 3), count: 0 };
    assert.ok(frechetDistance(spd, spd) < 1e-8, `${frechetDistance(spd, spd)}`);
  });

  test('is symmetric', () => {
    const a = { mean: Array.from({ length: 16 }, (_, i) => i / 10), covariance: randomSpd(16, 4), count: 0 };
    const b = { mean: new Array(16).fill(0), covariance: randomSpd(16, 5), count: 0 };
    const ab = frechetDistance(a, b);
    const ba = frechetDistance(b, a);
    assert.ok(ab > 0.1);
    assert.ok(Math.abs(ab - ba) < 1e-9 * ab, `${ab} vs ${ba}`);
  });

  test('1-D: (μ₁ − μ₂)² + (σ₁ − σ₂)²', () => {
    const d = frechetDistance(diagonalFit([1], [4]), diagonalFit([-2], [0.25]));
    assert.ok(Math.abs(d - (9 + (2 - 0.5) ** 2)) < 1e-12, `${d}`);
  });

  test('diagonal covariances: ‖μ₁ − μ₂‖² + Σ (√a_i − √b_i)²', () => {
    const va = [1, 4, 0.09, 2, 0];
    const vb = [9, 1, 0.01, 2, 3];
    const ma = [0, 1, 2, 3, 4];
    const mb = [1, 1, 0, 3, 5];
    const expected =
      ma.reduce((s, m, i) => s + (m - mb[i]) ** 2, 0) +
      va.reduce((s, v, i) => s + (Math.sqrt(v) - Math.sqrt(vb[i])) ** 2, 0);
    const d = frechetDistance(diagonalFit(ma, va), diagonalFit(mb, vb));
    assert.ok(Math.abs(d - expected) < 1e-10, `${d} vs ${expected}`);
  });

  test('commuting covariances (same eigenvectors, rotated): Σ (√λ_i − √κ_i)²', () => {
    const angle = 0.7;
    const r = [
      [Math.cos(angle), -Math.sin(angle), 0],
      [Math.sin(angle), Math.cos(angle), 0],
      [0, 0, 1],
    ];
    const rotate = (values: number[]) =>
      matMul(
        matMul(
          r,
          values.map((v, i) => values.map((_, j) => (i === j ? v : 0))),
        ),
        transpose(r),
      );
    const lambda = [5, 0.5, 2];
    const kappa = [1, 3, 2];
    const d = frechetDistance(
      { mean: [0, 0, 0], covariance: rotate(lambda), count: 0 },
      { mean: [0, 0, 0], covariance: rotate(kappa), count: 0 },
    );
    const expected = lambda.reduce((s, v, i) => s + (Math.sqrt(v) - Math.sqrt(kappa[i])) ** 2, 0);
    assert.ok(Math.abs(d - expected) < 1e-10, `${d} vs ${expected}`);
  });

  test('2-D, non-commuting: tr((Σ₁^½Σ₂Σ₁^½)^½) = √(tr Σ₁Σ₂ + 2√(det Σ₁ det Σ₂))', () => {
    const s1 = [
      [2, 0.8],
      [0.8, 1],
    ];
    const s2 = [
      [0.5, -0.3],
      [-0.3, 3],
    ];
    const det = (m: number[][]) => m[0][0] * m[1][1] - m[0][1] * m[1][0];
    const product = matMul(s1, s2);
    const cross = Math.sqrt(product[0][0] + product[1][1] + 2 * Math.sqrt(det(s1) * det(s2)));
    const expected = 1 + 4 + (2 + 1) + (0.5 + 3) - 2 * cross;
    const d = frechetDistance(
      { mean: [1, 0], covariance: s1, count: 0 },
      { mean: [0, 2], covariance: s2, count: 0 },
    );
    assert.ok(Math.abs(d - expected) < 1e-10, `${d} vs ${expected}`);
  });

  test('the symmetric square root squares back; singular covariances give finite, non-negative distances', () => {
    const s = randomSpd(8, 6);
    const root = symmetricSquareRoot(s);
    const squared = matMul(root, root);
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) assert.ok(Math.abs(squared[i][j] - s[i][j]) < 1e-10);
    }
    const rankOne = {
      mean: [0, 0, 0],
      covariance: [
        [1, 1, 0],
        [1, 1, 0],
        [0, 0, 0],
      ],
      count: 0,
    };
    const d = frechetDistance(rankOne, rankOne);
    assert.ok(Number.isFinite(d) && d >= 0 && d < 1e-7, `${d}`);
  });

  test('samples of two known Gaussians converge to the closed form', () => {
    const l = [
      [1, 0],
      [0, 2],
    ];
    const a = fitGaussian(samples(20000, [0, 0], l, 7));
    const b = fitGaussian(
      samples(
        20000,
        [1, 0],
        [
          [2, 0],
          [0, 2],
        ],
        8,
      ),
    );
    // closed form: 1 + (1 − 2)² + (2 − 2)² = 2
    assert.ok(Math.abs(frechetDistance(a, b) - 2) < 0.1, `${frechetDistance(a, b)}`);
  });

  test('rejects fits of different dimensions', () => {
    assert.throws(
      () => frechetDistance(diagonalFit([0], [1]), diagonalFit([0, 0], [1, 1])),
      /different dimensions/,
    );
  });
});

describe('frechetDistance on the reference classifier features of real digits', () => {
  let features: number[][];
  let labels: Int32Array;

  before(async () => {
    await initBackend({ env: {} });
    const data = await loadDataset({ name: 'mnist-10k', range: 'unit' });
    const classifier = await loadReferenceClassifier();
    const f = classifier.features(data.test.images);
    features = f.arraySync();
    labels = Int32Array.from(data.test.labels.dataSync());
    f.dispose();
    classifier.dispose();
    data.dispose();
  });

  after(() => {
    features = [];
  });

  test('grows monotonically as 0, 2, 4, 6, 8 digit classes are dropped', () => {
    // Reference: the even-indexed held-out digits; compared: the odd-indexed ones, minus some classes.
    const reference = fitGaussian(features.filter((_, i) => i % 2 === 0));
    const distances = [0, 2, 4, 6, 8].map((dropped) =>
      frechetDistance(reference, fitGaussian(features.filter((_, i) => i % 2 === 1 && labels[i] >= dropped))),
    );
    for (let k = 1; k < distances.length; k++) {
      assert.ok(
        distances[k] > distances[k - 1],
        `distances ${distances.map((d) => d.toFixed(2)).join(', ')}`,
      );
    }
    assert.ok(
      distances[0] < distances[1] / 3,
      'two halves of the same digits are much closer than a set missing two digits',
    );
  });
});
