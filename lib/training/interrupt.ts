/**
 * A polite stop for long training runs: while installed, the first SIGINT (Ctrl-C in a terminal; a kernel
 * interrupt in Jupyter, which sends SIGINT to the kernel process) only sets a flag; the training loop checks
 * it after each step, saves a checkpoint and returns. Remove the handler when training ends, so Ctrl-C
 * behaves normally again.
 */

/** The stop request of one training run. */
export interface InterruptGuard {
  /** True once a stop was requested (by a signal or by {@link InterruptGuard.request}). */
  readonly requested: boolean;
  /** Requests a stop from code (e.g. a notebook button, a test). */
  request(): void;
  /** Removes the signal handler (idempotent). */
  dispose(): void;
}

/** Options of {@link installInterruptHandler}. */
export interface InterruptHandlerOptions {
  /** The signals to catch. Default ['SIGINT']. */
  signals?: NodeJS.Signals[];
  /** Called on each signal with how many have arrived (1 for the first). Default: a note on stderr. */
  onSignal?: (count: number, signal: NodeJS.Signals) => void;
  /**
   * Exit the process with code 130 on the second signal (a terminal user pressing Ctrl-C twice means it).
   * Default false (a notebook kernel should not die).
   */
  exitOnSecondSignal?: boolean;
}

/** Installs the SIGINT handler of a training run; call `dispose()` when the run ends. */
export function installInterruptHandler(options: InterruptHandlerOptions = {}): InterruptGuard {
  const signals = options.signals ?? ['SIGINT'];
  let requested = false;
  let count = 0;
  const handler = (signal: NodeJS.Signals) => {
    count++;
    requested = true;
    if (options.onSignal) options.onSignal(count, signal);
    else if (count === 1) {
      process.stderr.write(
        `\n${signal}: stopping after the current step and saving a checkpoint` +
          `${options.exitOnSecondSignal ? ' (press Ctrl-C again to quit without saving)' : ''}...\n`,
      );
    }
    if (count >= 2 && options.exitOnSecondSignal) process.exit(130);
  };
  for (const signal of signals) process.on(signal, handler);
  let installed = true;
  return {
    get requested() {
      return requested;
    },
    request() {
      requested = true;
    },
    dispose() {
      if (!installed) return;
      installed = false;
      for (const signal of signals) process.removeListener(signal, handler);
    },
  };
}
