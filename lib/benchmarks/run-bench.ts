/**
 * `npm run bench`: times one training step of each workload (the DCGAN tutorial's adversarial
 * step, an MLP GAN, a conv autoencoder) on every backend configuration present here, and, for the
 * DCGAN, the same step in PyTorch when Debian's python3-torch is importable.
 *
 * Every configuration runs in its own process, started and warmed up first; then the timed steps
 * go round-robin over the configurations, so that a change in the machine's load (other programs)
 * hits all of them alike. On the DCGAN the pure-JS cpu backend is timed last with fewer steps (a
 * step takes over ten minutes there). Prints the table, the ratios and the per-kernel profile of the fastest wasm
 * configuration, and writes the table as CSV.
 *
 *   npm run bench                                  # everything (the cpu DCGAN step takes minutes)
 *   npm run bench -- --workloads dcgan --repeats 7 --cpu-repeats 1
 *   npm run bench -- --skip-cpu --no-pytorch --csv test-artifacts/bench.csv
 */
import { type ChildProcess, fork, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { type BenchConfig, benchConfigs, tensorflowInstalled } from './bench-configs';
import { type BenchResult, benchCsv, formatBenchTable, summarize } from './bench-table';
import type { KernelTiming } from './kernel-profile';
import { WORKLOAD_DESCRIPTIONS, WORKLOAD_NAMES, type WorkloadName } from './workloads';

const PYTHON = '/usr/bin/python3';
const PYTORCH_SCRIPT = join(__dirname, 'pytorch-dcgan-step.py');
const WORKER_SCRIPT = join(__dirname, 'bench-worker.ts');
/** Workloads whose step takes minutes on the pure-JS cpu backend (over ten for the DCGAN step). */
const SLOW_ON_CPU: readonly WorkloadName[] = ['dcgan'];

/** Command-line options. */
interface BenchOptions {
  workloads: WorkloadName[];
  batch: number;
  warmup: number;
  repeats: number;
  cpuWarmup: number;
  cpuRepeats: number;
  skipCpu: boolean;
  pytorch: boolean;
  configs?: string[];
  profileTop: number;
  csv: string;
}

const USAGE = `Usage: npm run bench -- [options]
  --workloads a,b      ${WORKLOAD_NAMES.join(', ')} (default: all)
  --batch N            batch size (default 64)
  --warmup N           untimed steps per configuration before timing (default 2)
  --repeats N          timed steps per configuration; the table shows the median (default 5)
  --cpu-warmup N       untimed DCGAN steps on the pure-JS cpu backend (default 0: one step takes over
                       ten minutes there, so JIT warm-up is a negligible part of it)
  --cpu-repeats N      timed DCGAN steps on the pure-JS cpu backend (default 1); the smaller workloads
                       run on cpu like on the other backends
  --skip-cpu           leave out the cpu backend
  --no-pytorch         leave out PyTorch even when it is installed
  --configs a,b        only these configuration ids (e.g. cpu,wasm-1t,wasm-2t,pytorch-1t)
  --profile-top N      kernels listed in the per-kernel profile (default 12; 0 = no profile)
  --csv PATH           where to write the table (default test-artifacts/bench.csv)`;

function parseOptions(argv: string[]): BenchOptions {
  const options: BenchOptions = {
    workloads: [...WORKLOAD_NAMES],
    batch: 64,
    warmup: 2,
    repeats: 5,
    cpuWarmup: 0,
    cpuRepeats: 1,
    skipCpu: false,
    pytorch: true,
    profileTop: 12,
    csv: 'test-artifacts/bench.csv',
  };
  const count = (name: string, value: string | undefined, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min)
      throw new Error(`--${name} needs a whole number >= ${min}, got '${value}'.\n${USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => argv[++i];
    if (arg === '--workloads') {
      const names = (next() ?? '').split(',').filter((s) => s !== '');
      const unknown = names.filter((n) => !(WORKLOAD_NAMES as readonly string[]).includes(n));
      if (unknown.length > 0 || names.length === 0)
        throw new Error(`Unknown workload(s) '${unknown.join(', ')}'.\n${USAGE}`);
      options.workloads = names as WorkloadName[];
    } else if (arg === '--batch') options.batch = count('batch', next(), 1);
    else if (arg === '--warmup') options.warmup = count('warmup', next(), 0);
    else if (arg === '--repeats') options.repeats = count('repeats', next(), 1);
    else if (arg === '--cpu-warmup') options.cpuWarmup = count('cpu-warmup', next(), 0);
    else if (arg === '--cpu-repeats') options.cpuRepeats = count('cpu-repeats', next(), 1);
    else if (arg === '--skip-cpu') options.skipCpu = true;
    else if (arg === '--no-pytorch') options.pytorch = false;
    else if (arg === '--configs') options.configs = (next() ?? '').split(',').filter((s) => s !== '');
    else if (arg === '--profile-top') options.profileTop = count('profile-top', next(), 0);
    else if (arg === '--csv') options.csv = next() ?? options.csv;
    else if (arg === '--help' || arg === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else throw new Error(`Unknown option '${arg}'.\n${USAGE}`);
  }
  return options;
}

/** One timed step's answer. */
interface StepAnswer {
  ms: number;
  cpuMs: number;
  losses: number[];
  tensors?: number;
}

/** A running configuration that does one step per request. */
interface BenchClient {
  config: BenchConfig;
  /** Resolves when the model is built; `backend` says what is active. */
  ready: Promise<{ backend: string; flops?: number; images?: number }>;
  step(): Promise<StepAnswer>;
  profile?(top: number): Promise<{ kernels: KernelTiming[]; byKernel: KernelTiming[] }>;
  close(): void;
}

/** A tfjs configuration in a forked Node process (bench-worker.ts). */
function startTfjs(config: BenchConfig, workload: WorkloadName, batch: number): BenchClient {
  const child: ChildProcess = fork(
    WORKER_SCRIPT,
    ['--config', config.id, '--workload', workload, '--batch', String(batch)],
    { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const waiting: { resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  const failAll = (why: string) => {
    for (const w of waiting.splice(0)) w.reject(new Error(why));
  };
  child.on('message', (message: Record<string, unknown>) => {
    const w = waiting.shift();
    if (w == null) return;
    if (typeof message.error === 'string') w.reject(new Error(message.error));
    else w.resolve(message);
  });
  child.on('exit', (code) =>
    failAll(`the worker exited (code ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`),
  );
  const request = (message: object | null) =>
    new Promise<Record<string, unknown>>((resolveAnswer, reject) => {
      waiting.push({ resolve: resolveAnswer, reject });
      if (message != null) child.send(message);
    });
  return {
    config,
    ready: request(null) as Promise<{ backend: string; flops?: number; images?: number }>,
    step: () => request({ cmd: 'step' }) as unknown as Promise<StepAnswer>,
    profile: (top) =>
      request({ cmd: 'profile', top }) as unknown as Promise<{
        kernels: KernelTiming[];
        byKernel: KernelTiming[];
      }>,
    close: () => {
      if (child.connected) child.send({ cmd: 'quit' });
      setTimeout(() => child.kill(), 2000).unref();
    },
  };
}

/** A PyTorch configuration: Debian's Python running pytorch-dcgan-step.py. */
function startPytorch(config: BenchConfig, batch: number): BenchClient {
  const child = spawn(
    PYTHON,
    [PYTORCH_SCRIPT, '--threads', String(config.threads), '--batch', String(batch)],
    {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: {
        ...process.env,
        OMP_NUM_THREADS: String(config.threads),
        MKL_NUM_THREADS: String(config.threads),
      },
    },
  );
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const waiting: { resolve: (m: Record<string, unknown>) => void; reject: (e: Error) => void }[] = [];
  createInterface({ input: child.stdout }).on('line', (line) => {
    const w = waiting.shift();
    if (w == null) return;
    try {
      const message = JSON.parse(line) as Record<string, unknown>;
      if (typeof message.error === 'string') w.reject(new Error(message.error));
      else w.resolve(message);
    } catch {
      w.reject(new Error(`unexpected output from PyTorch: ${line}`));
    }
  });
  child.on('exit', (code) => {
    for (const w of waiting.splice(0))
      w.reject(new Error(`python exited (code ${code}): ${stderr.trim().split('\n').slice(-2).join(' | ')}`));
  });
  const request = (line: string | null) =>
    new Promise<Record<string, unknown>>((resolveAnswer, reject) => {
      waiting.push({ resolve: resolveAnswer, reject });
      if (line != null) child.stdin.write(`${line}\n`);
    });
  const ready = request(null).then((m) => ({ backend: `torch ${m.torch}, ${m.threads} thread(s)` }));
  return {
    config,
    ready,
    step: () => request('step') as unknown as Promise<StepAnswer>,
    close: () => {
      child.stdin.end('quit\n');
      setTimeout(() => child.kill(), 2000).unref();
    },
  };
}

function pytorchAvailable(): boolean {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { stdio: 'ignore', timeout: 60_000 });
  return probe.status === 0;
}

const loadText = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')} on ${cpus().length} cores`;

function formatProfile(title: string, rows: KernelTiming[]): string {
  const lines = [
    title,
    `  ${'kernel'.padEnd(44)} ${'calls'.padStart(5)} ${'wall ms'.padStart(9)} ${'CPU ms'.padStart(9)}`,
  ];
  for (const r of rows) {
    const name = r.shapes === '(all)' ? r.kernel : `${r.kernel} ${r.shapes}`;
    lines.push(
      `  ${name.padEnd(44)} ${String(r.calls).padStart(5)} ${r.wallMs.toFixed(1).padStart(9)} ${r.cpuMs.toFixed(1).padStart(9)}`,
    );
  }
  return lines.join('\n');
}

async function runWorkload(
  workload: WorkloadName,
  configs: BenchConfig[],
  options: BenchOptions,
): Promise<BenchResult[]> {
  console.log(`\n== ${workload}: ${WORKLOAD_DESCRIPTIONS[workload]}`);
  // The pure-JS cpu backend gets its own, smaller step counts only where a step takes minutes.
  const isSlow = (config: BenchConfig) => config.slow === true && SLOW_ON_CPU.includes(workload);
  const results = new Map<BenchClient, BenchResult>();
  const clients: BenchClient[] = [];
  const firstTensors = new Map<BenchClient, number>();
  for (const config of configs) {
    const client =
      config.runtime === 'pytorch'
        ? startPytorch(config, options.batch)
        : startTfjs(config, workload, options.batch);
    const result: BenchResult = {
      workload,
      config: config.id,
      label: config.label,
      threads: config.threads,
      status: 'ok',
      warmup: isSlow(config) ? options.cpuWarmup : options.warmup,
      stepMs: [],
      stepCpuMs: [],
      flops: 0,
      images: options.batch,
    };
    results.set(client, result);
    try {
      const ready = await client.ready;
      result.flops = ready.flops ?? 0;
      console.log(`  ${config.id}: ${ready.backend}`);
      clients.push(client);
    } catch (e) {
      result.status = 'unavailable';
      result.note = e instanceof Error ? e.message : String(e);
      console.log(`  ${config.id}: unavailable (${result.note})`);
      client.close();
    }
  }
  const flops = Math.max(...[...results.values()].map((r) => r.flops));
  for (const r of results.values()) r.flops = flops;
  const live = () => clients.filter((c) => results.get(c)?.status === 'ok');
  const doStep = async (client: BenchClient, timed: boolean) => {
    const result = results.get(client) as BenchResult;
    try {
      const answer = await client.step();
      if (result.losses == null) result.losses = answer.losses;
      if (timed) {
        result.stepMs.push(answer.ms);
        result.stepCpuMs.push(answer.cpuMs);
        if (answer.tensors != null) {
          const first = firstTensors.get(client) ?? answer.tensors;
          firstTensors.set(client, first);
          result.tensorsFlat = (result.tensorsFlat ?? true) && answer.tensors === first;
        }
      }
      return answer;
    } catch (e) {
      result.status = 'failed';
      result.note = e instanceof Error ? e.message.split('\n')[0] : String(e);
      console.log(`  ${client.config.id}: failed (${result.note})`);
      client.close();
      return undefined;
    }
  };
  const fast = () => live().filter((c) => !isSlow(c.config));
  for (const client of fast()) {
    for (let i = 0; i < options.warmup && results.get(client)?.status === 'ok'; i++)
      await doStep(client, false);
  }
  for (let r = 0; r < options.repeats; r++) {
    const times: string[] = [];
    for (const client of fast()) {
      const answer = await doStep(client, true);
      if (answer != null) times.push(`${client.config.id} ${answer.ms.toFixed(0)} ms`);
    }
    console.log(`  step ${r + 1}/${options.repeats}: ${times.join(', ')}`);
  }
  for (const client of live().filter((c) => isSlow(c.config))) {
    for (let i = 0; i < options.cpuWarmup + options.cpuRepeats && results.get(client)?.status === 'ok'; i++) {
      const timed = i >= options.cpuWarmup;
      const answer = await doStep(client, timed);
      if (answer != null) {
        console.log(
          `  ${client.config.id} ${timed ? 'timed' : 'warm-up'} step: ${(answer.ms / 1000).toFixed(1)} s`,
        );
      }
    }
  }
  const summaries = summarize([...results.values()]);
  const wasmRuns = live().filter(
    (c) => c.profile != null && c.config.id.startsWith('wasm-') && /\dt$/.test(c.config.id),
  );
  const fastestWasm = wasmRuns.sort(
    (a, b) =>
      (summaries.get(results.get(a) as BenchResult)?.medianMs ?? Number.POSITIVE_INFINITY) -
      (summaries.get(results.get(b) as BenchResult)?.medianMs ?? Number.POSITIVE_INFINITY),
  )[0];
  if (options.profileTop > 0 && fastestWasm?.profile != null) {
    try {
      const profile = await fastestWasm.profile(options.profileTop);
      console.log(
        `\n${formatProfile(`Per-kernel profile, one ${workload} step on ${fastestWasm.config.id} (by kernel):`, profile.byKernel)}`,
      );
      console.log(formatProfile('  ... by kernel and input shapes:', profile.kernels));
    } catch (e) {
      console.log(`  profile failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  for (const client of clients) client.close();
  return [...results.values()];
}

function headline(results: BenchResult[]): string[] {
  const summaries = summarize(results);
  const lines: string[] = [];
  for (const workload of [...new Set(results.map((r) => r.workload))]) {
    const rows = results.filter(
      (r) => r.workload === workload && r.status === 'ok' && r.config.startsWith('wasm-'),
    );
    const best = rows
      .filter((r) => /\dt$/.test(r.config))
      .sort((a, b) => (summaries.get(a)?.medianMs ?? Infinity) - (summaries.get(b)?.medianMs ?? Infinity))[0];
    if (best == null) continue;
    const s = summaries.get(best) ?? {};
    const parts = [`${workload}: fastest wasm path (${best.label}) ${s.medianMs?.toFixed(0)} ms/step`];
    if (s.speedupVsCpu != null) parts.push(`${s.speedupVsCpu.toFixed(1)}x faster than the cpu backend`);
    if (s.ratioToBestPytorch != null)
      parts.push(`${s.ratioToBestPytorch.toFixed(2)}x the time of the best PyTorch run`);
    lines.push(parts.join('; '));
  }
  return lines;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const withTorch = options.pytorch && options.workloads.includes('dcgan') && pytorchAvailable();
  let configs = benchConfigs({ pytorch: withTorch, tensorflow: tensorflowInstalled() });
  if (options.skipCpu) configs = configs.filter((c) => c.id !== 'cpu');
  if (options.configs != null) configs = configs.filter((c) => options.configs?.includes(c.id));
  console.log(
    `genlib benchmark: ${options.workloads.join(', ')}; batch ${options.batch}; ${options.warmup} warm-up + ${options.repeats} timed steps per configuration (cpu on the DCGAN: ${options.cpuWarmup} + ${options.cpuRepeats})`,
  );
  console.log(`Start: ${loadText()}. Other programs running on this machine slow every configuration down.`);
  if (!withTorch && options.pytorch)
    console.log(`PyTorch: not importable by ${PYTHON} (apt-get install python3-torch), left out.`);
  const loadBefore = loadavg();
  const results: BenchResult[] = [];
  for (const workload of options.workloads) {
    const forWorkload = configs.filter((c) => c.runtime !== 'pytorch' || workload === 'dcgan');
    results.push(...(await runWorkload(workload, forWorkload, options)));
  }
  console.log(`\nEnd: ${loadText()}.\n`);
  console.log(formatBenchTable(results));
  for (const line of headline(results)) console.log(line);
  const path = resolve(options.csv);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, benchCsv(results, { loadAverage: loadBefore }));
  console.log(`\nTable written to ${path}`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
