import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  boundsOf,
  classColour,
  classRegionsTrace,
  confusionMatrixFigure,
  contourLinesTrace,
  gridRows,
  planeFigure,
  planeGrid,
  pointTraces,
  withAlpha,
} from '../../lib/visualisation';

describe('plane figures', () => {
  test('planeGrid lists the points row by row, and gridRows puts values back in place', () => {
    const grid = planeGrid({ x: [0, 2], y: [-1, 1], steps: 3 });
    assert.deepEqual(grid.xs, [0, 1, 2]);
    assert.deepEqual(grid.ys, [-1, 0, 1]);
    assert.deepEqual(grid.points.slice(0, 4), [
      [0, -1],
      [1, -1],
      [2, -1],
      [0, 0],
    ]);
    const rows = gridRows(
      grid,
      grid.points.map(([x, y]) => 10 * y + x),
    );
    assert.deepEqual(rows[2], [10, 11, 12]);
    assert.throws(() => gridRows(grid, [1, 2]), /9 points but 2 values/);
    assert.throws(() => planeGrid({ x: [1, 1], y: [0, 1] }), /max > min/);
    assert.deepEqual(
      boundsOf([
        [0, 1],
        [2, -1],
      ]),
      { x: [-0.5, 2.5], y: [-1.5, 1.5] },
    );
  });

  test('class regions: class k gets its colour over the band k ± 0.5, boundaries between classes', () => {
    const grid = planeGrid({ x: [0, 1], y: [0, 1], steps: 2 });
    const trace = classRegionsTrace(grid, [0, 1, 2, 2], 3);
    assert.deepEqual(trace.z, [
      [0, 1],
      [2, 2],
    ]);
    assert.equal(trace.zmin, -0.5);
    assert.equal(trace.zmax, 2.5);
    const c = (k: number) => withAlpha(classColour(k), 0.3);
    assert.deepEqual(trace.colorscale, [
      [0, c(0)],
      [1 / 3, c(0)],
      [1 / 3, c(1)],
      [2 / 3, c(1)],
      [2 / 3, c(2)],
      [1, c(2)],
    ]);
    assert.equal(withAlpha('#1f77b4', 0.5), 'rgba(31, 119, 180, 0.5)');
    assert.throws(() => withAlpha('blue', 1), /needs a colour '#rrggbb'/);
    assert.deepEqual(trace.contours, { start: 0.5, end: 1.5, size: 1, coloring: 'heatmap' });
    const lines = contourLinesTrace(grid, [0, 1, 2, 3], { levels: [0.5, 2.5, 1], name: 'p', colour: 'red' });
    assert.equal(lines.autocontour, false);
    const rounded = contourLinesTrace(grid, [Math.PI, 2, 3, 4], { precision: 3 });
    assert.equal((rounded.z as number[][])[0][0], 3.14);
    assert.equal(lines.showlegend, true);
  });

  test('pointTraces: one trace per class in the class colour; planeFigure keeps circles round', () => {
    const traces = pointTraces(
      [
        [0, 0],
        [1, 1],
        [2, 2],
      ],
      [1, 0, 1],
      { classNames: ['zero', 'one'], suffix: ' (real)' },
    );
    assert.deepEqual(
      traces.map((t) => [t.name, t.x]),
      [
        ['zero (real)', [1]],
        ['one (real)', [0, 2]],
      ],
    );
    assert.equal((traces[1].marker as { color: string }).color, classColour(1));
    const figure = planeFigure(traces, { title: 't' });
    assert.equal(figure.layout?.yaxis?.scaleanchor, 'x');
  });

  test('confusionMatrixFigure: counts as text, row shares as colour', () => {
    const figure = confusionMatrixFigure(
      [
        [3, 1],
        [0, 2],
      ],
      ['a', 'b'],
    );
    const [heatmap] = figure.data;
    assert.deepEqual(heatmap.z, [
      [0.75, 0.25],
      [0, 1],
    ]);
    assert.deepEqual(heatmap.text, [
      ['3', '1'],
      ['0', '2'],
    ]);
    assert.throws(() => confusionMatrixFigure([[1]], ['a', 'b']), /must be 2×2/);
  });
});
