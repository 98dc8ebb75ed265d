import type * as tf from '@tensorflow/tfjs';
import { shippedSetup, shippedWasmKernel } from './shipped';

/**
 * Per-kernel threading for the threaded wasm build.
 *
 * The wasm backend keeps one pointer to its XNNPACK thread pool, which every kernel passes to
 * XNNPACK. With the pool set, each XNNPACK operation hands part of its work to the other threads and
 * waits until they have all finished; for a small operation that hand-over costs more than the work
 * it shares (and far more when another program keeps the other cores busy: the waiting thread must
 * first get a core back). So the pointer stays null (XNNPACK then runs on the calling thread), and
 * only convolutions and matrix products of at least {@link PARALLEL_MIN_FLOPS} set it to the pool
 * for their duration. Results do not depend on it: XNNPACK splits work by output tiles.
 */

/** Convolutions and matrix products at least this big (2 x multiply-adds) run on all wasm threads. */
export const PARALLEL_MIN_FLOPS = 50e6;

interface ThreadSwitch {
  /** A view of the wasm memory holding the pool pointer. */
  view: Int32Array;
  /** Index of the pointer in `view`. */
  index: number;
  /** The thread pool. */
  pool: number;
}

let threadSwitch: ThreadSwitch | undefined;

/**
 * Turns per-kernel threading on: `view[index]` is the backend's thread-pool pointer, currently set
 * to `pool`. Sets it to null (one thread) until a large kernel runs. Returns a function that turns
 * it off again (the pointer back to the pool: every kernel threaded).
 */
export function installThreadSwitch(view: Int32Array, index: number, pool: number): () => void {
  const installed: ThreadSwitch = { view, index, pool };
  threadSwitch = installed;
  view[index] = 0;
  return () => {
    if (threadSwitch !== installed) return;
    view[index] = pool;
    threadSwitch = undefined;
  };
}

/** Whether per-kernel threading is on (the threaded build is running). */
export function threadSwitchInstalled(): boolean {
  return threadSwitch != null;
}

let deciding = 0;

/**
 * Runs `fn` (a kernel) with the thread pool when its work, `flops`, is at least
 * {@link PARALLEL_MIN_FLOPS}; otherwise (or when per-kernel threading is off) just runs it. The
 * kernels a composite kernel runs inside itself follow its decision.
 */
export function runWithThreads<T>(flops: number, fn: () => T): T {
  const s = threadSwitch;
  if (s == null || deciding > 0) return fn();
  const threaded = flops >= PARALLEL_MIN_FLOPS;
  deciding++;
  if (threaded) s.view[s.index] = s.pool;
  try {
    return fn();
  } finally {
    if (threaded) s.view[s.index] = 0;
    deciding--;
  }
}

const sizeOf = (t: tf.TensorInfo) => t.shape.reduce((p, d) => p * d, 1);
const pair = (v: number | [number, number] | undefined): [number, number] =>
  v == null ? [1, 1] : typeof v === 'number' ? [v, v] : v;

/** 2 x multiply-adds of a matrix product `a` x `b` (with the transposes given). */
export function matMulFlops(a: tf.TensorInfo, b: tf.TensorInfo, transposeB: boolean): number {
  const n = transposeB ? b.shape[b.shape.length - 2] : b.shape[b.shape.length - 1];
  return 2 * sizeOf(a) * n;
}

/** 2 x multiply-adds of a convolution of `x` with `filter` ([FH, FW, Ci, Co]) at `strides`. */
function convFlops(x: tf.TensorInfo, filter: tf.TensorInfo, strides: number | [number, number]): number {
  const [sh, sw] = pair(strides);
  const [fh, fw, , co] = filter.shape;
  return (2 * sizeOf(x) * fh * fw * co) / (sh * sw);
}

/** The shipped wasm kernels that get per-kernel threading, with their work estimate. */
const THREAD_AWARE: Readonly<
  Record<string, (inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap) => number>
> = {
  Conv2D: (i, a) => convFlops(i.x as tf.TensorInfo, i.filter as tf.TensorInfo, a.strides as number),
  FusedConv2D: (i, a) => convFlops(i.x as tf.TensorInfo, i.filter as tf.TensorInfo, a.strides as number),
  DepthwiseConv2dNative: (i, a) =>
    convFlops(i.x as tf.TensorInfo, i.filter as tf.TensorInfo, a.strides as number),
  FusedDepthwiseConv2D: (i, a) =>
    convFlops(i.x as tf.TensorInfo, i.filter as tf.TensorInfo, a.strides as number),
  _FusedMatMul: (i, a) => matMulFlops(i.a as tf.TensorInfo, i.b as tf.TensorInfo, a.transposeB === true),
};

/** Names of the shipped kernels that {@link threadAwareConfig} wraps. */
export const THREAD_AWARE_KERNELS: readonly string[] = Object.keys(THREAD_AWARE);

const wrappers = new Map<string, tf.KernelConfig>();

/**
 * A kernel config that runs the shipped kernel `kernelName` (remembered with
 * `rememberShippedWasmKernel` first) through {@link runWithThreads}.
 */
export function threadAwareConfig(kernelName: string): tf.KernelConfig {
  const existing = wrappers.get(kernelName);
  if (existing != null) return existing;
  const flops = THREAD_AWARE[kernelName];
  if (flops == null) throw new Error(`genlib: no work estimate for kernel '${kernelName}'.`);
  const config: tf.KernelConfig = {
    kernelName,
    backendName: 'wasm',
    kernelFunc: ((args: Parameters<tf.KernelFunc>[0]) => {
      const shipped = shippedWasmKernel(kernelName);
      if (shipped == null) throw new Error(`genlib: the wasm package's '${kernelName}' kernel is missing.`);
      return runWithThreads(flops(args.inputs, args.attrs ?? {}), () => shipped.kernelFunc(args));
    }) as tf.KernelFunc,
    setupFunc: shippedSetup(kernelName),
  };
  wrappers.set(kernelName, config);
  return config;
}
