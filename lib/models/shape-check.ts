/**
 * Shape assertions for model builders: every builder states the output shape it expects of each named
 * layer, and a mismatch fails at build time with the layer's name, not later inside a training step.
 */
import type * as tf from '@tensorflow/tfjs';

/** An expected shape; `null` stands for the batch dimension (any size). */
export type ExpectedShape = readonly (number | null)[];

function formatShape(shape: readonly (number | null)[]): string {
  return `[${shape.map((d) => (d === null ? 'batch' : String(d))).join(', ')}]`;
}

/**
 * Checks the output shape of named layers of a model.
 * @throws Error naming the model, the layer, the shape it has and the shape expected.
 */
export function assertLayerShapes(model: tf.LayersModel, expected: Record<string, ExpectedShape>): void {
  for (const [layerName, shape] of Object.entries(expected)) {
    let actual: (number | null)[];
    try {
      actual = model.getLayer(layerName).outputShape as (number | null)[];
    } catch {
      throw new Error(
        `Model '${model.name}' has no layer named '${layerName}' (it has: ${model.layers.map((l) => l.name).join(', ')}).`,
      );
    }
    if (actual.length !== shape.length || actual.some((d, i) => d !== shape[i])) {
      throw new Error(
        `Layer '${layerName}' of model '${model.name}' outputs ${formatShape(actual)} but ${formatShape(shape)} ` +
          'was expected: check the input shape and the layer sizes passed to the builder.',
      );
    }
  }
}
