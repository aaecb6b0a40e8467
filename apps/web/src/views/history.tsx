import { useRef } from 'react';
import { EventList } from '../components/event-list';
import { Empty, Link, Panel, ProblemNotice, SearchBox, Select } from '../components/ui';
import { EventAppendedDocument, type EventFieldsFragment, type EventFilterInput, EventsDocument, TraceDocument } from '../graphql/generated';
import { formatTime } from '../lib/format';
import { useQuery, useSubscription } from '../lib/hooks';
import { usePaged } from '../lib/paged';
import { useSearchParam } from '../lib/router';

const CATEGORIES: [string, string][] = [['', 'Every stream'], ...['prompt', 'run', 'job', 'queue', 'batchplan', 'idempotency'].map((category): [string, string] => [category, category])];

export function HistoryView({ id }: { id?: string }) {
  return id ? <TraceView eventId={id} /> : <EventBrowser />;
}

/** The event log newest first, filtered, with a live tail that prepends what is appended now. */
function EventBrowser() {
  const [category, setCategory] = useSearchParam('category');
  const [types, setTypes] = useSearchParam('types');
  const [stream, setStream] = useSearchParam('stream');
  const [correlation, setCorrelation] = useSearchParam('correlation');
  const [actor, setActor] = useSearchParam('actor');
  const [live, setLive] = useSearchParam('live', 'on');
  const filter: EventFilterInput = {
    ...(category ? { categories: [category] } : {}),
    ...(types ? { types: types.split(',').map((type) => type.trim()).filter(Boolean) } : {}),
    ...(stream ? { streams: [stream] } : {}),
    ...(correlation ? { correlationId: correlation } : {}),
    ...(actor ? { actor } : {}),
  };
  const list = usePaged(EventsDocument, { filter, direction: 'BACKWARD' }, (answer) => answer.events, (edge: { cursor: string; node: EventFieldsFragment }) => edge.node.id);
  const newest = useRef<string | null>(null);
  newest.current = list.items[0]?.node.position ?? newest.current;
  useSubscription(
    EventAppendedDocument,
    live === 'on' && !list.loading ? { filter } : null,
    ({ eventAppended }) => {
      newest.current = eventAppended.position;
      list.apply(eventAppended.id, { cursor: eventAppended.position, node: eventAppended }, true);
    },
    () => (newest.current ? { afterPosition: newest.current } : {}),
  );
  return (
    <Panel
      title="Event history"
      actions={
        <label className="check">
          <input type="checkbox" checked={live === 'on'} onChange={(event) => setLive(event.target.checked ? 'on' : 'off')} /> Live tail
        </label>
      }
    >
      <div className="toolbar" role="search">
        <Select label="Category" value={category} options={CATEGORIES} onChange={setCategory} />
        <SearchBox label="Types" value={types} onChange={setTypes} placeholder="JobQueued, RunCompleted" />
        <SearchBox label="Stream" value={stream} onChange={setStream} placeholder="job-job_…" />
        <SearchBox label="Correlation" value={correlation} onChange={setCorrelation} />
        <SearchBox label="Actor" value={actor} onChange={setActor} />
        <span className="count" aria-live="polite">
          {list.totalCount} event{list.totalCount === 1 ? '' : 's'}
        </span>
      </div>
      <ProblemNotice message={list.error?.message ?? null} />
      {!list.loading && list.items.length === 0 ? <Empty>No events match.</Empty> : <EventList events={list.items.map((edge) => edge.node)} label="Events, newest first" />}
      <button type="button" onClick={list.loadMore} disabled={list.loading}>
        Older events
      </button>
    </Panel>
  );
}

/** Everything one event set going (same correlation), as a causation tree. */
function TraceView({ eventId }: { eventId: string }) {
  const trace = useQuery(TraceDocument, { eventId });
  const data = trace.data?.trace;
  return (
    <Panel title={`Trace of ${eventId}`}>
      <ProblemNotice message={trace.error?.message ?? null} />
      {trace.data && !data && <Empty>No event {eventId}.</Empty>}
      {data && (
        <>
          <p>
            Correlation <Link to={`/history?correlation=${encodeURIComponent(data.correlationId)}`}>{data.correlationId}</Link>: {data.nodes.length} events{data.truncated ? ' (truncated)' : ''}.
          </p>
          <ol className="trace" aria-label="Causation tree">
            {data.nodes.map((node) => (
              <li key={node.event.id} style={{ paddingInlineStart: `${node.depth * 1.25}rem` }} className={node.event.id === eventId ? 'current' : undefined}>
                <span className="muted small">{formatTime(node.event.occurredAt)}</span> <strong>{node.event.type}</strong> on {node.event.stream}@{node.event.revision} by {node.event.metadata.actor}
              </li>
            ))}
          </ol>
        </>
      )}
    </Panel>
  );
}
