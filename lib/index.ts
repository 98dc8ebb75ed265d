/**
 * genlib: the shared library behind the generative-models notebooks.
 *
 * - `backend/`: choose and initialise the fastest TensorFlow.js backend, and explain the choice;
 * - `data/`: IDX files, the offline MNIST-10k default, full MNIST and Fashion-MNIST, seeded batching, toy data;
 * - `maths/`: dense linear algebra (Cholesky, symmetric eigendecomposition, covariances);
 * - `models/`: classifiers, the Gaussian class-conditional model, PCA, the reference classifier, model IO,
 *   autoencoders and VAEs (dense and convolutional), the VAE objective, latent-space helpers, the MLP GAN, a
 *   small convolutional GAN, and the DCGAN of TensorFlow's tutorial (and its conditional variant);
 * - `training/`: the shared training loop; the autoencoder, VAE, GAN and DCGAN trainers, losses and steps;
 *   checkpoints with optimizer state, resume, and a clean stop on Ctrl-C;
 * - `metrics/`: measures of generated samples: sliced Wasserstein (toy data), Fréchet classifier distance,
 *   classifier score, class coverage, sharpness, memorisation, and the generator evaluator with its baseline;
 * - `visualisation/`: Plotly charts, image grids, animated GIFs, polars tables, live progress, GAN Lab-style figures;
 * - `config/` and `jupyter/`: run profiles, project paths and the Jupyter kernel set-up;
 * - `benchmarks/` (as `benchmarks.*`): the training steps `npm run bench` times, FLOP counts, a per-kernel profiler.
 */
export * from './backend';
export * as benchmarks from './benchmarks';
export * from './config/profile';
export * from './data';
export * from './data/batch-samplers';
export * from './maths';
export * from './metrics';
export * from './models';
export * from './models/autoencoder';
export * from './models/dcgan';
export * from './models/dcgan-sampling';
export * from './models/encoder-decoder';
export * from './models/gan-conv';
export * from './models/gan-mlp';
export * from './models/latent-space';
export * from './models/seeded-dropout';
export * from './models/vae';
export * from './models/vae-objective';
export * from './training';
export * from './training/autoencoder-training';
export * from './training/dcgan-checkpoint';
export * from './training/dcgan-config';
export * from './training/dcgan-profiles';
export * from './training/dcgan-step';
export * from './training/dcgan-summary';
export * from './training/dcgan-trainer';
export * from './training/epoch-schedule';
export * from './training/gan-keras-style';
export * from './training/gan-losses';
export * from './training/gan-steps';
export * from './training/gan-toy';
export * from './training/gan-toy-run';
export * from './training/gan-trainer';
export * from './training/interrupt';
export * from './training/optimizer-state';
export * from './training/vae-training';
export * from './visualisation';
export * from './visualisation/gan-lab-figure';
export * from './visualisation/training-log-figure';
