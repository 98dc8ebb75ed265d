import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { genlibRequire } from './probe';
import { BACKEND_PACKAGES } from './types';
import { registerWasmTrainingKernels } from './wasm-kernels';

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
}

/**
 * The side-effecting half of backend selection: each function loads/activates one backend and
 * throws with the reason when it cannot. Injectable so selection is testable without the packages.
 */
export interface BackendLoaders {
  /** `require`s a tfjs-node package (it registers backend 'tensorflow') and activates it. */
  tensorflow(packageName: string): Promise<LoadResult>;
  /** Imports tfjs-backend-wasm, registers genlib's kernels and activates 'wasm'. */
  wasm(options: WasmBackendOptions): Promise<LoadResult>;
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
  async wasm(options) {
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
    try {
      await activate('wasm', 'the wasm module failed to load; the warning above says why');
    } finally {
      for (const l of process.listeners('uncaughtException')) {
        if (!before.has(l)) process.removeListener('uncaughtException', l);
      }
      for (const l of process.listeners('unhandledRejection')) {
        if (!before.has(l)) process.removeListener('unhandledRejection', l);
      }
    }
    const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) as boolean;
    return { simd, threads: wasm.getThreadsCount() };
  },
  async cpu() {
    await activate('cpu', 'unexpected: the cpu backend is built in');
    return {};
  },
};
