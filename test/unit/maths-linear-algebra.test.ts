import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createRng, randomNormal } from '../../lib/data';
import {
  cholesky,
  identity,
  logDeterminantFromCholesky,
  matMul,
  matVec,
  meanAndCovariance,
  NotPositiveDefiniteError,
  solveLowerTriangular,
  symmetricEigen,
  transpose,
} from '../../lib/maths';

function randomMatrix(rows: number, cols: number, seed: number): number[][] {
  const rng = createRng(seed);
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => randomNormal(rng)));
}

function maxAbsDifference(a: number[][], b: number[][]): number {
  return Math.max(...a.flatMap((row, i) => row.map((v, j) => Math.abs(v - b[i][j]))));
}

describe('linear algebra', () => {
  test('matMul, matVec and transpose agree with hand-computed values', () => {
    const a = [
      [1, 2, 3],
      [4, 5, 6],
    ];
    assert.deepEqual(transpose(a), [
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    assert.deepEqual(matMul(a, transpose(a)), [
      [14, 32],
      [32, 77],
    ]);
    assert.deepEqual(matVec(a, [1, 0, -1]), [-2, -2]);
    assert.throws(() => matMul(a, a), /row 0 of the left matrix has 3 entries, not 2/);
  });

  test('meanAndCovariance: maximum-likelihood and unbiased estimates', () => {
    const points = [
      [0, 0],
      [2, 0],
      [0, 2],
      [2, 2],
    ];
    const ml = meanAndCovariance(points);
    assert.deepEqual(ml.mean, [1, 1]);
    assert.deepEqual(ml.covariance, [
      [1, 0],
      [0, 1],
    ]);
    const unbiased = meanAndCovariance(points, { unbiased: true });
    assert.ok(Math.abs(unbiased.covariance[0][0] - 4 / 3) < 1e-12);
    assert.throws(() => meanAndCovariance([]), /at least one point/);
  });

  test('cholesky: L·Lᵀ reproduces the matrix; triangular solve and log-determinant', () => {
    const b = randomMatrix(6, 6, 1);
    const a = matMul(b, transpose(b)).map((row, i) => row.map((v, j) => v + (i === j ? 0.5 : 0)));
    const l = cholesky(a);
    for (let i = 0; i < 6; i++) for (let j = i + 1; j < 6; j++) assert.equal(l[i][j], 0);
    assert.ok(maxAbsDifference(matMul(l, transpose(l)), a) < 1e-10);
    const x = [1, -2, 3, 0.5, 0, 2];
    assert.ok(maxAbsDifference([solveLowerTriangular(l, matVec(l, x))], [x]) < 1e-10);
    // det of a diagonal matrix
    assert.ok(
      Math.abs(
        logDeterminantFromCholesky(
          cholesky([
            [4, 0],
            [0, 9],
          ]),
        ) - Math.log(36),
      ) < 1e-12,
    );
  });

  test('cholesky refuses a singular matrix with a message that says what to do', () => {
    assert.throws(
      () =>
        cholesky([
          [1, 1],
          [1, 1],
        ]),
      (error: unknown) =>
        error instanceof NotPositiveDefiniteError &&
        error.pivotIndex === 1 &&
        /regularisation/.test(error.message),
    );
    assert.throws(() => cholesky([[1, 2]]), /square matrix/);
  });

  test('symmetricEigen: orthonormal vectors, a = V·diag(λ)·Vᵀ, values largest first', () => {
    for (const n of [1, 2, 7, 40]) {
      const b = randomMatrix(n, n, n);
      const a = matMul(b, transpose(b));
      const { values, vectors } = symmetricEigen(a);
      assert.equal(values.length, n);
      for (let i = 1; i < n; i++) assert.ok(values[i - 1] >= values[i]);
      const vvt = matMul(vectors, transpose(vectors));
      assert.ok(maxAbsDifference(vvt, identity(n)) < 1e-10, `orthonormal (n=${n})`);
      const rebuilt = matMul(
        transpose(vectors),
        vectors.map((row, i) => row.map((v) => v * values[i])),
      );
      assert.ok(maxAbsDifference(rebuilt, a) < 1e-9 * Math.max(1, values[0]), `reconstruction (n=${n})`);
      // each vector satisfies a·v = λ·v
      vectors.forEach((v, i) => {
        const av = matVec(a, v);
        assert.ok(
          Math.max(...av.map((x, k) => Math.abs(x - values[i] * v[k]))) < 1e-9 * Math.max(1, values[0]),
        );
      });
    }
  });

  test('symmetricEigen: known eigenvalues, and a singular matrix', () => {
    const { values, vectors } = symmetricEigen([
      [2, 1],
      [1, 2],
    ]);
    assert.ok(Math.abs(values[0] - 3) < 1e-12 && Math.abs(values[1] - 1) < 1e-12);
    assert.ok(Math.abs(Math.abs(vectors[0][0]) - Math.SQRT1_2) < 1e-12);
    const singular = symmetricEigen([
      [1, 1, 0],
      [1, 1, 0],
      [0, 0, 0],
    ]);
    assert.ok(Math.abs(singular.values[0] - 2) < 1e-12);
    assert.ok(Math.abs(singular.values[1]) < 1e-12 && Math.abs(singular.values[2]) < 1e-12);
    assert.deepEqual(symmetricEigen([]), { values: [], vectors: [] });
  });
});
