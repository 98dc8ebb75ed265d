/**
 * The end of a DCGAN run in numbers: the final sample metrics beside the real-data baseline, and the
 * quality criterion of the CPU profile (the reference classifier is confident about the digits, and no
 * digit is missing).
 */
import pl from 'nodejs-polars';

/** Options of {@link checkDcganQuality}. */
export interface DcganQualityCriterion {
  /** Mean reference-classifier confidence at least this. Default 0.9. */
  minMeanConfidence?: number;
  /** Every class at least this fraction of the samples. Default 0.05. */
  minClassFraction?: number;
}

/** The verdict of {@link checkDcganQuality}. */
export interface DcganQualityCheck {
  meanConfidence: number;
  minClassFraction: number;
  passed: boolean;
  /** One line: the numbers, the thresholds and the verdict. */
  summary: string;
}

/**
 * Checks a metrics record (metricsRecord columns `meanConfidence`, `minClassFraction`) against the
 * criterion: mean confidence ≥ 0.9 and every class ≥ 5% of the samples by default.
 * @throws Error when the record lacks those columns.
 */
export function checkDcganQuality(
  record: Record<string, number>,
  criterion: DcganQualityCriterion = {},
): DcganQualityCheck {
  const minMeanConfidence = criterion.minMeanConfidence ?? 0.9;
  const minClass = criterion.minClassFraction ?? 0.05;
  const { meanConfidence, minClassFraction } = record;
  if (meanConfidence === undefined || minClassFraction === undefined) {
    throw new Error(
      `checkDcganQuality needs 'meanConfidence' and 'minClassFraction' (metricsRecord columns); got ${Object.keys(record).join(', ')}.`,
    );
  }
  const confident = meanConfidence >= minMeanConfidence;
  const covered = minClassFraction >= minClass;
  const passed = confident && covered;
  const summary =
    `mean confidence ${meanConfidence.toFixed(3)} (needs >= ${minMeanConfidence}: ${confident ? 'yes' : 'no'}), ` +
    `smallest class ${(100 * minClassFraction).toFixed(1)}% (needs >= ${(100 * minClass).toFixed(0)}%: ${covered ? 'yes' : 'no'}) ` +
    `-> ${passed ? 'criterion met' : 'criterion NOT met'}`;
  return { meanConfidence, minClassFraction, passed, summary };
}

/**
 * Named metrics records side by side: one row per metric, one column per record (e.g. the final generator
 * and the real held-out baseline), which reads well in a terminal and a notebook alike.
 */
export function metricsComparisonTable(
  rows: { name: string; record: Record<string, number> }[],
): pl.DataFrame {
  if (rows.length === 0) throw new RangeError('metricsComparisonTable needs at least one record.');
  const names = [...new Set(rows.flatMap((row) => Object.keys(row.record)))];
  return pl.DataFrame({
    metric: names,
    ...Object.fromEntries(rows.map((row) => [row.name, names.map((name) => row.record[name] ?? Number.NaN)])),
  });
}
