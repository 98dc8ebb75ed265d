/**
 * Dropout whose masks are a pure function of a seed that the training loop sets for each step.
 *
 * TensorFlow.js's own `tf.layers.dropout` either draws from `Math.random` (no seed: a run cannot be
 * repeated) or, given a `seed`, draws the *same* mask at every call (the seed restarts the generator each
 * time), which is reproducible but no longer dropout. This layer keeps a step seed that the trainer sets
 * with {@link setDropoutSeed} before each step and counts the calls within the step, so every forward pass
 * gets a fresh mask and a resumed run draws exactly the masks an uninterrupted one would.
 *
 * In inference (`training` not true) the layer passes its input through unchanged.
 */
import * as tf from '@tensorflow/tfjs';
import { tfSeed } from '../data/random';

/** Options of {@link seededDropout}. */
export interface SeededDropoutOptions {
  /** Fraction of units set to zero in training, in [0, 1). */
  rate: number;
  /** The layer's own seed, mixed with the step seed (so two layers draw different masks). Default 0. */
  seed?: number;
  /** Layer name. */
  name?: string;
}

interface SeededDropoutConfig extends tf.serialization.ConfigDict {
  rate: number;
  seed: number;
}

/** The layer class (registered for serialisation as `SeededDropout`). */
export class SeededDropout extends tf.layers.Layer {
  static className = 'SeededDropout';
  readonly rate: number;
  readonly seed: number;
  private stepSeed = 0;
  private calls = 0;

  constructor(config: SeededDropoutOptions) {
    super({ name: config.name });
    if (!(config.rate >= 0 && config.rate < 1)) {
      throw new RangeError(`dropout rate must be in [0, 1), got ${config.rate}`);
    }
    this.rate = config.rate;
    this.seed = config.seed ?? 0;
  }

  /** Starts a new step: masks are drawn from (layer seed, `stepSeed`, call number within the step). */
  setStepSeed(stepSeed: number): void {
    this.stepSeed = stepSeed;
    this.calls = 0;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape | tf.Shape[] {
    return inputShape;
  }

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: { training?: boolean }): tf.Tensor {
    const input = Array.isArray(inputs) ? inputs[0] : inputs;
    if (kwargs.training !== true || this.rate === 0) return tf.clone(input);
    const seed = tfSeed(this.seed, this.stepSeed, this.calls);
    this.calls++;
    return tf.tidy(() => {
      const keep = tf.cast(
        tf.greaterEqual(tf.randomUniform(input.shape, 0, 1, 'float32', seed), this.rate),
        'float32',
      );
      return tf.mul(input, tf.mul(keep, 1 / (1 - this.rate)));
    });
  }

  override getConfig(): tf.serialization.ConfigDict {
    const config: SeededDropoutConfig = { rate: this.rate, seed: this.seed };
    return { ...super.getConfig(), ...config };
  }

  static override fromConfig<T extends tf.serialization.Serializable>(
    cls: tf.serialization.SerializableConstructor<T>,
    config: tf.serialization.ConfigDict,
  ): T {
    return new cls(config);
  }
}
tf.serialization.registerClass(SeededDropout);

/** A {@link SeededDropout} layer. */
export function seededDropout(options: SeededDropoutOptions): SeededDropout {
  return new SeededDropout(options);
}

/** Sets the step seed of every {@link SeededDropout} layer of `model` (call before each training step). */
export function setDropoutSeed(model: tf.LayersModel, stepSeed: number): void {
  for (const layer of model.layers) {
    if (layer instanceof SeededDropout) layer.setStepSeed(stepSeed);
  }
}
