/**
 * genlib: the shared library behind the generative-models notebooks.
 *
 * - `backend/`: choose and initialise the fastest TensorFlow.js backend, and explain the choice;
 * - `data/`: IDX files, the offline MNIST-10k default, full MNIST and Fashion-MNIST, seeded batching;
 * - `visualisation/`: Plotly charts, image grids, polars tables and live progress in notebooks;
 * - `models/`: autoencoders and VAEs (dense and convolutional), the VAE objective, latent-space helpers;
 * - `training/`: the shared training loop, and the autoencoder and VAE trainers built on it;
 * - `config/` and `jupyter/`: run profiles, project paths and the Jupyter kernel set-up.
 */
export * from './backend';
export * from './config/profile';
export * from './data';
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
