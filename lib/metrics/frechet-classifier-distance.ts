/**
 * The Fréchet classifier distance: FID with the reference digit classifier in place of Inception. Both image
 * sets go through the classifier; Gaussians are fitted to their 128-D penultimate features and compared
 * with {@link frechetDistance}. 0 when the feature statistics match; it grows as the generated digits
 * look less like real ones, or as digit classes go missing.
 */
import * as tf from '@tensorflow/tfjs';
import type { PixelRange } from '../data/datasets';
import type { ReferenceClassifier } from '../models/reference-classifier';
import { frechetDistance } from './frechet-distance';
import { fitGaussian, type GaussianFit } from './gaussian-fit';

/** Options of {@link classifierFeatureFit} and {@link frechetClassifierDistance}. */
export interface ClassifierFeatureOptions {
  /** Pixel range of the images: 'unit' [0, 1] (default) or 'symmetric' [-1, 1]. */
  range?: PixelRange;
  /** Images per forward pass. Default 500. */
  batchSize?: number;
}

/** The Gaussian fit of the classifier's penultimate features of `images` [N, 28, 28, 1] (not disposed). */
export function classifierFeatureFit(
  classifier: ReferenceClassifier,
  images: tf.Tensor4D,
  options: ClassifierFeatureOptions = {},
): GaussianFit {
  const features = classifier.features(images, options);
  try {
    return fitGaussian(features);
  } finally {
    features.dispose();
  }
}

/**
 * The Fréchet distance between the classifier features of `images` and `reference` (images in the 'unit'
 * range, or a fit computed before, e.g. of the whole training set). Like FID it is biased upwards for small
 * samples: compare values computed with the same number of images, beside the real-vs-real baseline.
 */
export function frechetClassifierDistance(
  classifier: ReferenceClassifier,
  images: tf.Tensor4D,
  reference: tf.Tensor4D | GaussianFit,
  options: ClassifierFeatureOptions = {},
): number {
  const fit = classifierFeatureFit(classifier, images, options);
  const referenceFit =
    reference instanceof tf.Tensor
      ? classifierFeatureFit(classifier, reference, { batchSize: options.batchSize })
      : reference;
  return frechetDistance(fit, referenceFit);
}
