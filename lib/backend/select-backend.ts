import * as tf from '@tensorflow/tfjs';
import { convTrainingPolicy } from './conv-guard';
import { type BackendPlan, BackendUnavailableError, planBackendSelection } from './decide';
import {
  type BackendLoaders,
  defaultBackendLoaders,
  type LoadResult,
  type WasmBackendOptions,
} from './loaders';
import { probeEnvironment } from './probe';
import { type BackendRequest, resolveBackendRequest } from './request';
import {
  BACKEND_LABELS,
  BACKEND_PACKAGES,
  type BackendName,
  type BackendReport,
  type CandidateReport,
  type EnvironmentProbe,
  TF_BACKEND_OF,
} from './types';
import { activeWasmReplacements, WASM_EXTRA_KERNELS } from './wasm-kernels';
import { WASM_THREADS_ENV_VAR } from './wasm-threads';

function loadFailureHints(name: BackendName, packageName: string | undefined): string[] {
  if (name === 'tensorflow-gpu') {
    return [
      'read the TensorFlow messages above (e.g. "Could not load dynamic library ..."): it needs CUDA 11.2 + cuDNN 8.1 ' +
        'and a visible NVIDIA GPU',
      'GENLIB_BACKEND=tensorflow uses the same package on the CPU',
    ];
  }
  if (name === 'tensorflow') {
    return [
      `reinstall the native binding: \`npm rebuild ${packageName ?? BACKEND_PACKAGES.nodeGpu}\` (needs internet access)`,
      'use Node 20 or 22',
    ];
  }
  if (name === 'wasm') return [`reinstall it: npm install ${BACKEND_PACKAGES.wasm}@4.22.0`];
  return ['report this as a bug'];
}

function errorText(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  return text.split('\n').slice(0, 3).join(' ').trim();
}

/**
 * Tries the plan's backends in order with the given loaders and reports the outcome. A backend
 * that fails to load is recorded as `failed` and the next is tried; when the backend was forced,
 * the failure is thrown instead (no silent fallback).
 * @throws BackendUnavailableError when a forced backend fails to load.
 */
export async function selectBackend(
  plan: BackendPlan,
  probe: EnvironmentProbe,
  options: {
    loaders?: BackendLoaders;
    wasm?: WasmBackendOptions;
    env?: Readonly<Record<string, string | undefined>>;
  } = {},
): Promise<BackendReport> {
  const loaders = options.loaders ?? defaultBackendLoaders;
  const failures = new Map<BackendName, string[]>();
  let chosen: BackendName | undefined;
  let loaded: LoadResult = {};
  for (const name of plan.tryOrder) {
    const assessment = plan.assessments.find((a) => a.name === name);
    try {
      if (name === 'tensorflow-gpu' || name === 'tensorflow') {
        loaded = await loaders.tensorflow(assessment?.packageName ?? BACKEND_PACKAGES.nodeGpu);
        if (name === 'tensorflow-gpu' && loaded.usingGpu !== true) {
          throw new Error(
            'TensorFlow loaded but placed no op on a GPU (no usable CUDA device; its log above says why, e.g. a missing CUDA library)',
          );
        }
      } else if (name === 'wasm') {
        loaded = await loaders.wasm(options.wasm ?? {}, options.env ?? process.env);
      } else {
        loaded = await loaders.cpu();
      }
      chosen = name;
      break;
    } catch (e) {
      const reason = `loading failed: ${errorText(e)}`;
      failures.set(name, [reason]);
      if (plan.request.force != null) {
        throw new BackendUnavailableError(
          name,
          [reason],
          loadFailureHints(name, assessment?.packageName),
          plan.request,
        );
      }
    }
  }
  if (chosen == null) {
    throw new Error(
      `No TensorFlow.js backend could be initialised: ${JSON.stringify(Object.fromEntries(failures))}`,
    );
  }
  const chosenIndex = plan.assessments.findIndex((a) => a.name === chosen);
  const candidates: CandidateReport[] = plan.assessments.map((a, i): CandidateReport => {
    const label = BACKEND_LABELS[a.name];
    if (a.name === chosen) return { ...a, reasons: [], label, status: 'chosen' };
    const failed = failures.get(a.name);
    if (failed != null) {
      return {
        ...a,
        available: false,
        reasons: failed,
        hints: loadFailureHints(a.name, a.packageName),
        label,
        status: 'failed',
      };
    }
    if (!a.available) return { ...a, label, status: 'unavailable' };
    const reason =
      plan.request.force != null
        ? `not tried: ${plan.request.source === 'GENLIB_BACKEND' ? 'GENLIB_BACKEND' : 'initBackend({ force })'} selects '${chosen}'`
        : i > chosenIndex
          ? 'not tried: a faster backend works'
          : 'not tried';
    return { ...a, reasons: [reason], label, status: 'not-tried' };
  });
  // What the loader activated; a test's fake loaders may leave no backend set.
  const tfBackend = (tf.getBackend() as string | null) ?? 'none';
  return {
    chosen,
    tfBackend,
    selection: plan.request.force != null ? 'forced' : 'auto',
    forcedBy: plan.request.source,
    candidates,
    convTraining: convTrainingPolicy(TF_BACKEND_OF[chosen], options.env ?? process.env),
    details: {
      nodeVersion: probe.nodeVersion,
      tfjsVersion: tf.version.tfjs,
      ...(chosen === 'wasm'
        ? {
            wasmSimd: loaded.simd,
            wasmThreads: loaded.threads,
            ...(loaded.threading != null ? { wasmThreading: loaded.threading } : {}),
            wasmExtraKernels: [
              ...WASM_EXTRA_KERNELS.map((k) => k.kernelName).filter((k) => tf.getKernel(k, 'wasm') != null),
              ...activeWasmReplacements().map((k) => `${k} (faster replacement)`),
            ],
          }
        : {}),
      ...(chosen === 'tensorflow' || chosen === 'tensorflow-gpu'
        ? {
            tensorflowPackage: `${candidates.find((c) => c.name === chosen)?.packageName}@${loaded.version ?? '?'}`,
          }
        : {}),
      gpuEvidence: probe.gpu.evidence,
    },
  };
}

/** Options of {@link initBackend}. */
export interface InitBackendOptions {
  /**
   * Use exactly this backend (or `auto`). Wins over the GENLIB_BACKEND environment variable.
   * A forced backend that is unavailable throws; there is no silent fallback. Default: GENLIB_BACKEND, else auto.
   */
  force?: BackendName | 'auto';
  /** wasm backend options. */
  wasm?: WasmBackendOptions;
  /** Environment variables (GENLIB_BACKEND, GENLIB_ALLOW_SLOW_CPU, LD_LIBRARY_PATH). Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
  /** Select again even when an earlier call already did. Default `false`. */
  refresh?: boolean;
  /** For tests: a hand-made environment probe instead of {@link probeEnvironment}. Disables caching. */
  probe?: EnvironmentProbe;
  /** For tests: replacement loaders. Disables caching. */
  loaders?: BackendLoaders;
}

let cache: { key: string; promise: Promise<BackendReport> } | undefined;
let lastReport: BackendReport | undefined;

function requestKey(request: BackendRequest, options: InitBackendOptions): string {
  return JSON.stringify([
    request.force ?? 'auto',
    options.wasm?.fastConv2DBackpropInput ?? true,
    options.wasm?.fastKernels ?? true,
    options.wasm?.threads ?? (options.env ?? process.env)[WASM_THREADS_ENV_VAR] ?? 'auto',
  ]);
}

/**
 * Initialises TensorFlow.js with the fastest backend that works here: TensorFlow with CUDA
 * (tfjs-node-gpu on a GPU), TensorFlow on the CPU, wasm (with genlib's training kernels), then the
 * pure-JS cpu backend. Returns a report of the choice and of why each faster option was not used
 * (print it with {@link formatBackendReport}). Await it before creating any tensor.
 *
 * Idempotent: calling it again with the same request returns the same report without reloading
 * (concurrent calls share one selection); a different `force`, `refresh: true`, or a backend changed
 * behind its back with `tf.setBackend` selects again.
 * @throws BackendUnavailableError when a forced backend (option or GENLIB_BACKEND) is unavailable.
 * @throws Error when GENLIB_BACKEND holds an unknown name.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendReport> {
  const env = options.env ?? process.env;
  const request = resolveBackendRequest(options.force, env);
  const run = async (): Promise<BackendReport> => {
    const probe = options.probe ?? probeEnvironment({ env });
    const plan = planBackendSelection(probe, request);
    const report = await selectBackend(plan, probe, { loaders: options.loaders, wasm: options.wasm, env });
    lastReport = report;
    return report;
  };
  if (options.probe != null || options.loaders != null) return run();
  const key = requestKey(request, options);
  if (cache != null && cache.key === key && options.refresh !== true) {
    const current = cache;
    try {
      const report = await current.promise;
      if (tf.getBackend() === report.tfBackend) return report;
    } catch {
      // a failed earlier attempt: try again below
    }
    if (cache !== current) return initBackend(options);
  }
  const promise = run();
  cache = { key, promise };
  try {
    return await promise;
  } catch (e) {
    if (cache?.promise === promise) cache = undefined;
    throw e;
  }
}

/** The report of the last successful {@link initBackend}, or `undefined` before the first one. */
export function getBackendReport(): BackendReport | undefined {
  return lastReport;
}

/** The {@link BackendName} whose tf backend is active (`tensorflow-gpu` only if the last report chose it). */
export function activeBackendName(): BackendName | undefined {
  const tfName = tf.getBackend() as string | null;
  if (tfName == null) return undefined;
  if (lastReport != null && TF_BACKEND_OF[lastReport.chosen] === tfName) return lastReport.chosen;
  return (Object.keys(TF_BACKEND_OF) as BackendName[]).reverse().find((n) => TF_BACKEND_OF[n] === tfName);
}
