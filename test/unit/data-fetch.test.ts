import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main as fetchDataCli } from '../../lib/cli/fetch-data';
import { IDX_BASENAMES } from '../../lib/data/catalog';
import { type ByteSplit, loadDatasetArrays, writeDatasetFiles } from '../../lib/data/datasets';
import {
  DownloadError,
  type DownloadProgress,
  downloadFile,
  fetchDataset,
  REMOTE_SOURCES,
  type RemoteFile,
} from '../../lib/data/fetch';
import { encodeIdx } from '../../lib/data/idx';

const PIXELS = 28 * 28;

function split(size: number): ByteSplit {
  const images = new Uint8Array(size * PIXELS).map((_, i) => (i * 31) % 256);
  const labels = Uint8Array.from({ length: size }, (_, i) => (i * 3) % 10);
  return { images, labels, size };
}

/** Small but valid stand-ins for the four official files, served by the local server. */
const contents = new Map<string, Uint8Array>([
  [`${IDX_BASENAMES.trainImages}.gz`, encodeIdx({ dims: [40, 28, 28], data: split(40).images })],
  [`${IDX_BASENAMES.trainLabels}.gz`, encodeIdx({ dims: [40], data: split(40).labels })],
  [`${IDX_BASENAMES.testImages}.gz`, encodeIdx({ dims: [10, 28, 28], data: split(10).images })],
  [`${IDX_BASENAMES.testLabels}.gz`, encodeIdx({ dims: [10], data: split(10).labels })],
]);

const testFiles: RemoteFile[] = [...contents].map(([name, bytes]) => ({
  name,
  bytes: bytes.length,
  sha256: createHash('sha256').update(bytes).digest('hex'),
  md5: createHash('md5').update(bytes).digest('hex'),
}));

let server: Server;
let base: string;
let closedPortUrl: string;
let tmp: string;
const requests: string[] = [];

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'genlib-fetch-'));
  server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(url);
    const [, mode, name] = url.split('/');
    const body = contents.get(name ?? '');
    if (!body) {
      res.writeHead(404).end('not found');
      return;
    }
    if (mode === 'ok') {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 100));
      res.end(body.subarray(100));
    } else if (mode === 'bad') {
      const corrupt = body.slice();
      corrupt[corrupt.length >> 1] ^= 0x01;
      res.writeHead(200, { 'content-length': corrupt.length }).end(corrupt);
    } else if (mode === 'long') {
      const longer = new Uint8Array(body.length + 10);
      longer.set(body);
      res.writeHead(200, { 'content-length': longer.length }).end(longer);
    } else if (mode === 'cut') {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, body.length >> 1), () => {
        setTimeout(() => res.socket?.destroy(), 20);
      });
    } else if (mode === 'stall') {
      res.writeHead(200, { 'content-length': body.length });
      res.write(body.subarray(0, 10));
    } else {
      res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // A port on which nothing listens: what being offline looks like to fetch().
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  closedPortUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}/`;
  await new Promise<void>((resolve) => probe.close(() => resolve()));
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await rm(tmp, { recursive: true, force: true });
});

let counter = 0;
async function freshDataDir(): Promise<string> {
  const dir = join(tmp, `data-${counter++}`);
  await mkdir(dir, { recursive: true });
  return dir;
}

async function filesIn(dir: string): Promise<string[]> {
  return existsSync(dir) ? (await readdir(dir)).sort() : [];
}

describe('fetchDataset against a local server', () => {
  test('success: every file is downloaded, verified, and the dataset loads', async () => {
    const dataDir = await freshDataDir();
    const progress: DownloadProgress[] = [];
    const lines: string[] = [];
    const result = await fetchDataset('mnist', {
      baseUrl: `${base}/ok/`,
      dataDir,
      files: testFiles,
      onProgress: (p) => progress.push(p),
      log: (line) => lines.push(line),
    });
    assert.equal(result.outcome, 'downloaded');
    const dir = join(dataDir, 'full', 'mnist');
    assert.equal(result.dir, dir);
    assert.deepEqual(await filesIn(dir), [...contents.keys()].sort());
    for (const [name, bytes] of contents) {
      assert.deepEqual(new Uint8Array(await readFile(join(dir, name))), bytes);
    }
    assert.ok(progress.some((p) => p.received === p.total && p.file === `${IDX_BASENAMES.trainImages}.gz`));
    assert.ok(lines.some((line) => /saved, size and checksums verified/.test(line)));
    const arrays = await loadDatasetArrays({ name: 'mnist', dataDir });
    assert.equal(arrays.source.kind, 'downloaded');
    assert.equal(arrays.train.size, 40);
    assert.equal(arrays.test.size, 10);
  });

  test('verified files are not downloaded again; --force and damaged files are', async () => {
    const dataDir = await freshDataDir();
    await fetchDataset('mnist', { baseUrl: `${base}/ok/`, dataDir, files: testFiles });
    const before = requests.length;
    const again = await fetchDataset('mnist', { baseUrl: `${base}/ok/`, dataDir, files: testFiles });
    assert.equal(again.outcome, 'present');
    assert.equal(requests.length, before, 'no request for verified files');

    const damaged = join(dataDir, 'full', 'mnist', testFiles[1].name);
    await writeFile(damaged, 'garbage');
    await fetchDataset('mnist', { baseUrl: `${base}/ok/`, dataDir, files: testFiles });
    assert.equal(requests.length, before + 1, 'only the damaged file is fetched again');
    assert.deepEqual(new Uint8Array(await readFile(damaged)), contents.get(testFiles[1].name));

    await fetchDataset('mnist', { baseUrl: `${base}/ok/`, dataDir, files: testFiles, force: true });
    assert.equal(requests.length, before + 5);
  });

  test('a checksum mismatch is rejected and nothing is saved', async () => {
    const dataDir = await freshDataDir();
    await assert.rejects(
      fetchDataset('mnist', { baseUrl: `${base}/bad/`, dataDir, files: testFiles }),
      (err: unknown) => {
        assert.ok(err instanceof DownloadError);
        assert.match(err.message, /checksum mismatch \(SHA-256 [0-9a-f]{64} instead of [0-9a-f]{64}; MD5 /);
        assert.match(err.message, /nothing was saved/);
        assert.match(err.message, /npm run fetch-data -- mnist/);
        return true;
      },
    );
    assert.deepEqual(await filesIn(join(dataDir, 'full', 'mnist')), []);
  });

  test('a file longer than published is rejected and nothing is saved', async () => {
    const dataDir = await freshDataDir();
    await assert.rejects(
      fetchDataset('mnist', { baseUrl: `${base}/long/`, dataDir, files: testFiles }),
      /more than the expected \d+ bytes arrived/,
    );
    assert.deepEqual(await filesIn(join(dataDir, 'full', 'mnist')), []);
  });

  test('an interrupted download leaves no file, not even a partial one', async () => {
    const dataDir = await freshDataDir();
    await assert.rejects(
      fetchDataset('mnist', { baseUrl: `${base}/cut/`, dataDir, files: testFiles }),
      (err: unknown) => {
        assert.ok(err instanceof DownloadError);
        assert.match(err.message, /was interrupted after \d+ bytes/);
        assert.match(err.message, /nothing was saved/);
        return true;
      },
    );
    assert.deepEqual(await filesIn(join(dataDir, 'full', 'mnist')), []);
  });

  test('a stalled download times out and leaves no file', async () => {
    const dataDir = await freshDataDir();
    const dest = join(dataDir, 'x.gz');
    await assert.rejects(
      downloadFile(`${base}/stall/${testFiles[0].name}`, dest, testFiles[0], { idleTimeoutMs: 300 }),
      /interrupted .*no data for 0\.3 s/,
    );
    assert.deepEqual(await filesIn(dataDir), []);
  });

  test('HTTP errors are reported with the status', async () => {
    const dataDir = await freshDataDir();
    await assert.rejects(
      downloadFile(`${base}/ok/missing.gz`, join(dataDir, 'missing.gz'), {}),
      /answered HTTP 404/,
    );
    assert.deepEqual(await filesIn(dataDir), []);
  });

  test('stale .partial files from a killed run are removed', async () => {
    const dataDir = await freshDataDir();
    const dir = join(dataDir, 'full', 'mnist');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, `${testFiles[0].name}.1234.abcd.partial`), 'half a file');
    await fetchDataset('mnist', { baseUrl: `${base}/ok/`, dataDir, files: testFiles });
    assert.deepEqual(await filesIn(dir), [...contents.keys()].sort());
  });

  test('offline: the error says to connect and run the fetch command', async () => {
    const dataDir = await freshDataDir();
    await assert.rejects(fetchDataset('mnist', { baseUrl: closedPortUrl, dataDir }), (err: unknown) => {
      assert.ok(err instanceof DownloadError);
      assert.match(
        err.message,
        /Could not download http:\/\/127\.0\.0\.1:\d+\/train-images-idx3-ubyte\.gz \(ECONNREFUSED/,
      );
      assert.match(err.message, /Connect to the internet and run `npm run fetch-data -- mnist` again\.$/);
      return true;
    });
    assert.deepEqual(await filesIn(join(dataDir, 'full', 'mnist')), []);
  });

  test('offline Fashion-MNIST: the error also offers the Debian package', async () => {
    const dataDir = await freshDataDir();
    await assert.rejects(
      fetchDataset('fashion-mnist', { baseUrl: closedPortUrl, dataDir, fashionSystemDir: null }),
      /npm run fetch-data -- fashion-mnist` again, or install Debian's copy: `sudo apt-get install dataset-fashion-mnist`/,
    );
  });

  test("Debian's Fashion-MNIST is used when installed: no download at all", async () => {
    const dataDir = await freshDataDir();
    const systemDir = join(tmp, 'debian-fashion');
    await writeDatasetFiles(systemDir, { train: split(20), test: split(5) });
    const before = requests.length;
    const lines: string[] = [];
    const result = await fetchDataset('fashion-mnist', {
      baseUrl: `${base}/ok/`,
      dataDir,
      fashionSystemDir: systemDir,
      files: testFiles,
      log: (line) => lines.push(line),
    });
    assert.deepEqual(result, { name: 'fashion-mnist', outcome: 'system', dir: systemDir });
    assert.equal(requests.length, before);
    assert.equal(existsSync(join(dataDir, 'full')), false);
    assert.match(lines.join('\n'), /dataset-fashion-mnist/);
    // With useSystemCopy false it downloads.
    const downloaded = await fetchDataset('fashion-mnist', {
      baseUrl: `${base}/ok/`,
      dataDir,
      fashionSystemDir: systemDir,
      files: testFiles,
      useSystemCopy: false,
    });
    assert.equal(downloaded.outcome, 'downloaded');
  });
});

describe('the published checksums table', () => {
  test('has the four standard files with well-formed checksums for each dataset', () => {
    const names = Object.values(IDX_BASENAMES)
      .map((base) => `${base}.gz`)
      .sort();
    for (const source of Object.values(REMOTE_SOURCES)) {
      assert.ok(source.baseUrl.endsWith('/'));
      assert.deepEqual(source.files.map((f) => f.name).sort(), names);
      for (const file of source.files) {
        assert.match(file.sha256, /^[0-9a-f]{64}$/);
        assert.match(file.md5, /^[0-9a-f]{32}$/);
        assert.ok(file.bytes > 4000);
      }
    }
    assert.equal(REMOTE_SOURCES.mnist.files[0].md5, 'f68b3c2dcbeaaa9fbdd348bbdeb94873');
    assert.equal(REMOTE_SOURCES['fashion-mnist'].files[0].md5, '8d4fb7e6c68d591d4c3dfef9ec88bf0d');
  });
});

describe('the fetch-data command', () => {
  function io() {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: { out: (l: string) => out.push(l), err: (t: string) => err.push(t), isTty: false },
    };
  }

  test('mnist-10k needs no download', async () => {
    const t = io();
    assert.equal(await fetchDataCli(['mnist-10k'], t.io), 0);
    assert.match(t.out.join('\n'), /committed .*nothing to download/);
  });

  test('an unknown name is a usage error', async () => {
    const t = io();
    assert.equal(await fetchDataCli(['cifar10'], t.io), 2);
    assert.match(t.err.join(''), /Unknown dataset 'cifar10'/);
  });

  test('without a name it lists what is on this machine', async () => {
    const t = io();
    assert.equal(await fetchDataCli([], t.io), 0);
    assert.match(t.out.join('\n'), /mnist-10k\s+yes \(committed/);
  });

  test('downloads with progress, and fails offline with exit code 1 and the advice', async () => {
    const dataDir = await freshDataDir();
    const t = io();
    assert.equal(await fetchDataCli(['mnist', '--data-dir', dataDir, '--base-url', closedPortUrl], t.io), 1);
    assert.match(t.err.join(''), /fetch-data mnist failed: Could not download .*Connect to the internet/);
    assert.deepEqual(await filesIn(join(dataDir, 'full', 'mnist')), []);
  });
});
