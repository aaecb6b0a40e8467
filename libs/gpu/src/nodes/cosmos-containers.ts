import { CONTAINER_LABELS, dockerKill, dockerPs } from '../docker-command.js';
import type { GpuNode } from './gpu-node.js';

/** A running container of ours on a node, as `docker ps` and our labels describe it. */
export interface CosmosContainer {
  readonly name: string;
  readonly id: string;
  readonly image: string;
  readonly jobId: string;
  readonly kind: string | null;
  readonly runIds: readonly string[];
  /** The GPU indices it was given (its cosmos.gpus label); null for a container given a count or all. */
  readonly gpus: readonly number[] | null;
  /** docker's state word (`running`): stable between probes, unlike its "Up 5 minutes". */
  readonly state: string;
  /** ISO time docker created it; `docker run --detach` starts it at once. Null if unreadable. */
  readonly startedAt: string | null;
}

export type ContainerListing = { readonly ok: true; readonly containers: readonly CosmosContainer[] } | { readonly ok: false; readonly error: string };

export type KillOutcome = { readonly ok: true } | { readonly ok: false; readonly error: string };

/**
 * Running containers that carry our job label, and nothing else: the node may run other people's
 * containers, and neither the status nor the kill switch may ever touch those.
 */
export async function listCosmosContainers(node: GpuNode, timeoutMs: number): Promise<ContainerListing> {
  const argv = dockerPs({ sudo: node.executor.sudo, all: false, labelFilter: { [CONTAINER_LABELS.job]: true } });
  const result = await node.connection.exec(argv, { timeoutMs });
  if (result.exitCode !== 0) return { ok: false, error: failure('docker ps', result.exitCode, result.stderr) };
  return { ok: true, containers: parseCosmosContainers(result.stdout) };
}

/** By name only. A container that stopped meanwhile counts as done: nothing of ours runs there any more. */
export async function killCosmosContainer(node: GpuNode, name: string, timeoutMs: number): Promise<KillOutcome> {
  const result = await node.connection.exec(dockerKill(name, { sudo: node.executor.sudo }), { timeoutMs });
  if (result.exitCode === 0 || /is not running|No such container/i.test(result.stderr)) return { ok: true };
  return { ok: false, error: failure('docker kill', result.exitCode, result.stderr) };
}

/** `docker ps --format '{{json .}}'` lines; a line without our job label (or unreadable) is skipped. */
export function parseCosmosContainers(psOutput: string): CosmosContainer[] {
  return psOutput.split('\n').flatMap((line) => {
    const row = parseRow(line);
    if (row === null) return [];
    const labels = parseLabels(row.Labels ?? '');
    const jobId = labels.get(CONTAINER_LABELS.job);
    if (jobId === undefined || row.Names === undefined) return [];
    const runs = labels.get(CONTAINER_LABELS.run);
    const gpus = labels.get(CONTAINER_LABELS.gpus);
    return [
      {
        name: row.Names,
        id: row.ID ?? '',
        image: row.Image ?? '',
        jobId,
        kind: labels.get(CONTAINER_LABELS.kind) ?? null,
        runIds: runs ? runs.split(',') : [],
        gpus: gpus && /^\d+(,\d+)*$/.test(gpus) ? gpus.split(',').map(Number) : null,
        state: row.State ?? 'unknown',
        startedAt: dockerTime(row.CreatedAt ?? ''),
      },
    ];
  });
}

function parseRow(line: string): Record<string, string | undefined> | null {
  if (line.trim() === '') return null;
  try {
    const row: unknown = JSON.parse(line);
    return typeof row === 'object' && row !== null ? (row as Record<string, string | undefined>) : null;
  } catch {
    return null;
  }
}

/**
 * docker joins labels with commas and does not escape them, and our run label is itself a comma
 * list (`cosmos.run=run_a,run_b`): a piece without `=` continues the value before it.
 */
function parseLabels(text: string): Map<string, string> {
  const labels = new Map<string, string>();
  let last: string | null = null;
  for (const piece of text.split(',')) {
    const at = piece.indexOf('=');
    if (at > 0) {
      last = piece.slice(0, at);
      labels.set(last, piece.slice(at + 1));
    } else if (last !== null && piece !== '') {
      labels.set(last, `${labels.get(last)},${piece}`);
    }
  }
  return labels;
}

/** `2025-06-01 12:00:00 +0000 UTC` (Go's time.String without the monotonic part) to ISO. */
function dockerTime(text: string): string | null {
  const match = /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d(?:\.\d+)?) ([+-]\d\d)(\d\d)\b/.exec(text);
  if (match === null) return null;
  const at = new Date(`${match[1]}T${match[2]}${match[3]}:${match[4]}`);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
}

function failure(command: string, exitCode: number | null, stderr: string): string {
  const detail = stderr.trim().split('\n').at(-1) ?? '';
  return `${command} exited ${exitCode ?? 'by a signal'}${detail ? `: ${detail}` : ''}`;
}
