/**
 * How much fine detail images hold: the variance of the Laplacian (a standard focus measure; blur lowers
 * it) and the share of spectral energy at high spatial frequencies. Both take images [N, H, W, 1] in [0, 1]
 * (or [-1, 1] with `range: 'symmetric'`) and return the mean over the images.
 */
import * as tf from '@tensorflow/tfjs';
import { type PixelRange, toUnitRange } from '../data/datasets';

/** Options shared by the sharpness measures. */
export interface SharpnessOptions {
  /** Pixel range of the images. Default 'unit'. */
  range?: PixelRange;
}

function checkImages(images: tf.Tensor, name: string): void {
  if (images.rank !== 4 || images.shape[3] !== 1 || images.shape[0] === 0) {
    throw new RangeError(
      `${name} takes grey images [N, H, W, 1] (N ≥ 1); got [${images.shape.join(', ')}]. ` +
        'Reshape flat vectors with images.reshape([-1, 28, 28, 1]).',
    );
  }
}

/**
 * The mean over images of the variance of their Laplacian (the 3 × 3 kernel [0 1 0; 1 −4 1; 0 1 0], valid
 * padding). Sharp strokes give large second differences; blurred ones small. The input is not disposed.
 */
export function laplacianVariance(images: tf.Tensor4D, options: SharpnessOptions = {}): number {
  checkImages(images, 'laplacianVariance');
  const value = tf.tidy(() => {
    const unit = toUnitRange(images, options.range ?? 'unit');
    const kernel = tf.tensor4d([0, 1, 0, 1, -4, 1, 0, 1, 0], [3, 3, 1, 1]);
    const laplacian = tf.conv2d(unit, kernel, 1, 'valid');
    const { variance } = tf.moments(laplacian, [1, 2, 3]);
    return tf.mean(variance);
  });
  const result = value.dataSync()[0];
  value.dispose();
  return result;
}

/** Options of {@link highFrequencyEnergy}. */
export interface HighFrequencyOptions extends SharpnessOptions {
  /** Radial frequency, as a fraction of the Nyquist frequency, above which energy counts as high. Default 0.5. */
  cutoff?: number;
}

/** cos and sin of the n-point DFT, n × n. */
function dftMatrices(n: number): { cos: tf.Tensor2D; sin: tf.Tensor2D } {
  const cos = new Float32Array(n * n);
  const sin = new Float32Array(n * n);
  for (let u = 0; u < n; u++) {
    for (let x = 0; x < n; x++) {
      const angle = (2 * Math.PI * u * x) / n;
      cos[u * n + x] = Math.cos(angle);
      sin[u * n + x] = Math.sin(angle);
    }
  }
  return { cos: tf.tensor2d(cos, [n, n]), sin: tf.tensor2d(sin, [n, n]) };
}

/** 1 where the radial frequency of (u, v) exceeds `cutoff` × Nyquist, 0 elsewhere and at the DC term. */
function highPassMask(h: number, w: number, cutoff: number): tf.Tensor2D {
  const mask = new Float32Array(h * w);
  for (let u = 0; u < h; u++) {
    for (let v = 0; v < w; v++) {
      const fu = Math.min(u, h - u) / h;
      const fv = Math.min(v, w - v) / w;
      mask[u * w + v] = Math.hypot(fu, fv) / 0.5 > cutoff ? 1 : 0;
    }
  }
  return tf.tensor2d(mask, [h, w]);
}

/**
 * The mean over images of the fraction of their spectral energy (2-D DFT, the mean pixel excluded) at
 * radial frequencies above `cutoff` × Nyquist: fine detail and sharp edges raise it, blur lowers it.
 * Square images only. The input is not disposed.
 */
export function highFrequencyEnergy(images: tf.Tensor4D, options: HighFrequencyOptions = {}): number {
  checkImages(images, 'highFrequencyEnergy');
  const [n, h, w] = images.shape;
  if (h !== w) throw new RangeError(`highFrequencyEnergy takes square images; got ${h} × ${w}.`);
  const cutoff = options.cutoff ?? 0.5;
  if (!(cutoff >= 0 && cutoff < Math.SQRT2))
    throw new RangeError(`cutoff must be in [0, √2), got ${cutoff}.`);
  const value = tf.tidy(() => {
    const { cos, sin } = dftMatrices(w);
    const x = toUnitRange(images, options.range ?? 'unit').reshape([n * h, w]);
    // F = W X Wᵀ with W = C − iS (C, S symmetric). Computed transposed: Fᵀ = C Xᵀ C − S Xᵀ S − i(C Xᵀ S + S Xᵀ C).
    const swap = (t: tf.Tensor) =>
      t
        .reshape([n, h, w])
        .transpose([0, 2, 1])
        .reshape([n * w, h]);
    const xc = swap(tf.matMul(x, cos)); // C Xᵀ, stacked
    const xs = swap(tf.matMul(x, sin)); // S Xᵀ, stacked
    const real = tf.sub(tf.matMul(xc, cos), tf.matMul(xs, sin));
    const imaginary = tf.add(tf.matMul(xc, sin), tf.matMul(xs, cos));
    const power = tf.add(tf.square(real), tf.square(imaginary)).reshape([n, w, h]);
    const dcMask = tf
      .oneHot(tf.tensor1d([0], 'int32'), h * w)
      .reshape([h, w])
      .transpose();
    const acPower = tf.mul(power, tf.sub(1, dcMask));
    const high = tf.sum(tf.mul(acPower, highPassMask(h, w, cutoff).transpose()), [1, 2]);
    const total = tf.sum(acPower, [1, 2]);
    return tf.mean(tf.div(high, tf.maximum(total, 1e-12)));
  });
  const result = value.dataSync()[0];
  value.dispose();
  return result;
}
