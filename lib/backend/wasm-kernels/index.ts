import * as tf from '@tensorflow/tfjs';
import { batchMatMulWasmConfig, setShippedBatchMatMul } from './batch-mat-mul';
import { conv2DBackpropFilterWasmConfig } from './conv2d-backprop-filter';
import {
  conv2DBackpropInputWasmConfig,
  setShippedConv2DBackpropInput,
  shippedConv2DBackpropInput,
} from './conv2d-backprop-input';
import { cpuBridgeKernelConfig } from './cpu-bridge';

/**
 * Kernels genlib adds to the wasm backend so that conv nets can train on it, and how each is built.
 * `Conv2DBackpropFilter` is composed of wasm kernels (XNNPACK convolution); the others run the cpu
 * backend's kernel on copies of the data (correct, cpu-speed; they are rare in the models here).
 */
export const WASM_EXTRA_KERNELS: ReadonlyArray<{
  kernelName: string;
  implementation: 'wasm' | 'cpu-bridge';
  usedBy: string;
}> = [
  {
    kernelName: 'Conv2DBackpropFilter',
    implementation: 'wasm',
    usedBy: 'gradient of conv2d / conv2dTranspose filters',
  },
  {
    kernelName: 'DepthwiseConv2dNativeBackpropFilter',
    implementation: 'cpu-bridge',
    usedBy: 'gradient of depthwiseConv2d / separableConv2d filters',
  },
  {
    kernelName: 'DepthwiseConv2dNativeBackpropInput',
    implementation: 'cpu-bridge',
    usedBy: 'gradient of depthwiseConv2d / separableConv2d inputs',
  },
  {
    kernelName: 'UnsortedSegmentSum',
    implementation: 'cpu-bridge',
    usedBy: 'gradient of gather (Embedding layers)',
  },
];

function configFor(kernelName: string, implementation: 'wasm' | 'cpu-bridge'): tf.KernelConfig {
  if (implementation === 'wasm' && kernelName === conv2DBackpropFilterWasmConfig.kernelName) {
    return conv2DBackpropFilterWasmConfig;
  }
  return cpuBridgeKernelConfig(kernelName);
}

/** Options of {@link registerWasmTrainingKernels}. */
export interface WasmKernelOptions {
  /**
   * Replace the wasm package's `Conv2DBackpropInput` (a direct loop; it is the forward pass of
   * conv2dTranspose and the input gradient of conv2d) with genlib's XNNPACK-based version, several
   * times faster. `false` restores the shipped kernel if genlib had replaced it. Default `true`.
   */
  fastConv2DBackpropInput?: boolean;
}

/**
 * Registers genlib's extra wasm kernels ({@link WASM_EXTRA_KERNELS}) that the wasm backend does
 * not have, wraps `BatchMatMul` so that transposed operands take the fast path, and (by default)
 * installs the faster `Conv2DBackpropInput`. Idempotent: a kernel that is
 * already registered for 'wasm' (by an earlier call, or by a future tfjs-backend-wasm that ships
 * it) is left alone. Call it after importing `@tensorflow/tfjs-backend-wasm` (as `initBackend`
 * does), so that the package's own registrations come first.
 * @returns the names of the kernels this call registered or replaced (empty when there was nothing to do).
 */
export function registerWasmTrainingKernels(options: WasmKernelOptions = {}): string[] {
  const { fastConv2DBackpropInput = true } = options;
  const registered: string[] = [];
  for (const { kernelName, implementation } of WASM_EXTRA_KERNELS) {
    if (tf.getKernel(kernelName, 'wasm') != null) continue;
    tf.registerKernel(configFor(kernelName, implementation));
    registered.push(kernelName);
  }
  // BatchMatMul with a transposed operand (every dense layer's gradient) is many times slower than an
  // explicit transpose followed by a plain product: wrap the shipped kernel once.
  const matMul = tf.getKernel('BatchMatMul', 'wasm');
  if (matMul != null && matMul.kernelFunc !== batchMatMulWasmConfig.kernelFunc) {
    setShippedBatchMatMul(matMul);
    tf.unregisterKernel('BatchMatMul', 'wasm');
    tf.registerKernel(batchMatMulWasmConfig);
    registered.push('BatchMatMul');
  }
  const current = tf.getKernel('Conv2DBackpropInput', 'wasm');
  const isOurs = current != null && current.kernelFunc === conv2DBackpropInputWasmConfig.kernelFunc;
  if (fastConv2DBackpropInput && current != null && !isOurs) {
    setShippedConv2DBackpropInput(current);
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel(conv2DBackpropInputWasmConfig);
    registered.push('Conv2DBackpropInput');
  } else if (!fastConv2DBackpropInput && isOurs && shippedConv2DBackpropInput() != null) {
    tf.unregisterKernel('Conv2DBackpropInput', 'wasm');
    tf.registerKernel(shippedConv2DBackpropInput() as tf.KernelConfig);
    registered.push('Conv2DBackpropInput');
  }
  return registered;
}

/** Whether genlib's fast `Conv2DBackpropInput` is the one registered for 'wasm' now. */
export function isFastConv2DBackpropInputActive(): boolean {
  return tf.getKernel('Conv2DBackpropInput', 'wasm')?.kernelFunc === conv2DBackpropInputWasmConfig.kernelFunc;
}

/** Names of kernels in {@link WASM_EXTRA_KERNELS} not registered for 'wasm' right now. */
export function missingWasmTrainingKernels(): string[] {
  return WASM_EXTRA_KERNELS.map((k) => k.kernelName).filter((name) => tf.getKernel(name, 'wasm') == null);
}

export { batchMatMulWasm, batchMatMulWasmConfig } from './batch-mat-mul';
export { conv2DBackpropFilterWasm, conv2DBackpropFilterWasmConfig } from './conv2d-backprop-filter';
export { conv2DBackpropInputWasm, conv2DBackpropInputWasmConfig } from './conv2d-backprop-input';
export { cpuBridgeKernelConfig } from './cpu-bridge';
