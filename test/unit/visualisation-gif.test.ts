import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  animatedGridGif,
  encodeAnimatedGif,
  GIF89A_HEADER,
  lzwEncode,
  saveAnimatedGif,
  showAnimatedGif,
} from '../../lib/visualisation/gif';
import { renderImageGrid } from '../../lib/visualisation/image-grid';
import { type DisplayDataMessage, setDisplayWriter } from '../../lib/visualisation/notebook-display';
import { encodePng, type RawImage } from '../../lib/visualisation/png';

/** GIF's LZW decoder, written from the specification (independently of the encoder). */
function lzwDecode(data: Uint8Array, minCodeSize: number): number[] {
  const clearCode = 1 << minCodeSize;
  const endCode = clearCode + 1;
  let codeSize = minCodeSize + 1;
  let table: number[][] = [];
  const reset = () => {
    table = Array.from({ length: endCode + 1 }, (_, i) => [i]);
    codeSize = minCodeSize + 1;
  };
  reset();
  const out: number[] = [];
  let previous: number[] | undefined;
  let bitPosition = 0;
  let sawEnd = false;
  while (bitPosition + codeSize <= data.length * 8) {
    let code = 0;
    for (let b = 0; b < codeSize; b++, bitPosition++) {
      code |= ((data[bitPosition >> 3] >> (bitPosition & 7)) & 1) << b;
    }
    if (code === clearCode) {
      reset();
      previous = undefined;
      continue;
    }
    if (code === endCode) {
      sawEnd = true;
      break;
    }
    let entry: number[];
    if (code < table.length) entry = table[code];
    else if (code === table.length && previous) entry = [...previous, previous[0]];
    else throw new Error(`LZW code ${code} is not in the table (size ${table.length})`);
    out.push(...entry);
    if (previous && table.length < 4096) table.push([...previous, entry[0]]);
    if (table.length === 1 << codeSize && codeSize < 12) codeSize++;
    previous = entry;
  }
  assert.ok(sawEnd, 'the code stream ends with the end-of-information code');
  return out;
}

interface ParsedGif {
  width: number;
  height: number;
  palette: Uint8Array;
  loopCount: number | undefined;
  frames: { delay: number; width: number; height: number; indices: number[] }[];
}

/** A minimal GIF89a parser: header, logical screen, global palette, extensions, image blocks, trailer. */
function parseGif(gif: Buffer): ParsedGif {
  assert.deepEqual(gif.subarray(0, 6), GIF89A_HEADER, 'header');
  const width = gif.readUInt16LE(6);
  const height = gif.readUInt16LE(8);
  const packed = gif[10];
  assert.ok(packed & 0x80, 'global colour table present');
  const paletteSize = 2 << (packed & 7);
  let offset = 13;
  const palette = gif.subarray(offset, offset + 3 * paletteSize);
  offset += 3 * paletteSize;
  const readSubBlocks = (): Uint8Array => {
    const chunks: Buffer[] = [];
    for (;;) {
      const size = gif[offset++];
      if (size === 0) break;
      chunks.push(gif.subarray(offset, offset + size));
      offset += size;
    }
    return Buffer.concat(chunks);
  };
  let loopCount: number | undefined;
  let delay = 0;
  const frames: ParsedGif['frames'] = [];
  for (;;) {
    assert.ok(offset < gif.length, 'the file ends with the trailer');
    const introducer = gif[offset++];
    if (introducer === 0x3b) break;
    if (introducer === 0x21) {
      const label = gif[offset++];
      const body = readSubBlocks();
      if (label === 0xf9) delay = Buffer.from(body).readUInt16LE(1);
      if (label === 0xff && Buffer.from(body.subarray(0, 11)).toString('latin1') === 'NETSCAPE2.0') {
        assert.equal(body[11], 1, 'loop sub-block id');
        loopCount = Buffer.from(body).readUInt16LE(12);
      }
      continue;
    }
    assert.equal(introducer, 0x2c, `image separator at byte ${offset - 1}`);
    const frameWidth = gif.readUInt16LE(offset + 4);
    const frameHeight = gif.readUInt16LE(offset + 6);
    assert.equal(gif[offset + 8] & 0x80, 0, 'no local colour table');
    offset += 9;
    const minCodeSize = gif[offset++];
    const indices = lzwDecode(readSubBlocks(), minCodeSize);
    frames.push({ delay, width: frameWidth, height: frameHeight, indices });
  }
  assert.equal(offset, gif.length, 'nothing after the trailer');
  return { width, height, palette, loopCount, frames };
}

function greyFrame(width: number, height: number, value: (i: number) => number): RawImage {
  return {
    width,
    height,
    channels: 1,
    pixels: Uint8Array.from({ length: width * height }, (_, i) => value(i)),
  };
}

describe('lzwEncode', () => {
  it('round-trips short, repetitive and random index streams', () => {
    const cases = [
      [],
      [7],
      [1, 1, 1, 1, 1, 1, 1, 1, 1, 1],
      Array.from({ length: 1000 }, (_, i) => i % 3),
      Array.from({ length: 300 }, (_, i) => i % 256),
    ];
    for (const indices of cases) {
      assert.deepEqual(lzwDecode(lzwEncode(Uint8Array.from(indices)), 8), indices);
    }
  });

  it('round-trips long random data across code-size growth and table resets', () => {
    let state = 12345;
    const random = () => {
      state = (state * 1103515245 + 12345) >>> 0;
      return state >>> 24;
    };
    const noisy = Uint8Array.from({ length: 60_000 }, () => random());
    assert.deepEqual(lzwDecode(lzwEncode(noisy), 8), Array.from(noisy));
    const fewLevels = Uint8Array.from({ length: 60_000 }, () => random() & 3);
    const compressed = lzwEncode(fewLevels);
    assert.ok(
      compressed.length < fewLevels.length / 2,
      `4-level data compresses (${compressed.length} bytes)`,
    );
    assert.deepEqual(lzwDecode(compressed, 8), Array.from(fewLevels));
  });
});

describe('encodeAnimatedGif', () => {
  it('writes a looping GIF89a whose frames decode to the greyscale pixels', () => {
    const frames = [0, 1, 2].map((k) => greyFrame(31, 17, (i) => (i * (k + 3)) % 256));
    const gif = encodeAnimatedGif(frames, { delayMs: 250, finalDelayMs: 2000 });
    const parsed = parseGif(gif);
    assert.equal(parsed.width, 31);
    assert.equal(parsed.height, 17);
    assert.equal(parsed.loopCount, 0, 'loops forever');
    assert.equal(parsed.frames.length, 3);
    assert.deepEqual(
      parsed.frames.map((f) => f.delay),
      [25, 25, 200],
    );
    parsed.frames.forEach((frame, k) => {
      assert.equal(frame.width, 31);
      assert.equal(frame.height, 17);
      const grey = frame.indices.map((index) => parsed.palette[3 * index]);
      assert.deepEqual(grey, Array.from(frames[k].pixels), `frame ${k} pixels`);
    });
  });

  it('leaves out the loop extension when asked to play once', () => {
    const parsed = parseGif(encodeAnimatedGif([greyFrame(2, 2, () => 9)], { loop: false }));
    assert.equal(parsed.loopCount, undefined);
    assert.equal(parsed.frames.length, 1);
  });

  it('maps RGB frames to the nearest palette colour', () => {
    const pixels = Uint8Array.from([
      255, 0, 0, 0, 255, 0, 0, 0, 255, 128, 128, 128, 250, 250, 250, 40, 90, 200,
    ]);
    const parsed = parseGif(encodeAnimatedGif([{ width: 3, height: 2, channels: 3, pixels }]));
    const colours = parsed.frames[0].indices.map((i) =>
      Array.from(parsed.palette.subarray(3 * i, 3 * i + 3)),
    );
    assert.deepEqual(colours.slice(0, 3), [
      [255, 0, 0],
      [0, 255, 0],
      [0, 0, 255],
    ]);
    for (let p = 0; p < 6; p++) {
      for (let c = 0; c < 3; c++) {
        assert.ok(
          Math.abs(colours[p][c] - pixels[3 * p + c]) <= 26,
          `pixel ${p} channel ${c}: ${colours[p]}`,
        );
      }
    }
  });

  it('rejects no frames, frames of different sizes and bad delays with a clear message', () => {
    assert.throws(() => encodeAnimatedGif([]), /at least one frame/);
    assert.throws(
      () => encodeAnimatedGif([greyFrame(2, 2, () => 0), greyFrame(3, 2, () => 0)]),
      /frame 1 is 3x2x1 but frame 0 is 2x2x1: render every frame with the same grid options/,
    );
    assert.throws(() => encodeAnimatedGif([greyFrame(2, 2, () => 0)], { delayMs: -1 }), /delayMs/);
  });
});

describe('animatedGridGif / saveAnimatedGif / showAnimatedGif', () => {
  it('lays out tensors, pixel batches and PNG bytes as the same grid frames', () => {
    const images = tf.tidy(() => tf.linspace(0, 1, 4 * 5 * 5).reshape([4, 5, 5, 1]));
    const options = { columns: 2, padding: 1, scale: 2 } as const;
    const grid = renderImageGrid(images, options);
    const png = encodePng(grid);
    const pixelBatch = { shape: images.shape, data: images.dataSync() };
    const parsed = parseGif(animatedGridGif([images, pixelBatch, png, grid], options));
    images.dispose();
    assert.equal(parsed.width, grid.width);
    assert.equal(parsed.height, grid.height);
    assert.equal(parsed.frames.length, 4);
    for (const frame of parsed.frames) assert.deepEqual(frame.indices, Array.from(grid.pixels));
  });

  it('saves the file and shows it as image/gif in a notebook', () => {
    const directory = mkdtempSync(join(tmpdir(), 'gif-test-'));
    try {
      const frames = [greyFrame(4, 4, () => 0), greyFrame(4, 4, () => 255)];
      const path = join(directory, 'progress.gif');
      const bytes = saveAnimatedGif(frames, path, { delayMs: 100 });
      assert.deepEqual(readFileSync(path), bytes);
      const messages: DisplayDataMessage[] = [];
      setDisplayWriter((message) => messages.push(message));
      try {
        showAnimatedGif(frames, { delayMs: 100 });
      } finally {
        setDisplayWriter(undefined);
      }
      assert.equal(messages.length, 1, 'one display message');
      assert.equal(messages[0].data['image/gif'], bytes.toString('base64'));
      assert.match(String(messages[0].data['text/plain']), /animated GIF: 2 frames, 4x4 px/);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });

  it('writes a GIF file outside a notebook', () => {
    const directory = mkdtempSync(join(tmpdir(), 'gif-fallback-'));
    const logged: string[] = [];
    const originalLog = console.log;
    setDisplayWriter(null);
    console.log = (line: string) => logged.push(line);
    try {
      showAnimatedGif([greyFrame(3, 3, (i) => i * 20)], { fallback: { directory } });
    } finally {
      console.log = originalLog;
      setDisplayWriter(undefined);
    }
    try {
      assert.equal(logged.length, 1);
      const path = logged[0].replace('Animated GIF written to ', '');
      assert.ok(path.startsWith(directory) && path.endsWith('.gif'), path);
      assert.equal(parseGif(readFileSync(path)).frames.length, 1);
    } finally {
      rmSync(directory, { recursive: true, force: true });
    }
  });
});
