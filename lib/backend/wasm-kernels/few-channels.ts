import type * as tf from '@tensorflow/tfjs';
import { Intermediates, runKernel, type WasmBackendLike } from './run-kernel';

/**
 * The convolution input gradient for layers with very few image channels (the last transposed
 * convolution of a generator writing 1-channel images; the input gradient of a discriminator's first
 * convolution). The stride-phase formulation hands XNNPACK convolutions with only 1-4 output
 * channels, where it runs at a few GFLOP/s. Here the product is taken over the other channel count
 * instead, and the per-pixel rearrangement (col2im: `Ci` times the filter size per pixel, small when
 * `Ci` is) is done by plain loops on the wasm heap.
 */

/** At most this many image channels (`Ci`) take the paths in this module. */
export const FEW_CHANNELS = 4;

/** The geometry of one 2-D convolution (NHWC), as `backend_util.computeConv2DInfo` gives it. */
export interface ConvGeometry {
  batchSize: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  padInfo: { top: number; left: number };
}

function matMul(backend: object, a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
  // No transposes: the case the wasm package hands to XNNPACK.
  return runKernel('BatchMatMul', 'wasm', backend, { a, b }, { transposeA: false, transposeB: false });
}

/**
 * `Conv2DBackpropInput` (dx from dy and the filter) as one product and a col2im:
 * cols[p, t] = sum over co of dy[p, co] * filter[t, co] for every output pixel p and filter entry
 * t = (fh, fw, ci), then each pixel's cols are added into dx at the input pixels its filter window
 * covers.
 */
export function inputGradientFewChannels(
  backend: object,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  g: ConvGeometry,
): tf.TensorInfo {
  const wasm = backend as WasmBackendLike;
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, outChannels } = g;
  const taps = g.filterHeight * g.filterWidth * inChannels;
  const pixels = batchSize * outHeight * outWidth;
  const temps = new Intermediates(wasm);
  try {
    // filter as [1, Co, T] (transposed from [T, Co]).
    const filterT = temps.track(wasm.makeOutput([1, outChannels, taps], 'float32'));
    {
      const f = wasm.typedArrayFromHeap(filter) as Float32Array;
      const ft = wasm.typedArrayFromHeap(filterT) as Float32Array;
      for (let t = 0; t < taps; t++)
        for (let co = 0; co < outChannels; co++) ft[co * taps + t] = f[t * outChannels + co];
    }
    const dy3 = temps.track(
      runKernel('Reshape', 'wasm', backend, { x: dy }, { shape: [1, pixels, outChannels] }),
    );
    const cols = temps.track(matMul(backend, dy3, filterT));
    const dx = wasm.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
    const out = wasm.typedArrayFromHeap(dx) as Float32Array;
    const c = wasm.typedArrayFromHeap(cols) as Float32Array;
    out.fill(0);
    const { top, left } = g.padInfo;
    let p = 0;
    for (let b = 0; b < batchSize; b++) {
      for (let oh = 0; oh < outHeight; oh++) {
        for (let ow = 0; ow < outWidth; ow++, p++) {
          const colBase = p * taps;
          for (let fh = 0; fh < g.filterHeight; fh++) {
            const ih = oh * g.strideHeight + fh - top;
            if (ih < 0 || ih >= inHeight) continue;
            for (let fw = 0; fw < g.filterWidth; fw++) {
              const iw = ow * g.strideWidth + fw - left;
              if (iw < 0 || iw >= inWidth) continue;
              const to = ((b * inHeight + ih) * inWidth + iw) * inChannels;
              const from = colBase + (fh * g.filterWidth + fw) * inChannels;
              for (let ci = 0; ci < inChannels; ci++) out[to + ci] += c[from + ci];
            }
          }
        }
      }
    }
    return dx;
  } finally {
    temps.disposeAll();
  }
}
