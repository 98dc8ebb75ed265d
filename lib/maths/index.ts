/** Numerical building blocks in plain TypeScript: dense linear algebra, means and covariances. */

export * from './linear-algebra';
