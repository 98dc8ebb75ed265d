import * as tf from '@tensorflow/tfjs';
import type { WasmBackendLike } from './run-kernel';

type CpuBackendLike = tf.KernelBackend & {
  move(
    dataId: tf.DataId,
    values: tf.backend_util.BackendValues,
    shape: number[],
    dtype: tf.DataType,
    refCount: number,
  ): void;
};

function copyValues(
  values: tf.backend_util.BackendValues,
  dtype: tf.DataType,
): tf.backend_util.BackendValues {
  // Copy out of the wasm heap: a heap view is invalidated when wasm memory grows.
  if (values instanceof Float32Array || values instanceof Int32Array || values instanceof Uint8Array) {
    return values.slice();
  }
  throw new Error(`genlib cpu-bridge kernel: unsupported dtype ${dtype}.`);
}

/**
 * Makes a wasm `KernelConfig` for `kernelName` that runs the pure-JS cpu backend's kernel of the
 * same name: inputs are copied from the wasm heap to the cpu backend, the cpu kernel runs, the
 * outputs are copied back into wasm tensors and every cpu-side tensor is freed. It is as fast as
 * the cpu backend, so it is meant for kernels that are cheap or rarely run (e.g. the gradient of
 * `tf.gather` needs `UnsortedSegmentSum`), not for heavy convolutions.
 */
export function cpuBridgeKernelConfig(kernelName: string): tf.KernelConfig {
  const kernelFunc = (args: {
    inputs: tf.NamedTensorInfoMap;
    backend: object;
    attrs?: tf.NamedAttrMap;
  }): tf.TensorInfo | tf.TensorInfo[] => {
    const wasm = args.backend as WasmBackendLike;
    const cpuConfig = tf.getKernel(kernelName, 'cpu');
    if (cpuConfig == null) {
      throw new Error(`genlib cpu-bridge: kernel '${kernelName}' is not registered for the cpu backend.`);
    }
    const cpu = tf.engine().findBackend('cpu') as CpuBackendLike | null;
    if (cpu == null) {
      throw new Error(`genlib cpu-bridge: the cpu backend is not available to run '${kernelName}'.`);
    }
    const cpuInputs: tf.NamedTensorInfoMap = {};
    const owned: tf.TensorInfo[] = [];
    let cpuOutputs: tf.TensorInfo[] = [];
    try {
      for (const [name, info] of Object.entries(args.inputs)) {
        if (info == null) continue;
        const dataId = {};
        // `move` (rather than `write`) registers the data without the cpu backend's
        // "install tfjs-node" first-use banner.
        cpu.move(dataId, copyValues(wasm.readSync(info.dataId), info.dtype), info.shape, info.dtype, 1);
        const cpuInfo: tf.TensorInfo = { dataId, shape: info.shape, dtype: info.dtype };
        owned.push(cpuInfo);
        cpuInputs[name] = cpuInfo;
      }
      // The cpu backend prints an "install tfjs-node" banner on its first write; it is only a helper here.
      const banner = cpu as { firstUse?: boolean };
      if (banner.firstUse === true) banner.firstUse = false;
      const out = cpuConfig.kernelFunc({ inputs: cpuInputs, backend: cpu, attrs: args.attrs ?? {} });
      cpuOutputs = Array.isArray(out) ? out : [out];
      const results = cpuOutputs.map((o) => {
        const result = wasm.makeOutput(o.shape, o.dtype);
        const values = cpu.readSync(o.dataId);
        wasm.typedArrayFromHeap(result).set(values as ArrayLike<number>);
        return result;
      });
      return Array.isArray(out) ? results : results[0];
    } finally {
      for (const info of [...owned, ...cpuOutputs]) cpu.disposeData(info.dataId);
    }
  };
  return { kernelName, backendName: 'wasm', kernelFunc: kernelFunc as unknown as tf.KernelFunc };
}
