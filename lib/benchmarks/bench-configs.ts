/**
 * The backend configurations the benchmark compares, and how each is set up in a fresh process.
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { defaultWasmPaths } from '../backend/loaders';
import { genlibRequire } from '../backend/probe';
import { initBackend } from '../backend/select-backend';
import { BACKEND_PACKAGES } from '../backend/types';
import { MAX_WASM_THREADS } from '../backend/wasm-threads';

/** One way of running the step: a TensorFlow.js backend set-up, or PyTorch. */
export interface BenchConfig {
  /** Short id, e.g. `wasm-2t`. */
  id: string;
  /** What it is, for the table. */
  label: string;
  /** `tfjs` configs run in a Node child process; `pytorch` ones in Debian's Python. */
  runtime: 'tfjs' | 'pytorch';
  /** Threads it may use. */
  threads: number;
  /** The pure-JS cpu backend (measured with fewer repeats: a DCGAN step takes minutes). */
  slow?: boolean;
}

/** The configurations present on this machine, in table order. */
export function benchConfigs(
  options: { cores?: number; pytorch?: boolean; tensorflow?: boolean } = {},
): BenchConfig[] {
  const cores = Math.min(options.cores ?? availableParallelism(), MAX_WASM_THREADS);
  const configs: BenchConfig[] = [
    { id: 'cpu', label: 'tfjs cpu (pure JS)', runtime: 'tfjs', threads: 1, slow: true },
    { id: 'wasm-shipped', label: 'tfjs wasm as shipped (1 thread)', runtime: 'tfjs', threads: 1 },
    {
      id: 'wasm-missing-only',
      label: 'tfjs wasm + only the missing kernels (1 thread)',
      runtime: 'tfjs',
      threads: 1,
    },
    { id: 'wasm-1t', label: 'tfjs wasm + genlib kernels (1 thread)', runtime: 'tfjs', threads: 1 },
  ];
  if (cores > 1) {
    configs.push({
      id: `wasm-${cores}t`,
      label: `tfjs wasm + genlib kernels (${cores} threads)`,
      runtime: 'tfjs',
      threads: cores,
    });
  }
  if (options.tensorflow === true) {
    configs.push({
      id: 'tensorflow',
      label: 'tfjs-node (TensorFlow C library)',
      runtime: 'tfjs',
      threads: cores,
    });
  }
  if (options.pytorch === true) {
    configs.push({ id: 'pytorch-1t', label: 'PyTorch (1 thread)', runtime: 'pytorch', threads: 1 });
    if (cores > 1) {
      configs.push({
        id: `pytorch-${cores}t`,
        label: `PyTorch (${cores} threads)`,
        runtime: 'pytorch',
        threads: cores,
      });
    }
  }
  return configs;
}

/** Whether tfjs-node(-gpu) is installed (then the benchmark also times the TensorFlow backend). */
export function tensorflowInstalled(): boolean {
  for (const name of [BACKEND_PACKAGES.nodeGpu, BACKEND_PACKAGES.node]) {
    try {
      genlibRequire().resolve(`${name}/package.json`);
      return true;
    } catch {
      // not installed
    }
  }
  return false;
}

/**
 * Sets up a tfjs configuration in this process (call once, before any tensor exists) and returns
 * a one-line description of what is active.
 */
export async function setUpTfjsConfig(id: string): Promise<string> {
  const env = {};
  if (id === 'cpu') {
    await initBackend({ force: 'cpu', env });
    return 'cpu';
  }
  if (id === 'wasm-shipped') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    wasm.setWasmPaths(defaultWasmPaths());
    // As initBackend does: drop the process-wide error handlers Emscripten's glue adds (they rethrow).
    const handlers = () => [
      ...process.listeners('uncaughtException'),
      ...process.listeners('unhandledRejection'),
    ];
    const before = new Set<unknown>(handlers());
    if (!(await tf.setBackend('wasm'))) throw new Error('the wasm backend did not initialise');
    await tf.ready();
    for (const l of process.listeners('uncaughtException')) {
      if (!before.has(l)) process.removeListener('uncaughtException', l);
    }
    for (const l of process.listeners('unhandledRejection')) {
      if (!before.has(l)) process.removeListener('unhandledRejection', l);
    }
    return `wasm as shipped, ${wasm.getThreadsCount()} thread(s)`;
  }
  if (id === 'wasm-missing-only') {
    const report = await initBackend({
      force: 'wasm',
      env,
      wasm: { threads: 1, fastConv2DBackpropInput: false, fastKernels: false },
    });
    return `wasm, ${report.details.wasmThreads} thread(s), kernels: ${report.details.wasmExtraKernels?.join(', ')}`;
  }
  const threaded = /^wasm-(\d+)t$/.exec(id);
  if (threaded != null) {
    const report = await initBackend({ force: 'wasm', env, wasm: { threads: Number(threaded[1]) } });
    return `wasm, ${report.details.wasmThreading}`;
  }
  if (id === 'tensorflow') {
    const report = await initBackend({ force: 'tensorflow', env });
    return `tensorflow (${report.details.tensorflowPackage})`;
  }
  throw new Error(`unknown benchmark configuration '${id}'`);
}
