/**
 * The notebook test: executes every notebook in notebooks/ headless through the project's tslab kernel, in
 * the quick profile, and fails on any cell error. Executed copies go to test-artifacts/notebooks/.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { NOTEBOOKS_DIR, PROJECT_ROOT } from '../../lib/config/paths';
import { findJupyter } from '../../lib/jupyter/find-jupyter';
import { installKernelSpec, jupyterEnv, KERNEL_NAME } from '../../lib/jupyter/kernelspec';

const OUTPUT_DIR = path.join(PROJECT_ROOT, 'test-artifacts', 'notebooks');
const CELL_TIMEOUT_SECONDS = 900;

interface NotebookCell {
  cell_type: string;
  outputs?: {
    output_type: string;
    name?: string;
    text?: string | string[];
    ename?: string;
    evalue?: string;
  }[];
}

const notebooks = fs
  .readdirSync(NOTEBOOKS_DIR)
  .filter((name) => name.endsWith('.ipynb'))
  .sort();

describe('notebooks (quick profile)', () => {
  let jupyterCommand = 'jupyter';
  before(() => {
    jupyterCommand = findJupyter().command;
    installKernelSpec();
    fs.mkdirSync(OUTPUT_DIR, { recursive: true });
  });

  test('the notebook sequence starts with 00-getting-started', () => {
    assert.equal(notebooks[0], '00-getting-started.ipynb');
  });

  for (const name of notebooks) {
    test(`${name} executes without a cell error`, () => {
      const source = JSON.parse(fs.readFileSync(path.join(NOTEBOOKS_DIR, name), 'utf8'));
      assert.equal(
        source.metadata?.kernelspec?.name,
        KERNEL_NAME,
        'the notebook must ask for the project kernel',
      );
      const result = spawnSync(
        jupyterCommand,
        [
          'nbconvert',
          '--to',
          'notebook',
          '--execute',
          `--ExecutePreprocessor.timeout=${CELL_TIMEOUT_SECONDS}`,
          `--output-dir=${OUTPUT_DIR}`,
          path.join(NOTEBOOKS_DIR, name),
        ],
        { encoding: 'utf8', env: { ...jupyterEnv(), GENLIB_PROFILE: 'quick' }, maxBuffer: 64 * 1024 * 1024 },
      );
      assert.equal(result.status, 0, `nbconvert failed on ${name}:\n${result.stderr.slice(-6000)}`);
      const executed = JSON.parse(fs.readFileSync(path.join(OUTPUT_DIR, name), 'utf8'));
      const codeCells = (executed.cells as NotebookCell[]).filter((cell) => cell.cell_type === 'code');
      // nbconvert stops at the first failing cell (exit code checked above); tslab reports no execution
      // counts, so the outputs are what shows that the cells ran.
      assert.ok(codeCells.length > 0, `${name} has no code cells`);
      assert.ok(
        codeCells.filter((cell) => (cell.outputs ?? []).length > 0).length >= codeCells.length / 2,
        `most code cells of ${name} should show an output`,
      );
      codeCells.forEach((cell, index) => {
        for (const output of cell.outputs ?? []) {
          assert.notEqual(
            output.output_type,
            'error',
            `code cell ${index}: ${output.ename}: ${output.evalue}`,
          );
          const text = ([] as string[]).concat(output.text ?? []).join('');
          if (output.name === 'stderr') {
            assert.doesNotMatch(
              text,
              /error TS\d+|Error:|not under 'rootDir'/,
              `code cell ${index} wrote an error`,
            );
          }
        }
      });
    });
  }
});
