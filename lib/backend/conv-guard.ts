import * as tf from '@tensorflow/tfjs';
import { missingWasmTrainingKernels, registerWasmTrainingKernels } from './wasm-kernels';

/** Set this environment variable to `1` to allow conv-net training on the pure-JS cpu backend. */
export const ALLOW_SLOW_CPU_ENV_VAR = 'GENLIB_ALLOW_SLOW_CPU';

/** Thrown by {@link assertConvTrainingSupported} when the active backend is too slow for conv nets. */
export class SlowBackendError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlowBackendError';
  }
}

/** Whether conv-net training is allowed on `tfBackend` given the environment, and a sentence why. */
export function convTrainingPolicy(
  tfBackend: string | null | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
): { allowed: boolean; note: string } {
  if (tfBackend === 'cpu') {
    if (env[ALLOW_SLOW_CPU_ENV_VAR] === '1') {
      return {
        allowed: true,
        note: `allowed on the pure-JS cpu backend because ${ALLOW_SLOW_CPU_ENV_VAR}=1 is set (expect conv-net training to be hundreds of times slower than on wasm)`,
      };
    }
    return {
      allowed: false,
      note:
        'refused: conv-net training on the pure-JS cpu backend is hundreds of times slower than on wasm; ' +
        `assertConvTrainingSupported() throws unless ${ALLOW_SLOW_CPU_ENV_VAR}=1 is set`,
    };
  }
  if (tfBackend === 'wasm') {
    return {
      allowed: true,
      note: "allowed: wasm with genlib's training kernels (XNNPACK; slower than TensorFlow's native CPU kernels)",
    };
  }
  if (tfBackend === 'tensorflow') return { allowed: true, note: 'allowed: TensorFlow C library' };
  if (tfBackend == null)
    return { allowed: false, note: 'no backend initialised yet: call `await initBackend()`' };
  return { allowed: true, note: `allowed on backend '${tfBackend}'` };
}

/**
 * Guard to call before training a convolutional net. Throws a {@link SlowBackendError} when the
 * active backend is TensorFlow.js's pure-JS 'cpu' backend (hundreds of times slower for
 * convolution gradients) unless `GENLIB_ALLOW_SLOW_CPU=1` is set, and when no backend has been
 * initialised. On 'wasm' it makes sure genlib's training kernels are registered.
 */
export function assertConvTrainingSupported(
  options: { env?: Readonly<Record<string, string | undefined>> } = {},
): void {
  const backend = tf.getBackend() as string | null | undefined;
  const { allowed } = convTrainingPolicy(backend, options.env ?? process.env);
  if (backend == null) {
    throw new SlowBackendError(
      'No TensorFlow.js backend is initialised yet. Call `await initBackend()` (from genlib) before training.',
    );
  }
  if (!allowed) {
    throw new SlowBackendError(
      "Refusing to train a conv net on TensorFlow.js's pure-JavaScript 'cpu' backend: convolution gradients there " +
        'are hundreds of times slower than on wasm (one DCGAN training step at batch 64 takes minutes).\n' +
        'What to do:\n' +
        '  - run `npm run doctor` to see why no faster backend is in use and how to get one;\n' +
        "  - call `await initBackend()` without forcing 'cpu' (wasm works everywhere Node 20 runs);\n" +
        `  - or, for a tiny experiment, set ${ALLOW_SLOW_CPU_ENV_VAR}=1 to run on cpu anyway.`,
    );
  }
  if (backend === 'wasm' && missingWasmTrainingKernels().length > 0) registerWasmTrainingKernels();
}
