/**
 * Builders for the Plotly figures the notebooks use most: line charts (loss curves), scatter plots
 * (latent spaces coloured by class) and histograms. They return plain {@link PlotlyFigure} objects,
 * which can be tweaked before {@link showPlot}.
 */
import type { PlotlyFigure, PlotlyLayout, PlotlyTrace } from './plotly';

/** Titles and size shared by all builders. */
export interface FigureLayoutOptions {
  title?: string;
  xTitle?: string;
  yTitle?: string;
  /** Height in pixels. Default 420. */
  height?: number;
  /** Use a logarithmic y axis. Default false. */
  logY?: boolean;
}

/** Options for {@link lineFigure}. */
export interface LineFigureOptions extends FigureLayoutOptions {
  /** Shared x values (e.g. step numbers). Default: 0, 1, 2, ... for each series. */
  x?: ArrayLike<number>;
  /** Draw markers on the points as well as lines. Default false. */
  markers?: boolean;
}

/** Options for {@link scatterFigure}. */
export interface ScatterFigureOptions extends FigureLayoutOptions {
  /** Marker diameter in pixels. Default 5. */
  markerSize?: number;
  /** Marker opacity in [0, 1]. Default 0.7. */
  opacity?: number;
}

/** Points for {@link scatterFigure}; `groups` (e.g. class labels) gives one coloured trace per group. */
export interface ScatterPoints {
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  groups?: ArrayLike<string | number>;
  /** Hover text per point. */
  text?: ArrayLike<string>;
}

/** Options for {@link histogramFigure}. */
export interface HistogramFigureOptions extends FigureLayoutOptions {
  /** Approximate number of bins. Default: Plotly's automatic choice. */
  bins?: number;
  /** Bar opacity, useful when series overlap. Default 0.6. */
  opacity?: number;
  /** Show densities instead of counts. Default false. */
  density?: boolean;
}

/** Above this many points, scatter plots use WebGL (`scattergl`) instead of SVG. */
const WEBGL_THRESHOLD = 5000;

function baseLayout(options: FigureLayoutOptions): PlotlyLayout {
  const layout: PlotlyLayout = {
    margin: { l: 60, r: 20, t: options.title ? 50 : 20, b: 50 },
    xaxis: options.xTitle ? { title: { text: options.xTitle } } : {},
    yaxis: options.yTitle ? { title: { text: options.yTitle } } : {},
  };
  if (options.title) layout.title = { text: options.title };
  if (options.height) layout.height = options.height;
  if (options.logY) layout.yaxis = { ...layout.yaxis, type: 'log' };
  return layout;
}

/** A line chart with one line per named series, e.g. `lineFigure({ lossD, lossG }, { xTitle: 'step' })`. */
export function lineFigure(
  series: Record<string, ArrayLike<number>>,
  options: LineFigureOptions = {},
): PlotlyFigure {
  const data: PlotlyTrace[] = Object.entries(series).map(([name, values]) => ({
    type: 'scatter',
    mode: options.markers ? 'lines+markers' : 'lines',
    name,
    x: options.x ? Array.from(options.x).slice(0, values.length) : Array.from(values, (_, i) => i),
    y: Array.from(values),
  }));
  return { data, layout: baseLayout(options) };
}

/** A scatter plot; with `points.groups`, one trace (colour and legend entry) per distinct group. */
export function scatterFigure(points: ScatterPoints, options: ScatterFigureOptions = {}): PlotlyFigure {
  if (points.x.length !== points.y.length) {
    throw new RangeError(`scatterFigure: x has ${points.x.length} values but y has ${points.y.length}`);
  }
  const marker = { size: options.markerSize ?? 5, opacity: options.opacity ?? 0.7 };
  const groupOf = (i: number): string => (points.groups ? String(points.groups[i]) : '');
  const indicesByGroup = new Map<string, number[]>();
  for (let i = 0; i < points.x.length; i++) {
    const group = groupOf(i);
    const indices = indicesByGroup.get(group) ?? [];
    indices.push(i);
    indicesByGroup.set(group, indices);
  }
  const groups = [...indicesByGroup.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  const data: PlotlyTrace[] = groups.map((group) => {
    const indices = indicesByGroup.get(group) ?? [];
    const trace: PlotlyTrace = {
      type: points.x.length > WEBGL_THRESHOLD ? 'scattergl' : 'scatter',
      mode: 'markers',
      x: indices.map((i) => points.x[i]),
      y: indices.map((i) => points.y[i]),
      marker,
    };
    if (points.groups) trace.name = group;
    if (points.text) trace.text = indices.map((i) => (points.text as ArrayLike<string>)[i]);
    return trace;
  });
  return { data, layout: { ...baseLayout(options), showlegend: points.groups !== undefined } };
}

/** Overlaid histograms, one per named series. */
export function histogramFigure(
  series: Record<string, ArrayLike<number>>,
  options: HistogramFigureOptions = {},
): PlotlyFigure {
  const data: PlotlyTrace[] = Object.entries(series).map(([name, values]) => {
    const trace: PlotlyTrace = {
      type: 'histogram',
      name,
      x: Array.from(values),
      opacity: options.opacity ?? 0.6,
    };
    if (options.bins) trace.nbinsx = options.bins;
    if (options.density) trace.histnorm = 'probability density';
    return trace;
  });
  return { data, layout: { ...baseLayout(options), barmode: 'overlay' } };
}
