/**
 * Reading and writing the IDX format, in which MNIST and Fashion-MNIST are distributed.
 *
 * An IDX file is a tiny header followed by raw numbers:
 *   bytes 0-1  always 0x00 0x00
 *   byte  2    the type of the numbers (0x08 = unsigned byte; the only type these datasets use)
 *   byte  3    the number of dimensions d
 *   then d big-endian 32-bit sizes, then the values in row-major order.
 * The files are usually gzipped; gzip is recognised by its magic bytes 0x1f 0x8b, not by the name.
 */

import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gunzip, gunzipSync, gzipSync, constants as zlibConstants } from 'node:zlib';

const gunzipAsync = promisify(gunzip);

/** The IDX type code of unsigned bytes, the only element type this reader returns. */
export const IDX_UBYTE = 0x08;

const TYPE_NAMES: Readonly<Record<number, string>> = {
  8: 'unsigned byte',
  9: 'signed byte',
  11: '16-bit integer',
  12: '32-bit integer',
  13: '32-bit float',
  14: '64-bit float',
};

/** An n-dimensional array of unsigned bytes as stored in an IDX file. */
export interface IdxArray {
  /** Size of each dimension, outermost first, e.g. [10000, 28, 28] for 10,000 images of 28×28. */
  dims: number[];
  /** The values in row-major order; its length is the product of `dims`. */
  data: Uint8Array;
}

/** What was wrong with a file, for code that wants to react to one kind of problem. */
export type IdxProblem = 'read' | 'gzip' | 'magic' | 'type' | 'dims' | 'truncated' | 'trailing' | 'shape';

/** Default advice appended to IDX errors when the caller gives none. */
export const DEFAULT_IDX_HINT =
  'The file is damaged or is not an IDX file: delete it and get a fresh copy of the dataset.';

/** Error thrown for an unreadable or malformed IDX file; the message names the file, the problem and a fix. */
export class IdxError extends Error {
  /** The file (or source label) that was being read. */
  readonly file: string;
  /** Which check failed. */
  readonly problem: IdxProblem;

  constructor(file: string, problem: IdxProblem, detail: string, hint: string = DEFAULT_IDX_HINT) {
    super(`${file}: ${detail}. ${hint}`);
    this.name = 'IdxError';
    this.file = file;
    this.problem = problem;
  }
}

/** Options for {@link parseIdx} and {@link readIdx}. */
export interface ParseIdxOptions {
  /** Name of the file in error messages (readIdx uses the path). Default '<buffer>'. */
  source?: string;
  /** Advice appended to every error message, e.g. "Delete it and run `npm run fetch-data -- mnist`.". */
  hint?: string;
  /** Expected dims; `null` entries accept any size, e.g. [null, 28, 28] for a stack of 28×28 images. */
  expectedDims?: ReadonlyArray<number | null>;
}

/** True when the bytes start with the gzip magic number 0x1f 0x8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(' ');
}

function looksLikeText(bytes: Uint8Array): boolean {
  const head = bytes.subarray(0, 64);
  if (head.length === 0) return false;
  return head.every((b) => b === 0x09 || b === 0x0a || b === 0x0d || (b >= 0x20 && b < 0x7f));
}

function gunzipError(source: string, hint: string, err: unknown): IdxError {
  const reason = err instanceof Error ? err.message : String(err);
  return new IdxError(source, 'gzip', `is a corrupt or truncated gzip file (zlib: ${reason})`, hint);
}

function formatDims(dims: ReadonlyArray<number | null>): string {
  return `[${dims.map((d) => (d === null ? 'any' : String(d))).join(', ')}]`;
}

/** Parses uncompressed IDX bytes. */
function decodeRaw(bytes: Uint8Array, source: string, hint: string, options: ParseIdxOptions): IdxArray {
  if (bytes.length < 4) {
    throw new IdxError(
      source,
      'magic',
      `is only ${bytes.length} bytes long, too short to be an IDX file`,
      hint,
    );
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    const what = looksLikeText(bytes)
      ? ' (it looks like text, perhaps an error page saved by a failed download)'
      : '';
    throw new IdxError(
      source,
      'magic',
      `is not an IDX file: it should start with bytes 00 00 but starts with ${hex(bytes.subarray(0, 4))}${what}`,
      hint,
    );
  }
  const type = bytes[2];
  if (type !== IDX_UBYTE) {
    const name = TYPE_NAMES[type];
    const detail = name
      ? `holds ${name} values (IDX type 0x${type.toString(16).padStart(2, '0')}); only unsigned bytes (0x08) are supported`
      : `has an unknown IDX type code 0x${type.toString(16).padStart(2, '0')} (expected 0x08, unsigned byte)`;
    throw new IdxError(source, 'type', detail, hint);
  }
  const ndims = bytes[3];
  if (ndims === 0) {
    throw new IdxError(source, 'dims', 'declares 0 dimensions (an IDX file needs at least one)', hint);
  }
  const headerLength = 4 + 4 * ndims;
  if (bytes.length < headerLength) {
    throw new IdxError(
      source,
      'truncated',
      `is truncated inside its header: ${ndims} dimensions need ${headerLength} header bytes, the file has ${bytes.length}`,
      hint,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims: number[] = [];
  let expectedLength = 1;
  for (let i = 0; i < ndims; i++) {
    const size = view.getUint32(4 + 4 * i, false);
    dims.push(size);
    expectedLength *= size;
  }
  const expected = options.expectedDims;
  if (expected) {
    const matches =
      expected.length === dims.length && expected.every((size, i) => size === null || size === dims[i]);
    if (!matches) {
      throw new IdxError(
        source,
        'dims',
        `has dimensions ${formatDims(dims)} but ${formatDims(expected)} were expected`,
        hint,
      );
    }
  }
  const payload = bytes.length - headerLength;
  if (payload < expectedLength) {
    throw new IdxError(
      source,
      'truncated',
      `is truncated: its header declares dimensions ${formatDims(dims)}, i.e. ${expectedLength} bytes of data, but only ${payload} follow`,
      hint,
    );
  }
  if (payload > expectedLength) {
    throw new IdxError(
      source,
      'trailing',
      `has ${payload - expectedLength} unexpected bytes after the ${expectedLength} bytes of data its header (dimensions ${formatDims(dims)}) declares`,
      hint,
    );
  }
  // Copy into a plain Uint8Array (not a Buffer view), so no larger buffer is kept alive.
  return { dims, data: new Uint8Array(bytes.subarray(headerLength)) };
}

/**
 * Parses IDX bytes, gzipped or not, and validates them (magic, type, dims, exact payload length).
 * @throws IdxError naming `options.source` and the problem.
 */
export function parseIdx(bytes: Uint8Array, options: ParseIdxOptions = {}): IdxArray {
  const source = options.source ?? '<buffer>';
  const hint = options.hint ?? DEFAULT_IDX_HINT;
  let raw = bytes;
  if (isGzip(bytes)) {
    try {
      raw = gunzipSync(bytes);
    } catch (err) {
      throw gunzipError(source, hint, err);
    }
  }
  return decodeRaw(raw, source, hint, options);
}

/**
 * Reads and validates an IDX file, gzipped or not (decompressed off the main thread).
 * @throws IdxError naming the file, the problem and what to do.
 */
export async function readIdx(path: string, options: ParseIdxOptions = {}): Promise<IdxArray> {
  const source = options.source ?? path;
  const hint = options.hint ?? DEFAULT_IDX_HINT;
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const detail = code === 'ENOENT' ? 'does not exist' : `cannot be read (${code ?? String(err)})`;
    throw new IdxError(source, 'read', detail, hint);
  }
  if (isGzip(bytes)) {
    try {
      bytes = await gunzipAsync(bytes);
    } catch (err) {
      throw gunzipError(source, hint, err);
    }
  }
  return decodeRaw(bytes, source, hint, options);
}

/** Options for {@link encodeIdx} and {@link writeIdx}. */
export interface EncodeIdxOptions {
  /** Gzip the result (deterministically: no timestamp, fixed settings). Default true. */
  gzip?: boolean;
}

/**
 * Gzips bytes deterministically: zlib level 9 with fixed window and memory settings, header mtime 0
 * and OS byte fixed to 3 (Unix), so the same input gives the same bytes with the same zlib build.
 */
export function gzipDeterministic(bytes: Uint8Array): Uint8Array {
  const out = gzipSync(bytes, {
    level: 9,
    memLevel: 9,
    windowBits: 15,
    strategy: zlibConstants.Z_DEFAULT_STRATEGY,
  });
  // RFC 1952 header: bytes 4-7 MTIME, byte 9 OS. Node writes mtime 0 already; pin both anyway.
  out.fill(0, 4, 8);
  out[9] = 3;
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

/** Encodes an array of unsigned bytes as an IDX file (gzipped by default). */
export function encodeIdx(array: IdxArray, options: EncodeIdxOptions = {}): Uint8Array {
  const { dims, data } = array;
  if (dims.length < 1 || dims.length > 255) {
    throw new RangeError(`An IDX array needs 1 to 255 dimensions, got ${dims.length}.`);
  }
  let count = 1;
  for (const size of dims) {
    if (!Number.isInteger(size) || size < 0 || size > 0xffffffff) {
      throw new RangeError(`IDX dimension sizes must be integers in [0, 2^32), got ${formatDims(dims)}.`);
    }
    count *= size;
  }
  if (count !== data.length) {
    throw new RangeError(`IDX dims ${formatDims(dims)} need ${count} values but data has ${data.length}.`);
  }
  const headerLength = 4 + 4 * dims.length;
  const raw = new Uint8Array(headerLength + data.length);
  const view = new DataView(raw.buffer);
  raw[2] = IDX_UBYTE;
  raw[3] = dims.length;
  dims.forEach((size, i) => {
    view.setUint32(4 + 4 * i, size, false);
  });
  raw.set(data, headerLength);
  return options.gzip === false ? raw : gzipDeterministic(raw);
}

/**
 * Writes bytes atomically: to a temporary file in the same folder, flushed to disk, then renamed
 * over `path`. A crash or interruption leaves either the old file or the new one, never half a file.
 */
export async function writeFileAtomic(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = join(
    dirname(path),
    `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.partial`,
  );
  try {
    const handle = await open(tmp, 'wx');
    try {
      await handle.writeFile(bytes);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Encodes `array` as IDX (gzipped by default) and writes it atomically to `path`. */
export async function writeIdx(path: string, array: IdxArray, options: EncodeIdxOptions = {}): Promise<void> {
  await writeFileAtomic(path, encodeIdx(array, options));
}
