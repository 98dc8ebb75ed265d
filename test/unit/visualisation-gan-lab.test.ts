import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { type GanLabState, ganLabAnimation, ganLabFigure } from '../../lib/visualisation/gan-lab-figure';
import { figureToJson } from '../../lib/visualisation/plotly';

function state(step: number): GanLabState {
  return {
    step,
    real: [
      [0, 0],
      [1, 1],
    ],
    fake: [[step / 10, 0]],
    grid: { xs: [-1, 0, 1], ys: [-1, 1] },
    dOnGrid: [
      [0.1, 0.5, 0.9],
      [0.2, 0.5, 0.8],
    ],
  };
}

describe('GAN Lab figures', () => {
  test('one picture: D heat map, real and generated points', () => {
    const figure = ganLabFigure(state(5), { title: 'toy GAN' });
    assert.deepEqual(
      figure.data.map((t) => t.name),
      ['D(x)', 'real', 'generated'],
    );
    assert.equal(figure.data[0].type, 'heatmap');
    assert.deepEqual(figure.data[2].x, [0.5]);
    assert.deepEqual(figure.layout?.title, { text: 'toy GAN — step 5' });
  });

  test('the animation has one frame per state, a slider step per frame, and opens on the last state', () => {
    const figure = ganLabAnimation([state(0), state(10), state(20)]);
    assert.deepEqual(
      figure.frames?.map((f) => f.name),
      ['step 0', 'step 10', 'step 20'],
    );
    const sliders = figure.layout?.sliders as { steps: { args: unknown[] }[]; active: number }[];
    const slider = sliders[0];
    assert.equal(slider.steps.length, 3);
    assert.equal(slider.active, 2);
    assert.deepEqual(slider.steps[1].args[0], ['step 10']);
    assert.deepEqual(figure.data[2].x, [2]);
    assert.equal(figureToJson(figure).frames?.length, 3, 'frames must reach the browser');
  });

  test('a grid that does not match the D values, or 1-D points, is an error', () => {
    assert.throws(() => ganLabFigure({ ...state(0), dOnGrid: [[0.5]] }), /2 rows of 3 values/);
    assert.throws(() => ganLabFigure({ ...state(0), fake: [[1]] }), /2-D points only/);
    assert.throws(() => ganLabAnimation([]), /at least one state/);
  });
});
