import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { gunzipSync, gzipSync } from 'node:zlib';
import {
  DEFAULT_IDX_HINT,
  encodeIdx,
  gzipDeterministic,
  IdxError,
  type IdxProblem,
  isGzip,
  parseIdx,
  readIdx,
  writeIdx,
} from '../../lib/data/idx';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'genlib-idx-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function sample(): { dims: number[]; data: Uint8Array } {
  const data = new Uint8Array(3 * 4 * 5);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37) % 256;
  return { dims: [3, 4, 5], data };
}

/** A valid uncompressed IDX file of `sample()`. */
function rawSample(): Uint8Array {
  return encodeIdx(sample(), { gzip: false });
}

async function expectIdxError(
  bytes: Uint8Array,
  fileName: string,
  problem: IdxProblem,
  detail: RegExp,
  options: { expectedDims?: Array<number | null> } = {},
): Promise<IdxError> {
  const path = join(dir, fileName);
  await writeFile(path, bytes);
  const hint = 'Delete it and run `npm run fetch-data -- mnist`.';
  let caught: unknown;
  try {
    await readIdx(path, { hint, ...options });
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof IdxError, `expected an IdxError, got ${caught}`);
  assert.equal(caught.problem, problem);
  assert.equal(caught.file, path);
  assert.ok(caught.message.startsWith(`${path}: `), caught.message);
  assert.match(caught.message, detail);
  assert.ok(caught.message.endsWith(hint), caught.message);
  // The synchronous parser reports the same problem.
  assert.throws(
    () => parseIdx(bytes, { source: fileName, ...options }),
    (err: unknown) => err instanceof IdxError && err.problem === problem && err.message.includes(fileName),
  );
  return caught;
}

describe('IDX round trip', () => {
  test('gzipped and plain encodings read back to the same array', async () => {
    for (const gzip of [true, false]) {
      const bytes = encodeIdx(sample(), { gzip });
      assert.equal(isGzip(bytes), gzip);
      assert.deepEqual(parseIdx(bytes), sample());
      const path = join(dir, `round-trip-${gzip}.idx`);
      await writeIdx(path, sample(), { gzip });
      assert.deepEqual(await readIdx(path), sample());
    }
  });

  test('the plain encoding has the standard header', () => {
    const raw = rawSample();
    assert.deepEqual(Array.from(raw.subarray(0, 16)), [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 4, 0, 0, 0, 5]);
    assert.equal(raw.length, 16 + 60);
  });

  test('gzip is detected by magic bytes, not by the file name', async () => {
    const plainNamedGz = join(dir, 'plain.gz');
    const gzNamedPlain = join(dir, 'compressed-idx3-ubyte');
    await writeFile(plainNamedGz, rawSample());
    await writeFile(gzNamedPlain, encodeIdx(sample()));
    assert.deepEqual(await readIdx(plainNamedGz), sample());
    assert.deepEqual(await readIdx(gzNamedPlain), sample());
  });

  test('gzip output is deterministic, without timestamp, and readable by zlib', () => {
    const a = encodeIdx(sample());
    const b = encodeIdx(sample());
    assert.deepEqual(a, b);
    assert.deepEqual(Array.from(a.subarray(4, 8)), [0, 0, 0, 0], 'mtime must be 0');
    assert.equal(a[9], 3, 'OS byte pinned to Unix');
    assert.deepEqual(new Uint8Array(gunzipSync(a)), rawSample());
    assert.deepEqual(gzipDeterministic(rawSample()), a);
  });

  test('a 1-D array (labels) round-trips', () => {
    const labels = { dims: [7], data: Uint8Array.from([0, 1, 2, 3, 4, 5, 9]) };
    assert.deepEqual(parseIdx(encodeIdx(labels)), labels);
  });

  test('writeIdx leaves no temporary file behind', async () => {
    const sub = await mkdtemp(join(dir, 'atomic-'));
    await writeIdx(join(sub, 'x.gz'), sample());
    assert.deepEqual(await readdir(sub), ['x.gz']);
  });

  test('encodeIdx rejects inconsistent arrays', () => {
    assert.throws(() => encodeIdx({ dims: [2, 2], data: new Uint8Array(3) }), RangeError);
    assert.throws(() => encodeIdx({ dims: [], data: new Uint8Array(0) }), RangeError);
    assert.throws(() => encodeIdx({ dims: [1.5], data: new Uint8Array(1) }), RangeError);
  });
});

describe('IDX validation errors name the file, the problem and what to do', () => {
  test('corrupt magic number', async () => {
    const bytes = rawSample();
    bytes[0] = 0x12;
    await expectIdxError(
      bytes,
      'bad-magic',
      'magic',
      /should start with bytes 00 00 but starts with 12 00 08 03/,
    );
  });

  test('an HTML error page saved instead of the file', async () => {
    const html = new TextEncoder().encode('<!DOCTYPE html><html><body>403 Forbidden</body></html>');
    await expectIdxError(html, 'error-page.gz', 'magic', /looks like text/);
  });

  test('a file too short to hold a header', async () => {
    await expectIdxError(Uint8Array.from([0, 0]), 'tiny', 'magic', /only 2 bytes long/);
  });

  test('unsupported element type', async () => {
    const bytes = rawSample();
    bytes[2] = 0x0d;
    await expectIdxError(bytes, 'floats', 'type', /32-bit float.*only unsigned bytes/);
  });

  test('unknown type code', async () => {
    const bytes = rawSample();
    bytes[2] = 0x42;
    await expectIdxError(bytes, 'unknown-type', 'type', /unknown IDX type code 0x42/);
  });

  test('zero dimensions', async () => {
    const bytes = rawSample();
    bytes[3] = 0;
    await expectIdxError(bytes, 'zero-dims', 'dims', /declares 0 dimensions/);
  });

  test('wrong dimensions for what the caller expects', async () => {
    const err = await expectIdxError(
      encodeIdx(sample()),
      'wrong-dims.gz',
      'dims',
      /has dimensions \[3, 4, 5\]/,
      {
        expectedDims: [null, 28, 28],
      },
    );
    assert.match(err.message, /\[any, 28, 28\] were expected/);
  });

  test('wrong number of dimensions', async () => {
    await expectIdxError(encodeIdx(sample()), 'not-labels.gz', 'dims', /\[3, 4, 5\] but \[any\]/, {
      expectedDims: [null],
    });
  });

  test('truncated payload', async () => {
    const bytes = rawSample().subarray(0, 16 + 50);
    await expectIdxError(
      bytes,
      'truncated',
      'truncated',
      /declares dimensions \[3, 4, 5\], i\.e\. 60 bytes of data, but only 50 follow/,
    );
  });

  test('truncated header', async () => {
    const bytes = rawSample().subarray(0, 10);
    await expectIdxError(bytes, 'truncated-header', 'truncated', /truncated inside its header/);
  });

  test('truncated payload inside a valid gzip file', async () => {
    const bytes = new Uint8Array(gzipSync(rawSample().subarray(0, 40)));
    await expectIdxError(bytes, 'short.gz', 'truncated', /but only 24 follow/);
  });

  test('trailing bytes', async () => {
    const bytes = new Uint8Array(rawSample().length + 3);
    bytes.set(rawSample());
    await expectIdxError(bytes, 'trailing', 'trailing', /has 3 unexpected bytes after the 60 bytes of data/);
  });

  test('corrupt gzip data', async () => {
    const bytes = encodeIdx({ dims: [4096], data: new Uint8Array(4096).map((_, i) => (i * 7919) % 251) });
    for (let i = 20; i < 40; i++) bytes[i] ^= 0xff;
    await expectIdxError(bytes, 'corrupt.gz', 'gzip', /corrupt or truncated gzip file/);
  });

  test('truncated gzip file', async () => {
    const bytes = encodeIdx(sample());
    await expectIdxError(
      bytes.subarray(0, bytes.length - 10),
      'cut.gz',
      'gzip',
      /corrupt or truncated gzip file/,
    );
  });

  test('a missing file', async () => {
    const path = join(dir, 'does-not-exist.gz');
    await assert.rejects(readIdx(path), (err: unknown) => {
      assert.ok(err instanceof IdxError);
      assert.equal(err.problem, 'read');
      assert.equal(err.message, `${path}: does not exist. ${DEFAULT_IDX_HINT}`);
      return true;
    });
  });

  test('without a hint, the default advice is given', () => {
    assert.throws(() => parseIdx(Uint8Array.from([1, 2, 3, 4, 5])), {
      message: /^<buffer>: is not an IDX file.*delete it and get a fresh copy/,
    });
  });
});
