/**
 * `npm run train -- [options]`: trains the DCGAN (TensorFlow's tutorial architecture) with the trainer the
 * notebook uses, in a run directory, with a terminal progress bar. `--help` lists the options.
 *
 * It prints the backend report first, then the profile and why, trains (Ctrl-C: the current step finishes,
 * a checkpoint is saved, the run stops; `--resume DIR` continues it), and ends with the per-epoch time, the
 * final sample metrics beside the real-data baseline and the quality criterion of the cpu profile.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { formatBackendReport, initBackend } from '../backend';
import { DatasetUnavailableError, requireDataset } from '../data/catalog';
import { GeneratorEvaluator, metricsRecord } from '../metrics/generator-evaluation';
import { readDcganRunConfig } from '../training/dcgan-config';
import { DCGAN_PROFILES } from '../training/dcgan-profiles';
import { checkDcganQuality, metricsComparisonTable } from '../training/dcgan-summary';
import { DcganDivergedError, DcganTrainer } from '../training/dcgan-trainer';
import { tableText } from '../visualisation/table';
import { type CommandIo, consoleIo, parseCommandLine, runCommand } from './run-command';
import { parseTrainArgs, TRAIN_USAGE, type TrainCliArgs } from './train-args';

/** Where the command writes; tests pass their own. */
export type TrainIo = CommandIo;

/** A path relative to the working directory when it lies inside it, else absolute. */
function displayPath(p: string): string {
  const relative = path.relative(process.cwd(), p);
  return relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : path.resolve(p);
}

function mean(values: number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/** Checks what can be checked before loading TensorFlow; returns an error message or undefined. */
export async function checkTrainPreconditions(args: TrainCliArgs): Promise<string | undefined> {
  if (args.resume !== undefined) {
    const dir = path.resolve(args.resume);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      return `--resume ${args.resume}: no such run directory. Give the folder a training run wrote (see runs/).`;
    }
    try {
      const config = await readDcganRunConfig(dir);
      requireDataset(config.dataset);
    } catch (error) {
      return (error as Error).message;
    }
    return undefined;
  }
  const dataset = args.dataset ?? (args.profile ? DCGAN_PROFILES[args.profile].dataset : undefined);
  if (dataset !== undefined) {
    try {
      requireDataset(dataset);
    } catch (error) {
      if (error instanceof DatasetUnavailableError) return error.message;
      throw error;
    }
  }
  return undefined;
}

/** Runs the command; returns the exit code (0 done, 1 failure, 2 bad arguments, 130 interrupted). */
export async function main(argv: string[], io: TrainIo = consoleIo): Promise<number> {
  const args = parseCommandLine('train', argv, parseTrainArgs, TRAIN_USAGE, io);
  if (typeof args === 'number') return args;
  const problem = await checkTrainPreconditions(args);
  if (problem) {
    io.err(`npm run train: ${problem}`);
    return 2;
  }
  const report = await initBackend();
  io.out(formatBackendReport(report));
  io.out('');

  let evaluator: GeneratorEvaluator | undefined;
  const session = {
    progress: 'auto' as const,
    exitOnSecondInterrupt: true,
    events: {
      onEpochEnd: (e: { epoch: number; epochSeconds: number; samplePath: string }) =>
        io.out(`epoch ${e.epoch}: ${e.epochSeconds.toFixed(1)} s, samples in ${displayPath(e.samplePath)}`),
      onMetrics: (row: { epoch: number; record: Record<string, number> }) =>
        io.out(
          `epoch ${row.epoch} metrics: FCD ${row.record.fcd?.toFixed(2)}, mean confidence ${row.record.meanConfidence?.toFixed(3)}, ` +
            `smallest class ${(100 * (row.record.minClassFraction ?? Number.NaN)).toFixed(1)}%`,
        ),
      onCheckpoint: (e: { dir: string; step: number; reason: string }) =>
        io.out(`checkpoint (${e.reason}) at step ${e.step}: ${displayPath(e.dir)}`),
    },
  };
  let trainer: DcganTrainer;
  if (args.resume !== undefined) {
    trainer = await DcganTrainer.resume(args.resume, { ...session, epochs: args.epochs });
    io.out(
      `Resuming ${trainer.runDir} at step ${trainer.step} (epoch ${trainer.epoch.toFixed(2)} of ${trainer.config.epochs}).`,
    );
  } else {
    trainer = await DcganTrainer.create({
      ...session,
      profile: args.profile,
      epochs: args.epochs,
      batchSize: args.batchSize,
      dataset: args.dataset,
      conditional: args.conditional || undefined,
      width: args.width,
      learningRate: args.learningRate,
      labelSmoothing: args.labelSmoothing,
      emaDecay: args.emaDecay,
      runDir: args.runDir,
      seed: args.seed,
      checkpointEvery: args.checkpointEvery,
      metricsEvery: args.metricsEvery,
      metricsSamples: args.metricsSamples,
    });
  }
  const c = trainer.config;
  io.out(
    `Profile ${c.profile}: ${c.dataset}${c.trainLimit ? ` (first ${c.trainLimit})` : ''}, ${trainer.data.images.shape[0]} images, ` +
      `${c.epochs} epochs x ${trainer.schedule.stepsPerEpoch} steps of ${c.batchSize}, width ${c.width}` +
      `${c.conditional ? ', conditional' : ''}${c.emaDecay > 0 ? `, weight average ${c.emaDecay}` : ''}, Adam ${c.learningRate} (beta1 ${c.beta1}), seed ${c.seed}.`,
  );
  io.out(`Run directory: ${trainer.runDir}`);
  if (!args.noMetrics && c.metricsEvery > 0) {
    evaluator = await GeneratorEvaluator.create({ sampleCount: c.metricsSamples });
    trainer.setEvaluate({ evaluator });
  }
  try {
    const result = await trainer.train();
    io.out('');
    io.out(
      `${result.outcome} at step ${result.step} (epoch ${result.epoch.toFixed(2)}) in ${result.seconds.toFixed(0)} s.`,
    );
    if (trainer.epochSeconds.length > 0) {
      const steps = trainer.schedule.stepsPerEpoch;
      const perEpoch = mean(trainer.epochSeconds);
      io.out(
        `Time per epoch: mean ${perEpoch.toFixed(1)} s (${((1000 * perEpoch) / steps).toFixed(0)} ms per step incl. grids and checkpoints).`,
      );
    }
    if (result.outcome === 'interrupted') {
      io.out(`Stopped by Ctrl-C. Continue with: npm run train -- --resume ${displayPath(trainer.runDir)}`);
      return 130;
    }
    const last = trainer.metricsHistory[trainer.metricsHistory.length - 1];
    if (evaluator && last) {
      const baseline = metricsRecord(evaluator.baseline());
      const table = metricsComparisonTable([
        { name: `generated (epoch ${last.epoch})`, record: last.record },
        { name: 'real held-out digits', record: baseline },
      ]);
      io.out(
        `\n${tableText(table, { showDataTypes: false, caption: `Final sample metrics (${evaluator.sampleCount} images each):` })}`,
      );
      io.out(`Quality criterion: ${checkDcganQuality(last.record).summary}`);
    }
    io.out(
      `\nGenerate digits from it: npm run generate -- --run ${displayPath(trainer.runDir)} --out samples.png`,
    );
    return 0;
  } catch (error) {
    if (error instanceof DcganDivergedError) {
      io.err(`\n${error.message}`);
      return 1;
    }
    throw error;
  } finally {
    trainer.dispose();
    evaluator?.dispose();
  }
}

if (require.main === module) runCommand(main);
