import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { describe, it } from 'node:test';
import { corkUntilTurnEnds, corkUntilWriterReturns, writtenByFlow } from '../../../lib/util/turn-flusher';

/** A stream that records each write(v) it is handed: one entry per system call a socket would make. */
function recordingStream(): { stream: Writable; calls: string[][] } {
  const calls: string[][] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      calls.push([chunk.toString()]);
      callback();
    },
    writev(chunks, callback) {
      calls.push(chunks.map(({ chunk }) => String(chunk)));
      callback();
    },
  });
  return { stream, calls };
}

function write(stream: Writable, cork: (stream: Writable) => void, ...frames: string[]): void {
  for (const frame of frames) {
    cork(stream);
    stream.write(frame);
  }
}

const nextTick = (): Promise<void> => new Promise((resolve) => process.nextTick(resolve));
const checkPhase = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('turn flusher', () => {
  it('sends what one callback wrote as one write when that callback returns, before the check phase', async () => {
    const { stream, calls } = recordingStream();
    let flushedBeforeCheckPhase: number | undefined;
    setImmediate(() => { flushedBeforeCheckPhase = calls.length; });
    write(stream, corkUntilWriterReturns, 'a', 'b', 'c');
    assert.equal(stream.writableCorked, 1);
    await nextTick();
    assert.deepEqual(calls, [['a', 'b', 'c']]);
    await checkPhase();
    assert.equal(flushedBeforeCheckPhase, 1, 'the frames did not wait for the check phase');
  });

  it('gathers what flow messages write in the turn into one write at the check phase', async () => {
    const { stream, calls } = recordingStream();
    writtenByFlow(() => write(stream, corkUntilWriterReturns, 'a'));
    await nextTick();
    writtenByFlow(() => write(stream, corkUntilWriterReturns, 'b'));
    assert.deepEqual(calls, [], 'still corked after the first callback returned');
    await checkPhase();
    assert.deepEqual(calls, [['a', 'b']]);
  });

  it('corks a client socket until the turn ends whoever writes', async () => {
    const { stream, calls } = recordingStream();
    write(stream, corkUntilTurnEnds, 'x');
    await nextTick();
    write(stream, corkUntilTurnEnds, 'y');
    assert.deepEqual(calls, []);
    await checkPhase();
    assert.deepEqual(calls, [['x', 'y']]);
  });
});
