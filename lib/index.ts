/**
 * genlib: the shared library behind the generative-models notebooks.
 *
 * - `backend/`: choose and initialise the fastest TensorFlow.js backend, and explain the choice;
 * - `data/`: IDX files, the offline MNIST-10k default, full MNIST and Fashion-MNIST, seeded batching;
 * - `models/`: model builders (e.g. the fully connected GAN networks, `models/gan-mlp`);
 * - `training/`: the shared training loop, and the GAN losses, steps, trainer and toy-GAN inspection;
 * - `metrics/`: measures of generated samples (e.g. the sliced Wasserstein distance for toy data);
 * - `visualisation/`: Plotly charts, image grids, polars tables and live progress in notebooks;
 * - `config/` and `jupyter/`: run profiles, project paths and the Jupyter kernel set-up.
 */
export * from './backend';
export * from './config/profile';
export * from './data';
export * from './data/batch-samplers';
export * from './metrics/sample-distance';
export * from './models/gan-mlp';
export * from './training';
export * from './training/gan-keras-style';
export * from './training/gan-losses';
export * from './training/gan-steps';
export * from './training/gan-toy';
export * from './training/gan-toy-run';
export * from './training/gan-trainer';
export * from './visualisation';
export * from './visualisation/gan-lab-figure';
