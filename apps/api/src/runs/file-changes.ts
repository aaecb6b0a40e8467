import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Wakes the follower of one file: on an fs.watch event for it, and at the latest every `pollMs`,
 * because fs.watch misses writes made through another host's mount (NFS, SMB) and cannot watch a
 * folder that does not exist yet. The folder is watched rather than the file so that the file's
 * creation and its replacement by a new file are seen too.
 */
export class FileChanges {
  private watcher: FSWatcher | null = null;
  private changed = false;
  private waiting: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly pollMs: number,
    private readonly signal: AbortSignal,
  ) {
    signal.addEventListener('abort', this.wake);
  }

  /** Resolves on the next change, poll tick, wake() or abort; at once when one came since the last call. */
  next(): Promise<void> {
    if (this.changed || this.closed || this.signal.aborted) {
      this.changed = false;
      return Promise.resolve();
    }
    this.watchFolder();
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.timer = setTimeout(this.wake, this.pollMs);
    });
  }

  readonly wake = (): void => {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) waiting();
    else this.changed = true;
  };

  close(): void {
    this.closed = true;
    this.signal.removeEventListener('abort', this.wake);
    this.unwatch();
    this.wake();
  }

  private watchFolder(): void {
    if (this.watcher !== null) return;
    const name = basename(this.path);
    try {
      this.watcher = watch(dirname(this.path), (_event, changed) => {
        if (changed === null || changed === name) this.wake();
      });
    } catch {
      // The run's folder is not there yet (or cannot be watched): polling covers it, and the next
      // wait tries again.
      return;
    }
    // A watched folder that is deleted ends its watcher; a new one is made on the next wait.
    this.watcher.on('error', () => this.unwatch());
  }

  private unwatch(): void {
    this.watcher?.close();
    this.watcher = null;
  }
}
