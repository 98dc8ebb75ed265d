/**
 * Image grids: a batch of images (a tensor [N, H, W, C] with C = 1 or 3, or [N, H, W]) laid out in
 * rows and columns with padding, encoded as PNG, shown inline in a notebook or saved to a file.
 *
 * Pixels are read once with `dataSync()`; no tensors are created, so nothing can leak.
 */
import { writeFileSync } from 'node:fs';
import type { Tensor } from '@tensorflow/tfjs';
import { escapeHtml } from './html';
import { type OutputFileOptions, publishDisplay, writeOutputFile } from './notebook-display';
import { encodePng, type RawImage } from './png';

/**
 * How image values map to brightness: `zeroToOne` ([0,1], e.g. sigmoid outputs), `minusOneToOne`
 * ([-1,1], e.g. tanh outputs of a GAN generator) or `zeroTo255` (raw 8-bit values).
 * Values outside the range are clipped.
 */
export type PixelValueRange = 'zeroToOne' | 'minusOneToOne' | 'zeroTo255';

/** Images without TensorFlow.js: a shape ([N,H,W,C], [N,H,W] or [H,W]) and row-major values. */
export interface PixelBatch {
  shape: readonly number[];
  data: ArrayLike<number>;
}

/** A batch of images: a tf.Tensor or a {@link PixelBatch}. */
export type ImageBatch = Tensor | PixelBatch;

/** Options for laying out and rendering a grid. */
export interface ImageGridOptions {
  /** Range of the input values. Default `zeroToOne`. */
  valueRange?: PixelValueRange;
  /** Number of columns. Default: enough for a square-ish grid (`ceil(sqrt(N))`), or fitting `rows`. */
  columns?: number;
  /** Number of rows. Default: as many as needed. With `columns`, at most rows*columns images are shown. */
  rows?: number;
  /** Pixels between images and around the grid (after scaling). Default 2. */
  padding?: number;
  /** Brightness of the padding, 0 (black) to 1 (white). Default 1. */
  paddingBrightness?: number;
  /** Integer upscaling factor (nearest neighbour), e.g. 3 to show 28x28 digits at 84x84. Default 1. */
  scale?: number;
}

/** Options for {@link showImageGrid}. */
export interface ShowImageGridOptions extends ImageGridOptions {
  /** Outside a notebook: where the PNG file goes (see `writeOutputFile`). */
  fallback?: OutputFileOptions;
}

/** Where every image goes in the grid, and the grid's size in pixels. */
export interface ImageGridLayout {
  /** Number of images drawn (may be less than the batch size if rows and columns are both set). */
  count: number;
  rows: number;
  columns: number;
  /** Size of one image after scaling. */
  tileWidth: number;
  tileHeight: number;
  padding: number;
  /** Size of the whole grid. */
  width: number;
  height: number;
}

function checkPositiveInteger(name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
}

/** Converts one input value to an 8-bit brightness (rounded, clipped; NaN gives 0). */
export function pixelValueToByte(value: number, range: PixelValueRange = 'zeroToOne'): number {
  let byte: number;
  if (range === 'zeroToOne') byte = value * 255;
  else if (range === 'minusOneToOne') byte = (value + 1) * 127.5;
  else byte = value;
  if (!(byte > 0)) return 0; // also NaN
  return byte >= 255 ? 255 : Math.round(byte);
}

/** Computes the grid's rows, columns and pixel size for `count` images of `imageHeight` x `imageWidth`. */
export function imageGridLayout(
  count: number,
  imageHeight: number,
  imageWidth: number,
  options: ImageGridOptions = {},
): ImageGridLayout {
  checkPositiveInteger('number of images', count);
  const scale = options.scale ?? 1;
  checkPositiveInteger('scale', scale);
  const padding = options.padding ?? 2;
  if (!Number.isInteger(padding) || padding < 0)
    throw new RangeError(`padding must be an integer >= 0, got ${padding}`);
  let columns: number;
  let rows: number;
  if (options.columns !== undefined) {
    checkPositiveInteger('columns', options.columns);
    columns = options.columns;
    rows = options.rows ?? Math.ceil(count / columns);
  } else if (options.rows !== undefined) {
    rows = options.rows;
    columns = Math.ceil(count / rows);
  } else {
    columns = Math.ceil(Math.sqrt(count));
    rows = Math.ceil(count / columns);
  }
  checkPositiveInteger('rows', rows);
  columns = Math.min(columns, count);
  const shown = Math.min(count, rows * columns);
  rows = Math.ceil(shown / columns);
  const tileWidth = imageWidth * scale;
  const tileHeight = imageHeight * scale;
  return {
    count: shown,
    rows,
    columns,
    tileWidth,
    tileHeight,
    padding,
    width: columns * tileWidth + (columns + 1) * padding,
    height: rows * tileHeight + (rows + 1) * padding,
  };
}

function isTensor(images: ImageBatch): images is Tensor {
  return typeof (images as Tensor).dataSync === 'function';
}

/** Reads shape [N, H, W, C] and the values of a batch, without creating tensors. */
function readBatch(images: ImageBatch): {
  n: number;
  h: number;
  w: number;
  c: number;
  values: ArrayLike<number>;
} {
  const shape = images.shape;
  let n = 1;
  let c = 1;
  let h: number;
  let w: number;
  if (shape.length === 4) [n, h, w, c] = shape;
  else if (shape.length === 3) [n, h, w] = shape;
  else if (shape.length === 2) [h, w] = shape;
  else throw new RangeError(`expected images of shape [N,H,W,C], [N,H,W] or [H,W], got [${shape.join(',')}]`);
  checkPositiveInteger('image height', h);
  checkPositiveInteger('image width', w);
  if (c !== 1 && c !== 3) throw new RangeError(`expected 1 (grey) or 3 (RGB) channels, got ${c}`);
  const values = isTensor(images) ? (images.dataSync() as ArrayLike<number>) : images.data;
  if (values.length !== n * h * w * c) {
    throw new RangeError(`shape [${shape.join(',')}] needs ${n * h * w * c} values, got ${values.length}`);
  }
  return { n, h, w, c, values };
}

/** Lays out a batch of images as one 8-bit image (greyscale for 1 channel, RGB for 3). */
export function renderImageGrid(
  images: ImageBatch,
  options: ImageGridOptions = {},
): RawImage & { layout: ImageGridLayout } {
  const { n, h, w, c, values } = readBatch(images);
  const layout = imageGridLayout(n, h, w, options);
  const range = options.valueRange ?? 'zeroToOne';
  const scale = options.scale ?? 1;
  const background = Math.round(Math.min(1, Math.max(0, options.paddingBrightness ?? 1)) * 255);
  const pixels = new Uint8Array(layout.width * layout.height * c).fill(background);
  const rowStride = layout.width * c;
  for (let index = 0; index < layout.count; index++) {
    const top = layout.padding + Math.floor(index / layout.columns) * (layout.tileHeight + layout.padding);
    const left = layout.padding + (index % layout.columns) * (layout.tileWidth + layout.padding);
    const imageOffset = index * h * w * c;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        for (let channel = 0; channel < c; channel++) {
          const byte = pixelValueToByte(values[imageOffset + (y * w + x) * c + channel], range);
          for (let dy = 0; dy < scale; dy++) {
            const rowStart = (top + y * scale + dy) * rowStride;
            for (let dx = 0; dx < scale; dx++) {
              pixels[rowStart + (left + x * scale + dx) * c + channel] = byte;
            }
          }
        }
      }
    }
  }
  return { width: layout.width, height: layout.height, channels: c as 1 | 3, pixels, layout };
}

/** The grid as a PNG file's bytes. */
export function imageGridPng(images: ImageBatch, options: ImageGridOptions = {}): Buffer {
  return encodePng(renderImageGrid(images, options));
}

/** Writes the grid as a PNG file. Returns the PNG bytes. */
export function saveImageGrid(images: ImageBatch, filePath: string, options: ImageGridOptions = {}): Buffer {
  const png = imageGridPng(images, options);
  writeFileSync(filePath, png);
  return png;
}

/**
 * Shows the grid inline in a notebook (image/png); outside one, writes a PNG file and prints its path.
 * Returns nothing (so a notebook cell ending with it prints nothing more); see {@link imageGridPng}.
 */
export function showImageGrid(images: ImageBatch, options: ShowImageGridOptions = {}): void {
  const grid = renderImageGrid(images, options);
  const png = encodePng(grid);
  const { layout } = grid;
  const description = `<image grid: ${layout.count} images in ${layout.rows}x${layout.columns}, ${grid.width}x${grid.height} px>`;
  if (!publishDisplay({ 'image/png': png, 'text/plain': description })) {
    const filePath = writeOutputFile('images', 'png', png, options.fallback);
    console.log(`Image grid written to ${filePath}`);
  }
}

/** One titled grid of {@link showImageGridPanels}. */
export interface ImageGridPanel {
  /** Shown above the grid. */
  title: string;
  images: ImageBatch;
  /** Overrides the shared options' `valueRange` for this panel (e.g. `minusOneToOne` for a tanh generator). */
  valueRange?: PixelValueRange;
}

/** Options of {@link imageGridPanelsHtml} and {@link showImageGridPanels}. */
export interface ImageGridPanelsOptions extends ImageGridOptions {
  /** Panels per row of the layout. Default 2. */
  panelsPerRow?: number;
  /** Outside a notebook: where the PNG files go (see `writeOutputFile`). */
  fallback?: OutputFileOptions;
}

/**
 * Several titled image grids side by side, as HTML (a CSS grid of `<figure>`s whose images are inline PNG
 * data): for comparing the samples of several models at a glance.
 */
export function imageGridPanelsHtml(
  panels: readonly ImageGridPanel[],
  options: ImageGridPanelsOptions = {},
): string {
  if (panels.length === 0) throw new RangeError('imageGridPanelsHtml needs at least one panel.');
  const perRow = options.panelsPerRow ?? 2;
  checkPositiveInteger('panelsPerRow', perRow);
  const figures = panels.map((panel) => {
    const png = imageGridPng(panel.images, {
      ...options,
      valueRange: panel.valueRange ?? options.valueRange,
    });
    return (
      `<figure style="margin:0"><figcaption style="font-weight:bold;margin-bottom:4px">${escapeHtml(panel.title)}</figcaption>` +
      `<img alt="${escapeHtml(panel.title)}" src="data:image/png;base64,${png.toString('base64')}"></figure>`
    );
  });
  return `<div style="display:grid;grid-template-columns:repeat(${perRow}, max-content);gap:12px 24px">${figures.join('')}</div>`;
}

/**
 * Shows titled image grids side by side in a notebook; outside one, writes one PNG file per panel and prints
 * their paths. Returns nothing.
 */
export function showImageGridPanels(
  panels: readonly ImageGridPanel[],
  options: ImageGridPanelsOptions = {},
): void {
  const html = imageGridPanelsHtml(panels, options);
  const text = `<${panels.length} image grids: ${panels.map((p) => p.title).join('; ')}>`;
  if (publishDisplay({ 'text/html': html, 'text/plain': text })) return;
  for (const panel of panels) {
    const png = imageGridPng(panel.images, {
      ...options,
      valueRange: panel.valueRange ?? options.valueRange,
    });
    console.log(`${panel.title}: ${writeOutputFile('images', 'png', png, options.fallback)}`);
  }
}
