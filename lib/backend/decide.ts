import type { BackendRequest } from './request';
import {
  BACKEND_LABELS,
  BACKEND_NAMES,
  BACKEND_PACKAGES,
  type BackendName,
  type CandidateAssessment,
  type EnvironmentProbe,
} from './types';

/** tfjs-node 4.22.0 fails on Node 24+ (`util.isNullOrUndefined` removed; tensorflow/tfjs#8609). */
export const FIRST_NODE_MAJOR_BREAKING_TFJS_NODE = 24;

const INSTALL_GPU_HINT =
  `npm install ${BACKEND_PACKAGES.nodeGpu}@4.22.0 (needs internet access: its install script downloads libtensorflow; ` +
  'Linux x64, Node 20 or 22)';
const CUDA_HINT =
  'install the CUDA 11.2 runtime and cuDNN 8.1 libraries (tfjs-node-gpu 4.22.0 links libtensorflow 2.9.1) and make ' +
  'libcudart.so.11.0 and libcudnn.so.8 visible to the loader: run `sudo ldconfig` after installing, or add their ' +
  'folder to LD_LIBRARY_PATH';
const GPU_HINT =
  'run on a machine with an NVIDIA GPU and its driver loaded (`nvidia-smi` lists it); in Docker, start the ' +
  'container with `--gpus all` (NVIDIA Container Toolkit)';
const NODE_HINT = 'use Node 20 or 22: tfjs-node 4.22.0 breaks on Node 24+ (tensorflow/tfjs#8609)';

function nodeMajor(version: string): number {
  return Number.parseInt(version.split('.')[0] ?? '0', 10);
}

function libraryReason(
  lib: { name: string; path: string | null; offPath?: string },
  what: string,
): string | null {
  if (lib.path != null) return null;
  if (lib.offPath != null) {
    return `${what} ${lib.name} is at ${lib.offPath} but not on the loader path (not in \`ldconfig -p\`, not in LD_LIBRARY_PATH)`;
  }
  return `${what} ${lib.name} not found (looked in \`ldconfig -p\` and LD_LIBRARY_PATH)`;
}

function assessTensorflowGpu(p: EnvironmentProbe): CandidateAssessment {
  const reasons: string[] = [];
  const hints: string[] = [];
  const pkg = p.packages[BACKEND_PACKAGES.nodeGpu];
  if (p.platform === 'darwin') {
    return {
      name: 'tensorflow-gpu',
      available: false,
      reasons: ['macOS has no CUDA; tfjs-node-gpu runs on Linux and Windows only'],
      hints: ['use a Linux machine with an NVIDIA GPU for GPU training'],
    };
  }
  if (!pkg?.installed) {
    const cpuOnly = p.packages[BACKEND_PACKAGES.node]?.installed === true;
    reasons.push(
      `package ${BACKEND_PACKAGES.nodeGpu} is not installed` +
        (cpuOnly
          ? ` (only ${BACKEND_PACKAGES.node}, the CPU build, is)`
          : ' (an optional dependency; its install fails without internet access)'),
    );
    hints.push(INSTALL_GPU_HINT);
  }
  if (nodeMajor(p.nodeVersion) >= FIRST_NODE_MAJOR_BREAKING_TFJS_NODE) {
    reasons.push(`Node ${p.nodeVersion} is not supported by tfjs-node 4.22.0`);
    hints.push(NODE_HINT);
  }
  if (p.platform === 'linux') {
    if (!p.gpu.visible) {
      reasons.push(`no NVIDIA GPU visible (${p.gpu.evidence.join('; ')})`);
      hints.push(GPU_HINT);
    }
    const cudaReasons = [
      libraryReason(p.cuda.cudart, 'CUDA 11.x runtime'),
      libraryReason(p.cuda.cudnn, 'cuDNN 8.x'),
    ].filter((r): r is string => r != null);
    if (cudaReasons.length > 0) {
      reasons.push(...cudaReasons);
      hints.push(CUDA_HINT);
    }
  }
  return {
    name: 'tensorflow-gpu',
    available: reasons.length === 0,
    reasons,
    hints,
    packageName: BACKEND_PACKAGES.nodeGpu,
  };
}

function assessTensorflowCpu(p: EnvironmentProbe): CandidateAssessment {
  const reasons: string[] = [];
  const hints: string[] = [];
  const gpuPkg = p.packages[BACKEND_PACKAGES.nodeGpu]?.installed === true;
  const cpuPkg = p.packages[BACKEND_PACKAGES.node]?.installed === true;
  if (!gpuPkg && !cpuPkg) {
    reasons.push(`neither ${BACKEND_PACKAGES.nodeGpu} nor ${BACKEND_PACKAGES.node} is installed`);
    hints.push(
      `npm install ${BACKEND_PACKAGES.nodeGpu}@4.22.0 (or ${BACKEND_PACKAGES.node}@4.22.0 on a machine without a GPU); ` +
        'its install script downloads libtensorflow, so it needs internet access',
    );
  }
  if (nodeMajor(p.nodeVersion) >= FIRST_NODE_MAJOR_BREAKING_TFJS_NODE) {
    reasons.push(`Node ${p.nodeVersion} is not supported by tfjs-node 4.22.0`);
    hints.push(NODE_HINT);
  }
  return {
    name: 'tensorflow',
    available: reasons.length === 0,
    reasons,
    hints,
    packageName: gpuPkg
      ? BACKEND_PACKAGES.nodeGpu
      : cpuPkg
        ? BACKEND_PACKAGES.node
        : BACKEND_PACKAGES.nodeGpu,
  };
}

function assessWasm(p: EnvironmentProbe): CandidateAssessment {
  const reasons: string[] = [];
  const hints: string[] = [];
  if (!p.webAssembly) {
    reasons.push('this JavaScript runtime has no WebAssembly');
    hints.push('use Node 20 or newer');
  }
  if (p.packages[BACKEND_PACKAGES.wasm]?.installed !== true) {
    reasons.push(`package ${BACKEND_PACKAGES.wasm} is not installed`);
    hints.push(`npm install ${BACKEND_PACKAGES.wasm}@4.22.0`);
  }
  return {
    name: 'wasm',
    available: reasons.length === 0,
    reasons,
    hints,
    packageName: BACKEND_PACKAGES.wasm,
  };
}

/**
 * Judges every backend against the probe, fastest first. Pure: same probe, same answer.
 * "Available" means nothing known rules it out; loading can still fail (then the next one is tried).
 */
export function assessCandidates(probe: EnvironmentProbe): CandidateAssessment[] {
  return [
    assessTensorflowGpu(probe),
    assessTensorflowCpu(probe),
    assessWasm(probe),
    { name: 'cpu', available: true, reasons: [], hints: [] },
  ];
}

/** The decision before loading anything: which backends to try, in order. */
export interface BackendPlan {
  /** The request the plan answers. */
  request: BackendRequest;
  /** Every backend's assessment, fastest first. */
  assessments: CandidateAssessment[];
  /** The backends to try in order: the forced one alone, or every available one (cpu last). */
  tryOrder: BackendName[];
}

/** Thrown when a forced backend cannot be used. Its message says which, why, and what to do. */
export class BackendUnavailableError extends Error {
  /** The backend that was asked for. */
  readonly backend: BackendName;
  /** Why it cannot be used. */
  readonly reasons: string[];
  /** What to do about it, step by step. */
  readonly hints: string[];

  constructor(backend: BackendName, reasons: string[], hints: string[], request: BackendRequest) {
    const asked =
      request.source === 'GENLIB_BACKEND'
        ? `GENLIB_BACKEND=${backend} asks for`
        : `initBackend({ force: '${backend}' }) asks for`;
    const undo =
      request.source === 'GENLIB_BACKEND'
        ? 'Or unset GENLIB_BACKEND (or set it to auto) to use the fastest backend that works here.'
        : 'Or call initBackend() without `force` to use the fastest backend that works here.';
    super(
      `${asked} the '${backend}' backend (${BACKEND_LABELS[backend]}), but it is unavailable:\n` +
        reasons.map((r) => `  - ${r}`).join('\n') +
        (hints.length > 0 ? `\nTo fix it:\n${hints.map((h, i) => `  ${i + 1}. ${h}`).join('\n')}` : '') +
        `\n${undo}`,
    );
    this.name = 'BackendUnavailableError';
    this.backend = backend;
    this.reasons = reasons;
    this.hints = hints;
  }
}

/**
 * Plans backend selection (pure). Automatic: try every available backend, fastest first.
 * Forced: try only that backend.
 * @throws BackendUnavailableError when the forced backend is ruled out by the probe.
 */
export function planBackendSelection(probe: EnvironmentProbe, request: BackendRequest): BackendPlan {
  const assessments = assessCandidates(probe);
  if (request.force != null) {
    const a = assessments.find((c) => c.name === request.force);
    if (a == null)
      throw new Error(`Unknown backend '${request.force}'. Use one of: ${BACKEND_NAMES.join(', ')}.`);
    if (!a.available) throw new BackendUnavailableError(a.name, a.reasons, a.hints, request);
    return { request, assessments, tryOrder: [a.name] };
  }
  return { request, assessments, tryOrder: assessments.filter((a) => a.available).map((a) => a.name) };
}
