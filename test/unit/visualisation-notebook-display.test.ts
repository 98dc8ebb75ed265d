import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import {
  createUpdatableDisplay,
  type DisplayDataMessage,
  isInsideNotebook,
  pendingDisplayCount,
  publishDisplay,
  setDisplayWriter,
  toDisplayMessage,
  writeOutputFile,
} from '../../lib/visualisation/notebook-display';

type Sent = [DisplayDataMessage, boolean];
/** What goes over the wire: tslab JSON-encodes the message (undefined fields disappear). */
const wire = (message: DisplayDataMessage): unknown => JSON.parse(JSON.stringify(message));
const requireHere = createRequire(join(process.cwd(), 'noop.js'));
const scratch = mkdtempSync(join(tmpdir(), 'genlib-display-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('toDisplayMessage', () => {
  it('base64-encodes binary values and keeps strings and JSON objects', () => {
    const message = toDisplayMessage(
      {
        'image/png': new Uint8Array([1, 2, 3]),
        'text/plain': 'hi',
        'application/vnd.plotly.v1+json': { data: [] },
      },
      { displayId: 'abc', metadata: { 'image/png': { width: 10 } } },
    );
    assert.deepEqual(message, {
      data: { 'image/png': 'AQID', 'text/plain': 'hi', 'application/vnd.plotly.v1+json': { data: [] } },
      metadata: { 'image/png': { width: 10 } },
      transient: { display_id: 'abc' },
    });
  });

  it('leaves out display_id when there is none', () => {
    assert.deepEqual(toDisplayMessage({ 'text/plain': 'x' }).transient, {});
  });
});

describe('outside a notebook', () => {
  it('is detected (no tslab kernel loaded) and publishDisplay shows nothing', () => {
    assert.equal(isInsideNotebook(), false);
    assert.equal(publishDisplay({ 'text/plain': 'x' }), false);
    assert.equal(createUpdatableDisplay().show({ 'text/plain': 'x' }), false);
  });

  it('writeOutputFile writes a uniquely named file and returns its path', () => {
    const first = writeOutputFile('thing', 'txt', 'one', { directory: scratch });
    const second = writeOutputFile('thing', 'txt', 'two', { directory: scratch });
    assert.notEqual(first, second);
    assert.match(first, /thing-\d{8}-\d{6}-\d+-\d+\.txt$/);
    assert.equal(readFileSync(first, 'utf8'), 'one');
    assert.ok(existsSync(second));
  });
});

describe('inside the tslab kernel (its real jupyter.js module, with a fake socket writer)', () => {
  // Loading tslab's jupyter.js puts it in the require cache, as the running kernel does.
  const jupyter = requireHere('tslab/dist/jupyter.js') as { lastWriteDisplayData: unknown };
  const tslab = requireHere('tslab') as typeof import('tslab');

  it('is not "inside" before tslab has set its writer', () => {
    jupyter.lastWriteDisplayData = null;
    assert.equal(isInsideNotebook(), false);
  });

  it('sends the same message shape as tslab.display does, with the whole bundle', () => {
    const sent: Sent[] = [];
    jupyter.lastWriteDisplayData = (message: DisplayDataMessage, update: boolean) =>
      sent.push([message, update]);
    assert.equal(isInsideNotebook(), true);

    tslab.display.png(new Uint8Array([9, 8, 7]));
    assert.equal(publishDisplay({ 'image/png': new Uint8Array([9, 8, 7]) }), true);
    assert.deepEqual(wire(sent[1][0]), wire(sent[0][0]));

    assert.equal(publishDisplay({ 'text/html': '<b>x</b>', 'text/plain': 'x' }), true);
    assert.deepEqual(sent[2][0].data, { 'text/html': '<b>x</b>', 'text/plain': 'x' });
    assert.equal(sent[2][1], false);
  });

  it('updates in place like tslab.newDisplay(): display_data first, then update_display_data with the same id', () => {
    const sent: Sent[] = [];
    jupyter.lastWriteDisplayData = (message: DisplayDataMessage, update: boolean) =>
      sent.push([message, update]);
    const theirs = tslab.newDisplay();
    theirs.text('a');
    theirs.text('b');
    const ours = createUpdatableDisplay();
    assert.equal(ours.isShown, false);
    ours.show({ 'text/plain': 'a' });
    ours.show({ 'text/plain': 'b' });
    assert.equal(ours.isShown, true);
    const [theirFirst, theirSecond, ourFirst, ourSecond] = sent;
    assert.equal(Boolean(theirFirst[1]), false);
    assert.equal(theirSecond[1], true);
    assert.equal(ourFirst[1], false);
    assert.equal(ourSecond[1], true);
    assert.equal(ourFirst[0].transient.display_id, ours.displayId);
    assert.equal(ourSecond[0].transient.display_id, ours.displayId);
    assert.deepEqual(wire({ ...ourSecond[0], transient: {} }), wire({ ...theirSecond[0], transient: {} }));
  });

  it('reads the writer again on each call (tslab replaces it for every executed cell)', () => {
    const firstCell: Sent[] = [];
    const secondCell: Sent[] = [];
    jupyter.lastWriteDisplayData = (message: DisplayDataMessage, update: boolean) =>
      firstCell.push([message, update]);
    const display = createUpdatableDisplay();
    display.show({ 'text/plain': '1' });
    jupyter.lastWriteDisplayData = (message: DisplayDataMessage, update: boolean) =>
      secondCell.push([message, update]);
    display.show({ 'text/plain': '2' });
    assert.equal(firstCell.length, 1);
    assert.equal(secondCell.length, 1);
    assert.equal(secondCell[0][1], true);
  });

  it('setDisplayWriter(null) forces the fallback, undefined restores detection', () => {
    jupyter.lastWriteDisplayData = () => undefined;
    setDisplayWriter(null);
    assert.equal(isInsideNotebook(), false);
    setDisplayWriter(undefined);
    assert.equal(isInsideNotebook(), true);
  });

  it('refuses an update without a display id', () => {
    assert.throws(() => publishDisplay({ 'text/plain': 'x' }, { update: true }), /displayId/);
    jupyter.lastWriteDisplayData = null;
  });
});

describe('a busy kernel output socket', () => {
  it('queues what cannot be sent yet and sends it in order, keeping only the latest update of a display', async () => {
    const sent: Sent[] = [];
    let busy = true;
    setDisplayWriter((message, update) => {
      if (busy) throw Object.assign(new Error('Socket is busy writing'), { code: 'EBUSY' });
      sent.push([message, update]);
    });
    try {
      const live = createUpdatableDisplay('live');
      assert.equal(live.show({ 'text/plain': 'step 0' }), true);
      live.show({ 'text/plain': 'step 1' });
      publishDisplay({ 'text/plain': 'a figure' });
      live.show({ 'text/plain': 'step 2' });
      assert.equal(sent.length, 0);
      assert.equal(pendingDisplayCount(), 3, 'the first display, one merged update, the figure');
      busy = false;
      await new Promise((resolve) => setTimeout(resolve, 50));
      assert.deepEqual(
        sent.map(([message, update]) => [message.data['text/plain'], update]),
        [
          ['step 0', false],
          ['step 2', true],
          ['a figure', false],
        ],
      );
      assert.equal(pendingDisplayCount(), 0);
      live.show({ 'text/plain': 'step 3' });
      assert.equal(sent.length, 4, 'with the socket free, messages go out at once');
    } finally {
      setDisplayWriter(undefined);
    }
  });

  it('still throws errors other than a busy socket', () => {
    setDisplayWriter(() => {
      throw new Error('broken pipe');
    });
    try {
      assert.throws(() => publishDisplay({ 'text/plain': 'x' }), /broken pipe/);
    } finally {
      setDisplayWriter(undefined);
    }
  });
});
