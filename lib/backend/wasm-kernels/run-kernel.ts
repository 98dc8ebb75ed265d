import * as tf from '@tensorflow/tfjs';

/**
 * The small part of tfjs-backend-wasm's `BackendWasm` that the extra kernels use.
 * (A structural type, so this module does not import the wasm package at runtime.)
 */
export interface WasmBackendLike {
  /** Allocates an output tensor on the wasm heap (refCount 1, not tracked by the engine). */
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  /** A typed-array view of a tensor's data on the wasm heap. */
  typedArrayFromHeap(info: tf.TensorInfo): Float32Array | Int32Array | Uint8Array;
  /** Reads a tensor's values (a view on the wasm heap for numeric dtypes). */
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
  /** Decrements the refCount of a tensor's data and frees it when it reaches 0. */
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
}

/**
 * Runs the kernel `kernelName` registered for `backendName` directly (without the engine), the
 * way tfjs backends call their own kernels from inside a kernel. The result is an untracked
 * `TensorInfo` owned by the caller: dispose it with `backend.disposeData(info.dataId)` unless it
 * is returned to the engine.
 */
export function runKernel(
  kernelName: string,
  backendName: string,
  backend: object,
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap = {},
): tf.TensorInfo {
  const config = tf.getKernel(kernelName, backendName);
  if (config == null) {
    throw new Error(`genlib: kernel '${kernelName}' is not registered for backend '${backendName}'.`);
  }
  const out = config.kernelFunc({ inputs, backend, attrs });
  if (Array.isArray(out)) {
    throw new Error(`genlib: kernel '${kernelName}' returned ${out.length} outputs; expected one.`);
  }
  return out;
}

/**
 * Collects the intermediate tensors a composite kernel creates and frees them all at the end,
 * also when a step throws.
 */
export class Intermediates {
  private readonly infos: tf.TensorInfo[] = [];

  constructor(private readonly backend: { disposeData(dataId: tf.DataId): boolean }) {}

  /** Remembers `info` for disposal and returns it. */
  track(info: tf.TensorInfo): tf.TensorInfo {
    this.infos.push(info);
    return info;
  }

  /** Frees every tracked tensor except `keep` (the kernel's result). */
  disposeAll(keep?: tf.TensorInfo): void {
    for (const info of this.infos) {
      if (info !== keep) this.backend.disposeData(info.dataId);
    }
    this.infos.length = 0;
  }
}
