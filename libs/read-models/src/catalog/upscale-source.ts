import type { QueuedUpscale } from '../../../domain/src/index.js';
import type { CatalogQueries } from './catalog.queries.js';

/**
 * The video an upscale reads: its source run's output video (outputs root), or the input video it
 * names (inputs root). Null when the source run has no video any more.
 */
export async function resolveUpscaleSource(catalog: CatalogQueries, source: { sourceRunId: string | null; sourceVideo: string | null }): Promise<QueuedUpscale | null> {
  const { sourceRunId, sourceVideo } = source;
  if (sourceVideo !== null) return { sourceRunId, sourceVideo, video: { root: 'inputs', path: sourceVideo } };
  if (sourceRunId === null) return null;
  const run = await catalog.run(sourceRunId);
  const video = run?.outputs.find((file) => file.kind === 'video' && !run.deletedOutputPaths.includes(file.path));
  return video === undefined ? null : { sourceRunId, sourceVideo, video: { root: 'outputs', path: video.path } };
}
