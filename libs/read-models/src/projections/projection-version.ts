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
};

function versionCheckpoint(projection: Projection): string {
  return `${projection.name}#version`;
}
