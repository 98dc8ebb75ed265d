/**
 * One benchmark configuration in its own Node process (started by `run-bench.ts` with `fork`): it
 * sets up the backend, builds the workload, and answers the parent's requests over the IPC channel,
 * so that the parent can interleave the repeats of all configurations.
 *
 *   requests:  { cmd: 'step' } | { cmd: 'profile', top: number } | { cmd: 'quit' }
 *   answers:   { ready: true, backend } | { error }
 *              | { ms, cpuMs, losses, tensors } | { kernels, byKernel }
 */
import * as tf from '@tensorflow/tfjs';
import { setUpTfjsConfig } from './bench-configs';
import { profileKernels, timingsByKernel } from './kernel-profile';
import { createTrainingStep, type WorkloadName } from './workloads';

/** A request from the parent. */
export type WorkerRequest = { cmd: 'step' } | { cmd: 'profile'; top: number } | { cmd: 'quit' };

function argument(name: string): string {
  const i = process.argv.indexOf(`--${name}`);
  const value = i >= 0 ? process.argv[i + 1] : undefined;
  if (value == null) throw new Error(`bench-worker: missing --${name}`);
  return value;
}

function send(message: object): void {
  process.send?.(message);
}

function cpuNowMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function main(): Promise<void> {
  const config = argument('config');
  const workload = argument('workload') as WorkloadName;
  const batchSize = Number(argument('batch'));
  let backend: string;
  let step: ReturnType<typeof createTrainingStep>;
  try {
    backend = await setUpTfjsConfig(config);
    step = createTrainingStep(workload, { batchSize });
  } catch (e) {
    send({ error: e instanceof Error ? e.message : String(e) });
    return;
  }
  send({ ready: true, backend, flops: step.flops, images: step.images });
  process.on('message', (request: WorkerRequest) => {
    try {
      if (request.cmd === 'quit') {
        step.dispose();
        process.disconnect?.();
        return;
      }
      if (request.cmd === 'step') {
        const cpu0 = cpuNowMs();
        const t0 = performance.now();
        const losses = step.run();
        const ms = performance.now() - t0;
        send({ ms, cpuMs: cpuNowMs() - cpu0, losses, tensors: tf.memory().numTensors });
        return;
      }
      if (request.cmd === 'profile') {
        const { kernels } = profileKernels(() => step.run());
        send({
          kernels: kernels.slice(0, request.top),
          byKernel: timingsByKernel(kernels).slice(0, request.top),
        });
      }
    } catch (e) {
      send({ error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
    }
  });
}

main().catch((e: unknown) => {
  send({ error: e instanceof Error ? e.message : String(e) });
});
