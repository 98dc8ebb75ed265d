/**
 * genlib: the shared library behind the generative-models notebooks.
 *
 * - `backend/`: choose and initialise the fastest TensorFlow.js backend, and explain the choice;
 * - `data/`: IDX files, the offline MNIST-10k default, full MNIST and Fashion-MNIST, seeded batching;
 * - `maths/`: dense linear algebra (Cholesky, symmetric eigendecomposition, covariances);
 * - `models/`: classifiers, the Gaussian class-conditional model, PCA, the reference classifier, model IO;
 * - `visualisation/`: Plotly charts, image grids, polars tables and live progress in notebooks;
 *   also autoencoders and VAEs (dense and convolutional), the VAE objective, latent-space helpers;
 * - `training/`: the shared training loop, and the autoencoder and VAE trainers built on it;
 * - `config/` and `jupyter/`: run profiles, project paths and the Jupyter kernel set-up;
 * - `benchmarks/` (as `benchmarks.*`): the training steps `npm run bench` times, FLOP counts, a per-kernel profiler.
 */
export * from './backend';
export * as benchmarks from './benchmarks';
export * from './config/profile';
export * from './data';
export * from './maths';
export * from './models';
export * from './models/autoencoder';
export * from './models/encoder-decoder';
export * from './models/latent-space';
export * from './models/vae';
export * from './models/vae-objective';
export * from './training';
export * from './training/autoencoder-training';
export * from './training/epoch-schedule';
export * from './training/vae-training';
export * from './visualisation';
export * from './visualisation/training-log-figure';
