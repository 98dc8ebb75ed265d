/**
 * Multi-threaded wasm in Node.
 *
 * tfjs-backend-wasm ships a threaded build (`tfjs-backend-wasm-threaded-simd.wasm`: XNNPACK with a
 * pthreads thread pool) but never uses it in Node: its `WASM_HAS_MULTITHREAD_SUPPORT` flag is false
 * whenever IS_NODE (tensorflow/tfjs#3830), because it hands Emscripten's thread worker a `blob:`
 * URL, and Node's worker_threads only start workers from files. This module does what the package
 * would need: it writes the package's own threaded Emscripten glue and worker script (both embedded
 * in its Node bundle) to files in a cache folder, and registers a `wasm` backend factory that
 * instantiates the threaded build with real file paths. Kernels are the package's own (plus genlib's),
 * so results are the same numbers as single-threaded: XNNPACK splits work between threads by output
 * tiles, each computed exactly as with one thread.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { genlibRequire } from './probe';
import { BACKEND_PACKAGES } from './types';
import { installThreadSwitch } from './wasm-kernels/thread-switch';

/** The environment variable that sets the number of wasm threads (`1` = the single-threaded build). */
export const WASM_THREADS_ENV_VAR = 'GENLIB_WASM_THREADS';

/** The most threads the threaded build can start: Emscripten's pre-started worker pool has 8 workers. */
export const MAX_WASM_THREADS = 8;

const THREADED_WASM = 'tfjs-backend-wasm-threaded-simd.wasm';
const WORKER_FILE = 'tfjs-backend-wasm-threaded-simd.worker.js';
const GLUE_START = 'var tfjsBackendWasmThreadedSimd$1 = { exports: {} };';
const GLUE_END = 'var tfjsBackendWasmThreadedSimdExports';
const WORKER_START = 'var wasmWorkerContents = ';

/**
 * The helpers the glue uses from the bundle's scope (Rollup's CommonJS shims and TypeScript's
 * downlevel-iteration helpers), defined at the top of the glue file so it also runs on its own,
 * in the workers. `Worker` (which the glue would take from a global it sets) starts the pthread
 * workers without the parent's Node options: they run plain JavaScript, and a TypeScript loader
 * such as tsx in every one of them would only slow their start.
 */
const GLUE_PRELUDE = `var commonjsGlobal = typeof globalThis !== 'undefined' ? globalThis : global;
var __values = function (o) { var i = 0; if (o && typeof o[Symbol.iterator] === 'function') return o[Symbol.iterator](); return { next: function () { if (o && i >= o.length) o = void 0; return { value: o && o[i++], done: !o }; } }; };
var __read = function (o, n) { var out = []; var it = o[Symbol.iterator](); var r; while ((n === void 0 || n-- > 0) && !(r = it.next()).done) out.push(r.value); return out; };
var __spreadArray = function (to, from) { return to.concat(Array.prototype.slice.call(from)); };
var Worker = typeof require === 'function' && require('worker_threads').isMainThread
  ? (function (NodeWorker, fs) { return function GenlibPthreadWorker(file) { if (!fs.existsSync(file)) throw new Error('pthread worker script missing: ' + file); return new NodeWorker(file, { execArgv: [] }); }; })(require('worker_threads').Worker, require('fs'))
  : undefined;
`;

/** How the thread count was decided, for {@link wasmThreadRequest}. */
export interface WasmThreadRequest {
  /** Threads wanted (1 = the single-threaded build). */
  threads: number;
  /** Where the number came from, in words. */
  source: string;
}

/**
 * The number of wasm threads to use: `requested` if given, else `GENLIB_WASM_THREADS`, else one per
 * CPU core (`os.availableParallelism()`), capped at {@link MAX_WASM_THREADS}.
 * @throws Error when the option or the variable is not a whole number from 1 to 8.
 */
export function wasmThreadRequest(
  requested: number | undefined,
  env: Readonly<Record<string, string | undefined>> = process.env,
  cores: number = availableParallelism(),
): WasmThreadRequest {
  const check = (n: number, what: string) => {
    if (!Number.isInteger(n) || n < 1 || n > MAX_WASM_THREADS) {
      throw new Error(
        `${what} must be a whole number from 1 to ${MAX_WASM_THREADS} (1 = single-threaded wasm), got ${n}.`,
      );
    }
    return n;
  };
  if (requested != null) return { threads: check(requested, 'wasm threads'), source: 'initBackend option' };
  const fromEnv = (env[WASM_THREADS_ENV_VAR] ?? '').trim();
  if (fromEnv !== '' && fromEnv !== 'auto') {
    return {
      threads: check(Number(fromEnv), WASM_THREADS_ENV_VAR),
      source: `${WASM_THREADS_ENV_VAR}=${fromEnv}`,
    };
  }
  return {
    threads: Math.min(Math.max(1, cores), MAX_WASM_THREADS),
    source: `one per CPU core: ${cores} here`,
  };
}

/** The files of the threaded build, ready to load. */
export interface ThreadedWasmFiles {
  /** The Emscripten glue (defines `WasmBackendModuleThreadedSimd`; also `module.exports` under require). */
  glue: string;
  /** The pthread worker script. */
  worker: string;
  /** The threaded wasm binary (in the installed package). */
  wasm: string;
}

function sliceBetween(text: string, start: string, end: string, what: string): string {
  const a = text.indexOf(start);
  const b = a < 0 ? -1 : text.indexOf(end, a + start.length);
  if (a < 0 || b < 0) {
    throw new Error(`${what} not found in the installed ${BACKEND_PACKAGES.wasm} (an unexpected version?)`);
  }
  return text.slice(a, b);
}

function writeAtomically(path: string, content: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === content) return;
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, content);
  renameSync(temp, path);
}

/**
 * Writes the threaded build's glue and worker script (taken from the installed package's Node
 * bundle) to `cacheDir` (default: a folder in the OS temp directory named after their content)
 * and returns the paths. Safe to call from several processes at once.
 * @throws Error when the package does not contain what is needed.
 */
export function prepareThreadedWasmFiles(cacheDir?: string): ThreadedWasmFiles {
  const req = genlibRequire();
  const bundlePath = req.resolve(BACKEND_PACKAGES.wasm);
  const dist = dirname(bundlePath);
  const wasm = join(dist, THREADED_WASM);
  if (!existsSync(wasm)) throw new Error(`${wasm} is missing`);
  const bundle = readFileSync(bundlePath, 'utf8');
  const glueBody = sliceBetween(bundle, GLUE_START, GLUE_END, 'the threaded Emscripten glue');
  const requires = [...bundle.matchAll(/^var (require\$\$\d+) = require\('([^']+)'\);$/gm)]
    .filter((m) => glueBody.includes(m[1]))
    .map((m) => `var ${m[1]} = require('${m[2]}');`)
    .join('\n');
  const glue =
    `${GLUE_PRELUDE}${requires}\n${glueBody}\n` +
    'var WasmBackendModuleThreadedSimd = tfjsBackendWasmThreadedSimd$1.exports;\n' +
    "if (typeof module !== 'undefined' && module.exports) module.exports = WasmBackendModuleThreadedSimd;\n";
  const literal = sliceBetween(bundle, WORKER_START, ';\n', 'the pthread worker script').slice(
    WORKER_START.length,
  );
  // Same escaping as the package applies before it makes a blob of it.
  const worker = (JSON.parse(literal) as string).replace(/\n/g, '\\n');
  const version = (req(`${BACKEND_PACKAGES.wasm}/package.json`) as { version?: string }).version ?? 'unknown';
  const hash = createHash('sha256').update(glue).update(worker).digest('hex').slice(0, 12);
  const dir = cacheDir ?? join(tmpdir(), `genlib-wasm-threads-${version}-${hash}`);
  mkdirSync(dir, { recursive: true });
  const gluePath = join(dir, 'tfjs-backend-wasm-threaded-simd.js');
  const workerPath = join(dir, WORKER_FILE);
  writeAtomically(gluePath, glue);
  writeAtomically(workerPath, worker);
  return { glue: gluePath, worker: workerPath, wasm };
}

/**
 * The address in wasm memory of the backend's global thread-pool pointer (`tfjs::backend::threadpool`),
 * read from the code of the exported function `get_threads_count`, whose first instruction pair loads
 * it (`i32.const A; i32.load offset=O`: address A + O). Undefined when the binary does not look like
 * that. A small reader of the wasm binary format: import, export and code sections.
 */
export function findThreadPoolAddress(binary: Uint8Array): number | undefined {
  let p = 8;
  const u32 = () => {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = binary[p++];
      result += (byte & 0x7f) * 2 ** shift;
      shift += 7;
    } while (byte & 0x80);
    return result;
  };
  const s32 = () => {
    let result = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = binary[p++];
      result |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte & 0x80);
    return shift < 32 && byte & 0x40 ? result | (-1 << shift) : result;
  };
  const skipName = () => {
    const n = u32();
    const text = new TextDecoder().decode(binary.subarray(p, p + n));
    p += n;
    return text;
  };
  const skipLimits = () => {
    const flags = binary[p++];
    u32();
    if (flags & 1) u32();
  };
  let importedFunctions = 0;
  let exportIndex: number | undefined;
  let codeStart: number | undefined;
  while (p < binary.length) {
    const id = binary[p++];
    const size = u32();
    const end = p + size;
    if (id === 2) {
      for (let n = u32(); n > 0; n--) {
        skipName();
        skipName();
        const kind = binary[p++];
        if (kind === 0) {
          u32();
          importedFunctions++;
        } else if (kind === 1) {
          p++;
          skipLimits();
        } else if (kind === 2) skipLimits();
        else if (kind === 3) p += 2;
        else return undefined;
      }
    } else if (id === 7) {
      for (let n = u32(); n > 0; n--) {
        const name = skipName();
        const kind = binary[p++];
        const index = u32();
        if (kind === 0 && name === 'get_threads_count') exportIndex = index;
      }
    } else if (id === 10) codeStart = p;
    p = end;
  }
  if (exportIndex == null || codeStart == null) return undefined;
  p = codeStart;
  const count = u32();
  const target = exportIndex - importedFunctions;
  if (target < 0 || target >= count) return undefined;
  for (let i = 0; i < target; i++) {
    const bodySize = u32();
    p += bodySize;
  }
  const bodyEnd = u32() + p;
  for (let groups = u32(); groups > 0; groups--) {
    u32();
    p++;
  }
  // The first instructions: i32.const A (0x41), i32.load (0x28) align offset.
  if (binary[p++] !== 0x41) return undefined;
  const base = s32();
  if (binary[p++] !== 0x28) return undefined;
  u32();
  const offset = u32();
  return p <= bodyEnd ? base + offset : undefined;
}

/**
 * Finds the backend's thread-pool pointer in the instantiated module, checks it is the one
 * `get_threads_count` reads (it reports -1 for a null pool), and hands it to the per-kernel switch.
 * @throws Error when the pointer cannot be found or checked.
 */
function setUpPerKernelThreading(module: ThreadedModule, binary: Uint8Array, threads: number): void {
  const address = findThreadPoolAddress(binary);
  const memory = module.wasmMemory?.buffer;
  const count = module.tfjs?.getThreadsCount;
  if (address == null || address % 4 !== 0 || memory == null || count == null) {
    throw new Error('the thread-pool pointer of the threaded build was not found');
  }
  const view = new Int32Array(memory);
  const index = address / 4;
  const pool = view[index];
  const ok = (() => {
    if (pool === 0 || count() !== threads) return false;
    view[index] = 0;
    const off = count();
    view[index] = pool;
    return off === -1 && count() === threads;
  })();
  if (!ok) throw new Error(`the thread-pool pointer of the threaded build is not at address ${address}`);
  installThreadSwitch(view, index, pool);
}

/** The part of an Emscripten module with pthreads that this module touches. */
interface ThreadedModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: unknown[]) => unknown;
  wasmMemory?: { buffer: ArrayBufferLike };
  PThread?: {
    runningWorkers: { unref(): void }[];
    unusedWorkers: { unref(): void }[];
    terminateAllThreads?: () => void;
  };
  tfjs?: { getThreadsCount: () => number } & Record<string, unknown>;
}

type WasmPackage = Pick<typeof import('@tensorflow/tfjs-backend-wasm'), 'BackendWasm' | 'setThreadsCount'>;

/** The two WebAssembly constructors used here (the project's TypeScript lib has no WebAssembly types). */
interface WebAssemblyApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => object;
}

/**
 * Instantiates the threaded wasm build with `threads` XNNPACK threads and returns the module, set
 * up the way the package's own `init()` does it. Its worker threads do not keep Node alive.
 */
async function instantiateThreaded(
  files: ThreadedWasmFiles,
  binary: Uint8Array,
  threads: number,
): Promise<ThreadedModule> {
  const factory = genlibRequire()(files.glue) as (config: object) => Promise<ThreadedModule>;
  const module = await factory({
    locateFile: (path: string) => (path.endsWith('.worker.js') ? files.worker : files.wasm),
    mainScriptUrlOrBlob: files.glue,
    instantiateWasm: (
      imports: { env: Record<string, unknown> },
      receive: (instance: object, module: object) => void,
    ) => {
      // The backend caps its thread pool at (logical cores / 2), assuming two hyper-threads per core;
      // report enough cores for the requested count (the pool is capped at 8 anyway).
      imports.env.emscripten_num_logical_cores = () => 2 * threads;
      // Synchronous, so that a failure rejects the factory's promise instead of leaving it pending.
      const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
      const compiled = new api.Module(binary);
      receive(new api.Instance(compiled, imports), compiled);
      return {};
    },
  });
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []) as () => number,
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}

/** Lets Node exit although the thread pool's workers are alive (they idle between kernels). */
function unrefWorkers(module: ThreadedModule): void {
  for (const worker of [
    ...(module.PThread?.runningWorkers ?? []),
    ...(module.PThread?.unusedWorkers ?? []),
  ]) {
    worker.unref();
  }
}

/** The outcome of {@link useThreadedWasm}. */
export interface ThreadedWasmSetup {
  /** Whether the `wasm` backend factory now loads the threaded build. */
  threaded: boolean;
  /** Why not, when `threaded` is false. */
  reason?: string;
  /** Puts the package's own (single-threaded) factory back, e.g. after the threaded one failed. */
  restore(): void;
}

let threadedFactoryInstalled:
  | { threads: number; original: () => Promise<tf.KernelBackend> | tf.KernelBackend }
  | undefined;

/** Puts the package's own single-threaded `wasm` factory back if genlib replaced it (and it is not initialised yet). */
export function restoreSingleThreadedWasm(): void {
  if (threadedFactoryInstalled == null || tf.engine().registry.wasm != null) return;
  const { original } = threadedFactoryInstalled;
  tf.removeBackend('wasm');
  tf.registerBackend('wasm', original, 2);
  threadedFactoryInstalled = undefined;
}

/**
 * Makes the `wasm` backend (when it is next initialised) load the threaded build with `threads`
 * threads. Call after importing `@tensorflow/tfjs-backend-wasm` and before `tf.setBackend('wasm')`.
 * Does nothing (and says why) when the wasm backend is already initialised, when this runtime has
 * no shared memory or wasm threads, or when the package lacks the threaded build.
 */
export function useThreadedWasm(wasmPackage: WasmPackage, threads: number): ThreadedWasmSetup {
  const none = (reason: string): ThreadedWasmSetup => ({ threaded: false, reason, restore: () => {} });
  const restore = restoreSingleThreadedWasm;
  if (tf.engine().registry.wasm != null) {
    return none(
      'the wasm backend was already initialised in this process (threads are set before the first use)',
    );
  }
  if (threadedFactoryInstalled?.threads === threads) return { threaded: true, restore };
  if (typeof SharedArrayBuffer === 'undefined') return none('this runtime has no SharedArrayBuffer');
  const original = threadedFactoryInstalled?.original ?? tf.findBackendFactory('wasm');
  if (original == null) return none(`${BACKEND_PACKAGES.wasm} registered no wasm backend`);
  let files: ThreadedWasmFiles;
  try {
    files = prepareThreadedWasmFiles();
  } catch (e) {
    return none(`the threaded build could not be prepared: ${e instanceof Error ? e.message : String(e)}`);
  }
  tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const binary = readFileSync(files.wasm);
      const module = await instantiateThreaded(files, binary, threads);
      wasmPackage.setThreadsCount(threads);
      try {
        const backend = new wasmPackage.BackendWasm(
          module as unknown as ConstructorParameters<WasmPackage['BackendWasm']>[0],
        );
        setUpPerKernelThreading(module, binary, threads);
        unrefWorkers(module);
        return backend;
      } catch (e) {
        module.PThread?.terminateAllThreads?.();
        throw e;
      }
    },
    2,
  );
  threadedFactoryInstalled = { threads, original };
  return { threaded: true, restore };
}
