import * as tf from '@tensorflow/tfjs';
import { Intermediates, runKernel, type WasmBackendLike } from './run-kernel';
import { runShippedWasmKernel, shippedSetup } from './shipped';
import { matMulFlops, runWithThreads } from './thread-switch';

/**
 * `BatchMatMul` for the wasm backend. The shipped kernel hands only one case to XNNPACK (one
 * matrix each, neither transposed) and runs every other case as a plain triple loop, several
 * times slower; the gradients of a dense layer are exactly the transposed cases
 * (dx = dy * W^T, dW = x^T * dy). Here a transposed operand is first transposed in memory (a cheap
 * copy next to the product) and the product then goes to XNNPACK. Batched products (more than one
 * matrix per operand) go to the shipped kernel unchanged.
 */
export function batchMatMulWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: object;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  return runWithThreads(matMulFlops(a, b, transposeB), () => batchMatMul(args));
}

function batchMatMul(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: object;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as tf.BatchMatMulAttrs;
  const batches = (t: tf.TensorInfo) => t.shape.slice(0, -2).reduce((p, d) => p * d, 1);
  if (
    (!transposeA && !transposeB) ||
    a.dtype !== 'float32' ||
    b.dtype !== 'float32' ||
    a.shape.length < 2 ||
    b.shape.length < 2 ||
    batches(a) !== 1 ||
    batches(b) !== 1
  ) {
    return runShippedWasmKernel('BatchMatMul', args);
  }
  const wasm = args.backend as WasmBackendLike;
  const temps = new Intermediates(wasm);
  const asMatrix = (t: tf.TensorInfo, transpose: boolean): tf.TensorInfo => {
    const rows = t.shape[t.shape.length - 2];
    const cols = t.shape[t.shape.length - 1];
    const matrix = temps.track(runKernel('Reshape', 'wasm', args.backend, { x: t }, { shape: [rows, cols] }));
    if (!transpose) return matrix;
    return temps.track(runKernel('Transpose', 'wasm', args.backend, { x: matrix }, { perm: [1, 0] }));
  };
  try {
    const product = runShippedWasmKernel('BatchMatMul', {
      inputs: { a: asMatrix(a, transposeA), b: asMatrix(b, transposeB) },
      backend: args.backend,
      attrs: { transposeA: false, transposeB: false },
    });
    const rows = product.shape[product.shape.length - 2];
    const cols = product.shape[product.shape.length - 1];
    const outer = tf.backend_util.assertAndGetBroadcastShape(a.shape.slice(0, -2), b.shape.slice(0, -2));
    product.shape = [...outer, rows, cols];
    return product;
  } finally {
    temps.disposeAll();
  }
}

/** Kernel registration replacing the wasm backend's `BatchMatMul`. */
export const batchMatMulWasmConfig: tf.KernelConfig = {
  kernelName: 'BatchMatMul',
  backendName: 'wasm',
  kernelFunc: batchMatMulWasm as unknown as tf.KernelFunc,
  setupFunc: shippedSetup('BatchMatMul'),
};
