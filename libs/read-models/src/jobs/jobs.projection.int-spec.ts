import { busyJobDay, describeProjectionLaws, jobIdOf } from '../../../testing/src/index.js';
import { jobsProjection } from './jobs.projection.js';

describeProjectionLaws(jobsProjection, {
  history: busyJobDay,
  documents: 15,
  coverage: (docs) => {
    expect(new Set(docs.map((doc) => doc.status))).toEqual(new Set(['succeeded', 'failed', 'cancelled', 'merged', 'queued', 'claimed', 'uploading', 'running']));
    const byId = new Map(docs.map((doc) => [doc.id, doc]));
    expect(byId.get(jobIdOf(6))).toMatchObject({ status: 'succeeded', attempts: 2, node: 'gpu-2' });
    expect(byId.get(jobIdOf(4))).toMatchObject({ status: 'failed', retriedAs: jobIdOf(9) });
    expect(byId.get(jobIdOf(9))).toMatchObject({ status: 'running', retryOf: jobIdOf(4) });
    expect(byId.get(jobIdOf(5))).toMatchObject({ status: 'cancelled', cancelRequested: { by: 'ben' } });
    expect(byId.get(jobIdOf(8))).toMatchObject({ status: 'uploading', cancelRequested: { by: 'ana', reason: 'duplicate' } });
    expect(byId.get(jobIdOf(12))).toMatchObject({ status: 'queued', priority: 55 });
    expect(byId.get(jobIdOf(13))).toMatchObject({ status: 'merged', mergedInto: jobIdOf(15), durationSeconds: null });
    expect(byId.get(jobIdOf(15))).toMatchObject({ status: 'succeeded', mergedFrom: [jobIdOf(13), jobIdOf(14)], queuedAt: byId.get(jobIdOf(13))!.queuedAt });
  },
});
