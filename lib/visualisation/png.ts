/**
 * A minimal PNG encoder (8-bit greyscale, RGB or RGBA, no interlacing) built on node's zlib.
 *
 * PNG layout: an 8-byte signature, then chunks `length | type | data | CRC32(type + data)`:
 * IHDR (size and pixel format), IDAT (the zlib-compressed scanlines, each prefixed with a filter
 * byte) and IEND.
 */
import { deflateSync, inflateSync } from 'node:zlib';

/** Number of 8-bit channels per pixel: 1 = greyscale, 3 = RGB, 4 = RGBA. */
export type PngChannels = 1 | 3 | 4;

/** Raw 8-bit pixels, row-major, channels interleaved (`pixels.length === width * height * channels`). */
export interface RawImage {
  width: number;
  height: number;
  channels: PngChannels;
  pixels: Uint8Array;
}

/** Options for {@link encodePng}. */
export interface PngEncodeOptions {
  /** zlib compression level, 0 (none) to 9 (smallest). Default 6. */
  compressionLevel?: number;
}

/** The 8 bytes every PNG file starts with. */
export const PNG_SIGNATURE: Buffer = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const COLOUR_TYPE_BY_CHANNELS: Record<PngChannels, number> = { 1: 0, 3: 2, 4: 6 };

let crcTable: Uint32Array | undefined;

function getCrcTable(): Uint32Array {
  if (crcTable) return crcTable;
  crcTable = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    crcTable[n] = c >>> 0;
  }
  return crcTable;
}

/** CRC-32 (the ISO-HDLC / zlib / PNG polynomial 0xEDB88320) of `bytes`, as an unsigned 32-bit integer. */
export function crc32(bytes: Uint8Array, previous = 0): number {
  const table = getCrcTable();
  let c = (previous ^ 0xffffffff) >>> 0;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type: string, data: Uint8Array): Buffer {
  const chunk = Buffer.alloc(12 + data.length);
  chunk.writeUInt32BE(data.length, 0);
  chunk.write(type, 4, 'latin1');
  chunk.set(data, 8);
  chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + data.length)), 8 + data.length);
  return chunk;
}

/** Encodes raw 8-bit pixels as a PNG file. Throws if the dimensions and the pixel count disagree. */
export function encodePng(image: RawImage, options: PngEncodeOptions = {}): Buffer {
  const { width, height, channels, pixels } = image;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`PNG size must be positive integers, got ${width}x${height}`);
  }
  if (!(channels in COLOUR_TYPE_BY_CHANNELS)) {
    throw new RangeError(`PNG channels must be 1, 3 or 4, got ${channels}`);
  }
  const rowBytes = width * channels;
  if (pixels.length !== rowBytes * height) {
    throw new RangeError(
      `expected ${rowBytes * height} bytes for ${width}x${height}x${channels}, got ${pixels.length}`,
    );
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = COLOUR_TYPE_BY_CHANNELS[channels];
  header[10] = 0; // compression: deflate
  header[11] = 0; // filter method: adaptive (each row says its filter; we always use 0 = None)
  header[12] = 0; // no interlacing

  const scanlines = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    const start = y * (rowBytes + 1);
    scanlines[start] = 0; // filter type None
    scanlines.set(pixels.subarray(y * rowBytes, (y + 1) * rowBytes), start + 1);
  }
  const compressed = deflateSync(scanlines, { level: options.compressionLevel ?? 6 });

  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', header),
    pngChunk('IDAT', compressed),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

const CHANNELS_BY_COLOUR_TYPE: Record<number, PngChannels> = { 0: 1, 2: 3, 6: 4 };

function paethPredictor(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/**
 * Decodes a PNG file of the kinds {@link encodePng} writes (8-bit greyscale, RGB or RGBA, not
 * interlaced; any of the five row filters), e.g. a sample grid saved during training. Checks every
 * chunk's CRC; throws a clear error for other PNG kinds.
 */
export function decodePng(png: Uint8Array): RawImage {
  const bytes = Buffer.from(png.buffer, png.byteOffset, png.byteLength);
  if (bytes.length < 8 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE))
    throw new Error('decodePng: not a PNG file (the 8-byte signature is missing)');
  let offset = 8;
  let header: Buffer | undefined;
  const idat: Buffer[] = [];
  while (offset + 12 <= bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    if (offset + 12 + length > bytes.length) throw new Error(`decodePng: chunk ${type} is truncated`);
    const crc = bytes.readUInt32BE(offset + 8 + length);
    if (crc !== crc32(bytes.subarray(offset + 4, offset + 8 + length)))
      throw new Error(`decodePng: CRC mismatch in chunk ${type} (the file is corrupt)`);
    const data = bytes.subarray(offset + 8, offset + 8 + length);
    if (type === 'IHDR') header = data;
    else if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
    if (type === 'IEND') break;
  }
  if (!header) throw new Error('decodePng: no IHDR chunk');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const channels = CHANNELS_BY_COLOUR_TYPE[header[9]];
  if (header[8] !== 8 || channels === undefined || header[12] !== 0)
    throw new Error(
      `decodePng reads 8-bit, non-interlaced greyscale/RGB/RGBA PNGs (what encodePng writes); this one has ` +
        `bit depth ${header[8]}, colour type ${header[9]}, interlace ${header[12]}`,
    );
  const raw = inflateSync(Buffer.concat(idat));
  const rowBytes = width * channels;
  if (raw.length !== (rowBytes + 1) * height)
    throw new Error(`decodePng: expected ${(rowBytes + 1) * height} bytes of scanlines, got ${raw.length}`);
  const pixels = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (rowBytes + 1)];
    const row = y * rowBytes;
    for (let x = 0; x < rowBytes; x++) {
      const value = raw[y * (rowBytes + 1) + 1 + x];
      const left = x >= channels ? pixels[row + x - channels] : 0;
      const up = y > 0 ? pixels[row - rowBytes + x] : 0;
      const upLeft = y > 0 && x >= channels ? pixels[row - rowBytes + x - channels] : 0;
      let predictor: number;
      if (filter === 0) predictor = 0;
      else if (filter === 1) predictor = left;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = (left + up) >> 1;
      else if (filter === 4) predictor = paethPredictor(left, up, upLeft);
      else throw new Error(`decodePng: unknown row filter ${filter} in row ${y}`);
      pixels[row + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, channels, pixels };
}
