import { Wakeup } from './wakeup.js';

describe('Wakeup', () => {
  it('ends every wait at the next notify, long before its timeout', async () => {
    const wakeup = new Wakeup();
    const started = Date.now();
    const waits = Promise.all([wakeup.wait(10_000), wakeup.wait(10_000)]);
    setTimeout(() => wakeup.notify(), 20);
    await waits;
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('ends a wait at its timeout when nothing happens', async () => {
    const started = Date.now();
    await new Wakeup().wait(30);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });

  it('lets a sleep run its time despite notifications, and stop ends waits and sleeps for good', async () => {
    const wakeup = new Wakeup();
    let slept = false;
    const sleep = wakeup.sleep(10_000).then(() => (slept = true));
    wakeup.notify();
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(slept).toBe(false);
    wakeup.stop();
    await sleep;
    const started = Date.now();
    await wakeup.wait(10_000);
    expect(Date.now() - started).toBeLessThan(100);
  });
});
