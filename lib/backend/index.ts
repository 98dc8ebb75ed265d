/**
 * The backend layer: choosing and initialising the TensorFlow.js backend, explaining the choice,
 * and the extra wasm kernels conv-net training needs.
 */
export {
  ALLOW_SLOW_CPU_ENV_VAR,
  assertConvTrainingSupported,
  convTrainingPolicy,
  SlowBackendError,
} from './conv-guard';
export {
  assessCandidates,
  type BackendPlan,
  BackendUnavailableError,
  planBackendSelection,
} from './decide';
export { type FormatReportOptions, formatBackendReport } from './format-report';
export {
  type BackendLoaders,
  defaultBackendLoaders,
  defaultWasmPaths,
  type LoadResult,
  type WasmBackendOptions,
} from './loaders';
export { CUDART_LIBRARY, CUDNN_LIBRARY, findLibrary, parseLdconfigOutput, probeEnvironment } from './probe';
export { BACKEND_ENV_VAR, type BackendRequest, parseBackendName, resolveBackendRequest } from './request';
export {
  activeBackendName,
  getBackendReport,
  type InitBackendOptions,
  initBackend,
  selectBackend,
} from './select-backend';
export {
  BACKEND_LABELS,
  BACKEND_NAMES,
  BACKEND_PACKAGES,
  type BackendName,
  type BackendReport,
  type CandidateAssessment,
  type CandidateReport,
  type EnvironmentProbe,
  type ForceSource,
  type LibraryProbe,
  type PackageProbe,
  TF_BACKEND_OF,
} from './types';
export {
  activeWasmReplacements,
  installThreadSwitch,
  isFastConv2DBackpropInputActive,
  missingWasmTrainingKernels,
  PARALLEL_MIN_FLOPS,
  registerWasmTrainingKernels,
  runWithThreads,
  THREAD_AWARE_KERNELS,
  threadSwitchInstalled,
  WASM_EXTRA_KERNELS,
  WASM_REPLACED_KERNELS,
  type WasmKernelOptions,
} from './wasm-kernels';
export {
  findThreadPoolAddress,
  MAX_WASM_THREADS,
  prepareThreadedWasmFiles,
  restoreSingleThreadedWasm,
  type ThreadedWasmFiles,
  type ThreadedWasmSetup,
  useThreadedWasm,
  WASM_THREADS_ENV_VAR,
  type WasmThreadRequest,
  wasmThreadRequest,
} from './wasm-threads';
