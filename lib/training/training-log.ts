import pl from 'nodejs-polars';

/** Named numbers recorded at one training step (losses, accuracies, D(x), ...). */
export type StepMetrics = Record<string, number>;

/** A {@link TrainingLog} as plain JSON (NaN stored as null), for checkpoints. */
export interface TrainingLogJson {
  steps: number[];
  seconds: number[];
  columns: Record<string, (number | null)[]>;
}

/**
 * The record of a training run: one row per logged step, one column per metric, plus the step number and
 * the seconds since the run started. Columns that a step did not report hold NaN in that row.
 */
export class TrainingLog {
  readonly steps: number[] = [];
  readonly seconds: number[] = [];
  private readonly columns = new Map<string, number[]>();

  /** Appends one row. */
  push(step: number, seconds: number, metrics: StepMetrics): void {
    const row = this.steps.length;
    this.steps.push(step);
    this.seconds.push(seconds);
    for (const name of Object.keys(metrics)) {
      if (!this.columns.has(name)) this.columns.set(name, new Array(row).fill(Number.NaN));
    }
    for (const [name, values] of this.columns) values.push(metrics[name] ?? Number.NaN);
  }

  /**
   * Adds metrics to the last row (e.g. an evaluation run by a periodic callback after the step was logged).
   * A new column holds NaN in the earlier rows; a value already in the row is replaced.
   * @throws Error when the log has no row yet.
   */
  addToLastRow(metrics: StepMetrics): void {
    const row = this.steps.length - 1;
    if (row < 0) throw new Error('addToLastRow: the training log has no row yet (log a step first).');
    for (const [name, value] of Object.entries(metrics)) {
      let values = this.columns.get(name);
      if (!values) {
        values = new Array(this.steps.length).fill(Number.NaN);
        this.columns.set(name, values);
      }
      values[row] = value;
    }
  }

  /** Number of rows. */
  get length(): number {
    return this.steps.length;
  }

  /** The metric names, in the order they first appeared. */
  get metricNames(): string[] {
    return [...this.columns.keys()];
  }

  /** All values of one metric. @throws Error naming the known metrics when `name` is not one. */
  column(name: string): number[] {
    const values = this.columns.get(name);
    if (!values)
      throw new Error(`No metric '${name}' in this training log (it has: ${this.metricNames.join(', ')})`);
    return values;
  }

  /** The metrics of the last row (empty before the first step). */
  last(): StepMetrics {
    const row = this.length - 1;
    return Object.fromEntries(this.metricNames.map((name) => [name, this.column(name)[row]]));
  }

  /** The log as plain JSON (exact: numbers keep every digit; NaN becomes null). */
  toJSON(): TrainingLogJson {
    const columns: Record<string, (number | null)[]> = {};
    for (const [name, values] of this.columns) {
      columns[name] = values.map((v) => (Number.isNaN(v) ? null : v));
    }
    return { steps: [...this.steps], seconds: [...this.seconds], columns };
  }

  /** Rebuilds a log from {@link TrainingLog.toJSON}'s output. @throws Error when the columns' lengths differ. */
  static fromJSON(json: TrainingLogJson): TrainingLog {
    const log = new TrainingLog();
    const rows = json.steps.length;
    if (json.seconds.length !== rows)
      throw new Error('Training log JSON: steps and seconds differ in length.');
    for (const [name, values] of Object.entries(json.columns)) {
      if (values.length !== rows) {
        throw new Error(`Training log JSON: column '${name}' has ${values.length} rows, expected ${rows}.`);
      }
      log.columns.set(
        name,
        values.map((v) => (v === null ? Number.NaN : v)),
      );
    }
    log.steps.push(...json.steps);
    log.seconds.push(...json.seconds);
    return log;
  }

  /** The log as a polars DataFrame with columns `step`, `seconds` and one per metric. */
  toDataFrame(): pl.DataFrame {
    return pl.DataFrame({
      step: this.steps,
      seconds: this.seconds,
      ...Object.fromEntries(this.columns),
    });
  }
}
