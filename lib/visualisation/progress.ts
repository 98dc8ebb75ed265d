/**
 * Live progress for long loops (training epochs, sampling): step i/N, named metrics, elapsed time,
 * rate and an estimate of the time left, redrawn at most a few times per second.
 *
 * - In a notebook: one output, replaced in place through its display id.
 * - In a terminal (stderr is a TTY): a one-line bar redrawn with `\r`.
 * - Otherwise (CI logs, pipes): a plain line now and then (default every 30 s) plus a final line.
 *
 * ```ts
 * const progress = createProgress({ total: steps, label: 'GAN' });
 * for (let step = 1; step <= steps; step++) { ...; progress.update(step, { lossD, lossG }); }
 * progress.done();
 * ```
 */

import { escapeHtml } from './html';
import { createUpdatableDisplay, isInsideNotebook, type UpdatableDisplay } from './notebook-display';

/** Named numbers shown next to the bar, e.g. `{ lossD: 0.69, lossG: 0.71 }`. */
export type ProgressMetrics = Record<string, number>;

/** Where progress goes: `auto` picks notebook, terminal (TTY) or lines (non-TTY). */
export type ProgressMode = 'auto' | 'notebook' | 'terminal' | 'lines' | 'silent';

/** The subset of a writable stream the terminal and line modes use (default `process.stderr`). */
export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

/** Options for {@link createProgress}. */
export interface ProgressOptions {
  /** Number of steps in the loop. */
  total: number;
  /**
   * Steps already done before this display started (a resumed run): the bar starts there, and the rate and
   * time left count only the steps done since. Default 0.
   */
  startAt?: number;
  /** Name shown before the bar. */
  label?: string;
  /** Minimum time between redraws in notebook and terminal modes. Default 250 ms (4 per second). */
  minUpdateIntervalMs?: number;
  /** Minimum time between printed lines in `lines` mode (non-TTY). Default 30 000 ms. */
  lineIntervalMs?: number;
  /** Default `auto`. */
  mode?: ProgressMode;
  /** Stream for terminal and line modes. Default `process.stderr`. */
  stream?: ProgressStream;
  /** Clock in milliseconds (inject a fake one in tests). Default `performance.now`. */
  now?: () => number;
  /** Width of the text bar in characters. Default 24. */
  barWidth?: number;
}

/** Progress at one moment; the input of the formatters. */
export interface ProgressSnapshot {
  label?: string;
  completed: number;
  total: number;
  /** completed / total, clipped to [0, 1]. */
  fraction: number;
  elapsedMs: number;
  /** Average rate since the start; undefined before the first completed step. */
  stepsPerSecond?: number;
  /** Estimated time to finish at the average rate; undefined when unknown. */
  timeLeftMs?: number;
  metrics: ProgressMetrics;
  finished: boolean;
}

/** A live progress display. */
export interface Progress {
  /** Records that `completed` steps are done (and the latest metrics); redraws if enough time passed. */
  update(completed: number, metrics?: ProgressMetrics): void;
  /** Same as `update(completed + 1, metrics)`. */
  increment(metrics?: ProgressMetrics): void;
  /** Draws the final state (always, regardless of throttling); later updates are ignored. */
  done(metrics?: ProgressMetrics): void;
  /** The current state. */
  snapshot(): ProgressSnapshot;
  /** The mode actually used (`auto` resolved). */
  readonly mode: Exclude<ProgressMode, 'auto'>;
}

/** Rate and time left from the average speed so far. Undefined while nothing is done or no time passed. */
export function estimateProgress(
  completed: number,
  total: number,
  elapsedMs: number,
): { stepsPerSecond?: number; timeLeftMs?: number } {
  if (completed <= 0 || elapsedMs <= 0) return {};
  const stepsPerSecond = (completed * 1000) / elapsedMs;
  const timeLeftMs = (Math.max(0, total - completed) * 1000) / stepsPerSecond;
  return { stepsPerSecond, timeLeftMs };
}

/** Formats a duration as `m:ss` or `h:mm:ss` (rounded down to whole seconds), e.g. 83 000 -> "1:23". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '?';
  const totalSeconds = Math.floor(ms / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  const ss = String(seconds).padStart(2, '0');
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${ss}` : `${minutes}:${ss}`;
}

/** Formats a rate as "12.3 it/s", or as "4.50 s/it" when slower than one step per second. */
export function formatRate(stepsPerSecond: number | undefined): string {
  if (stepsPerSecond === undefined || !Number.isFinite(stepsPerSecond) || stepsPerSecond <= 0)
    return '? it/s';
  if (stepsPerSecond >= 1)
    return `${stepsPerSecond >= 99.95 ? stepsPerSecond.toFixed(0) : stepsPerSecond.toFixed(1)} it/s`;
  return `${(1 / stepsPerSecond).toFixed(2)} s/it`;
}

/** Formats a metric with 4 significant digits (scientific notation when very large or small). */
export function formatMetric(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(2);
  return String(Number(value.toPrecision(4)));
}

function metricsText(metrics: ProgressMetrics, separator: string): string {
  return Object.entries(metrics)
    .map(([name, value]) => `${name} ${formatMetric(value)}`)
    .join(separator);
}

/** The one-line text form (no bar when `barWidth` is 0), e.g. `GAN [#####-----] 50/100 50% | lossD 0.6931 | 0:10<0:10, 5.0 it/s`. */
export function formatProgressLine(snapshot: ProgressSnapshot, barWidth = 24): string {
  const width = Math.max(0, Math.floor(barWidth));
  const filled = Math.round(snapshot.fraction * width);
  const bar = width > 0 ? `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ` : '';
  const percent = `${Math.floor(snapshot.fraction * 100)}%`;
  const parts = [
    `${snapshot.label ? `${snapshot.label} ` : ''}${bar}${snapshot.completed}/${snapshot.total} ${percent}`,
  ];
  const metrics = metricsText(snapshot.metrics, ', ');
  if (metrics) parts.push(metrics);
  const timing = snapshot.finished
    ? `done in ${formatDuration(snapshot.elapsedMs)}, ${formatRate(snapshot.stepsPerSecond)}`
    : `${formatDuration(snapshot.elapsedMs)}<${snapshot.timeLeftMs === undefined ? '?' : formatDuration(snapshot.timeLeftMs)}, ${formatRate(snapshot.stepsPerSecond)}`;
  parts.push(timing);
  return parts.join(' | ');
}

/** The HTML form for notebooks: a `<progress>` bar, counts, timing and metrics. */
export function progressHtml(snapshot: ProgressSnapshot): string {
  const percent = Math.floor(snapshot.fraction * 100);
  const timing = snapshot.finished
    ? `done in ${formatDuration(snapshot.elapsedMs)}`
    : `${formatDuration(snapshot.elapsedMs)} elapsed, ${snapshot.timeLeftMs === undefined ? '?' : formatDuration(snapshot.timeLeftMs)} left`;
  const metrics = Object.entries(snapshot.metrics)
    .map(([name, value]) => `${escapeHtml(name)} <b>${escapeHtml(formatMetric(value))}</b>`)
    .join(' &middot; ');
  const label = snapshot.label ? `<b>${escapeHtml(snapshot.label)}</b> ` : '';
  return [
    '<div class="genlib-progress" style="font-family:monospace;font-size:13px;line-height:1.6">',
    `<div>${label}${snapshot.completed}/${snapshot.total} (${percent}%) &middot; ${timing} &middot; ${escapeHtml(formatRate(snapshot.stepsPerSecond))}</div>`,
    `<progress value="${snapshot.completed}" max="${snapshot.total}" style="width:100%;max-width:600px"></progress>`,
    metrics ? `<div>${metrics}</div>` : '',
    '</div>',
  ].join('');
}

function resolveMode(mode: ProgressMode, stream: ProgressStream): Exclude<ProgressMode, 'auto'> {
  if (mode !== 'auto') return mode;
  if (isInsideNotebook()) return 'notebook';
  return stream.isTTY ? 'terminal' : 'lines';
}

/** Creates a live progress display for a loop of `options.total` steps. */
export function createProgress(options: ProgressOptions): Progress {
  const { total, label } = options;
  if (!Number.isFinite(total) || total < 0) throw new RangeError(`total must be a number >= 0, got ${total}`);
  const now = options.now ?? (() => performance.now());
  const stream = options.stream ?? process.stderr;
  const mode = resolveMode(options.mode ?? 'auto', stream);
  const minInterval =
    mode === 'lines' ? (options.lineIntervalMs ?? 30_000) : (options.minUpdateIntervalMs ?? 250);
  const barWidth = options.barWidth ?? 24;
  const startAt = options.startAt ?? 0;
  if (!Number.isFinite(startAt) || startAt < 0 || startAt > total)
    throw new RangeError(`startAt must be a number in [0, total], got ${startAt}`);
  const startedAt = now();
  let completed = startAt;
  let finished = false;
  let finishedAt = 0;
  let lastDrawAt: number | undefined;
  const metrics: ProgressMetrics = {};
  let display: UpdatableDisplay | undefined;

  function snapshot(): ProgressSnapshot {
    const elapsedMs = Math.max(0, (finished ? finishedAt : now()) - startedAt);
    const { stepsPerSecond, timeLeftMs } = estimateProgress(completed - startAt, total - startAt, elapsedMs);
    return {
      label,
      completed,
      total,
      fraction: total > 0 ? Math.min(1, Math.max(0, completed / total)) : 1,
      elapsedMs,
      stepsPerSecond,
      timeLeftMs: finished ? 0 : timeLeftMs,
      metrics: { ...metrics },
      finished,
    };
  }

  function draw(): void {
    const state = snapshot();
    let line = formatProgressLine(state, barWidth);
    if (mode === 'notebook') {
      display ??= createUpdatableDisplay();
      display.show({ 'text/html': progressHtml(state), 'text/plain': line });
    } else if (mode === 'terminal') {
      // Fit the terminal: shorten the bar first, then cut the end of the line.
      const columns = stream.columns && stream.columns > 0 ? stream.columns : 100; // 0 = unknown (some ptys)
      const width = Math.max(20, columns - 1);
      if (line.length > width)
        line = formatProgressLine(state, Math.max(0, barWidth - (line.length - width)));
      const fitted = line.length > width ? line.slice(0, width) : line.padEnd(width);
      stream.write(`\r${fitted}${state.finished ? '\n' : ''}`);
    } else if (mode === 'lines') {
      stream.write(`${line}\n`);
    }
  }

  function update(done: number, newMetrics?: ProgressMetrics): void {
    if (finished) return;
    completed = done;
    if (newMetrics) Object.assign(metrics, newMetrics);
    const time = now();
    if (lastDrawAt === undefined || time - lastDrawAt >= minInterval) {
      lastDrawAt = time;
      draw();
    }
  }

  return {
    mode,
    update,
    increment(newMetrics) {
      update(completed + 1, newMetrics);
    },
    done(newMetrics) {
      if (finished) return;
      if (newMetrics) Object.assign(metrics, newMetrics);
      finishedAt = now();
      finished = true;
      draw();
    },
    snapshot,
  };
}
