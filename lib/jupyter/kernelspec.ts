import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../config/paths';

/** The kernel name the notebooks ask for in their metadata. */
export const KERNEL_NAME = 'genlib-ts';

/** The name Jupyter shows in its kernel menu. */
export const KERNEL_DISPLAY_NAME = 'TypeScript (genlib)';

/** The project's own Jupyter data folder; `npm start` and the tests put it on `JUPYTER_PATH`. */
export const PROJECT_JUPYTER_DIR = path.join(PROJECT_ROOT, '.jupyter');

/** A Jupyter kernelspec (the content of kernel.json). */
export interface KernelSpec {
  argv: string[];
  display_name: string;
  language: string;
  env: Record<string, string>;
  metadata: Record<string, unknown>;
}

/** Options of {@link buildKernelSpec}. */
export interface KernelSpecOptions {
  /** The project root whose node_modules hold tslab and tsx. */
  projectRoot?: string;
  /** The Node.js executable the kernel runs on (default: the one running now). */
  nodePath?: string;
}

/**
 * The kernelspec of this project's tslab kernel: it runs the project's own tslab with the project's own
 * Node.js, and preloads tsx so that `import ... from 'genlib'` runs the library's TypeScript source
 * directly (edits to lib/ apply after a kernel restart, no build step).
 */
export function buildKernelSpec(options: KernelSpecOptions = {}): KernelSpec {
  const root = options.projectRoot ?? PROJECT_ROOT;
  const tslabBin = path.join(root, 'node_modules', 'tslab', 'bin', 'tslab');
  const tsxRegister = path.join(root, 'node_modules', 'tsx', 'dist', 'cjs', 'index.cjs');
  for (const [what, file] of [
    ['tslab', tslabBin],
    ['tsx', tsxRegister],
  ]) {
    if (!fs.existsSync(file)) {
      throw new Error(`${what} is not installed (${file} is missing): run 'npm ci' in ${root} first.`);
    }
  }
  return {
    argv: [options.nodePath ?? process.execPath, tslabBin, 'kernel', '--config-path', '{connection_file}'],
    display_name: KERNEL_DISPLAY_NAME,
    language: 'typescript',
    env: { NODE_OPTIONS: `--require "${tsxRegister}"` },
    metadata: { project: 'genlib' },
  };
}

/** Where {@link installKernelSpec} wrote the kernelspec, and whether anything changed. */
export interface KernelInstallResult {
  kernelJsonPath: string;
  changed: boolean;
}

/**
 * Writes the kernelspec to `<jupyterDataDir>/kernels/genlib-ts/kernel.json`. Idempotent: an identical file
 * is left untouched; a different one (another checkout, another Node.js) is replaced.
 */
export function installKernelSpec(
  jupyterDataDir: string = PROJECT_JUPYTER_DIR,
  spec: KernelSpec = buildKernelSpec(),
): KernelInstallResult {
  const dir = path.join(jupyterDataDir, 'kernels', KERNEL_NAME);
  const kernelJsonPath = path.join(dir, 'kernel.json');
  const content = `${JSON.stringify(spec, null, 2)}\n`;
  if (fs.existsSync(kernelJsonPath) && fs.readFileSync(kernelJsonPath, 'utf8') === content) {
    return { kernelJsonPath, changed: false };
  }
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${kernelJsonPath}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, content);
  fs.renameSync(tmp, kernelJsonPath);
  return { kernelJsonPath, changed: true };
}

/** The environment for running Jupyter with the project's kernel visible (`JUPYTER_PATH` extended). */
export function jupyterEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const existing = env.JUPYTER_PATH ? [env.JUPYTER_PATH] : [];
  return { ...env, JUPYTER_PATH: [PROJECT_JUPYTER_DIR, ...existing].join(path.delimiter) };
}
