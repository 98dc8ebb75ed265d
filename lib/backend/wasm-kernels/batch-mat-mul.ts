import type * as tf from '@tensorflow/tfjs';
import { Intermediates, runKernel } from './run-kernel';

/**
 * The kernel tfjs-backend-wasm registers for `BatchMatMul`, captured before genlib wraps it. It is fast
 * (XNNPACK) when neither operand is transposed, and far slower when one is: on [64, 1024]ᵀ·[64, 128], the
 * weight gradient of a dense layer, about 170 ms against 5 ms for an explicit transpose followed by a plain
 * product. Every dense layer's backward pass multiplies with a transposed operand.
 */
let shippedKernel: tf.KernelConfig | undefined;

/** The wasm package's own `BatchMatMul` kernel, if genlib has wrapped it. */
export function shippedBatchMatMul(): tf.KernelConfig | undefined {
  return shippedKernel;
}

/** Remembers the wasm package's own `BatchMatMul` kernel, which the wrapper calls. */
export function setShippedBatchMatMul(config: tf.KernelConfig): void {
  shippedKernel = config;
}

/**
 * `BatchMatMul` for the wasm backend: a transposed operand is first transposed explicitly (the wasm
 * `Transpose` kernel), then the shipped kernel multiplies without transposes. Same products and sums.
 */
export function batchMatMulWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: object;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  if (shippedKernel == null)
    throw new Error('genlib BatchMatMul (wasm): the shipped kernel was not captured.');
  const { inputs, backend } = args;
  const { a, b } = inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const attrs = (args.attrs ?? {}) as unknown as tf.BatchMatMulAttrs;
  if ((!attrs.transposeA && !attrs.transposeB) || a.dtype !== 'float32' || b.dtype !== 'float32') {
    return shippedKernel.kernelFunc(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
  }
  const temps = new Intermediates(backend as { disposeData(dataId: tf.DataId): boolean });
  const swapLastTwo = (x: tf.TensorInfo): tf.TensorInfo => {
    const rank = x.shape.length;
    const perm = [...Array.from({ length: rank - 2 }, (_, i) => i), rank - 1, rank - 2];
    return temps.track(runKernel('Transpose', 'wasm', backend, { x }, { perm }));
  };
  try {
    return shippedKernel.kernelFunc({
      inputs: { a: attrs.transposeA ? swapLastTwo(a) : a, b: attrs.transposeB ? swapLastTwo(b) : b },
      backend,
      attrs: { ...attrs, transposeA: false, transposeB: false } as unknown as tf.NamedAttrMap,
    }) as tf.TensorInfo;
  } finally {
    temps.disposeAll();
  }
}

/** The kernel config that replaces the wasm package's `BatchMatMul`. */
export const batchMatMulWasmConfig: tf.KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: batchMatMulWasm as unknown as tf.KernelFunc,
  // The shipped kernel binds its wasm function in its setup; keep that when the backend initialises later.
  setupFunc: (backend) => shippedKernel?.setupFunc?.(backend),
};
