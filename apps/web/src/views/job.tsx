import { EventList } from '../components/event-list';
import { Empty, Facts, Link, Panel, ProblemNotice, StatusBadge } from '../components/ui';
import { CancelJobsDocument, JobDocument, JobUpdatedDocument, RetryJobDocument } from '../graphql/generated';
import { formatDuration, formatTime } from '../lib/format';
import { useMutation, useQuery, useSubscription } from '../lib/hooks';
import { navigate } from '../lib/router';

const ENDED = new Set(['succeeded', 'failed', 'cancelled', 'merged']);

export function JobView({ id }: { id: string }) {
  const detail = useQuery(JobDocument, { id });
  useSubscription(JobUpdatedDocument, { id }, () => detail.refetch());
  const cancel = useMutation(CancelJobsDocument);
  const retry = useMutation(RetryJobDocument);
  const job = detail.data?.job;
  if (detail.data && !job) return <Panel title={`Job ${id}`}><Empty>No job {id}.</Empty></Panel>;
  if (!job) return <Panel title={`Job ${id}`}><p className="muted">Loading…</p></Panel>;
  return (
    <>
      <Panel
        title={`Job ${job.id}`}
        actions={
          <>
            <StatusBadge status={job.status} />
            {!ENDED.has(job.status) && (
              <button type="button" className="danger" disabled={cancel.pending || job.cancelRequested !== null} onClick={() => void cancel.run({ jobIds: [job.id] }).then(detail.refetch)}>
                {job.cancelRequested ? 'Cancelling…' : 'Cancel'}
              </button>
            )}
            {job.status === 'failed' && !job.retriedAs && (
              <button
                type="button"
                onClick={async () => {
                  const answer = await retry.run({ jobId: job.id });
                  if (answer?.retryJob.__typename === 'JobRequested' && answer.retryJob.job) navigate(`/jobs/${answer.retryJob.job.id}`);
                }}
              >
                Retry
              </button>
            )}
          </>
        }
      >
        <ProblemNotice message={cancel.error?.message ?? retry.error?.message ?? null} />
        {job.stage && (
          <progress max={100} value={job.percent} aria-label={`Progress of ${job.id}`}>
            {job.percent}%
          </progress>
        )}
        <Facts
          rows={[
            ['Kind', job.kind],
            ['Stage', job.stage ? `${job.stage} ${job.percent}%` : null],
            ['Node', job.node],
            ['Priority', String(job.priority)],
            ['Queued', `${formatTime(job.queuedAt)} by ${job.queuedBy}`],
            ['Claimed', formatTime(job.claimedAt)],
            ['Finished', formatTime(job.finishedAt)],
            ['Duration', formatDuration(job.durationSeconds)],
            ['Attempts', String(job.attempts)],
            ['Container', job.containerName],
            ['Waiting for', job.waitingFor],
            ['Failure', job.failure ? `${job.failure.reason}: ${job.failure.message}` : null],
            ['Cancel requested', job.cancelRequested ? `by ${job.cancelRequested.by}: ${job.cancelRequested.reason}` : null],
            ['Retry of', job.retryOf ? <Link to={`/jobs/${job.retryOf}`}>{job.retryOf}</Link> : null],
            ['Retried as', job.retriedAs ? <Link to={`/jobs/${job.retriedAs}`}>{job.retriedAs}</Link> : null],
            ['Merged into', job.mergedInto ? <Link to={`/jobs/${job.mergedInto}`}>{job.mergedInto}</Link> : null],
          ]}
        />
        <h3>Runs</h3>
        <ul>
          {job.runs.map((run) => (
            <li key={run.id}>
              <Link to={`/runs/${run.id}`}>{run.id}</Link> <StatusBadge status={run.status} /> {run.prompt?.name}
            </li>
          ))}
        </ul>
      </Panel>
      <Panel title="Events">
        <EventList events={job.history} label={`Events of ${job.id}`} />
      </Panel>
    </>
  );
}
