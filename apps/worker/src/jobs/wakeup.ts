/**
 * How idle node workers learn there may be work: a change to the jobs or the queue wakes every
 * waiter at once; a timeout bounds each wait, so a missed change costs one poll interval at most.
 * stop() ends every wait and sleep for good.
 */
export class Wakeup {
  private waiters = new Set<() => void>();
  private sleepers = new Set<() => void>();
  private stopped = false;

  notify(): void {
    const waiting = [...this.waiters];
    this.waiters.clear();
    for (const wake of waiting) wake();
  }

  /** Resolves on the next notify, after `timeoutMs`, or at stop. */
  wait(timeoutMs: number): Promise<void> {
    return this.pause(timeoutMs, true);
  }

  /** Resolves after `ms` or at stop; notifications do not shorten it. */
  sleep(ms: number): Promise<void> {
    return this.pause(ms, false);
  }

  stop(): void {
    this.stopped = true;
    this.notify();
    for (const end of this.sleepers) end();
    this.sleepers.clear();
  }

  private pause(ms: number, wakeable: boolean): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(done);
        this.sleepers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      (wakeable ? this.waiters : this.sleepers).add(done);
    });
  }
}
