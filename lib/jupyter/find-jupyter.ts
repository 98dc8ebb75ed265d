import { spawnSync } from 'node:child_process';

/** What {@link findJupyter} learned about the Jupyter installation. */
export interface JupyterInstallation {
  /** The command that runs Jupyter (absolute path or name on the PATH). */
  command: string;
  /** The version of the classic Notebook server (`jupyter notebook --version`). */
  notebookVersion: string;
  /** The version of nbconvert, which the notebook test uses to execute notebooks headless. */
  nbconvertVersion: string;
}

/** Thrown when Jupyter (or a part of it the project needs) is missing; the message says how to get it. */
export class JupyterMissingError extends Error {
  override name = 'JupyterMissingError';
}

/** How to install what the project needs of Jupyter, for the message of {@link JupyterMissingError}. */
export const JUPYTER_INSTALL_HELP = [
  'Install Jupyter Notebook and nbconvert, then run the command again:',
  '  Debian/Ubuntu:  sudo apt-get install jupyter-notebook jupyter-nbconvert python3-nbclient python3-ipykernel',
  '  elsewhere:      pipx install notebook --include-deps   (or: python3 -m pip install --user notebook nbconvert)',
  'If Jupyter is installed but not on your PATH, point JUPYTER at it, e.g. JUPYTER=/usr/bin/jupyter.',
].join('\n');

function versionOf(command: string, args: string[]): string | undefined {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 60_000 });
  if (result.error || result.status !== 0) return undefined;
  return result.stdout.trim().split('\n').pop()?.trim();
}

/**
 * Finds the Jupyter command (`$JUPYTER`, else `jupyter` on the PATH) and checks that the classic Notebook
 * server and nbconvert answer.
 * @throws JupyterMissingError with installation instructions when either is missing.
 */
export function findJupyter(env: NodeJS.ProcessEnv = process.env): JupyterInstallation {
  const command = env.JUPYTER?.trim() || 'jupyter';
  const notebookVersion = versionOf(command, ['notebook', '--version']);
  if (!notebookVersion) {
    throw new JupyterMissingError(
      `Jupyter Notebook was not found ('${command} notebook --version' did not run).\n${JUPYTER_INSTALL_HELP}`,
    );
  }
  const nbconvertVersion = versionOf(command, ['nbconvert', '--version']);
  if (!nbconvertVersion) {
    throw new JupyterMissingError(
      `Jupyter's nbconvert was not found ('${command} nbconvert --version' did not run).\n${JUPYTER_INSTALL_HELP}`,
    );
  }
  return { command, notebookVersion, nbconvertVersion };
}
