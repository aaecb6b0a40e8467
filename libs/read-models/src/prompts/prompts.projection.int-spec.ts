import { describeProjectionLaws } from '../../../testing/src/index.js';
import { promptsProjection } from './prompts.projection.js';

describeProjectionLaws(promptsProjection, {
  documents: 13,
  coverage: (docs) => {
    expect(docs.filter((doc) => doc.textReplacements.length > 0).length).toBeGreaterThan(0);
    expect(docs.filter((doc) => doc.enhancedFrom !== null).length).toBeGreaterThan(0);
  },
});
