import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { sampleGaussianMixture } from '../../lib/data/toy-data';
import { slicedWassersteinDistance, wasserstein1d } from '../../lib/metrics/sample-distance';

describe('distances between point sets', () => {
  test('1-D Wasserstein: hand-computed values', () => {
    assert.equal(wasserstein1d([0, 1], [1, 2]), 1);
    assert.equal(wasserstein1d([3, 1, 2], [1, 2, 3]), 0);
    assert.equal(wasserstein1d([0, 0, 0, 0], [0, 0, 4, 4]), 2);
    assert.throws(() => wasserstein1d([], [1]), /non-empty/);
  });

  test('sliced Wasserstein in 2-D: 0 for the same points, about 2d/π for a shift by d', () => {
    const { points } = sampleGaussianMixture([{ mean: [0, 0], std: 1 }], { count: 2000, seed: 1 });
    assert.equal(slicedWassersteinDistance(points, points), 0);
    const shifted = points.map(([x, y]) => [x + 1.5, y]);
    const distance = slicedWassersteinDistance(points, shifted, { projections: 400 });
    assert.ok(
      Math.abs(distance - (2 * 1.5) / Math.PI) < 0.03,
      `got ${distance}, expected ${(3 / Math.PI).toFixed(3)}`,
    );
  });

  test('two samples of one distribution are close, samples of different spreads are not', () => {
    const a = sampleGaussianMixture([{ mean: [0, 0], std: 1 }], { count: 1000, seed: 2 }).points;
    const b = sampleGaussianMixture([{ mean: [0, 0], std: 1 }], { count: 1000, seed: 3 }).points;
    const wide = sampleGaussianMixture([{ mean: [0, 0], std: 2 }], { count: 1000, seed: 4 }).points;
    const same = slicedWassersteinDistance(a, b);
    const different = slicedWassersteinDistance(a, wide);
    assert.ok(same < 0.1, `same distribution: ${same}`);
    assert.ok(different > 5 * same, `different spreads: ${different} vs ${same}`);
    assert.throws(() => slicedWassersteinDistance(a, [[1, 2, 3]]), /every point must have 2 coordinates/);
  });
});
