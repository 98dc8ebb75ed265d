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
  AUTOENCODER_IMAGE_SHAPE,
  buildConvDecoder,
  buildConvEncoder,
  buildDenseDecoder,
  buildDenseEncoder,
  parameterCount,
  trainableVariablesOf,
} from './encoder-decoder';

/** The encoder's output for a batch: q(z | x) = N(mean, exp(logVar)), per code dimension. */
export interface LatentGaussian {
  /** [N, latentDim]. */
  mean: tf.Tensor2D;
  /** Natural log of the variance, [N, latentDim]. */
  logVar: tf.Tensor2D;
}

/** A variational autoencoder. Tensors returned by its methods belong to the caller. */
export interface Vae {
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
  /** The encoder's and decoder's trainable variables: the list to pass to `optimizer.minimize`. */
  trainableVariables(): tf.Variable[];
  /** Number of weights of encoder and decoder. */
  countParams(): number;
  /** Frees the weights. */
  dispose(): void;
}

/** Options of {@link buildDenseVae}. */
export interface DenseVaeOptions {
  /** Number of code dimensions. Default 16. */
  latentDim?: number;
  /** Hidden layer widths from the image side (the decoder mirrors them). Default [256]. */
  hiddenUnits?: readonly number[];
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
}

/** Options of {@link buildConvVae}. */
export interface ConvVaeOptions {
  /** Number of code dimensions. Default 16. */
  latentDim?: number;
  /** Filters of the one or two stride-2 convolutions (the decoder mirrors them). Default [16, 32]. */
  filters?: readonly number[];
  /** Kernel size of every convolution. Default 3. */
  kernelSize?: number;
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
}

function makeVae(kind: NetworkKind, latentDim: number, encoder: tf.Sequential, decoder: tf.Sequential): Vae {
  const decodeLogits = (codes: tf.Tensor2D): tf.Tensor4D => {
    if (codes.rank !== 2 || codes.shape[1] !== latentDim) {
      throw new RangeError(`decode needs codes of shape [N, ${latentDim}], got [${codes.shape.join(', ')}].`);
    }
    return decoder.apply(codes) as tf.Tensor4D;
  };
  return {
    kind,
    latentDim,
    encoder,
    decoder,
    encode(images) {
      const [, h, w, c] = images.shape;
      const [eh, ew, ec] = AUTOENCODER_IMAGE_SHAPE;
      if (images.rank !== 4 || h !== eh || w !== ew || c !== ec) {
        throw new RangeError(
          `encode needs images of shape [N, ${eh}, ${ew}, ${ec}], got [${images.shape.join(', ')}].`,
        );
      }
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
    trainableVariables: () => trainableVariablesOf(encoder, decoder),
    countParams: () => parameterCount(encoder, decoder),
    dispose() {
      encoder.dispose();
      decoder.dispose();
    },
  };
}

/**
 * A dense VAE: 784 pixels → hidden ReLU layers → 2·latentDim outputs (mean, log-variance); decoder
 * latentDim → mirrored hidden layers → 784 logits. TensorFlow.js's fashion-mnist-vae example is this with
 * hiddenUnits [512] and latentDim 2.
 */
export function buildDenseVae(options: DenseVaeOptions = {}): Vae {
  const latentDim = options.latentDim ?? 16;
  const network = { hiddenUnits: options.hiddenUnits ?? [256], seed: options.seed ?? 0 };
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
  const network = {
    filters: options.filters ?? [16, 32],
    kernelSize: options.kernelSize ?? 3,
    seed: options.seed ?? 0,
  };
  return makeVae(
    'conv',
    latentDim,
    buildConvEncoder('conv VAE encoder', 2 * latentDim, network),
    buildConvDecoder('conv VAE decoder', latentDim, 'linear', network),
  );
}
