import type { DocumentStore } from '../document-store.port.js';
import type { Projection } from './projection.js';

/** The version of a projection's code (absent means 1); anything but a whole number from 1 is a bug. */
export function projectionVersion(projection: Projection): number {
  const version = projection.version ?? 1;
  if (!Number.isInteger(version) || version < 1) {
    throw new Error(`Projection "${projection.name}" has version ${version}; a version is a whole number from 1`);
  }
  return version;
}

/**
 * Which version of a projection's code built its live read model. It is kept as a checkpoint
 * named `<projection>#version` whose position is the version: a checkpoint is already a small,
 * durable record per read model in every adapter, so the port needs nothing new. Only this helper
 * reads or writes that name.
 */
export const builtVersion = {
  /** Null when none was recorded: a fresh store, or a read model built before versions existed. */
  read(store: DocumentStore, projection: Projection): Promise<number | null> {
    return store.getCheckpoint(versionCheckpoint(projection));
  },
  /** Records that the live read model is a fold by the current code. */
  async record(store: DocumentStore, projection: Projection): Promise<void> {
    await store.applyBatch([], { name: versionCheckpoint(projection), position: projectionVersion(projection) });
  },
  /**
   * The version that built the live read model when the code's version differs, else null. A read
   * model from before versions were recorded was built by version 1. A fresh store has nothing to
   * rebuild: its first fold is by the current code, so that version is recorded at once.
   */
  async outdated(store: DocumentStore, projection: Projection): Promise<number | null> {
    if ((await store.getCheckpoint(projection.name)) === null) {
      await builtVersion.record(store, projection);
      return null;
    }
    const built = (await builtVersion.read(store, projection)) ?? 1;
    return built === projectionVersion(projection) ? null : built;
  },
};

function versionCheckpoint(projection: Projection): string {
  return `${projection.name}#version`;
}
