import { jobsProjection } from '../jobs/jobs.projection.js';
import { gpuNodesProjection } from '../nodes/gpu-nodes.projection.js';
import { promptsProjection } from '../prompts/prompts.projection.js';
import { queueProjection } from '../queue/queue.projection.js';
import { runsProjection } from '../runs/runs.projection.js';
import { statsProjection } from '../stats/stats.projection.js';
import type { Projection } from './projection.js';

/** Every read model the worker keeps; a new projection is one more entry here. */
export const ALL_PROJECTIONS: readonly Projection[] = [queueProjection, promptsProjection, runsProjection, jobsProjection, statsProjection as Projection, gpuNodesProjection as Projection];
