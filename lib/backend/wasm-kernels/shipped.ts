import type * as tf from '@tensorflow/tfjs';

/**
 * The wasm package's own kernels that genlib replaced, by kernel name: the replacements fall back
 * to them for the cases they do not handle, and restoring puts them back.
 */
const shipped = new Map<string, tf.KernelConfig>();

/** The wasm package's own kernel `kernelName`, if genlib has replaced it. */
export function shippedWasmKernel(kernelName: string): tf.KernelConfig | undefined {
  return shipped.get(kernelName);
}

/** Remembers the wasm package's own kernel (before genlib replaces it). */
export function rememberShippedWasmKernel(config: tf.KernelConfig): void {
  shipped.set(config.kernelName, config);
}

/**
 * Runs the wasm package's own kernel `kernelName` on `args` (the fallback of a replacement).
 * @throws Error when genlib has not replaced (and so not remembered) that kernel.
 */
export function runShippedWasmKernel(
  kernelName: string,
  args: { inputs: tf.NamedTensorInfoMap; backend: object; attrs?: tf.NamedAttrMap },
): tf.TensorInfo {
  const config = shipped.get(kernelName);
  if (config == null) {
    throw new Error(
      `genlib ${kernelName} (wasm): the wasm package's own kernel is not available as a fallback.`,
    );
  }
  return config.kernelFunc(args as Parameters<tf.KernelFunc>[0]) as tf.TensorInfo;
}

/** A `setupFunc` that runs the shipped kernel's setup (it binds the wasm function the fallback calls). */
export function shippedSetup(kernelName: string): NonNullable<tf.KernelConfig['setupFunc']> {
  return (backend) => {
    shipped.get(kernelName)?.setupFunc?.(backend);
  };
}
