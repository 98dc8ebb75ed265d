/**
 * A Plotly line chart of some metrics of a {@link TrainingLog} against the step, for live loss charts.
 * Metrics logged every step are drawn as lines; metrics logged now and then (a held-out score after each
 * epoch) as lines with markers through the steps where they were logged.
 */
import type { TrainingLog } from '../training/training-log';
import type { PlotlyFigure, PlotlyTrace } from './plotly';
import { type FigureLayoutOptions, lineFigure } from './plotly-figures';

/**
 * The chart of `metrics` (metric name → legend label, or a list of names) from `log`. Metrics the log does
 * not have yet are left out, so the same call works from the first step of a run to its end.
 */
export function trainingLogFigure(
  log: TrainingLog,
  metrics: Record<string, string> | readonly string[],
  options: FigureLayoutOptions = {},
): PlotlyFigure {
  const labels: Record<string, string> = Array.isArray(metrics)
    ? Object.fromEntries(metrics.map((name) => [name, name]))
    : (metrics as Record<string, string>);
  const figure = lineFigure({}, { xTitle: 'step', ...options });
  const known = new Set(log.metricNames);
  const traces: PlotlyTrace[] = [];
  for (const [name, label] of Object.entries(labels)) {
    if (!known.has(name)) continue;
    const values = log.column(name);
    const x: number[] = [];
    const y: number[] = [];
    values.forEach((value, row) => {
      if (Number.isFinite(value)) {
        x.push(log.steps[row]);
        y.push(value);
      }
    });
    const sparse = x.length < values.length;
    traces.push({ type: 'scatter', mode: sparse ? 'lines+markers' : 'lines', name: label, x, y });
  }
  return { ...figure, data: traces };
}
