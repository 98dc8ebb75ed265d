/** Training loops shared by every model of the collection. */

export {
  type GeneratorMetricsCallbackOptions,
  type GeneratorMetricsSchedule,
  generatorMetricsCallback,
  generatorMetricsCallbacks,
} from './metric-callback';
export { type StepMetrics, TrainingLog, type TrainingLogJson } from './training-log';
export {
  NonFiniteMetricError,
  type PeriodicCallback,
  runTrainingLoop,
  type TrainingLoopOptions,
} from './training-loop';
