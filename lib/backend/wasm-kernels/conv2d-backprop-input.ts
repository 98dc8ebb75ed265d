import * as tf from '@tensorflow/tfjs';
import { Intermediates, runKernel } from './run-kernel';

type Shape4D = [number, number, number, number];

/**
 * The kernel tfjs-backend-wasm registers for `Conv2DBackpropInput` (a direct loop, about
 * 0.8 GFLOP/s), captured before genlib replaces it; used for the cases the fast path does not
 * handle (NCHW, non-float32).
 */
let shippedKernel: tf.KernelConfig | undefined;

/** The wasm package's own `Conv2DBackpropInput` kernel, if genlib has replaced it. */
export function shippedConv2DBackpropInput(): tf.KernelConfig | undefined {
  return shippedKernel;
}

/** Remembers the wasm package's own `Conv2DBackpropInput` kernel as the fallback. */
export function setShippedConv2DBackpropInput(config: tf.KernelConfig): void {
  shippedKernel = config;
}

/**
 * The input gradient of a 2-D convolution (`Conv2DBackpropInput`, also the forward pass of
 * `conv2dTranspose`) for the wasm backend, rebuilt on XNNPACK convolutions, which run several
 * times faster than the shipped direct loop.
 *
 * Polyphase decomposition: with stride s, the input rows ih with (ih + padTop) mod s = r receive
 * only the filter taps fh = r, r + s, r + 2s, ...; for each of the s_h * s_w phases (r_h, r_w) the
 * phase's rows are a stride-1 convolution of dy with that sub-filter, flipped in space and with
 * in/out channels swapped. The phases are computed on one common grid, interleaved
 * (Pack, Transpose, Reshape) and cropped to the input's shape. Every multiply-add is one that the
 * direct kernel also does, apart from up to s - 1 border rows/columns per phase.
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
    if (shippedKernel == null) {
      throw new Error('genlib Conv2DBackpropInput (wasm): no fallback kernel for NCHW / non-float32 inputs.');
    }
    return shippedKernel.kernelFunc(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
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
  const { batchSize, inHeight, inWidth, inChannels, outHeight, outWidth, filterHeight, filterWidth } = info;
  const sh = info.strideHeight;
  const sw = info.strideWidth;
  const { top, left } = info.padInfo;
  // Input row ih maps to grid row q*sh + r with q = floor((ih + top) / sh); all phases share q in [qlo, qhi].
  const qlo = Math.floor(top / sh);
  const qRows = Math.floor((inHeight - 1 + top) / sh) - qlo + 1;
  const qlow = Math.floor(left / sw);
  const qCols = Math.floor((inWidth - 1 + left) / sw) - qlow + 1;
  const phaseShape: Shape4D = [batchSize, qRows, qCols, inChannels];

  const temps = new Intermediates(backend as { disposeData(dataId: tf.DataId): boolean });
  const run = (name: string, inp: tf.NamedTensorInfoMap, at: tf.NamedAttrMap) =>
    temps.track(runKernel(name, 'wasm', backend, inp, at));
  try {
    const phases: tf.TensorInfo[] = [];
    for (let rh = 0; rh < sh; rh++) {
      for (let rw = 0; rw < sw; rw++) {
        const kh = Math.ceil((filterHeight - rh) / sh);
        const kw = Math.ceil((filterWidth - rw) / sw);
        if (kh <= 0 || kw <= 0) {
          // No filter tap reaches these rows/columns (stride larger than the filter): zero gradient.
          phases.push(run('Fill', {}, { shape: phaseShape, value: 0, dtype: 'float32' }));
          continue;
        }
        let sub = filter;
        if (sh > 1 || sw > 1) {
          sub = run(
            'StridedSlice',
            { x: filter },
            {
              begin: [rh, rw, 0, 0],
              end: [filterHeight, filterWidth, inChannels, filter.shape[3]],
              strides: [sh, sw, 1, 1],
              beginMask: 0,
              endMask: 0,
              ellipsisMask: 0,
              newAxisMask: 0,
              shrinkAxisMask: 0,
            },
          );
        }
        const flipped = run('Reverse', { x: sub }, { dims: [0, 1] });
        const kernel = run('Transpose', { x: flipped }, { perm: [0, 1, 3, 2] }); // [kh, kw, Co, Ci]
        // Conv output row p is grid row q = p + (kh - 1) - padT.
        const padT = Math.max(0, kh - 1 - qlo);
        const p0 = qlo - (kh - 1) + padT;
        const padB = Math.max(0, p0 + qRows + kh - 1 - outHeight - padT);
        const padL = Math.max(0, kw - 1 - qlow);
        const p0w = qlow - (kw - 1) + padL;
        const padR = Math.max(0, p0w + qCols + kw - 1 - outWidth - padL);
        let phase = run(
          'Conv2D',
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
        );
        if (p0 !== 0 || p0w !== 0 || phase.shape[1] !== qRows || phase.shape[2] !== qCols) {
          phase = run('Slice', { x: phase }, { begin: [0, p0, p0w, 0], size: phaseShape });
        }
        phases.push(phase);
      }
    }
    let grid = phases[0];
    if (phases.length > 1) {
      const packed = run('Pack', phases as unknown as tf.NamedTensorInfoMap, { axis: 0 });
      const split = run('Reshape', { x: packed }, { shape: [sh, sw, ...phaseShape] });
      const interleaved = run('Transpose', { x: split }, { perm: [2, 3, 0, 4, 1, 5] });
      grid = run('Reshape', { x: interleaved }, { shape: [batchSize, qRows * sh, qCols * sw, inChannels] });
    }
    const offH = top - qlo * sh;
    const offW = left - qlow * sw;
    const outShape: Shape4D = [batchSize, inHeight, inWidth, inChannels];
    if (offH === 0 && offW === 0 && grid.shape[1] === inHeight && grid.shape[2] === inWidth) {
      // Hand `grid` to the caller: keep one reference for it.
      return runKernel('Reshape', 'wasm', backend, { x: grid }, { shape: outShape });
    }
    return runKernel('Slice', 'wasm', backend, { x: grid }, { begin: [0, offH, offW, 0], size: outShape });
  } finally {
    temps.disposeAll();
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
  setupFunc: (backend) => shippedKernel?.setupFunc?.(backend),
};
