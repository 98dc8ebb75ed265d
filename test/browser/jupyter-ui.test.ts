/**
 * The browser test: starts Jupyter Notebook on 127.0.0.1, opens 00-getting-started in headless Chromium,
 * runs all cells through the UI (Cell > Run All), and checks that a Plotly chart was drawn and that the
 * sample-grid image shows. The screenshot is kept in test-artifacts/browser/.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { type Browser, chromium } from 'playwright-core';
import { NOTEBOOKS_DIR, PROJECT_ROOT } from '../../lib/config/paths';
import { findJupyter } from '../../lib/jupyter/find-jupyter';
import { installKernelSpec, jupyterEnv } from '../../lib/jupyter/kernelspec';

const NOTEBOOK = '00-getting-started.ipynb';
const WORK_DIR = path.join(PROJECT_ROOT, 'test-artifacts', 'browser');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const RUN_ALL_TIMEOUT_MS = 10 * 60_000;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForServer(url: string, jupyterProcess: ChildProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (jupyterProcess.exitCode !== null)
      throw new Error(`Jupyter exited with code ${jupyterProcess.exitCode}`);
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Jupyter did not answer at ${url} within ${timeoutMs / 1000} s`);
}

let jupyter: ChildProcess | undefined;
let browser: Browser | undefined;
let jupyterLog = '';

before(() => {
  assert.ok(
    fs.existsSync(CHROMIUM),
    `Chromium is missing at ${CHROMIUM}: install it with 'apt-get install chromium' or set CHROMIUM_PATH.`,
  );
  installKernelSpec();
  fs.rmSync(WORK_DIR, { recursive: true, force: true });
  fs.mkdirSync(WORK_DIR, { recursive: true });
  // A copy inside the project, so that the kernel resolves 'genlib' and the real notebook is not autosaved.
  fs.copyFileSync(path.join(NOTEBOOKS_DIR, NOTEBOOK), path.join(WORK_DIR, NOTEBOOK));
});

after(async () => {
  await browser?.close();
  jupyter?.kill('SIGTERM');
  fs.writeFileSync(path.join(WORK_DIR, 'jupyter.log'), jupyterLog);
});

test(`${NOTEBOOK} runs in Jupyter Notebook in Chromium: a Plotly chart and the sample grid show`, async () => {
  const port = await freePort();
  const token = randomBytes(16).toString('hex');
  jupyter = spawn(
    findJupyter().command,
    [
      'notebook',
      '--no-browser',
      '--ip=127.0.0.1',
      `--port=${port}`,
      `--NotebookApp.token=${token}`,
      `--notebook-dir=${WORK_DIR}`,
      ...(process.getuid?.() === 0 ? ['--allow-root'] : []),
    ],
    { env: { ...jupyterEnv(), GENLIB_PROFILE: 'quick' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  jupyter.stdout?.on('data', (chunk) => (jupyterLog += chunk));
  jupyter.stderr?.on('data', (chunk) => (jupyterLog += chunk));
  const base = `http://127.0.0.1:${port}`;
  await waitForServer(`${base}/api/status?token=${token}`, jupyter);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = await browser.newPage({ viewport: { width: 1280, height: 1000 } });
  await page.goto(`${base}/notebooks/${NOTEBOOK}?token=${token}`);
  await page.waitForFunction('window.Jupyter?.notebook?.kernel?.is_connected?.() === true', null, {
    timeout: 120_000,
  });

  // Run every cell through the UI's menu, as a learner would.
  await page.click('#celllink');
  await page.click('#run_all_cells');
  // Evaluated in the page: every code cell has an execution number and the kernel is idle again.
  const allCellsRan = `(() => {
    const cells = window.Jupyter.notebook.get_cells().filter((cell) => cell.cell_type === 'code');
    const allRan = cells.every((cell) => typeof cell.input_prompt_number === 'number');
    return allRan && document.querySelector('#kernel_indicator_icon.kernel_idle_icon') !== null;
  })()`;
  await page.waitForFunction(allCellsRan, null, { timeout: RUN_ALL_TIMEOUT_MS, polling: 1000 });

  const errors = await page.locator('.output_area .output_error').allInnerTexts();
  assert.deepEqual(errors, [], 'no cell shows an error');
  const charts = page.locator('.output_area .js-plotly-plot .main-svg');
  assert.ok((await charts.count()) > 0, 'a Plotly chart was drawn');
  const imageWidths = await page
    .locator('.output_area .output_png img')
    .evaluateAll((images) =>
      images.map((image) => (image as unknown as { naturalWidth: number }).naturalWidth),
    );
  assert.ok(imageWidths.length > 0 && imageWidths.every((width) => width > 0), 'the sample grid image shows');

  await charts.first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(WORK_DIR, 'chart.png') });
  await page.screenshot({ path: path.join(WORK_DIR, 'notebook.png'), fullPage: true });
});
