import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { delimiter, dirname, join } from 'node:path';
import { BACKEND_PACKAGES, type EnvironmentProbe, type LibraryProbe, type PackageProbe } from './types';

/** The CUDA runtime file name libtensorflow 2.9.1 (tfjs-node-gpu 4.22.0) loads: CUDA 11.x. */
export const CUDART_LIBRARY = 'libcudart.so.11.0';
/** The cuDNN file name libtensorflow 2.9.1 loads: cuDNN 8.x. */
export const CUDNN_LIBRARY = 'libcudnn.so.8';

/** Usual CUDA install folders, checked only to tell the user that a library exists but is not on the loader path. */
const USUAL_CUDA_DIRS = [
  '/usr/local/cuda/lib64',
  '/usr/local/cuda-11.2/lib64',
  '/usr/local/cuda-11/lib64',
  '/usr/lib/x86_64-linux-gnu',
  '/usr/lib/wsl/lib',
];

/** A `require` that resolves from genlib's own folder (works under tsx, tslab and plain CommonJS). */
export function genlibRequire(): NodeRequire {
  return typeof require === 'function' ? require : createRequire(join(process.cwd(), 'genlib-resolve.js'));
}

/** Finds an npm package and its version without loading it. */
export function probePackage(name: string, req: NodeRequire = genlibRequire()): PackageProbe {
  try {
    const pkgJson = req.resolve(`${name}/package.json`);
    const { version } = JSON.parse(readFileSync(pkgJson, 'utf8')) as { version?: string };
    return { installed: true, version, dir: dirname(pkgJson) };
  } catch {
    return { installed: false };
  }
}

/**
 * Parses `ldconfig -p` output into a map from library file name to its first path, e.g.
 * `libcudart.so.11.0 (libc6,x86-64) => /usr/local/cuda/lib64/libcudart.so.11.0`.
 */
export function parseLdconfigOutput(text: string, arch: string = process.arch): Map<string, string> {
  const libs = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^\s*(\S+)\s+\(([^)]*)\)\s+=>\s+(\S+)\s*$/.exec(line);
    if (m == null) continue;
    const [, name, flags, path] = m;
    // Skip 32-bit entries on 64-bit machines.
    if (arch === 'x64' && !flags.includes('64')) continue;
    if (!libs.has(name)) libs.set(name, path);
  }
  return libs;
}

/** Where to look for a shared library, for {@link findLibrary}. Injectable for tests. */
export interface LibrarySearch {
  /** `ldconfig -p` entries. */
  ldCache: Map<string, string>;
  /** The folders in LD_LIBRARY_PATH. */
  ldLibraryPath: string[];
  /** Extra folders to report as "present but not on the loader path". */
  usualDirs: string[];
  /** File existence check. */
  exists: (path: string) => boolean;
}

/** Looks for a shared library the way the dynamic loader would (LD_LIBRARY_PATH, then the ld cache). */
export function findLibrary(name: string, search: LibrarySearch): LibraryProbe {
  for (const dir of search.ldLibraryPath) {
    const candidate = join(dir, name);
    if (search.exists(candidate)) return { name, path: candidate };
  }
  const cached = search.ldCache.get(name);
  if (cached != null) return { name, path: cached };
  for (const dir of search.usualDirs) {
    const candidate = join(dir, name);
    if (search.exists(candidate)) return { name, path: null, offPath: candidate };
  }
  return { name, path: null };
}

function run(cmd: string, args: string[]): { ok: boolean; stdout: string } {
  try {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 5000, stdio: ['ignore', 'pipe', 'ignore'] });
    return { ok: r.status === 0 && r.error == null, stdout: r.stdout ?? '' };
  } catch {
    return { ok: false, stdout: '' };
  }
}

function readLdCache(): Map<string, string> {
  for (const cmd of ['ldconfig', '/sbin/ldconfig', '/usr/sbin/ldconfig']) {
    const r = run(cmd, ['-p']);
    if (r.ok) return parseLdconfigOutput(r.stdout);
  }
  return new Map();
}

function probeGpu(): EnvironmentProbe['gpu'] {
  const evidence: string[] = [];
  try {
    const devices = readdirSync('/dev').filter((f) => /^nvidia\d+$/.test(f) || f === 'dxg');
    for (const d of devices) evidence.push(`/dev/${d}`);
  } catch {
    // no /dev (not Linux)
  }
  const smi = run('nvidia-smi', ['-L']);
  if (smi.ok) {
    for (const line of smi.stdout.split('\n'))
      if (line.trim() !== '') evidence.push(`nvidia-smi: ${line.trim()}`);
  }
  const visible = evidence.some((e) => e.startsWith('nvidia-smi: GPU') || /^\/dev\/nvidia\d+$/.test(e));
  if (!visible) {
    evidence.push(
      smi.ok ? 'nvidia-smi lists no GPU' : 'no /dev/nvidia* device and no working nvidia-smi on the PATH',
    );
  }
  return { visible, evidence };
}

/** Options of {@link probeEnvironment}. */
export interface ProbeOptions {
  /** Environment variables to read LD_LIBRARY_PATH from. Default `process.env`. */
  env?: Readonly<Record<string, string | undefined>>;
}

/**
 * Gathers the facts backend selection depends on: installed packages, NVIDIA GPU visibility
 * (/dev/nvidia*, `nvidia-smi -L`), the CUDA 11.2 / cuDNN 8.1 libraries (`ldconfig -p`,
 * LD_LIBRARY_PATH), the Node version. Loads nothing; takes well under a second.
 */
export function probeEnvironment(options: ProbeOptions = {}): EnvironmentProbe {
  const env = options.env ?? process.env;
  const req = genlibRequire();
  const packages: Record<string, PackageProbe> = {};
  for (const name of Object.values(BACKEND_PACKAGES)) packages[name] = probePackage(name, req);
  const isLinux = process.platform === 'linux';
  const search: LibrarySearch = {
    ldCache: isLinux ? readLdCache() : new Map(),
    ldLibraryPath: (env.LD_LIBRARY_PATH ?? '').split(delimiter).filter((d) => d !== ''),
    usualDirs: USUAL_CUDA_DIRS,
    exists: existsSync,
  };
  return {
    platform: process.platform,
    arch: process.arch,
    nodeVersion: process.versions.node,
    webAssembly: typeof (globalThis as { WebAssembly?: unknown }).WebAssembly === 'object',
    packages,
    gpu: isLinux
      ? probeGpu()
      : { visible: false, evidence: [`platform ${process.platform}: CUDA GPUs are only probed on Linux`] },
    cuda: { cudart: findLibrary(CUDART_LIBRARY, search), cudnn: findLibrary(CUDNN_LIBRARY, search) },
  };
}
