import type * as tf from '@tensorflow/tfjs';
import type { WasmBackendLike } from './run-kernel';
import { runShippedWasmKernel, shippedSetup } from './shipped';

type Values = Float32Array | Int32Array | Uint8Array;

/**
 * Writes `src` (shape `shape`) tiled `reps` times along each axis into `dst`, by block copies:
 * each axis' block is written once and then doubled with `copyWithin` until it is repeated
 * `reps[axis]` times, so the work is a handful of memory copies rather than one index computation
 * per element.
 */
export function tileValues(
  src: Values,
  shape: readonly number[],
  reps: readonly number[],
  dst: Values,
): void {
  const rank = shape.length;
  if (rank === 0) {
    if (dst.length > 0) dst[0] = src[0];
    return;
  }
  if (dst.length === 0) return;
  const inStride = new Array<number>(rank);
  const outStride = new Array<number>(rank);
  inStride[rank - 1] = 1;
  outStride[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) {
    inStride[d] = inStride[d + 1] * shape[d + 1];
    outStride[d] = outStride[d + 1] * shape[d + 1] * reps[d + 1];
  }
  const fill = (axis: number, inOffset: number, outOffset: number): void => {
    const n = shape[axis];
    if (axis === rank - 1) {
      dst.set(src.subarray(inOffset, inOffset + n), outOffset);
    } else {
      for (let i = 0; i < n; i++)
        fill(axis + 1, inOffset + i * inStride[axis], outOffset + i * outStride[axis]);
    }
    const block = n * outStride[axis];
    const total = block * reps[axis];
    for (let filled = block; filled < total; ) {
      const count = Math.min(filled, total - filled);
      dst.copyWithin(outOffset + filled, outOffset, outOffset + count);
      filled += count;
    }
  };
  fill(0, 0, 0);
}

/**
 * `Tile` for the wasm backend by block copies on the wasm heap ({@link tileValues}). The shipped
 * kernel computes a source index per element; the gradient of batch normalisation tiles its
 * per-channel factors to the whole activation, which made Tile a visible part of a DCGAN step.
 */
export function tileWasm(args: {
  inputs: tf.NamedTensorInfoMap;
  backend: object;
  attrs?: tf.NamedAttrMap;
}): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { reps } = args.attrs as unknown as tf.TileAttrs;
  if (x.dtype !== 'float32' && x.dtype !== 'int32' && x.dtype !== 'bool') {
    return runShippedWasmKernel('Tile', args);
  }
  if (reps.length !== x.shape.length) {
    throw new Error(`Tile: reps has ${reps.length} entries but x has rank ${x.shape.length}.`);
  }
  const wasm = args.backend as WasmBackendLike;
  const out = wasm.makeOutput(
    x.shape.map((d, i) => d * reps[i]),
    x.dtype,
  );
  // Views after makeOutput: allocating can grow (and so move) the wasm heap.
  tileValues(wasm.typedArrayFromHeap(x), x.shape, reps, wasm.typedArrayFromHeap(out));
  return out;
}

/** Kernel registration replacing the wasm backend's `Tile`. */
export const tileWasmConfig: tf.KernelConfig = {
  kernelName: 'Tile',
  backendName: 'wasm',
  kernelFunc: tileWasm as unknown as tf.KernelFunc,
  setupFunc: shippedSetup('Tile'),
};
