import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import pl from 'nodejs-polars';
import { escapeHtml } from '../../lib/visualisation/html';
import { type DisplayDataMessage, setDisplayWriter } from '../../lib/visualisation/notebook-display';
import {
  formatTableCell,
  formatTableNumber,
  selectTableRows,
  shortDataTypeName,
  showTable,
  tableBundle,
  tableHtml,
  tableText,
} from '../../lib/visualisation/table';

after(() => setDisplayWriter(undefined));

/** The text of each `<td>` of each body row. */
function bodyCells(html: string): string[][] {
  const body = /<tbody>([\s\S]*)<\/tbody>/.exec(html)?.[1] ?? '';
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((row) =>
    [...row[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((cell) => cell[1].replace(/<[^>]+>/g, '')),
  );
}

const numbers = pl.DataFrame({
  step: Array.from({ length: 30 }, (_, i) => i),
  loss: Array.from({ length: 30 }, (_, i) => 1 / (i + 1)),
});

describe('escaping', () => {
  it('escapes the five HTML special characters', () => {
    assert.equal(
      escapeHtml(`<a href="x" title='y'>&</a>`),
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('escapes cell values, column names and the caption', () => {
    const frame = pl.DataFrame({ '<b>name</b>': ['<script>alert(1)</script>', 'a & b'] });
    const html = tableHtml(frame, { caption: 'Results <i>"quoted"</i>' });
    assert.ok(!html.includes('<script>'));
    assert.ok(!html.includes('<b>name</b>'));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    assert.ok(html.includes('a &amp; b'));
    assert.ok(html.includes('<caption'));
    assert.ok(html.includes('Results &lt;i&gt;&quot;quoted&quot;&lt;/i&gt;'));
  });
});

describe('number and cell formatting', () => {
  it('keeps integers, rounds fractions and uses scientific notation for extreme values', () => {
    assert.equal(formatTableNumber(42), '42');
    assert.equal(formatTableNumber(-7), '-7');
    assert.equal(formatTableNumber(0.5), '0.5');
    assert.equal(formatTableNumber(1 / 3), '0.3333');
    assert.equal(formatTableNumber(2 / 3, 2), '0.67');
    assert.equal(formatTableNumber(10.00001), '10');
    assert.equal(formatTableNumber(1234.5, 0), '1235');
    assert.equal(formatTableNumber(0.00001234), '1.234e-5');
    assert.equal(formatTableNumber(1e20), '1.000e+20');
    assert.equal(formatTableNumber(Number.NaN), 'NaN');
    assert.equal(formatTableNumber(Number.NEGATIVE_INFINITY), '-inf');
  });

  it('formats nulls, bigints, booleans, dates, lists and long strings', () => {
    assert.equal(formatTableCell(null, 'c'), 'null');
    assert.equal(formatTableCell(12345678901234567890n, 'c'), '12345678901234567890');
    assert.equal(formatTableCell(true, 'c'), 'true');
    assert.equal(formatTableCell(new Date(0), 'c'), '1970-01-01T00:00:00.000Z');
    assert.equal(formatTableCell([1, 0.25, null], 'c'), '[1, 0.25, null]');
    assert.equal(formatTableCell('x'.repeat(100), 'c', { maxCellLength: 10 }), `${'x'.repeat(9)}…`);
    assert.equal(
      formatTableCell(0.123456, 'c', { formatNumber: (v, column) => `${column}=${v.toFixed(1)}` }),
      'c=0.1',
    );
  });

  it('names data types like polars', () => {
    assert.equal(shortDataTypeName('DataType(Float64)'), 'f64');
    assert.equal(shortDataTypeName('DataType(String)'), 'str');
    assert.equal(shortDataTypeName('DataType(List(DataType(Int32)))'), 'list[i32]');
    assert.equal(shortDataTypeName('DataType(Datetime(ms,))'), 'datetime[ms]');
    assert.deepEqual(numbers.dtypes.map(shortDataTypeName), ['f64', 'f64']);
  });
});

describe('truncation', () => {
  it('shows all rows when there are at most maxRows', () => {
    const rows = selectTableRows(numbers, 30);
    assert.equal(rows.head.length, 30);
    assert.equal(rows.omittedRows, 0);
    assert.equal(bodyCells(tableHtml(numbers, { maxRows: 30 })).length, 30);
  });

  it('shows the first and last rows with one ellipsis row between', () => {
    const cells = bodyCells(tableHtml(numbers, { maxRows: 5 }));
    assert.equal(cells.length, 6);
    assert.deepEqual(
      cells.map((row) => row[0]),
      ['0', '1', '2', '…', '28', '29'],
    );
    assert.deepEqual(cells[1], ['1', '0.5']);
    assert.deepEqual(cells[3], ['…', '…']);
    const html = tableHtml(numbers, { maxRows: 5 });
    assert.match(html, /title="25 more rows"/);
    assert.match(html, /shape: \(30, 2\)/);
  });

  it('handles maxRows = 1 and rejects 0', () => {
    assert.deepEqual(
      bodyCells(tableHtml(numbers, { maxRows: 1 })).map((row) => row[0]),
      ['0', '…'],
    );
    assert.throws(() => tableHtml(numbers, { maxRows: 0 }), RangeError);
  });
});

describe('text version and bundle', () => {
  it('aligns columns (numbers to the right) and truncates the same way', () => {
    const frame = pl.DataFrame({ name: ['a', 'bbb', 'c', 'd'], value: [1, 22.5, 3, 4] });
    const text = tableText(frame, { maxRows: 2, caption: 'T' });
    assert.equal(
      text,
      [
        'T',
        'name  value',
        'str     f64',
        '----  -----',
        'a         1',
        '…         …',
        'd         4',
        'shape: (4, 2)',
      ].join('\n'),
    );
    assert.ok(!tableText(frame, { showDataTypes: false }).includes('f64'));
  });

  it('bundles text/html and text/plain; showTable sends it in a notebook and prints text outside', () => {
    const frame = pl.DataFrame({ a: [1, 2] });
    const bundle = tableBundle(frame, { caption: 'c' });
    assert.deepEqual(Object.keys(bundle).sort(), ['text/html', 'text/plain']);
    const sent: DisplayDataMessage[] = [];
    setDisplayWriter((message) => sent.push(message));
    showTable(frame, { caption: 'c' });
    assert.deepEqual(sent[0].data, bundle);
    setDisplayWriter(null);
    const originalLog = console.log;
    const printed: string[] = [];
    console.log = (text: string) => printed.push(text);
    try {
      showTable(frame, { caption: 'c' });
    } finally {
      console.log = originalLog;
      setDisplayWriter(undefined);
    }
    assert.deepEqual(printed, [bundle['text/plain']]);
  });
});
