/**
 * What every command-line entry of the project does around its `main`: run it when the file is executed
 * directly, set the exit code it returns, and print an unexpected error's stack with exit code 1.
 *
 *   if (require.main === module) runCommand(main);
 */
import { CliArgumentError } from './train-args';
export function runCommand(main: (argv: string[]) => Promise<number>): void {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (error) => {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
      process.exitCode = 1;
    },
  );
}

/** Where a command writes; tests pass their own. */
export interface CommandIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/** The console: standard output and standard error. */
export const consoleIo: CommandIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/**
 * Parses a command's arguments. Returns them, or the exit code when the command is already done: 2 after
 * printing an argument error (a {@link CliArgumentError} of `parse`), 0 after printing `usage` for `--help`.
 */
export function parseCommandLine<Args extends { help: boolean }>(
  command: string,
  argv: string[],
  parse: (argv: string[]) => Args,
  usage: string,
  io: CommandIo,
): Args | number {
  let args: Args;
  try {
    args = parse(argv);
  } catch (error) {
    if (error instanceof CliArgumentError) {
      io.err(`npm run ${command}: ${error.message}`);
      return 2;
    }
    throw error;
  }
  if (args.help) {
    io.out(usage);
    return 0;
  }
  return args;
}
