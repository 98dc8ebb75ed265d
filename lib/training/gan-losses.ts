/**
 * The GAN losses, computed from the discriminator's logits (its output before the sigmoid), which keeps
 * them finite even when the discriminator is certain: D(x) = sigmoid(logit), and
 * log D = -softplus(-logit), log(1 - D) = -softplus(logit).
 *
 * - Discriminator: binary cross-entropy, real -> 1 (or 1 - labelSmoothing), fake -> 0.
 * - Generator, *saturating* (the minimax game of Goodfellow et al., 2014): minimise E[log(1 - D(G(z)))].
 *   Its gradient with respect to the logit is -D(G(z)), which vanishes when D confidently rejects the fakes.
 * - Generator, *non-saturating* (the paper's practical variant): minimise E[-log D(G(z))]. Its gradient
 *   with respect to the logit is -(1 - D(G(z))), which is largest exactly then.
 */
import * as tf from '@tensorflow/tfjs';

/** Which generator loss to use. */
export type GeneratorLossKind = 'non-saturating' | 'saturating';

/** The generator losses this module knows. */
export const GENERATOR_LOSS_KINDS: readonly GeneratorLossKind[] = ['non-saturating', 'saturating'];

/** Options of {@link discriminatorLoss}. */
export interface DiscriminatorLossOptions {
  /**
   * One-sided label smoothing: the target for real examples is `1 - labelSmoothing` (e.g. 0.1 gives 0.9);
   * fakes keep the target 0. Default 0 (no smoothing).
   */
  labelSmoothing?: number;
}

function checkLabelSmoothing(labelSmoothing: number): void {
  if (!(labelSmoothing >= 0 && labelSmoothing < 1)) {
    throw new RangeError(`labelSmoothing must be in [0, 1), got ${labelSmoothing} (0.1 is a common choice)`);
  }
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Mean binary cross-entropy between targets in [0, 1] and logits, computed stably:
 * max(l, 0) - l·y + log(1 + exp(-|l|)). With `target` a number, every example has that target.
 */
export function sigmoidCrossEntropyWithLogits(target: number | tf.Tensor, logits: tf.Tensor): tf.Scalar {
  if (typeof target !== 'number' && !sameShape(target.shape, logits.shape)) {
    throw new Error(
      `sigmoidCrossEntropyWithLogits: targets have shape [${target.shape}] but logits [${logits.shape}]`,
    );
  }
  return tf.tidy(() => {
    const y = typeof target === 'number' ? tf.fill(logits.shape, target) : target;
    const perExample = tf.add(
      tf.sub(tf.relu(logits), tf.mul(logits, y)),
      tf.log1p(tf.exp(tf.neg(tf.abs(logits)))),
    );
    return tf.mean(perExample) as tf.Scalar;
  });
}

/**
 * The discriminator's loss: BCE(real -> 1 - labelSmoothing) + BCE(fake -> 0), each a mean over its batch
 * (the sum of the two terms, as in TensorFlow's DCGAN tutorial). At D = 0.5 everywhere it is 2·ln 2 ≈ 1.386.
 */
export function discriminatorLoss(
  realLogits: tf.Tensor,
  fakeLogits: tf.Tensor,
  options: DiscriminatorLossOptions = {},
): tf.Scalar {
  const labelSmoothing = options.labelSmoothing ?? 0;
  checkLabelSmoothing(labelSmoothing);
  return tf.tidy(
    () =>
      tf.add(
        sigmoidCrossEntropyWithLogits(1 - labelSmoothing, realLogits),
        sigmoidCrossEntropyWithLogits(0, fakeLogits),
      ) as tf.Scalar,
  );
}

/**
 * The generator's loss from D's logits on generated examples:
 * - `'non-saturating'`: mean(-log D(G(z))) = mean(softplus(-logit)); ln 2 ≈ 0.693 at D = 0.5;
 * - `'saturating'`: mean(log(1 - D(G(z)))) = -mean(softplus(logit)); -ln 2 at D = 0.5. It is negative and
 *   falls towards -∞ as the generator wins.
 */
export function generatorLoss(fakeLogits: tf.Tensor, kind: GeneratorLossKind = 'non-saturating'): tf.Scalar {
  return tf.tidy(() => {
    if (kind === 'non-saturating') return tf.mean(tf.softplus(tf.neg(fakeLogits))) as tf.Scalar;
    if (kind === 'saturating') return tf.neg(tf.mean(tf.softplus(fakeLogits))) as tf.Scalar;
    throw new Error(`Unknown generator loss '${kind}': use one of ${GENERATOR_LOSS_KINDS.join(', ')}`);
  });
}

/**
 * The same binary cross-entropy as a Keras-style loss function `(yTrue, yPred)` for `model.compile`,
 * for a model whose output is a logit (TensorFlow's `BinaryCrossentropy(from_logits=True)`).
 */
export function logitBinaryCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Scalar {
  return sigmoidCrossEntropyWithLogits(yTrue, yPred);
}
