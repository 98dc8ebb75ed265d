/**
 * The picture GAN Lab draws for a GAN on 2-D data: the discriminator's verdict D(x) over the plane as a
 * heat map (green where D says "real", purple where it says "fake"), the real points, and the generated
 * points on top. {@link ganLabFigure} draws one moment (update it in place during training);
 * {@link ganLabAnimation} keeps every moment as frames with a slider and a play button.
 */
import type { PlotlyFigure, PlotlyFrame, PlotlyLayout, PlotlyTrace } from './plotly';

/** The data of one picture (a `ToyGanSnapshot` from genlib's training module has this shape). */
export interface GanLabState {
  step: number;
  real: number[][];
  fake: number[][];
  grid: { xs: number[]; ys: number[] };
  /** D(x) at the grid points: `dOnGrid[j][i]` at (xs[i], ys[j]). */
  dOnGrid: number[][];
}

/** Options of {@link ganLabFigure} and {@link ganLabAnimation}. */
export interface GanLabFigureOptions {
  title?: string;
  /** Height in pixels (the plot is square-ish). Default 480. */
  height?: number;
  /** Label of each frame on the slider. Default `step N`. */
  frameLabel?: (state: GanLabState) => string;
}

/** Purple (0, "fake") through white (0.5) to green (1, "real"), as in GAN Lab. */
const D_COLOURS: [number, string][] = [
  [0, '#8e44ad'],
  [0.5, '#ffffff'],
  [1, '#27ae60'],
];

function traces(state: GanLabState): PlotlyTrace[] {
  return [
    {
      type: 'heatmap',
      name: 'D(x)',
      x: state.grid.xs,
      y: state.grid.ys,
      z: state.dOnGrid,
      zmin: 0,
      zmax: 1,
      colorscale: D_COLOURS,
      opacity: 0.75,
      zsmooth: 'best',
      colorbar: { title: { text: 'D(x)' }, thickness: 12 },
      hovertemplate: 'x=%{x:.2f}, y=%{y:.2f}<br>D(x)=%{z:.3f}<extra></extra>',
    },
    {
      type: 'scatter',
      mode: 'markers',
      name: 'real',
      x: state.real.map((p) => p[0]),
      y: state.real.map((p) => p[1]),
      marker: { size: 5, color: '#145a32', opacity: 0.8, line: { width: 0.5, color: '#ffffff' } },
    },
    {
      type: 'scatter',
      mode: 'markers',
      name: 'generated',
      x: state.fake.map((p) => p[0]),
      y: state.fake.map((p) => p[1]),
      marker: { size: 5, color: '#6c3483', opacity: 0.8, line: { width: 0.5, color: '#ffffff' } },
    },
  ];
}

function checkState(state: GanLabState): void {
  const { xs, ys } = state.grid;
  if (state.dOnGrid.length !== ys.length || state.dOnGrid.some((row) => row.length !== xs.length)) {
    throw new Error(
      `ganLabFigure: dOnGrid must have ${ys.length} rows of ${xs.length} values (one per grid point)`,
    );
  }
  if ([...state.real, ...state.fake].some((p) => p.length !== 2)) {
    throw new Error('ganLabFigure draws 2-D points only: every real and generated point needs [x, y]');
  }
}

function layout(state: GanLabState, options: GanLabFigureOptions, title: string): PlotlyLayout {
  const { xs, ys } = state.grid;
  return {
    title: { text: title },
    height: options.height ?? 480,
    margin: { l: 50, r: 20, t: 80, b: 40 },
    xaxis: { range: [xs[0], xs[xs.length - 1]], title: { text: 'x₁' }, constrain: 'domain' },
    yaxis: {
      range: [ys[0], ys[ys.length - 1]],
      title: { text: 'x₂' },
      scaleanchor: 'x',
      constrain: 'domain',
    },
    legend: { orientation: 'h', x: 0.5, xanchor: 'center', y: 1.0, yanchor: 'bottom' },
  };
}

const defaultLabel = (state: GanLabState) => `step ${state.step}`;

/** One picture: D(x) over the plane, the real points and the generated points. */
export function ganLabFigure(state: GanLabState, options: GanLabFigureOptions = {}): PlotlyFigure {
  checkState(state);
  const label = (options.frameLabel ?? defaultLabel)(state);
  const title = options.title ? `${options.title} — ${label}` : label;
  return { data: traces(state), layout: layout(state, options, title) };
}

/**
 * An animation of the states (in order): one frame per state, a slider to scrub through them and a play
 * button. It opens on the last state.
 */
export function ganLabAnimation(states: GanLabState[], options: GanLabFigureOptions = {}): PlotlyFigure {
  if (states.length === 0) throw new Error('ganLabAnimation needs at least one state');
  states.forEach(checkState);
  const label = options.frameLabel ?? defaultLabel;
  const frames: PlotlyFrame[] = states.map((state) => ({ name: label(state), data: traces(state) }));
  const last = states[states.length - 1];
  const base = layout(last, options, options.title ?? 'GAN training');
  const animateTo = (names: string[] | null, duration: number) => ({
    method: 'animate',
    args: [names, { mode: 'immediate', frame: { duration, redraw: true }, transition: { duration: 0 } }],
  });
  return {
    data: traces(last),
    frames,
    layout: {
      ...base,
      height: (options.height ?? 480) + 80,
      margin: { l: 50, r: 20, t: 80, b: 110 },
      sliders: [
        {
          active: frames.length - 1,
          pad: { t: 50 },
          currentvalue: { prefix: '', visible: true },
          steps: frames.map((frame) => ({ label: frame.name, ...animateTo([frame.name], 0) })),
        },
      ],
      updatemenus: [
        {
          type: 'buttons',
          showactive: false,
          x: 0,
          y: -0.22,
          xanchor: 'left',
          buttons: [
            {
              label: '▶ play',
              method: 'animate',
              args: [
                null,
                {
                  mode: 'immediate',
                  fromcurrent: false,
                  frame: { duration: 150, redraw: true },
                  transition: { duration: 0 },
                },
              ],
            },
          ],
        },
      ],
    },
  };
}
