import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  countModesCovered,
  createRng,
  randomNormal,
  ringComponents,
  sampleBlobs,
  sampleGaussianMixture,
  sampleMoons,
} from '../../lib/data';

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
function variance(values: number[]): number {
  const m = mean(values);
  return mean(values.map((v) => (v - m) ** 2));
}

describe('toy data', () => {
  test('randomNormal has mean 0 and variance 1', () => {
    const rng = createRng(7);
    const draws = Array.from({ length: 20000 }, () => randomNormal(rng));
    assert.ok(Math.abs(mean(draws)) < 0.03, `mean ${mean(draws)}`);
    assert.ok(Math.abs(variance(draws) - 1) < 0.05, `variance ${variance(draws)}`);
  });

  test('a Gaussian mixture recovers its means, spreads and weights', () => {
    const components = [
      { mean: [-3, 1], std: 0.5, weight: 3 },
      { mean: [4, -2], std: 1.5, weight: 1 },
    ];
    const { points, labels } = sampleGaussianMixture(components, { count: 20000, seed: 3 });
    assert.equal(points.length, 20000);
    assert.ok(Math.abs(labels.filter((l) => l === 0).length / 20000 - 0.75) < 0.015);
    components.forEach((component, k) => {
      const mine = points.filter((_, i) => labels[i] === k);
      for (let d = 0; d < 2; d++) {
        const values = mine.map((p) => p[d]);
        assert.ok(Math.abs(mean(values) - component.mean[d]) < 0.05, `component ${k} dim ${d} mean`);
        assert.ok(
          Math.abs(Math.sqrt(variance(values)) - component.std) < 0.05,
          `component ${k} dim ${d} std`,
        );
      }
    });
  });

  test('the same seed gives the same points; another seed does not', () => {
    const a = sampleBlobs({ count: 50, seed: 1 });
    assert.deepEqual(sampleBlobs({ count: 50, seed: 1 }), a);
    assert.notDeepEqual(sampleBlobs({ count: 50, seed: 2 }).points, a.points);
    assert.deepEqual(sampleMoons({ count: 30, seed: 5 }), sampleMoons({ count: 30, seed: 5 }));
  });

  test('moons: two classes of 2-D points around two half circles', () => {
    const { points, labels } = sampleMoons({ count: 2000, seed: 0, noise: 0 });
    assert.deepEqual([...new Set(labels)].sort(), [0, 1]);
    points.forEach(([x, y], i) => {
      const [cx, cy] = labels[i] === 0 ? [0, 0] : [1, 0.5];
      assert.ok(Math.abs(Math.hypot(x - cx, y - cy) - 1) < 1e-9);
    });
  });

  test('bad arguments are errors', () => {
    assert.throws(() => sampleGaussianMixture([], { count: 1 }), /at least one component/);
    assert.throws(() => sampleBlobs({ count: -1 }), /count must be/);
    assert.throws(() => sampleGaussianMixture([{ mean: [0], std: 1, weight: 0 }], { count: 1 }), /weights/);
  });
});

describe('countModesCovered', () => {
  const ring = ringComponents(8, 2, 0.05);

  test('samples from the whole ring cover all 8 modes', () => {
    const { points } = sampleGaussianMixture(ring, { count: 4000, seed: 0 });
    const coverage = countModesCovered(points, ring);
    assert.equal(coverage.modesCovered, 8);
    assert.ok(coverage.offModeFraction < 0.02);
  });

  test('a collapsed generator covers only the modes it hits; points between modes are off-mode', () => {
    const collapsed = sampleGaussianMixture([ring[0], ring[3]], { count: 1000, seed: 1 }).points;
    const between = Array.from({ length: 1000 }, () => [0, 0]);
    assert.equal(countModesCovered(collapsed, ring).modesCovered, 2);
    const mixed = countModesCovered([...collapsed, ...between], ring);
    assert.equal(mixed.modesCovered, 2);
    // Half the points sit between the modes; about 1% of the others fall beyond 3 std of their mode.
    assert.ok(mixed.offModeFraction >= 0.5 && mixed.offModeFraction < 0.51, `${mixed.offModeFraction}`);
    assert.deepEqual(countModesCovered([], ring).countsPerMode, new Array(8).fill(0));
  });
});
