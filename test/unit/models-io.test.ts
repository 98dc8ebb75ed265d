import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import {
  buildMlpClassifier,
  buildSmallCnn,
  fileSystemHandler,
  hasSavedModel,
  loadTensors,
  ModelFileError,
  saveTensors,
} from '../../lib/models';
import { killDuringSaves } from './fixtures/kill-during-saves';

let root: string;
before(async () => {
  await tf.setBackend('cpu');
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'genlib-io-'));
});
after(() => fs.rmSync(root, { recursive: true, force: true }));

const folder = (name: string) => path.join(root, name);

function predictions(model: tf.LayersModel, inputs: tf.Tensor): Float32Array {
  const output = model.predict(inputs) as tf.Tensor;
  const values = output.dataSync() as Float32Array;
  output.dispose();
  return values;
}

function weightsFiles(dir: string): string[] {
  return fs.readdirSync(dir).filter((name) => name.endsWith('.bin'));
}

describe('fileSystemHandler', () => {
  test('a CNN saved and loaded gives exactly the same predictions, with its metadata', async () => {
    const model = buildSmallCnn({
      inputShape: [12, 12, 1],
      filters: [2, 3],
      kernelSize: 3,
      hiddenUnits: 4,
      seed: 5,
    });
    model.setUserDefinedMetadata({ note: { accuracy: 0.5 } });
    const inputs = tf.randomUniform([3, 12, 12, 1], 0, 1, 'float32', 9);
    const result = await model.save(fileSystemHandler(folder('cnn')));
    assert.equal(result.modelArtifactsInfo.modelTopologyType, 'JSON');
    assert.deepEqual(
      fs.readdirSync(folder('cnn')).sort(),
      ['model.json', weightsFiles(folder('cnn'))[0]].sort(),
    );
    assert.match(weightsFiles(folder('cnn'))[0], /^weights-[0-9a-f]{16}\.bin$/);
    const loaded = await tf.loadLayersModel(fileSystemHandler(folder('cnn')));
    assert.deepEqual(predictions(loaded, inputs), predictions(model, inputs));
    assert.deepEqual(loaded.getUserDefinedMetadata(), { note: { accuracy: 0.5 } });
    assert.equal(loaded.name, model.name);
    tf.dispose([inputs]);
    model.dispose();
    loaded.dispose();
  });

  test('file:// URLs and paths to model.json name the same folder', async () => {
    const model = buildMlpClassifier({ inputShape: [2], numClasses: 3, hiddenUnits: [4], seed: 1 });
    await model.save(fileSystemHandler(pathToFileURL(folder('url')).href));
    assert.equal(await hasSavedModel(folder('url')), true);
    assert.equal(await hasSavedModel(folder('nothing-here')), false);
    const loaded = await tf.loadLayersModel(fileSystemHandler(path.join(folder('url'), 'model.json')));
    const x = tf.tensor2d([[0.5, -1]]);
    assert.deepEqual(predictions(loaded, x), predictions(model, x));
    tf.dispose([x]);
    model.dispose();
    loaded.dispose();
  });

  test('saving again replaces the weights, removes the old file and leaves other files alone', async () => {
    const dir = folder('resave');
    const first = buildMlpClassifier({ inputShape: [2], numClasses: 2, hiddenUnits: [3], seed: 1 });
    const second = buildMlpClassifier({ inputShape: [2], numClasses: 2, hiddenUnits: [3], seed: 2 });
    await first.save(fileSystemHandler(dir));
    const [firstWeights] = weightsFiles(dir);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    await second.save(fileSystemHandler(dir));
    const [secondWeights, ...others] = weightsFiles(dir);
    assert.notEqual(secondWeights, firstWeights);
    assert.deepEqual(others, []);
    assert.equal(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8'), 'mine');
    const loaded = await tf.loadLayersModel(fileSystemHandler(dir));
    const x = tf.tensor2d([[1, 2]]);
    assert.deepEqual(predictions(loaded, x), predictions(second, x));
    tf.dispose([x]);
    [first, second, loaded].forEach((m) => {
      m.dispose();
    });
  });

  test('a save interrupted before its commit leaves the previous model loadable; the next save tidies up', async () => {
    const dir = folder('interrupted');
    const previous = buildMlpClassifier({ inputShape: [2], numClasses: 2, hiddenUnits: [3], seed: 1 });
    const next = buildMlpClassifier({ inputShape: [2], numClasses: 2, hiddenUnits: [3], seed: 2 });
    await previous.save(fileSystemHandler(dir));
    // What an interruption between the two renames leaves: the new weights in place, model.json still
    // the old one, and a half-written temporary model.json.
    await next.save(fileSystemHandler(folder('scratch')));
    const [newWeights] = weightsFiles(folder('scratch'));
    fs.copyFileSync(path.join(folder('scratch'), newWeights), path.join(dir, newWeights));
    const half = fs.readFileSync(path.join(folder('scratch'), 'model.json'), 'utf8').slice(0, 100);
    fs.writeFileSync(path.join(dir, 'model.json.tmp-1234-0a1b2c3d'), half);
    const loaded = await tf.loadLayersModel(fileSystemHandler(dir));
    const x = tf.tensor2d([[1, 2]]);
    assert.deepEqual(predictions(loaded, x), predictions(previous, x));
    await next.save(fileSystemHandler(dir));
    assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', newWeights].sort());
    tf.dispose([x]);
    [previous, next, loaded].forEach((m) => {
      m.dispose();
    });
  });

  test('a process killed while saving over and over leaves a loadable model', async () => {
    const dir = folder('killed');
    const script = `
      const tf = require('@tensorflow/tfjs');
      const { fileSystemHandler } = require(${JSON.stringify(path.resolve('lib/models/io'))});
      (async () => {
        await tf.setBackend('cpu');
        const model = tf.sequential({ layers: [tf.layers.dense({ inputShape: [256], units: 2048 })] });
        for (let i = 0; ; i++) {
          model.setWeights([tf.fill([256, 2048], i), tf.fill([2048], i)]);
          await model.save(fileSystemHandler(${JSON.stringify(dir)}));
          process.stdout.write('saved ' + i + '\\n');
        }
      })();`;
    // kill it in the middle of its fourth save (2 MB of weights per save)
    await killDuringSaves(script, 2, 20);
    const loaded = await tf.loadLayersModel(fileSystemHandler(dir));
    const [kernel] = loaded.getWeights();
    const values = kernel.dataSync();
    assert.ok(Number.isInteger(values[0]) && values[0] >= 2, `a complete save, got ${values[0]}`);
    assert.ok(
      values.every((v) => v === values[0]),
      'every value comes from the same save',
    );
    loaded.dispose();
  });

  test('missing or damaged files give errors that name the file and say what to do', async () => {
    await assert.rejects(
      tf.loadLayersModel(fileSystemHandler(folder('absent'))),
      (e: unknown) =>
        e instanceof ModelFileError && /No saved model at .*absent: model.json is missing/.test(e.message),
    );
    const dir = folder('damaged');
    const model = buildMlpClassifier({ inputShape: [2], numClasses: 2, hiddenUnits: [3], seed: 1 });
    await model.save(fileSystemHandler(dir));
    const [weights] = weightsFiles(dir);
    const weightsPath = path.join(dir, weights);
    const jsonPath = path.join(dir, 'model.json');
    const goodJson = fs.readFileSync(jsonPath, 'utf8');
    const goodWeights = fs.readFileSync(weightsPath);
    const expectError = async (pattern: RegExp) =>
      assert.rejects(tf.loadLayersModel(fileSystemHandler(dir)), (e: unknown) => {
        assert.ok(e instanceof ModelFileError, String(e));
        assert.match(e.message, pattern);
        return true;
      });

    fs.writeFileSync(jsonPath, goodJson.slice(0, 50));
    await expectError(/model.json is not valid JSON .*Save the model again/);
    fs.writeFileSync(jsonPath, '{"modelTopology": {}}');
    await expectError(/is not a TensorFlow.js model.json/);
    fs.writeFileSync(jsonPath, goodJson);
    fs.rmSync(weightsPath);
    await expectError(new RegExp(`${weights} is missing, but .*model.json lists it`));
    fs.writeFileSync(weightsPath, goodWeights.subarray(0, goodWeights.length - 4));
    await expectError(/hold \d+ bytes, but model.json describes \d+: the file is truncated/);
    const flipped = Buffer.from(goodWeights);
    flipped[3] ^= 0xff;
    fs.writeFileSync(weightsPath, flipped);
    await expectError(/do not match the checksum .*damaged/);
    fs.writeFileSync(weightsPath, goodWeights);
    (await tf.loadLayersModel(fileSystemHandler(dir))).dispose();
    model.dispose();
  });
});

describe('saveTensors / loadTensors', () => {
  test('named tensors of several dtypes and JSON metadata survive a round trip', async () => {
    const tensors = {
      'adam/m': tf.tensor2d([
        [1.5, -2],
        [3, 4.25],
      ]),
      step: tf.scalar(7, 'int32'),
    };
    await saveTensors(folder('tensors'), tensors, { epoch: 3, note: 'checkpoint' });
    const loaded = await loadTensors(folder('tensors'));
    assert.deepEqual(Object.keys(loaded.tensors).sort(), ['adam/m', 'step']);
    assert.deepEqual(loaded.tensors['adam/m'].arraySync(), tensors['adam/m'].arraySync());
    assert.equal(loaded.tensors.step.dtype, 'int32');
    assert.equal(loaded.tensors.step.arraySync(), 7);
    assert.deepEqual(loaded.metadata, { epoch: 3, note: 'checkpoint' });
    tf.dispose([...Object.values(tensors), ...Object.values(loaded.tensors)]);
  });
});
