import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { main as generateMain } from '../../lib/cli/generate';
import { main as trainMain } from '../../lib/cli/train';
import { CliArgumentError, parseGenerateArgs, parseTrainArgs } from '../../lib/cli/train-args';
import { locateDataset } from '../../lib/data/catalog';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (l: string) => out.push(l), err: (l: string) => err.push(l) }, out, err };
}

describe('npm run train / generate: arguments', () => {
  test('parses every option, in both --name value and --name=value forms', () => {
    const args = parseTrainArgs([
      '--profile',
      'cpu',
      '--epochs=30',
      '--batch-size',
      '128',
      '--dataset',
      'fashion-mnist',
      '--conditional',
      '--width',
      '0.5',
      '--learning-rate',
      '2e-4',
      '--label-smoothing',
      '0.1',
      '--run-dir',
      'runs/x',
      '--seed',
      '0',
      '--checkpoint-every',
      '2',
      '--metrics-every',
      '0',
    ]);
    assert.deepEqual(args, {
      help: false,
      profile: 'cpu',
      epochs: 30,
      batchSize: 128,
      dataset: 'fashion-mnist',
      conditional: true,
      width: 0.5,
      learningRate: 2e-4,
      labelSmoothing: 0.1,
      emaDecay: undefined,
      runDir: 'runs/x',
      resume: undefined,
      seed: 0,
      checkpointEvery: 2,
      metricsEvery: 0,
      metricsSamples: undefined,
      noMetrics: false,
    });
    assert.equal(parseTrainArgs(['--help']).help, true);
    assert.deepEqual(parseTrainArgs(['--resume', 'runs/x', '--epochs', '40']).resume, 'runs/x');
  });

  const errors: [string[], RegExp][] = [
    [['--epoch', '3'], /Unknown option --epoch\. Run `npm run train -- --help`/],
    [['--epochs'], /--epochs needs a value/],
    [['--epochs', '--seed', '1'], /--epochs needs a value/],
    [['--epochs', 'ten'], /--epochs must be a whole number, got 'ten'/],
    [['--epochs', '2.5'], /--epochs must be a whole number/],
    [['--epochs', '0'], /--epochs must be a whole number >= 1, got 0/],
    [['--batch-size', '-4'], /--batch-size must be a whole number >= 1/],
    [['--learning-rate', 'fast'], /--learning-rate must be a number, got 'fast'/],
    [['--label-smoothing', '1'], /--label-smoothing must be in \[0, 1\)/],
    [['--profile', 'tpu'], /--profile must be one of quick, cpu, gpu, got 'tpu'/],
    [['--dataset', 'cifar'], /--dataset must be one of mnist-10k, mnist, fashion-mnist/],
    [['--conditional=yes'], /--conditional takes no value/],
    [['--seed', '1', '--seed', '2'], /--seed is given twice/],
    [['cpu'], /Unexpected argument 'cpu': options start with --/],
    [
      ['--resume', 'runs/x', '--profile', 'gpu'],
      /--resume continues a run with its own settings.*--profile cannot be changed/,
    ],
    [['--no-metrics', '--metrics-every', '2'], /--no-metrics cannot be combined/],
  ];
  for (const [argv, pattern] of errors) {
    test(`rejects ${argv.join(' ')}`, () => {
      assert.throws(
        () => parseTrainArgs(argv),
        (e: unknown) => e instanceof CliArgumentError && pattern.test(e.message),
      );
    });
  }

  test('generate: required options, defaults and conflicts', () => {
    assert.deepEqual(parseGenerateArgs(['--run', 'runs/x', '--out', 'a.png']), {
      help: false,
      run: 'runs/x',
      out: 'a.png',
      count: 64,
      classLabel: undefined,
      rowPerClass: false,
      interpolate: false,
      seed: 0,
    });
    assert.equal(parseGenerateArgs(['--run', 'r', '--out', 'a.png', '--class', '3']).classLabel, 3);
    assert.throws(() => parseGenerateArgs(['--out', 'a.png']), /--run DIR is required/);
    assert.throws(() => parseGenerateArgs(['--run', 'r']), /--out FILE.png is required/);
    assert.throws(() => parseGenerateArgs(['--run', 'r', '--out', 'a.jpg']), /--out must name a \.png file/);
    assert.throws(
      () => parseGenerateArgs(['--run', 'r', '--out', 'a.png', '--count', '0']),
      /--count must be a whole number >= 1/,
    );
    assert.throws(
      () => parseGenerateArgs(['--run', 'r', '--out', 'a.png', '--class', '3', '--rows-per-class']),
      /exclude each other/,
    );
  });
});

describe('npm run train / generate: errors before training', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dcgan-cli-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('--help prints the usage; a bad argument exits with code 2 and says how to get help', async () => {
    const help = capture();
    assert.equal(await trainMain(['--help'], help.io), 0);
    assert.match(help.out.join('\n'), /Usage: npm run train -- \[options\]/);
    const bad = capture();
    assert.equal(await trainMain(['--epochs', 'x'], bad.io), 2);
    assert.match(bad.err.join('\n'), /npm run train: --epochs must be a whole number/);
  });

  test('--resume of a missing folder, or of a folder that is not a run, exits with code 2', async () => {
    const missing = capture();
    assert.equal(await trainMain(['--resume', path.join(tmp, 'nope')], missing.io), 2);
    assert.match(missing.err.join('\n'), /--resume .*nope: no such run directory/);
    const notRun = capture();
    assert.equal(await trainMain(['--resume', tmp], notRun.io), 2);
    assert.match(notRun.err.join('\n'), /is not a DCGAN run directory: .*config\.json is missing/);
  });

  test('a full dataset that was not fetched: the error names the fetch command', async (t) => {
    if (locateDataset('mnist')) {
      t.skip('full MNIST is on this machine');
      return;
    }
    const run = capture();
    assert.equal(await trainMain(['--dataset', 'mnist', '--epochs', '1'], run.io), 2);
    assert.match(run.err.join('\n'), /npm run fetch-data -- mnist/);
  });

  test('generate: a missing run directory, a folder without checkpoint', async () => {
    const missing = capture();
    assert.equal(
      await generateMain(['--run', path.join(tmp, 'nope'), '--out', path.join(tmp, 'a.png')], missing.io),
      2,
    );
    assert.match(missing.err.join('\n'), /no such run directory/);
    const empty = capture();
    assert.equal(await generateMain(['--run', tmp, '--out', path.join(tmp, 'a.png')], empty.io), 1);
    assert.match(empty.err.join('\n'), /No checkpoint in/);
  });
});

describe('npm run train: Ctrl-C', () => {
  let tmp: string;
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'dcgan-sigint-'));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test('SIGINT finishes the step, saves a checkpoint, exits with 130; --resume continues; generate loads it', async () => {
    const runDir = path.join(tmp, 'run');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'lib/cli/train.ts',
        '--profile',
        'quick',
        '--epochs',
        '40',
        '--no-metrics',
        '--checkpoint-every',
        '50',
        '--run-dir',
        runDir,
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const code = await new Promise<number | null>((resolve, reject) => {
      let sent = false;
      const onData = (chunk: Buffer) => {
        output += chunk;
        if (!sent && /epoch 1: /.test(output)) {
          sent = true;
          child.kill('SIGINT');
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.on('exit', (c) => resolve(c));
      child.on('error', reject);
    });
    assert.equal(code, 130, output);
    assert.match(output, /SIGINT: stopping after the current step and saving a checkpoint/);
    assert.match(output, /Continue with: npm run train -- --resume/);
    const state = JSON.parse(fs.readFileSync(path.join(runDir, 'checkpoint', 'state.json'), 'utf8'));
    assert.equal(state.reason, 'interrupt');
    assert.ok(state.step >= 8 && state.step < 320, `stopped early, at step ${state.step}`);
    assert.match(output, new RegExp(`interrupted at step ${state.step} `));
    const epochs = Math.floor(state.step / 8) + 1;
    const resumed = capture();
    assert.equal(
      await trainMain(['--resume', runDir, '--epochs', String(epochs), '--no-metrics'], resumed.io),
      0,
    );
    assert.match(resumed.out.join('\n'), new RegExp(`Resuming .* at step ${state.step} `));
    assert.match(resumed.out.join('\n'), new RegExp(`completed at step ${epochs * 8} `));
    const out = path.join(tmp, 'walks.png');
    const generated = capture();
    assert.equal(
      await generateMain(['--run', runDir, '--out', out, '--interpolate', '--count', '16'], generated.io),
      0,
    );
    assert.match(generated.out.join('\n'), /2 latent walks of 8 steps/);
    assert.ok(fs.statSync(out).size > 100);
  });
});
