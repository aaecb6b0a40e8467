/**
 * Test-only: prompt and run histories as the event store records them (consecutive positions,
 * per-stream revisions, actor metadata), typed by the domain's own event payloads so the specs
 * break when an event changes shape.
 */
import { type EnhancedFrom, type FailureReason, type ModelType, type OutputFile, type PromptCreated, type PromptEvent, type PromptInputs, promptStream, type RunEvent, type RunKind, type RunProgressStatus, type RunRequested, runStream } from '../../domain/src/index.js';
import type { RecordedEvent } from '../../eventstore/src/index.js';
import type { Projection } from '../../read-models/src/index.js';
import { RecordedLog } from './recorded-log.js';

export const promptIdOf = (n: number): string => `ps_${n.toString(16).padStart(32, '0')}`;
export const runIdOf = (n: number): string => `rs_${n.toString(16).padStart(32, '0')}`;

export function minutesAfter(iso: string, minutes: number): string {
  return new Date(Date.parse(iso) + minutes * 60_000).toISOString();
}

export function inputsIn(videoDir: string): PromptInputs {
  const video = (name: string) => ({
    path: `${videoDir}/${name}.mp4`,
    frames: 121,
    fps: 24,
    width: 1280,
    height: 704,
    durationSeconds: 5.042,
    codec: 'h264',
    sizeBytes: 2_457_600,
  });
  return { videoDir, color: video('color'), depth: video('depth'), segmentation: null };
}

export function videoOutput(runId: string, name = 'output.mp4'): OutputFile {
  return { name, path: `run_${runId}/outputs/${name}`, sizeBytes: 8_388_608, sha256: 'ab'.repeat(32), kind: 'video' };
}

export interface PromptSeed {
  readonly id: string;
  readonly text: string;
  readonly createdAt: string;
  readonly name?: string;
  readonly modelType?: ModelType;
  readonly enhancedFrom?: EnhancedFrom | null;
  readonly actor?: string;
}

export interface RunSeed {
  readonly id: string;
  readonly promptId: string;
  readonly requestedAt: string;
  readonly kind?: RunKind;
  readonly modelType?: ModelType;
  readonly sourceRunId?: string | null;
  readonly actor?: string;
}

/** Appends to an in-memory log; `events` is what a store's `readAll` would return. */
export class History extends RecordedLog {
  /** Events recorded from `mark` (an earlier `events.length`) on. */
  since(mark: number): RecordedEvent[] {
    return this.events.slice(mark);
  }

  promptCreated(seed: PromptSeed): RecordedEvent {
    const data: PromptCreated['data'] = {
      promptId: seed.id,
      name: seed.name ?? `prompt_${seed.id.slice(-4)}`,
      text: seed.text,
      negativePrompt: 'blurry, low quality',
      modelType: seed.modelType ?? 'transfer',
      inputs: inputsIn(`videos/${seed.id.slice(-4)}`),
      enhancedFrom: seed.enhancedFrom ?? null,
      createdAt: seed.createdAt,
    };
    return this.prompt(seed.id, 'PromptCreated', data, seed.createdAt, seed.actor);
  }

  promptTextReplaced(promptId: string, text: string, runId: string, at: string, model = 'pixtral'): RecordedEvent {
    return this.prompt(promptId, 'PromptTextReplaced', { text, runId, model, replacedAt: at }, at, 'system:worker');
  }

  promptDeleted(promptId: string, at: string, runIds: string[] = []): RecordedEvent {
    return this.prompt(promptId, 'PromptDeleted', { deletedAt: at, deletedBy: 'ana', deleteOutputs: false, runIds }, at, 'ana');
  }

  runRequested(seed: RunSeed): RecordedEvent {
    const kind = seed.kind ?? 'inference';
    const data: RunRequested['data'] = {
      runId: seed.id,
      promptId: seed.promptId,
      jobId: `job_${seed.id.slice(-16)}`,
      kind,
      modelType: seed.modelType ?? (kind === 'inference' ? 'transfer' : kind),
      config: kind === 'upscale' ? { control_weight: 0.5 } : { num_steps: 35, guidance: 5, seed: 1 },
      sourceRunId: seed.sourceRunId ?? null,
      sourceVideo: null,
      requestedAt: seed.requestedAt,
      requestedBy: seed.actor ?? 'ana',
    };
    return this.run(seed.id, 'RunRequested', data, seed.requestedAt, seed.actor);
  }

  runStatusChanged(runId: string, status: RunProgressStatus, at: string, node = 'gpu-1'): RecordedEvent {
    return this.run(runId, 'RunStatusChanged', { status, node, simulated: false, at }, at);
  }

  runCompleted(runId: string, at: string, outputs: OutputFile[] = [videoOutput(runId)], enhancedText: string | null = null): RecordedEvent {
    return this.run(runId, 'RunCompleted', { outputs, completedAt: at, enhancedText }, at);
  }

  runFailed(runId: string, at: string, reason: FailureReason = 'CONTAINER_EXIT', message = 'exit code 1'): RecordedEvent {
    return this.run(runId, 'RunFailed', { reason, message, exitCode: 1, failedAt: at }, at);
  }

  runCancelled(runId: string, at: string, by = 'ben'): RecordedEvent {
    return this.run(runId, 'RunCancelled', { reason: 'no longer needed', cancelledAt: at, cancelledBy: by }, at, by);
  }

  runRated(runId: string, rating: number | null, at: string): RecordedEvent {
    return this.run(runId, 'RunRated', { rating, ratedBy: 'ana', ratedAt: at }, at, 'ana');
  }

  runOutputsDeleted(runId: string, paths: string[], at: string): RecordedEvent {
    return this.run(runId, 'RunOutputsDeleted', { paths, deletedAt: at }, at, 'ana');
  }

  runDeleted(runId: string, at: string): RecordedEvent {
    return this.run(runId, 'RunDeleted', { deletedAt: at, deletedBy: 'ana', deleteOutputs: false }, at, 'ana');
  }

  /** Requested, running a minute later, finished five minutes later; rated if `rating` is given. */
  completedRun(seed: RunSeed & { readonly rating?: number; readonly enhancedText?: string }): void {
    this.runRequested(seed);
    this.runStatusChanged(seed.id, 'running', minutesAfter(seed.requestedAt, 1));
    const outputs = seed.kind === 'enhance' ? [] : [videoOutput(seed.id)];
    this.runCompleted(seed.id, minutesAfter(seed.requestedAt, 6), outputs, seed.enhancedText ?? (seed.kind === 'enhance' ? 'enhanced text' : null));
    if (seed.rating !== undefined) this.runRated(seed.id, seed.rating, minutesAfter(seed.requestedAt, 10));
  }


  private prompt<E extends PromptEvent>(promptId: string, type: E['type'], data: E['data'], at: string, actor?: string): RecordedEvent {
    return this.record(promptStream(promptId), type, data, at, actor);
  }

  private run<E extends RunEvent>(runId: string, type: E['type'], data: E['data'], at: string, actor?: string): RecordedEvent {
    return this.record(runStream(runId), type, data, at, actor);
  }

}

/** The events of `events` that `projection` subscribes to, as the runner's filtered read delivers them. */
export function wantedBy(projection: Projection, events: readonly RecordedEvent[]): RecordedEvent[] {
  const { streamPrefixes = [], eventTypes = [] } = projection.filter;
  return events.filter(
    (event) =>
      (streamPrefixes.length === 0 || streamPrefixes.some((prefix) => event.streamId.startsWith(prefix))) &&
      (eventTypes.length === 0 || eventTypes.includes(event.type)),
  );
}

/**
 * A busy week of the catalog touching every event type: enhancements (new prompt and overwrite),
 * runs that complete, fail, get cancelled, rated and unrated, upscaled, lose outputs, are deleted,
 * and a prompt deleted with its runs.
 */
export function busyWeek(): History {
  const history = new History();
  const start = '2026-11-21T08:00:00.000Z';
  for (let p = 1; p <= 12; p++) {
    const promptId = promptIdOf(p);
    const createdAt = minutesAfter(start, p * 90);
    history.promptCreated({ id: promptId, text: `A slow dolly shot through scene ${p}`, createdAt, actor: p % 2 ? 'ana' : 'ben' });
    const first = runIdOf(p * 10 + 1);
    history.completedRun({ id: first, promptId, requestedAt: minutesAfter(createdAt, 5), rating: (p % 5) + 1 });
    const second = runIdOf(p * 10 + 2);
    history.runRequested({ id: second, promptId, requestedAt: minutesAfter(createdAt, 20) });
    history.runStatusChanged(second, 'uploading', minutesAfter(createdAt, 21));
    if (p % 3 === 0) history.runFailed(second, minutesAfter(createdAt, 25), 'OOM_KILLED', 'CUDA out of memory');
    else if (p % 3 === 1) history.runCancelled(second, minutesAfter(createdAt, 23));
    else history.runStatusChanged(second, 'running', minutesAfter(createdAt, 24), 'gpu-2');
    if (p % 4 === 0) {
      history.completedRun({ id: runIdOf(p * 10 + 3), promptId, requestedAt: minutesAfter(createdAt, 30), kind: 'upscale', sourceRunId: first });
      history.runOutputsDeleted(first, [videoOutput(first).path], minutesAfter(createdAt, 60));
    }
    if (p % 5 === 0) {
      const enhance = runIdOf(p * 10 + 4);
      history.completedRun({ id: enhance, promptId, requestedAt: minutesAfter(createdAt, 40), kind: 'enhance', enhancedText: `Enhanced scene ${p}` });
      history.promptCreated({
        id: promptIdOf(100 + p),
        text: `Enhanced scene ${p}`,
        createdAt: minutesAfter(createdAt, 47),
        enhancedFrom: { promptId, runId: enhance, model: 'pixtral' },
        actor: 'system:worker',
      });
    }
    if (p % 6 === 0) {
      const overwrite = runIdOf(p * 10 + 5);
      history.completedRun({ id: overwrite, promptId, requestedAt: minutesAfter(createdAt, 50), kind: 'enhance', enhancedText: `Overwritten scene ${p}` });
      history.promptTextReplaced(promptId, `Overwritten scene ${p}`, overwrite, minutesAfter(createdAt, 57));
    }
    if (p % 2 === 0) history.runRated(first, null, minutesAfter(createdAt, 65));
    if (p % 7 === 0) history.runDeleted(first, minutesAfter(createdAt, 70));
    if (p === 10) {
      // Deleting a prompt deletes its runs first; its enhanced child keeps a dangling enhancedFrom.
      const runIds = [first, second, runIdOf(p * 10 + 4)];
      for (const runId of runIds) history.runDeleted(runId, minutesAfter(createdAt, 75));
      history.promptDeleted(promptId, minutesAfter(createdAt, 80), runIds);
    }
  }
  return history;
}
