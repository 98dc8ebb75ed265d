import * as tf from '@tensorflow/tfjs';
import { createProgress, type ProgressMode } from '../visualisation/progress';
import { type StepMetrics, TrainingLog } from './training-log';

/** Thrown when a step reports a NaN or infinite metric; what was logged before it is kept in `log`. */
export class NonFiniteMetricError extends Error {
  override name = 'NonFiniteMetricError';
  constructor(
    readonly step: number,
    readonly metrics: StepMetrics,
    readonly log: TrainingLog,
  ) {
    const bad = Object.entries(metrics)
      .filter(([, value]) => !Number.isFinite(value))
      .map(([name, value]) => `${name}=${value}`)
      .join(', ');
    super(
      `Training stopped at step ${step}: ${bad}. The loss diverged: lower the learning rate, check the ` +
        `input range and the loss function. The log up to step ${step - 1} is kept in error.log.`,
    );
  }
}

/** Something to do every `every` steps (a sample grid, a live chart, an evaluation). */
export interface PeriodicCallback {
  every: number;
  run: (step: number, log: TrainingLog) => void | Promise<void>;
}

/** Options of {@link runTrainingLoop}. */
export interface TrainingLoopOptions {
  /** Number of steps to run. */
  steps: number;
  /** Name shown by the progress display. Default 'training'. */
  label?: string;
  /** Progress display mode (see createProgress). Default 'auto'; 'silent' for none. */
  progress?: ProgressMode;
  /** Stop with a {@link NonFiniteMetricError} when a metric is NaN or infinite. Default true. */
  stopOnNonFinite?: boolean;
  /** Called after the steps they name, and after the last step. */
  callbacks?: PeriodicCallback[];
  /** Check that the number of live tensors does not grow after the first step. Default true. */
  checkTensorLeaks?: boolean;
  /**
   * The first step to run (a resumed run continues at the step after its checkpoint). Steps run from
   * `startStep` to `steps`, and callbacks are due by the step number. Default 1.
   */
  startStep?: number;
  /** Append to this log (a resumed run's log so far) instead of a new one; its seconds carry on. */
  log?: TrainingLog;
  /** Checked after every step (and its callbacks): true ends the loop early and returns the log so far. */
  shouldStop?: () => boolean;
}

/**
 * Runs `step(i)` for i = startStep..steps (from 1 unless resuming), logging the metrics each step returns, with a live progress display,
 * periodic callbacks, and two guards that every training loop in this collection shares: a NaN or infinite
 * metric stops the run with a clear error, and a step that leaves tensors behind is reported.
 *
 * The step function does the actual work (batch, loss, `optimizer.minimize`) and returns plain numbers.
 * The first step may create tensors that live on (an optimizer's state); the tensor count after it is the
 * baseline that later steps must keep.
 */
export async function runTrainingLoop(
  options: TrainingLoopOptions,
  step: (step: number) => StepMetrics | Promise<StepMetrics>,
): Promise<TrainingLog> {
  const {
    steps,
    label = 'training',
    stopOnNonFinite = true,
    callbacks = [],
    checkTensorLeaks = true,
    startStep = 1,
  } = options;
  if (!Number.isInteger(steps) || steps < 0)
    throw new RangeError(`steps must be an integer >= 0, got ${steps}`);
  for (const callback of callbacks) {
    if (!Number.isInteger(callback.every) || callback.every < 1) {
      throw new RangeError(`callback 'every' must be an integer >= 1, got ${callback.every}`);
    }
  }
  if (!Number.isInteger(startStep) || startStep < 1)
    throw new RangeError(`startStep must be an integer >= 1, got ${startStep}`);
  const log = options.log ?? new TrainingLog();
  const progress = createProgress({ total: steps, label, mode: options.progress ?? 'auto' });
  const secondsBefore = log.length > 0 ? log.seconds[log.length - 1] : 0;
  const startedAt = performance.now() - secondsBefore * 1000;
  let baselineTensors: number | undefined;
  for (let i = startStep; i <= steps; i++) {
    const metrics = await step(i);
    if (stopOnNonFinite && Object.values(metrics).some((value) => !Number.isFinite(value))) {
      progress.done(metrics);
      throw new NonFiniteMetricError(i, metrics, log);
    }
    log.push(i, (performance.now() - startedAt) / 1000, metrics);
    if (checkTensorLeaks) {
      const live = tf.memory().numTensors;
      if (baselineTensors === undefined) baselineTensors = live;
      else if (live > baselineTensors) {
        throw new Error(
          `Step ${i} left ${live - baselineTensors} tensor(s) behind (${live} live, ${baselineTensors} after step ${startStep}): ` +
            'wrap the step in tf.tidy or dispose what it creates.',
        );
      }
    }
    progress.update(i, metrics);
    const due = callbacks.filter((callback) => i % callback.every === 0 || i === steps);
    for (const callback of due) await callback.run(i, log);
    // Callbacks may keep tensors on purpose (a cached evaluation batch): the next step is measured from here.
    if (due.length > 0 && baselineTensors !== undefined) baselineTensors = tf.memory().numTensors;
    // Let pending I/O run (a notebook kernel sends progress and charts only when the loop yields).
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (options.shouldStop?.()) break;
  }
  progress.done(log.last());
  return log;
}
