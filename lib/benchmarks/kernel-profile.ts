/**
 * Per-kernel timings: where a training step spends its time, kernel by kernel.
 *
 * Every kernel registered for the active backend is wrapped for the duration of one call of `fn`;
 * each outermost kernel call records its wall time and the process's CPU time (which counts every
 * thread, so a kernel running on two threads shows about twice its wall time). Kernels that a
 * composite kernel runs inside itself are counted in their parent. Synchronous backends only
 * (cpu, wasm): a WebGL or TensorFlow kernel returns before its work is done.
 */
import * as tf from '@tensorflow/tfjs';

/** Timings of one kernel with one set of input shapes. */
export interface KernelTiming {
  /** Kernel name, e.g. `Conv2DBackpropInput`. */
  kernel: string;
  /** Input shapes, e.g. `[64,7,7,128] [5,5,64,128]`. */
  shapes: string;
  /** Number of calls. */
  calls: number;
  /** Total wall time (ms). */
  wallMs: number;
  /** Total CPU time of the process over those calls, all threads (ms). */
  cpuMs: number;
}

function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function shapesOf(inputs: tf.NamedTensorInfoMap): string {
  return Object.values(inputs)
    .filter((t): t is tf.TensorInfo => t != null)
    .map((t) => `[${t.shape.join(',')}]`)
    .join(' ');
}

/**
 * Runs `fn` with every kernel of the active backend timed (with `nested: true`, also the kernels
 * that composite kernels run, named `Parent > Child`), and returns its result with the
 * timings per (kernel, input shapes), slowest first. Restores the kernels afterwards, also when
 * `fn` throws.
 */
export function profileKernels<T>(
  fn: () => T,
  options: { nested?: boolean } = {},
): { result: T; kernels: KernelTiming[] } {
  const backendName = tf.getBackend();
  const configs = tf.getKernelsForBackend(backendName) as tf.KernelConfig[];
  const originals = new Map<tf.KernelConfig, tf.KernelFunc>();
  const rows = new Map<string, KernelTiming>();
  const parents: string[] = [];
  for (const config of configs) {
    const original = config.kernelFunc;
    originals.set(config, original);
    const wrapped = ((args: Parameters<tf.KernelFunc>[0]) => {
      if (parents.length > 0 && options.nested !== true) return original(args);
      const name = [...parents, config.kernelName].join(' > ');
      parents.push(config.kernelName);
      const wall0 = performance.now();
      const cpu0 = cpuNowMs();
      try {
        return original(args);
      } finally {
        const wallMs = performance.now() - wall0;
        const cpuMs = cpuNowMs() - cpu0;
        parents.pop();
        const shapes = shapesOf(args.inputs);
        const key = `${name} ${shapes}`;
        const row = rows.get(key) ?? { kernel: name, shapes, calls: 0, wallMs: 0, cpuMs: 0 };
        row.calls += 1;
        row.wallMs += wallMs;
        row.cpuMs += cpuMs;
        rows.set(key, row);
      }
    }) as tf.KernelFunc;
    (config as { kernelFunc: tf.KernelFunc }).kernelFunc = wrapped;
  }
  try {
    const result = fn();
    return { result, kernels: [...rows.values()].sort((a, b) => b.wallMs - a.wallMs) };
  } finally {
    for (const [config, original] of originals)
      (config as { kernelFunc: tf.KernelFunc }).kernelFunc = original;
  }
}

/** Sums timings per kernel name (all shapes together), slowest first. */
export function timingsByKernel(timings: KernelTiming[]): KernelTiming[] {
  const byName = new Map<string, KernelTiming>();
  for (const t of timings) {
    const row = byName.get(t.kernel) ?? { kernel: t.kernel, shapes: '(all)', calls: 0, wallMs: 0, cpuMs: 0 };
    row.calls += t.calls;
    row.wallMs += t.wallMs;
    row.cpuMs += t.cpuMs;
    byName.set(t.kernel, row);
  }
  return [...byName.values()].sort((a, b) => b.wallMs - a.wallMs);
}
