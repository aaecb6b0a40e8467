import { runStream, type RunDeleted } from '../../../../libs/domain/src/index.js';
import { type EventStore, type EventTypeRegistry, lastEvent, type RecordedEvent } from '../../../../libs/eventstore/src/index.js';
import { findOrphanFolders, listRunFiles, missingFiles, summarizeFiles } from '../../../../libs/media/src/index.js';
import type { PromptDoc, RunDoc } from '../../../../libs/read-models/src/index.js';
import { IntegrityIssueKind } from './integrity-report.model.js';

export interface Finding {
  readonly kind: IntegrityIssueKind;
  readonly subject: string;
  readonly detail: string;
}

// Read models are what these checks distrust, so fields the types promise are still read with care.

/** Completed runs whose output files are gone, except those deleted on purpose (RunOutputsDeleted). */
export async function missingOutputs(outputsRoot: string, runs: readonly RunDoc[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const run of runs) {
    if (run.status !== 'completed' || run.outputsDeleted) continue;
    const deleted = new Set(run.deletedOutputPaths ?? []);
    const expected = (run.outputs ?? []).map((output) => output.path).filter((path) => !deleted.has(path));
    const missing = await missingFiles(outputsRoot, expected);
    if (missing.length > 0) {
      findings.push({ kind: IntegrityIssueKind.MISSING_OUTPUT, subject: run.id, detail: `Not in the outputs root: ${missing.join(', ')}.` });
    }
  }
  return findings;
}

/** Prompts whose colour, depth or segmentation video is no longer under the inputs root. */
export async function missingInputs(inputsRoot: string, prompts: readonly PromptDoc[]): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const prompt of prompts) {
    const videos = [prompt.inputs?.color, prompt.inputs?.depth, prompt.inputs?.segmentation];
    const missing = await missingFiles(inputsRoot, videos.flatMap((video) => (video ? [video.path] : [])));
    if (missing.length > 0) {
      findings.push({ kind: IntegrityIssueKind.MISSING_INPUT, subject: prompt.id, detail: `Not in the inputs root: ${missing.join(', ')}.` });
    }
  }
  return findings;
}

/**
 * `run_<id>` folders of no run the read model knows, with what the history says about them: most
 * are outputs kept when their run was deleted. Reported only; they are the user's files.
 */
export async function orphanFolders(
  outputsRoot: string,
  knownRunIds: ReadonlySet<string>,
  history: { events: EventStore; registry: EventTypeRegistry },
): Promise<Finding[]> {
  const findings: Finding[] = [];
  for (const runId of await findOrphanFolders(outputsRoot, knownRunIds)) {
    const held = `run_${runId} holds ${summarizeFiles(await listRunFiles(outputsRoot, runId)).text}`;
    const last = await lastEvent(history.events, runStream(runId));
    findings.push({ kind: IntegrityIssueKind.ORPHAN_OUTPUT_FOLDER, subject: runId, detail: `${held}${whatHistorySays(runId, last, history.registry)}` });
  }
  return findings;
}

function whatHistorySays(runId: string, last: RecordedEvent | null, registry: EventTypeRegistry): string {
  if (last === null) return `, but no run ${runId} is in the event history.`;
  if (last.type === 'RunDeleted') {
    const { deletedAt } = registry.upcast(last).data as RunDeleted['data'];
    return `, kept when run ${runId} was deleted at ${deletedAt}.`;
  }
  return `; run ${runId} is in the event history but not in the runs read model.`;
}
