/**
 * How a job on a node with a warm model met the model (recorded on JobClaimed and on the run's
 * `running` status, read as Run.warmStart):
 * - WARM: the loaded pipeline served it, no load paid;
 * - SERVER_STARTED: the server was started for it, the job waited for the load once;
 * - SERVER_RELOADED: its hints differ from the loaded set, and reloading was cheaper than a cold run;
 * - COLD: a `docker run` of its own, because the server cannot serve it or that was cheaper.
 */
export const WARM_STARTS = ['WARM', 'SERVER_STARTED', 'SERVER_RELOADED', 'COLD'] as const;
export type WarmStart = (typeof WARM_STARTS)[number];

/** What the worker knows of its node's model server when a job comes up. */
export interface WarmServerView {
  /** absent: no container; busy: a request in flight (the job waits for it, or goes cold). */
  readonly status: 'absent' | 'idle' | 'busy';
  /** The hints the loaded pipeline serves, null when unknown (a server found after our restart). */
  readonly hints: readonly string[] | null;
  /** GPUs the server runs on (its NUM_GPU). */
  readonly numGpus: number;
  /** Measured on this node: the pipeline's load, and what a cold run costs beyond a warm one. Null until seen. */
  readonly loadMs: number | null;
  readonly coldOverheadMs: number | null;
}

export interface WarmCandidate {
  /** From the request builder: null when the loaded pipeline can serve it, else why not. */
  readonly incompatible: string | null;
  readonly hints: readonly string[];
  readonly numGpus: number;
  /** Queued jobs right behind this one that want the hints loaded now: a reload would cost them one more. */
  readonly wantLoadedHints: number;
}

export type WarmRoute = { readonly start: WarmStart; readonly why: string };

/**
 * The warm-or-cold decision by measured cost. A reload costs one load, plus one more when jobs
 * behind it want the set loaded now (they would reload back); a cold run costs its measured
 * overhead over a warm one (container start and its own load). With nothing measured the server
 * reloads; with one figure known, both costs are taken as it, and a tie goes to the cold run, which
 * leaves the loaded set in place.
 */
export function warmRoute(job: WarmCandidate, server: WarmServerView): WarmRoute {
  if (job.incompatible !== null) return { start: 'COLD', why: job.incompatible };
  if (job.numGpus !== server.numGpus) return { start: 'COLD', why: `the model server runs on ${server.numGpus} GPU(s), the job asks ${job.numGpus}` };
  if (server.status === 'absent') return { start: 'SERVER_STARTED', why: 'no model server runs on the node yet' };
  if (server.hints !== null && sameHints(server.hints, job.hints)) return { start: 'WARM', why: 'the loaded pipeline serves its hints' };
  const load = server.loadMs ?? server.coldOverheadMs;
  const cold = server.coldOverheadMs ?? load;
  if (load === null || cold === null) return { start: 'SERVER_RELOADED', why: 'nothing measured yet: the server loads its hints' };
  const reload = load * (job.wantLoadedHints > 0 ? 2 : 1);
  if (reload < cold) return { start: 'SERVER_RELOADED', why: `a reload (~${Math.round(reload)} ms) costs less than a cold run (~${Math.round(cold)} ms)` };
  return { start: 'COLD', why: `a cold run (~${Math.round(cold)} ms) costs no more than a reload (~${Math.round(reload)} ms)` };
}

export function sameHints(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((key, index) => key === [...b].sort()[index]);
}
