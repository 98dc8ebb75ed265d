import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import {
  findThreadPoolAddress,
  installThreadSwitch,
  MAX_WASM_THREADS,
  PARALLEL_MIN_FLOPS,
  prepareThreadedWasmFiles,
  runWithThreads,
  threadSwitchInstalled,
  WASM_THREADS_ENV_VAR,
  wasmThreadRequest,
} from '../../lib/backend';

const run = promisify(execFile);
const FIXTURE = join(__dirname, 'fixtures', 'adversarial-steps.ts');
const STEPS = 20;

interface Trained {
  losses: number[][];
  tensors: number[];
  details: { wasmThreads?: number; wasmThreading?: string };
}

/** Trains the fixture's small GAN for STEPS steps in a fresh Node process. */
async function train(backend: 'cpu' | 'wasm', threads: number): Promise<Trained> {
  const { stdout } = await run(
    process.execPath,
    [
      '--import',
      'tsx',
      FIXTURE,
      '--backend',
      backend,
      '--threads',
      String(threads),
      '--steps',
      String(STEPS),
    ],
    { maxBuffer: 1 << 20, env: { ...process.env, [WASM_THREADS_ENV_VAR]: '' } },
  );
  const line = stdout.split('\n').find((l) => l.startsWith('{'));
  assert.ok(line != null, `the fixture printed its result (stdout: ${stdout.slice(-500)})`);
  return JSON.parse(line) as Trained;
}

/** Largest |a - b| over every loss of every step. */
function largestDifference(a: number[][], b: number[][]): number {
  assert.equal(a.length, b.length);
  let worst = 0;
  a.forEach((row, i) => {
    row.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(v - b[i][j]));
    });
  });
  return worst;
}

describe('wasm thread count', () => {
  it('defaults to one thread per core, capped at 8', () => {
    assert.deepEqual(wasmThreadRequest(undefined, {}, 2), {
      threads: 2,
      source: 'one per CPU core: 2 here',
    });
    assert.equal(wasmThreadRequest(undefined, {}, 64).threads, MAX_WASM_THREADS);
    assert.equal(wasmThreadRequest(undefined, {}, 1).threads, 1);
  });
  it('takes GENLIB_WASM_THREADS, and the option over it', () => {
    assert.deepEqual(wasmThreadRequest(undefined, { GENLIB_WASM_THREADS: '1' }, 2), {
      threads: 1,
      source: 'GENLIB_WASM_THREADS=1',
    });
    assert.equal(wasmThreadRequest(undefined, { GENLIB_WASM_THREADS: 'auto' }, 2).threads, 2);
    assert.equal(wasmThreadRequest(3, { GENLIB_WASM_THREADS: '1' }, 2).threads, 3);
  });
  it('rejects a bad number with a message that says what is allowed', () => {
    assert.throws(() => wasmThreadRequest(0, {}, 2), /whole number from 1 to 8/);
    assert.throws(
      () => wasmThreadRequest(undefined, { GENLIB_WASM_THREADS: 'two' }, 2),
      /GENLIB_WASM_THREADS/,
    );
    assert.throws(() => wasmThreadRequest(9, {}, 2), /1 to 8/);
  });
});

describe('the thread count in the backend report', () => {
  it('says when the wasm backend had already started with another thread count', async () => {
    const script = `
      const { initBackend } = require('./lib/backend');
      (async () => {
        const first = await initBackend({ force: 'wasm', env: {}, wasm: { threads: 2 } });
        await initBackend({ force: 'cpu', env: {} });
        const second = await initBackend({ force: 'wasm', env: {}, wasm: { threads: 1 } });
        console.log(JSON.stringify([first.details, second.details]));
      })();`;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '-e', script], {
      cwd: join(__dirname, '..', '..'),
      maxBuffer: 1 << 20,
    });
    const line = stdout.split('\n').find((l) => l.startsWith('['));
    assert.ok(line != null, stdout);
    const [first, second] = JSON.parse(line) as { wasmThreads: number; wasmThreading: string }[];
    assert.equal(first.wasmThreads, 2);
    assert.match(first.wasmThreading, /^2 threads \(initBackend option\): the package's threaded build/);
    assert.equal(second.wasmThreads, 2);
    assert.match(second.wasmThreading, /2 threads instead of 1 .*thread count is fixed when it starts/);
  });
});

describe('threaded wasm build files', () => {
  it('writes the glue and the worker script from the installed package, once', () => {
    const files = prepareThreadedWasmFiles();
    for (const path of [files.glue, files.worker, files.wasm]) assert.ok(existsSync(path), path);
    const glue = readFileSync(files.glue, 'utf8');
    assert.match(glue, /var WasmBackendModuleThreadedSimd = /);
    assert.match(glue, /GenlibPthreadWorker/);
    assert.match(readFileSync(files.worker, 'utf8'), /worker_threads/);
    assert.deepEqual(prepareThreadedWasmFiles(), files);
  });
});

describe(`training a small GAN for ${STEPS} steps: cpu, wasm with 1 thread, wasm with 2 threads`, () => {
  let cpu: Trained;
  let one: Trained;
  let two: Trained;
  it('runs on every configuration without leaking tensors', async () => {
    [one, two] = [await train('wasm', 1), await train('wasm', 2)];
    cpu = await train('cpu', 1);
    assert.equal(one.details.wasmThreads, 1);
    assert.equal(two.details.wasmThreads, 2, two.details.wasmThreading);
    for (const [name, t] of Object.entries({ cpu, one, two })) {
      assert.equal(t.losses.length, STEPS, name);
      assert.ok(t.losses.flat().every(Number.isFinite), `${name}: finite losses`);
      assert.ok(
        t.tensors.every((n) => n === t.tensors[0]),
        `${name}: tensor count flat over the steps (${t.tensors.join(' ')})`,
      );
    }
  });
  it('two threads give the losses of one thread (tolerance 1e-6; XNNPACK splits work, not sums)', () => {
    const worst = largestDifference(two.losses, one.losses);
    assert.ok(worst <= 1e-6, `largest difference ${worst}`);
  });
  it('the wasm path gives the losses of the cpu backend (tolerance 1e-3 over 20 Adam steps)', () => {
    const worst = largestDifference(two.losses, cpu.losses);
    assert.ok(worst <= 1e-3, `largest difference ${worst}`);
  });
});

describe('per-kernel threading', () => {
  it('finds the thread-pool pointer in the threaded binary, and nothing in other bytes', () => {
    const address = findThreadPoolAddress(readFileSync(prepareThreadedWasmFiles().wasm));
    assert.ok(address != null && address > 0 && address % 4 === 0, `address ${address}`);
    assert.equal(findThreadPoolAddress(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])), undefined);
  });
  it('gives the pool only to kernels of at least PARALLEL_MIN_FLOPS, and nested kernels follow their parent', () => {
    const view = new Int32Array(4);
    view[2] = 1234;
    const remove = installThreadSwitch(view, 2, 1234);
    try {
      assert.equal(view[2], 0, 'one thread between kernels');
      assert.equal(
        runWithThreads(PARALLEL_MIN_FLOPS - 1, () => view[2]),
        0,
      );
      assert.equal(
        runWithThreads(PARALLEL_MIN_FLOPS, () => view[2]),
        1234,
      );
      assert.equal(view[2], 0, 'back to one thread after a large kernel');
      assert.equal(
        runWithThreads(PARALLEL_MIN_FLOPS, () => runWithThreads(1, () => view[2])),
        1234,
      );
      assert.equal(
        runWithThreads(1, () => runWithThreads(PARALLEL_MIN_FLOPS * 10, () => view[2])),
        0,
      );
      assert.throws(() =>
        runWithThreads(PARALLEL_MIN_FLOPS, () => {
          throw new Error('kernel failed');
        }),
      );
      assert.equal(view[2], 0, 'back to one thread after a kernel throws');
    } finally {
      remove();
    }
    assert.equal(view[2], 1234, 'removing the switch gives every kernel the pool again');
    assert.equal(threadSwitchInstalled(), false);
    assert.equal(
      runWithThreads(1, () => view[2]),
      1234,
    );
  });
  it('a small dense model trains on 2 threads without sharing its small kernels (same losses as 1 thread)', async () => {
    const script = `
      const tf = require('@tensorflow/tfjs');
      const { initBackend, threadSwitchInstalled } = require('./lib/backend');
      (async () => {
        const report = await initBackend({ force: 'wasm', env: {}, wasm: { threads: Number(process.argv[1]) } });
        const model = tf.sequential({ layers: [
          tf.layers.dense({ inputShape: [20], units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }),
          tf.layers.dense({ units: 1, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }),
        ] });
        const x = tf.randomNormal([32, 20], 0, 1, 'float32', 3);
        const y = tf.randomNormal([32, 1], 0, 1, 'float32', 4);
        const optimizer = tf.train.adam(0.01);
        const losses = [];
        for (let i = 0; i < 20; i++) {
          const loss = optimizer.minimize(() => tf.losses.meanSquaredError(y, model.apply(x)), true);
          losses.push(loss.dataSync()[0]);
          loss.dispose();
        }
        console.log(JSON.stringify({ threads: report.details.wasmThreads, switched: threadSwitchInstalled(), losses }));
      })();`;
    const trainWith = async (threads: number) => {
      const { stdout } = await run(process.execPath, ['--import', 'tsx', '-e', script, String(threads)], {
        cwd: join(__dirname, '..', '..'),
        maxBuffer: 1 << 20,
      });
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      assert.ok(line != null, stdout);
      return JSON.parse(line) as { threads: number; switched: boolean; losses: number[] };
    };
    const one = await trainWith(1);
    const two = await trainWith(2);
    assert.deepEqual([one.threads, one.switched], [1, false]);
    assert.deepEqual([two.threads, two.switched], [2, true]);
    assert.deepEqual(two.losses, one.losses);
  });
});
