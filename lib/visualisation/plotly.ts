/**
 * Interactive, offline Plotly figures in notebooks, terminals and HTML files.
 *
 * Each figure is shown as one output with two representations:
 * - `application/vnd.plotly.v1+json` (`{ data, layout, config }`), rendered by JupyterLab / Notebook 7
 *   (with the jupyterlab-plotly renderer) and by VS Code;
 * - `text/html`: a `<div>` plus a script that waits for `window.Plotly` and draws into the div. Classic
 *   Notebook 6 and `jupyter nbconvert --to html` use this one.
 *
 * The 4.7 MB plotly.js bundle is sent once per kernel session, as its own output (see
 * {@link loadPlotly}; {@link showPlot} calls it the first time), not in every figure. It is evaluated
 * inside `function (define, module, exports) {...}` with all three undefined, so even when RequireJS is
 * on the page (classic Notebook 6) a UMD bundle takes its browser-global branch and sets `window.Plotly`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { escapeHtml, escapeScriptContent, jsonForScript } from './html';
import {
  createUpdatableDisplay,
  type MimeBundle,
  newDisplayId,
  type OutputFileOptions,
  publishDisplay,
  type UpdatableDisplay,
  writeOutputFile,
} from './notebook-display';

/** The MIME type of a Plotly figure spec (`{ data, layout, config }`), as JupyterLab and VS Code know it. */
export const PLOTLY_MIME_TYPE = 'application/vnd.plotly.v1+json';

/** One Plotly trace, e.g. `{ type: 'scatter', mode: 'lines', x: [...], y: [...], name: 'loss' }`. */
export interface PlotlyTrace {
  type?: string;
  name?: string;
  mode?: string;
  x?: ArrayLike<unknown>;
  y?: ArrayLike<unknown>;
  z?: ArrayLike<unknown>;
  /** Hover or label text: one per point, or rows of text for a heatmap. */
  text?: string | ArrayLike<string> | ArrayLike<ArrayLike<string>>;
  marker?: Record<string, unknown>;
  line?: Record<string, unknown>;
  /** Any other Plotly trace attribute (https://plotly.com/javascript/reference/). */
  [attribute: string]: unknown;
}

/** Plotly axis settings (a subset is typed; any other attribute is allowed). */
export interface PlotlyAxis {
  title?: string | { text: string };
  type?: 'linear' | 'log' | 'date' | 'category';
  range?: [number, number];
  [attribute: string]: unknown;
}

/** Plotly layout (a subset is typed; any other attribute is allowed). */
export interface PlotlyLayout {
  title?: string | { text: string };
  width?: number;
  /** Height in pixels; also sets the height of the HTML container. Default 420. */
  height?: number;
  xaxis?: PlotlyAxis;
  yaxis?: PlotlyAxis;
  showlegend?: boolean;
  margin?: { l?: number; r?: number; t?: number; b?: number; pad?: number };
  [attribute: string]: unknown;
}

/** Plotly config (https://plotly.com/javascript/configuration-options/). */
export interface PlotlyConfig {
  responsive?: boolean;
  displaylogo?: boolean;
  staticPlot?: boolean;
  [attribute: string]: unknown;
}

/** One frame of an animated figure: the traces (and layout changes) to show at that moment. */
export interface PlotlyFrame {
  /** The name sliders and `Plotly.animate` refer to. */
  name: string;
  data: PlotlyTrace[];
  layout?: PlotlyLayout;
  /** Which traces `data` replaces (default: the first data.length traces). */
  traces?: number[];
}

/** A Plotly figure: traces, layout and config, and for an animation its frames. */
export interface PlotlyFigure {
  data: PlotlyTrace[];
  layout?: PlotlyLayout;
  config?: PlotlyConfig;
  /** Animation frames, shown by a slider or play button in `layout.sliders` / `layout.updatemenus`. */
  frames?: PlotlyFrame[];
}

/** A figure as sent to the browser: plain JSON (typed arrays become arrays, NaN/Infinity become null). */
export interface PlotlyFigureJson {
  data: Record<string, unknown>[];
  layout: Record<string, unknown>;
  config: Record<string, unknown>;
  frames?: Record<string, unknown>[];
}

/** Options for {@link figureHtml}. */
export interface FigureHtmlOptions {
  /** id of the `<div>` the figure is drawn into. Default: a fresh random id. */
  divId?: string;
  /** How long the script waits for `window.Plotly` before showing an explanation. Default 30 000 ms. */
  waitForPlotlyMs?: number;
}

/** Options for {@link showPlot}. */
export interface ShowPlotOptions extends FigureHtmlOptions {
  /** Outside a notebook: where the standalone HTML file goes (see `writeOutputFile`). */
  fallback?: OutputFileOptions;
}

/** Options for {@link savePlotHtml} and {@link standaloneFigureHtml}. */
export interface StandaloneHtmlOptions {
  /** The page's `<title>`. Default: the figure's title, else "Plotly figure". */
  title?: string;
}

/** Options for {@link loadPlotly}. */
export interface LoadPlotlyOptions {
  /** Send the library again even if this kernel session already did (e.g. after clearing outputs). */
  force?: boolean;
}

/** A figure shown by {@link showLivePlot}, which {@link updatePlot} can replace in place. */
export interface PlotDisplay {
  /** The display id shared by the output and its updates. */
  readonly displayId: string;
  /** Outside a notebook: the HTML file written for the latest version of the figure. */
  readonly filePath?: string;
}

const DEFAULT_HEIGHT = 420;
const DEFAULT_WAIT_FOR_PLOTLY_MS = 30_000;
const DEFAULT_CONFIG: PlotlyConfig = { responsive: true, displaylogo: false };
const LIBRARY_SENT_KEY = Symbol.for('genlib.visualisation.plotlyLibrarySent');

let cachedLibrarySource: string | undefined;

/** The plotly.js bundle (plotly.js-dist-min) source, read once from node_modules. */
export function plotlyLibrarySource(): string {
  if (cachedLibrarySource === undefined) {
    const here = typeof __dirname === 'string' ? __dirname : process.cwd();
    const requireHere = createRequire(join(here, 'plotly.ts'));
    cachedLibrarySource = readFileSync(requireHere.resolve('plotly.js-dist-min'), 'utf8');
  }
  return cachedLibrarySource;
}

/**
 * Wraps a UMD library so it always sets its browser global: it runs inside a function whose `define`,
 * `module` and `exports` are undefined, which hides RequireJS's `define` (classic Notebook 6) and any
 * CommonJS globals. `this` is `window`.
 */
export function wrapUmdForBrowserGlobal(librarySource: string): string {
  return `(function (define, module, exports) {\n${librarySource}\n}).call(typeof window !== 'undefined' ? window : this, undefined, undefined, undefined);`;
}

/** The `<script>` element that defines `window.Plotly` offline (the whole 4.7 MB bundle, inline). */
export function plotlyLibraryScriptTag(librarySource: string = plotlyLibrarySource()): string {
  const guarded = `if (typeof window === 'undefined' || !window.Plotly) {\n${wrapUmdForBrowserGlobal(librarySource)}\n}`;
  return `<script type="text/javascript">${escapeScriptContent(guarded)}</script>`;
}

function toJsonReady(value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) {
    return Array.from(value as unknown as ArrayLike<number | bigint>, (v) =>
      typeof v === 'bigint' ? Number(v) : v,
    );
  }
  if (Array.isArray(value)) return value.map(toJsonReady);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = toJsonReady(item);
    return out;
  }
  return value;
}

/** Converts a figure to plain JSON, adding the default config (responsive, no Plotly logo). */
export function figureToJson(figure: PlotlyFigure): PlotlyFigureJson {
  const json: PlotlyFigureJson = {
    data: toJsonReady(figure.data) as Record<string, unknown>[],
    layout: toJsonReady(figure.layout ?? {}) as Record<string, unknown>,
    config: toJsonReady({ ...DEFAULT_CONFIG, ...figure.config }) as Record<string, unknown>,
  };
  if (figure.frames) json.frames = toJsonReady(figure.frames) as Record<string, unknown>[];
  return json;
}

/**
 * The HTML for one figure: a `<div>` and a script that draws into it once both the div is attached to
 * the page (classic Notebook runs output scripts before attaching them) and `window.Plotly` exists.
 * It does not contain plotly.js itself.
 */
export function figureHtml(figure: PlotlyFigure, options: FigureHtmlOptions = {}): string {
  const json = figureToJson(figure);
  const divId = options.divId ?? `genlib-plot-${newDisplayId()}`;
  const height = typeof json.layout.height === 'number' ? json.layout.height : DEFAULT_HEIGHT;
  const width = typeof json.layout.width === 'number' ? `${json.layout.width}px` : '100%';
  if (json.layout.height === undefined) json.layout.height = height;
  const waitMs = options.waitForPlotlyMs ?? DEFAULT_WAIT_FOR_PLOTLY_MS;
  const script = `(function () {
  var divId = ${jsonForScript(divId)};
  var figure = ${jsonForScript(json)};
  var deadline = Date.now() + ${Math.max(0, Math.round(waitMs))};
  function draw() {
    var element = document.getElementById(divId);
    var Plotly = window.Plotly;
    if (!element || !Plotly || typeof Plotly.newPlot !== 'function') {
      if (Date.now() < deadline) { setTimeout(draw, 50); return; }
      if (element) {
        element.style.height = 'auto';
        element.textContent = 'This figure needs plotly.js, which is not loaded in this page. ' +
          'Run loadPlotly({ force: true }) from genlib in a cell above this one, then run this cell again.';
      }
      return;
    }
    if (figure.frames) Plotly.newPlot(element, figure); // { data, layout, config, frames }
    else Plotly.newPlot(element, figure.data, figure.layout, figure.config);
  }
  draw();
})();`;
  return (
    `<div id="${escapeHtml(divId)}" class="genlib-plotly-figure" style="width:${width};height:${height}px;"></div>\n` +
    `<script type="text/javascript">${escapeScriptContent(script)}</script>`
  );
}

function describeFigure(figure: PlotlyFigure): string {
  const title = figure.layout?.title;
  const titleText = typeof title === 'string' ? title : title?.text;
  const traces = figure.data.length;
  return `<Plotly figure${titleText ? ` "${titleText}"` : ''}: ${traces} trace${traces === 1 ? '' : 's'}>`;
}

/**
 * The MIME bundle of one figure: the Plotly JSON spec, the HTML (div + drawing script, without the
 * library) and a one-line text description.
 */
export function figureBundle(figure: PlotlyFigure, options: FigureHtmlOptions = {}): MimeBundle {
  return {
    [PLOTLY_MIME_TYPE]: figureToJson(figure),
    'text/html': figureHtml(figure, options),
    'text/plain': describeFigure(figure),
  };
}

/** The MIME bundle of the output that loads plotly.js (HTML script tag plus a text note). */
export function plotlyLoaderBundle(librarySource: string = plotlyLibrarySource()): MimeBundle {
  return {
    'text/html': plotlyLibraryScriptTag(librarySource),
    'text/plain': 'plotly.js loaded for offline figures in this notebook',
  };
}

type GlobalWithFlag = typeof globalThis & { [LIBRARY_SENT_KEY]?: boolean };

/** True if plotly.js has already been sent to the notebook in this kernel session. */
export function isPlotlyLoaded(): boolean {
  return (globalThis as GlobalWithFlag)[LIBRARY_SENT_KEY] === true;
}

/** Forgets that plotly.js was sent, so the next figure sends it again (mostly for tests). */
export function resetPlotlyLoadedState(): void {
  (globalThis as GlobalWithFlag)[LIBRARY_SENT_KEY] = false;
}

/**
 * Sends plotly.js (offline, inline) to the notebook as its own output, once per kernel session.
 * Call it in a notebook's first cells, so the saved notebook and its HTML export keep the library
 * even if the cells with figures are re-run. {@link showPlot} calls it automatically the first time.
 * Returns true if the library was sent now.
 */
export function loadPlotly(options: LoadPlotlyOptions = {}): boolean {
  if (isPlotlyLoaded() && !options.force) return false;
  const sent = publishDisplay(plotlyLoaderBundle());
  if (sent) (globalThis as GlobalWithFlag)[LIBRARY_SENT_KEY] = true;
  return sent;
}

const displaysByPlot = new WeakMap<PlotDisplay, UpdatableDisplay>();

interface MutablePlotDisplay {
  displayId: string;
  filePath?: string;
}

function renderPlot(
  plot: MutablePlotDisplay,
  display: UpdatableDisplay,
  figure: PlotlyFigure,
  options: ShowPlotOptions,
): void {
  loadPlotly();
  if (display.show(figureBundle(figure, options))) return;
  if (plot.filePath) {
    writeFileSync(plot.filePath, standaloneFigureHtml(figure));
    return;
  }
  plot.filePath = writeOutputFile('plot', 'html', standaloneFigureHtml(figure), options.fallback);
  console.log(`Plotly figure written to ${plot.filePath}`);
}

/**
 * Shows a figure: in a notebook as an interactive output (sending plotly.js first if this session has
 * not yet), elsewhere by writing a standalone HTML file and printing its path. Returns nothing, so a
 * notebook cell ending with it prints nothing more; use {@link showLivePlot} for a figure to update.
 */
export function showPlot(figure: PlotlyFigure, options: ShowPlotOptions = {}): void {
  showLivePlot(figure, options);
}

/**
 * Shows a figure like {@link showPlot} and returns a handle for {@link updatePlot}, which replaces it in
 * place: `const chart = showLivePlot(fig); ... updatePlot(chart, newFig);`.
 */
export function showLivePlot(figure: PlotlyFigure, options: ShowPlotOptions = {}): PlotDisplay {
  const display = createUpdatableDisplay();
  const plot: MutablePlotDisplay = { displayId: display.displayId };
  renderPlot(plot, display, figure, options);
  displaysByPlot.set(plot, display);
  return plot;
}

/**
 * Replaces a shown figure in place (same display id), e.g. a loss curve redrawn during training.
 * Outside a notebook it overwrites the HTML file written by {@link showLivePlot} (reload the page to see it).
 */
export function updatePlot(plot: PlotDisplay, figure: PlotlyFigure, options: ShowPlotOptions = {}): void {
  const display = displaysByPlot.get(plot);
  if (!display) throw new Error('updatePlot: pass the value returned by showLivePlot');
  renderPlot(plot as MutablePlotDisplay, display, figure, options);
}

/** A complete HTML page showing the figure, with plotly.js inline: opens offline in any browser. */
export function standaloneFigureHtml(figure: PlotlyFigure, options: StandaloneHtmlOptions = {}): string {
  const title = figure.layout?.title;
  const pageTitle = options.title ?? (typeof title === 'string' ? title : title?.text) ?? 'Plotly figure';
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(pageTitle)}</title>
${plotlyLibraryScriptTag()}
</head>
<body>
${figureHtml(figure)}
</body>
</html>
`;
}

/** Writes the figure as a standalone, offline HTML file (plotly.js inline, about 4.7 MB). */
export function savePlotHtml(
  figure: PlotlyFigure,
  filePath: string,
  options: StandaloneHtmlOptions = {},
): void {
  writeFileSync(filePath, standaloneFigureHtml(figure, options));
}
