import { busyJobDay, jobIdOf } from '../../../testing/src/job-history.fixture.js';
import { describeProjectionLaws } from '../../../testing/src/projection-laws.js';
import { jobsProjection } from './jobs.projection.js';

describeProjectionLaws(jobsProjection, {
  history: busyJobDay,
  documents: 12,
  coverage: (docs) => {
    expect(new Set(docs.map((doc) => doc.status))).toEqual(new Set(['succeeded', 'failed', 'cancelled', 'queued', 'claimed', 'uploading', 'running']));
    const byId = new Map(docs.map((doc) => [doc.id, doc]));
    expect(byId.get(jobIdOf(6))).toMatchObject({ status: 'succeeded', attempts: 2, node: 'gpu-2' });
    expect(byId.get(jobIdOf(4))).toMatchObject({ status: 'failed', retriedAs: jobIdOf(9) });
    expect(byId.get(jobIdOf(9))).toMatchObject({ status: 'running', retryOf: jobIdOf(4) });
    expect(byId.get(jobIdOf(5))).toMatchObject({ status: 'cancelled', cancelRequested: { by: 'ben' } });
    expect(byId.get(jobIdOf(8))).toMatchObject({ status: 'uploading', cancelRequested: { by: 'ana', reason: 'duplicate' } });
    expect(byId.get(jobIdOf(12))).toMatchObject({ status: 'queued', priority: 55 });
  },
});
