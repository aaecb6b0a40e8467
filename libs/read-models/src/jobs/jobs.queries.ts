import type { JobKind } from '../../../domain/src/index.js';
import type { Page, PageRequest } from '../catalog/catalog.queries.js';
import { type KeysetOrder, keysetPage, keysetRequest } from '../catalog/keyset-page.js';
import type { DocumentStore, Filter } from '../document-store.port.js';
import type { JobDoc, JobStatus } from './job.doc.js';
import { JOBS_COLLECTION } from './jobs.projection.js';

/** As for runs: a missing list means any; an empty list matches nothing. */
export interface JobFilter {
  readonly statuses?: readonly JobStatus[] | null;
  readonly kinds?: readonly JobKind[] | null;
}

export type JobSort = 'newest';

/** A released job keeps its `queuedAt`, so it keeps its place in this list as in the queue. */
const JOB_ORDERS: Record<JobSort, KeysetOrder> = {
  newest: {
    name: 'newest',
    fields: [
      { field: 'queuedAt', direction: -1, type: 'string' },
      { field: 'id', direction: -1, type: 'string' },
    ],
  },
};

export function job(documents: DocumentStore, id: string): Promise<JobDoc | null> {
  return documents.get<JobDoc>(JOBS_COLLECTION, id);
}

/** Every job the read model holds, finished ones included, as a keyset page. */
export function jobs(documents: DocumentStore, filter: JobFilter, sort: JobSort, page: PageRequest): Promise<Page<JobDoc>> {
  const order = JOB_ORDERS[sort];
  const request = keysetRequest(order, page);
  return keysetPage<JobDoc>(documents, JOBS_COLLECTION, jobQuery(filter), order, request);
}

export function jobQuery(filter: JobFilter): Filter {
  const query: Record<string, unknown> = {};
  if (filter.statuses) query.status = { $in: [...filter.statuses] };
  if (filter.kinds) query.kind = { $in: [...filter.kinds] };
  return query;
}
