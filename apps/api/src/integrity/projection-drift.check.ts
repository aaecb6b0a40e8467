import { Inject, Injectable, Optional } from '@nestjs/common';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { EVENT_STORE, EVENT_TYPE_REGISTRY, type EventStore, type EventTypeRegistry } from '../../../../libs/eventstore/src/index.js';
import { type Doc, DOCUMENT_STORE, type DocumentStore, type ProjectedFields, type Projection, ProjectionRunner, PROJECTIONS, ReadModelConsistency, type RebuildProgress } from '../../../../libs/read-models/src/index.js';
import { diffCollections, type DocumentDifference } from './collection-diff.js';

export interface ProjectionDrift {
  readonly projection: string;
  readonly detail: string;
}

export interface DriftCheck {
  readonly checked: readonly string[];
  readonly drifted: readonly ProjectionDrift[];
  readonly notes: readonly string[];
}

const SHADOW_SUFFIX = '__verify';
const EVENT_PAGE = 500;
/** Documents named in a drift's detail; the count covers the rest. */
const EXAMPLES = 10;

export const NO_RUNNER_NOTE =
  'Read models were not compared with the events: projections run in the worker process, not in this one. Run verifyIntegrity where the worker runs (role "all") to check them.';

/**
 * Read-model drift: each projection is rebuilt from the first event into `<collection>__verify`
 * and compared with the live collection document by document. Only possible where the runner
 * lives (the worker, or the embedded single process); an API-only process says so instead.
 */
@Injectable()
export class ProjectionDriftCheck {
  constructor(
    @Inject(DOCUMENT_STORE) private readonly documents: DocumentStore,
    @Inject(EVENT_STORE) private readonly events: EventStore,
    @Inject(EVENT_TYPE_REGISTRY) private readonly registry: EventTypeRegistry,
    private readonly consistency: ReadModelConsistency,
    @Inject(COSMOS_CONFIG) private readonly config: CosmosConfig,
    @Optional() private readonly runner?: ProjectionRunner,
    @Optional() @Inject(PROJECTIONS) private readonly projections: readonly Projection[] = [],
  ) {}

  async check(): Promise<DriftCheck> {
    if (!this.runner) return { checked: [], drifted: [], notes: [NO_RUNNER_NOTE] };
    const statuses = new Map((await this.runner.status()).map((status) => [status.name, status]));
    const checked: string[] = [];
    const drifted: ProjectionDrift[] = [];
    const notes: string[] = [];
    for (const projection of this.projections) {
      const rebuild = statuses.get(projection.name)?.rebuild;
      // A rebuild in progress uses the same shadow checkpoint; comparing now would corrupt both.
      if (rebuild && rebuild.finishedAt === null) {
        notes.push(`Read model "${projection.name}" is being rebuilt; it was not compared this time.`);
        continue;
      }
      const detail = await this.compare(this.runner, projection);
      checked.push(projection.name);
      if (detail !== null) drifted.push({ projection: projection.name, detail });
    }
    return { checked, drifted, notes };
  }

  /** Swaps in a fresh rebuild of the read model (blue/green; the live one serves meanwhile). */
  rebuild(name: string): Promise<RebuildProgress> {
    if (!this.runner) throw new Error(`No projection runner in this process to rebuild "${name}"`);
    return this.runner.rebuild(name);
  }

  /** A sentence describing the drift, or null when the read model matches its rebuild. */
  private async compare(runner: ProjectionRunner, projection: Projection): Promise<string | null> {
    const shadow = `${projection.collection}${SHADOW_SUFFIX}`;
    let checkpoint: string | null = null;
    try {
      const built = await runner.rebuildInto(projection, shadow);
      checkpoint = built.checkpoint;
      // Compare at one point of $all: the live read model must have folded what the rebuild did.
      const timeout = this.config.projections.consistencyTimeoutMs;
      if (built.position > 0 && !(await this.consistency.waitFor(projection.name, built.position, timeout))) {
        const live = await this.documents.getCheckpoint(projection.name);
        return `The read model is behind the events: its checkpoint is ${live ?? 'none'}, the rebuild reached position ${built.position}.`;
      }
      const diff = await diffCollections(this.documents, projection.collection, shadow);
      // Read after the diff, so every live change the diff could have seen is accounted for:
      // documents moved on by events stored since the rebuild finished are not drift.
      const moved = await this.touchedAfter(projection, built.position);
      const differences = diff.differences.filter((difference) => !moved.has(difference.id));
      return differences.length === 0 ? null : describe(differences, diff.compared);
    } finally {
      await this.documents.dropCollection(shadow);
      if (checkpoint !== null) await this.documents.deleteCheckpoint(checkpoint);
    }
  }

  private async touchedAfter(projection: Projection, position: number): Promise<Set<string>> {
    const ids = new Set<string>();
    for (let after = position; ; ) {
      const page = await this.events.readAll({ afterPosition: after, filter: projection.filter, maxCount: EVENT_PAGE });
      if (page.length === 0) return ids;
      for (const recorded of page) {
        const event = this.registry.upcast(recorded);
        // What a related document holds now stands in for its state before the event: it names the
        // documents the entity contributes to by the end, a superset of those the event touched.
        const related = new Map<string, (Doc & ProjectedFields) | null>();
        for (const id of projection.related?.(event) ?? []) related.set(id, await this.documents.get(projection.collection, id));
        for (const id of projection.documentIds(event, (id) => related.get(id) ?? null)) ids.add(id);
      }
      after = page[page.length - 1].position;
    }
  }
}

function describe(differences: readonly DocumentDifference[], compared: number): string {
  const shown = differences.slice(0, EXAMPLES).map((difference) => {
    if (difference.onlyIn === 'live') return `${difference.id} (not produced by the events)`;
    if (difference.onlyIn === 'rebuilt') return `${difference.id} (missing from the read model)`;
    return `${difference.id} (${difference.fields.join(', ')})`;
  });
  const more = differences.length > EXAMPLES ? `, and ${differences.length - EXAMPLES} more` : '';
  return `${differences.length} of ${compared} documents differ from a rebuild from the events: ${shown.join(', ')}${more}.`;
}
