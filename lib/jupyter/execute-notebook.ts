import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { ProfileName } from '../config/profile';
import { findJupyter } from './find-jupyter';
import { installKernelSpec, jupyterEnv } from './kernelspec';

/** Options of {@link executeNotebook}. */
export interface ExecuteNotebookOptions {
  /** Run profile (GENLIB_PROFILE in the kernel). Default 'default'. */
  profile?: ProfileName;
  /** Write the executed notebook over the source (to commit it with its outputs). Default false. */
  inPlace?: boolean;
  /** Where the executed copy goes when not in place. */
  outputDir?: string;
  /** Seconds one cell may run. Default 1800. */
  cellTimeoutSeconds?: number;
  /** Extra environment for the kernel. */
  env?: NodeJS.ProcessEnv;
}

/** How long one code cell took. */
export interface CellTiming {
  index: number;
  seconds: number;
  firstLine: string;
}

/** The outcome of {@link executeNotebook}. */
export interface NotebookRun {
  notebook: string;
  outputPath: string;
  ok: boolean;
  wallSeconds: number;
  cells: CellTiming[];
  /** The end of nbconvert's error output when `ok` is false. */
  error?: string;
}

interface ExecutedCell {
  cell_type: string;
  source: string | string[];
  metadata?: { execution?: Record<string, string> };
}

/** Per-cell durations from the busy and idle timestamps nbclient records in each cell's metadata. */
export function cellTimings(notebookJson: { cells: ExecutedCell[] }): CellTiming[] {
  return notebookJson.cells
    .map((cell, index) => ({ cell, index }))
    .filter(({ cell }) => cell.cell_type === 'code')
    .map(({ cell, index }) => {
      const execution = cell.metadata?.execution ?? {};
      const start = Date.parse(execution['iopub.status.busy'] ?? '');
      const end = Date.parse(execution['iopub.status.idle'] ?? '');
      const source = ([] as string[]).concat(cell.source).join('');
      return {
        index,
        seconds: Number.isFinite(start) && Number.isFinite(end) ? (end - start) / 1000 : Number.NaN,
        firstLine: source.split('\n').find((line) => line.trim() !== '') ?? '',
      };
    });
}

/**
 * Executes a notebook headless through the project's kernel with `jupyter nbconvert --execute`, and
 * measures it: wall time and the time of every code cell.
 */
export function executeNotebook(notebookPath: string, options: ExecuteNotebookOptions = {}): NotebookRun {
  const jupyter = findJupyter();
  installKernelSpec();
  const inPlace = options.inPlace ?? false;
  const outputDir = options.outputDir ?? path.dirname(notebookPath);
  const args = [
    'nbconvert',
    '--to',
    'notebook',
    '--execute',
    `--ExecutePreprocessor.timeout=${options.cellTimeoutSeconds ?? 1800}`,
    ...(inPlace ? ['--inplace'] : [`--output-dir=${outputDir}`]),
    notebookPath,
  ];
  const started = performance.now();
  const result = spawnSync(jupyter.command, args, {
    encoding: 'utf8',
    env: { ...jupyterEnv(), ...options.env, GENLIB_PROFILE: options.profile ?? 'default' },
    maxBuffer: 256 * 1024 * 1024,
  });
  const wallSeconds = (performance.now() - started) / 1000;
  const outputPath = inPlace ? notebookPath : path.join(outputDir, path.basename(notebookPath));
  const ok = result.status === 0;
  const cells = ok ? cellTimings(JSON.parse(fs.readFileSync(outputPath, 'utf8'))) : [];
  return {
    notebook: path.basename(notebookPath),
    outputPath,
    ok,
    wallSeconds,
    cells,
    ...(ok ? {} : { error: (result.stderr ?? String(result.error)).slice(-4000) }),
  };
}
