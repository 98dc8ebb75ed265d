import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  imageGridLayout,
  imageGridPanelsHtml,
  imageGridPng,
  pixelValueToByte,
  renderImageGrid,
  saveImageGrid,
  showImageGrid,
  showImageGridPanels,
} from '../../lib/visualisation/image-grid';
import { type DisplayDataMessage, setDisplayWriter } from '../../lib/visualisation/notebook-display';

const scratch = mkdtempSync(join(tmpdir(), 'genlib-grid-test-'));
after(() => {
  setDisplayWriter(undefined);
  rmSync(scratch, { recursive: true, force: true });
});

/** Reads width and height from a PNG's IHDR. */
function pngSize(png: Buffer): [number, number] {
  assert.equal(png.toString('latin1', 12, 16), 'IHDR');
  return [png.readUInt32BE(16), png.readUInt32BE(20)];
}

describe('pixelValueToByte', () => {
  it('maps each value range onto 0..255 and clips', () => {
    assert.equal(pixelValueToByte(0, 'zeroToOne'), 0);
    assert.equal(pixelValueToByte(1, 'zeroToOne'), 255);
    assert.equal(pixelValueToByte(0.5, 'zeroToOne'), 128);
    assert.equal(pixelValueToByte(-1, 'minusOneToOne'), 0);
    assert.equal(pixelValueToByte(0, 'minusOneToOne'), 128);
    assert.equal(pixelValueToByte(1, 'minusOneToOne'), 255);
    assert.equal(pixelValueToByte(200, 'zeroTo255'), 200);
    assert.equal(pixelValueToByte(1.7, 'zeroToOne'), 255);
    assert.equal(pixelValueToByte(-0.2, 'zeroToOne'), 0);
    assert.equal(pixelValueToByte(Number.NaN, 'zeroToOne'), 0);
  });
});

describe('imageGridLayout', () => {
  it('defaults to a square-ish grid with 2 px padding around and between images', () => {
    const layout = imageGridLayout(10, 28, 28);
    assert.equal(layout.columns, 4);
    assert.equal(layout.rows, 3);
    assert.equal(layout.count, 10);
    assert.equal(layout.width, 4 * 28 + 5 * 2);
    assert.equal(layout.height, 3 * 28 + 4 * 2);
  });

  it('honours columns, rows, both (truncating) and scale', () => {
    assert.deepEqual(
      [imageGridLayout(10, 4, 4, { columns: 5 }).rows, imageGridLayout(10, 4, 4, { columns: 5 }).columns],
      [2, 5],
    );
    const byRows = imageGridLayout(10, 4, 4, { rows: 2 });
    assert.deepEqual([byRows.rows, byRows.columns], [2, 5]);
    const both = imageGridLayout(10, 4, 4, { rows: 2, columns: 3 });
    assert.deepEqual([both.rows, both.columns, both.count], [2, 3, 6]);
    const few = imageGridLayout(2, 4, 4, { columns: 8 });
    assert.deepEqual([few.rows, few.columns], [1, 2]);
    const scaled = imageGridLayout(1, 3, 5, { scale: 3, padding: 1 });
    assert.deepEqual([scaled.tileHeight, scaled.tileWidth, scaled.height, scaled.width], [9, 15, 11, 17]);
  });

  it('rejects bad options', () => {
    assert.throws(() => imageGridLayout(4, 2, 2, { scale: 1.5 }), RangeError);
    assert.throws(() => imageGridLayout(4, 2, 2, { padding: -1 }), RangeError);
    assert.throws(() => imageGridLayout(4, 2, 2, { columns: 0 }), RangeError);
    assert.throws(() => imageGridLayout(0, 2, 2), RangeError);
  });
});

describe('renderImageGrid', () => {
  it('places each image in its cell, row by row, with padding of the chosen brightness', () => {
    // Three 2x2 grey images, each a constant 0.2, 0.4, 0.6; 2 columns, 1 px black padding.
    const data = [0.2, 0.2, 0.2, 0.2, 0.4, 0.4, 0.4, 0.4, 0.6, 0.6, 0.6, 0.6];
    const grid = renderImageGrid(
      { shape: [3, 2, 2, 1], data },
      { columns: 2, padding: 1, paddingBrightness: 0 },
    );
    assert.equal(grid.channels, 1);
    assert.deepEqual([grid.width, grid.height], [7, 7]);
    const a = 51;
    const b = 102;
    const c = 153;
    // biome-ignore format: the expected picture
    const expected = [
      0, 0, 0, 0, 0, 0, 0,
      0, a, a, 0, b, b, 0,
      0, a, a, 0, b, b, 0,
      0, 0, 0, 0, 0, 0, 0,
      0, c, c, 0, 0, 0, 0,
      0, c, c, 0, 0, 0, 0,
      0, 0, 0, 0, 0, 0, 0,
    ];
    assert.deepEqual(Array.from(grid.pixels), expected);
  });

  it('keeps pixel order within an image and upscales by repeating pixels', () => {
    // One 2x2 image in [-1, 1]: top-left -1, top-right 1, bottom-left 0, bottom-right 1.
    const grid = renderImageGrid(
      { shape: [1, 2, 2], data: [-1, 1, 0, 1] },
      { valueRange: 'minusOneToOne', scale: 2, padding: 0 },
    );
    // biome-ignore format: the expected picture
    const expected = [
      0, 0, 255, 255,
      0, 0, 255, 255,
      128, 128, 255, 255,
      128, 128, 255, 255,
    ];
    assert.deepEqual(Array.from(grid.pixels), expected);
  });

  it('keeps RGB channels in order', () => {
    const grid = renderImageGrid(
      { shape: [2, 1, 1, 3], data: [1, 0, 0, 0, 0, 1] },
      { padding: 1, columns: 2 },
    );
    assert.equal(grid.channels, 3);
    assert.deepEqual([grid.width, grid.height], [5, 3]);
    const pixelAt = (x: number, y: number) =>
      Array.from(grid.pixels.subarray((y * 5 + x) * 3, (y * 5 + x) * 3 + 3));
    assert.deepEqual(pixelAt(1, 1), [255, 0, 0]);
    assert.deepEqual(pixelAt(3, 1), [0, 0, 255]);
    assert.deepEqual(pixelAt(0, 0), [255, 255, 255]);
  });

  it('reads tensors without leaking any', async () => {
    await tf.ready();
    const images = tf.randomUniform([6, 8, 8, 1]);
    const before = tf.memory().numTensors;
    const png = imageGridPng(images, { scale: 2 });
    const grid = renderImageGrid(images);
    assert.equal(tf.memory().numTensors, before);
    assert.deepEqual(pngSize(png), [3 * 16 + 4 * 2, 2 * 16 + 3 * 2]);
    const expectedTopLeft = pixelValueToByte(images.dataSync()[0]);
    assert.equal(grid.pixels[2 * grid.width + 2], expectedTopLeft);
    images.dispose();
  });

  it('rejects bad shapes and wrong value counts', () => {
    assert.throws(() => renderImageGrid({ shape: [1, 2, 2, 2], data: new Array(8).fill(0) }), /channels/);
    assert.throws(() => renderImageGrid({ shape: [1, 2, 2, 1], data: [0, 0, 0] }), /needs 4 values/);
    assert.throws(() => renderImageGrid({ shape: [2], data: [0, 0] }), /shape/);
  });
});

describe('showImageGrid and saveImageGrid', () => {
  it('sends image/png (base64) and text/plain in a notebook', () => {
    const sent: DisplayDataMessage[] = [];
    setDisplayWriter((message) => sent.push(message));
    const images = { shape: [4, 3, 3], data: new Array(36).fill(0.5) };
    const result = showImageGrid(images, { scale: 2 });
    setDisplayWriter(undefined);
    assert.equal(result, undefined, 'nothing for tslab to print after the image');
    assert.equal(sent.length, 1);
    const png = Buffer.from(sent[0].data['image/png'] as string, 'base64');
    assert.deepEqual(png, imageGridPng(images, { scale: 2 }));
    assert.deepEqual(pngSize(png), [2 * 6 + 3 * 2, 2 * 6 + 3 * 2]);
    assert.match(sent[0].data['text/plain'] as string, /4 images/);
  });

  it('writes a PNG file outside a notebook and prints its path', () => {
    setDisplayWriter(null);
    const originalLog = console.log;
    const logged: string[] = [];
    console.log = (text: string) => logged.push(text);
    const images = { shape: [1, 2, 2], data: [0, 1, 1, 0] };
    try {
      showImageGrid(images, { fallback: { directory: scratch } });
    } finally {
      console.log = originalLog;
      setDisplayWriter(undefined);
    }
    const filePath = /written to (.*\.png)$/.exec(logged.join('\n'))?.[1] as string;
    assert.ok(filePath?.startsWith(scratch));
    assert.ok(existsSync(filePath));
    assert.deepEqual(readFileSync(filePath), imageGridPng(images));
    const path = join(scratch, 'saved.png');
    const png = saveImageGrid({ shape: [1, 2, 2], data: [0, 1, 1, 0] }, path);
    assert.deepEqual(readFileSync(path), png);
  });
});

describe('image grid panels', () => {
  const a = { shape: [2, 2, 2], data: [0, 1, 1, 0, 1, 0, 0, 1] };
  const b = { shape: [1, 2, 2], data: [-1, 1, 1, -1] };

  it('lays titled grids side by side as HTML with inline PNGs, each panel with its own value range', () => {
    const html = imageGridPanelsHtml(
      [
        { title: 'AE <dense>', images: a },
        { title: 'GAN', images: b, valueRange: 'minusOneToOne' },
      ],
      { panelsPerRow: 3, scale: 2 },
    );
    assert.match(html, /repeat\(3, max-content\)/);
    assert.match(html, /AE &lt;dense&gt;/);
    const pngs = [...html.matchAll(/base64,([A-Za-z0-9+/=]+)"/g)].map((m) => Buffer.from(m[1], 'base64'));
    assert.equal(pngs.length, 2);
    assert.deepEqual(pngs[0], imageGridPng(a, { scale: 2 }));
    assert.deepEqual(pngs[1], imageGridPng(b, { scale: 2, valueRange: 'minusOneToOne' }));
    assert.throws(() => imageGridPanelsHtml([]), /at least one panel/);
  });

  it('sends text/html in a notebook and writes one PNG per panel outside one', () => {
    const sent: DisplayDataMessage[] = [];
    setDisplayWriter((message) => sent.push(message));
    showImageGridPanels([{ title: 'one', images: a }]);
    setDisplayWriter(null);
    assert.equal(sent.length, 1);
    assert.match(sent[0].data['text/html'] as string, /<figure/);
    assert.match(sent[0].data['text/plain'] as string, /1 image grids: one/);
    const originalLog = console.log;
    const logged: string[] = [];
    console.log = (text: string) => logged.push(text);
    try {
      showImageGridPanels(
        [
          { title: 'one', images: a },
          { title: 'two', images: b },
        ],
        { fallback: { directory: scratch } },
      );
    } finally {
      console.log = originalLog;
      setDisplayWriter(undefined);
    }
    assert.equal(logged.length, 2);
    const filePath = /^two: (.*\.png)$/.exec(logged[1])?.[1] as string;
    assert.ok(filePath?.startsWith(scratch) && existsSync(filePath));
  });
});
