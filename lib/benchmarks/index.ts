/**
 * Benchmarks: the training steps `npm run bench` times (DCGAN tutorial, MLP GAN, conv autoencoder),
 * FLOP counts from layer shapes, a per-kernel profiler, and the results table.
 */
export { type BenchConfig, benchConfigs } from './bench-configs';
export {
  type BenchResult,
  type BenchSummary,
  benchCsv,
  formatBenchTable,
  median,
  summarize,
} from './bench-table';
export { type DcganRunScore, formatDcganRunScore, scoreDcganRun } from './dcgan-cpu-profile';
export { type LayerFlops, layerFlops } from './flops';
export { type KernelTiming, profileKernels, timingsByKernel } from './kernel-profile';
export {
  type AdversarialStepOptions,
  buildConvAutoencoder,
  buildMlpDiscriminator,
  buildMlpGenerator,
  createAdversarialStep,
  createTrainingStep,
  type TrainingStep,
  WORKLOAD_DESCRIPTIONS,
  WORKLOAD_NAMES,
  type WorkloadName,
  type WorkloadOptions,
} from './workloads';
