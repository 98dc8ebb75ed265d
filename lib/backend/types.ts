/**
 * The backends genlib can select, fastest first:
 * - `tensorflow-gpu`: TensorFlow's C library with CUDA, via `@tensorflow/tfjs-node-gpu` (tf backend 'tensorflow');
 * - `tensorflow`: the same library on the CPU, via `@tensorflow/tfjs-node-gpu` (or `@tensorflow/tfjs-node`);
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` (XNNPACK, SIMD, one thread in Node) plus genlib's training kernels;
 * - `cpu`: the pure-JavaScript backend (fine for small dense models; far too slow for conv nets).
 */
export type BackendName = 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';

/** All {@link BackendName}s, in order of preference (fastest first). */
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

/** The TensorFlow.js backend name (`tf.getBackend()`) each {@link BackendName} runs on. */
export const TF_BACKEND_OF: Readonly<Record<BackendName, string>> = {
  'tensorflow-gpu': 'tensorflow',
  tensorflow: 'tensorflow',
  wasm: 'wasm',
  cpu: 'cpu',
};

/** One-line descriptions of the backends, for reports. */
export const BACKEND_LABELS: Readonly<Record<BackendName, string>> = {
  'tensorflow-gpu': 'TensorFlow C library on an NVIDIA GPU (CUDA), via @tensorflow/tfjs-node-gpu',
  tensorflow: 'TensorFlow C library on the CPU, via @tensorflow/tfjs-node-gpu or @tensorflow/tfjs-node',
  wasm: 'WebAssembly (XNNPACK, SIMD) via @tensorflow/tfjs-backend-wasm, plus genlib training kernels',
  cpu: 'pure-JavaScript cpu backend (slowest)',
};

/** The npm packages the backends come from. */
export const BACKEND_PACKAGES = {
  nodeGpu: '@tensorflow/tfjs-node-gpu',
  node: '@tensorflow/tfjs-node',
  wasm: '@tensorflow/tfjs-backend-wasm',
} as const;

/** What the probe found out about one npm package. */
export interface PackageProbe {
  /** The package's `package.json` resolves from genlib. */
  installed: boolean;
  /** Its version, when installed. */
  version?: string;
  /** Its folder, when installed. */
  dir?: string;
}

/** Where a shared library was found (or not). */
export interface LibraryProbe {
  /** The file name looked for, e.g. `libcudart.so.11.0`. */
  name: string;
  /** Full path where the dynamic loader will find it (ld cache or LD_LIBRARY_PATH), or null. */
  path: string | null;
  /** A copy in a usual CUDA folder that is NOT on the loader's path (so it will not be used), if any. */
  offPath?: string;
}

/**
 * Facts about the machine that backend selection depends on. {@link probeEnvironment} gathers
 * them; tests pass hand-made ones to {@link planBackendSelection}.
 */
export interface EnvironmentProbe {
  /** `process.platform`. */
  platform: string;
  /** `process.arch`. */
  arch: string;
  /** `process.versions.node`, e.g. `20.19.0`. */
  nodeVersion: string;
  /** Whether `WebAssembly` exists in this runtime. */
  webAssembly: boolean;
  /** Installed packages, keyed by npm name (see {@link BACKEND_PACKAGES}). */
  packages: Record<string, PackageProbe>;
  /** NVIDIA GPU visibility. */
  gpu: {
    /** A GPU device is visible to this process. */
    visible: boolean;
    /** What showed it (device files, `nvidia-smi -L` lines), or what was checked. */
    evidence: string[];
  };
  /** The CUDA 11.2 / cuDNN 8.1 user-space libraries tfjs-node-gpu 4.22.0 (libtensorflow 2.9.1) needs. */
  cuda: {
    /** CUDA runtime, `libcudart.so.11.0`. */
    cudart: LibraryProbe;
    /** cuDNN, `libcudnn.so.8`. */
    cudnn: LibraryProbe;
  };
}

/** How one backend was judged before any loading (pure function of the probe). */
export interface CandidateAssessment {
  /** The backend. */
  name: BackendName;
  /** Nothing known rules it out, so it may be tried. */
  available: boolean;
  /** Why it is unavailable (empty when available). */
  reasons: string[];
  /** What to do to make it available, step by step (empty when nothing can be done or nothing is needed). */
  hints: string[];
  /** For the TensorFlow backends: the npm package to load. */
  packageName?: string;
}

/** How one backend fared in the final report. */
export interface CandidateReport extends CandidateAssessment {
  /** One-line description. */
  label: string;
  /**
   * - `chosen`: this is the active backend;
   * - `unavailable`: ruled out by the probe (see `reasons`);
   * - `failed`: tried, but loading or initialising it failed (see `reasons`);
   * - `not-tried`: available, but not tried (slower than the chosen one, or another backend was forced).
   */
  status: 'chosen' | 'unavailable' | 'failed' | 'not-tried';
}

/** Where a forced backend came from. */
export type ForceSource = 'option' | 'GENLIB_BACKEND';

/** The result of {@link initBackend}: what was chosen, and why nothing faster was. */
export interface BackendReport {
  /** The backend in use. */
  chosen: BackendName;
  /** `tf.getBackend()` after initialisation. */
  tfBackend: string;
  /** `auto`: the best available; `forced`: named by an option or the GENLIB_BACKEND variable. */
  selection: 'auto' | 'forced';
  /** Set when `selection` is `forced`. */
  forcedBy?: ForceSource;
  /** Every backend, fastest first, with its status and reasons. */
  candidates: CandidateReport[];
  /** Whether conv-net training is allowed on this backend ({@link assertConvTrainingSupported}). */
  convTraining: { allowed: boolean; note: string };
  /** Versions and backend details. */
  details: {
    nodeVersion: string;
    tfjsVersion: string;
    /** For wasm: SIMD in use. */
    wasmSimd?: boolean;
    /** For wasm: XNNPACK threads (more than 1 with the threaded build genlib loads in Node). */
    wasmThreads?: number;
    /** For wasm: how the thread count came about (and why it is 1 when more were asked for). */
    wasmThreading?: string;
    /** For wasm: the kernels genlib added or replaced. */
    wasmExtraKernels?: string[];
    /** For tensorflow*: the package loaded and its version. */
    tensorflowPackage?: string;
    /** GPU evidence from the probe. */
    gpuEvidence: string[];
  };
}
