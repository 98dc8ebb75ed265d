/**
 * Models: discriminative classifiers (logistic regression, MLP, small CNN) and their training, the
 * generative class-conditional Gaussian model, PCA, the reference classifier that scores generated digits,
 * and saving/loading on disk (`io/`).
 */

export * from './classifier-training';
export * from './classifiers';
export * from './gaussian-class-conditional';
export * from './io';
export * from './pca';
export * from './reference-classifier';
export * from './shape-check';
