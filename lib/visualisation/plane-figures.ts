/**
 * Figures of the 2-D plane for toy problems: a grid of points at which a model is evaluated, its values as
 * filled regions or contour lines (decision regions of a classifier, densities of a generative model, a
 * discriminator's output), and labelled points on top.
 *
 *   const grid = planeGrid({ x: [-4, 4], y: [-3, 4] });
 *   const classes = model.predict(grid.points);
 *   showPlot(planeFigure([classRegionsTrace(grid, classes, 3), ...pointTraces(points, labels)], { title }));
 */
import type { PlotlyFigure, PlotlyTrace } from './plotly';

/** Colours of classes 0, 1, 2, ... (Plotly's default qualitative palette). */
export const CLASS_COLOURS = [
  '#1f77b4',
  '#ff7f0e',
  '#2ca02c',
  '#d62728',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#bcbd22',
  '#17becf',
] as const;

/** The colour of class `k` (the palette repeats after ten classes). */
export function classColour(k: number): string {
  return CLASS_COLOURS[((k % CLASS_COLOURS.length) + CLASS_COLOURS.length) % CLASS_COLOURS.length];
}

/** A '#rrggbb' colour as 'rgba(r, g, b, alpha)'. */
export function withAlpha(hex: string, alpha: number): string {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!match) throw new RangeError(`withAlpha needs a colour '#rrggbb', got '${hex}'.`);
  const [r, g, b] = match.slice(1).map((part) => Number.parseInt(part, 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** A regular grid over a rectangle of the plane. */
export interface PlaneGrid {
  /** The grid's x coordinates, increasing. */
  xs: number[];
  /** The grid's y coordinates, increasing. */
  ys: number[];
  /** Every grid point as [x, y], row by row: all xs for ys[0], then all xs for ys[1], ... */
  points: number[][];
}

/** Options of {@link planeGrid}. */
export interface PlaneGridOptions {
  /** [min, max] of x. */
  x: [number, number];
  /** [min, max] of y. */
  y: [number, number];
  /** Points along each axis. Default 100. */
  steps?: number;
}

function range(from: number, to: number, steps: number): number[] {
  return Array.from({ length: steps }, (_, i) => from + ((to - from) * i) / (steps - 1));
}

/** A grid of `steps × steps` points over a rectangle, to evaluate a model everywhere in it. */
export function planeGrid(options: PlaneGridOptions): PlaneGrid {
  const steps = options.steps ?? 100;
  if (!Number.isInteger(steps) || steps < 2)
    throw new RangeError(`steps must be an integer >= 2, got ${steps}.`);
  for (const [name, [min, max]] of [
    ['x', options.x],
    ['y', options.y],
  ] as const) {
    if (!(max > min))
      throw new RangeError(`The ${name} range must be [min, max] with max > min, got [${min}, ${max}].`);
  }
  const xs = range(options.x[0], options.x[1], steps);
  const ys = range(options.y[0], options.y[1], steps);
  return { xs, ys, points: ys.flatMap((y) => xs.map((x) => [x, y])) };
}

/** The rectangle around a set of points, widened by `margin` on each side: ranges for {@link planeGrid}. */
export function boundsOf(points: number[][], margin = 0.5): { x: [number, number]; y: [number, number] } {
  if (points.length === 0) throw new RangeError('boundsOf needs at least one point.');
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  return {
    x: [Math.min(...xs) - margin, Math.max(...xs) + margin],
    y: [Math.min(...ys) - margin, Math.max(...ys) + margin],
  };
}

/** Reshapes one value per grid point (in `grid.points` order) into rows, as Plotly's `z` expects. */
export function gridRows(grid: PlaneGrid, values: ArrayLike<number>): number[][] {
  const width = grid.xs.length;
  if (values.length !== width * grid.ys.length) {
    throw new RangeError(
      `The grid has ${width * grid.ys.length} points but ${values.length} values were given.`,
    );
  }
  return grid.ys.map((_, row) => Array.from({ length: width }, (_, col) => values[row * width + col]));
}

/**
 * The decision regions of a classifier: the plane coloured by the class predicted at each grid point, with
 * the boundaries between classes drawn as contour lines.
 */
export function classRegionsTrace(
  grid: PlaneGrid,
  classes: ArrayLike<number>,
  numClasses: number,
  options: { opacity?: number; name?: string } = {},
): PlotlyTrace {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new RangeError(`numClasses must be a positive integer, got ${numClasses}.`);
  }
  // Class k fills the band [k - 0.5, k + 0.5] of z, i.e. [k / K, (k + 1) / K] of the colour scale.
  // The fill is translucent through the colours (not the trace's opacity), so the boundary lines stay black.
  const alpha = options.opacity ?? 0.3;
  const colourscale = Array.from({ length: numClasses }, (_, k) => [
    [k / numClasses, withAlpha(classColour(k), alpha)],
    [(k + 1) / numClasses, withAlpha(classColour(k), alpha)],
  ]).flat();
  return {
    type: 'contour',
    name: options.name ?? 'predicted class',
    x: grid.xs,
    y: grid.ys,
    z: gridRows(grid, classes),
    zmin: -0.5,
    zmax: numClasses - 0.5,
    autocontour: false,
    contours: { start: 0.5, end: numClasses - 1.5, size: 1, coloring: 'heatmap' },
    line: { color: 'black', width: 1.5 },
    colorscale: colourscale,
    showscale: false,
    hoverinfo: 'skip',
  };
}

/** Options of {@link contourLinesTrace}. */
export interface ContourLinesOptions {
  /** Legend name. */
  name?: string;
  /** Line colour. Default black. */
  colour?: string;
  /** Contour levels [start, end, step]; default: Plotly's automatic choice of about `count` levels. */
  levels?: [number, number, number];
  /** Approximate number of levels when `levels` is not given. Default 6. */
  count?: number;
  /** Line width. Default 1.5. */
  width?: number;
  /** Dashed lines. Default false. */
  dashed?: boolean;
  /** Show level labels on the lines. Default false. */
  labels?: boolean;
  /** Significant digits kept of each value (keeps saved notebooks small). Default 4. */
  precision?: number;
}

/** Contour lines of a function on the grid (a density, a probability), without filling. */
export function contourLinesTrace(
  grid: PlaneGrid,
  values: ArrayLike<number>,
  options: ContourLinesOptions = {},
): PlotlyTrace {
  const colour = options.colour ?? 'black';
  const precision = options.precision ?? 4;
  const trace: PlotlyTrace = {
    type: 'contour',
    x: grid.xs,
    y: grid.ys,
    z: gridRows(grid, values).map((row) => row.map((v) => Number(v.toPrecision(precision)))),
    contours: { coloring: 'lines', showlabels: options.labels ?? false },
    colorscale: [
      [0, colour],
      [1, colour],
    ],
    line: { width: options.width ?? 1.5, dash: options.dashed ? 'dash' : 'solid' },
    showscale: false,
    hoverinfo: 'skip',
  };
  if (options.name) {
    trace.name = options.name;
    trace.showlegend = true;
  }
  if (options.levels) {
    const [start, end, size] = options.levels;
    trace.autocontour = false;
    trace.contours = { ...(trace.contours as object), start, end, size };
  } else {
    trace.ncontours = options.count ?? 6;
  }
  return trace;
}

/** Options of {@link pointTraces}. */
export interface PointTracesOptions {
  /** Legend name of each class. Default 'class k'. */
  classNames?: readonly string[];
  /** Marker symbol ('circle', 'x', 'diamond', ...). Default 'circle'. */
  symbol?: string;
  /** Marker size. Default 6. */
  size?: number;
  /** Marker opacity. Default 0.8. */
  opacity?: number;
  /** Text added to each legend name, e.g. ' (generated)'. */
  suffix?: string;
  /** Draw markers as outlines only. Default false. */
  hollow?: boolean;
}

/** Labelled points as scatter traces, one per class, in the class colours. */
export function pointTraces(
  points: number[][],
  labels: ArrayLike<number>,
  options: PointTracesOptions = {},
): PlotlyTrace[] {
  if (points.length !== labels.length) {
    throw new RangeError(`pointTraces got ${points.length} points but ${labels.length} labels.`);
  }
  const classes = [...new Set(Array.from(labels))].sort((a, b) => a - b);
  return classes.map((k) => {
    const mine = points.filter((_, i) => labels[i] === k);
    const colour = classColour(k);
    return {
      type: 'scatter',
      mode: 'markers',
      name: `${options.classNames?.[k] ?? `class ${k}`}${options.suffix ?? ''}`,
      x: mine.map((p) => p[0]),
      y: mine.map((p) => p[1]),
      marker: {
        color: options.hollow ? 'rgba(0,0,0,0)' : colour,
        size: options.size ?? 6,
        symbol: options.symbol ?? 'circle',
        opacity: options.opacity ?? 0.8,
        line: { color: options.hollow ? colour : 'white', width: options.hollow ? 1.5 : 0.5 },
      },
    };
  });
}

/** Options of {@link planeFigure}. */
export interface PlaneFigureOptions {
  title?: string;
  /** Height in pixels. Default 460. */
  height?: number;
  /** Width in pixels (default: the page width). */
  width?: number;
  /** Keep one unit on x as long as one unit on y. Default true. */
  equalAspect?: boolean;
}

/** A figure of the plane from traces, with equal axis scales so that circles look round. */
export function planeFigure(traces: PlotlyTrace[], options: PlaneFigureOptions = {}): PlotlyFigure {
  const layout: PlotlyFigure['layout'] = {
    height: options.height ?? 460,
    margin: { l: 50, r: 20, t: options.title ? 50 : 20, b: 40 },
    xaxis: { title: { text: 'x₁' }, zeroline: false, constrain: 'domain' },
    yaxis: {
      title: { text: 'x₂' },
      zeroline: false,
      ...(options.equalAspect === false ? {} : { scaleanchor: 'x', scaleratio: 1 }),
    },
    legend: { orientation: 'h', y: -0.15 },
  };
  if (options.title) layout.title = { text: options.title };
  if (options.width) layout.width = options.width;
  return { data: traces, layout };
}

/** Options of {@link confusionMatrixFigure}. */
export interface ConfusionMatrixFigureOptions {
  title?: string;
  /** Height in pixels. Default 480. */
  height?: number;
}

/**
 * A confusion matrix as a heatmap: rows are true classes, columns predicted classes, each cell shows its
 * count. The colour is the share of the row, so mistakes stand out whatever the class sizes.
 */
export function confusionMatrixFigure(
  matrix: number[][],
  classNames: readonly string[],
  options: ConfusionMatrixFigureOptions = {},
): PlotlyFigure {
  if (matrix.length !== classNames.length || matrix.some((row) => row.length !== classNames.length)) {
    throw new RangeError(
      `The confusion matrix must be ${classNames.length}×${classNames.length}, one row per class.`,
    );
  }
  const shares = matrix.map((row) => {
    const total = row.reduce((a, b) => a + b, 0);
    return row.map((count) => (total > 0 ? count / total : 0));
  });
  const labels = classNames.map(String);
  return {
    data: [
      {
        type: 'heatmap',
        x: labels,
        y: labels,
        z: shares,
        text: matrix.map((row) => row.map(String)) as unknown as string[],
        texttemplate: '%{text}',
        hovertemplate: 'true %{y}, predicted %{x}: %{text} (%{z:.1%} of the row)<extra></extra>',
        // White to dark blue, with most of the change in the first fifth, where the mistakes are.
        colorscale: [
          [0, '#ffffff'],
          [0.05, '#deebf7'],
          [0.2, '#9ecae1'],
          [0.5, '#4292c6'],
          [1, '#08306b'],
        ],
        zmin: 0,
        zmax: 1,
        colorbar: { title: { text: 'share of row' }, tickformat: '.0%' },
      },
    ],
    layout: {
      height: options.height ?? 480,
      margin: { l: 70, r: 20, t: options.title ? 50 : 20, b: 60 },
      ...(options.title ? { title: { text: options.title } } : {}),
      xaxis: { title: { text: 'predicted class' }, type: 'category', side: 'bottom' },
      yaxis: { title: { text: 'true class' }, type: 'category', autorange: 'reversed' },
    },
  };
}
