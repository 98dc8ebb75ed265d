/**
 * The cpu profile's benchmark: does a DCGAN run produce digits the reference classifier recognises?
 *
 *   npx tsx lib/benchmarks/dcgan-cpu-profile.ts                 # train the cpu profile (runs/dcgan-cpu-bench), then score it
 *   npx tsx lib/benchmarks/dcgan-cpu-profile.ts --run runs/DIR  # score an existing run's generator
 *
 * Scoring: 1,000 images from the run's saved generator (fixed seed; the conditional variant cycles through
 * the classes) against the reference classifier: mean confidence, the smallest class fraction, the
 * Fréchet classifier distance and the other metrics beside the real-data baseline (1,000 held-out digits),
 * and the criterion: mean confidence >= 0.9 AND every class >= 5% of the samples. It also prints the run's
 * time per epoch (from its log) and the machine's load average, since other jobs slow the measurement.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { formatBackendReport, initBackend } from '../backend';
import { runCommand } from '../cli/run-command';
import { tfSeed } from '../data/random';
import { GeneratorEvaluator, metricsRecord } from '../metrics/generator-evaluation';
import { generateDcganImages } from '../models/dcgan';
import { dcganGeneratorInputs } from '../models/dcgan-sampling';
import { findCheckpoint, loadDcganGenerator } from '../training/dcgan-checkpoint';
import { readDcganRunConfig } from '../training/dcgan-config';
import { checkDcganQuality, type DcganQualityCheck, metricsComparisonTable } from '../training/dcgan-summary';
import { TrainingLog } from '../training/training-log';
import { tableText } from '../visualisation/table';

/** The score of one run. */
export interface DcganRunScore {
  runDir: string;
  step: number;
  epoch: number;
  generated: Record<string, number>;
  baseline: Record<string, number>;
  quality: DcganQualityCheck;
  /** Mean seconds per epoch over the run's log (undefined when the log has less than one epoch). */
  secondsPerEpoch?: number;
  secondsPerStep?: number;
  sampleCount: number;
}

/** Scores a run's saved generator with `sampleCount` images (default 1,000) beside the real baseline. */
export async function scoreDcganRun(runDir: string, sampleCount = 1000, seed = 2024): Promise<DcganRunScore> {
  await readDcganRunConfig(runDir); // a clear error when runDir is not a run
  const dir = await findCheckpoint(runDir);
  const state = dir ? JSON.parse(await fs.readFile(path.join(dir, 'state.json'), 'utf8')) : undefined;
  const generator = await loadDcganGenerator(runDir);
  const evaluator = await GeneratorEvaluator.create({ sampleCount });
  try {
    const { latentDim, numClasses } = dcganGeneratorInputs(generator);
    const noise = tf.randomNormal([sampleCount, latentDim], 0, 1, 'float32', tfSeed(seed)) as tf.Tensor2D;
    const labels = numClasses > 0 ? Array.from({ length: sampleCount }, (_, i) => i % numClasses) : undefined;
    const images = generateDcganImages(generator, noise, labels);
    const generated = metricsRecord(evaluator.evaluate(images, { range: 'symmetric' }));
    tf.dispose([noise, images]);
    const baseline = metricsRecord(evaluator.baseline());
    const log = state ? TrainingLog.fromJSON(state.log) : undefined;
    const step: number = state?.step ?? 0;
    const stepsPerEpoch = step > 0 && state.epoch > 0 ? step / state.epoch : undefined;
    const totalSeconds = log && log.length > 0 ? log.seconds[log.length - 1] : undefined;
    return {
      runDir,
      step,
      epoch: state?.epoch ?? 0,
      generated,
      baseline,
      quality: checkDcganQuality(generated),
      secondsPerStep: totalSeconds !== undefined && step > 0 ? totalSeconds / step : undefined,
      secondsPerEpoch:
        totalSeconds !== undefined && stepsPerEpoch !== undefined && state.epoch >= 1
          ? totalSeconds / state.epoch
          : undefined,
      sampleCount,
    };
  } finally {
    generator.dispose();
    evaluator.dispose();
  }
}

/** The score as text: the table, the criterion, the timings. */
export function formatDcganRunScore(score: DcganRunScore): string {
  const table = metricsComparisonTable([
    { name: `generated (step ${score.step})`, record: score.generated },
    { name: 'real held-out digits', record: score.baseline },
  ]);
  const lines = [
    tableText(table, { showDataTypes: false, caption: `${score.runDir}: ${score.sampleCount} images each` }),
    `Mean reference-classifier confidence: ${score.quality.meanConfidence.toFixed(3)}; smallest class: ${(100 * score.quality.minClassFraction).toFixed(1)}%; FCD ${score.generated.fcd.toFixed(2)} (real baseline ${score.baseline.fcd.toFixed(2)}).`,
    `Criterion (mean confidence >= 0.9 and every class >= 5%): ${score.quality.passed ? 'MET' : 'NOT met'}.`,
  ];
  if (score.secondsPerEpoch !== undefined && score.secondsPerStep !== undefined) {
    lines.push(
      `Training time: ${score.secondsPerEpoch.toFixed(1)} s per epoch, ${(1000 * score.secondsPerStep).toFixed(0)} ms per step (including grids, metrics, checkpoints).`,
    );
  }
  return lines.join('\n');
}

async function main(argv: string[]): Promise<number> {
  const runIndex = argv.indexOf('--run');
  let runDir = runIndex >= 0 ? argv[runIndex + 1] : undefined;
  if (runIndex >= 0 && !runDir) {
    console.error('--run needs a run directory.');
    return 2;
  }
  if (!runDir) {
    runDir = path.join('runs', 'dcgan-cpu-bench');
    const { main: train } = await import('../cli/train');
    const code = await train(['--profile', 'cpu', '--run-dir', runDir]);
    if (code !== 0) return code;
  } else {
    console.log(formatBackendReport(await initBackend()));
  }
  const score = await scoreDcganRun(runDir);
  console.log(`\n${formatDcganRunScore(score)}`);
  const [one, five, fifteen] = os.loadavg();
  console.log(
    `Machine: ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown CPU'}), load average now ${one.toFixed(2)} / ${five.toFixed(2)} / ${fifteen.toFixed(2)} (1 / 5 / 15 min).`,
  );
  return score.quality.passed ? 0 : 1;
}

if (require.main === module) runCommand(main);
