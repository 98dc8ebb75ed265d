/**
 * Variational autoencoders (Kingma & Welling, 2014). The encoder maps an image to a Gaussian over codes,
 * given by its mean and log-variance; the decoder maps a code to the logits of one Bernoulli distribution
 * per pixel. Dense and convolutional builders; the objective (reparameterisation, KL term, ELBO) is in
 * `vae-objective.ts`.
 *
 *   const vae = buildConvVae({ latentDim: 2, seed: 1 });
 *   const { mean, logVar } = vae.encode(images);   // [N, 2] each
 *   const pixels = vae.decode(z);                  // [N, 28, 28, 1], probabilities in (0, 1)
 */
import * as tf from '@tensorflow/tfjs';
import type { NetworkKind } from './autoencoder';
import {
  assertCodeBatch,
  assertImageBatch,
  buildConvDecoder,
  buildConvEncoder,
  buildDenseDecoder,
  buildDenseEncoder,
  type ConvModelOptions,
  convNetworkOptions,
  type DenseModelOptions,
  denseNetworkOptions,
  type EncoderDecoderWeights,
  encoderDecoderWeights,
} from './encoder-decoder';

/** The encoder's output for a batch: q(z | x) = N(mean, exp(logVar)), per code dimension. */
export interface LatentGaussian {
  /** [N, latentDim]. */
  mean: tf.Tensor2D;
  /** Natural log of the variance, [N, latentDim]. */
  logVar: tf.Tensor2D;
}

/** A variational autoencoder. Tensors returned by its methods belong to the caller. */
export interface Vae extends EncoderDecoderWeights {
  readonly kind: NetworkKind;
  /** Number of code dimensions. */
  readonly latentDim: number;
  /** Image [N, 28, 28, 1] → [N, 2·latentDim]: the means, then the log-variances. */
  readonly encoder: tf.Sequential;
  /** Code [N, latentDim] → pixel logits [N, 28, 28, 1]. */
  readonly decoder: tf.Sequential;
  /** Mean and log-variance of q(z | x) for a batch of images. */
  encode(images: tf.Tensor4D): LatentGaussian;
  /** Pixel logits for a batch of codes (the decoder's raw output). */
  decodeLogits(codes: tf.Tensor2D): tf.Tensor4D;
  /** Pixel probabilities sigmoid(logits) in (0, 1): the mean image of p(x | z), what samples show. */
  decode(codes: tf.Tensor2D): tf.Tensor4D;
}

/** Options of {@link buildDenseVae}; the number of code dimensions `latentDim` defaults to 16. */
export type DenseVaeOptions = DenseModelOptions;

/** Options of {@link buildConvVae}; the number of code dimensions `latentDim` defaults to 16. */
export type ConvVaeOptions = ConvModelOptions;

function makeVae(kind: NetworkKind, latentDim: number, encoder: tf.Sequential, decoder: tf.Sequential): Vae {
  const decodeLogits = (codes: tf.Tensor2D): tf.Tensor4D => {
    assertCodeBatch(codes, latentDim, 'decode');
    return decoder.apply(codes) as tf.Tensor4D;
  };
  return {
    kind,
    latentDim,
    encoder,
    decoder,
    encode(images) {
      assertImageBatch(images, 'encode');
      return tf.tidy(() => {
        const [mean, logVar] = tf.split(encoder.apply(images) as tf.Tensor2D, 2, 1) as [
          tf.Tensor2D,
          tf.Tensor2D,
        ];
        return { mean, logVar };
      });
    },
    decodeLogits,
    decode: (codes) => tf.tidy(() => tf.sigmoid(decodeLogits(codes))),
    ...encoderDecoderWeights(encoder, decoder),
  };
}

/**
 * A dense VAE: 784 pixels → hidden ReLU layers → 2·latentDim outputs (mean, log-variance); decoder
 * latentDim → mirrored hidden layers → 784 logits. TensorFlow.js's fashion-mnist-vae example is this with
 * hiddenUnits [512] and latentDim 2.
 */
export function buildDenseVae(options: DenseVaeOptions = {}): Vae {
  const latentDim = options.latentDim ?? 16;
  const network = denseNetworkOptions(options);
  return makeVae(
    'dense',
    latentDim,
    buildDenseEncoder('dense VAE encoder', 2 * latentDim, network),
    buildDenseDecoder('dense VAE decoder', latentDim, 'linear', network),
  );
}

/**
 * A convolutional VAE with the layout of TensorFlow's CVAE tutorial: stride-2 convolutions 28 → 14 → 7
 * (filters [32, 64] there; [16, 32] by default here, four times cheaper on a CPU), a dense layer to
 * 2·latentDim; decoder dense → 7×7 maps → transposed convolutions → 28×28 logits. Train it only after
 * `assertConvTrainingSupported()` (the trainers here call it).
 */
export function buildConvVae(options: ConvVaeOptions = {}): Vae {
  const latentDim = options.latentDim ?? 16;
  const network = convNetworkOptions(options);
  return makeVae(
    'conv',
    latentDim,
    buildConvEncoder('conv VAE encoder', 2 * latentDim, network),
    buildConvDecoder('conv VAE decoder', latentDim, 'linear', network),
  );
}
