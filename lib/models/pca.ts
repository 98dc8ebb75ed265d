/**
 * Principal component analysis: the directions along which the data varies most. Projecting 784-pixel
 * images onto their first few dozen principal components keeps most of what distinguishes them, in a space
 * small enough for full-covariance Gaussians; mapping back gives images again.
 */
import * as tf from '@tensorflow/tfjs';
import { symmetricEigen } from '../maths/linear-algebra';

/** Options of {@link Pca.fit}. */
export interface PcaOptions {
  /** Number of principal components to keep. */
  components: number;
}

/**
 * A fitted PCA: the data's mean and its top principal directions. It holds plain arrays, no tensors, so
 * there is nothing to dispose; {@link transform} and {@link inverseTransform} return new tensors.
 */
export class Pca {
  private constructor(
    /** The mean of the training data, one value per feature. */
    readonly mean: Float32Array,
    /** Principal directions, row-major [components, features], each of unit length. */
    readonly directions: Float32Array,
    /** Variance of the data along each kept direction, largest first. */
    readonly explainedVariance: number[],
    /** Total variance of the data (sum over all directions). */
    readonly totalVariance: number,
  ) {}

  /** Number of input features (784 for MNIST images). */
  get features(): number {
    return this.mean.length;
  }

  /** Number of kept components. */
  get components(): number {
    return this.explainedVariance.length;
  }

  /** Share of the total variance that the kept components explain, in [0, 1]. */
  get explainedVarianceRatio(): number {
    return this.explainedVariance.reduce((a, b) => a + b, 0) / this.totalVariance;
  }

  /**
   * Fits a PCA to data of shape [N, features] (images are flattened first): the covariance matrix is
   * computed with TensorFlow.js, its eigenvectors in double precision.
   */
  static fit(data: tf.Tensor, options: PcaOptions): Pca {
    const flat = data.reshape([data.shape[0], -1]) as tf.Tensor2D;
    try {
      const [n, features] = flat.shape;
      const { components } = options;
      if (!Number.isInteger(components) || components < 1 || components > features) {
        throw new RangeError(`components must be an integer from 1 to ${features}, got ${components}.`);
      }
      if (n < 2) throw new RangeError(`PCA needs at least 2 examples, got ${n}.`);
      const [meanTensor, covarianceTensor] = tf.tidy(() => {
        const mean = flat.mean(0);
        const centred = flat.sub(mean);
        // An explicit transpose: matMul(a, b, transposeA = true) is about 20 times slower on wasm.
        return [mean, tf.matMul(centred.transpose(), centred).div(n)];
      });
      const mean = meanTensor.dataSync() as Float32Array;
      const covarianceValues = covarianceTensor.dataSync() as Float32Array;
      tf.dispose([meanTensor, covarianceTensor]);
      const covariance = Array.from({ length: features }, (_, i) =>
        Array.from(covarianceValues.subarray(i * features, (i + 1) * features)),
      );
      const { values, vectors } = symmetricEigen(covariance);
      const directions = new Float32Array(components * features);
      for (let c = 0; c < components; c++) directions.set(vectors[c], c * features);
      const totalVariance = values.reduce((a, b) => a + Math.max(b, 0), 0);
      return new Pca(Float32Array.from(mean), directions, values.slice(0, components), totalVariance);
    } finally {
      if (flat !== data) flat.dispose();
    }
  }

  /** Projects data [N, features] (or images [N, 28, 28, 1]) to its coordinates [N, components]. */
  transform(data: tf.Tensor): tf.Tensor2D {
    return tf.tidy(() => {
      const flat = data.reshape([data.shape[0], -1]);
      if (flat.shape[1] !== this.features) {
        throw new RangeError(`This PCA was fitted on ${this.features} features; got ${flat.shape[1]}.`);
      }
      const centred = flat.sub(tf.tensor1d(this.mean));
      return tf.matMul(centred, this.directionsTensor(), false, true) as tf.Tensor2D;
    });
  }

  /** Maps coordinates [N, components] back to data [N, features]: mean + Σ coordinate · direction. */
  inverseTransform(coordinates: tf.Tensor2D): tf.Tensor2D {
    if (coordinates.shape[1] !== this.components) {
      throw new RangeError(
        `This PCA has ${this.components} components; got coordinates of width ${coordinates.shape[1]}.`,
      );
    }
    return tf.tidy(
      () => tf.matMul(coordinates, this.directionsTensor()).add(tf.tensor1d(this.mean)) as tf.Tensor2D,
    );
  }

  private directionsTensor(): tf.Tensor2D {
    return tf.tensor2d(this.directions, [this.components, this.features]);
  }
}
