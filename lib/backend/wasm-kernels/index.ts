import * as tf from '@tensorflow/tfjs';
import { batchMatMulWasmConfig } from './batch-mat-mul';
import { conv2DBackpropFilterWasmConfig } from './conv2d-backprop-filter';
import { conv2DBackpropInputWasmConfig } from './conv2d-backprop-input';
import { cpuBridgeKernelConfig } from './cpu-bridge';
import { greaterWasmConfig, leakyReluWasmConfig } from './elementwise';
import { rememberShippedWasmKernel, shippedWasmKernel } from './shipped';
import { THREAD_AWARE_KERNELS, threadAwareConfig } from './thread-switch';
import { tileWasmConfig } from './tile';

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

/**
 * Kernels of the wasm package that genlib replaces with faster versions (each falls back to the
 * shipped kernel for the cases it does not handle), and why.
 */
export const WASM_REPLACED_KERNELS: ReadonlyArray<{
  kernelName: string;
  /** The {@link WasmKernelOptions} flag that turns the replacement on or off. */
  option: 'fastConv2DBackpropInput' | 'fastKernels';
  why: string;
}> = [
  {
    kernelName: 'Conv2DBackpropInput',
    option: 'fastConv2DBackpropInput',
    why: 'shipped: a direct loop (~1 GFLOP/s); genlib: XNNPACK convolutions per stride phase',
  },
  {
    kernelName: 'BatchMatMul',
    option: 'fastKernels',
    why: 'shipped: a triple loop for transposed operands (dense-layer gradients); genlib: transpose, then XNNPACK',
  },
  {
    kernelName: 'Tile',
    option: 'fastKernels',
    why: 'shipped: an index computation per element (batch-norm gradients); genlib: block copies',
  },
  {
    kernelName: 'LeakyRelu',
    option: 'fastKernels',
    why: 'shipped: a branch on every sign (mispredicted on activations); genlib: a branch-free loop',
  },
  {
    kernelName: 'Greater',
    option: 'fastKernels',
    why: 'shipped: a branch per element (the LeakyReLU gradient compares every activation with 0); genlib: branch-free',
  },
];

const REPLACEMENT_CONFIGS: Readonly<Record<string, tf.KernelConfig>> = {
  Conv2DBackpropInput: conv2DBackpropInputWasmConfig,
  BatchMatMul: batchMatMulWasmConfig,
  Tile: tileWasmConfig,
  LeakyRelu: leakyReluWasmConfig,
  Greater: greaterWasmConfig,
};

/** Options of {@link registerWasmTrainingKernels}. */
export interface WasmKernelOptions {
  /**
   * Replace the wasm package's `Conv2DBackpropInput` (a direct loop; it is the forward pass of
   * conv2dTranspose and the input gradient of conv2d) with genlib's XNNPACK-based version, several
   * times faster. `false` restores the shipped kernel if genlib had replaced it. Default `true`.
   */
  fastConv2DBackpropInput?: boolean;
  /**
   * Replace the other slow shipped kernels listed in {@link WASM_REPLACED_KERNELS} (`BatchMatMul`
   * with transposed operands, `Tile`, `LeakyRelu`, `Greater`). `false` restores the shipped ones.
   * Default `true`.
   */
  fastKernels?: boolean;
}

/** Whether genlib's replacement of `kernelName` is the kernel registered for 'wasm' now. */
function isReplacementActive(kernelName: string): boolean {
  const ours = REPLACEMENT_CONFIGS[kernelName];
  return ours != null && tf.getKernel(kernelName, 'wasm')?.kernelFunc === ours.kernelFunc;
}

/**
 * Registers genlib's extra wasm kernels ({@link WASM_EXTRA_KERNELS}) that the wasm backend does
 * not have, and (by default) the faster replacements of slow shipped kernels
 * ({@link WASM_REPLACED_KERNELS}); wraps the shipped convolutions and fused matrix product so that,
 * on the threaded build, only large ones use the thread pool ({@link THREAD_AWARE_KERNELS}). Idempotent: a kernel that is already registered for 'wasm' (by
 * an earlier call, or by a future tfjs-backend-wasm that ships it) is left alone. Call it after
 * importing `@tensorflow/tfjs-backend-wasm` (as `initBackend` does), so that the package's own
 * registrations come first.
 * @returns the names of the kernels this call registered, replaced or restored (empty when there was nothing to do).
 */
export function registerWasmTrainingKernels(options: WasmKernelOptions = {}): string[] {
  const registered: string[] = [];
  for (const { kernelName, implementation } of WASM_EXTRA_KERNELS) {
    if (tf.getKernel(kernelName, 'wasm') != null) continue;
    tf.registerKernel(configFor(kernelName, implementation));
    registered.push(kernelName);
  }
  // Large convolutions and matrix products run on all threads of the threaded build (thread-switch.ts).
  for (const kernelName of THREAD_AWARE_KERNELS) {
    const current = tf.getKernel(kernelName, 'wasm');
    const wrapper = threadAwareConfig(kernelName);
    if (current == null || current.kernelFunc === wrapper.kernelFunc) continue;
    rememberShippedWasmKernel(current);
    tf.unregisterKernel(kernelName, 'wasm');
    tf.registerKernel(wrapper);
    registered.push(kernelName);
  }
  for (const { kernelName, option } of WASM_REPLACED_KERNELS) {
    const wanted = options[option] ?? true;
    const current = tf.getKernel(kernelName, 'wasm');
    const active = isReplacementActive(kernelName);
    if (wanted && current != null && !active) {
      rememberShippedWasmKernel(current);
      tf.unregisterKernel(kernelName, 'wasm');
      tf.registerKernel(REPLACEMENT_CONFIGS[kernelName]);
      registered.push(kernelName);
    } else if (!wanted && active && shippedWasmKernel(kernelName) != null) {
      tf.unregisterKernel(kernelName, 'wasm');
      tf.registerKernel(shippedWasmKernel(kernelName) as tf.KernelConfig);
      registered.push(kernelName);
    }
  }
  return registered;
}

/** Whether genlib's fast `Conv2DBackpropInput` is the one registered for 'wasm' now. */
export function isFastConv2DBackpropInputActive(): boolean {
  return isReplacementActive('Conv2DBackpropInput');
}

/** The kernels of {@link WASM_REPLACED_KERNELS} whose genlib replacement is registered for 'wasm' now. */
export function activeWasmReplacements(): string[] {
  return WASM_REPLACED_KERNELS.map((k) => k.kernelName).filter(isReplacementActive);
}

/** Names of kernels in {@link WASM_EXTRA_KERNELS} not registered for 'wasm' right now. */
export function missingWasmTrainingKernels(): string[] {
  return WASM_EXTRA_KERNELS.map((k) => k.kernelName).filter((name) => tf.getKernel(name, 'wasm') == null);
}

export { batchMatMulWasm, batchMatMulWasmConfig } from './batch-mat-mul';
export { conv2DBackpropFilterWasm, conv2DBackpropFilterWasmConfig } from './conv2d-backprop-filter';
export { conv2DBackpropInputWasm, conv2DBackpropInputWasmConfig } from './conv2d-backprop-input';
export { cpuBridgeKernelConfig } from './cpu-bridge';
export { greaterWasm, greaterWasmConfig, leakyReluWasm, leakyReluWasmConfig } from './elementwise';
export {
  installThreadSwitch,
  PARALLEL_MIN_FLOPS,
  runWithThreads,
  THREAD_AWARE_KERNELS,
  threadSwitchInstalled,
} from './thread-switch';
export { tileValues, tileWasm, tileWasmConfig } from './tile';
