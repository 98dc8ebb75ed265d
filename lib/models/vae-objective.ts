/**
 * The VAE objective, in nats per image:
 *
 *   negative ELBO = E_q[−log p(x | z)]  +  KL(q(z | x) ‖ N(0, I))
 *                 = reconstruction      +  KL
 *
 * with q(z | x) = N(mean, exp(logVar)) from the encoder, p(x | z) a Bernoulli per pixel with the decoder's
 * logits, and the expectation estimated with one sample drawn by the reparameterisation trick. The β-VAE
 * loss weighs the KL term: reconstruction + β·KL (β = 1 is the negative ELBO).
 */
import * as tf from '@tensorflow/tfjs';
import type { Vae } from './vae';

/**
 * The reparameterisation trick: z = mean + exp(logVar / 2) · ε with ε ~ N(0, I) drawn from `seed`.
 * z has the distribution N(mean, exp(logVar)), and gradients flow to mean and logVar because the
 * randomness sits in ε only.
 */
export function reparameterize(mean: tf.Tensor2D, logVar: tf.Tensor2D, seed: number): tf.Tensor2D {
  if (mean.shape.join() !== logVar.shape.join()) {
    throw new RangeError(
      `mean [${mean.shape.join(', ')}] and logVar [${logVar.shape.join(', ')}] must have the same shape.`,
    );
  }
  return tf.tidy(() => {
    const epsilon = tf.randomNormal(mean.shape, 0, 1, 'float32', seed);
    return tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), epsilon)) as tf.Tensor2D;
  });
}

/**
 * KL(N(mean, exp(logVar)) ‖ N(0, 1)) for every example and code dimension, in closed form:
 * ½ (exp(logVar) + mean² − 1 − logVar). Shape [N, latentDim]; sum over dimensions for the KL term.
 */
export function klDivergencePerDimension(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(
    () => tf.mul(0.5, tf.sub(tf.add(tf.exp(logVar), tf.square(mean)), tf.add(1, logVar))) as tf.Tensor2D,
  );
}

/**
 * −log p(x | logits) for a Bernoulli per pixel, summed over the pixels of each image: the sigmoid
 * cross-entropy max(l, 0) − l·x + log(1 + exp(−|l|)), stable for any logit l. Shape [N], in nats.
 * Exact for binary images; for grey images in [0, 1] it is the usual cross-entropy loss.
 */
export function bernoulliNegLogLikelihood(images: tf.Tensor4D, logits: tf.Tensor4D): tf.Tensor1D {
  if (images.shape.join() !== logits.shape.join()) {
    throw new RangeError(
      `images [${images.shape.join(', ')}] and logits [${logits.shape.join(', ')}] must have the same shape.`,
    );
  }
  return tf.tidy(() => {
    const perPixel = tf.add(
      tf.sub(tf.relu(logits), tf.mul(logits, images)),
      tf.log1p(tf.exp(tf.neg(tf.abs(logits)))),
    );
    return tf.sum(perPixel, [1, 2, 3]) as tf.Tensor1D;
  });
}

/** Options of {@link vaeLossTerms}. */
export interface VaeLossOptions {
  /** Weight of the KL term in `loss`. Default 1 (then `loss` is the negative ELBO). */
  beta?: number;
  /** Seed of the reparameterisation noise ε: use a new one at every training step. */
  seed: number;
}

/** The terms of the VAE loss for a batch, each averaged over the batch (nats per image). */
export interface VaeLossTerms {
  /** E_q[−log p(x | z)], one-sample estimate. */
  reconstruction: tf.Scalar;
  /** KL(q(z | x) ‖ N(0, I)), closed form. */
  kl: tf.Scalar;
  /** reconstruction + β·KL: what training minimises. */
  loss: tf.Scalar;
}

/**
 * Encodes a batch, draws one code per image with the reparameterisation trick, decodes it and returns the
 * reconstruction and KL terms and their β-weighted sum, all averaged over the batch.
 */
export function vaeLossTerms(vae: Vae, images: tf.Tensor4D, options: VaeLossOptions): VaeLossTerms {
  const beta = options.beta ?? 1;
  if (!Number.isFinite(beta) || beta < 0) throw new RangeError(`beta must be a number >= 0, got ${beta}.`);
  return tf.tidy(() => {
    const { mean, logVar } = vae.encode(images);
    const z = reparameterize(mean, logVar, options.seed);
    const reconstruction = tf.mean(bernoulliNegLogLikelihood(images, vae.decodeLogits(z))) as tf.Scalar;
    const kl = tf.mean(tf.sum(klDivergencePerDimension(mean, logVar), 1)) as tf.Scalar;
    const loss = tf.add(reconstruction, tf.mul(beta, kl)) as tf.Scalar;
    return { reconstruction, kl, loss };
  });
}
