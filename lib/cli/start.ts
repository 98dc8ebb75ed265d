/**
 * `npm start`: checks Jupyter, registers the project's kernel, and opens Jupyter Notebook on notebooks/.
 * Extra arguments go to Jupyter, e.g. `npm start -- --no-browser --port 8899`.
 */
import { spawn } from 'node:child_process';
import { NOTEBOOKS_DIR } from '../config/paths';
import { findJupyter, JupyterMissingError } from '../jupyter/find-jupyter';
import { installKernelSpec, jupyterEnv, KERNEL_NAME } from '../jupyter/kernelspec';

function main(): void {
  const jupyter = findJupyter();
  const { kernelJsonPath, changed } = installKernelSpec();
  console.log(
    `Jupyter Notebook ${jupyter.notebookVersion}; kernel '${KERNEL_NAME}' ${changed ? 'registered' : 'ready'} (${kernelJsonPath}).`,
  );
  console.log('After editing lib/, restart the kernel (Kernel > Restart) to pick up the change.');
  // Jupyter refuses to run as root without --allow-root (containers and CI machines often are root).
  const rootFlag = process.getuid?.() === 0 ? ['--allow-root'] : [];
  const args = [
    'notebook',
    `--notebook-dir=${NOTEBOOKS_DIR}`,
    '--ip=127.0.0.1',
    ...rootFlag,
    ...process.argv.slice(2),
  ];
  const child = spawn(jupyter.command, args, { stdio: 'inherit', env: jupyterEnv() });
  const forward = (signal: NodeJS.Signals) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}

try {
  main();
} catch (error) {
  console.error(error instanceof JupyterMissingError ? error.message : String(error));
  process.exit(1);
}
