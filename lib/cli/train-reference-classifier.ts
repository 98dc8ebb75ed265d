/**
 * `npm run train-reference-classifier [-- --epochs N --seed S --out DIR --min-accuracy A]`: retrains the
 * reference classifier on mnist-10k from its fixed seed, prints its accuracy on the 2,000 held-out digits,
 * and saves it (default: data/reference-classifier/, the committed copy) only when it reaches the minimum
 * accuracy (default 0.98). The same seed on the same backend gives the same weights, hence the same weights
 * file name (it is named after its checksum).
 */
import { parseArgs } from 'node:util';
import { assertConvTrainingSupported, formatBackendReport, initBackend } from '../backend';
import { loadDataset } from '../data/datasets';
import {
  REFERENCE_CLASSIFIER_DIR,
  REFERENCE_MIN_ACCURACY,
  saveReferenceClassifier,
  trainReferenceClassifier,
} from '../models/reference-classifier';

function numberOption(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isFinite(parsed)) throw new Error(`--${name} needs a number, got '${value}'.`);
  return parsed;
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string' },
      seed: { type: 'string' },
      out: { type: 'string', default: REFERENCE_CLASSIFIER_DIR },
      'min-accuracy': { type: 'string' },
    },
  });
  const minAccuracy = numberOption(values['min-accuracy'], 'min-accuracy') ?? REFERENCE_MIN_ACCURACY;
  const report = await initBackend();
  console.log(formatBackendReport(report));
  assertConvTrainingSupported();
  const data = await loadDataset({ name: 'mnist-10k', range: 'unit' });
  try {
    const { model, metadata } = await trainReferenceClassifier(data, {
      epochs: numberOption(values.epochs, 'epochs'),
      seed: numberOption(values.seed, 'seed'),
    });
    console.log(
      `test accuracy ${(metadata.testAccuracy * 100).toFixed(2)}% on ${metadata.testSize} held-out digits ` +
        `(${metadata.epochs} epochs, ${metadata.trainingSeconds} s on ${metadata.backend})`,
    );
    if (metadata.testAccuracy < minAccuracy) {
      console.error(`Below the required ${(minAccuracy * 100).toFixed(1)}%: nothing saved.`);
      return 1;
    }
    await saveReferenceClassifier(model, metadata, values.out);
    console.log(`saved to ${values.out}`);
    model.dispose();
    return 0;
  } finally {
    data.dispose();
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  },
);
