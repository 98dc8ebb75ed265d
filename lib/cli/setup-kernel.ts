/**
 * `npm run setup-kernel [-- --user]`: registers this project's TypeScript kernel with Jupyter.
 *
 * By default the kernelspec goes to the project's own `.jupyter/` folder, which `npm start` and the tests
 * put on JUPYTER_PATH. With `--user` it also goes to your per-user Jupyter data folder, so that other
 * front ends (VS Code, a Jupyter you start yourself) list the kernel too.
 */
import { spawnSync } from 'node:child_process';
import { findJupyter, JupyterMissingError } from '../jupyter/find-jupyter';
import { installKernelSpec, KERNEL_NAME } from '../jupyter/kernelspec';

function userDataDir(command: string): string {
  const result = spawnSync(command, ['--data-dir'], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`'${command} --data-dir' failed: ${result.stderr}`);
  return result.stdout.trim();
}

function main(): void {
  const jupyter = findJupyter();
  const targets = [installKernelSpec()];
  if (process.argv.includes('--user')) targets.push(installKernelSpec(userDataDir(jupyter.command)));
  for (const { kernelJsonPath, changed } of targets) {
    console.log(
      `${changed ? 'Registered' : 'Already registered'} kernel '${KERNEL_NAME}': ${kernelJsonPath}`,
    );
  }
}

try {
  main();
} catch (error) {
  console.error(error instanceof JupyterMissingError ? error.message : String(error));
  process.exit(1);
}
