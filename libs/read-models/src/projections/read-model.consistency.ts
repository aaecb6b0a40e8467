import { setTimeout as sleep } from 'node:timers/promises';
import type { DocumentStore } from '../document-store.port.js';

/**
 * Read-your-writes for mutations: waits (bounded) until a projection's checkpoint has reached the
 * position a command wrote at. It reads the stored checkpoint, so it works in an API process that
 * runs no projections itself (the distributed mode) as well as in the embedded one.
 */
export class ReadModelConsistency {
  constructor(private readonly documents: DocumentStore) {}

  /** Resolves true once `projection` reflects `position`, false when `timeoutMs` passed first. */
  async waitFor(projection: string, position: number, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      const checkpoint = await this.documents.getCheckpoint(projection);
      if (checkpoint !== null && checkpoint >= position) return true;
      if (Date.now() + delay > deadline) return false;
      await sleep(delay);
    }
  }
}
