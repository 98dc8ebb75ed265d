/**
 * Measures of generated samples: distances between point sets (toy data), Gaussian fits and the Fréchet
 * distance, the Fréchet classifier distance, classifier score and class coverage from the reference
 * classifier, sharpness, the memorisation check, and the evaluator that scores image generators beside
 * the real-data baseline.
 */

export * from './classifier-score';
export * from './frechet-classifier-distance';
export * from './frechet-distance';
export * from './gaussian-fit';
export * from './generator-evaluation';
export * from './memorisation';
export * from './sample-distance';
export * from './sharpness';
