/**
 * `npm run doctor` (`npx tsx lib/cli/doctor.ts`): initialises TensorFlow.js the way the notebooks
 * do, prints which backend is in use, why no faster one is, and what to do about it, then checks
 * that a small convolution gradient runs. Exit code 0, or 1 when a forced backend
 * (GENLIB_BACKEND) is unavailable or the check fails.
 *
 * Flags: `--json` prints the report as JSON; `--no-check` skips the convolution check.
 */
import * as tf from '@tensorflow/tfjs';
import { formatBackendReport, initBackend } from '../backend';

async function convGradientCheck(): Promise<string> {
  const started = performance.now();
  const norm = tf.tidy(() => {
    const x = tf.randomNormal([8, 28, 28, 1]);
    const w1 = tf.randomNormal([5, 5, 1, 16], 0, 0.1);
    const w2 = tf.randomNormal([5, 5, 16, 32], 0, 0.1);
    const loss = (a: tf.Tensor4D, b: tf.Tensor4D) =>
      tf
        .conv2d(tf.leakyRelu(tf.conv2d(x as tf.Tensor4D, a, 2, 'same')), b, 2, 'same')
        .square()
        .mean();
    const [g1, g2] = tf.grads((a: tf.Tensor, b: tf.Tensor) => loss(a as tf.Tensor4D, b as tf.Tensor4D))([
      w1,
      w2,
    ]);
    return tf.add(g1.norm(), g2.norm());
  });
  const value = (await norm.data())[0];
  norm.dispose();
  if (!Number.isFinite(value)) throw new Error(`the gradient is not finite (${value})`);
  return `conv2d gradient check: OK (${(performance.now() - started).toFixed(0)} ms for two 5x5 conv layers, batch 8)`;
}

async function main(argv: string[]): Promise<number> {
  let report: Awaited<ReturnType<typeof initBackend>>;
  try {
    report = await initBackend();
  } catch (e) {
    console.error(`genlib doctor: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
  if (argv.includes('--json')) {
    console.log(JSON.stringify(report, null, 2));
  } else {
    console.log(formatBackendReport(report, { showSlower: true }));
  }
  if (!argv.includes('--no-check') && !argv.includes('--json')) {
    try {
      console.log(`\n${await convGradientCheck()}`);
    } catch (e) {
      console.error(
        `\nconv2d gradient check FAILED on '${report.chosen}': ${e instanceof Error ? e.message : String(e)}`,
      );
      return 1;
    }
  }
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  },
);
