import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import * as tf from '@tensorflow/tfjs';
import { initBackend, registerWasmTrainingKernels } from '../../lib/backend';
import { batchMatMulWasmConfig } from '../../lib/backend/wasm-kernels';

/** Deterministic values in [-1, 1). */
function values(n: number, seed: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 1000 + i * 12.9898) % 1);
}

async function on(
  backend: 'cpu' | 'wasm',
  fn: () => tf.Tensor,
): Promise<{ shape: number[]; data: Float32Array }> {
  await tf.setBackend(backend);
  const out = tf.tidy(fn);
  const result = { shape: out.shape, data: out.dataSync() as Float32Array };
  out.dispose();
  return result;
}

function assertClose(actual: { shape: number[]; data: Float32Array }, expected: typeof actual, what: string) {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  for (let i = 0; i < expected.data.length; i++) {
    const tolerance = 1e-4 + 1e-5 * Math.abs(expected.data[i]);
    assert.ok(
      Math.abs(actual.data[i] - expected.data[i]) <= tolerance,
      `${what}[${i}]: ${actual.data[i]} on wasm, ${expected.data[i]} on cpu`,
    );
  }
}

const CASES: { a: number[]; b: number[]; transposeA: boolean; transposeB: boolean }[] = [
  { a: [5, 3], b: [5, 4], transposeA: true, transposeB: false },
  { a: [3, 5], b: [4, 5], transposeA: false, transposeB: true },
  { a: [5, 3], b: [4, 5], transposeA: true, transposeB: true },
  { a: [3, 5], b: [5, 4], transposeA: false, transposeB: false },
  { a: [2, 6, 3], b: [2, 6, 4], transposeA: true, transposeB: false },
  { a: [2, 3, 6], b: [2, 4, 6], transposeA: false, transposeB: true },
  { a: [1, 6, 3], b: [3, 4, 6], transposeA: true, transposeB: true },
  { a: [2, 2, 7, 3], b: [2, 2, 7, 5], transposeA: true, transposeB: false },
  { a: [64, 300], b: [64, 40], transposeA: true, transposeB: false },
];

before(async () => {
  await initBackend({ force: 'wasm', env: {} });
});

describe('wasm BatchMatMul with transposed operands', () => {
  it('is genlib’s wrapper, registered once', () => {
    assert.equal(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc, batchMatMulWasmConfig.kernelFunc);
    assert.ok(!registerWasmTrainingKernels().includes('BatchMatMul'));
  });

  for (const c of CASES) {
    it(`a ${c.a} b ${c.b} transposeA ${c.transposeA} transposeB ${c.transposeB} equals cpu, no leaks`, async () => {
      const run = () =>
        tf.matMul(
          tf.tensor(
            values(
              c.a.reduce((p, d) => p * d, 1),
              1,
            ),
            c.a,
          ),
          tf.tensor(
            values(
              c.b.reduce((p, d) => p * d, 1),
              2,
            ),
            c.b,
          ),
          c.transposeA,
          c.transposeB,
        );
      const expected = await on('cpu', run);
      await tf.setBackend('wasm');
      const before = tf.memory().numTensors;
      const dataBefore = tf.backend().numDataIds(); // counts the kernel's own intermediates too
      assertClose(await on('wasm', run), expected, 'product');
      assert.equal(tf.memory().numTensors, before);
      assert.equal(tf.backend().numDataIds(), dataBefore);
    });
  }

  it('gives a dense layer the same gradients as on cpu', async () => {
    const grads = () =>
      tf.tidy(() => {
        const x = tf.tensor2d(values(8 * 20, 3), [8, 20]);
        const w = tf.tensor2d(values(20 * 6, 4), [20, 6]);
        const [gx, gw] = tf.grads((xx: tf.Tensor, ww: tf.Tensor) => tf.matMul(xx, ww).square().sum())([x, w]);
        return tf.concat([gx.flatten(), gw.flatten()]);
      });
    assertClose(await on('wasm', grads), await on('cpu', grads), 'gradients');
  });
});
