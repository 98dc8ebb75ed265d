import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, beforeEach, describe, it } from 'node:test';
import vm from 'node:vm';
import { type DisplayDataMessage, setDisplayWriter } from '../../lib/visualisation/notebook-display';
import {
  figureBundle,
  figureHtml,
  figureToJson,
  isPlotlyLoaded,
  loadPlotly,
  PLOTLY_MIME_TYPE,
  type PlotlyFigure,
  plotlyLibraryScriptTag,
  plotlyLibrarySource,
  resetPlotlyLoadedState,
  savePlotHtml,
  showLivePlot,
  showPlot,
  updatePlot,
  wrapUmdForBrowserGlobal,
} from '../../lib/visualisation/plotly';
import { histogramFigure, lineFigure, scatterFigure } from '../../lib/visualisation/plotly-figures';

const scratch = mkdtempSync(join(tmpdir(), 'genlib-plotly-test-'));
after(() => {
  setDisplayWriter(undefined);
  rmSync(scratch, { recursive: true, force: true });
});

const LIBRARY_MARKER = 'plotly.js v3.7.0';
const figure: PlotlyFigure = {
  data: [{ type: 'scatter', x: [1, 2, 3], y: [2, 1, 3], name: 'loss' }],
  layout: { title: 'Losses' },
};

/** The JavaScript inside each `<script>` element of an HTML fragment. */
function scripts(html: string): string[] {
  return [...html.matchAll(/<script[^>]*>([\s\S]*?)<\/script>/g)].map((match) => match[1]);
}

/** Plain copy of a value made in a vm context (deepStrictEqual also compares prototypes). */
const fromOtherRealm = (value: unknown): unknown => JSON.parse(JSON.stringify(value));

function captureDisplays(): [DisplayDataMessage, boolean][] {
  const sent: [DisplayDataMessage, boolean][] = [];
  setDisplayWriter((message, update) => sent.push([message, update]));
  return sent;
}

function silenceConsole<T>(run: () => T): { result: T; logged: string[] } {
  const originalLog = console.log;
  const logged: string[] = [];
  console.log = (...parts: unknown[]) => logged.push(parts.join(' '));
  try {
    return { result: run(), logged };
  } finally {
    console.log = originalLog;
  }
}

/**
 * Runs a figure's script in a fake browser: the div appears after `attachAfterTicks` timer ticks (as in
 * classic Notebook, which runs output scripts before attaching them), `window.Plotly` after `plotlyAfterTicks`.
 */
function runFigureScript(html: string, attachAfterTicks: number, plotlyAfterTicks: number, maxTicks = 100) {
  const element = {
    id: /id="([^"]+)"/.exec(html)?.[1].replace(/&quot;/g, '"'),
    style: {} as Record<string, string>,
    textContent: '',
  };
  const calls: unknown[][] = [];
  const timers: (() => void)[] = [];
  let clock = 0;
  let tick = 0;
  const window: Record<string, unknown> = {};
  const context = vm.createContext({
    window,
    document: {
      getElementById: (id: string) => (tick >= attachAfterTicks && id === element.id ? element : null),
    },
    setTimeout: (callback: () => void, ms: number) => {
      timers.push(() => {
        clock += ms;
        callback();
      });
    },
    Date: { now: () => clock },
  });
  const source = scripts(html)[0];
  vm.runInContext(source, context);
  while (timers.length > 0 && tick < maxTicks) {
    tick += 1;
    if (tick >= plotlyAfterTicks) window.Plotly = { newPlot: (...args: unknown[]) => calls.push(args) };
    const next = timers.shift() as () => void;
    next();
  }
  return { calls, element, pendingTimers: timers.length };
}

describe('figure JSON and HTML', () => {
  it('converts typed arrays, NaN and Infinity to JSON and adds the default config', () => {
    const json = figureToJson({
      data: [{ x: new Float32Array([1, 2]), y: [Number.NaN, Number.POSITIVE_INFINITY] }],
    });
    assert.deepEqual(json.data[0], { x: [1, 2], y: [null, null] });
    assert.deepEqual(json.layout, {});
    assert.equal(json.config.responsive, true);
    assert.equal(json.config.displaylogo, false);
    assert.equal(figureToJson({ data: [], config: { responsive: false } }).config.responsive, false);
  });

  it('bundles the Plotly JSON spec, the HTML and a text description, without the library', () => {
    const bundle = figureBundle(figure);
    assert.deepEqual(Object.keys(bundle).sort(), [PLOTLY_MIME_TYPE, 'text/html', 'text/plain']);
    const spec = bundle[PLOTLY_MIME_TYPE] as ReturnType<typeof figureToJson>;
    assert.deepEqual(spec.data, figure.data);
    assert.equal(spec.layout.title, 'Losses');
    assert.equal(spec.config.responsive, true);
    const html = bundle['text/html'] as string;
    assert.match(html, /<div id="genlib-plot-[0-9a-f]{16}"/);
    assert.ok(!html.includes(LIBRARY_MARKER));
    assert.ok(html.length < 5000);
    assert.equal(bundle['text/plain'], '<Plotly figure "Losses": 1 trace>');
  });

  it('escapes text so that a trace name cannot end the script element', () => {
    const nasty = '</script><script>alert(1)</script><!--';
    const html = figureHtml({ data: [{ name: nasty, y: [1] }] }, { divId: 'd"x' });
    assert.ok(!scripts(html)[0].includes('</script'));
    assert.equal((html.match(/<\/script>/g) ?? []).length, 1);
    assert.ok(html.includes('id="d&quot;x"'));
    const { calls } = runFigureScript(html, 0, 0);
    assert.equal((calls[0][1] as { name: string }[])[0].name, nasty);
  });

  it('waits until the div is attached and window.Plotly exists, then draws the figure', () => {
    const html = figureHtml(figure, { divId: 'plot-1' });
    const { calls, element } = runFigureScript(html, 3, 7);
    assert.equal(calls.length, 1);
    const [target, data, layout, config] = calls[0] as [
      unknown,
      unknown,
      { height: number },
      { responsive: boolean },
    ];
    assert.equal(target, element);
    assert.deepEqual(fromOtherRealm(data), figure.data);
    assert.equal(layout.height, 420);
    assert.equal(config.responsive, true);
    // plotly.js already loaded, but the output not yet attached (classic Notebook): wait for the div.
    const early = runFigureScript(html, 5, 1);
    assert.equal(early.calls.length, 1);
    assert.equal(early.calls[0][0], early.element);
  });

  it('gives up after waitForPlotlyMs and says how to load plotly.js', () => {
    const html = figureHtml(figure, { divId: 'plot-2', waitForPlotlyMs: 1000 });
    const { calls, element, pendingTimers } = runFigureScript(html, 0, Number.POSITIVE_INFINITY);
    assert.equal(calls.length, 0);
    assert.equal(pendingTimers, 0);
    assert.match(element.textContent, /loadPlotly/);
  });

  it('sizes the container from the layout', () => {
    assert.match(
      figureHtml({ data: [], layout: { height: 300, width: 500 } }),
      /style="width:500px;height:300px;"/,
    );
    assert.match(figureHtml({ data: [] }), /style="width:100%;height:420px;"/);
  });
});

describe('the plotly.js library script', () => {
  it('is the installed plotly.js-dist-min bundle', () => {
    assert.ok(plotlyLibrarySource().includes(LIBRARY_MARKER));
    assert.ok(plotlyLibrarySource().length > 3_000_000);
  });

  it('hides RequireJS define (and CommonJS module/exports) so a UMD bundle sets window.Plotly', () => {
    const umd = `(function (root, factory) {
      if (typeof define === 'function' && define.amd) define([], factory);
      else if (typeof module === 'object' && module.exports) module.exports = factory();
      else root.Plotly = factory();
    })(typeof self !== 'undefined' ? self : this, function () { return { newPlot: function () {} }; });`;
    const defined: unknown[] = [];
    const define = Object.assign((...args: unknown[]) => defined.push(args), { amd: {} });
    const window: Record<string, unknown> = {};
    const context = vm.createContext({ define, module: { exports: {} }, exports: {} });
    context.window = context;
    context.self = context;
    // Without the wrapper, RequireJS would take the library: the premise of the wrapper.
    vm.runInContext(umd, context);
    assert.equal(defined.length, 1);
    assert.equal(context.Plotly, undefined);
    vm.runInContext(wrapUmdForBrowserGlobal(umd), context);
    assert.equal(defined.length, 1);
    assert.equal(typeof (context.Plotly as unknown as { newPlot: unknown }).newPlot, 'function');
    assert.equal(window.Plotly, undefined);
  });

  it('is one escaped script element, evaluated only if window.Plotly is missing', () => {
    const tag = plotlyLibraryScriptTag('var x = "</script>"; window.Plotly = {};');
    assert.equal((tag.match(/<\/script>/g) ?? []).length, 1);
    const context = vm.createContext({});
    context.window = context;
    vm.runInContext(scripts(tag)[0], context);
    assert.deepEqual(fromOtherRealm(context.Plotly), {});
    assert.equal(context.x, undefined, 'var stays inside the wrapper function');
    const existing = { existing: true };
    context.Plotly = existing;
    vm.runInContext(scripts(tag)[0], context);
    assert.equal(context.Plotly, existing);
  });
});

describe('showPlot, loadPlotly and updatePlot in a notebook', () => {
  beforeEach(() => resetPlotlyLoadedState());

  it('sends the library once per session, as its own output, before the first figure', () => {
    const sent = captureDisplays();
    assert.equal(showPlot(figure), undefined, 'nothing for tslab to print after the figure');
    showLivePlot(figure);
    setDisplayWriter(undefined);
    assert.equal(sent.length, 3);
    const [loader, first, second] = sent.map(([message]) => message);
    assert.ok((loader.data['text/html'] as string).includes(LIBRARY_MARKER));
    assert.ok((loader.data['text/html'] as string).includes('function (define, module, exports)'));
    assert.equal(loader.data[PLOTLY_MIME_TYPE], undefined);
    for (const message of [first, second]) {
      assert.ok(message.data[PLOTLY_MIME_TYPE]);
      assert.ok(!(message.data['text/html'] as string).includes(LIBRARY_MARKER));
    }
    assert.ok(isPlotlyLoaded());
  });

  it('loadPlotly is idempotent unless forced', () => {
    const sent = captureDisplays();
    assert.equal(loadPlotly(), true);
    assert.equal(loadPlotly(), false);
    assert.equal(loadPlotly({ force: true }), true);
    setDisplayWriter(undefined);
    assert.equal(sent.length, 2);
  });

  it('updatePlot replaces the same output (same display id, update_display_data)', () => {
    const sent = captureDisplays();
    const plot = showLivePlot(figure);
    updatePlot(plot, lineFigure({ loss: [3, 2, 1] }));
    setDisplayWriter(undefined);
    const [, [shown, shownUpdate], [updated, isUpdate]] = sent;
    assert.equal(shownUpdate, false);
    assert.equal(isUpdate, true);
    assert.equal(shown.transient.display_id, plot.displayId);
    assert.equal(updated.transient.display_id, plot.displayId);
    assert.deepEqual((updated.data[PLOTLY_MIME_TYPE] as { data: { y: number[] }[] }).data[0].y, [3, 2, 1]);
    assert.throws(() => updatePlot({ displayId: 'x' }, figure), /showLivePlot/);
  });
});

describe('outside a notebook and standalone files', () => {
  it('showLivePlot writes a standalone HTML file; updatePlot rewrites it', () => {
    resetPlotlyLoadedState();
    setDisplayWriter(null);
    try {
      const { result: plot, logged } = silenceConsole(() =>
        showLivePlot(figure, { fallback: { directory: scratch } }),
      );
      assert.ok(plot.filePath?.startsWith(scratch));
      assert.match(logged[0], /written to/);
      const { logged: updateLogged } = silenceConsole(() => updatePlot(plot, lineFigure({ changed: [1] })));
      assert.equal(updateLogged.length, 0);
      assert.ok(readFileSync(plot.filePath as string, 'utf8').includes('"changed"'));
      assert.equal(isPlotlyLoaded(), false);
    } finally {
      setDisplayWriter(undefined);
    }
  });

  it('savePlotHtml writes a full page with the library inline exactly once', () => {
    const path = join(scratch, 'figure.html');
    savePlotHtml(figure, path);
    const html = readFileSync(path, 'utf8');
    assert.ok(html.startsWith('<!DOCTYPE html>'));
    assert.match(html, /<title>Losses<\/title>/);
    assert.equal(html.split(LIBRARY_MARKER).length - 1, 1);
    assert.match(html, /class="genlib-plotly-figure"/);
  });
});

describe('figure builders', () => {
  it('lineFigure makes one line per series with shared or default x', () => {
    const fig = lineFigure(
      { lossD: [1, 0.5], lossG: new Float32Array([2, 1]) },
      { title: 'GAN', xTitle: 'step', x: [10, 20] },
    );
    assert.equal(fig.data.length, 2);
    assert.deepEqual(fig.data[1], { type: 'scatter', mode: 'lines', name: 'lossG', x: [10, 20], y: [2, 1] });
    assert.deepEqual(fig.layout?.title, { text: 'GAN' });
    assert.deepEqual(fig.layout?.xaxis, { title: { text: 'step' } });
    assert.deepEqual(lineFigure({ a: [5, 6, 7] }).data[0].x, [0, 1, 2]);
    assert.equal(lineFigure({ a: [1] }, { logY: true }).layout?.yaxis?.type, 'log');
  });

  it('scatterFigure makes one trace per group, in natural order', () => {
    const fig = scatterFigure({ x: [0, 1, 2, 3], y: [4, 5, 6, 7], groups: [10, 2, 10, 2] });
    assert.deepEqual(
      fig.data.map((trace) => [trace.name, trace.x, trace.y]),
      [
        ['2', [1, 3], [5, 7]],
        ['10', [0, 2], [4, 6]],
      ],
    );
    assert.equal(fig.layout?.showlegend, true);
    assert.equal(scatterFigure({ x: [1], y: [2] }).data.length, 1);
    assert.throws(() => scatterFigure({ x: [1], y: [] }), RangeError);
  });

  it('histogramFigure overlays one histogram per series', () => {
    const fig = histogramFigure({ real: [1, 2], fake: [3] }, { bins: 20, density: true });
    assert.deepEqual(
      fig.data.map((trace) => [trace.type, trace.name, trace.nbinsx, trace.histnorm]),
      [
        ['histogram', 'real', 20, 'probability density'],
        ['histogram', 'fake', 20, 'probability density'],
      ],
    );
    assert.equal(fig.layout?.barmode, 'overlay');
  });
});
