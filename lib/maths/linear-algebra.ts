/**
 * Dense linear algebra on small matrices in plain TypeScript (double precision), for the statistics the
 * models need: Cholesky factors (Gaussian densities and sampling), symmetric eigendecompositions (PCA,
 * matrix square roots for the Fréchet distance), means and covariances.
 *
 * Matrices are arrays of rows (`number[][]`); vectors are `number[]`. Sizes up to about a thousand rows
 * take seconds at most.
 */

/** A matrix as an array of rows. */
export type Matrix = number[][];

/** Thrown by {@link cholesky} when a matrix is not (numerically) symmetric positive definite. */
export class NotPositiveDefiniteError extends Error {
  override name = 'NotPositiveDefiniteError';
  constructor(
    readonly pivotIndex: number,
    readonly pivot: number,
  ) {
    super(
      `The matrix is not positive definite (pivot ${pivotIndex} is ${pivot}). A covariance matrix is ` +
        'singular when a direction has no variance (a constant pixel, fewer points than dimensions): ' +
        'add a small value to its diagonal (the `regularisation` option of the Gaussian models) or ' +
        'reduce the dimension first (e.g. with PCA).',
    );
  }
}

function checkSquare(a: Matrix, what: string): number {
  const n = a.length;
  for (let i = 0; i < n; i++) {
    if (a[i].length !== n) {
      throw new RangeError(`${what} needs a square matrix; row ${i} has ${a[i].length} entries, not ${n}.`);
    }
  }
  return n;
}

/** The n×n identity matrix. */
export function identity(n: number): Matrix {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/** The transpose of a (possibly non-square) matrix. */
export function transpose(a: Matrix): Matrix {
  const rows = a.length;
  const cols = rows === 0 ? 0 : a[0].length;
  return Array.from({ length: cols }, (_, j) => Array.from({ length: rows }, (_, i) => a[i][j]));
}

/** The matrix product a·b. */
export function matMul(a: Matrix, b: Matrix): Matrix {
  const inner = b.length;
  const cols = inner === 0 ? 0 : b[0].length;
  return a.map((row, i) => {
    if (row.length !== inner) {
      throw new RangeError(`matMul: row ${i} of the left matrix has ${row.length} entries, not ${inner}.`);
    }
    const out = new Array<number>(cols).fill(0);
    for (let k = 0; k < inner; k++) {
      const aik = row[k];
      if (aik === 0) continue;
      const bk = b[k];
      for (let j = 0; j < cols; j++) out[j] += aik * bk[j];
    }
    return out;
  });
}

/** The matrix-vector product a·v. */
export function matVec(a: Matrix, v: number[]): number[] {
  return a.map((row) => {
    let sum = 0;
    for (let j = 0; j < v.length; j++) sum += row[j] * v[j];
    return sum;
  });
}

/**
 * The mean of a set of points (one per row) and their covariance matrix.
 * `unbiased: false` (default) divides by n — the maximum-likelihood estimate; `true` divides by n − 1.
 */
export function meanAndCovariance(
  points: Matrix,
  options: { unbiased?: boolean } = {},
): {
  mean: number[];
  covariance: Matrix;
} {
  const n = points.length;
  if (n === 0) throw new RangeError('meanAndCovariance needs at least one point.');
  const d = points[0].length;
  const mean = new Array<number>(d).fill(0);
  for (const p of points) {
    if (p.length !== d)
      throw new RangeError(`All points must have ${d} coordinates; found one with ${p.length}.`);
    for (let j = 0; j < d; j++) mean[j] += p[j];
  }
  for (let j = 0; j < d; j++) mean[j] /= n;
  const covariance = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  const centred = new Array<number>(d);
  for (const p of points) {
    for (let j = 0; j < d; j++) centred[j] = p[j] - mean[j];
    for (let i = 0; i < d; i++) {
      const ci = centred[i];
      const row = covariance[i];
      for (let j = i; j < d; j++) row[j] += ci * centred[j];
    }
  }
  const divisor = options.unbiased ? Math.max(n - 1, 1) : n;
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      covariance[i][j] /= divisor;
      covariance[j][i] = covariance[i][j];
    }
  }
  return { mean, covariance };
}

/**
 * The Cholesky factor of a symmetric positive definite matrix: the lower-triangular L with a = L·Lᵀ.
 * Only the lower triangle of `a` is read.
 * @throws NotPositiveDefiniteError when a pivot is not positive.
 */
export function cholesky(a: Matrix): Matrix {
  const n = checkSquare(a, 'cholesky');
  const l = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    const li = l[i];
    for (let j = 0; j <= i; j++) {
      const lj = l[j];
      let sum = a[i][j];
      for (let k = 0; k < j; k++) sum -= li[k] * lj[k];
      if (i === j) {
        if (!(sum > 0)) throw new NotPositiveDefiniteError(i, sum);
        li[i] = Math.sqrt(sum);
      } else {
        li[j] = sum / lj[j];
      }
    }
  }
  return l;
}

/** Solves L·x = b for x, with L lower triangular (forward substitution). */
export function solveLowerTriangular(l: Matrix, b: number[]): number[] {
  const n = l.length;
  if (b.length !== n) throw new RangeError(`solveLowerTriangular: b has ${b.length} entries, not ${n}.`);
  const x = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const li = l[i];
    let sum = b[i];
    for (let k = 0; k < i; k++) sum -= li[k] * x[k];
    x[i] = sum / li[i];
  }
  return x;
}

/** log det(a) from the Cholesky factor L of a: 2 Σ log Lᵢᵢ. */
export function logDeterminantFromCholesky(l: Matrix): number {
  let sum = 0;
  for (let i = 0; i < l.length; i++) sum += Math.log(l[i][i]);
  return 2 * sum;
}

/** The eigenvalues and eigenvectors of a symmetric matrix. */
export interface SymmetricEigen {
  /** Eigenvalues, largest first. */
  values: number[];
  /** `vectors[i]` is the unit eigenvector of `values[i]`. */
  vectors: number[][];
}

/**
 * Eigendecomposition of a symmetric matrix: a = Σᵢ valuesᵢ · vectorsᵢ vectorsᵢᵀ, eigenvalues largest first.
 * Householder reduction to tridiagonal form, then the implicit QL algorithm (the EISPACK routines tred2 and
 * tql2, as in the public-domain JAMA library). Only symmetry is assumed; the matrix may be singular.
 */
export function symmetricEigen(a: Matrix): SymmetricEigen {
  const n = checkSquare(a, 'symmetricEigen');
  if (n === 0) return { values: [], vectors: [] };
  const v = a.map((row) => Float64Array.from(row));
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  tridiagonalise(v, d, e);
  // tql2 rotates pairs of columns of v; with the transpose, those are pairs of contiguous rows.
  const w = Array.from({ length: n }, (_, i) => Float64Array.from({ length: n }, (_, k) => v[k][i]));
  diagonaliseTridiagonal(w, d, e);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => d[j] - d[i]);
  return { values: order.map((i) => d[i]), vectors: order.map((i) => Array.from(w[i])) };
}

/** Householder tridiagonalisation (EISPACK tred2): v becomes the transformation, d the diagonal, e the off-diagonal. */
function tridiagonalise(v: Float64Array[], d: Float64Array, e: Float64Array): void {
  const n = v.length;
  for (let j = 0; j < n; j++) d[j] = v[n - 1][j];
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k]);
    if (scale === 0) {
      e[i] = d[i - 1];
      for (let j = 0; j < i; j++) {
        d[j] = v[i - 1][j];
        v[i][j] = 0;
        v[j][i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] /= scale;
        h += d[k] * d[k];
      }
      let f = d[i - 1];
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j];
        v[j][i] = f;
        g = e[j] + v[j][j] * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += v[k][j] * d[k];
          e[k] += v[k][j] * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] /= h;
        f += e[j] * d[j];
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] -= hh * d[j];
      for (let j = 0; j < i; j++) {
        f = d[j];
        g = e[j];
        for (let k = j; k <= i - 1; k++) v[k][j] -= f * e[k] + g * d[k];
        d[j] = v[i - 1][j];
        v[i][j] = 0;
      }
    }
    d[i] = h;
  }
  for (let i = 0; i < n - 1; i++) {
    v[n - 1][i] = v[i][i];
    v[i][i] = 1;
    const h = d[i + 1];
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = v[k][i + 1] / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += v[k][i + 1] * v[k][j];
        for (let k = 0; k <= i; k++) v[k][j] -= g * d[k];
      }
    }
    for (let k = 0; k <= i; k++) v[k][i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = v[n - 1][j];
    v[n - 1][j] = 0;
  }
  v[n - 1][n - 1] = 1;
  e[0] = 0;
}

/**
 * Implicit QL iterations on the tridiagonal matrix (d, e) (EISPACK tql2), accumulating the rotations in the
 * rows of w (the transpose of the tridiagonalising transformation). On return d holds the eigenvalues and
 * row i of w the eigenvector of d[i].
 */
function diagonaliseTridiagonal(w: Float64Array[], d: Float64Array, e: Float64Array): void {
  const n = d.length;
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  let f = 0;
  let tst1 = 0;
  const eps = 2 ** -52;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]) + Math.abs(e[l]));
    let m = l;
    while (m < n) {
      if (Math.abs(e[m]) <= eps * tst1) break;
      m++;
    }
    if (m > l) {
      let iterations = 0;
      do {
        if (++iterations > 100) throw new Error('symmetricEigen did not converge (is the matrix finite?)');
        let g = d[l];
        let p = (d[l + 1] - g) / (2 * e[l]);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l] / (p + r);
        d[l + 1] = e[l] * (p + r);
        const dl1 = d[l + 1];
        let h = g - d[l];
        for (let i = l + 2; i < n; i++) d[i] -= h;
        f += h;
        p = d[m];
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1];
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i];
          h = c * p;
          r = Math.hypot(p, e[i]);
          e[i + 1] = s * r;
          s = e[i] / r;
          c = p / r;
          p = c * d[i] - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]);
          const wi = w[i];
          const wi1 = w[i + 1];
          for (let k = 0; k < n; k++) {
            h = wi1[k];
            wi1[k] = s * wi[k] + c * h;
            wi[k] = c * wi[k] - s * h;
          }
        }
        p = (-s * s2 * c3 * el1 * e[l]) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]) > eps * tst1);
    }
    d[l] += f;
    e[l] = 0;
  }
}
