/** Saving and loading models and tensors on disk with the project's own TensorFlow.js IO handler. */

export {
  fileSystemHandler,
  hasSavedModel,
  loadTensors,
  MODEL_JSON_FILE,
  ModelFileError,
  resolveModelFolder,
  saveTensors,
  type TensorMetadata,
} from './file-system-handler';
