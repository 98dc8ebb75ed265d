/**
 * Benchmark (not a test): one Conv2DBackpropFilter for x = [64, 14, 14, 64], filter 5x5x64x128,
 * stride 2, 'same' (the second conv layer of TensorFlow's DCGAN discriminator) on wasm with
 * genlib's kernel and on the pure-JS cpu backend, checking that both give the same gradient; plus
 * Conv2DBackpropInput for the same layer on wasm, the shipped kernel vs genlib's.
 *
 *   npx tsx lib/backend/bench-backprop-filter.ts            # includes cpu (takes minutes)
 *   npx tsx lib/backend/bench-backprop-filter.ts --skip-cpu
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './select-backend';
import { registerWasmTrainingKernels } from './wasm-kernels';

const X: [number, number, number, number] = [64, 14, 14, 64];
const FILTER: [number, number, number, number] = [5, 5, 64, 128];
const DY: [number, number, number, number] = [64, 7, 7, 128];
const FLOPS = 2 * 64 * 7 * 7 * 128 * 5 * 5 * 64;

/** Median time of `runs` runs of kernel `name`, and its last output's values. */
async function timeKernel(
  name: string,
  inputs: () => tf.NamedTensorMap,
  attrs: tf.NamedAttrMap,
  runs: number,
) {
  const ins = inputs();
  const times: number[] = [];
  let values = new Float32Array(0);
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    const out = tf.engine().runKernel(name, ins, attrs) as tf.Tensor;
    values = (await out.data()) as Float32Array;
    times.push(performance.now() - t0);
    out.dispose();
  }
  tf.dispose(Object.values(ins));
  times.sort((a, b) => a - b);
  return { ms: times[Math.floor(times.length / 2)], values };
}

function maxRelativeDifference(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
  return worst;
}

function fixedValues(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sin(i * 0.7 + seed);
  return out;
}

function line(what: string, ms: number): void {
  const gflops = (FLOPS / ms / 1e6).toFixed(2);
  console.log(`${what.padEnd(52)} ${(ms / 1000).toFixed(3).padStart(8)} s  ${gflops.padStart(6)} GFLOP/s`);
}

async function main(): Promise<void> {
  await initBackend({ force: 'wasm', env: {} });
  const filterAttrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', filterShape: FILTER } as tf.NamedAttrMap;
  const inputAttrs = { strides: 2, pad: 'same', dataFormat: 'NHWC', inputShape: X } as tf.NamedAttrMap;
  const xv = fixedValues(64 * 14 * 14 * 64, 1);
  const dyv = fixedValues(64 * 7 * 7 * 128, 2);
  const fv = fixedValues(5 * 5 * 64 * 128, 3);
  const filterInputs = () => ({ x: tf.tensor4d(xv, X), dy: tf.tensor4d(dyv, DY) });
  const inputInputs = () => ({ dy: tf.tensor4d(dyv, DY), filter: tf.tensor4d(fv, FILTER) });

  const wasmFilter = await timeKernel('Conv2DBackpropFilter', filterInputs, filterAttrs, 5);
  line('wasm Conv2DBackpropFilter, genlib (median of 5)', wasmFilter.ms);
  const fastInput = await timeKernel('Conv2DBackpropInput', inputInputs, inputAttrs, 5);
  line('wasm Conv2DBackpropInput, genlib (median of 5)', fastInput.ms);
  registerWasmTrainingKernels({ fastConv2DBackpropInput: false });
  const shippedInput = await timeKernel('Conv2DBackpropInput', inputInputs, inputAttrs, 3);
  registerWasmTrainingKernels();
  line('wasm Conv2DBackpropInput, shipped (median of 3)', shippedInput.ms);
  const inputDiff = maxRelativeDifference(fastInput.values, shippedInput.values);
  console.log(
    `  genlib vs shipped Conv2DBackpropInput: max relative difference ${inputDiff.toExponential(2)}`,
  );
  if (!process.argv.includes('--skip-cpu')) {
    await tf.setBackend('cpu');
    const cpuFilter = await timeKernel('Conv2DBackpropFilter', filterInputs, filterAttrs, 1);
    line('cpu  Conv2DBackpropFilter (1 run)', cpuFilter.ms);
    const filterDiff = maxRelativeDifference(wasmFilter.values, cpuFilter.values);
    console.log(`  wasm vs cpu Conv2DBackpropFilter: max relative difference ${filterDiff.toExponential(2)}`);
    console.log(`  wasm (genlib) is ${(cpuFilter.ms / wasmFilter.ms).toFixed(0)}x faster than cpu`);
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
