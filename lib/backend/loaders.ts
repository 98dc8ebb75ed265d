import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { genlibRequire } from './probe';
import { BACKEND_PACKAGES } from './types';
import { PARALLEL_MIN_FLOPS, registerWasmTrainingKernels } from './wasm-kernels';
import { restoreSingleThreadedWasm, useThreadedWasm, wasmThreadRequest } from './wasm-threads';

/** Options of the wasm backend. */
export interface WasmBackendOptions {
  /**
   * Folder (with a trailing slash) holding the `.wasm` binaries. Default: the `dist/` folder of the
   * installed `@tensorflow/tfjs-backend-wasm`, as a file path (Node reads it from disk).
   */
  wasmPaths?: string;
  /** Use genlib's XNNPACK-based `Conv2DBackpropInput` (several times faster). Default `true`. */
  fastConv2DBackpropInput?: boolean;
  /** Use genlib's replacements of the other slow shipped kernels (`WASM_REPLACED_KERNELS`). Default `true`. */
  fastKernels?: boolean;
  /**
   * XNNPACK threads, 1 to 8; more than 1 loads the package's threaded build (which tfjs does not use
   * in Node by itself). Default: `GENLIB_WASM_THREADS`, else one per CPU core.
   */
  threads?: number;
}

/** What loading a backend reports back. */
export interface LoadResult {
  /** For tensorflow: whether TensorFlow placed ops on a GPU. */
  usingGpu?: boolean;
  /** For tensorflow: the package version. */
  version?: string;
  /** For wasm: SIMD in use. */
  simd?: boolean;
  /** For wasm: XNNPACK threads. */
  threads?: number;
  /** For wasm: how the thread count came about, in words. */
  threading?: string;
}

/**
 * The side-effecting half of backend selection: each function loads/activates one backend and
 * throws with the reason when it cannot. Injectable so selection is testable without the packages.
 */
export interface BackendLoaders {
  /** `require`s a tfjs-node package (it registers backend 'tensorflow') and activates it. */
  tensorflow(packageName: string): Promise<LoadResult>;
  /**
   * Imports tfjs-backend-wasm, registers genlib's kernels and activates 'wasm' (threaded when more
   * than one thread is asked for; `env` is read for GENLIB_WASM_THREADS).
   */
  wasm(options: WasmBackendOptions, env?: Readonly<Record<string, string | undefined>>): Promise<LoadResult>;
  /** Activates the pure-JS 'cpu' backend. */
  cpu(): Promise<LoadResult>;
}

async function activate(tfName: string, why: string): Promise<void> {
  const ok = await tf.setBackend(tfName);
  if (!ok) throw new Error(`tf.setBackend('${tfName}') returned false (${why})`);
  await tf.ready();
}

/** Folder of the installed tfjs-backend-wasm's `.wasm` files, with a trailing slash. */
export function defaultWasmPaths(): string {
  const pkgJson = genlibRequire().resolve(`${BACKEND_PACKAGES.wasm}/package.json`);
  return `${join(pkgJson, '..', 'dist')}/`;
}

/** The real loaders. */
export const defaultBackendLoaders: BackendLoaders = {
  async tensorflow(packageName) {
    const req = genlibRequire();
    req(packageName);
    await activate(
      'tensorflow',
      'the TensorFlow binding loaded but did not initialise; see the messages above',
    );
    const backend = tf.engine().registry.tensorflow as unknown as { isUsingGpuDevice?: boolean } | undefined;
    const { version } = req(`${packageName}/package.json`) as { version?: string };
    return { usingGpu: backend?.isUsingGpuDevice === true, version };
  },
  async wasm(options, env = process.env) {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (tf.engine().registry.wasm == null) wasm.setWasmPaths(options.wasmPaths ?? defaultWasmPaths());
    registerWasmTrainingKernels({
      fastConv2DBackpropInput: options.fastConv2DBackpropInput ?? true,
      fastKernels: options.fastKernels ?? true,
    });
    // Emscripten's Node glue adds process-wide 'uncaughtException'/'unhandledRejection' handlers that
    // rethrow and print the whole minified wasm glue file; remove them so errors look normal.
    const before = new Set<unknown>([
      ...process.listeners('uncaughtException'),
      ...process.listeners('unhandledRejection'),
    ]);
    const request = wasmThreadRequest(options.threads, env);
    let fallbackReason: string | undefined;
    if (request.threads === 1) restoreSingleThreadedWasm();
    const setup = request.threads > 1 ? useThreadedWasm(wasm, request.threads) : undefined;
    if (setup != null && !setup.threaded) fallbackReason = setup.reason;
    try {
      try {
        await activate('wasm', 'the wasm module failed to load; the warning above says why');
      } catch (e) {
        if (setup?.threaded !== true) throw e;
        // The threaded build did not start: fall back to the package's single-threaded one.
        setup.restore();
        fallbackReason = `the threaded build failed to start (${e instanceof Error ? e.message : String(e)})`;
        await activate('wasm', 'the wasm module failed to load; the warning above says why');
      }
    } finally {
      for (const l of process.listeners('uncaughtException')) {
        if (!before.has(l)) process.removeListener('uncaughtException', l);
      }
      for (const l of process.listeners('unhandledRejection')) {
        if (!before.has(l)) process.removeListener('unhandledRejection', l);
      }
    }
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
    const threads = wasm.getThreadsCount();
    const plural = (n: number) => `${n} thread${n === 1 ? '' : 's'}`;
    const threading =
      threads === request.threads
        ? `${plural(threads)} (${request.source})${
            threads > 1
              ? ": the package's threaded build, loaded from a worker file; convolutions and matrix products " +
                `of ${PARALLEL_MIN_FLOPS / 1e6} MFLOP or more use every thread, smaller kernels one`
              : ''
          }`
        : threads === 1 && fallbackReason != null
          ? `1 thread instead of ${request.threads}: ${fallbackReason}`
          : `${plural(threads)} instead of ${request.threads} (${request.source}): the wasm backend had already ` +
            'started in this process, and its thread count is fixed when it starts';
    return { simd, threads, threading };
  },
  async cpu() {
    await activate('cpu', 'unexpected: the cpu backend is built in');
    return {};
  },
};
