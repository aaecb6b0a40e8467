import { Inject, Injectable } from '@nestjs/common';
import { COSMOS_CONFIG, type CosmosConfig } from '../../../../libs/config/src/index.js';
import { findInputFolders, InputFolderError, type InputFolderEntry, MediaToolError, scanInputVideos, type ScannedInputs, VideoProbeError } from '../../../../libs/media/src/index.js';
import { createdWithinBounds } from '../../../../libs/read-models/src/index.js';
import type { InputFolder, InputFolderFilterInput, InputFolderList } from './input-folder.model.js';
import { InputFolderSortValue } from './input-folder.model.js';

/** Probing is ffprobe per video: two at a time leaves the other core to the service. */
const PROBE_CONCURRENCY = 2;
/** Probe results are kept per folder until its videos change (their newest time or their set). */
const CACHE_LIMIT = 5000;

/**
 * The Inputs view's catalog: the folders under the inputs root, each scanned exactly as
 * createPrompt scans it, so the view shows the refusal createPrompt would give before anyone asks.
 */
@Injectable()
export class InputCatalogService {
  private readonly scanned = new Map<string, { key: string; folder: Promise<InputFolder> }>();

  constructor(@Inject(COSMOS_CONFIG) private readonly config: CosmosConfig) {}

  async list(filter: InputFolderFilterInput, sort: InputFolderSortValue, now = new Date()): Promise<InputFolderList> {
    const { folders: found, truncated } = await findInputFolders(this.config.paths.inputsRoot);
    const search = filter.search?.trim().toLowerCase() ?? '';
    const bounds = filter.modifiedWithin ? createdWithinBounds(filter.modifiedWithin, now) : {};
    const matching = found.filter((entry) => {
      const modified = entry.modifiedAt.toISOString();
      return (
        (search === '' || entry.relative.toLowerCase().includes(search)) &&
        (bounds.from === undefined || modified >= bounds.from) &&
        (bounds.before === undefined || modified < bounds.before)
      );
    });
    matching.sort(ORDER[sort]);
    const folders = await mapBounded(matching, PROBE_CONCURRENCY, (entry) => this.describe(entry));
    return { folders, totalCount: folders.length, truncated };
  }

  private describe(entry: InputFolderEntry): Promise<InputFolder> {
    const key = `${entry.modifiedAt.getTime()}:${entry.files.join(',')}`;
    const cached = this.scanned.get(entry.relative);
    if (cached?.key === key) return cached.folder;
    if (this.scanned.size >= CACHE_LIMIT) this.scanned.clear();
    const folder = this.scan(entry);
    this.scanned.set(entry.relative, { key, folder });
    folder.catch(() => this.scanned.delete(entry.relative));
    return folder;
  }

  private async scan(entry: InputFolderEntry): Promise<InputFolder> {
    const base = { path: entry.relative, modifiedAt: entry.modifiedAt, color: null, depth: null, segmentation: null };
    let scanned: ScannedInputs;
    try {
      scanned = await scanInputVideos(this.config.paths.inputsRoot, entry.relative);
    } catch (error) {
      if (!(error instanceof InputFolderError || error instanceof VideoProbeError || error instanceof MediaToolError)) throw error;
      // A refusal is a fact about the folder (kept until its videos change), not a failed listing.
      return { ...base, controls: [], problem: error.message };
    }
    const controls = ['vis', 'edge', ...(scanned.depth ? ['depth'] : []), ...(scanned.segmentation ? ['seg'] : [])];
    return { ...base, color: scanned.color, depth: scanned.depth ?? null, segmentation: scanned.segmentation ?? null, controls, problem: null };
  }
}

const ORDER: Record<InputFolderSortValue, (a: InputFolderEntry, b: InputFolderEntry) => number> = {
  [InputFolderSortValue.newest]: (a, b) => b.modifiedAt.getTime() - a.modifiedAt.getTime() || a.relative.localeCompare(b.relative),
  [InputFolderSortValue.oldest]: (a, b) => a.modifiedAt.getTime() - b.modifiedAt.getTime() || a.relative.localeCompare(b.relative),
  [InputFolderSortValue.path]: (a, b) => a.relative.localeCompare(b.relative),
};

async function mapBounded<T, R>(items: readonly T[], concurrency: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await map(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}
