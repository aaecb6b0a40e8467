import { describeProjectionLaws } from '../../../testing/src/index.js';
import { runsProjection } from './runs.projection.js';

describeProjectionLaws(runsProjection, {
  documents: 27,
  coverage: (docs) => {
    expect(new Set(docs.map((doc) => doc.status))).toEqual(new Set(['completed', 'failed', 'cancelled', 'running']));
    expect(docs.some((doc) => doc.outputsDeleted)).toBe(true);
  },
});
