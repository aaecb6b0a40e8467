import { useState } from 'react';
import { VirtualRows } from '../components/virtual-rows';
import { Empty, Link, Panel, ProblemNotice, SearchBox, Select, StarRating, StatusBadge } from '../components/ui';
import { RateRunDocument, type RunKind, type RunRowFragment, type RunSort, type RunStatus, RunsDocument, RunUpdatedDocument, StatsDocument } from '../graphql/generated';
import { formatDuration, formatPercent, formatRelative, formatTime } from '../lib/format';
import { useMutation, useQuery, useSubscription } from '../lib/hooks';
import { usePaged } from '../lib/paged';
import { runFilterFrom } from '../lib/requests';
import { useSearchParam } from '../lib/router';
import { WITHIN } from './inputs';
import { RunDetail } from './run-detail';

const STATUSES: [string, string][] = [['', 'Any status'], ...(['pending', 'uploading', 'running', 'downloading', 'completed', 'failed', 'cancelled'] as RunStatus[]).map((status): [string, string] => [status, status])];
const KINDS: [string, string][] = [['', 'Any kind'], ...(['inference', 'upscale', 'enhance'] as RunKind[]).map((kind): [string, string] => [kind, kind])];
const RATINGS: [string, string][] = [['', 'Any rating'], ['unrated', 'Unrated'], ['5', '★★★★★'], ['4', '★★★★ or more'], ['3', '★★★ or more'], ['1', 'Rated']];
const UPSCALED: [string, string][] = [['', 'Upscaled or not'], ['true', 'Upscaled'], ['false', 'Not upscaled']];
const SORTS: [RunSort, string][] = [['newest', 'Newest first'], ['oldest', 'Oldest first'], ['rating', 'Best rated']];

export function RunsView({ id }: { id?: string }) {
  return id ? <RunDetail id={id} /> : <RunList />;
}

function RunList() {
  const [search, setSearch] = useSearchParam('q');
  const [status, setStatus] = useSearchParam('status');
  const [kind, setKind] = useSearchParam('kind');
  const [rating, setRating] = useSearchParam('rating');
  const [within, setWithin] = useSearchParam('within');
  const [upscaled, setUpscaled] = useSearchParam('upscaled');
  const [sort, setSort] = useSearchParam('sort', 'newest');
  const [layout, setLayout] = useSearchParam('layout', 'list');
  const filter = runFilterFrom({ status, kind, rating, within, upscaled, search });
  const unfiltered = Object.keys(filter).length === 0;
  const list = usePaged(RunsDocument, { filter, sort: sort as RunSort }, (answer) => answer.runs, (edge: { cursor: string; node: RunRowFragment }) => edge.node.id);
  useSubscription(RunUpdatedDocument, {}, ({ runUpdated }) => {
    list.apply(runUpdated.runId, runUpdated.run && !runUpdated.deleted ? { cursor: runUpdated.runId, node: runUpdated.run } : null, unfiltered && sort === 'newest');
  });
  const runs = list.items.map((edge) => edge.node);
  return (
    <>
      <RunStatistics />
      <Panel
        title="Runs"
        actions={
          <div role="group" aria-label="Layout" className="segmented">
            <button type="button" aria-pressed={layout === 'list'} onClick={() => setLayout('list')}>
              List
            </button>
            <button type="button" aria-pressed={layout === 'gallery'} onClick={() => setLayout('gallery')}>
              Gallery
            </button>
          </div>
        }
      >
        <div className="toolbar" role="search">
          <SearchBox label="Search runs" value={search} onChange={setSearch} placeholder="id, prompt text…" />
          <Select label="Status" value={status} options={STATUSES} onChange={setStatus} />
          <Select label="Kind" value={kind} options={KINDS} onChange={setKind} />
          <Select label="Rating" value={rating} options={RATINGS} onChange={setRating} />
          <Select label="Created" value={within} options={WITHIN} onChange={setWithin} />
          <Select label="Upscaled" value={upscaled} options={UPSCALED} onChange={setUpscaled} />
          <Select label="Sort" value={sort} options={SORTS} onChange={setSort} />
          <span className="count" aria-live="polite">
            {list.totalCount} run{list.totalCount === 1 ? '' : 's'}
          </span>
        </div>
        <ProblemNotice message={list.error?.message ?? null} />
        {!list.loading && runs.length === 0 ? (
          <Empty>No runs{unfiltered ? ' yet' : ' match these filters'}.</Empty>
        ) : layout === 'gallery' ? (
          <Gallery runs={runs} onEnd={list.loadMore} />
        ) : (
          <VirtualRows
            label="Runs"
            items={runs}
            totalCount={list.totalCount}
            rowHeight={44}
            keyOf={(run) => run.id}
            onEndReached={list.loadMore}
            header={
              <div role="row" className="vrow run-grid">
                {['Run', 'Prompt', 'Kind', 'Status', 'Rating', 'Duration', 'Requested'].map((name) => (
                  <span role="columnheader" key={name}>
                    {name}
                  </span>
                ))}
              </div>
            }
            row={(run) => (
              <div className="run-grid" data-run={run.id}>
                <span role="cell" className="ellipsis">
                  <Link to={`/runs/${run.id}`}>{run.id}</Link>
                </span>
                <span role="cell" className="ellipsis">
                  {run.prompt ? <Link to={`/prompts/${run.prompt.id}`}>{run.prompt.name}</Link> : run.promptId}
                </span>
                <span role="cell">{run.kind}</span>
                <span role="cell">
                  <StatusBadge status={run.status} />
                </span>
                <span role="cell">
                  <StarRating value={run.rating} label={`Rating of ${run.id}`} />
                </span>
                <span role="cell">{formatDuration(run.durationSeconds)}</span>
                <span role="cell" title={formatTime(run.requestedAt)}>
                  {formatRelative(run.requestedAt)}
                </span>
              </div>
            )}
          />
        )}
      </Panel>
    </>
  );
}

/** Output videos as cards with players and star ratings; the next page loads at the end. */
function Gallery({ runs, onEnd }: { runs: readonly RunRowFragment[]; onEnd: () => void }) {
  const rate = useMutation(RateRunDocument);
  const withVideo = runs.filter((run) => run.outputs.some((output) => output.name.endsWith('.mp4')));
  return (
    <>
      {withVideo.length === 0 && <Empty>No output videos among these runs.</Empty>}
      <ul className="cards" aria-label="Output videos">
        {withVideo.map((run) => {
          const video = run.outputs.find((output) => output.name.endsWith('.mp4'))!;
          return (
            <li key={run.id} className="card">
              <video className="preview" src={video.url} controls preload="metadata" width={280} height={158} aria-label={`Output of ${run.id}`} />
              <Link to={`/runs/${run.id}`} className="card-title">
                {run.prompt?.name ?? run.id}
              </Link>
              <p className="facts-line">
                {run.kind} · {formatRelative(run.finishedAt)}
              </p>
              <StarRating value={run.rating} label={`Rate ${run.id}`} disabled={rate.pending || run.status !== 'completed'} onRate={(value) => void rate.run({ input: { runId: run.id, rating: value } })} />
            </li>
          );
        })}
      </ul>
      <button type="button" onClick={onEnd}>
        Load more
      </button>
    </>
  );
}

const DAY_MS = 86_400_000;

/** The last 30 days from the history's `stats`: success rate, durations per kind, failure reasons. */
function RunStatistics() {
  const [range] = useState(() => ({ from: new Date(Date.now() - 30 * DAY_MS).toISOString(), to: new Date(Date.now() + DAY_MS).toISOString() }));
  const stats = useQuery(StatsDocument, range);
  const total = stats.data?.stats.total;
  const runCount = total?.runs.reduce((sum, row) => sum + row.count, 0) ?? 0;
  return (
    <Panel title="Last 30 days" className="stats">
      <dl className="stat-tiles">
        <div>
          <dt>Success rate</dt>
          <dd>{formatPercent(total?.successRate)}</dd>
        </div>
        <div>
          <dt>Runs</dt>
          <dd>{total ? runCount : '—'}</dd>
        </div>
        {(total?.jobDurations.length ? total.jobDurations : [{ kind: 'inference', p50: null, p90: null, samples: 0 }]).map((duration) => (
          <div key={duration.kind}>
            <dt>{duration.kind} p50 / p90</dt>
            <dd>
              {formatDuration(duration.p50)} / {formatDuration(duration.p90)}
            </dd>
          </div>
        ))}
        <div>
          <dt>Queue wait p50</dt>
          <dd>{formatDuration(total?.queueWait.p50)}</dd>
        </div>
        <div className="wide">
          <dt>Failure reasons</dt>
          <dd>{total && total.failureReasons.length > 0 ? total.failureReasons.map((reason) => `${reason.reason} ×${reason.count}`).join(', ') : 'none'}</dd>
        </div>
      </dl>
    </Panel>
  );
}
