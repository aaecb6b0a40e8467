/** A queued job as the GPU slots see it: how many of a node's GPUs it needs. */
export interface SlotCandidate {
  readonly jobId: string;
  /** Null for a job queued before GPU slots: it takes the whole node, as it did then. */
  readonly numGpus: number | null;
}

/** A job to claim on this node and the GPUs it would hold there. */
export interface SlotClaim {
  readonly jobId: string;
  readonly gpus: readonly number[];
}

/**
 * The claims a node tries, in order, with the GPUs it has free: the first that wins runs. The
 * candidates come in queue order (priority, then FIFO).
 *
 * The rule that keeps a big job from starving behind a stream of small ones: the first candidate
 * that this node could run but that does not fit its free GPUs now reserves them. Nothing queued
 * behind it starts here until it fits, so the GPUs the running jobs give back gather for it. A job
 * that needs more GPUs than the node has is passed over (another node may run it) and reserves
 * nothing here.
 */
export function slotClaims(pool: readonly number[], busy: ReadonlySet<number>, candidates: readonly SlotCandidate[]): SlotClaim[] {
  const free = pool.filter((index) => !busy.has(index));
  const claims: SlotClaim[] = [];
  for (const candidate of candidates) {
    const needs = candidate.numGpus ?? pool.length;
    if (needs > pool.length) continue;
    if (needs > free.length) break;
    claims.push({ jobId: candidate.jobId, gpus: free.slice(0, needs) });
  }
  return claims;
}
