/**
 * The data layer: datasets by name (committed MNIST subset, full MNIST, Fashion-MNIST), the IDX
 * format, verified downloads, and seeded shuffling and batching.
 */

export * from './augment';
export * from './catalog';
export * from './datasets';
export * from './fetch';
export * from './idx';
export * from './random';
export * from './toy-data';
