import type { AllFilter, RecordedEvent } from '../../../eventstore/src/index.js';
import type { Doc, IndexSpec } from '../document-store.port.js';

/** Fields the runner stamps on every document it writes; guards and subscriptions read them. */
export interface ProjectedFields {
  /** Global position of the last event folded into the document. */
  readonly _position: number;
  /** How many times the document changed; subscribers use it to drop stale pushes. */
  readonly _revision: number;
}

/** A document of the same collection as it was before the event being folded (null: absent). */
export type RelatedDocument = (id: string) => (Doc & ProjectedFields) | null;

/** What the runner tells `evolve` beside the document: which one it is, and the related documents. */
export interface FoldContext {
  readonly id: string;
  readonly related: RelatedDocument;
}

/**
 * A read model as a pure fold: which events it wants, which document each event touches, and how
 * the document changes (`null` removes it). The runner does all I/O, stamping and idempotency, so
 * a projection is tested with plain values and a rebuild reproduces live processing exactly.
 */
export interface Projection<D extends Doc = Doc> {
  /** Also the checkpoint's name; never reuse a name for a different fold. */
  readonly name: string;
  readonly collection: string;
  readonly filter: AllFilter;
  readonly indexes?: readonly IndexSpec[];
  /**
   * A whole number from 1 (absent means 1). Bump it whenever a change to `evolve` or `documentIds`
   * would make existing documents differ from a fold of the same events (a new field, a renamed
   * one, other ids): the runner then rebuilds a read model an older version built, at start-up and
   * blue/green like `rebuildProjection`, so an upgrade needs no manual step.
   */
  readonly version?: number;
  /**
   * Documents of this collection whose state before the event `documentIds` and `evolve` may read:
   * a rollup reads the entity whose facts it sums (a job's kind and node, say, when the job ends).
   * The runner reads them before folding the event, from the batch in flight, so a rebuild sees
   * exactly what live processing saw. The runner always passes `related`; a projection without
   * `related()` never needs it.
   */
  related?(event: RecordedEvent): readonly string[];
  documentIds(event: RecordedEvent, related?: RelatedDocument): readonly string[];
  /** Pure: same document, event and context, same result. Returning `doc` itself means "no change". */
  evolve(doc: (D & ProjectedFields) | null, event: RecordedEvent, context?: FoldContext): D | null;
}

export const PROJECTIONS = Symbol('PROJECTIONS');
