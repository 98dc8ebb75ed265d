import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { type DisplayDataMessage, setDisplayWriter } from '../../lib/visualisation/notebook-display';
import {
  createProgress,
  estimateProgress,
  formatDuration,
  formatMetric,
  formatProgressLine,
  formatRate,
  type ProgressSnapshot,
  progressHtml,
} from '../../lib/visualisation/progress';

after(() => setDisplayWriter(undefined));

/** A clock the test moves by hand. */
function fakeClock(start = 1000) {
  let time = start;
  return {
    now: () => time,
    advance(ms: number) {
      time += ms;
    },
  };
}

/** A stream that records what is written. */
function fakeStream(isTTY: boolean, columns = 200) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns, write: (text: string) => writes.push(text) } };
}

const snapshot = (overrides: Partial<ProgressSnapshot> = {}): ProgressSnapshot => ({
  label: 'GAN',
  completed: 50,
  total: 100,
  fraction: 0.5,
  elapsedMs: 10_000,
  stepsPerSecond: 5,
  timeLeftMs: 10_000,
  metrics: { lossD: Math.LN2, lossG: 1.5 },
  finished: false,
  ...overrides,
});

describe('time and rate maths', () => {
  it('estimates the rate and the time left from the average speed', () => {
    assert.deepEqual(estimateProgress(50, 100, 10_000), { stepsPerSecond: 5, timeLeftMs: 10_000 });
    assert.deepEqual(estimateProgress(1, 4, 2_000), { stepsPerSecond: 0.5, timeLeftMs: 6_000 });
    assert.deepEqual(estimateProgress(120, 100, 10_000), { stepsPerSecond: 12, timeLeftMs: 0 });
    assert.deepEqual(estimateProgress(0, 100, 10_000), {});
    assert.deepEqual(estimateProgress(5, 100, 0), {});
  });

  it('formats durations as m:ss and h:mm:ss', () => {
    assert.equal(formatDuration(0), '0:00');
    assert.equal(formatDuration(999), '0:00');
    assert.equal(formatDuration(83_000), '1:23');
    assert.equal(formatDuration(3_723_000), '1:02:03');
    assert.equal(formatDuration(Number.NaN), '?');
  });

  it('formats rates in it/s, or s/it when slow', () => {
    assert.equal(formatRate(5), '5.0 it/s');
    assert.equal(formatRate(250.4), '250 it/s');
    assert.equal(formatRate(99.96), '100 it/s');
    assert.equal(formatRate(0.25), '4.00 s/it');
    assert.equal(formatRate(undefined), '? it/s');
  });

  it('formats metrics with 4 significant digits', () => {
    assert.equal(formatMetric(Math.LN2), '0.6931');
    assert.equal(formatMetric(12.3456), '12.35');
    assert.equal(formatMetric(0), '0');
    assert.equal(formatMetric(0.00001234), '1.23e-5');
    assert.equal(formatMetric(Number.NaN), 'NaN');
  });
});

describe('progress text and HTML', () => {
  it('shows label, bar, counts, metrics, elapsed<left and rate on one line', () => {
    assert.equal(
      formatProgressLine(snapshot(), 10),
      'GAN [#####-----] 50/100 50% | lossD 0.6931, lossG 1.5 | 0:10<0:10, 5.0 it/s',
    );
    assert.equal(
      formatProgressLine(
        snapshot({ finished: true, completed: 100, fraction: 1, label: undefined, metrics: {} }),
        4,
      ),
      '[####] 100/100 100% | done in 0:10, 5.0 it/s',
    );
  });

  it('renders HTML with a <progress> element and escaped names', () => {
    const html = progressHtml(snapshot({ label: '<GAN>', metrics: { 'a<b': 1 } }));
    assert.match(html, /<progress value="50" max="100"/);
    assert.ok(html.includes('&lt;GAN&gt;'));
    assert.ok(html.includes('a&lt;b <b>1</b>'));
    assert.ok(html.includes('0:10 left'));
    assert.ok(!html.includes('<GAN>'));
  });
});

describe('createProgress', () => {
  it('tracks completed steps, merges metrics and computes the snapshot from the clock', () => {
    const clock = fakeClock();
    const progress = createProgress({ total: 10, mode: 'silent', now: clock.now });
    clock.advance(2000);
    progress.update(4, { loss: 1 });
    progress.increment({ accuracy: 0.5 });
    const state = progress.snapshot();
    assert.equal(state.completed, 5);
    assert.deepEqual(state.metrics, { loss: 1, accuracy: 0.5 });
    assert.equal(state.elapsedMs, 2000);
    assert.equal(state.stepsPerSecond, 2.5);
    assert.equal(state.timeLeftMs, 2000);
    assert.equal(state.fraction, 0.5);
  });

  it('a resumed run starts the bar at startAt and rates only the steps done since', () => {
    const clock = fakeClock();
    const progress = createProgress({ total: 1000, startAt: 600, mode: 'silent', now: clock.now });
    assert.equal(progress.snapshot().completed, 600);
    assert.equal(progress.snapshot().stepsPerSecond, undefined);
    clock.advance(10_000);
    progress.update(620);
    const state = progress.snapshot();
    assert.equal(state.fraction, 0.62);
    assert.equal(state.stepsPerSecond, 2);
    assert.equal(state.timeLeftMs, 190_000);
    assert.throws(() => createProgress({ total: 10, startAt: 11, mode: 'silent' }), /startAt/);
  });

  it('redraws a TTY line at most every minUpdateIntervalMs, and always when done', () => {
    const clock = fakeClock();
    const { writes, stream } = fakeStream(true, 80);
    const progress = createProgress({ total: 100, label: 'train', stream, now: clock.now });
    assert.equal(progress.mode, 'terminal');
    for (let step = 1; step <= 100; step++) {
      clock.advance(10); // 100 steps per second -> 1 s in total
      progress.update(step, { loss: 1 / step });
    }
    // Draws at t = 10, 260, 510, 760 ms (every 250 ms), then the final one.
    assert.equal(writes.length, 4);
    progress.done();
    assert.equal(writes.length, 5);
    for (const write of writes) {
      assert.ok(write.startsWith('\r'));
      assert.equal(write.replace(/\n$/, '').length, 1 + 79, 'padded to the terminal width');
    }
    assert.ok(writes[4].endsWith('\n'));
    assert.match(writes[4], /100\/100 100% \| loss 0\.01 \| done in 0:01, 100 it\/s/);
    progress.update(5);
    progress.done();
    assert.equal(writes.length, 5, 'nothing after done');
  });

  it('prints only occasional lines when stderr is not a TTY (CI logs)', () => {
    const clock = fakeClock();
    const { writes, stream } = fakeStream(false);
    const progress = createProgress({ total: 1000, stream, now: clock.now, lineIntervalMs: 30_000 });
    assert.equal(progress.mode, 'lines');
    for (let step = 1; step <= 1000; step++) {
      clock.advance(100); // 100 s in total
      progress.update(step);
    }
    progress.done();
    // t = 0.1 s, 30.1 s, 60.1 s, 90.1 s, then the final line.
    assert.equal(writes.length, 5);
    assert.ok(writes.every((line) => line.endsWith('\n') && !line.includes('\r')));
  });

  it('updates one notebook output in place via its display id', () => {
    const sent: [DisplayDataMessage, boolean][] = [];
    setDisplayWriter((message, update) => sent.push([message, update]));
    const clock = fakeClock();
    const progress = createProgress({ total: 20, label: 'epoch', now: clock.now, minUpdateIntervalMs: 500 });
    assert.equal(progress.mode, 'notebook');
    for (let step = 1; step <= 20; step++) {
      clock.advance(100);
      progress.update(step, { loss: step });
    }
    progress.done();
    setDisplayWriter(undefined);
    // t = 100, 600, 1100, 1600 ms, then done.
    assert.equal(sent.length, 5);
    const ids = new Set(sent.map(([message]) => message.transient.display_id));
    assert.equal(ids.size, 1);
    assert.deepEqual(
      sent.map(([, update]) => update),
      [false, true, true, true, true],
    );
    const last = sent[4][0].data;
    assert.match(last['text/html'] as string, /<progress value="20" max="20"/);
    assert.match(last['text/plain'] as string, /epoch .* 20\/20 100% \| loss 20 \| done in 0:02/);
  });

  it('rejects a bad total', () => {
    assert.throws(() => createProgress({ total: -1, mode: 'silent' }), RangeError);
    assert.throws(() => createProgress({ total: Number.NaN, mode: 'silent' }), RangeError);
  });
});

describe('narrow terminals', () => {
  it('shortens the bar, then cuts the line, to fit the terminal width', () => {
    const clock = fakeClock();
    const { writes, stream } = fakeStream(true, 50);
    const progress = createProgress({ total: 10, stream, now: clock.now, barWidth: 30 });
    clock.advance(1000);
    progress.update(5);
    assert.equal(writes[0], `\r${'[########--------] 5/10 50% | 0:01<0:01, 5.0 it/s'.padEnd(49)}`);
    const narrow = fakeStream(true, 10);
    const cut = createProgress({
      total: 10,
      stream: narrow.stream,
      now: clock.now,
      label: 'a-long-label-here',
    });
    cut.update(1);
    assert.equal(narrow.writes[0], `\r${'a-long-label-here 1/10 10%'.slice(0, 20)}`);
    const unknownWidth = fakeStream(true, 0);
    createProgress({ total: 10, stream: unknownWidth.stream, now: clock.now }).update(1);
    assert.equal(unknownWidth.writes[0].length, 1 + 99, 'columns 0 (unknown) counts as 100');
  });
});
