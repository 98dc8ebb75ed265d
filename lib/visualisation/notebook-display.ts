/**
 * Bridge to the Jupyter notebook display when the code runs inside the tslab kernel.
 *
 * tslab's public `display.raw(mime, value)` sends one MIME type per output. Jupyter outputs can carry
 * several representations at once (e.g. a Plotly JSON spec for JupyterLab/VS Code plus HTML for
 * classic Notebook and nbconvert), so this module sends whole MIME bundles through tslab's internal
 * `lastWriteDisplayData(message, update)` from `tslab/dist/jupyter.js` (checked against tslab 1.0.22:
 * it sends `message` as the content of a `display_data`, or of an `update_display_data` when `update`
 * is true). Being internal, it is looked up defensively: if it is missing or not a function, the code
 * counts as running outside a notebook and every helper falls back to the terminal / files.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * One output's representations keyed by MIME type, e.g. `{ 'text/html': '<b>hi</b>', 'text/plain': 'hi' }`.
 * Binary values (`Uint8Array`/`Buffer`, e.g. for `image/png`) are base64-encoded when sent; objects
 * (e.g. for `application/vnd.plotly.v1+json`) are sent as JSON.
 */
export type MimeBundle = Record<string, string | Uint8Array | object>;

/** The content of a Jupyter `display_data` / `update_display_data` message (messaging protocol 5.1+). */
export interface DisplayDataMessage {
  /** MIME type -> representation, ready for JSON (binary already base64-encoded). */
  data: Record<string, string | object>;
  /** Per-MIME metadata, e.g. `{ 'image/png': { width: 200 } }`. */
  metadata: Record<string, unknown>;
  /** Not saved in the notebook; `display_id` lets later updates replace this output. */
  transient: { display_id?: string };
}

/** Sends one display message; `update` selects `update_display_data` (replace in place) over `display_data`. */
export type DisplayWriter = (message: DisplayDataMessage, update: boolean) => void;

/** Options for {@link publishDisplay}. */
export interface PublishDisplayOptions {
  /** Give the output this display id, so that a later `update: true` call can replace it. */
  displayId?: string;
  /** Replace the existing output(s) with `displayId` instead of adding a new output. Default false. */
  update?: boolean;
  /** Per-MIME metadata, e.g. `{ 'image/png': { width: 400 } }`. */
  metadata?: Record<string, unknown>;
}

const TSLAB_JUPYTER_MODULE = /[\\/]tslab[\\/]dist[\\/]jupyter\.js$/;

/** `undefined`: detect tslab; `null`: behave as outside a notebook; a function: use it (tests, other hosts). */
let writerOverride: DisplayWriter | null | undefined;
let tslabJupyterExports: { lastWriteDisplayData?: unknown } | undefined;

/**
 * Finds the tslab kernel's `jupyter.js` among the modules Node has already loaded (the kernel loads it
 * at start-up). Looking in the require cache, rather than requiring `tslab/dist/jupyter`, finds the
 * running kernel's own copy even if it is not the one in this project's node_modules, and never loads
 * tslab (and its native zeromq addon) in a plain Node process.
 */
function findTslabWriter(): DisplayWriter | undefined {
  if (!tslabJupyterExports) {
    const cache = createRequire(join(process.cwd(), 'noop.js')).cache;
    for (const key of Object.keys(cache)) {
      if (!TSLAB_JUPYTER_MODULE.test(key)) continue;
      const exported = cache[key]?.exports as { lastWriteDisplayData?: unknown } | undefined;
      if (exported && 'lastWriteDisplayData' in exported) {
        tslabJupyterExports = exported;
        break;
      }
    }
  }
  // tslab replaces lastWriteDisplayData at each execute request, so read it on every call.
  const writer = tslabJupyterExports?.lastWriteDisplayData;
  return typeof writer === 'function' ? (writer as DisplayWriter) : undefined;
}

function currentWriter(): DisplayWriter | undefined {
  if (writerOverride === null) return undefined;
  return writerOverride ?? findTslabWriter();
}

/**
 * Replaces the notebook connection: a function receives every display message (tests, other kernels),
 * `null` forces the terminal/file fallbacks, `undefined` restores detection of the tslab kernel.
 */
export function setDisplayWriter(writer: DisplayWriter | null | undefined): void {
  writerOverride = writer;
}

/** True when rich outputs can be shown, i.e. the code runs inside the tslab kernel (or a writer was set). */
export function isInsideNotebook(): boolean {
  return currentWriter() !== undefined;
}

/** A fresh random display id (16 hex characters, like tslab's own). */
export function newDisplayId(): string {
  return randomBytes(8).toString('hex');
}

/** Builds the display message for a bundle: binary values become base64 strings, other values are kept. */
export function toDisplayMessage(
  bundle: MimeBundle,
  options: Pick<PublishDisplayOptions, 'displayId' | 'metadata'> = {},
): DisplayDataMessage {
  const data: Record<string, string | object> = {};
  for (const [mimeType, value] of Object.entries(bundle)) {
    data[mimeType] = value instanceof Uint8Array ? Buffer.from(value).toString('base64') : value;
  }
  const transient: DisplayDataMessage['transient'] = {};
  if (options.displayId !== undefined) transient.display_id = options.displayId;
  return { data, metadata: options.metadata ?? {}, transient };
}

/** A display message that could not be sent yet, with the writer (i.e. the cell) it belongs to. */
interface PendingDisplay {
  writer: DisplayWriter;
  message: DisplayDataMessage;
  update: boolean;
}

const pendingDisplays: PendingDisplay[] = [];
let flushScheduled = false;
/** How long to wait before retrying when the kernel's output socket is busy. */
const RETRY_DELAY_MS = 10;

/**
 * True for the error tslab's ZeroMQ socket (zeromq 6) throws when a send is attempted while an earlier one
 * is still being written: after a few hundred messages sent without the event loop getting a turn (a long
 * training loop updating its progress), `send()` throws `EBUSY` synchronously instead of queueing.
 */
function isSocketBusy(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'EBUSY';
}

function trySend(pending: PendingDisplay): boolean {
  try {
    pending.writer(pending.message, pending.update);
    return true;
  } catch (error) {
    if (isSocketBusy(error)) return false;
    throw error;
  }
}

function flushPendingDisplays(): void {
  flushScheduled = false;
  while (pendingDisplays.length > 0) {
    if (!trySend(pendingDisplays[0])) {
      scheduleFlush();
      return;
    }
    pendingDisplays.shift();
  }
}

function scheduleFlush(): void {
  if (flushScheduled) return;
  flushScheduled = true;
  setTimeout(flushPendingDisplays, RETRY_DELAY_MS);
}

/**
 * Queues a message behind those already waiting, in order. An update of an output that already has an
 * update waiting replaces that update (only the latest state of a live display matters).
 */
function enqueue(pending: PendingDisplay): void {
  const displayId = pending.message.transient.display_id;
  if (pending.update && displayId !== undefined) {
    const index = pendingDisplays.findIndex(
      (p) => p.update && p.writer === pending.writer && p.message.transient.display_id === displayId,
    );
    if (index >= 0) {
      pendingDisplays[index] = pending;
      return;
    }
  }
  pendingDisplays.push(pending);
  scheduleFlush();
}

/** Number of display messages waiting for the kernel's output socket (0 almost always). */
export function pendingDisplayCount(): number {
  return pendingDisplays.length;
}

/**
 * Shows a MIME bundle as a notebook output. Returns false, showing nothing, outside a notebook: callers
 * then use their own fallback (print text, write a file).
 *
 * When the kernel's output socket is momentarily busy, the message is queued and sent, in order, as soon
 * as the event loop gets a turn, instead of throwing into the caller (e.g. into a training loop).
 */
export function publishDisplay(bundle: MimeBundle, options: PublishDisplayOptions = {}): boolean {
  const writer = currentWriter();
  if (!writer) return false;
  if (options.update && options.displayId === undefined) {
    throw new Error('publishDisplay: update needs the displayId of the output to replace');
  }
  const pending = { writer, message: toDisplayMessage(bundle, options), update: options.update === true };
  if (pendingDisplays.length > 0 || !trySend(pending)) enqueue(pending);
  return true;
}

/** A notebook output that can be replaced in place (live progress, live charts). */
export interface UpdatableDisplay {
  /** The Jupyter display id shared by the first output and its updates. */
  readonly displayId: string;
  /** True once the output exists (the first successful {@link UpdatableDisplay.show}). */
  readonly isShown: boolean;
  /**
   * Shows `bundle`: the first call creates the output, later calls replace it in place.
   * Returns false (showing nothing) outside a notebook.
   */
  show(bundle: MimeBundle, metadata?: Record<string, unknown>): boolean;
}

/** Creates an output that can be shown once and then updated in place via its display id. */
export function createUpdatableDisplay(displayId: string = newDisplayId()): UpdatableDisplay {
  let shown = false;
  return {
    displayId,
    get isShown() {
      return shown;
    },
    show(bundle, metadata) {
      const sent = publishDisplay(bundle, { displayId, update: shown, metadata });
      if (sent) shown = true;
      return sent;
    },
  };
}

/** Options for {@link writeOutputFile}. */
export interface OutputFileOptions {
  /**
   * Folder for the file. Default: `$GENLIB_OUTPUT_DIR` if set, else `<os temp dir>/genlib-output`.
   */
  directory?: string;
}

let outputFileCounter = 0;

/** The folder used by {@link writeOutputFile} when no directory is given. */
export function defaultOutputDirectory(): string {
  return resolve(process.env.GENLIB_OUTPUT_DIR || join(tmpdir(), 'genlib-output'));
}

/**
 * Writes `contents` to a new file named `<prefix>-<time>-<n>.<extension>` and returns its absolute path.
 * Used as the outside-a-notebook fallback for images and figures.
 */
export function writeOutputFile(
  prefix: string,
  extension: string,
  contents: string | Uint8Array,
  options: OutputFileOptions = {},
): string {
  const directory = resolve(options.directory ?? defaultOutputDirectory());
  mkdirSync(directory, { recursive: true });
  const time = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  outputFileCounter += 1;
  const path = join(directory, `${prefix}-${time}-${process.pid}-${outputFileCounter}.${extension}`);
  writeFileSync(path, contents);
  return path;
}
