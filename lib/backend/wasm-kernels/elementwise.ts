import type * as tf from '@tensorflow/tfjs';
import type { WasmBackendLike } from './run-kernel';
import { runShippedWasmKernel, shippedSetup } from './shipped';

/**
 * Elementwise kernels whose shipped wasm versions branch on the sign of every element (about
 * 4 ns per element on random signs, i.e. a mispredicted branch each time). These loops compute the
 * same values without a data-dependent branch. LeakyReLU sits after every layer of a GAN, and its
 * gradient compares every activation with zero.
 */

/** `LeakyRelu` for float32: x < 0 ? alpha * x : x, written without a branch (zeros, NaN and +-Inf as on cpu). */
export function leakyReluWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: object;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { alpha } = args.attrs as unknown as tf.LeakyReluAttrs;
  if (x.dtype !== 'float32') return runShippedWasmKernel('LeakyRelu', args);
  const wasm = args.backend as WasmBackendLike;
  const out = wasm.makeOutput(x.shape, 'float32');
  const src = wasm.typedArrayFromHeap(x) as Float32Array;
  const dst = wasm.typedArrayFromHeap(out) as Float32Array;
  // alpha as the JS number it is (like the cpu backend; the shipped wasm kernel rounds it to float32 first).
  const a = alpha;
  const n = src.length;
  for (let i = 0; i < n; i++) {
    const v = src[i];
    // As the cpu backend: v < 0 ? a * v : v (v >= 0 keeps the sign of a zero; NaN stays NaN).
    const keep = +(v >= 0);
    dst[i] = v * (keep + (1 - keep) * a);
  }
  return out;
}

/** `Greater` for float32 `a` with a scalar or same-shape float32 `b`, without a branch; other cases go to the shipped kernel. */
export function greaterWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: object;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const sizeOf = (t: tf.TensorInfo) => t.shape.reduce((p, d) => p * d, 1);
  const sameShape = a.shape.length === b.shape.length && a.shape.every((d, i) => d === b.shape[i]);
  const scalarB = sizeOf(b) === 1 && b.shape.length <= a.shape.length;
  if (a.dtype !== 'float32' || b.dtype !== 'float32' || !(sameShape || scalarB)) {
    return runShippedWasmKernel('Greater', args);
  }
  const wasm = args.backend as WasmBackendLike;
  const out = wasm.makeOutput(a.shape, 'bool');
  const x = wasm.typedArrayFromHeap(a) as Float32Array;
  const y = wasm.typedArrayFromHeap(b) as Float32Array;
  const dst = wasm.typedArrayFromHeap(out) as Uint8Array;
  const n = x.length;
  if (sameShape) {
    for (let i = 0; i < n; i++) dst[i] = +(x[i] > y[i]);
  } else {
    const threshold = y[0];
    for (let i = 0; i < n; i++) dst[i] = +(x[i] > threshold);
  }
  return out;
}

/** Kernel registration replacing the wasm backend's `LeakyRelu`. */
export const leakyReluWasmConfig: tf.KernelConfig = {
  kernelName: 'LeakyRelu',
  backendName: 'wasm',
  kernelFunc: leakyReluWasm as unknown as tf.KernelFunc,
  setupFunc: shippedSetup('LeakyRelu'),
};

/** Kernel registration replacing the wasm backend's `Greater`. */
export const greaterWasmConfig: tf.KernelConfig = {
  kernelName: 'Greater',
  backendName: 'wasm',
  kernelFunc: greaterWasm as unknown as tf.KernelFunc,
  setupFunc: shippedSetup('Greater'),
};
