/**
 * Saving and loading TensorFlow.js models and tensors in a folder on disk, without tfjs-node.
 *
 *   await model.save(fileSystemHandler('runs/my-model'));
 *   const again = await tf.loadLayersModel(fileSystemHandler('runs/my-model'));
 *
 * A saved folder holds `model.json` (TensorFlow.js's standard format: topology, weights manifest, metadata)
 * and one weights file named after its content, `weights-<sha256 prefix>.bin`. The folder can be loaded by
 * any TensorFlow.js loader that reads model.json (tfjs-node's `file://`, the browser's `http`).
 *
 * Saving is atomic: the weights go to a temporary file that is renamed into place, then model.json is
 * written the same way, and that last rename is the moment the new save takes effect. A save that is
 * interrupted (a crash, Ctrl-C, a full disk) therefore leaves the previous model.json and the weights file it
 * names untouched and loadable. Only after the commit are weights files that no model.json names removed.
 * Loading checks the files' sizes and checksums and says which file is missing or damaged.
 */
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';

/** The name of the JSON file of a saved model. */
export const MODEL_JSON_FILE = 'model.json';

const WEIGHTS_FILE_PATTERN = /^weights-[0-9a-f]{16}\.bin$/;
const TEMP_FILE_PATTERN = /\.tmp-\d+-[0-9a-f]{8}$/;

/** A saved model's files are missing, unreadable or damaged; the message names the file and what to do. */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
  constructor(
    readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** The integrity record that model.json carries next to TensorFlow.js's own fields. */
interface WeightsIntegrity {
  file: string;
  bytes: number;
  sha256: string;
}

type SavedModelJson = tf.io.ModelJSON & { weightsIntegrity?: WeightsIntegrity };

/**
 * Resolves a folder location: a plain path (relative to the working directory) or a `file://` URL. A path
 * ending in `model.json` means its folder.
 */
export function resolveModelFolder(location: string): string {
  if (typeof location !== 'string' || location.trim() === '') {
    throw new TypeError('A model location must be a folder path or a file:// URL, got an empty value.');
  }
  let folder = location.startsWith('file://') ? fileURLToPath(location) : location;
  if (path.basename(folder) === MODEL_JSON_FILE) folder = path.dirname(folder);
  return path.resolve(folder);
}

async function writeFileAtomically(file: string, data: Uint8Array | string): Promise<void> {
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const handle = await fs.open(temp, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await fs.rm(temp, { force: true });
    throw error;
  }
  await handle.close();
  try {
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

/** fsyncs a folder so that the renames in it are durable, where the platform allows it (not on Windows, where opening a folder fails). */
export async function syncFolder(folder: string): Promise<void> {
  try {
    const handle = await fs.open(folder, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // best effort
  }
}

const BYTES_PER_VALUE: Record<string, number> = {
  float32: 4,
  int32: 4,
  bool: 1,
  complex64: 8,
  uint8: 1,
  uint16: 2,
  float16: 2,
};

/** Bytes that weight specs describe, or undefined when a string tensor makes that unknowable up front. */
function expectedWeightBytes(specs: tf.io.WeightsManifestEntry[]): number | undefined {
  let total = 0;
  for (const spec of specs) {
    const dtype = spec.quantization?.dtype ?? spec.dtype;
    const perValue = BYTES_PER_VALUE[dtype];
    if (perValue === undefined) return undefined;
    total += spec.shape.reduce((a, b) => a * b, 1) * perValue;
  }
  return total;
}

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

async function removeStaleFiles(folder: string, keep: string): Promise<void> {
  for (const name of await fs.readdir(folder)) {
    if ((WEIGHTS_FILE_PATTERN.test(name) && name !== keep) || TEMP_FILE_PATTERN.test(name)) {
      await fs.rm(path.join(folder, name), { force: true });
    }
  }
}

async function saveArtifacts(folder: string, artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
  if (artifacts.modelTopology instanceof ArrayBuffer) {
    throw new TypeError(
      'fileSystemHandler saves Layers models and named tensors; binary (GraphDef) topologies are not supported.',
    );
  }
  const weightSpecs = artifacts.weightSpecs ?? [];
  const weightBytes = new Uint8Array(
    artifacts.weightData === undefined
      ? new ArrayBuffer(0)
      : tf.io.CompositeArrayBuffer.join(artifacts.weightData),
  );
  const expected = expectedWeightBytes(weightSpecs);
  if (expected !== undefined && expected !== weightBytes.byteLength) {
    throw new RangeError(
      `The weight specs describe ${expected} bytes but the weight data holds ${weightBytes.byteLength}.`,
    );
  }
  const digest = sha256(weightBytes);
  const weightsFile = `weights-${digest.slice(0, 16)}.bin`;
  const modelJson: SavedModelJson = {
    modelTopology: artifacts.modelTopology as tf.io.ModelJSON['modelTopology'],
    weightsManifest: [{ paths: [weightsFile], weights: weightSpecs }],
    format: artifacts.format,
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-core v${tf.version_core}`,
    convertedBy: artifacts.convertedBy ?? null,
    weightsIntegrity: { file: weightsFile, bytes: weightBytes.byteLength, sha256: digest },
  };
  if (artifacts.trainingConfig != null) modelJson.trainingConfig = artifacts.trainingConfig;
  if (artifacts.signature != null) modelJson.signature = artifacts.signature;
  if (artifacts.userDefinedMetadata != null) modelJson.userDefinedMetadata = artifacts.userDefinedMetadata;
  if (artifacts.modelInitializer != null) modelJson.modelInitializer = artifacts.modelInitializer;
  if (artifacts.initializerSignature != null) modelJson.initializerSignature = artifacts.initializerSignature;
  const jsonText = `${JSON.stringify(modelJson)}\n`;

  await fs.mkdir(folder, { recursive: true });
  await writeFileAtomically(path.join(folder, weightsFile), weightBytes);
  await writeFileAtomically(path.join(folder, MODEL_JSON_FILE), jsonText); // the commit
  await syncFolder(folder);
  await removeStaleFiles(folder, weightsFile);
  return {
    modelArtifactsInfo: {
      dateSaved: new Date(),
      modelTopologyType: 'JSON',
      modelTopologyBytes:
        artifacts.modelTopology == null ? 0 : Buffer.byteLength(JSON.stringify(artifacts.modelTopology)),
      weightSpecsBytes: Buffer.byteLength(JSON.stringify(weightSpecs)),
      weightDataBytes: weightBytes.byteLength,
    },
  };
}

const SAVE_AGAIN =
  'Save the model again, or restore the folder (e.g. `git checkout -- <folder>` for committed weights).';

async function readModelJson(folder: string): Promise<SavedModelJson> {
  const file = path.join(folder, MODEL_JSON_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new ModelFileError(
        file,
        `No saved model at ${folder}: ${MODEL_JSON_FILE} is missing. Check the path, or save a model there first ` +
          '(`await model.save(fileSystemHandler(folder))`).',
      );
    }
    throw new ModelFileError(file, `Cannot read ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError(file, `${file} is not valid JSON (${(error as Error).message}). ${SAVE_AGAIN}`);
  }
  const json = parsed as SavedModelJson;
  if (
    json === null ||
    typeof json !== 'object' ||
    !Array.isArray(json.weightsManifest) ||
    json.weightsManifest.some((group) => !Array.isArray(group?.paths) || !Array.isArray(group?.weights))
  ) {
    throw new ModelFileError(
      file,
      `${file} is not a TensorFlow.js model.json: it needs a 'weightsManifest' list of { paths, weights }. ${SAVE_AGAIN}`,
    );
  }
  return json;
}

async function readWeights(
  folder: string,
  json: SavedModelJson,
): Promise<[tf.io.WeightsManifestEntry[], ArrayBuffer]> {
  const specs = json.weightsManifest.flatMap((group) => group.weights);
  const parts: Uint8Array[] = [];
  for (const relative of json.weightsManifest.flatMap((group) => group.paths)) {
    const file = path.resolve(folder, relative);
    try {
      parts.push(await fs.readFile(file));
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new ModelFileError(
        file,
        code === 'ENOENT'
          ? `${file} is missing, but ${path.join(folder, MODEL_JSON_FILE)} lists it. ${SAVE_AGAIN}`
          : `Cannot read ${file}: ${(error as Error).message}`,
      );
    }
  }
  const bytes = Buffer.concat(parts);
  const weightsFile = path.resolve(folder, json.weightsManifest[0]?.paths[0] ?? 'weights.bin');
  const expected = expectedWeightBytes(specs);
  if (expected !== undefined && expected !== bytes.byteLength) {
    throw new ModelFileError(
      weightsFile,
      `The weights in ${folder} hold ${bytes.byteLength} bytes, but model.json describes ${expected}: the file ` +
        `is truncated or belongs to another model. ${SAVE_AGAIN}`,
    );
  }
  const integrity = json.weightsIntegrity;
  if (integrity?.sha256 && sha256(bytes) !== integrity.sha256) {
    throw new ModelFileError(
      weightsFile,
      `The weights in ${folder} do not match the checksum recorded in model.json: the file is damaged. ${SAVE_AGAIN}`,
    );
  }
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  return [specs, buffer];
}

async function loadArtifacts(folder: string): Promise<tf.io.ModelArtifacts> {
  const json = await readModelJson(folder);
  const [weightSpecs, weightData] = await readWeights(folder, json);
  const artifacts: tf.io.ModelArtifacts = {
    modelTopology: json.modelTopology ?? undefined,
    weightSpecs,
    weightData,
    format: json.format,
    generatedBy: json.generatedBy,
    convertedBy: json.convertedBy,
  };
  if (json.trainingConfig != null) artifacts.trainingConfig = json.trainingConfig;
  if (json.signature != null) artifacts.signature = json.signature;
  if (json.userDefinedMetadata != null) artifacts.userDefinedMetadata = json.userDefinedMetadata;
  if (json.modelInitializer != null) artifacts.modelInitializer = json.modelInitializer;
  if (json.initializerSignature != null) artifacts.initializerSignature = json.initializerSignature;
  return artifacts;
}

/**
 * A TensorFlow.js IO handler that saves to and loads from a folder (a path or a `file://` URL):
 * `model.save(fileSystemHandler(folder))`, `tf.loadLayersModel(fileSystemHandler(folder))`.
 * See the module comment for the file layout and the atomic save.
 */
export function fileSystemHandler(location: string): tf.io.IOHandler {
  const folder = resolveModelFolder(location);
  return {
    save: (artifacts) => saveArtifacts(folder, artifacts),
    load: () => loadArtifacts(folder),
  };
}

/** Whether a folder holds a saved model (its model.json exists). */
export async function hasSavedModel(location: string): Promise<boolean> {
  try {
    await fs.access(path.join(resolveModelFolder(location), MODEL_JSON_FILE));
    return true;
  } catch {
    return false;
  }
}

/** Metadata saved with named tensors: any JSON-serialisable values. */
export type TensorMetadata = Record<string, unknown>;

/**
 * Saves named tensors (e.g. an optimizer's state, or a model's weights by name) with JSON metadata in a
 * folder, in the same format and with the same atomic save as {@link fileSystemHandler}.
 */
export async function saveTensors(
  location: string,
  tensors: tf.NamedTensorMap,
  metadata: TensorMetadata = {},
): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(tensors);
  await saveArtifacts(resolveModelFolder(location), {
    weightSpecs: specs,
    weightData: data,
    format: 'genlib-tensors',
    userDefinedMetadata: metadata as tf.io.ModelArtifacts['userDefinedMetadata'],
  });
}

/** Loads what {@link saveTensors} saved; the caller owns (and must dispose) the returned tensors. */
export async function loadTensors(
  location: string,
): Promise<{ tensors: tf.NamedTensorMap; metadata: TensorMetadata }> {
  const artifacts = await loadArtifacts(resolveModelFolder(location));
  const tensors = tf.io.decodeWeights(
    artifacts.weightData ?? new ArrayBuffer(0),
    artifacts.weightSpecs ?? [],
  );
  return { tensors, metadata: (artifacts.userDefinedMetadata ?? {}) as TensorMetadata };
}
