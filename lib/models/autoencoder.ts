/**
 * Plain autoencoders: an encoder compresses an image into a short code (the "hidden representation"),
 * a decoder rebuilds the image from the code, and both are trained to make the rebuilt image equal the
 * original. Dense and convolutional builders, both with a sigmoid output in [0, 1].
 *
 *   const ae = buildDenseAutoencoder({ latentDim: 32, seed: 1 });
 *   const codes = ae.encode(images);        // [N, 32]
 *   const rebuilt = ae.decode(codes);       // [N, 28, 28, 1]
 */
import * as tf from '@tensorflow/tfjs';
import {
  AUTOENCODER_IMAGE_SHAPE,
  buildConvDecoder,
  buildConvEncoder,
  buildDenseDecoder,
  buildDenseEncoder,
  parameterCount,
  trainableVariablesOf,
} from './encoder-decoder';

/** Dense (MLP) or convolutional networks. */
export type NetworkKind = 'dense' | 'conv';

/** An encoder-decoder pair. Tensors returned by its methods belong to the caller. */
export interface Autoencoder {
  readonly kind: NetworkKind;
  /** Length of the code. */
  readonly latentDim: number;
  /** Image [N, 28, 28, 1] → code [N, latentDim]. */
  readonly encoder: tf.Sequential;
  /** Code [N, latentDim] → image [N, 28, 28, 1] in [0, 1]. */
  readonly decoder: tf.Sequential;
  /** Codes of a batch of images. */
  encode(images: tf.Tensor4D): tf.Tensor2D;
  /** Images (pixel values in [0, 1]) decoded from codes. */
  decode(codes: tf.Tensor2D): tf.Tensor4D;
  /** decode(encode(images)). */
  reconstruct(images: tf.Tensor4D): tf.Tensor4D;
  /** The encoder's and decoder's trainable variables: the list to pass to `optimizer.minimize`. */
  trainableVariables(): tf.Variable[];
  /** Number of weights of encoder and decoder. */
  countParams(): number;
  /** Frees the weights. */
  dispose(): void;
}

/** Options of {@link buildDenseAutoencoder}. */
export interface DenseAutoencoderOptions {
  /** Code length. Default 32. */
  latentDim?: number;
  /** Hidden layer widths from the image side (the decoder mirrors them). Default [256]. */
  hiddenUnits?: readonly number[];
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
}

/** Options of {@link buildConvAutoencoder}. */
export interface ConvAutoencoderOptions {
  /** Code length. Default 32. */
  latentDim?: number;
  /** Filters of the one or two stride-2 convolutions (the decoder mirrors them). Default [16, 32]. */
  filters?: readonly number[];
  /** Kernel size of every convolution. Default 3. */
  kernelSize?: number;
  /** Seed of the weight initialisers. Default 0. */
  seed?: number;
}

function checkImages(images: tf.Tensor, what: string): void {
  const [, h, w, c] = images.shape;
  const [eh, ew, ec] = AUTOENCODER_IMAGE_SHAPE;
  if (images.rank !== 4 || h !== eh || w !== ew || c !== ec) {
    throw new RangeError(
      `${what} needs images of shape [N, ${eh}, ${ew}, ${ec}], got [${images.shape.join(', ')}]. ` +
        'Use the images of loadDataset(), or reshape flat vectors with tf.reshape(x, [-1, 28, 28, 1]).',
    );
  }
}

function checkCodes(codes: tf.Tensor, latentDim: number, what: string): void {
  if (codes.rank !== 2 || codes.shape[1] !== latentDim) {
    throw new RangeError(`${what} needs codes of shape [N, ${latentDim}], got [${codes.shape.join(', ')}].`);
  }
}

function makeAutoencoder(
  kind: NetworkKind,
  latentDim: number,
  encoder: tf.Sequential,
  decoder: tf.Sequential,
): Autoencoder {
  const encode = (images: tf.Tensor4D): tf.Tensor2D => {
    checkImages(images, 'encode');
    return encoder.apply(images) as tf.Tensor2D;
  };
  const decode = (codes: tf.Tensor2D): tf.Tensor4D => {
    checkCodes(codes, latentDim, 'decode');
    return decoder.apply(codes) as tf.Tensor4D;
  };
  return {
    kind,
    latentDim,
    encoder,
    decoder,
    encode,
    decode,
    reconstruct: (images) => tf.tidy(() => decode(encode(images))),
    trainableVariables: () => trainableVariablesOf(encoder, decoder),
    countParams: () => parameterCount(encoder, decoder),
    dispose() {
      encoder.dispose();
      decoder.dispose();
    },
  };
}

/**
 * A dense autoencoder: 784 pixels → hidden ReLU layers → `latentDim` linear code → mirrored hidden layers
 * → 784 sigmoid outputs, like the `Dense(64)` autoencoder of TensorFlow's autoencoder tutorial with a
 * hidden layer on each side.
 */
export function buildDenseAutoencoder(options: DenseAutoencoderOptions = {}): Autoencoder {
  const latentDim = options.latentDim ?? 32;
  const network = { hiddenUnits: options.hiddenUnits ?? [256], seed: options.seed ?? 0 };
  return makeAutoencoder(
    'dense',
    latentDim,
    buildDenseEncoder('dense encoder', latentDim, network),
    buildDenseDecoder('dense decoder', latentDim, 'sigmoid', network),
  );
}

/**
 * A convolutional autoencoder: stride-2 convolutions 28 → 14 → 7, a dense `latentDim` code, then a dense
 * layer and mirrored transposed convolutions back to a 28×28 sigmoid image. Train it only after
 * `assertConvTrainingSupported()` (the trainers here call it).
 */
export function buildConvAutoencoder(options: ConvAutoencoderOptions = {}): Autoencoder {
  const latentDim = options.latentDim ?? 32;
  const network = {
    filters: options.filters ?? [16, 32],
    kernelSize: options.kernelSize ?? 3,
    seed: options.seed ?? 0,
  };
  return makeAutoencoder(
    'conv',
    latentDim,
    buildConvEncoder('conv encoder', latentDim, network),
    buildConvDecoder('conv decoder', latentDim, 'sigmoid', network),
  );
}
