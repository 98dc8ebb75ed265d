/**
 * Floating-point operations of the matrix layers of a model, counted from the layer shapes (2 per
 * multiply-add). Elementwise work (activations, batch norm, the optimizer) is not counted: it is small
 * next to the convolutions and matrix products and does not have a standard count.
 */
import type * as tf from '@tensorflow/tfjs';

/** The FLOPs of one matrix layer for one batch. */
export interface LayerFlops {
  /** Layer name. */
  name: string;
  /** The layer's class (`Dense`, `Conv2D`, `Conv2DTranspose`). */
  kind: string;
  /** Forward pass. */
  forward: number;
  /** Gradient with respect to the weights (same multiply-adds as the forward pass). */
  weightGradient: number;
  /** Gradient with respect to the input (same multiply-adds as the forward pass). */
  inputGradient: number;
}

const product = (dims: (number | null)[]) => dims.reduce<number>((p, d) => p * (d ?? 1), 1);

/**
 * The FLOPs of every Dense, Conv2D and Conv2DTranspose layer of `model` for a batch of `batchSize`,
 * in layer order. A convolution's forward pass costs 2 * (output pixels) * (filter taps) * (input
 * channels) * (output channels); a transposed convolution is counted over its input pixels.
 */
export function layerFlops(model: tf.LayersModel, batchSize: number): LayerFlops[] {
  const out: LayerFlops[] = [];
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    const inShape = (layer.input as tf.SymbolicTensor).shape;
    const outShape = layer.outputShape as (number | null)[];
    let forward = 0;
    if (kind === 'Dense') {
      const inputs = inShape[inShape.length - 1] ?? 0;
      const units = outShape[outShape.length - 1] ?? 0;
      forward = 2 * batchSize * product(inShape.slice(1, -1)) * inputs * units;
    } else if (kind === 'Conv2D' || kind === 'Conv2DTranspose') {
      const config = layer.getConfig() as { kernelSize: number | number[] };
      const k = Array.isArray(config.kernelSize) ? config.kernelSize : [config.kernelSize, config.kernelSize];
      const taps = k[0] * k[1];
      const ci = inShape[3] ?? 0;
      const co = outShape[3] ?? 0;
      const pixels = kind === 'Conv2D' ? product(outShape.slice(1, 3)) : product(inShape.slice(1, 3));
      forward = 2 * batchSize * pixels * taps * ci * co;
    } else {
      continue;
    }
    out.push({ name: layer.name, kind, forward, weightGradient: forward, inputGradient: forward });
  }
  return out;
}
