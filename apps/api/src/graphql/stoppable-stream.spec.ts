import { stoppable } from './stoppable-stream.js';

describe('stoppable', () => {
  it('ends a stream that waits for its next item at once, running its finally', async () => {
    let released = false;
    const stream = stoppable(async function* (signal) {
      try {
        yield 1;
        // Stands for a wait on something that may never come, such as a log that stopped growing.
        await new Promise((resolve) => signal.addEventListener('abort', resolve));
        if (!signal.aborted) yield 2;
      } finally {
        released = true;
      }
    });
    expect(await stream.next()).toEqual({ done: false, value: 1 });
    const waiting = stream.next();
    await new Promise((resolve) => setImmediate(resolve));

    await expect(stream.return!()).resolves.toEqual({ done: true, value: undefined });
    expect(released).toBe(true);
    await expect(waiting).resolves.toEqual({ done: true, value: undefined });
  });

  it('ends a stream that never started without running it', async () => {
    let started = false;
    const stream = stoppable(async function* () {
      started = true;
      yield 1;
    });
    await expect(stream.return!()).resolves.toEqual({ done: true, value: undefined });
    expect(started).toBe(false);
    await expect(stream.next()).resolves.toEqual({ done: true, value: undefined });
  });
});
