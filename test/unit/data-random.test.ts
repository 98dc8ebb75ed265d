import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng, deriveSeed, shuffledIndices, shuffleInPlace } from '../../lib/data/random';

describe('seeded random numbers', () => {
  test('the same seed gives the same sequence, in [0, 1)', () => {
    const a = createRng(42);
    const b = createRng(42);
    const xs = Array.from({ length: 1000 }, () => a());
    const ys = Array.from({ length: 1000 }, () => b());
    assert.deepEqual(xs, ys);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
  });

  test('different seeds give different sequences', () => {
    const a = createRng(1);
    const b = createRng(2);
    assert.notDeepEqual(
      Array.from({ length: 10 }, () => a()),
      Array.from({ length: 10 }, () => b()),
    );
  });

  test('numbers are roughly uniform', () => {
    const rng = createRng(7);
    const bins = new Array(10).fill(0);
    for (let i = 0; i < 100_000; i++) bins[Math.floor(rng() * 10)]++;
    for (const count of bins) assert.ok(Math.abs(count - 10_000) < 500, `bin count ${count}`);
  });

  test('a non-integer seed is rejected', () => {
    assert.throws(() => createRng(1.5), RangeError);
    assert.throws(() => createRng(Number.NaN), RangeError);
  });

  test('deriveSeed is deterministic and depends on every salt', () => {
    assert.equal(deriveSeed(5, 1, 2), deriveSeed(5, 1, 2));
    assert.notEqual(deriveSeed(5, 1, 2), deriveSeed(5, 2, 1));
    assert.notEqual(deriveSeed(5, 0), deriveSeed(6, 0));
    assert.notEqual(deriveSeed(5, 0), deriveSeed(5, 1));
  });
});

describe('seeded shuffle', () => {
  test('shuffledIndices is a permutation, deterministic given the seed', () => {
    const a = shuffledIndices(500, 123);
    assert.deepEqual(a, shuffledIndices(500, 123));
    assert.deepEqual(
      Array.from(a).sort((x, y) => x - y),
      Array.from({ length: 500 }, (_, i) => i),
    );
    assert.notDeepEqual(
      Array.from(a),
      Array.from({ length: 500 }, (_, i) => i),
    );
  });

  test('different seeds give different orders', () => {
    assert.notDeepEqual(shuffledIndices(500, 1), shuffledIndices(500, 2));
  });

  test('shuffleInPlace works on plain arrays and keeps the elements', () => {
    const letters = ['a', 'b', 'c', 'd', 'e', 'f'];
    const shuffled = shuffleInPlace(letters.slice(), createRng(3));
    assert.deepEqual(shuffled.slice().sort(), letters);
    assert.deepEqual(shuffled, shuffleInPlace(letters.slice(), createRng(3)));
  });

  test('edge sizes', () => {
    assert.deepEqual(shuffledIndices(0, 1), new Int32Array(0));
    assert.deepEqual(shuffledIndices(1, 1), Int32Array.from([0]));
    assert.throws(() => shuffledIndices(-1, 1), RangeError);
  });
});
