import { useState } from 'react';
import { EventList } from '../components/event-list';
import { LogViewer } from '../components/log-viewer';
import { DeleteChoice, Dialog, Empty, Facts, Link, Panel, ProblemNotice, StarRating, StatusBadge } from '../components/ui';
import { DeleteRunDocument, DeletionPreviewDocument, RateRunDocument, RequestUpscaleDocument, RunDetailDocument, RunUpdatedDocument } from '../graphql/generated';
import { formatBytes, formatDuration, formatTime } from '../lib/format';
import { useMutation, useQuery, useSubscription } from '../lib/hooks';
import { navigate } from '../lib/router';
import { problemsOf, type Refusal } from '../lib/results';

const TABS = ['General', 'Parameters', 'Logs', 'Outputs', 'History'] as const;
type Tab = (typeof TABS)[number];

export function RunDetail({ id }: { id: string }) {
  const detail = useQuery(RunDetailDocument, { id });
  // Live: every change to the run (status, stage, rating, outputs) reads it again whole.
  useSubscription(RunUpdatedDocument, { id }, () => detail.refetch());
  const [tab, setTab] = useState<Tab>('General');
  const [dialog, setDialog] = useState<'delete' | null>(null);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const rate = useMutation(RateRunDocument);
  const upscale = useMutation(RequestUpscaleDocument);
  const run = detail.data?.run;
  if (detail.data && !run) return <Panel title={`Run ${id}`}><Empty>No run {id}: it was deleted, or never existed.</Empty></Panel>;
  if (!run) return <Panel title={`Run ${id}`}><p className="muted">Loading…</p></Panel>;
  const completed = run.status === 'completed';
  const video = run.outputs.find((output) => output.name.endsWith('.mp4'));

  const requestUpscale = async () => {
    const answer = await upscale.run({ input: { sourceRunId: run.id } });
    if (!answer) return;
    const result = answer.requestUpscale;
    setRefusal(problemsOf(result));
    if (result.__typename === 'JobRequested' && result.runs[0]) navigate(`/runs/${result.runs[0].id}`);
  };
  return (
    <>
      <Panel
        title={`Run ${run.id}`}
        actions={
          <>
            <StatusBadge status={run.status} />
            <StarRating value={run.rating} label="Rating" disabled={!completed || rate.pending} onRate={(rating) => void rate.run({ input: { runId: run.id, rating } }).then(() => detail.refetch())} />
            {run.kind === 'inference' && (
              <button type="button" onClick={() => void requestUpscale()} disabled={!completed || upscale.pending}>
                Upscale to 4K
              </button>
            )}
            <button type="button" className="danger" onClick={() => setDialog('delete')}>
              Delete…
            </button>
          </>
        }
      >
        <ProblemNotice message={upscale.error?.message ?? rate.error?.message ?? refusal?.message ?? null} fields={refusal?.fields} />
        <div role="tablist" aria-label="Run details" className="tabs">
          {TABS.map((name) => (
            <button key={name} type="button" role="tab" id={`tab-${name}`} aria-selected={tab === name} aria-controls={`panel-${name}`} onClick={() => setTab(name)}>
              {name}
            </button>
          ))}
        </div>
        <div role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`} className="tabpanel">
          {tab === 'General' && (
            <>
              {video && <video className="player" src={video.url} controls preload="metadata" width={640} height={360} aria-label={`Output video of ${run.id}`} />}
              <Facts
                rows={[
                  ['Prompt', run.prompt ? <Link to={`/prompts/${run.prompt.id}`}>{run.prompt.name}</Link> : run.promptId],
                  ['Kind', `${run.kind} (${run.modelType})${run.simulated ? ', simulated node' : ''}`],
                  ['Job', <Link to={`/jobs/${run.jobId}`}>{run.jobId}</Link>],
                  ['Node', run.node],
                  ['Requested', `${formatTime(run.requestedAt)} by ${run.requestedBy}`],
                  ['Started', formatTime(run.startedAt)],
                  ['Finished', formatTime(run.finishedAt)],
                  ['Duration', formatDuration(run.durationSeconds)],
                  ['Failure', run.failure ? `${run.failure.reason}: ${run.failure.message}${run.failure.exitCode !== null ? ` (exit ${run.failure.exitCode})` : ''}` : null],
                  ['Cancelled', run.cancellation ? `by ${run.cancellation.by}: ${run.cancellation.reason}` : null],
                  ['Upscale of', run.sourceRun ? <Link to={`/runs/${run.sourceRun.id}`}>{run.sourceRun.id}</Link> : run.sourceVideo],
                  ['Upscales', run.upscales.length > 0 ? run.upscales.map((up) => <Link key={up.id} to={`/runs/${up.id}`}>{`${up.id} (${up.status}) `}</Link>) : null],
                  ['Lineage', <Link to={`/lineage/${run.promptId}`}>enhancement tree of the prompt</Link>],
                  ['Enhanced text', run.enhancedText],
                ]}
              />
            </>
          )}
          {tab === 'Parameters' && <pre className="json">{JSON.stringify(run.config, null, 2)}</pre>}
          {tab === 'Logs' && <LogViewer runId={run.id} />}
          {tab === 'Outputs' &&
            (run.outputs.length === 0 ? (
              <Empty>{run.outputsDeleted ? 'The output files were deleted.' : 'No outputs yet.'}</Empty>
            ) : (
              <>
                {video && <video className="player" src={video.url} controls preload="metadata" width={640} height={360} aria-label={`Output video of ${run.id}`} />}
                <table className="table">
                  <thead>
                    <tr>
                      <th scope="col">File</th>
                      <th scope="col">Kind</th>
                      <th scope="col">Size</th>
                      <th scope="col">SHA-256 (manifest)</th>
                    </tr>
                  </thead>
                  <tbody>
                    {run.outputs.map((output) => (
                      <tr key={output.path}>
                        <td>
                          <a href={output.url} download={output.name}>
                            {output.name}
                          </a>
                        </td>
                        <td>{output.kind}</td>
                        <td>{formatBytes(output.sizeBytes)}</td>
                        <td>
                          <code className="hash">{output.sha256}</code>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </>
            ))}
          {tab === 'History' && <EventList events={run.history} label={`Events of ${run.id}`} />}
        </div>
      </Panel>
      <Dialog title={`Delete run ${run.id}`} open={dialog === 'delete'} onClose={() => setDialog(null)}>
        <DeleteRunForm runId={run.id} onClose={() => setDialog(null)} />
      </Dialog>
    </>
  );
}

function DeleteRunForm({ runId, onClose }: { runId: string; onClose: () => void }) {
  const [deleteOutputs, setDeleteOutputs] = useState(false);
  const preview = useQuery(DeletionPreviewDocument, { target: { runId }, deleteOutputs });
  const remove = useMutation(DeleteRunDocument);
  const [refusal, setRefusal] = useState<Refusal | null>(null);
  const facts = preview.data?.deletionPreview;
  return (
    <div className="form">
      {facts ? (
        <div className={`notice ${facts.blocked ? 'notice-bad' : ''}`} data-testid="deletion-preview">
          <p>
            {facts.runCount} run; outputs: {facts.outputs.text}. {facts.kept}
          </p>
          {facts.blocked && <p>Blocked: the run is still active. Cancel its job first.</p>}
        </div>
      ) : (
        <p className="muted">Reading what the run holds…</p>
      )}
      <DeleteChoice
        deleteOutputs={deleteOutputs}
        onDeleteOutputs={setDeleteOutputs}
        problem={remove.error?.message ?? refusal?.message ?? null}
        disabled={remove.pending || facts?.blocked === true}
        onKeep={onClose}
        onDelete={async () => {
          const answer = await remove.run({ input: { runId, deleteOutputs } });
          if (!answer) return;
          const problem = problemsOf(answer.deleteRun);
          setRefusal(problem);
          if (!problem) {
            onClose();
            navigate('/runs');
          }
        }}
      />
    </div>
  );
}
