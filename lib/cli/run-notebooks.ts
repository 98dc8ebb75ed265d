/**
 * `npm run notebooks -- [NAME ...] [--profile quick|default] [--in-place]`: executes notebooks headless
 * through the project's kernel and prints how long each took, with its slowest cells. This is the
 * benchmark behind the runtimes the README and the issues quote; with --in-place it also writes the
 * outputs into the notebook, which is how the committed notebooks are produced.
 *
 * NAME may be a prefix ("01"); no NAME runs every notebook. Times go to test-artifacts/notebook-times.csv.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { NOTEBOOKS_DIR, PROJECT_ROOT } from '../config/paths';
import { activeProfile } from '../config/profile';
import { executeNotebook } from '../jupyter/execute-notebook';

function main(): number {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      profile: { type: 'string', default: 'default' },
      'in-place': { type: 'boolean', default: false },
    },
  });
  const profile = activeProfile({ GENLIB_PROFILE: values.profile });
  const all = fs
    .readdirSync(NOTEBOOKS_DIR)
    .filter((name) => name.endsWith('.ipynb'))
    .sort();
  const chosen = positionals.length ? all.filter((name) => positionals.some((p) => name.startsWith(p))) : all;
  if (chosen.length === 0) {
    console.error(`No notebook matches ${positionals.join(', ')}; there are: ${all.join(', ')}`);
    return 1;
  }
  const outputDir = path.join(PROJECT_ROOT, 'test-artifacts', 'executed');
  fs.mkdirSync(outputDir, { recursive: true });
  const rows = ['notebook,profile,ok,wall_seconds'];
  let failures = 0;
  for (const name of chosen) {
    console.log(
      `Running ${name} (profile ${profile}${values['in-place'] ? ', writing outputs in place' : ''}) ...`,
    );
    const run = executeNotebook(path.join(NOTEBOOKS_DIR, name), {
      profile,
      inPlace: values['in-place'],
      outputDir,
    });
    rows.push(`${name},${profile},${run.ok},${run.wallSeconds.toFixed(1)}`);
    if (!run.ok) {
      failures++;
      console.error(`  FAILED after ${run.wallSeconds.toFixed(1)} s:\n${run.error}`);
      continue;
    }
    console.log(`  ${run.wallSeconds.toFixed(1)} s in all; slowest cells:`);
    for (const cell of [...run.cells].sort((a, b) => b.seconds - a.seconds).slice(0, 5)) {
      console.log(
        `    ${cell.seconds.toFixed(1).padStart(7)} s  cell ${cell.index}: ${cell.firstLine.slice(0, 70)}`,
      );
    }
  }
  fs.writeFileSync(path.join(PROJECT_ROOT, 'test-artifacts', 'notebook-times.csv'), `${rows.join('\n')}\n`);
  return failures > 0 ? 1 : 0;
}

process.exitCode = main();
