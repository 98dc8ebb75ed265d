/**
 * One DCGAN training step, as in TensorFlow's tutorial but with every random draw named by a seed:
 *
 * 1. discriminator update: BCE(D(x) → 1) + BCE(D(G(z₁)) → 0) over D's variables;
 * 2. generator update: −log D(G(z₂)) (the non-saturating loss) over G's variables.
 *
 * The noise z₁, z₂ and the discriminator's dropout masks come from seeds the caller derives from
 * (run seed, step), so the same step number always draws the same numbers, before or after a resume.
 * For the conditional variant both networks also get the real batch's labels as one-hot vectors: the fakes
 * of a step are asked to be of the same classes as the real batch.
 */
import * as tf from '@tensorflow/tfjs';
import { tfSeed } from '../data/random';
import { dcganInputs } from '../models/dcgan';
import { networkVariables } from '../models/gan-mlp';
import { setDropoutSeed } from '../models/seeded-dropout';
import { discriminatorLoss, type GeneratorLossKind, generatorLoss } from './gan-losses';
import { globalGradientNorm } from './gan-steps';

/** What one DCGAN step reports (measured before the updates of that step). */
export interface DcganStepMetrics {
  /** BCE(real → 1) + BCE(fake → 0); 2·ln 2 ≈ 1.386 when D says 0.5 everywhere. */
  lossD: number;
  /** −mean log D(G(z)); ln 2 ≈ 0.693 at D = 0.5. */
  lossG: number;
  /** Mean D(x) on the real batch. */
  dReal: number;
  /** Mean D(G(z)) on the fakes of the discriminator update. */
  dFake: number;
  /** Global gradient norms each network received. */
  gradNormD: number;
  gradNormG: number;
}

/** The two networks and their optimizers. */
export interface DcganPair {
  generator: tf.LayersModel;
  discriminator: tf.LayersModel;
  optimizerG: tf.Optimizer;
  optimizerD: tf.Optimizer;
}

/** Options of {@link dcganTrainStep}. */
export interface DcganStepOptions {
  /** Real images [batch, 28, 28, 1] in [-1, 1]. */
  real: tf.Tensor4D;
  /** One-hot labels of `real` [batch, numClasses], for the conditional variant only. */
  labels?: tf.Tensor2D;
  /** Length of z. */
  latentDim: number;
  /** The seed every draw of this step derives from (e.g. deriveSeed(runSeed, step)). */
  stepSeed: number;
  /** One-sided label smoothing of D's real target. Default 0 (as the tutorial). */
  labelSmoothing?: number;
  /** Default 'non-saturating' (the tutorial's). */
  generatorLoss?: GeneratorLossKind;
}

/** The seeded noise of a step: `stream` 0 for the discriminator update, 1 for the generator update. */
export function stepNoise(count: number, latentDim: number, stepSeed: number, stream: number): tf.Tensor2D {
  return tf.randomNormal([count, latentDim], 0, 1, 'float32', tfSeed(stepSeed, stream));
}

function readAndDispose(tensors: tf.Scalar[]): number[] {
  const values = tensors.map((t) => t.dataSync()[0]);
  tf.dispose(tensors);
  return values;
}

/** One discriminator update and one generator update. */
export function dcganTrainStep(pair: DcganPair, options: DcganStepOptions): DcganStepMetrics {
  const { generator, discriminator, optimizerD, optimizerG } = pair;
  const { real, labels, latentDim, stepSeed } = options;
  const batch = real.shape[0];
  setDropoutSeed(discriminator, tfSeed(stepSeed, 2));
  const noiseD = stepNoise(batch, latentDim, stepSeed, 0);
  const noiseG = stepNoise(batch, latentDim, stepSeed, 1);
  try {
    // Discriminator update (G runs forward in training mode, as in the tutorial, but is not changed).
    const fake = tf.tidy(() => generator.apply(dcganInputs(noiseD, labels), { training: true }) as tf.Tensor);
    const probes: { dReal?: tf.Scalar; dFake?: tf.Scalar } = {};
    const d = optimizerD.computeGradients(() => {
      const realLogits = discriminator.apply(dcganInputs(real, labels), { training: true }) as tf.Tensor;
      const fakeLogits = discriminator.apply(dcganInputs(fake, labels), { training: true }) as tf.Tensor;
      probes.dReal = tf.keep(tf.mean(tf.sigmoid(realLogits)) as tf.Scalar);
      probes.dFake = tf.keep(tf.mean(tf.sigmoid(fakeLogits)) as tf.Scalar);
      return discriminatorLoss(realLogits, fakeLogits, { labelSmoothing: options.labelSmoothing });
    }, networkVariables(discriminator));
    fake.dispose();
    const normD = globalGradientNorm(d.grads);
    optimizerD.applyGradients(d.grads);
    tf.dispose(Object.values(d.grads));

    // Generator update (D runs forward in training mode but is not changed).
    const g = optimizerG.computeGradients(() => {
      const generated = generator.apply(dcganInputs(noiseG, labels), { training: true }) as tf.Tensor;
      const logits = discriminator.apply(dcganInputs(generated, labels), { training: true }) as tf.Tensor;
      return generatorLoss(logits, options.generatorLoss ?? 'non-saturating');
    }, networkVariables(generator));
    const normG = globalGradientNorm(g.grads);
    optimizerG.applyGradients(g.grads);
    tf.dispose(Object.values(g.grads));

    const [lossD, dReal, dFake, gradNormD, lossG, gradNormG] = readAndDispose([
      d.value,
      probes.dReal as tf.Scalar,
      probes.dFake as tf.Scalar,
      normD,
      g.value,
      normG,
    ]);
    return { lossD, lossG, dReal, dFake, gradNormD, gradNormG };
  } finally {
    tf.dispose([noiseD, noiseG]);
  }
}
