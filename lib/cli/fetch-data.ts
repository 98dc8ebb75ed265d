/**
 * `npm run fetch-data -- <mnist|fashion-mnist|all> [--force] [--no-system] [--base-url URL] [--data-dir DIR]`
 *
 * Downloads the full datasets into data/full/<name>, verifying the published checksums. Without a
 * name, shows which datasets are on this machine. mnist-10k needs no download: it is committed.
 */

import { type DatasetName, DEFAULT_FASHION_SYSTEM_DIR, datasetStatus } from '../data/catalog';
import { type DownloadableDataset, type DownloadProgress, fetchDataset, REMOTE_SOURCES } from '../data/fetch';
import { runCommand } from './run-command';

const USAGE = `Usage: npm run fetch-data -- <mnist|fashion-mnist|all> [options]

Downloads the full datasets into data/full/<name> and verifies their published checksums.
Fashion-MNIST is taken from Debian's package when installed (${DEFAULT_FASHION_SYSTEM_DIR}).
The default dataset, mnist-10k, is committed to the repository and needs no download.

Options:
  --force          download again even if verified files are present
  --no-system      download Fashion-MNIST even when Debian's copy is installed
  --base-url URL   download from another mirror holding the same files
  --data-dir DIR   use DIR instead of the project's data/ folder
  --help           show this help`;

/** Where the CLI writes; tests pass their own. */
export interface CliIo {
  out: (line: string) => void;
  err: (text: string) => void;
  /** True when err is an interactive terminal (progress then updates one line in place). */
  isTty: boolean;
}

const defaultIo: CliIo = {
  out: (line) => console.log(line),
  err: (text) => process.stderr.write(text),
  isTty: Boolean(process.stderr.isTTY),
};

function progressReporter(io: CliIo): (p: DownloadProgress) => void {
  let lastQuarter = -1;
  let lastFile = '';
  return ({ file, received, total }) => {
    if (file !== lastFile) {
      lastFile = file;
      lastQuarter = -1;
    }
    const mb = (n: number) => (n / 1e6).toFixed(1);
    const fraction = total ? received / total : 0;
    const text = total
      ? `  ${file}: ${Math.floor(fraction * 100)}% (${mb(received)} of ${mb(total)} MB)`
      : `  ${file}: ${mb(received)} MB`;
    if (io.isTty) {
      io.err(`\r${text}${fraction >= 1 ? '\n' : ''}`);
    } else {
      const quarter = Math.floor(fraction * 4);
      if (quarter > lastQuarter) {
        lastQuarter = quarter;
        io.err(`${text}\n`);
      }
    }
  };
}

/** Runs the command with `argv` (the arguments after the script name); resolves to the exit code. */
export async function main(argv: string[], io: CliIo = defaultIo): Promise<number> {
  const names: string[] = [];
  let force = false;
  let useSystemCopy = true;
  let baseUrl: string | undefined;
  let dataDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') {
      io.out(USAGE);
      return 0;
    } else if (arg === '--force') force = true;
    else if (arg === '--no-system') useSystemCopy = false;
    else if (arg === '--base-url' || arg === '--data-dir') {
      const value = argv[++i];
      if (!value) {
        io.err(`${arg} needs a value.\n\n${USAGE}\n`);
        return 2;
      }
      if (arg === '--base-url') baseUrl = value.endsWith('/') ? value : `${value}/`;
      else dataDir = value;
    } else if (arg.startsWith('-')) {
      io.err(`Unknown option ${arg}.\n\n${USAGE}\n`);
      return 2;
    } else names.push(arg);
  }

  if (names.length === 0) {
    io.out('Datasets on this machine:');
    for (const status of datasetStatus({ dataDir })) {
      io.out(
        status.available
          ? `  ${status.name.padEnd(14)} yes (${status.kind}, ${status.dir})`
          : `  ${status.name.padEnd(14)} no  ${status.howToGet}`,
      );
    }
    io.out(`\n${USAGE}`);
    return 0;
  }

  const wanted: DownloadableDataset[] = [];
  for (const name of names) {
    if (name === 'all') wanted.push('mnist', 'fashion-mnist');
    else if ((name as DatasetName) === 'mnist-10k') {
      io.out('mnist-10k is committed to the repository (data/mnist-10k): nothing to download.');
    } else if (name in REMOTE_SOURCES) wanted.push(name as DownloadableDataset);
    else {
      io.err(`Unknown dataset '${name}'. Choose mnist, fashion-mnist or all.\n`);
      return 2;
    }
  }

  for (const name of [...new Set(wanted)]) {
    try {
      await fetchDataset(name, {
        force,
        useSystemCopy,
        baseUrl,
        dataDir,
        log: (line) => io.out(line),
        onProgress: progressReporter(io),
      });
    } catch (err) {
      io.err(`\nfetch-data ${name} failed: ${err instanceof Error ? err.message : String(err)}\n`);
      return 1;
    }
  }
  return 0;
}

if (require.main === module) runCommand(main);
