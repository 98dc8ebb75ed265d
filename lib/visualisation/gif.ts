/**
 * A minimal animated-GIF encoder (GIF89a) for greyscale and RGB image grids, e.g. the fixed-seed
 * sample grids of a GAN run, one frame per epoch.
 *
 * GIF layout: the header `GIF89a`, the logical screen descriptor (size, a 256-entry global colour
 * table follows), the NETSCAPE2.0 application extension (loop count), then per frame a graphic
 * control extension (delay in 1/100 s) and an image descriptor followed by the LZW-compressed colour
 * indices in sub-blocks of at most 255 bytes, and finally the trailer byte 0x3B.
 *
 * Colours: greyscale frames use a palette of the 256 grey levels, so they are exact; RGB frames use a
 * fixed palette of a 6x6x6 colour cube plus 40 greys (each pixel takes the nearer of its cube colour
 * and its grey), which is enough for image grids and plots without per-frame quantisation.
 */
import { writeFileSync } from 'node:fs';
import type { ImageBatch, ImageGridOptions } from './image-grid';
import { renderImageGrid } from './image-grid';
import { type OutputFileOptions, publishDisplay, writeOutputFile } from './notebook-display';
import { decodePng, type RawImage } from './png';

/** Options for {@link encodeAnimatedGif}. */
export interface AnimatedGifOptions {
  /** Time each frame is shown, in milliseconds (GIF stores 1/100 s, so it is rounded to 10 ms). Default 400. */
  delayMs?: number;
  /** Time the last frame is shown before the animation starts again. Default 1500 (or `delayMs` if longer). */
  finalDelayMs?: number;
  /** Loop forever (true, the default) or play once (false). */
  loop?: boolean;
}

/**
 * One frame: raw 8-bit pixels (e.g. from `renderImageGrid`), the bytes of a PNG file (e.g. a saved
 * sample grid), or a batch of images (tensor [N,H,W,C] or pixel batch) that is laid out as a grid.
 */
export type GifFrameSource = RawImage | Uint8Array | ImageBatch;

/** Options for {@link animatedGridGif}, {@link saveAnimatedGif} and {@link showAnimatedGif}. */
export interface AnimatedGridGifOptions extends AnimatedGifOptions, ImageGridOptions {}

/** The bytes every GIF89a file starts with. */
export const GIF89A_HEADER: Buffer = Buffer.from('GIF89a', 'latin1');

const MAX_CODE = 4096; // GIF codes are at most 12 bits wide
const MIN_CODE_SIZE = 8; // 256 palette entries

/** The palette of the 256 grey levels: entry i is (i, i, i). */
function greyPalette(): Uint8Array {
  const palette = new Uint8Array(768);
  for (let i = 0; i < 256; i++) palette.fill(i, i * 3, i * 3 + 3);
  return palette;
}

const CUBE_LEVELS = 6;
const GREY_LEVELS = 40;

/** The RGB palette: a 6x6x6 cube (entries 0..215) and 40 evenly spaced greys (entries 216..255). */
function colourPalette(): Uint8Array {
  const palette = new Uint8Array(768);
  let i = 0;
  for (let r = 0; r < CUBE_LEVELS; r++)
    for (let g = 0; g < CUBE_LEVELS; g++)
      for (let b = 0; b < CUBE_LEVELS; b++) palette.set([r * 51, g * 51, b * 51], 3 * i++);
  for (let k = 0; k < GREY_LEVELS; k++)
    palette.fill(Math.round((k * 255) / (GREY_LEVELS - 1)), 3 * i, 3 * i++ + 3);
  return palette;
}

/** Palette index of each pixel of an RGB image in {@link colourPalette}. */
function colourIndices(pixels: Uint8Array, palette: Uint8Array): Uint8Array {
  const indices = new Uint8Array(pixels.length / 3);
  for (let p = 0; p < indices.length; p++) {
    const r = pixels[3 * p];
    const g = pixels[3 * p + 1];
    const b = pixels[3 * p + 2];
    const cube = Math.round(r / 51) * 36 + Math.round(g / 51) * 6 + Math.round(b / 51);
    const grey = 216 + Math.round((((r + g + b) / 3) * (GREY_LEVELS - 1)) / 255);
    const error = (i: number) =>
      (palette[3 * i] - r) ** 2 + (palette[3 * i + 1] - g) ** 2 + (palette[3 * i + 2] - b) ** 2;
    indices[p] = error(grey) < error(cube) ? grey : cube;
  }
  return indices;
}

/** Packs variable-width codes least-significant bit first, as GIF's LZW stream requires. */
class BitWriter {
  private bytes: number[] = [];
  private buffer = 0;
  private bitCount = 0;

  write(code: number, width: number): void {
    this.buffer |= code << this.bitCount;
    this.bitCount += width;
    while (this.bitCount >= 8) {
      this.bytes.push(this.buffer & 0xff);
      this.buffer >>>= 8;
      this.bitCount -= 8;
    }
  }

  finish(): Uint8Array {
    if (this.bitCount > 0) this.bytes.push(this.buffer & 0xff);
    return Uint8Array.from(this.bytes);
  }
}

/**
 * LZW-compresses 8-bit colour indices with GIF's variant: codes start 9 bits wide (minimum code size 8),
 * grow to at most 12 bits, and a clear code resets the table when it is full. Returns the code stream
 * before it is cut into sub-blocks.
 */
export function lzwEncode(indices: Uint8Array, minCodeSize = MIN_CODE_SIZE): Uint8Array {
  const clearCode = 1 << minCodeSize;
  const endCode = clearCode + 1;
  const writer = new BitWriter();
  let codeSize = minCodeSize + 1;
  let nextCode = endCode + 1;
  let table = new Map<number, number>(); // (prefix code << 8 | next index) -> code
  writer.write(clearCode, codeSize);
  if (indices.length === 0) {
    writer.write(endCode, codeSize);
    return writer.finish();
  }
  let prefix = indices[0];
  for (let i = 1; i < indices.length; i++) {
    const index = indices[i];
    const key = (prefix << 8) | index;
    const known = table.get(key);
    if (known !== undefined) {
      prefix = known;
      continue;
    }
    writer.write(prefix, codeSize);
    if (nextCode === MAX_CODE) {
      writer.write(clearCode, codeSize);
      table = new Map();
      codeSize = minCodeSize + 1;
      nextCode = endCode + 1;
    } else {
      if (nextCode >= 1 << codeSize) codeSize++;
      table.set(key, nextCode++);
    }
    prefix = index;
  }
  writer.write(prefix, codeSize);
  writer.write(endCode, codeSize);
  return writer.finish();
}

function writeUint16(bytes: number[], value: number): void {
  bytes.push(value & 0xff, (value >> 8) & 0xff);
}

/** Cuts data into GIF sub-blocks (a length byte, then up to 255 bytes) ending with a zero-length block. */
function subBlocks(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + Math.ceil(data.length / 255) + 1);
  let o = 0;
  for (let i = 0; i < data.length; i += 255) {
    const block = data.subarray(i, i + 255);
    out[o++] = block.length;
    out.set(block, o);
    o += block.length;
  }
  out[o] = 0;
  return out;
}

function checkDelay(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0 || value > 655_350)
    throw new RangeError(`${name} must be between 0 and 655350 ms, got ${value}`);
  return Math.round(value / 10);
}

/**
 * Encodes frames (all the same size, all greyscale or all RGB) as an animated GIF that loops forever by
 * default. Greyscale frames are exact; RGB frames use a fixed 256-colour palette.
 */
export function encodeAnimatedGif(frames: readonly RawImage[], options: AnimatedGifOptions = {}): Buffer {
  if (frames.length === 0) throw new RangeError('an animated GIF needs at least one frame');
  const { width, height, channels } = frames[0];
  if (
    !Number.isInteger(width) ||
    !Number.isInteger(height) ||
    width < 1 ||
    height < 1 ||
    width > 65535 ||
    height > 65535
  )
    throw new RangeError(`GIF size must be integers from 1 to 65535, got ${width}x${height}`);
  if (channels !== 1 && channels !== 3)
    throw new RangeError(`GIF frames must have 1 (grey) or 3 (RGB) channels, got ${channels}`);
  frames.forEach((frame, i) => {
    if (frame.width !== width || frame.height !== height || frame.channels !== channels)
      throw new RangeError(
        `frame ${i} is ${frame.width}x${frame.height}x${frame.channels} but frame 0 is ${width}x${height}x${channels}: ` +
          'render every frame with the same grid options (same batch size, columns, scale)',
      );
    if (frame.pixels.length !== width * height * channels)
      throw new RangeError(
        `frame ${i}: expected ${width * height * channels} bytes, got ${frame.pixels.length}`,
      );
  });
  const delayMs = options.delayMs ?? 400;
  const delay = checkDelay('delayMs', delayMs);
  const finalDelay = checkDelay('finalDelayMs', options.finalDelayMs ?? Math.max(delayMs, 1500));
  const palette = channels === 1 ? greyPalette() : colourPalette();

  const head: number[] = [...GIF89A_HEADER];
  writeUint16(head, width);
  writeUint16(head, height);
  head.push(0xf7, 0, 0); // global colour table of 2^(7+1) entries, 8 bits per primary; background 0; aspect 0
  head.push(...palette);
  if (options.loop ?? true) {
    head.push(0x21, 0xff, 0x0b, ...Buffer.from('NETSCAPE2.0', 'latin1'), 0x03, 0x01, 0, 0, 0); // loop count 0 = forever
  }
  const parts: Uint8Array[] = [Uint8Array.from(head)];
  frames.forEach((frame, i) => {
    const control: number[] = [0x21, 0xf9, 0x04, 0x04]; // graphic control: disposal 1 (keep), no transparency
    writeUint16(control, i === frames.length - 1 ? finalDelay : delay);
    control.push(0, 0);
    control.push(0x2c); // image descriptor at (0,0), full size, no local colour table
    writeUint16(control, 0);
    writeUint16(control, 0);
    writeUint16(control, width);
    writeUint16(control, height);
    control.push(0, MIN_CODE_SIZE);
    const indices = channels === 1 ? frame.pixels : colourIndices(frame.pixels, palette);
    parts.push(Uint8Array.from(control), subBlocks(lzwEncode(indices)));
  });
  parts.push(Uint8Array.of(0x3b));
  return Buffer.concat(parts);
}

function isRawImage(frame: GifFrameSource): frame is RawImage {
  return (frame as RawImage).pixels instanceof Uint8Array && typeof (frame as RawImage).width === 'number';
}

/** Drops an alpha channel (grey+alpha -> grey, RGBA -> RGB), so that PNG files with alpha can be frames. */
function withoutAlpha(image: RawImage): RawImage {
  const channels = image.channels as number;
  if (channels !== 2 && channels !== 4) return image;
  const colour = channels - 1;
  const count = image.width * image.height;
  const pixels = new Uint8Array(count * colour);
  for (let p = 0; p < count; p++)
    for (let c = 0; c < colour; c++) pixels[p * colour + c] = image.pixels[p * channels + c];
  return { width: image.width, height: image.height, channels: colour as 1 | 3, pixels };
}

/** Turns any {@link GifFrameSource} into raw pixels (image batches are laid out with the grid options). */
export function toGifFrame(frame: GifFrameSource, options: ImageGridOptions = {}): RawImage {
  if (isRawImage(frame)) return frame;
  if (frame instanceof Uint8Array) return withoutAlpha(decodePng(frame));
  const { width, height, channels, pixels } = renderImageGrid(frame, options);
  return { width, height, channels, pixels };
}

/** Encodes image grids (tensors, pixel batches, raw pixels or PNG bytes) as an animated GIF. */
export function animatedGridGif(
  frames: readonly GifFrameSource[],
  options: AnimatedGridGifOptions = {},
): Buffer {
  return encodeAnimatedGif(
    frames.map((frame) => toGifFrame(frame, options)),
    options,
  );
}

/** Writes the frames as an animated GIF file. Returns the GIF bytes. */
export function saveAnimatedGif(
  frames: readonly GifFrameSource[],
  filePath: string,
  options: AnimatedGridGifOptions = {},
): Buffer {
  const gif = animatedGridGif(frames, options);
  writeFileSync(filePath, gif);
  return gif;
}

/**
 * Shows the frames inline in a notebook as an animated GIF (image/gif); outside one, writes a GIF file
 * and prints its path. Returns nothing.
 */
export function showAnimatedGif(
  frames: readonly GifFrameSource[],
  options: AnimatedGridGifOptions & { fallback?: OutputFileOptions } = {},
): void {
  const gif = animatedGridGif(frames, options);
  const width = gif.readUInt16LE(6);
  const height = gif.readUInt16LE(8);
  const description = `<animated GIF: ${frames.length} frames, ${width}x${height} px, ${gif.length} bytes>`;
  if (!publishDisplay({ 'image/gif': gif, 'text/plain': description })) {
    const filePath = writeOutputFile('animation', 'gif', gif, options.fallback);
    console.log(`Animated GIF written to ${filePath}`);
  }
}
