import * as tf from '@tensorflow/tfjs';
import { FEW_CHANNELS, inputGradientFewChannels } from './few-channels';
import { Intermediates, runKernel, type WasmBackendLike } from './run-kernel';
import { runShippedWasmKernel, shippedSetup } from './shipped';
import { runWithThreads } from './thread-switch';

type Shape4D = [number, number, number, number];

/**
 * The input gradient of a 2-D convolution (`Conv2DBackpropInput`, also the forward pass of
 * `conv2dTranspose`) for the wasm backend, rebuilt on XNNPACK convolutions, which run several
 * times faster than the shipped direct loop.
 *
 * Polyphase decomposition: with stride s, the input rows ih with (ih + padTop) mod s = r receive
 * only the filter taps fh = r, r + s, r + 2s, ...; for each of the s_h * s_w phases (r_h, r_w) the
 * phase's rows are a stride-1 convolution of dy with that sub-filter, flipped in space and with
 * in/out channels swapped. The sub-filters are cut out and rearranged in one pass over the filter,
 * and each phase's rows are scattered straight into the result (both on the wasm heap, by plain
 * copies): the only kernels run are the XNNPACK convolutions. Every multiply-add is one that the
 * direct kernel also does, apart from up to s - 1 border rows/columns per phase. Layers with at most
 * {@link FEW_CHANNELS} input channels (a generator's 1-channel output) take a product plus col2im
 * instead ({@link inputGradientFewChannels}).
 */
export function conv2DBackpropInputWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: object;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { inputs, backend } = args;
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const { inputShape, strides, pad, dataFormat, dimRoundingMode } = attrs;
  if (dataFormat === 'NCHW' || dy.dtype !== 'float32' || filter.dtype !== 'float32') {
    return runShippedWasmKernel('Conv2DBackpropInput', args);
  }
  const info = tf.backend_util.computeConv2DInfo(
    inputShape,
    filter.shape as Shape4D,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    'channelsLast',
  );
  const { batchSize, inChannels, outChannels, outHeight, outWidth } = info;
  const flops =
    2 * batchSize * outHeight * outWidth * outChannels * info.filterHeight * info.filterWidth * inChannels;
  return runWithThreads(flops, () =>
    inChannels <= FEW_CHANNELS
      ? inputGradientFewChannels(backend, dy, filter, info)
      : polyphase(backend, dy, filter, info),
  );
}

/** The stride-phase computation of {@link conv2DBackpropInputWasm}. */
function polyphase(
  backend: object,
  dy: tf.TensorInfo,
  filter: tf.TensorInfo,
  info: tf.backend_util.Conv2DInfo,
): tf.TensorInfo {
  const { batchSize, inHeight, inWidth, inChannels, outChannels, outHeight, outWidth } = info;
  const { filterHeight, filterWidth } = info;
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const { top, left } = info.padInfo;
  const wasm = backend as WasmBackendLike;
  const output = wasm.makeOutput([batchSize, inHeight, inWidth, inChannels], 'float32');
  const temps = new Intermediates(wasm);
  try {
    for (let rh = 0; rh < sh; rh++) {
      for (let rw = 0; rw < sw; rw++) {
        // Phase (rh, rw) holds the input rows ih = q*sh + rh - top for q in [qlo, qlo + qRows), and
        // the columns iw = q*sw + rw - left for q in [qlow, qlow + qCols).
        const qlo = Math.ceil((top - rh) / sh);
        const qRows = Math.floor((inHeight - 1 + top - rh) / sh) - qlo + 1;
        const qlow = Math.ceil((left - rw) / sw);
        const qCols = Math.floor((inWidth - 1 + left - rw) / sw) - qlow + 1;
        if (qRows <= 0 || qCols <= 0) continue;
        const kh = Math.ceil((filterHeight - rh) / sh);
        const kw = Math.ceil((filterWidth - rw) / sw);
        if (kh <= 0 || kw <= 0) {
          // No filter tap reaches these rows/columns (stride larger than the filter): zero gradient.
          scatterPhase(wasm, output, null, {
            rh,
            rw,
            sh,
            sw,
            top,
            left,
            qlo,
            qlow,
            qRows,
            qCols,
            p0: 0,
            p0w: 0,
          });
          continue;
        }
        const kernel = temps.track(wasm.makeOutput([kh, kw, outChannels, inChannels], 'float32'));
        subFilter(wasm, filter, kernel, { rh, rw, sh, sw, kh, kw });
        // Conv output row p is grid row q = p + (kh - 1) - padT.
        const padT = Math.max(0, kh - 1 - qlo);
        const p0 = qlo - (kh - 1) + padT;
        const padB = Math.max(0, p0 + qRows + kh - 1 - outHeight - padT);
        const padL = Math.max(0, kw - 1 - qlow);
        const p0w = qlow - (kw - 1) + padL;
        const padR = Math.max(0, p0w + qCols + kw - 1 - outWidth - padL);
        const phase = temps.track(
          runKernel(
            'Conv2D',
            'wasm',
            backend,
            { x: dy, filter: kernel },
            {
              strides: [1, 1],
              dilations: [1, 1],
              pad: [
                [0, 0],
                [padT, padB],
                [padL, padR],
                [0, 0],
              ],
              dataFormat: 'NHWC',
            },
          ),
        );
        scatterPhase(wasm, output, phase, { rh, rw, sh, sw, top, left, qlo, qlow, qRows, qCols, p0, p0w });
      }
    }
    return output;
  } catch (e) {
    wasm.disposeData(output.dataId);
    throw e;
  } finally {
    temps.disposeAll();
  }
}

/**
 * Writes the sub-filter of phase (rh, rw) into `kernel` ([kh, kw, outChannels, inChannels]):
 * kernel[a, b, co, ci] = filter[rh + (kh - 1 - a) * sh, rw + (kw - 1 - b) * sw, ci, co]
 * (taps of the phase, flipped in space, channels swapped).
 */
function subFilter(
  wasm: WasmBackendLike,
  filter: tf.TensorInfo,
  kernel: tf.TensorInfo,
  g: { rh: number; rw: number; sh: number; sw: number; kh: number; kw: number },
): void {
  const [, fw, ci, co] = filter.shape;
  const src = wasm.typedArrayFromHeap(filter) as Float32Array;
  const dst = wasm.typedArrayFromHeap(kernel) as Float32Array;
  let d = 0;
  for (let a = 0; a < g.kh; a++) {
    const fh = g.rh + (g.kh - 1 - a) * g.sh;
    for (let b = 0; b < g.kw; b++) {
      const tap = (fh * fw + g.rw + (g.kw - 1 - b) * g.sw) * ci * co;
      for (let o = 0; o < co; o++) {
        for (let i = 0, s = tap + o; i < ci; i++, s += co) dst[d++] = src[s];
      }
    }
  }
}

/**
 * Copies the rows/columns of one phase's convolution output (grid rows qlo + j, columns qlow + i,
 * found at conv rows p0 + j, columns p0w + i) to input rows ih = (qlo + j) * sh + rh - top and
 * columns iw = (qlow + i) * sw + rw - left of `output`, skipping those outside the input. With
 * `phase` null, writes zeros there instead.
 */
function scatterPhase(
  wasm: WasmBackendLike,
  output: tf.TensorInfo,
  phase: tf.TensorInfo | null,
  g: {
    rh: number;
    rw: number;
    sh: number;
    sw: number;
    top: number;
    left: number;
    qlo: number;
    qlow: number;
    qRows: number;
    qCols: number;
    p0: number;
    p0w: number;
  },
): void {
  const [batch, height, width, channels] = output.shape;
  const out = wasm.typedArrayFromHeap(output) as Float32Array;
  const src = phase == null ? null : (wasm.typedArrayFromHeap(phase) as Float32Array);
  const convH = phase?.shape[1] ?? 0;
  const convW = phase?.shape[2] ?? 0;
  for (let b = 0; b < batch; b++) {
    for (let j = 0; j < g.qRows; j++) {
      const ih = (g.qlo + j) * g.sh + g.rh - g.top;
      if (ih < 0 || ih >= height) continue;
      for (let i = 0; i < g.qCols; i++) {
        const iw = (g.qlow + i) * g.sw + g.rw - g.left;
        if (iw < 0 || iw >= width) continue;
        const to = ((b * height + ih) * width + iw) * channels;
        if (src == null) {
          out.fill(0, to, to + channels);
        } else {
          const from = ((b * convH + g.p0 + j) * convW + g.p0w + i) * channels;
          out.set(src.subarray(from, from + channels), to);
        }
      }
    }
  }
}

/**
 * Kernel registration replacing the wasm backend's `Conv2DBackpropInput`. Its `setupFunc` runs the
 * shipped kernel's setup (which binds the wasm function) so the fallback works even when the
 * replacement happens before the wasm backend is initialised.
 */
export const conv2DBackpropInputWasmConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropInput',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropInputWasm as unknown as tf.KernelFunc,
  setupFunc: shippedSetup('Conv2DBackpropInput'),
};
