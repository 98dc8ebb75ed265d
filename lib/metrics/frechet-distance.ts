/**
 * The Fréchet (2-Wasserstein) distance between two Gaussians, the formula behind FID:
 *
 *   d² = ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁^½ Σ₂ Σ₁^½)^½)
 *
 * The matrix square roots come from symmetric eigendecompositions (float64): Σ₁^½ = V diag(√λ) Vᵀ, and
 * tr((Σ₁^½ Σ₂ Σ₁^½)^½) is the sum of the square roots of the eigenvalues of that symmetric positive
 * semi-definite matrix. Rounding makes tiny eigenvalues slightly negative: they are clamped to 0. This avoids
 * the complex numbers that the usual `sqrtm(Σ₁ Σ₂)` of a non-symmetric product produces.
 */
import { symmetricEigen } from '../maths/linear-algebra';
import type { GaussianFit } from './gaussian-fit';

/** a · b for square matrices stored row-major in flat float64 arrays of side n. */
function multiply(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const row = i * n;
    for (let k = 0; k < n; k++) {
      const aik = a[row + k];
      if (aik === 0) continue;
      const bRow = k * n;
      for (let j = 0; j < n; j++) out[row + j] += aik * b[bRow + j];
    }
  }
  return out;
}

function flatten(matrix: number[][], n: number): Float64Array {
  const flat = new Float64Array(n * n);
  matrix.forEach((row, i) => {
    flat.set(row, i * n);
  });
  return flat;
}

function checkFit(fit: GaussianFit, name: string, d: number): void {
  if (fit.covariance.length !== d || fit.covariance.some((row) => row.length !== d)) {
    throw new RangeError(
      `frechetDistance: ${name}'s covariance must be ${d} × ${d} to match its mean of length ${d}.`,
    );
  }
}

/** The symmetric positive semi-definite square root V diag(√max(λ, 0)) Vᵀ of a symmetric matrix. */
export function symmetricSquareRoot(matrix: number[][]): number[][] {
  const n = matrix.length;
  const { values, vectors } = symmetricEigen(matrix);
  const root = new Float64Array(n * n);
  values.forEach((value, k) => {
    const s = Math.sqrt(Math.max(value, 0));
    if (s === 0) return;
    const v = vectors[k];
    for (let i = 0; i < n; i++) {
      const vi = s * v[i];
      for (let j = 0; j < n; j++) root[i * n + j] += vi * v[j];
    }
  });
  return Array.from({ length: n }, (_, i) => Array.from(root.subarray(i * n, (i + 1) * n)));
}

/**
 * The squared Fréchet distance between two Gaussian fits (the quantity FID reports): 0 for identical fits,
 * symmetric in its arguments, never negative. Fits of samples carry a sampling bias that grows as the
 * samples shrink: compare distances computed with the same number of samples.
 * @throws RangeError when the two fits have different dimensions.
 */
export function frechetDistance(a: GaussianFit, b: GaussianFit): number {
  const d = a.mean.length;
  if (b.mean.length !== d) {
    throw new RangeError(`frechetDistance: the fits have different dimensions (${d} and ${b.mean.length}).`);
  }
  checkFit(a, 'the first fit', d);
  checkFit(b, 'the second fit', d);
  let meanTerm = 0;
  for (let i = 0; i < d; i++) meanTerm += (a.mean[i] - b.mean[i]) ** 2;
  let traceA = 0;
  let traceB = 0;
  for (let i = 0; i < d; i++) {
    traceA += a.covariance[i][i];
    traceB += b.covariance[i][i];
  }
  const rootA = flatten(symmetricSquareRoot(a.covariance), d);
  const product = multiply(multiply(rootA, flatten(b.covariance, d), d), rootA, d);
  // Symmetrise away the rounding so that the eigensolver sees an exactly symmetric matrix.
  const middle = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => 0.5 * (product[i * d + j] + product[j * d + i])),
  );
  const crossTrace = symmetricEigen(middle).values.reduce(
    (sum, value) => sum + Math.sqrt(Math.max(value, 0)),
    0,
  );
  return Math.max(0, meanTerm + traceA + traceB - 2 * crossTrace);
}
