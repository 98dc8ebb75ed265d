/**
 * The benchmark's results: per configuration, the median over the timed steps, throughput,
 * achieved GFLOP/s and the ratios to the cpu backend and to the best PyTorch run; as a text table
 * and as CSV.
 */

/** The timings of one configuration on one workload. */
export interface BenchResult {
  workload: string;
  /** Configuration id, e.g. `wasm-2t`. */
  config: string;
  /** Configuration description. */
  label: string;
  threads: number;
  /** `ok`, or why there is no number (e.g. a missing kernel). */
  status: 'ok' | 'unavailable' | 'failed';
  note?: string;
  /** Untimed warm-up steps before the timed ones. */
  warmup: number;
  /** Wall time of every timed step (ms). */
  stepMs: number[];
  /** Process CPU time of every timed step, all threads (ms). */
  stepCpuMs: number[];
  /** FLOPs of one step (matrix layers, counted from shapes). */
  flops: number;
  /** Images per step. */
  images: number;
  /** Losses of the first timed step (the same numbers on every tfjs backend, up to rounding). */
  losses?: number[];
  /** Whether the live tensor count stayed flat over the timed steps (tfjs only). */
  tensorsFlat?: boolean;
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('median of an empty list');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** A result's derived numbers (undefined when it has no timings). */
export interface BenchSummary {
  medianMs?: number;
  minMs?: number;
  medianCpuMs?: number;
  imagesPerSecond?: number;
  gflopsPerSecond?: number;
  /** cpu backend time / this time (same workload). */
  speedupVsCpu?: number;
  /** this time / the fastest PyTorch time (same workload). */
  ratioToBestPytorch?: number;
}

/** Derives medians, throughput and the ratios for every result of one run. */
export function summarize(results: readonly BenchResult[]): Map<BenchResult, BenchSummary> {
  const out = new Map<BenchResult, BenchSummary>();
  const med = (r: BenchResult) => (r.status === 'ok' && r.stepMs.length > 0 ? median(r.stepMs) : undefined);
  for (const r of results) {
    const medianMs = med(r);
    if (medianMs == null) {
      out.set(r, {});
      continue;
    }
    const same = results.filter((o) => o.workload === r.workload);
    const cpu = same.find((o) => o.config === 'cpu');
    const cpuMs = cpu != null ? med(cpu) : undefined;
    const torch = same
      .filter((o) => o.config.startsWith('pytorch'))
      .map(med)
      .filter((v): v is number => v != null);
    const bestTorch = torch.length > 0 ? Math.min(...torch) : undefined;
    out.set(r, {
      medianMs,
      minMs: Math.min(...r.stepMs),
      medianCpuMs: r.stepCpuMs.length > 0 ? median(r.stepCpuMs) : undefined,
      imagesPerSecond: (r.images * 1000) / medianMs,
      gflopsPerSecond: r.flops / medianMs / 1e6,
      speedupVsCpu: cpuMs != null ? cpuMs / medianMs : undefined,
      ratioToBestPytorch: bestTorch != null ? medianMs / bestTorch : undefined,
    });
  }
  return out;
}

const fixed = (v: number | undefined, digits: number) => (v == null ? '' : v.toFixed(digits));

/** The results as a plain-text table, one block per workload. */
export function formatBenchTable(results: readonly BenchResult[]): string {
  const summaries = summarize(results);
  const header = [
    'configuration',
    'steps',
    'ms/step',
    'min ms',
    'CPU ms',
    'img/s',
    'GFLOP/s',
    'vs cpu',
    'vs PyTorch',
  ];
  const lines: string[] = [];
  for (const workload of [...new Set(results.map((r) => r.workload))]) {
    const rows = results.filter((r) => r.workload === workload);
    const flops = rows.find((r) => r.flops > 0)?.flops ?? 0;
    lines.push(`${workload} (${(flops / 1e9).toFixed(2)} GFLOP per step, batch ${rows[0]?.images ?? '?'})`);
    const table = rows.map((r) => {
      const s = summaries.get(r) ?? {};
      if (r.status !== 'ok') return [r.label, '', `${r.status}: ${r.note ?? ''}`];
      return [
        r.label,
        `${r.stepMs.length}${r.warmup === 0 ? ' (no warm-up)' : ''}`,
        fixed(s.medianMs, 0),
        fixed(s.minMs, 0),
        fixed(s.medianCpuMs, 0),
        fixed(s.imagesPerSecond, 1),
        fixed(s.gflopsPerSecond, 2),
        s.speedupVsCpu != null ? `${s.speedupVsCpu.toFixed(s.speedupVsCpu < 10 ? 2 : 0)}x` : '',
        s.ratioToBestPytorch != null ? `${s.ratioToBestPytorch.toFixed(2)}x` : '',
      ];
    });
    const widths = header.map((h, i) =>
      Math.max(h.length, ...table.filter((t) => t.length > 3).map((t) => t[i].length)),
    );
    const render = (cells: string[]) =>
      cells.length > 3
        ? cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')
        : `${cells[0].padEnd(widths[0])}  ${cells[2]}`;
    lines.push(`  ${render(header)}`);
    for (const t of table) lines.push(`  ${render(t)}`);
    lines.push('');
  }
  return lines.join('\n');
}

function csvCell(value: string | number | undefined): string {
  if (value == null) return '';
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The results as CSV (one row per workload and configuration), with the machine load beside them. */
export function benchCsv(results: readonly BenchResult[], context: { loadAverage?: number[] } = {}): string {
  const summaries = summarize(results);
  const columns = [
    'workload',
    'config',
    'label',
    'threads',
    'status',
    'note',
    'warmup_steps',
    'timed_steps',
    'median_ms',
    'min_ms',
    'median_cpu_ms',
    'images_per_s',
    'gflop_per_step',
    'gflop_per_s',
    'speedup_vs_cpu',
    'ratio_to_best_pytorch',
    'losses',
    'tensors_flat',
    'load_average_1min',
  ];
  const lines = [columns.join(',')];
  for (const r of results) {
    const s = summaries.get(r) ?? {};
    lines.push(
      [
        r.workload,
        r.config,
        r.label,
        r.threads,
        r.status,
        r.note,
        r.warmup,
        r.stepMs.length,
        fixed(s.medianMs, 1),
        fixed(s.minMs, 1),
        fixed(s.medianCpuMs, 1),
        fixed(s.imagesPerSecond, 2),
        (r.flops / 1e9).toFixed(3),
        fixed(s.gflopsPerSecond, 3),
        fixed(s.speedupVsCpu, 2),
        fixed(s.ratioToBestPytorch, 3),
        r.losses?.map((l) => l.toFixed(6)).join(' '),
        r.tensorsFlat == null ? '' : String(r.tensorsFlat),
        context.loadAverage?.[0]?.toFixed(2),
      ]
        .map(csvCell)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}
