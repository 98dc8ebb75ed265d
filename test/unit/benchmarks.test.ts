import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../../lib/backend';
import {
  type BenchResult,
  benchCsv,
  createTrainingStep,
  formatBenchTable,
  layerFlops,
  median,
  profileKernels,
  summarize,
  timingsByKernel,
} from '../../lib/benchmarks';
import { buildDcganDiscriminator, buildDcganGenerator } from '../../lib/models/dcgan';

before(async () => {
  await initBackend({ force: 'cpu', env: {} });
});

describe('FLOPs from layer shapes', () => {
  it('counts the DCGAN tutorial generator and discriminator layer by layer', () => {
    const g = layerFlops(buildDcganGenerator(), 64);
    assert.deepEqual(
      g.map((l) => [l.kind, l.forward]),
      [
        ['Dense', 2 * 64 * 100 * 12544],
        ['Conv2DTranspose', 2 * 64 * 7 * 7 * 25 * 256 * 128],
        ['Conv2DTranspose', 2 * 64 * 7 * 7 * 25 * 128 * 64],
        ['Conv2DTranspose', 2 * 64 * 14 * 14 * 25 * 64 * 1],
      ],
    );
    const d = layerFlops(buildDcganDiscriminator(), 64);
    assert.deepEqual(
      d.map((l) => [l.kind, l.forward]),
      [
        ['Conv2D', 2 * 64 * 14 * 14 * 25 * 1 * 64],
        ['Conv2D', 2 * 64 * 7 * 7 * 25 * 64 * 128],
        ['Dense', 2 * 64 * 6272 * 1],
      ],
    );
  });
  it('adds up the passes of one adversarial step', () => {
    const step = createTrainingStep('dcgan', { batchSize: 64 });
    try {
      const fwd = (ls: { forward: number }[]) => ls.reduce((t, l) => t + l.forward, 0);
      const g = layerFlops(buildDcganGenerator(), 64);
      const d = layerFlops(buildDcganDiscriminator(), 64);
      // G tape: G fwd + D fwd + all D input grads + G weight grads + G input grads but the first;
      // D tape, twice (real and fake): D fwd + D weight grads + D input grads but the first.
      const expected =
        fwd(g) +
        fwd(d) +
        fwd(d) +
        fwd(g) +
        (fwd(g) - g[0].forward) +
        2 * (fwd(d) + fwd(d) + fwd(d) - d[0].forward);
      assert.equal(step.flops, expected);
      assert.ok(Math.abs(step.flops / 1e9 - 30.23) < 0.01, `${step.flops / 1e9} GFLOP`);
    } finally {
      step.dispose();
    }
  });
});

describe('training steps', () => {
  it('an MLP GAN step returns two finite losses, the same ones from the same seed, without leaking', () => {
    const first = createTrainingStep('mlp-gan', { batchSize: 8, seed: 5 });
    const a = [first.run(), first.run()];
    const tensors = tf.memory().numTensors;
    first.run();
    assert.equal(tf.memory().numTensors, tensors, 'tensor count flat after the first step');
    first.dispose();
    const second = createTrainingStep('mlp-gan', { batchSize: 8, seed: 5 });
    const b = [second.run(), second.run()];
    second.dispose();
    assert.equal(a[0].length, 2);
    assert.ok(a.flat().every(Number.isFinite));
    assert.deepEqual(b, a);
  });
  it('rejects seed 0 (tf.js would treat it as unseeded) and unknown workloads', () => {
    assert.throws(() => createTrainingStep('mlp-gan', { seed: 0 }), /seed must be a positive integer/);
    assert.throws(() => createTrainingStep('nope' as 'dcgan'), /Unknown workload 'nope'/);
  });
});

describe('per-kernel profile', () => {
  it('times the kernels a function runs and puts the backend back as it was', () => {
    const config = tf.getKernel('BatchMatMul', 'cpu');
    const original = config?.kernelFunc;
    const a = tf.ones([32, 16]);
    const { result, kernels } = profileKernels(() =>
      tf.tidy(() => tf.matMul(a, a, false, true).sum().dataSync()[0]),
    );
    assert.equal(result, 32 * 32 * 16);
    const matmul = kernels.find((k) => k.kernel === 'BatchMatMul');
    assert.ok(matmul != null, kernels.map((k) => k.kernel).join(', '));
    assert.equal(matmul.calls, 1);
    assert.equal(matmul.shapes, '[32,16] [32,16]');
    assert.ok(matmul.wallMs >= 0 && matmul.cpuMs >= 0);
    assert.equal(tf.getKernel('BatchMatMul', 'cpu')?.kernelFunc, original);
    const byKernel = timingsByKernel([...kernels, { ...matmul, shapes: '[1] [1]' }]);
    assert.equal(byKernel.find((k) => k.kernel === 'BatchMatMul')?.calls, 2);
    a.dispose();
  });
});

describe('results table', () => {
  const row = (config: string, stepMs: number[], extra: Partial<BenchResult> = {}): BenchResult => ({
    workload: 'dcgan',
    config,
    label: config,
    threads: 1,
    status: 'ok',
    warmup: 2,
    stepMs,
    stepCpuMs: stepMs,
    flops: 30e9,
    images: 64,
    ...extra,
  });
  const results = [
    row('cpu', [300_000], { warmup: 0 }),
    row('wasm-shipped', [], { status: 'failed', note: "Kernel 'Conv2DBackpropFilter' not registered" }),
    row('wasm-2t', [700, 600, 650]),
    row('pytorch-1t', [330, 310, 320]),
    row('pytorch-2t', [400, 5000, 6000]),
  ];
  it('takes medians and the ratios to cpu and to the best PyTorch run', () => {
    assert.equal(median([3, 1, 2]), 2);
    assert.equal(median([4, 1, 2, 3]), 2.5);
    const s = summarize(results);
    const wasm = s.get(results[2]);
    assert.equal(wasm?.medianMs, 650);
    assert.equal(wasm?.speedupVsCpu, 300_000 / 650);
    assert.equal(wasm?.ratioToBestPytorch, 650 / 320);
    assert.equal(wasm?.gflopsPerSecond, 30e9 / 650 / 1e6);
    assert.equal(wasm?.imagesPerSecond, (64 * 1000) / 650);
    assert.deepEqual(s.get(results[1]), {});
  });
  it('renders a text table and CSV with every configuration', () => {
    const text = formatBenchTable(results);
    assert.match(text, /dcgan \(30\.00 GFLOP per step, batch 64\)/);
    assert.match(text, /wasm-2t\s+3\s+650\s+600/);
    assert.match(text, /wasm-shipped\s+failed: Kernel 'Conv2DBackpropFilter' not registered/);
    assert.match(text, /cpu\s+1 \(no warm-up\)\s+300000/);
    const csv = benchCsv(results, { loadAverage: [1.5, 1, 1] })
      .trim()
      .split('\n');
    assert.equal(csv.length, 1 + results.length);
    assert.match(csv[0], /^workload,config,label,threads,status/);
    assert.match(csv[3], /^dcgan,wasm-2t,wasm-2t,1,ok,,2,3,650\.0,600\.0,/);
    assert.match(
      csv[2],
      /"Kernel 'Conv2DBackpropFilter' not registered"|Kernel 'Conv2DBackpropFilter' not registered/,
    );
    assert.match(csv[1], /,1\.50$/);
  });
});
