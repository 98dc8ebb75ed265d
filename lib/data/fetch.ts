/**
 * Downloading the full MNIST and Fashion-MNIST datasets (run as `npm run fetch-data -- <name>`).
 *
 * Every file is checked against its published size, SHA-256 and MD5 before it is kept, and written
 * atomically (downloaded to a temporary `.partial` file in the same folder, renamed when verified),
 * so an interrupted or corrupted download never leaves a file that looks complete.
 * Fashion-MNIST is not downloaded when Debian's `dataset-fashion-mnist` package is installed.
 */

import { createHash, randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DATASETS,
  type DataLocations,
  type DatasetName,
  DEFAULT_FASHION_SYSTEM_DIR,
  defaultDataDir,
  downloadDir,
  fetchCommand,
  IDX_BASENAMES,
  type IdxFileRole,
  repairHint,
} from './catalog';
import { readIdx } from './idx';

/** The datasets that can be downloaded (mnist-10k is committed). */
export type DownloadableDataset = Exclude<DatasetName, 'mnist-10k'>;

/** A file to download and the published facts it must match. */
export interface RemoteFile {
  /** File name, appended to the base URL and used on disk. */
  name: string;
  /** Size in bytes. */
  bytes: number;
  /** Lower-case hex SHA-256. */
  sha256: string;
  /** Lower-case hex MD5 (the checksum the dataset authors publish). */
  md5: string;
}

/** Where a dataset is downloaded from. */
export interface RemoteSource {
  /** Base URL, ending in '/'. */
  baseUrl: string;
  files: readonly RemoteFile[];
}

/**
 * Official files and checksums.
 * MNIST: Google's CVDF mirror of Yann LeCun's files (his site now often refuses downloads). MD5s as in
 * torchvision's `datasets/mnist.py`, sizes and SHA-256 as in TensorFlow Datasets' `url_checksums/mnist.txt`.
 * Fashion-MNIST: Zalando's own bucket. MD5s from the Fashion-MNIST README, sizes and SHA-256 from
 * TensorFlow Datasets' `url_checksums/fashion_mnist.txt`.
 */
export const REMOTE_SOURCES: Readonly<Record<DownloadableDataset, RemoteSource>> = {
  mnist: {
    baseUrl: 'https://storage.googleapis.com/cvdf-datasets/mnist/',
    files: [
      {
        name: 'train-images-idx3-ubyte.gz',
        bytes: 9912422,
        sha256: '440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609',
        md5: 'f68b3c2dcbeaaa9fbdd348bbdeb94873',
      },
      {
        name: 'train-labels-idx1-ubyte.gz',
        bytes: 28881,
        sha256: '3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c',
        md5: 'd53e105ee54ea40749a09fcbcd1e9432',
      },
      {
        name: 't10k-images-idx3-ubyte.gz',
        bytes: 1648877,
        sha256: '8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6',
        md5: '9fb629c4189551a2d022fa330f9573f3',
      },
      {
        name: 't10k-labels-idx1-ubyte.gz',
        bytes: 4542,
        sha256: 'f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6',
        md5: 'ec29112dd5afa0611ce80d1b7f02629c',
      },
    ],
  },
  'fashion-mnist': {
    baseUrl: 'http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/',
    files: [
      {
        name: 'train-images-idx3-ubyte.gz',
        bytes: 26421880,
        sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84',
        md5: '8d4fb7e6c68d591d4c3dfef9ec88bf0d',
      },
      {
        name: 'train-labels-idx1-ubyte.gz',
        bytes: 29515,
        sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845',
        md5: '25c81989df183df01b3e8a0aad5dffbe',
      },
      {
        name: 't10k-images-idx3-ubyte.gz',
        bytes: 4422102,
        sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073',
        md5: 'bef4ecab320f06d8554ea6380940ec79',
      },
      {
        name: 't10k-labels-idx1-ubyte.gz',
        bytes: 5148,
        sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5',
        md5: 'bb300cfdad3c16e7a12a480ee83cd310',
      },
    ],
  },
};

/** Progress of one file's download. */
export interface DownloadProgress {
  file: string;
  /** Bytes received so far. */
  received: number;
  /** Expected total, if known. */
  total: number | undefined;
}

/** Checks a downloaded file must pass; each one given is verified. */
export interface ExpectedFile {
  bytes?: number;
  sha256?: string;
  md5?: string;
}

/** Options for {@link downloadFile}. */
export interface DownloadOptions {
  /** Called as bytes arrive (at most every 64 KiB or so). */
  onProgress?: (progress: DownloadProgress) => void;
  /** Give up when no data arrives for this long. Default 60,000 ms. */
  idleTimeoutMs?: number;
  /** Advice appended to network errors (fetchDataset says which command to re-run). */
  hint?: string;
  /** Advice appended when a file arrived but was rejected (wrong size or checksum). */
  retryHint?: string;
}

/** Error for a failed or rejected download; nothing was saved. The message says what to do. */
export class DownloadError extends Error {
  readonly url: string;
  constructor(url: string, message: string) {
    super(message);
    this.name = 'DownloadError';
    this.url = url;
  }
}

function describeNetworkError(err: unknown): string {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const code = cause?.code ?? (err as { code?: string }).code;
  const message = cause?.message ?? (err instanceof Error ? err.message : String(err));
  return code ? `${code}: ${message}` : message;
}

/**
 * Downloads `url` to `dest`, verifying size and checksums, writing atomically. On any failure the
 * temporary file is removed and a {@link DownloadError} thrown; `dest` is only ever a verified file.
 */
export async function downloadFile(
  url: string,
  dest: string,
  expected: ExpectedFile,
  options: DownloadOptions = {},
): Promise<void> {
  const hint = options.hint ?? 'Check the connection and try again.';
  const retryHint = options.retryHint ?? 'Try again.';
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const armTimer = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(
      () => controller.abort(new Error(`no data for ${idleTimeoutMs / 1000} s`)),
      idleTimeoutMs,
    );
  };
  const tmp = `${dest}.${process.pid}.${randomBytes(4).toString('hex')}.partial`;
  const fileName = dest.split(/[\\/]/).pop() ?? dest;
  let handle: Awaited<ReturnType<typeof open>> | undefined;
  try {
    armTimer();
    let response: Response;
    try {
      response = await fetch(url, { signal: controller.signal, redirect: 'follow' });
    } catch (err) {
      throw new DownloadError(url, `Could not download ${url} (${describeNetworkError(err)}). ${hint}`);
    }
    if (!response.ok || !response.body) {
      throw new DownloadError(
        url,
        `Could not download ${url}: the server answered HTTP ${response.status}. ${hint}`,
      );
    }
    const header = response.headers.get('content-length');
    const total = expected.bytes ?? (header ? Number(header) : undefined);
    const sha256 = createHash('sha256');
    const md5 = createHash('md5');
    let received = 0;
    let reported = 0;
    handle = await open(tmp, 'wx');
    const reader = response.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        armTimer();
        sha256.update(value);
        md5.update(value);
        received += value.byteLength;
        if (expected.bytes !== undefined && received > expected.bytes) {
          throw new DownloadError(
            url,
            `Rejected ${url}: more than the expected ${expected.bytes} bytes arrived, so it is not the ` +
              `official file (the mirror may have changed). Nothing was saved. ${retryHint}`,
          );
        }
        await handle.write(value);
        if (received - reported >= 65536) {
          reported = received;
          options.onProgress?.({ file: fileName, received, total });
        }
      }
    } catch (err) {
      if (err instanceof DownloadError) throw err;
      throw new DownloadError(
        url,
        `The download of ${url} was interrupted after ${received} bytes (${describeNetworkError(err)}); ` +
          `nothing was saved. ${hint}`,
      );
    }
    options.onProgress?.({ file: fileName, received, total });
    const problems: string[] = [];
    if (expected.bytes !== undefined && received !== expected.bytes) {
      problems.push(`size ${received} bytes instead of ${expected.bytes}`);
    }
    const gotSha = sha256.digest('hex');
    if (expected.sha256 && gotSha !== expected.sha256.toLowerCase()) {
      problems.push(`SHA-256 ${gotSha} instead of ${expected.sha256}`);
    }
    const gotMd5 = md5.digest('hex');
    if (expected.md5 && gotMd5 !== expected.md5.toLowerCase()) {
      problems.push(`MD5 ${gotMd5} instead of ${expected.md5}`);
    }
    if (problems.length > 0) {
      throw new DownloadError(
        url,
        `Rejected ${url}: checksum mismatch (${problems.join('; ')}). The download is corrupt or the ` +
          `mirror serves a different file; nothing was saved. ${retryHint}`,
      );
    }
    await handle.sync();
    await handle.close();
    handle = undefined;
    await rename(tmp, dest);
  } finally {
    if (timer) clearTimeout(timer);
    if (handle) await handle.close().catch(() => undefined);
    await rm(tmp, { force: true });
  }
}

/** Computes the SHA-256 (lower-case hex) of a file, streaming. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Options for {@link fetchDataset}. */
export interface FetchDatasetOptions extends DataLocations, DownloadOptions {
  /** Download from here instead of the official URL (tests use a local server). Must end in '/'. */
  baseUrl?: string;
  /** Use Debian's Fashion-MNIST when installed instead of downloading. Default true. */
  useSystemCopy?: boolean;
  /** Download again even when verified files are present. Default false. */
  force?: boolean;
  /** Replace the published file list (tests serve small files with their own checksums). */
  files?: readonly RemoteFile[];
  /** Receives one line per step ("downloading ...", "already present ..."). Default: silent. */
  log?: (line: string) => void;
}

/** What {@link fetchDataset} did. */
export interface FetchResult {
  name: DownloadableDataset;
  /** 'downloaded' if anything was downloaded, 'present' if all files were already there and verified, 'system' for Debian's copy. */
  outcome: 'downloaded' | 'present' | 'system';
  /** Folder now holding the four files. */
  dir: string;
}

async function isVerified(path: string, file: RemoteFile): Promise<boolean> {
  try {
    const info = await stat(path);
    if (info.size !== file.bytes) return false;
    return (await sha256File(path)) === file.sha256;
  } catch {
    return false;
  }
}

async function removeStalePartials(dir: string): Promise<void> {
  for (const entry of await readdir(dir)) {
    if (entry.endsWith('.partial')) await rm(join(dir, entry), { force: true });
  }
}

const EXPECTED_DIMS: Record<IdxFileRole, ReadonlyArray<number | null>> = {
  trainImages: [null, 28, 28],
  trainLabels: [null],
  testImages: [null, 28, 28],
  testLabels: [null],
};

/** Validates Debian's Fashion-MNIST files (their gzip headers differ from Zalando's, so checksums cannot). */
async function checkSystemCopy(dir: string): Promise<boolean> {
  for (const base of Object.values(IDX_BASENAMES)) {
    try {
      await stat(join(dir, `${base}.gz`));
    } catch {
      return false;
    }
  }
  for (const [role, base] of Object.entries(IDX_BASENAMES) as Array<[IdxFileRole, string]>) {
    await readIdx(join(dir, `${base}.gz`), {
      expectedDims: EXPECTED_DIMS[role],
      hint: repairHint('fashion-mnist', 'system'),
    });
  }
  return true;
}

/**
 * Makes a full dataset available: downloads the four official files into `<dataDir>/full/<name>`,
 * verifying each against its published checksums, unless they are there already. For Fashion-MNIST,
 * Debian's copy in /usr/share/datasets/fashion-mnist is used when installed (no download).
 * @throws DownloadError when offline, on a checksum mismatch, or on an interrupted download; the
 * message says what to do, and no unverified file is left behind.
 */
export async function fetchDataset(
  name: DownloadableDataset,
  options: FetchDatasetOptions = {},
): Promise<FetchResult> {
  const source = REMOTE_SOURCES[name];
  if (!source) {
    throw new RangeError(
      `'${name}' cannot be downloaded. Downloadable datasets: ${Object.keys(REMOTE_SOURCES).join(', ')} ` +
        "('mnist-10k' is committed to the repository).",
    );
  }
  const log = options.log ?? (() => undefined);
  if (name === 'fashion-mnist' && options.useSystemCopy !== false) {
    const systemDir =
      options.fashionSystemDir === undefined ? DEFAULT_FASHION_SYSTEM_DIR : options.fashionSystemDir;
    if (systemDir !== null && (await checkSystemCopy(systemDir))) {
      log(
        `Fashion-MNIST is installed by Debian's dataset-fashion-mnist in ${systemDir}: nothing to download.`,
      );
      return { name, outcome: 'system', dir: systemDir };
    }
  }
  const dir = downloadDir(name, options.dataDir ?? defaultDataDir());
  await mkdir(dir, { recursive: true });
  await removeStalePartials(dir);
  const baseUrl = options.baseUrl ?? source.baseUrl;
  const offlineHint =
    `Connect to the internet and run \`${fetchCommand(name)}\` again` +
    (name === 'fashion-mnist'
      ? ", or install Debian's copy: `sudo apt-get install dataset-fashion-mnist`."
      : '.');
  let downloaded = false;
  for (const file of options.files ?? source.files) {
    const dest = join(dir, file.name);
    if (!options.force && (await isVerified(dest, file))) {
      log(`${file.name}: already present, checksum OK.`);
      continue;
    }
    const url = new URL(file.name, baseUrl).toString();
    log(`${file.name}: downloading ${url} (${(file.bytes / 1e6).toFixed(1)} MB)`);
    await downloadFile(url, dest, file, {
      onProgress: options.onProgress,
      idleTimeoutMs: options.idleTimeoutMs,
      hint: options.hint ?? offlineHint,
      retryHint: options.retryHint ?? `Run \`${fetchCommand(name)}\` again.`,
    });
    log(`${file.name}: saved, size and checksums verified.`);
    downloaded = true;
  }
  log(`${DATASETS[name].title} is ready in ${dir}.`);
  return { name, outcome: downloaded ? 'downloaded' : 'present', dir };
}
