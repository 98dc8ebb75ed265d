import { BACKEND_ENV_VAR } from './request';
import { BACKEND_NAMES, type BackendReport, type CandidateReport } from './types';

/** Options of {@link formatBackendReport}. */
export interface FormatReportOptions {
  /** Also list the backends slower than the chosen one. Default `false`. */
  showSlower?: boolean;
}

function candidateLines(c: CandidateReport): string[] {
  const mark = c.status === 'failed' ? 'failed' : c.status === 'unavailable' ? 'unavailable' : 'not tried';
  const lines = [`  - ${c.name} (${c.label}): ${mark}`];
  for (const r of c.reasons) if (!r.startsWith('not tried')) lines.push(`      * ${r}`);
  if (c.hints.length > 0 && c.status !== 'not-tried') {
    lines.push('      To use it:');
    c.hints.forEach((h, i) => {
      lines.push(`        ${i + 1}. ${h}`);
    });
  }
  return lines;
}

/**
 * Renders a {@link BackendReport} as plain text: the backend in use and how it was chosen, why
 * each faster backend was not used and what to do to get it, and whether conv-net training is allowed.
 */
export function formatBackendReport(report: BackendReport, options: FormatReportOptions = {}): string {
  const chosen = report.candidates.find((c) => c.status === 'chosen');
  const how =
    report.selection === 'forced'
      ? `forced by ${report.forcedBy === 'GENLIB_BACKEND' ? `${BACKEND_ENV_VAR}=${report.chosen}` : `initBackend({ force: '${report.chosen}' })`}`
      : 'the fastest that works here';
  const lines: string[] = [];
  lines.push(`TensorFlow.js backend: ${report.chosen} (${how})`);
  if (chosen != null) lines.push(`  ${chosen.label}`);
  const d = report.details;
  const facts = [`tfjs ${d.tfjsVersion}`, `Node ${d.nodeVersion}`, `tf.getBackend() = '${report.tfBackend}'`];
  if (d.tensorflowPackage != null) facts.push(d.tensorflowPackage);
  if (d.wasmSimd != null) facts.push(`SIMD ${d.wasmSimd ? 'on' : 'off'}`);
  if (d.wasmThreads != null) facts.push(`${d.wasmThreads} thread${d.wasmThreads === 1 ? '' : 's'}`);
  lines.push(`  ${facts.join(', ')}`);
  if (d.wasmThreading != null) lines.push(`  wasm threads: ${d.wasmThreading}`);
  if (d.wasmExtraKernels != null && d.wasmExtraKernels.length > 0) {
    lines.push(`  genlib wasm kernels: ${d.wasmExtraKernels.join(', ')}`);
  }
  const chosenRank = BACKEND_NAMES.indexOf(report.chosen);
  const faster = report.candidates.filter((c) => BACKEND_NAMES.indexOf(c.name) < chosenRank);
  const slower = report.candidates.filter((c) => BACKEND_NAMES.indexOf(c.name) > chosenRank);
  lines.push('');
  if (faster.length === 0) {
    lines.push('This is the fastest backend genlib knows.');
  } else {
    lines.push('Faster backends not in use:');
    for (const c of faster) lines.push(...candidateLines(c));
    if (report.selection === 'forced' && faster.some((c) => c.status === 'not-tried')) {
      lines.push(
        `  (not tried because a backend was forced; unset ${BACKEND_ENV_VAR} or pass force: 'auto' to pick the fastest)`,
      );
    }
  }
  if (options.showSlower === true && slower.length > 0) {
    lines.push('Slower backends:');
    for (const c of slower)
      lines.push(`  - ${c.name}: ${c.status === 'not-tried' ? 'not needed' : c.status}`);
  }
  lines.push('');
  lines.push(`Conv-net training: ${report.convTraining.note}.`);
  return lines.join('\n');
}
