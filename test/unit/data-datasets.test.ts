import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import {
  DatasetUnavailableError,
  DEFAULT_FASHION_SYSTEM_DIR,
  DIGIT_CLASS_NAMES,
  datasetStatus,
  FASHION_CLASS_NAMES,
  locateDataset,
} from '../../lib/data/catalog';
import {
  type ByteSplit,
  batchIndices,
  bytesToFloat32,
  forEachBatch,
  loadDataset,
  loadDatasetArrays,
  oneHot,
  takeBatch,
  toUnitRange,
  writeDatasetFiles,
} from '../../lib/data/datasets';
import { encodeIdx, IdxError } from '../../lib/data/idx';

const PIXELS = 28 * 28;
let tmp: string;

/** A small split whose image i is filled with the byte (i * 29) % 256 and labelled i % 10. */
function syntheticSplit(size: number, offset = 0): ByteSplit {
  const images = new Uint8Array(size * PIXELS);
  const labels = new Uint8Array(size);
  for (let i = 0; i < size; i++) {
    images.fill(((i + offset) * 29) % 256, i * PIXELS, (i + 1) * PIXELS);
    labels[i] = (i + offset) % 10;
  }
  return { images, labels, size };
}

before(async () => {
  await tf.setBackend('cpu');
  tmp = await mkdtemp(join(tmpdir(), 'genlib-datasets-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function freshDir(name: string): Promise<string> {
  const dir = join(tmp, name);
  await mkdir(dir, { recursive: true });
  return dir;
}

describe('loading the default dataset (mnist-10k) as tensors', () => {
  test('shapes, dtypes, class names, pixel range [0, 1]', async () => {
    const before = tf.memory().numTensors;
    const data = await loadDataset();
    try {
      assert.equal(data.name, 'mnist-10k');
      assert.equal(data.source.kind, 'committed');
      assert.deepEqual(data.classNames, DIGIT_CLASS_NAMES);
      assert.equal(data.numClasses, 10);
      assert.deepEqual(data.train.images.shape, [8000, 28, 28, 1]);
      assert.deepEqual(data.test.images.shape, [2000, 28, 28, 1]);
      assert.equal(data.train.images.dtype, 'float32');
      assert.deepEqual(data.train.labels.shape, [8000]);
      assert.equal(data.train.labels.dtype, 'int32');
      assert.equal(data.train.size, 8000);
      assert.equal(data.test.size, 2000);
      const [min, max] = tf.tidy(() => [
        data.train.images.min().dataSync()[0],
        data.train.images.max().dataSync()[0],
      ]);
      assert.equal(min, 0);
      assert.equal(max, 1);
      const mean = tf.tidy(() => data.train.images.mean().dataSync()[0]);
      assert.ok(mean > 0.1 && mean < 0.15, `MNIST mean pixel is about 0.13, got ${mean}`);
    } finally {
      data.dispose();
    }
    assert.equal(tf.memory().numTensors, before, 'dispose() frees every tensor');
  });

  test("range 'symmetric' gives [-1, 1] and matches the bytes", async () => {
    const arrays = await loadDatasetArrays({ limit: 50 });
    const data = await loadDataset({ range: 'symmetric', limit: 50 });
    try {
      const values = data.train.images.dataSync();
      assert.equal(Math.min(...values), -1);
      assert.equal(Math.max(...values), 1);
      for (let i = 0; i < values.length; i += 97) {
        assert.ok(Math.abs(values[i] - (arrays.train.images[i] / 127.5 - 1)) < 1e-6);
      }
      assert.deepEqual(Array.from(data.train.labels.dataSync()), Array.from(arrays.train.labels));
    } finally {
      data.dispose();
    }
  });

  test('limit keeps the first examples of each split', async () => {
    const full = await loadDatasetArrays();
    const small = await loadDatasetArrays({ limit: 100 });
    assert.equal(small.train.size, 100);
    assert.equal(small.test.size, 100);
    assert.deepEqual(small.train.labels, full.train.labels.subarray(0, 100));
    assert.deepEqual(small.test.images, full.test.images.subarray(0, 100 * PIXELS));
    const all = await loadDatasetArrays({ limit: 1_000_000 });
    assert.equal(all.train.size, 8000);
    // The stored order is shuffled, so a prefix already holds every class.
    assert.equal(new Set(small.train.labels).size, 10);
  });

  test('invalid options are rejected with a clear message', async () => {
    await assert.rejects(
      loadDataset({ name: 'cifar' as never }),
      /Unknown dataset 'cifar'.*mnist-10k, mnist, fashion-mnist/,
    );
    await assert.rejects(loadDataset({ range: '0-255' as never }), /Unknown pixel range/);
    await assert.rejects(loadDataset({ limit: 0 }), /limit must be a positive integer/);
  });
});

describe('conversions', () => {
  test('bytesToFloat32 maps 0 and 255 to the ends of each range', () => {
    assert.deepEqual(Array.from(bytesToFloat32(Uint8Array.from([0, 255]), 'unit')), [0, 1]);
    assert.deepEqual(Array.from(bytesToFloat32(Uint8Array.from([0, 255]), 'symmetric')), [-1, 1]);
    assert.ok(Math.abs(bytesToFloat32(Uint8Array.from([51]), 'unit')[0] - 0.2) < 1e-7);
  });

  test('oneHot gives float32 rows with a single 1 at the label', () => {
    const before = tf.memory().numTensors;
    const labels = tf.tensor1d([3, 0, 9], 'int32');
    const encoded = oneHot(labels);
    assert.equal(encoded.dtype, 'float32');
    assert.deepEqual(encoded.shape, [3, 10]);
    const rows = encoded.arraySync();
    assert.deepEqual(
      rows.map((row) => row.indexOf(1)),
      [3, 0, 9],
    );
    assert.deepEqual(
      rows.map((row) => row.reduce((a, b) => a + b, 0)),
      [1, 1, 1],
    );
    tf.dispose([labels, encoded]);
    assert.equal(tf.memory().numTensors, before);
  });

  test('toUnitRange maps [-1, 1] to [0, 1]', () => {
    const x = tf.tensor1d([-1, 0, 1, 1.5]);
    const y = toUnitRange(x, 'symmetric');
    assert.deepEqual(Array.from(y.dataSync()), [0, 0.5, 1, 1]);
    tf.dispose([x, y]);
  });
});

describe('seeded batching', () => {
  test('batchIndices covers every example once, deterministically', () => {
    const a = batchIndices(1000, { batchSize: 64, seed: 7 });
    const b = batchIndices(1000, { batchSize: 64, seed: 7 });
    assert.deepEqual(a, b);
    assert.equal(a.length, 16);
    assert.equal(a[15].length, 1000 - 15 * 64);
    const all = a.flatMap((batch) => Array.from(batch)).sort((x, y) => x - y);
    assert.deepEqual(
      all,
      Array.from({ length: 1000 }, (_, i) => i),
    );
  });

  test('the order differs by seed and by epoch', () => {
    const base = batchIndices(1000, { seed: 1, epoch: 0 });
    assert.notDeepEqual(base, batchIndices(1000, { seed: 2, epoch: 0 }));
    assert.notDeepEqual(base, batchIndices(1000, { seed: 1, epoch: 1 }));
    assert.deepEqual(batchIndices(1000, { seed: 1, epoch: 1 }), batchIndices(1000, { seed: 1, epoch: 1 }));
  });

  test('shuffle false keeps the order; dropRemainder drops the short batch', () => {
    const ordered = batchIndices(10, { batchSize: 4, shuffle: false });
    assert.deepEqual(
      ordered.map((batch) => Array.from(batch)),
      [
        [0, 1, 2, 3],
        [4, 5, 6, 7],
        [8, 9],
      ],
    );
    assert.equal(batchIndices(10, { batchSize: 4, dropRemainder: true }).length, 2);
    assert.throws(() => batchIndices(10, { batchSize: 0 }), RangeError);
  });

  test('forEachBatch yields the right examples and leaks no tensor', async () => {
    const data = await loadDataset({ limit: 300 });
    const arrays = await loadDatasetArrays({ limit: 300 });
    try {
      const before = tf.memory().numTensors;
      const seen: number[] = [];
      const indices = batchIndices(300, { batchSize: 32, seed: 3 });
      const count = await forEachBatch(data.train, { batchSize: 32, seed: 3 }, async (batch) => {
        assert.equal(batch.images.shape[0], batch.size);
        assert.deepEqual(batch.images.shape.slice(1), [28, 28, 1]);
        const expected = Array.from(indices[batch.index], (i) => arrays.train.labels[i]);
        assert.deepEqual(Array.from(await batch.labels.data()), expected);
        // Work inside the callback, as a training step would.
        tf.tidy(() => {
          batch.images.mul(2).sum().dataSync();
        });
        seen.push(batch.size);
      });
      assert.equal(count, 10);
      assert.equal(
        seen.reduce((a, b) => a + b, 0),
        300,
      );
      assert.equal(tf.memory().numTensors, before, 'no tensor leaked by batching');
    } finally {
      data.dispose();
    }
  });

  test('forEachBatch disposes the batch even when the callback throws', async () => {
    const data = await loadDataset({ limit: 50 });
    try {
      const before = tf.memory().numTensors;
      await assert.rejects(
        forEachBatch(data.train, { batchSize: 10 }, () => {
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(tf.memory().numTensors, before);
    } finally {
      data.dispose();
    }
  });

  test('takeBatch hands its tensors to the caller', async () => {
    const data = await loadDataset({ limit: 20 });
    const before = tf.memory().numTensors;
    const batch = takeBatch(data.train, [5, 2]);
    assert.equal(tf.memory().numTensors, before + 2);
    assert.deepEqual(Array.from(batch.labels.dataSync()), [
      data.train.labels.dataSync()[5],
      data.train.labels.dataSync()[2],
    ]);
    tf.dispose([batch.images, batch.labels]);
    assert.equal(tf.memory().numTensors, before);
    data.dispose();
  });
});

describe('datasets that are not committed', () => {
  test('missing full MNIST while offline: the error says exactly what to do', async () => {
    const dataDir = await freshDir('empty-mnist');
    await assert.rejects(loadDataset({ name: 'mnist', dataDir }), (err: unknown) => {
      assert.ok(err instanceof DatasetUnavailableError);
      assert.equal(err.dataset, 'mnist');
      assert.ok(err.message.includes(join(dataDir, 'full', 'mnist')), err.message);
      assert.match(err.message, /Connect to the internet and run `npm run fetch-data -- mnist`/);
      assert.match(err.message, /Offline, use the default dataset 'mnist-10k'/);
      return true;
    });
  });

  test('missing Fashion-MNIST: the error names both places and both remedies', async () => {
    const dataDir = await freshDir('empty-fashion');
    const fashionSystemDir = await freshDir('no-debian-copy');
    await assert.rejects(
      loadDataset({ name: 'fashion-mnist', dataDir, fashionSystemDir }),
      (err: unknown) => {
        assert.ok(err instanceof DatasetUnavailableError);
        assert.ok(err.message.includes(fashionSystemDir), err.message);
        assert.match(err.message, /sudo apt-get install dataset-fashion-mnist/);
        assert.match(err.message, /npm run fetch-data -- fashion-mnist/);
        return true;
      },
    );
  });

  test("Debian's Fashion-MNIST folder is used when present", async () => {
    const dataDir = await freshDir('no-download');
    const fashionSystemDir = await freshDir('debian-fashion');
    await writeDatasetFiles(fashionSystemDir, { train: syntheticSplit(12), test: syntheticSplit(5, 100) });
    const data = await loadDataset({ name: 'fashion-mnist', dataDir, fashionSystemDir });
    try {
      assert.equal(data.source.kind, 'system');
      assert.equal(data.source.dir, fashionSystemDir);
      assert.deepEqual(data.classNames, FASHION_CLASS_NAMES);
      assert.equal(data.classNames[9], 'Ankle boot');
      assert.deepEqual(data.train.images.shape, [12, 28, 28, 1]);
      assert.deepEqual(data.test.images.shape, [5, 28, 28, 1]);
      assert.deepEqual(Array.from(data.test.labels.dataSync()), [0, 1, 2, 3, 4]);
      // Image 3 of the training split is filled with byte 87.
      assert.ok(Math.abs(data.train.images.dataSync()[3 * PIXELS + 100] - 87 / 255) < 1e-7);
    } finally {
      data.dispose();
    }
  });

  test('a downloaded copy in data/full is preferred, and null disables the Debian folder', async () => {
    const dataDir = await freshDir('with-download');
    const fashionSystemDir = await freshDir('debian-too');
    await writeDatasetFiles(fashionSystemDir, { train: syntheticSplit(3), test: syntheticSplit(3) });
    await writeDatasetFiles(join(dataDir, 'full', 'fashion-mnist'), {
      train: syntheticSplit(4),
      test: syntheticSplit(2),
    });
    assert.equal(locateDataset('fashion-mnist', { dataDir, fashionSystemDir })?.kind, 'downloaded');
    const emptyData = await freshDir('nothing');
    assert.equal(locateDataset('fashion-mnist', { dataDir: emptyData, fashionSystemDir })?.kind, 'system');
    assert.equal(locateDataset('fashion-mnist', { dataDir: emptyData, fashionSystemDir: null }), undefined);
  });

  test('an incomplete download is reported with the missing file', async () => {
    const dataDir = await freshDir('incomplete');
    const dir = join(dataDir, 'full', 'mnist');
    await writeDatasetFiles(dir, { train: syntheticSplit(3), test: syntheticSplit(3) });
    await rm(join(dir, 't10k-labels-idx1-ubyte.gz'));
    await assert.rejects(
      loadDataset({ name: 'mnist', dataDir }),
      /incomplete: missing t10k-labels-idx1-ubyte\.gz/,
    );
  });

  test('uncompressed files are accepted too', async () => {
    const dataDir = await freshDir('uncompressed');
    const dir = join(dataDir, 'full', 'mnist');
    await mkdir(dir, { recursive: true });
    const split = syntheticSplit(4);
    for (const prefix of ['train', 't10k']) {
      await writeFile(
        join(dir, `${prefix}-images-idx3-ubyte`),
        encodeIdx({ dims: [4, 28, 28], data: split.images }, { gzip: false }),
      );
      await writeFile(
        join(dir, `${prefix}-labels-idx1-ubyte`),
        encodeIdx({ dims: [4], data: split.labels }, { gzip: false }),
      );
    }
    const arrays = await loadDatasetArrays({ name: 'mnist', dataDir });
    assert.equal(arrays.source.kind, 'downloaded');
    assert.deepEqual(arrays.test.labels, split.labels);
  });

  test('a damaged download names the file and says how to repair it', async () => {
    const dataDir = await freshDir('damaged');
    const dir = join(dataDir, 'full', 'mnist');
    await writeDatasetFiles(dir, { train: syntheticSplit(6), test: syntheticSplit(3) });
    const bad = join(dir, 'train-images-idx3-ubyte.gz');
    const truncated = encodeIdx(
      { dims: [6, 28, 28], data: syntheticSplit(6).images },
      { gzip: false },
    ).subarray(0, 1000);
    await writeFile(bad, truncated);
    await assert.rejects(loadDataset({ name: 'mnist', dataDir }), (err: unknown) => {
      assert.ok(err instanceof IdxError);
      assert.equal(err.problem, 'truncated');
      assert.ok(err.message.startsWith(`${bad}: is truncated`), err.message);
      assert.match(err.message, /Delete it and run `npm run fetch-data -- mnist`/);
      return true;
    });
  });

  test('images and labels of different lengths are rejected', async () => {
    const dataDir = await freshDir('mismatch');
    const dir = join(dataDir, 'full', 'mnist');
    await writeDatasetFiles(dir, { train: syntheticSplit(6), test: syntheticSplit(3) });
    await writeFile(
      join(dir, 'train-labels-idx1-ubyte.gz'),
      encodeIdx({ dims: [5], data: new Uint8Array(5) }),
    );
    await assert.rejects(
      loadDatasetArrays({ name: 'mnist', dataDir }),
      /holds 5 labels but .*train-images-idx3-ubyte\.gz holds 6 images/,
    );
  });

  test('labels outside 0-9 are rejected', async () => {
    const dataDir = await freshDir('bad-label');
    const dir = join(dataDir, 'full', 'mnist');
    const test = syntheticSplit(3);
    test.labels[2] = 10;
    await writeDatasetFiles(dir, { train: syntheticSplit(3), test });
    await assert.rejects(loadDatasetArrays({ name: 'mnist', dataDir }), /has label 10 at index 2/);
  });

  test('datasetStatus reports what is where', async () => {
    const dataDir = await freshDir('status');
    const status = datasetStatus({ dataDir, fashionSystemDir: null });
    assert.deepEqual(
      status.map((s) => [s.name, s.available]),
      [
        ['mnist-10k', false],
        ['mnist', false],
        ['fashion-mnist', false],
      ],
    );
    const real = datasetStatus({ fashionSystemDir: null });
    assert.equal(real[0].available, true);
    assert.equal(real[0].kind, 'committed');
  });

  test('the real Debian Fashion-MNIST loads (60,000 + 10,000, 6,000 per class)', {
    skip: !existsSync(DEFAULT_FASHION_SYSTEM_DIR) && 'dataset-fashion-mnist is not installed',
  }, async () => {
    const arrays = await loadDatasetArrays({ name: 'fashion-mnist', dataDir: await freshDir('real-debian') });
    assert.equal(arrays.source.kind, 'system');
    assert.equal(arrays.train.size, 60000);
    assert.equal(arrays.test.size, 10000);
    const counts = new Array(10).fill(0);
    for (const label of arrays.train.labels) counts[label]++;
    assert.deepEqual(counts, new Array(10).fill(6000));
  });
});
