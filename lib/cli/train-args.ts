/**
 * The command lines of `npm run train` and `npm run generate`, parsed without side effects (no files, no
 * TensorFlow), so every argument error can be tested. Errors are {@link CliArgumentError}s whose message
 * says what was wrong and how to ask for help.
 */
import { DATASET_NAMES, type DatasetName } from '../data/catalog';
import { DCGAN_PROFILE_NAMES, type DcganProfileName } from '../training/dcgan-profiles';

/** A bad command line; the message names the option and the fix. */
export class CliArgumentError extends Error {
  override name = 'CliArgumentError';
}

/** What `npm run train -- ...` asked for. */
export interface TrainCliArgs {
  help: boolean;
  profile?: DcganProfileName;
  epochs?: number;
  batchSize?: number;
  dataset?: DatasetName;
  conditional: boolean;
  width?: number;
  learningRate?: number;
  labelSmoothing?: number;
  emaDecay?: number;
  runDir?: string;
  resume?: string;
  seed?: number;
  checkpointEvery?: number;
  metricsEvery?: number;
  metricsSamples?: number;
  /** Skip the sample metrics (no reference classifier needed). */
  noMetrics: boolean;
}

/** What `npm run generate -- ...` asked for. */
export interface GenerateCliArgs {
  help: boolean;
  run: string;
  count: number;
  /** Only this class (conditional runs). */
  classLabel?: number;
  /** A row per class (conditional runs). */
  rowPerClass: boolean;
  interpolate: boolean;
  out: string;
  seed: number;
}

/** `npm run train -- --help`. */
export const TRAIN_USAGE = `Usage: npm run train -- [options]

Trains the DCGAN of TensorFlow's tutorial and writes a run directory: config.json, samples/epoch-NNN.png
(a fixed-seed grid after every epoch), log.csv (losses, D(x), D(G(z)) per step), metrics.csv (sample
metrics) and checkpoint/ (both networks and both optimizers; Ctrl-C saves one and stops).
Without --profile, the profile follows the backend: gpu with tfjs-node-gpu on CUDA, else cpu.

Options:
  --profile quick|cpu|gpu   sizes of the run (quick: seconds; cpu: 15-30 min on 2 cores; gpu: the tutorial's)
  --epochs N                passes over the training images
  --batch-size N            images per step
  --dataset NAME            ${DATASET_NAMES.join(' | ')} (the full ones need \`npm run fetch-data -- mnist\`)
  --conditional             the conditional variant (class label in, digits of a chosen class out)
  --width X                 filter multiplier of both networks (1 = the tutorial's)
  --learning-rate X         Adam's learning rate
  --label-smoothing X       one-sided label smoothing of D's real target, in [0, 1)
  --ema-decay X             sample from a moving average of G's weights with this decay (0: off; e.g. 0.999)
  --run-dir DIR             where to write the run (default runs/dcgan-<profile>-<time>)
  --resume DIR              continue the run in DIR from its checkpoint (--epochs may extend it)
  --seed N                  seed of the weights, batch order, noise and dropout (default 1)
  --checkpoint-every N      save a checkpoint every N epochs (and at the end)
  --metrics-every N         sample metrics every N epochs (0: never)
  --metrics-samples N       generated images per metrics evaluation (default 1000)
  --no-metrics              skip the sample metrics
  --help                    show this help

Examples:
  npm run train -- --profile quick
  npm run train -- --epochs 30 --run-dir runs/long
  npm run train -- --resume runs/long --epochs 40`;

/** `npm run generate -- --help`. */
export const GENERATE_USAGE = `Usage: npm run generate -- --run DIR --out FILE.png [options]

Loads the generator saved in a training run's checkpoint and writes a grid of generated images.

Options:
  --run DIR         the run directory (written by npm run train)
  --out FILE.png    where to write the image grid
  --count N         number of images (default 64)
  --class K         only class K (conditional runs)
  --rows-per-class  one row per class (conditional runs; the default for them)
  --interpolate     walk the latent space: each row interpolates between two random points
  --seed N          seed of the noise (default 0)
  --help            show this help`;

type Spec =
  | { kind: 'flag' }
  | { kind: 'string' }
  | { kind: 'int'; min: number }
  | { kind: 'number'; min: number; maxExclusive?: number };

function help(command: string): string {
  return `Run \`npm run ${command} -- --help\` for the options.`;
}

function tokenise(
  argv: readonly string[],
  specs: Record<string, Spec>,
  command: string,
): Map<string, string | true> {
  const values = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      throw new CliArgumentError(`Unexpected argument '${arg}': options start with --. ${help(command)}`);
    }
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
    const spec = specs[name];
    if (!spec) throw new CliArgumentError(`Unknown option --${name}. ${help(command)}`);
    if (values.has(name)) throw new CliArgumentError(`--${name} is given twice.`);
    if (spec.kind === 'flag') {
      if (eq !== -1) throw new CliArgumentError(`--${name} takes no value.`);
      values.set(name, true);
      continue;
    }
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) {
        throw new CliArgumentError(`--${name} needs a value. ${help(command)}`);
      }
      i++;
    }
    if (value === '') throw new CliArgumentError(`--${name} needs a value. ${help(command)}`);
    values.set(name, value);
  }
  return values;
}

function intValue(name: string, text: string, min: number): number {
  if (!/^[+-]?\d+$/.test(text.trim())) {
    throw new CliArgumentError(`--${name} must be a whole number, got '${text}'.`);
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value) || value < min) {
    throw new CliArgumentError(`--${name} must be a whole number >= ${min}, got ${text}.`);
  }
  return value;
}

function numberValue(name: string, text: string, min: number, maxExclusive?: number): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) {
    throw new CliArgumentError(`--${name} must be a number, got '${text}'.`);
  }
  if (value < min || (maxExclusive !== undefined && value >= maxExclusive)) {
    const range = maxExclusive === undefined ? `>= ${min}` : `in [${min}, ${maxExclusive})`;
    throw new CliArgumentError(`--${name} must be ${range}, got ${text}.`);
  }
  return value;
}

function typed(
  values: Map<string, string | true>,
  specs: Record<string, Spec>,
): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [name, raw] of values) {
    const spec = specs[name];
    if (spec.kind === 'flag') out[name] = true;
    else if (spec.kind === 'string') out[name] = raw as string;
    else if (spec.kind === 'int') out[name] = intValue(name, raw as string, spec.min);
    else out[name] = numberValue(name, raw as string, spec.min, spec.maxExclusive);
  }
  return out;
}

const TRAIN_SPECS: Record<string, Spec> = {
  help: { kind: 'flag' },
  profile: { kind: 'string' },
  epochs: { kind: 'int', min: 1 },
  'batch-size': { kind: 'int', min: 1 },
  dataset: { kind: 'string' },
  conditional: { kind: 'flag' },
  width: { kind: 'number', min: Number.MIN_VALUE },
  'learning-rate': { kind: 'number', min: Number.MIN_VALUE },
  'label-smoothing': { kind: 'number', min: 0, maxExclusive: 1 },
  'ema-decay': { kind: 'number', min: 0, maxExclusive: 1 },
  'run-dir': { kind: 'string' },
  resume: { kind: 'string' },
  seed: { kind: 'int', min: 0 },
  'checkpoint-every': { kind: 'int', min: 1 },
  'metrics-every': { kind: 'int', min: 0 },
  'metrics-samples': { kind: 'int', min: 10 },
  'no-metrics': { kind: 'flag' },
};

/** Options that a resumed run takes from its config.json and may not change. */
const FIXED_WHEN_RESUMING = [
  'profile',
  'batch-size',
  'dataset',
  'conditional',
  'width',
  'learning-rate',
  'label-smoothing',
  'ema-decay',
  'run-dir',
  'seed',
  'checkpoint-every',
  'metrics-every',
  'metrics-samples',
];

/**
 * Parses `npm run train -- ...` arguments.
 * @throws CliArgumentError on an unknown option, a missing or bad value, or options that conflict.
 */
export function parseTrainArgs(argv: readonly string[]): TrainCliArgs {
  const values = tokenise(argv, TRAIN_SPECS, 'train');
  if (values.has('help')) return { help: true, conditional: false, noMetrics: false };
  const v = typed(values, TRAIN_SPECS);
  const profile = v.profile as string | undefined;
  if (profile !== undefined && !(DCGAN_PROFILE_NAMES as readonly string[]).includes(profile)) {
    throw new CliArgumentError(
      `--profile must be one of ${DCGAN_PROFILE_NAMES.join(', ')}, got '${profile}'.`,
    );
  }
  const dataset = v.dataset as string | undefined;
  if (dataset !== undefined && !(DATASET_NAMES as readonly string[]).includes(dataset)) {
    throw new CliArgumentError(`--dataset must be one of ${DATASET_NAMES.join(', ')}, got '${dataset}'.`);
  }
  if (values.has('resume')) {
    const fixed = FIXED_WHEN_RESUMING.filter((name) => values.has(name));
    if (fixed.length > 0) {
      throw new CliArgumentError(
        `--resume continues a run with its own settings (its config.json); ${fixed.map((n) => `--${n}`).join(', ')} ` +
          'cannot be changed. Only --epochs (to extend the run) and --no-metrics go with --resume.',
      );
    }
  }
  if (values.has('no-metrics') && (values.has('metrics-every') || values.has('metrics-samples'))) {
    throw new CliArgumentError('--no-metrics cannot be combined with --metrics-every or --metrics-samples.');
  }
  return {
    help: false,
    profile: profile as DcganProfileName | undefined,
    epochs: v.epochs as number | undefined,
    batchSize: v['batch-size'] as number | undefined,
    dataset: dataset as DatasetName | undefined,
    conditional: v.conditional === true,
    width: v.width as number | undefined,
    learningRate: v['learning-rate'] as number | undefined,
    labelSmoothing: v['label-smoothing'] as number | undefined,
    emaDecay: v['ema-decay'] as number | undefined,
    runDir: v['run-dir'] as string | undefined,
    resume: v.resume as string | undefined,
    seed: v.seed as number | undefined,
    checkpointEvery: v['checkpoint-every'] as number | undefined,
    metricsEvery: v['metrics-every'] as number | undefined,
    metricsSamples: v['metrics-samples'] as number | undefined,
    noMetrics: v['no-metrics'] === true,
  };
}

const GENERATE_SPECS: Record<string, Spec> = {
  help: { kind: 'flag' },
  run: { kind: 'string' },
  out: { kind: 'string' },
  count: { kind: 'int', min: 1 },
  class: { kind: 'int', min: 0 },
  'rows-per-class': { kind: 'flag' },
  interpolate: { kind: 'flag' },
  seed: { kind: 'int', min: 0 },
};

/**
 * Parses `npm run generate -- ...` arguments.
 * @throws CliArgumentError on an unknown option, a bad value, a missing --run or --out, or a conflict.
 */
export function parseGenerateArgs(argv: readonly string[]): GenerateCliArgs {
  const values = tokenise(argv, GENERATE_SPECS, 'generate');
  const v = typed(values, GENERATE_SPECS);
  if (values.has('help')) {
    return { help: true, run: '', out: '', count: 64, rowPerClass: false, interpolate: false, seed: 0 };
  }
  if (v.run === undefined)
    throw new CliArgumentError(`--run DIR is required (a training run's directory). ${help('generate')}`);
  if (v.out === undefined) throw new CliArgumentError(`--out FILE.png is required. ${help('generate')}`);
  if (!String(v.out).toLowerCase().endsWith('.png')) {
    throw new CliArgumentError(`--out must name a .png file, got '${v.out}'.`);
  }
  const classLabel = v.class as number | undefined;
  const rowPerClass = v['rows-per-class'] === true;
  if (classLabel !== undefined && rowPerClass) {
    throw new CliArgumentError(
      '--class and --rows-per-class exclude each other: pick one class, or a row per class.',
    );
  }
  if (values.has('interpolate') && rowPerClass) {
    throw new CliArgumentError('--interpolate and --rows-per-class exclude each other.');
  }
  return {
    help: false,
    run: v.run as string,
    out: v.out as string,
    count: (v.count as number | undefined) ?? 64,
    classLabel,
    rowPerClass,
    interpolate: v.interpolate === true,
    seed: (v.seed as number | undefined) ?? 0,
  };
}
