import * as tf from '@tensorflow/tfjs';
import { Intermediates, runKernel } from './run-kernel';
import { runWithThreads } from './thread-switch';

type Shape4D = [number, number, number, number];

/**
 * The filter gradient of a 2-D convolution (`Conv2DBackpropFilter`) for the wasm backend, which
 * lacks it (tensorflow/tfjs#8474), built from wasm kernels that exist (Transpose, Conv2D, Slice),
 * so the heavy part runs in XNNPACK.
 *
 * With x: [B, H, W, Ci] and dy: [B, OH, OW, Co] (NHWC), the gradient is
 *   dW[fh, fw, ci, co] = sum over b, oh, ow of x[b, oh*s + fh - padTop, ow*s + fw - padLeft, ci] * dy[b, oh, ow, co],
 * which is itself a convolution: input x transposed to [Ci, H, W, B] (channels act as the batch,
 * the batch acts as the channels), filter dy transposed to [OH, OW, B, Co], stride 1,
 * dilation = the forward stride, explicit padding = the forward padding (bottom/right chosen so the
 * output is exactly FH x FW; any extra rows/columns are sliced off). The result [Ci, FH, FW, Co] is
 * transposed to [FH, FW, Ci, Co]. Forward dilations are always 1 here: tfjs-core's conv2d gradient
 * rejects dilated convolutions before it gets to this kernel. (An im2col plus one matrix product
 * measured slower than this for 1-channel inputs: the product's long inner dimension streams the
 * whole output gradient through XNNPACK's weight packing.)
 */
export function conv2DBackpropFilterWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: object;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { inputs, backend } = args;
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const attrs = args.attrs as unknown as tf.Conv2DBackpropFilterAttrs;
  const { strides, pad, dataFormat, dimRoundingMode, filterShape } = attrs;
  if (x.dtype !== 'float32' || dy.dtype !== 'float32') {
    throw new Error(
      `genlib Conv2DBackpropFilter (wasm) supports float32 only; got x ${x.dtype}, dy ${dy.dtype}.`,
    );
  }
  const convInfo = tf.backend_util.computeConv2DInfo(
    x.shape as Shape4D,
    filterShape,
    strides,
    1,
    pad,
    dimRoundingMode,
    false,
    tf.backend_util.convertConv2DDataFormat(dataFormat),
  );
  const { filterHeight, filterWidth, inHeight, inWidth, outHeight, outWidth, strideHeight, strideWidth } =
    convInfo;
  const { top, left } = convInfo.padInfo;
  // Padding after the input so that the inner convolution's output is (at least) FH x FW.
  // Rows/columns past the padded input read as zeros, like the forward convolution's bounds checks.
  const needBottom = filterHeight - inHeight - top + (outHeight - 1) * strideHeight;
  const needRight = filterWidth - inWidth - left + (outWidth - 1) * strideWidth;

  const channelsLast = convInfo.dataFormat === 'channelsLast';
  const flops =
    2 *
    convInfo.batchSize *
    outHeight *
    outWidth *
    convInfo.outChannels *
    filterHeight *
    filterWidth *
    convInfo.inChannels;
  return runWithThreads(flops, () =>
    viaConvolution(backend, x, dy, convInfo, { top, left, needBottom, needRight, channelsLast }),
  );
}

/** The filter gradient as one convolution of the transposed tensors (see {@link conv2DBackpropFilterWasm}). */
function viaConvolution(
  backend: object,
  x: tf.TensorInfo,
  dy: tf.TensorInfo,
  convInfo: tf.backend_util.Conv2DInfo,
  g: { top: number; left: number; needBottom: number; needRight: number; channelsLast: boolean },
): tf.TensorInfo {
  const { filterHeight, filterWidth, strideHeight, strideWidth } = convInfo;
  const { top, left, needBottom, needRight, channelsLast } = g;
  const wasm = backend as { disposeData(dataId: tf.DataId): boolean };
  const temps = new Intermediates(wasm);
  try {
    // x -> [Ci, H, W, B]; dy -> [OH, OW, B, Co].
    const xT = temps.track(
      runKernel('Transpose', 'wasm', backend, { x }, { perm: channelsLast ? [3, 1, 2, 0] : [1, 2, 3, 0] }),
    );
    const dyT = temps.track(
      runKernel(
        'Transpose',
        'wasm',
        backend,
        { x: dy },
        { perm: channelsLast ? [1, 2, 0, 3] : [2, 3, 0, 1] },
      ),
    );
    const conv = temps.track(
      runKernel(
        'Conv2D',
        'wasm',
        backend,
        { x: xT, filter: dyT },
        {
          strides: [1, 1],
          dilations: [strideHeight, strideWidth],
          pad: [
            [0, 0],
            [top, Math.max(0, needBottom)],
            [left, Math.max(0, needRight)],
            [0, 0],
          ],
          dataFormat: 'NHWC',
        },
      ),
    );
    let grad = conv;
    if (conv.shape[1] !== filterHeight || conv.shape[2] !== filterWidth) {
      grad = temps.track(
        runKernel(
          'Slice',
          'wasm',
          backend,
          { x: conv },
          { begin: [0, 0, 0, 0], size: [conv.shape[0], filterHeight, filterWidth, conv.shape[3]] },
        ),
      );
    }
    // [Ci, FH, FW, Co] -> [FH, FW, Ci, Co]
    const out = runKernel('Transpose', 'wasm', backend, { x: grad }, { perm: [1, 2, 0, 3] });
    return out;
  } finally {
    temps.disposeAll();
  }
}

/** Kernel registration for `Conv2DBackpropFilter` on the wasm backend. */
export const conv2DBackpropFilterWasmConfig: tf.KernelConfig = {
  kernelName: 'Conv2DBackpropFilter',
  backendName: 'wasm',
  kernelFunc: conv2DBackpropFilterWasm as unknown as tf.KernelFunc,
};
