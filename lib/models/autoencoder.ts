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

/** Dense (MLP) or convolutional networks. */
export type NetworkKind = 'dense' | 'conv';

/** An encoder-decoder pair. Tensors returned by its methods belong to the caller. */
export interface Autoencoder extends EncoderDecoderWeights {
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
}

/** Options of {@link buildDenseAutoencoder}; the code length `latentDim` defaults to 32. */
export type DenseAutoencoderOptions = DenseModelOptions;

/** Options of {@link buildConvAutoencoder}; the code length `latentDim` defaults to 32. */
export type ConvAutoencoderOptions = ConvModelOptions;

function makeAutoencoder(
  kind: NetworkKind,
  latentDim: number,
  encoder: tf.Sequential,
  decoder: tf.Sequential,
): Autoencoder {
  const encode = (images: tf.Tensor4D): tf.Tensor2D => {
    assertImageBatch(images, 'encode');
    return encoder.apply(images) as tf.Tensor2D;
  };
  const decode = (codes: tf.Tensor2D): tf.Tensor4D => {
    assertCodeBatch(codes, latentDim, 'decode');
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
    ...encoderDecoderWeights(encoder, decoder),
  };
}

/**
 * A dense autoencoder: 784 pixels → hidden ReLU layers → `latentDim` linear code → mirrored hidden layers
 * → 784 sigmoid outputs, like the `Dense(64)` autoencoder of TensorFlow's autoencoder tutorial with a
 * hidden layer on each side.
 */
export function buildDenseAutoencoder(options: DenseAutoencoderOptions = {}): Autoencoder {
  const latentDim = options.latentDim ?? 32;
  const network = denseNetworkOptions(options);
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
  const network = convNetworkOptions(options);
  return makeAutoencoder(
    'conv',
    latentDim,
    buildConvEncoder('conv encoder', latentDim, network),
    buildConvDecoder('conv decoder', latentDim, 'sigmoid', network),
  );
}
