import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, test } from 'node:test';
import { PROJECT_ROOT } from '../../lib/config/paths';
import { activeProfile, byProfile } from '../../lib/config/profile';
import { cellTimings } from '../../lib/jupyter/execute-notebook';
import { findJupyter, JupyterMissingError } from '../../lib/jupyter/find-jupyter';
import {
  buildKernelSpec,
  installKernelSpec,
  jupyterEnv,
  KERNEL_NAME,
  PROJECT_JUPYTER_DIR,
} from '../../lib/jupyter/kernelspec';

describe('run profiles', () => {
  test('unset and default mean the default profile; quick shrinks', () => {
    assert.equal(activeProfile({}), 'default');
    assert.equal(activeProfile({ GENLIB_PROFILE: 'default' }), 'default');
    assert.equal(byProfile({ default: 1000, quick: 10 }, { GENLIB_PROFILE: 'quick' }), 10);
    assert.equal(byProfile({ default: 1000, quick: 10 }, {}), 1000);
  });
  test('an unknown profile name is an error that lists the valid ones', () => {
    assert.throws(() => activeProfile({ GENLIB_PROFILE: 'fast' }), /'default' or 'quick'/);
  });
});

describe('kernelspec', () => {
  test('runs the project tslab on this Node.js with tsx preloaded', () => {
    const spec = buildKernelSpec();
    assert.equal(spec.argv[0], process.execPath);
    assert.equal(spec.argv[1], path.join(PROJECT_ROOT, 'node_modules', 'tslab', 'bin', 'tslab'));
    assert.deepEqual(spec.argv.slice(2), ['kernel', '--config-path', '{connection_file}']);
    assert.match(spec.env.NODE_OPTIONS, /^--require ".*node_modules\/tsx\/dist\/cjs\/index\.cjs"$/);
    assert.equal(spec.language, 'typescript');
  });

  test('a project without node_modules gets an error that says to run npm ci', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'genlib-empty-'));
    assert.throws(() => buildKernelSpec({ projectRoot: empty }), /run 'npm ci'/);
  });

  test('installing is idempotent and replaces a stale kernelspec', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'genlib-jupyter-'));
    const first = installKernelSpec(dataDir);
    assert.equal(first.changed, true);
    assert.equal(first.kernelJsonPath, path.join(dataDir, 'kernels', KERNEL_NAME, 'kernel.json'));
    assert.equal(installKernelSpec(dataDir).changed, false);
    const stale = { ...buildKernelSpec(), argv: ['/old/node', '/old/tslab', 'kernel'] };
    assert.equal(installKernelSpec(dataDir, stale).changed, true);
    assert.equal(installKernelSpec(dataDir).changed, true);
    assert.deepEqual(JSON.parse(fs.readFileSync(first.kernelJsonPath, 'utf8')), buildKernelSpec());
  });

  test('jupyterEnv puts the project kernel folder first on JUPYTER_PATH', () => {
    assert.equal(jupyterEnv({}).JUPYTER_PATH, PROJECT_JUPYTER_DIR);
    assert.equal(
      jupyterEnv({ JUPYTER_PATH: '/x' }).JUPYTER_PATH,
      `${PROJECT_JUPYTER_DIR}${path.delimiter}/x`,
    );
  });
});

describe('missing Jupyter', () => {
  test('findJupyter throws an error with the Debian packages to install', () => {
    assert.throws(
      () => findJupyter({ JUPYTER: '/nonexistent/jupyter' }),
      (error: unknown) =>
        error instanceof JupyterMissingError &&
        /apt-get install jupyter-notebook jupyter-nbconvert/.test(error.message) &&
        /pipx install notebook/.test(error.message),
    );
  });

  for (const script of ['start', 'setup-kernel']) {
    test(`npm ${script} stops with exit code 1 and the install instructions`, () => {
      const result = spawnSync(
        process.execPath,
        ['--import', 'tsx', path.join(PROJECT_ROOT, 'lib', 'cli', `${script}.ts`)],
        {
          encoding: 'utf8',
          env: { ...process.env, JUPYTER: '/nonexistent/jupyter' },
        },
      );
      assert.equal(result.status, 1);
      assert.match(result.stderr, /Jupyter Notebook was not found/);
      assert.match(result.stderr, /apt-get install jupyter-notebook/);
    });
  }
});

describe('notebook timing', () => {
  test('cellTimings reads the busy/idle timestamps of code cells and skips markdown', () => {
    const timings = cellTimings({
      cells: [
        { cell_type: 'markdown', source: '# title' },
        {
          cell_type: 'code',
          source: ['\n', 'const x = 1;\n', 'x'],
          metadata: {
            execution: {
              'iopub.status.busy': '2026-01-01T00:00:01.000Z',
              'iopub.status.idle': '2026-01-01T00:00:03.500Z',
            },
          },
        },
        { cell_type: 'code', source: 'untimed', metadata: {} },
      ],
    });
    assert.equal(timings.length, 2);
    assert.deepEqual(timings[0], { index: 1, seconds: 2.5, firstLine: 'const x = 1;' });
    assert.ok(Number.isNaN(timings[1].seconds));
  });
});
