import { useState } from 'react';
import { LogViewer } from '../components/log-viewer';
import { Dialog, Empty, Link, Panel, ProblemNotice, Select, StatusBadge } from '../components/ui';
import {
  ApplySmartBatchingDocument,
  type BatchingMode,
  BatchPlanDocument,
  type BatchPlanQuery,
  CancelJobsDocument,
  FailedJobsDocument,
  GpuNodesChangedDocument,
  JobUpdatedDocument,
  KillContainersDocument,
  type NodeFieldsFragment,
  PauseQueueDocument,
  QueueChangedDocument,
  QueueViewDocument,
  ResumeQueueDocument,
  RetryJobDocument,
  SetJobPriorityDocument,
} from '../graphql/generated';
import { formatDuration, formatRelative } from '../lib/format';
import { useCoalesced, useMutation, useNow, useQuery, useSubscription } from '../lib/hooks';
import { problemsOf, type Refusal } from '../lib/results';

export function QueueView() {
  const view = useQuery(QueueViewDocument, {});
  useSubscription(QueueChangedDocument, {}, ({ queueChanged }) => view.update((data) => ({ ...data, queue: queueChanged })));
  useSubscription(GpuNodesChangedDocument, {}, ({ gpuNodesChanged }) => view.update((data) => ({ ...data, gpuNodes: gpuNodesChanged })));
  // queueChanged is the queue's own state (paused or not); what waits and runs changes with the
  // jobs, so every job update reads the queue again, a burst of them once.
  const readAgain = useCoalesced(view.refetch, 100);
  useSubscription(JobUpdatedDocument, {}, readAgain);
  const pause = useMutation(PauseQueueDocument);
  const resume = useMutation(ResumeQueueDocument);
  const cancel = useMutation(CancelJobsDocument);
  const priority = useMutation(SetJobPriorityDocument);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [notice, setNotice] = useState<string | null>(null);
  const now = useNow();
  const queue = view.data?.queue;
  if (!queue) return <Panel title="Queue"><ProblemNotice message={view.error?.message ?? null} /><p className="muted">Loading…</p></Panel>;
  const toggle = (jobId: string) =>
    setSelected((held) => {
      const next = new Set(held);
      if (next.has(jobId)) next.delete(jobId);
      else next.add(jobId);
      return next;
    });
  const cancelJobs = async (jobIds: string[]) => {
    const answer = await cancel.run({ jobIds });
    if (answer?.cancelJobs.__typename === 'JobsCancelled') setNotice(answer.cancelJobs.results.map((result) => `${result.jobId}: ${result.message}`).join('; '));
    setSelected(new Set());
  };
  return (
    <>
      <Panel
        title="Queue"
        actions={
          <>
            <span className={`badge ${queue.paused ? 'badge-wait' : 'badge-ok'}`} data-testid="queue-state">
              {queue.paused ? 'paused' : 'running'}
            </span>
            {queue.paused ? (
              <button type="button" className="primary" disabled={resume.pending} onClick={() => void resume.run({})}>
                Resume queue
              </button>
            ) : (
              <button type="button" disabled={pause.pending} onClick={() => void pause.run({ reason: 'paused from the dashboard' })}>
                Pause queue
              </button>
            )}
          </>
        }
      >
        {queue.paused && (
          <p className="notice">
            Paused {formatRelative(queue.pausedAt, now)} by {queue.pausedBy}
            {queue.pauseReason ? `: ${queue.pauseReason}` : ''}. Queued jobs wait; running ones finish.
          </p>
        )}
        <ProblemNotice message={pause.error?.message ?? resume.error?.message ?? cancel.error?.message ?? priority.error?.message ?? null} />
        {notice && (
          <p className="notice" role="status">
            {notice}
          </p>
        )}
        <h3>Running</h3>
        {queue.running.length === 0 ? (
          <Empty>Nothing runs right now.</Empty>
        ) : (
          <ul className="running" aria-label="Running jobs">
            {queue.running.map(({ job, elapsedSeconds }) => (
              <li key={job.id} className="running-job" data-job={job.id}>
                <div className="running-head">
                  <Link to={`/jobs/${job.id}`}>{job.id}</Link> <span>{job.kind}</span> on <strong>{job.node ?? '—'}</strong>
                  {job.gpus && <span className="muted">GPU {job.gpus.join(', ')}</span>} <StatusBadge status={job.stage ?? job.status} />
                  <span className="muted">elapsed {formatDuration(elapsedSeconds)}</span>
                  <button type="button" className="danger small" onClick={() => void cancelJobs([job.id])} disabled={cancel.pending}>
                    Cancel
                  </button>
                </div>
                <progress max={100} value={job.percent} aria-label={`Progress of ${job.id}`}>
                  {job.percent}%
                </progress>
                <span className="muted small">{job.percent}%</span>
                {job.runIds[0] && <LogViewer runId={job.runIds[0]} tail={6} />}
              </li>
            ))}
          </ul>
        )}
        <h3>Waiting</h3>
        <div className="toolbar selection">
          <span>{selected.size} selected</span>
          <button type="button" className="danger" disabled={selected.size === 0 || cancel.pending} onClick={() => void cancelJobs([...selected])}>
            Cancel selected
          </button>
        </div>
        {queue.items.length === 0 ? (
          <Empty>The queue is empty.</Empty>
        ) : (
          <table className="table" aria-label="Queued jobs">
            <thead>
              <tr>
                <th scope="col">
                  <span className="sr-only">Select</span>
                </th>
                <th scope="col">#</th>
                <th scope="col">Job</th>
                <th scope="col">Kind</th>
                <th scope="col">Runs</th>
                <th scope="col">Priority</th>
                <th scope="col">ETA</th>
                <th scope="col">Queued</th>
              </tr>
            </thead>
            <tbody>
              {queue.items.map(({ job, position, etaSeconds }) => (
                <tr key={job.id} data-job={job.id}>
                  <td>
                    <input type="checkbox" aria-label={`Select ${job.id}`} checked={selected.has(job.id)} onChange={() => toggle(job.id)} />
                  </td>
                  <td>{position}</td>
                  <td>
                    <Link to={`/jobs/${job.id}`}>{job.id}</Link>
                    {job.waitingFor && <span className="muted small block">{job.waitingFor}</span>}
                  </td>
                  <td>{job.kind}</td>
                  <td>{job.runIds.length}</td>
                  <td>
                    <PriorityInput jobId={job.id} priority={job.priority} onSet={(value) => void priority.run({ jobId: job.id, priority: value })} />
                  </td>
                  {/* A paused queue starts nothing: an ETA would be a promise it does not keep. */}
                  {/* An estimate from recent durations means nothing for a job something holds (waitingFor says what). */}
                  <td>{queue.paused ? 'on resume' : job.waitingFor ? '—' : formatDuration(etaSeconds)}</td>
                  <td>{formatRelative(job.queuedAt, now)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <FailedJobs />
      <SmartBatching />
      <Panel title="GPU nodes">
        {view.data!.gpuNodes.length === 0 ? <Empty>No GPU nodes are configured.</Empty> : <div className="nodes">{view.data!.gpuNodes.map((node) => <NodeCard key={node.name} node={node} />)}</div>}
      </Panel>
    </>
  );
}

function PriorityInput({ jobId, priority, onSet }: { jobId: string; priority: number; onSet: (value: number) => void }) {
  const [value, setValue] = useState(String(priority));
  return (
    <form
      className="inline-form"
      onSubmit={(event) => {
        event.preventDefault();
        if (Number.isInteger(Number(value))) onSet(Number(value));
      }}
    >
      <label htmlFor={`priority-${jobId}`} className="sr-only">
        Priority of {jobId}
      </label>
      <input id={`priority-${jobId}`} className="narrow" inputMode="numeric" value={value} onChange={(event) => setValue(event.target.value)} />
      <button type="submit" className="small" disabled={value === String(priority)}>
        Set
      </button>
    </form>
  );
}

function FailedJobs() {
  const failed = useQuery(FailedJobsDocument, {});
  useSubscription(JobUpdatedDocument, {}, ({ jobUpdated }) => {
    if (jobUpdated.job?.status === 'failed' || failed.data?.jobs.edges.some((edge) => edge.node.id === jobUpdated.jobId)) failed.refetch();
  });
  const retry = useMutation(RetryJobDocument);
  const jobs = failed.data?.jobs.edges.map((edge) => edge.node) ?? [];
  if (jobs.length === 0) return null;
  return (
    <Panel title="Failed jobs">
      <ProblemNotice message={retry.error?.message ?? null} />
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Job</th>
            <th scope="col">Kind</th>
            <th scope="col">Failure</th>
            <th scope="col">Finished</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={job.id}>
              <td>
                <Link to={`/jobs/${job.id}`}>{job.id}</Link>
              </td>
              <td>{job.kind}</td>
              <td>{job.failure ? `${job.failure.reason}: ${job.failure.message}` : '—'}</td>
              <td>{formatRelative(job.finishedAt)}</td>
              <td>{job.retriedAs ? <Link to={`/jobs/${job.retriedAs}`}>retried</Link> : <button type="button" onClick={() => void retry.run({ jobId: job.id }).then(failed.refetch)}>Retry</button>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Panel>
  );
}

type Plan = Extract<BatchPlanQuery['smartBatchPlan'], { __typename: 'BatchPlan' }>;

/** Smart batching: the plan previewed, applied against its basis; a stale plan is shown anew. */
function SmartBatching() {
  const [mode, setMode] = useState<BatchingMode>('strict');
  const [maxRuns, setMaxRuns] = useState('16');
  const [asked, setAsked] = useState(false);
  const plan = useQuery(BatchPlanDocument, { mode, maxRunsPerBatch: Number(maxRuns) || 16 }, { skip: !asked });
  const apply = useMutation(ApplySmartBatchingDocument);
  const [outcome, setOutcome] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const answer = plan.data?.smartBatchPlan;
  const current: Plan | null = answer?.__typename === 'BatchPlan' ? answer : null;
  return (
    <Panel title="Smart batching">
      <div className="toolbar">
        <Select label="Mode" value={mode} options={[['strict', 'strict (same controls)'], ['mixed', 'mixed']]} onChange={(value) => setMode(value as BatchingMode)} />
        <span className="field-inline">
          <label htmlFor="max-runs">Max runs per batch</label>
          <input id="max-runs" className="narrow" inputMode="numeric" value={maxRuns} onChange={(event) => setMaxRuns(event.target.value)} />
        </span>
        <button type="button" onClick={() => (asked ? plan.refetch() : setAsked(true))}>
          Preview plan
        </button>
      </div>
      {current && (
        <div data-testid="batch-plan">
          <p>
            {current.batches.length} batch{current.batches.length === 1 ? '' : 'es'}: {current.jobsMerged} jobs merged, {current.runsBatched} runs, {current.containersSaved} containers saved.
          </p>
          <ul>
            {current.batches.map((batch) => (
              <li key={batch.jobs.map((job) => job.id).join()}>
                {batch.jobs.length} jobs ({batch.runIds.length} runs), controls {batch.controls.join('+')}, priority {batch.priority}
              </li>
            ))}
          </ul>
          <button
            type="button"
            className="primary"
            disabled={apply.pending || current.batches.length === 0}
            onClick={async () => {
              const result = (await apply.run({ basis: current.basis, mode, maxRunsPerBatch: Number(maxRuns) || 16 }))?.applySmartBatching;
              if (!result) return;
              setRefusal(problemsOf(result));
              if (result.__typename === 'SmartBatchingApplied') setOutcome(`Applied: ${result.batches.length} batch jobs.`);
              if (result.__typename === 'StaleBatchPlan') setOutcome('The queue changed since this plan: here is the plan for the queue as it is now.');
              plan.refetch();
            }}
          >
            Apply plan
          </button>
        </div>
      )}
      {answer && answer.__typename !== 'BatchPlan' && <ProblemNotice message={'message' in answer ? answer.message : null} />}
      <ProblemNotice message={apply.error?.message ?? (refusal && refusal.code !== 'STALE_BATCH_PLAN' ? refusal.message : null)} />
      {outcome && <p role="status">{outcome}</p>}
    </Panel>
  );
}

function NodeCard({ node }: { node: NodeFieldsFragment }) {
  const [confirming, setConfirming] = useState<{ jobIds: readonly string[]; containers: readonly string[] } | null>(null);
  const [result, setResult] = useState<string | null>(null);
  const kill = useMutation(KillContainersDocument);
  const ask = async () => {
    const answer = (await kill.run({ node: node.name, confirm: false }))?.killContainers;
    if (answer?.__typename === 'KillNotConfirmed') setConfirming({ jobIds: answer.jobIds, containers: answer.containers.map((container) => container.name) });
    else if (answer) setResult(problemsOf(answer)?.message ?? 'Nothing to kill.');
  };
  const confirm = async () => {
    const answer = (await kill.run({ node: node.name, confirm: true }))?.killContainers;
    setConfirming(null);
    if (answer?.__typename === 'ContainersKilled') setResult(`Killed ${answer.killed.length} container(s); ${answer.failures.length} failed.`);
    else if (answer) setResult(problemsOf(answer)?.message ?? null);
  };
  return (
    <article className="node" aria-label={`Node ${node.name}`}>
      <h3>
        {node.name} <span className={`badge ${node.reachable ? 'badge-ok' : 'badge-bad'}`}>{node.reachable ? 'reachable' : 'unreachable'}</span>
        {node.simulated && <span className="badge badge-muted">simulated</span>}
      </h3>
      <p className="facts-line">
        {node.user}@{node.host}:{node.port} · Docker {node.dockerOk ? node.dockerVersion : `unavailable${node.dockerError ? `: ${node.dockerError}` : ''}`} · driver {node.driverVersion ?? '—'} · CUDA {node.cudaVersion ?? '—'}
      </p>
      {node.sshError && <p className="notice notice-bad small">{node.sshError}</p>}
      {node.gpuError && <p className="notice notice-bad small">{node.gpuError}</p>}
      {node.gpus.length > 0 && (
        <table className="table compact" aria-label={`GPUs of ${node.name}`}>
          <thead>
            <tr>
              <th scope="col">GPU</th>
              <th scope="col">Utilisation</th>
              <th scope="col">Memory</th>
              <th scope="col">Temp.</th>
              <th scope="col">Power</th>
            </tr>
          </thead>
          <tbody>
            {node.gpus.map((gpu) => (
              <tr key={gpu.index}>
                <td>
                  {gpu.index}: {gpu.name}
                </td>
                <td>{gpu.utilizationPercent}%</td>
                <td>
                  {gpu.memoryUsedMiB} / {gpu.memoryTotalMiB} MiB
                </td>
                <td>{gpu.temperatureC ?? '—'} °C</td>
                <td>{gpu.powerDrawW !== null ? `${gpu.powerDrawW} / ${gpu.powerLimitW ?? '—'} W` : '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="facts-line">
        {node.containers.length} container{node.containers.length === 1 ? '' : 's'} of ours
        {node.containers.map((container) => ` · ${container.name} (${container.status})`).join('')} · checked {formatRelative(node.checkedAt)}
      </p>
      <button type="button" className="danger" onClick={() => void ask()} disabled={kill.pending}>
        Kill containers…
      </button>
      {result && <p role="status">{result}</p>}
      <ProblemNotice message={kill.error?.message ?? null} />
      <Dialog title={`Kill every container of ours on ${node.name}?`} open={confirming !== null} onClose={() => setConfirming(null)}>
        {confirming && (
          <div className="form">
            <p>
              This stops {confirming.containers.length} container(s): {confirming.containers.join(', ') || 'none'}; their jobs ({confirming.jobIds.join(', ') || 'none'}) fail as killed.
            </p>
            <div className="actions">
              <button type="button" onClick={() => setConfirming(null)}>
                Keep running
              </button>
              <button type="button" className="danger" onClick={() => void confirm()}>
                Kill them
              </button>
            </div>
          </div>
        )}
      </Dialog>
    </article>
  );
}
