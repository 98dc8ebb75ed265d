import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deflateSync, inflateSync } from 'node:zlib';
import { crc32, decodePng as decodeLibraryPng, encodePng, PNG_SIGNATURE } from '../../lib/visualisation/png';

interface DecodedPng {
  width: number;
  height: number;
  bitDepth: number;
  colourType: number;
  interlace: number;
  chunkTypes: string[];
  pixels: Uint8Array;
}

const CHANNELS_BY_COLOUR_TYPE: Record<number, number> = { 0: 1, 2: 3, 4: 2, 6: 4 };

function paeth(a: number, b: number, c: number): number {
  const p = a + b - c;
  const pa = Math.abs(p - a);
  const pb = Math.abs(p - b);
  const pc = Math.abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

/** A small independent PNG decoder (8-bit, non-interlaced) that checks every chunk's CRC. */
function decodePng(png: Buffer): DecodedPng {
  assert.deepEqual(png.subarray(0, 8), PNG_SIGNATURE, 'signature');
  let offset = 8;
  const chunkTypes: string[] = [];
  const idat: Buffer[] = [];
  let header: Buffer | undefined;
  while (offset < png.length) {
    const length = png.readUInt32BE(offset);
    const type = png.toString('latin1', offset + 4, offset + 8);
    const data = png.subarray(offset + 8, offset + 8 + length);
    const storedCrc = png.readUInt32BE(offset + 8 + length);
    assert.equal(storedCrc, crc32(png.subarray(offset + 4, offset + 8 + length)), `CRC of ${type}`);
    chunkTypes.push(type);
    if (type === 'IHDR') header = data;
    if (type === 'IDAT') idat.push(data);
    offset += 12 + length;
  }
  assert.equal(offset, png.length, 'no trailing bytes');
  assert.ok(header, 'IHDR present');
  const width = header.readUInt32BE(0);
  const height = header.readUInt32BE(4);
  const bitDepth = header[8];
  const colourType = header[9];
  const channels = CHANNELS_BY_COLOUR_TYPE[colourType];
  const raw = inflateSync(Buffer.concat(idat));
  const rowBytes = width * channels;
  assert.equal(raw.length, (rowBytes + 1) * height, 'scanline bytes');
  const pixels = new Uint8Array(rowBytes * height);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (rowBytes + 1)];
    for (let x = 0; x < rowBytes; x++) {
      const value = raw[y * (rowBytes + 1) + 1 + x];
      const left = x >= channels ? pixels[y * rowBytes + x - channels] : 0;
      const up = y > 0 ? pixels[(y - 1) * rowBytes + x] : 0;
      const upLeft = y > 0 && x >= channels ? pixels[(y - 1) * rowBytes + x - channels] : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      assert.notEqual(predictor, undefined, `filter type ${filter}`);
      pixels[y * rowBytes + x] = (value + predictor) & 0xff;
    }
  }
  return { width, height, bitDepth, colourType, interlace: header[12], chunkTypes, pixels };
}

describe('crc32', () => {
  it('matches the standard check value', () => {
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    assert.equal(crc32(new Uint8Array(0)), 0);
  });

  it('matches the CRC of a known PNG chunk (IEND)', () => {
    assert.equal(crc32(Buffer.from('IEND')), 0xae426082);
  });

  it('can continue from a previous value', () => {
    const whole = crc32(Buffer.from('hello world'));
    assert.equal(crc32(Buffer.from(' world'), crc32(Buffer.from('hello'))), whole);
  });
});

describe('encodePng', () => {
  it('writes IHDR, IDAT, IEND and greyscale pixels that decode back', () => {
    const pixels = Uint8Array.from({ length: 5 * 3 }, (_, i) => i * 17);
    const decoded = decodePng(encodePng({ width: 5, height: 3, channels: 1, pixels }));
    assert.deepEqual(decoded.chunkTypes, ['IHDR', 'IDAT', 'IEND']);
    assert.equal(decoded.width, 5);
    assert.equal(decoded.height, 3);
    assert.equal(decoded.bitDepth, 8);
    assert.equal(decoded.colourType, 0);
    assert.equal(decoded.interlace, 0);
    assert.deepEqual(decoded.pixels, pixels);
  });

  it('encodes RGB and RGBA', () => {
    const rgb = Uint8Array.from([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
    const decodedRgb = decodePng(encodePng({ width: 2, height: 2, channels: 3, pixels: rgb }));
    assert.equal(decodedRgb.colourType, 2);
    assert.deepEqual(decodedRgb.pixels, rgb);
    const rgba = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
    const decodedRgba = decodePng(encodePng({ width: 1, height: 2, channels: 4, pixels: rgba }));
    assert.equal(decodedRgba.colourType, 6);
    assert.deepEqual(decodedRgba.pixels, rgba);
  });

  it('handles a larger random image at every compression level', () => {
    const pixels = Uint8Array.from({ length: 97 * 61 * 3 }, () => Math.floor(Math.random() * 256));
    for (const level of [0, 1, 9]) {
      const decoded = decodePng(
        encodePng({ width: 97, height: 61, channels: 3, pixels }, { compressionLevel: level }),
      );
      assert.deepEqual(decoded.pixels, pixels);
    }
  });

  it('rejects sizes that do not match the pixel count', () => {
    assert.throws(
      () => encodePng({ width: 2, height: 2, channels: 1, pixels: new Uint8Array(3) }),
      RangeError,
    );
    assert.throws(
      () => encodePng({ width: 0, height: 2, channels: 1, pixels: new Uint8Array(0) }),
      RangeError,
    );
    assert.throws(
      () => encodePng({ width: 1, height: 1, channels: 2 as 1, pixels: new Uint8Array(2) }),
      /channels must be 1, 3 or 4/,
    );
  });
});

/** Builds a PNG whose rows use the given filter types (encodePng itself only writes filter 0). */
function pngWithFilters(
  width: number,
  height: number,
  channels: 1 | 3 | 4,
  pixels: Uint8Array,
  filters: number[],
) {
  const rowBytes = width * channels;
  const raw = Buffer.alloc((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    const filter = filters[y % filters.length];
    raw[y * (rowBytes + 1)] = filter;
    for (let x = 0; x < rowBytes; x++) {
      const left = x >= channels ? pixels[y * rowBytes + x - channels] : 0;
      const up = y > 0 ? pixels[(y - 1) * rowBytes + x] : 0;
      const upLeft = y > 0 && x >= channels ? pixels[(y - 1) * rowBytes + x - channels] : 0;
      const predictor = [0, left, up, (left + up) >> 1, paeth(left, up, upLeft)][filter];
      raw[y * (rowBytes + 1) + 1 + x] = (pixels[y * rowBytes + x] - predictor) & 0xff;
    }
  }
  // Reuse encodePng's header and chunks, then swap in the filtered IDAT.
  const plain = encodePng({ width, height, channels, pixels });
  const ihdr = plain.subarray(8, 8 + 25);
  const idatData = deflateSync(raw);
  const idat = Buffer.alloc(12 + idatData.length);
  idat.writeUInt32BE(idatData.length, 0);
  idat.write('IDAT', 4, 'latin1');
  idatData.copy(idat, 8);
  idat.writeUInt32BE(crc32(idat.subarray(4, 8 + idatData.length)), 8 + idatData.length);
  return Buffer.concat([PNG_SIGNATURE, ihdr, idat, plain.subarray(plain.length - 12)]);
}

describe('decodePng (library)', () => {
  it('round-trips what encodePng writes (grey, RGB, RGBA)', () => {
    for (const channels of [1, 3, 4] as const) {
      const pixels = Uint8Array.from({ length: 7 * 5 * channels }, (_, i) => (i * 37) % 256);
      const decoded = decodeLibraryPng(encodePng({ width: 7, height: 5, channels, pixels }));
      assert.deepEqual(decoded, { width: 7, height: 5, channels, pixels });
    }
  });

  it('undoes every row filter (None, Sub, Up, Average, Paeth)', () => {
    const pixels = Uint8Array.from({ length: 9 * 10 * 3 }, () => Math.floor(Math.random() * 256));
    const png = pngWithFilters(9, 10, 3, pixels, [0, 1, 2, 3, 4]);
    assert.deepEqual(decodePng(png).pixels, pixels, 'the test decoder agrees with the hand-made file');
    assert.deepEqual(decodeLibraryPng(png).pixels, pixels);
  });

  it('rejects corrupt files and kinds it does not read', () => {
    const png = encodePng({ width: 2, height: 2, channels: 1, pixels: new Uint8Array(4) });
    assert.throws(() => decodeLibraryPng(Buffer.from('not a png')), /not a PNG/);
    const corrupt = Buffer.from(png);
    corrupt[20] ^= 0xff;
    assert.throws(() => decodeLibraryPng(corrupt), /CRC mismatch in chunk IHDR/);
    const sixteenBit = Buffer.from(png);
    sixteenBit[24] = 16;
    sixteenBit.writeUInt32BE(crc32(sixteenBit.subarray(12, 29)), 29);
    assert.throws(() => decodeLibraryPng(sixteenBit), /8-bit, non-interlaced/);
  });
});
