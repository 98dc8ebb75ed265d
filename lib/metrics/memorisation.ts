/**
 * A memorisation check: how close each generated image is to its nearest training image, set against the
 * same distance for real images the model never saw. A generator that copies its training set produces
 * images much closer to training images than held-out real digits are.
 */
import * as tf from '@tensorflow/tfjs';

/** Options of {@link nearestNeighbourDistances}. */
export interface NearestNeighbourOptions {
  /** Queries compared with all references at once. Default 250. */
  batchSize?: number;
}

function flattenRows(t: tf.Tensor, name: string): tf.Tensor2D {
  if (t.rank < 2 || t.shape[0] === 0) {
    throw new RangeError(
      `nearestNeighbourDistances: ${name} must be [N, ...] with N ≥ 1; got [${t.shape.join(', ')}].`,
    );
  }
  return t.reshape([t.shape[0], -1]) as tf.Tensor2D;
}

/**
 * The Euclidean distance from each query (flattened) to its nearest reference, as
 * √max(‖q‖² + ‖r‖² − 2 q·r, 0) over query batches (one matrix product per batch). Neither input is disposed.
 * @throws RangeError when queries and references have different sizes per item.
 */
export function nearestNeighbourDistances(
  queries: tf.Tensor,
  references: tf.Tensor,
  options: NearestNeighbourOptions = {},
): Float32Array {
  const batchSize = options.batchSize ?? 250;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be an integer >= 1, got ${batchSize}.`);
  }
  const q = flattenRows(queries, 'queries');
  const r = flattenRows(references, 'references');
  try {
    if (q.shape[1] !== r.shape[1]) {
      throw new RangeError(
        `nearestNeighbourDistances: queries have ${q.shape[1]} values each, references ${r.shape[1]}.`,
      );
    }
    const n = q.shape[0];
    const distances = new Float32Array(n);
    const referenceNorms = tf.tidy(() => tf.sum(tf.square(r), 1).reshape([1, -1]));
    try {
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        const nearest = tf.tidy(() => {
          const batch = tf.slice(q, [start, 0], [size, -1]);
          const queryNorms = tf.sum(tf.square(batch), 1, true);
          const squared = tf.sub(
            tf.add(queryNorms, referenceNorms),
            tf.mul(2, tf.matMul(batch, r, false, true)),
          );
          return tf.sqrt(tf.relu(tf.min(squared, 1)));
        });
        distances.set(nearest.dataSync(), start);
        nearest.dispose();
      }
    } finally {
      referenceNorms.dispose();
    }
    return distances;
  } finally {
    tf.dispose([q, r]);
  }
}

/** A summary of nearest-training-image distances of generated images against held-out real images. */
export interface MemorisationReport {
  /** Mean distance from a generated image to its nearest training image. */
  meanDistance: number;
  /** Median of the same. */
  medianDistance: number;
  /** Median distance from a held-out real image to its nearest training image (the baseline). */
  heldOutMedianDistance: number;
  /** medianDistance / heldOutMedianDistance: well below 1 suggests copies of training images. */
  medianRatio: number;
  /** Fraction of generated images closer to a training image than the closest held-out image is. */
  fractionCloserThanHeldOutMin: number;
}

/** The median of some values (the mean of the middle two for an even count). */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) throw new RangeError('median needs at least one value.');
  const sorted = Float64Array.from(values).sort();
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
}

/**
 * Compares nearest-training-image distances of generated images with those of held-out real images (both
 * from {@link nearestNeighbourDistances} against the same training images).
 */
export function memorisationReport(
  generatedDistances: ArrayLike<number>,
  heldOutDistances: ArrayLike<number>,
): MemorisationReport {
  if (generatedDistances.length === 0 || heldOutDistances.length === 0) {
    throw new RangeError(
      'memorisationReport needs distances of at least one generated and one held-out image.',
    );
  }
  let sum = 0;
  for (let i = 0; i < generatedDistances.length; i++) sum += generatedDistances[i];
  const heldOutMin = Math.min(...Array.from(heldOutDistances));
  let closer = 0;
  for (let i = 0; i < generatedDistances.length; i++) if (generatedDistances[i] < heldOutMin) closer++;
  const medianDistance = median(generatedDistances);
  const heldOutMedianDistance = median(heldOutDistances);
  return {
    meanDistance: sum / generatedDistances.length,
    medianDistance,
    heldOutMedianDistance,
    medianRatio: medianDistance / heldOutMedianDistance,
    fractionCloserThanHeldOutMin: closer / generatedDistances.length,
  };
}
