/**
 * nodejs-polars DataFrames as notebook tables: escaped HTML with formatted numbers, at most `maxRows`
 * rows (the first and last ones, with an ellipsis row between), an optional caption, and a plain-text
 * version of the same table in the bundle for terminals and text-only front ends.
 */
import type { DataFrame } from 'nodejs-polars';
import { escapeHtml } from './html';
import { type MimeBundle, publishDisplay } from './notebook-display';

/** Options for {@link showTable}, {@link tableHtml} and {@link tableText}. */
export interface TableOptions {
  /** Most data rows shown; longer frames show their first and last rows with "…" between. Default 20. */
  maxRows?: number;
  /** Caption shown above the table. */
  caption?: string;
  /** Most digits after the decimal point for non-integer numbers. Default 4. */
  fractionDigits?: number;
  /** Longer cell texts are cut with "…". Default 80 characters. */
  maxCellLength?: number;
  /** Show each column's data type under its name. Default true. */
  showDataTypes?: boolean;
  /** Custom formatting of numbers (overrides `fractionDigits`). */
  formatNumber?: (value: number, column: string) => string;
}

/** The rows picked for display: `head` rows, then (if `omittedRows` > 0) an ellipsis, then `tail` rows. */
export interface TableRows {
  columns: string[];
  dataTypes: string[];
  head: unknown[][];
  tail: unknown[][];
  omittedRows: number;
  totalRows: number;
}

const ELLIPSIS = '…';
const NUMERIC_TYPE = /^(f|i|u)\d+$|^decimal/;

const SHORT_TYPE_NAMES: Record<string, string> = {
  Float64: 'f64',
  Float32: 'f32',
  Int64: 'i64',
  Int32: 'i32',
  Int16: 'i16',
  Int8: 'i8',
  UInt64: 'u64',
  UInt32: 'u32',
  UInt16: 'u16',
  UInt8: 'u8',
  String: 'str',
  Utf8: 'str',
  Bool: 'bool',
  Date: 'date',
  Null: 'null',
  Categorical: 'cat',
};

/** Polars' short name for a data type, e.g. `DataType(Float64)` -> `f64`, `List(Int32)` -> `list[i32]`. */
export function shortDataTypeName(dataType: unknown): string {
  let name = String(dataType);
  const wrapped = /^DataType\((.*)\)$/.exec(name);
  if (wrapped) name = wrapped[1];
  if (SHORT_TYPE_NAMES[name]) return SHORT_TYPE_NAMES[name];
  const list = /^List\((.*)\)$/.exec(name);
  if (list) return `list[${shortDataTypeName(list[1])}]`;
  const datetime = /^Datetime\((\w+)/.exec(name);
  if (datetime) return `datetime[${datetime[1]}]`;
  return name.toLowerCase();
}

/** Picks the rows to show: all if there are at most `maxRows`, else the first ceil(maxRows/2) and the last floor(maxRows/2). */
export function selectTableRows(frame: DataFrame, maxRows = 20): TableRows {
  if (!Number.isInteger(maxRows) || maxRows < 1)
    throw new RangeError(`maxRows must be a positive integer, got ${maxRows}`);
  const totalRows = frame.height;
  const columns = frame.columns;
  const dataTypes = frame.dtypes.map(shortDataTypeName);
  if (totalRows <= maxRows) {
    return { columns, dataTypes, head: frame.rows(), tail: [], omittedRows: 0, totalRows };
  }
  const headCount = Math.ceil(maxRows / 2);
  const tailCount = maxRows - headCount;
  return {
    columns,
    dataTypes,
    head: frame.head(headCount).rows(),
    tail: tailCount > 0 ? frame.tail(tailCount).rows() : [],
    omittedRows: totalRows - headCount - tailCount,
    totalRows,
  };
}

/** Formats a number: integers in full, others with at most `fractionDigits` decimals (scientific when very large or small). */
export function formatTableNumber(value: number, fractionDigits = 4): string {
  if (Number.isNaN(value)) return 'NaN';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1e15 || (magnitude !== 0 && magnitude < 10 ** -fractionDigits)) {
    return value.toExponential(Math.max(0, fractionDigits - 1));
  }
  const fixed = value.toFixed(fractionDigits);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

function truncateText(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, Math.max(0, maxLength - 1))}${ELLIPSIS}` : text;
}

/** Formats one cell value as plain text (not yet HTML-escaped). */
export function formatTableCell(value: unknown, column: string, options: TableOptions = {}): string {
  const maxLength = options.maxCellLength ?? 80;
  let text: string;
  if (value === null || value === undefined) text = 'null';
  else if (typeof value === 'number') {
    text = options.formatNumber
      ? options.formatNumber(value, column)
      : formatTableNumber(value, options.fractionDigits);
  } else if (typeof value === 'bigint') text = value.toString();
  else if (value instanceof Date) text = value.toISOString();
  else if (Array.isArray(value))
    text = `[${value.map((item) => formatTableCell(item, column, options)).join(', ')}]`;
  else if (typeof value === 'object') {
    text = JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? item.toString() : item));
  } else text = String(value);
  return truncateText(text, maxLength);
}

function isNumericColumn(rows: TableRows, index: number): boolean {
  if (NUMERIC_TYPE.test(rows.dataTypes[index])) return true;
  return [...rows.head, ...rows.tail].some(
    (row) => typeof row[index] === 'number' || typeof row[index] === 'bigint',
  );
}

function shapeText(rows: TableRows): string {
  return `shape: (${rows.totalRows}, ${rows.columns.length})`;
}

/** The table as HTML (`<table>` with caption, header, data-type row, data rows, ellipsis row, shape note). */
export function tableHtml(frame: DataFrame, options: TableOptions = {}): string {
  const rows = selectTableRows(frame, options.maxRows);
  const numeric = rows.columns.map((_, i) => isNumericColumn(rows, i));
  const align = (i: number) => (numeric[i] ? 'right' : 'left');
  const cell = (tag: 'td' | 'th', i: number, content: string, extraStyle = '') =>
    `<${tag} style="text-align:${align(i)};${extraStyle}">${content}</${tag}>`;
  const lines: string[] = ['<table class="genlib-table">'];
  if (options.caption !== undefined) {
    lines.push(
      `<caption style="caption-side:top;text-align:left;font-weight:bold">${escapeHtml(options.caption)}</caption>`,
    );
  }
  lines.push('<thead>');
  lines.push(`<tr>${rows.columns.map((name, i) => cell('th', i, escapeHtml(name))).join('')}</tr>`);
  if (options.showDataTypes ?? true) {
    lines.push(
      `<tr>${rows.dataTypes.map((type, i) => cell('th', i, escapeHtml(type), 'font-weight:normal;font-style:italic;opacity:0.7')).join('')}</tr>`,
    );
  }
  lines.push('</thead>', '<tbody>');
  const dataRow = (row: unknown[]) =>
    `<tr>${rows.columns
      .map((name, i) => {
        const text = escapeHtml(formatTableCell(row[i], name, options));
        return cell(
          'td',
          i,
          row[i] === null || row[i] === undefined ? `<span style="opacity:0.5">${text}</span>` : text,
        );
      })
      .join('')}</tr>`;
  for (const row of rows.head) lines.push(dataRow(row));
  if (rows.omittedRows > 0) {
    const title = `${rows.omittedRows} more rows`;
    lines.push(
      `<tr class="genlib-table-ellipsis" title="${escapeHtml(title)}">${rows.columns.map((_, i) => cell('td', i, ELLIPSIS)).join('')}</tr>`,
    );
  }
  for (const row of rows.tail) lines.push(dataRow(row));
  lines.push('</tbody>', '</table>');
  lines.push(`<p style="font-size:smaller;opacity:0.7">${escapeHtml(shapeText(rows))}</p>`);
  return lines.join('\n');
}

/** The same table as aligned plain text (for terminals and text-only front ends). */
export function tableText(frame: DataFrame, options: TableOptions = {}): string {
  const rows = selectTableRows(frame, options.maxRows);
  const numeric = rows.columns.map((_, i) => isNumericColumn(rows, i));
  const body: string[][] = [rows.columns];
  if (options.showDataTypes ?? true) body.push(rows.dataTypes);
  const headerCount = body.length;
  const format = (row: unknown[]) => rows.columns.map((name, i) => formatTableCell(row[i], name, options));
  body.push(...rows.head.map(format));
  if (rows.omittedRows > 0) body.push(rows.columns.map(() => ELLIPSIS));
  body.push(...rows.tail.map(format));
  const widths = rows.columns.map((_, i) => Math.max(...body.map((line) => [...line[i]].length)));
  const pad = (text: string, i: number) => {
    const padding = ' '.repeat(widths[i] - [...text].length);
    return numeric[i] ? padding + text : text + padding;
  };
  const lines = body.map((line) => line.map(pad).join('  ').trimEnd());
  lines.splice(headerCount, 0, widths.map((width) => '-'.repeat(width)).join('  '));
  if (options.caption !== undefined) lines.unshift(options.caption);
  lines.push(shapeText(rows));
  return lines.join('\n');
}

/** The table's MIME bundle: `text/html` and `text/plain`. */
export function tableBundle(frame: DataFrame, options: TableOptions = {}): MimeBundle {
  return { 'text/html': tableHtml(frame, options), 'text/plain': tableText(frame, options) };
}

/** Shows a DataFrame as a table: HTML in a notebook, aligned text on stdout elsewhere. */
export function showTable(frame: DataFrame, options: TableOptions = {}): void {
  const bundle = tableBundle(frame, options);
  if (!publishDisplay(bundle)) console.log(bundle['text/plain']);
}
