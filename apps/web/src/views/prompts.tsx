import { useState } from 'react';
import { VirtualRows } from '../components/virtual-rows';
import { Empty, Facts, HoverVideo, Highlighted, Link, Panel, ProblemNotice, SearchBox, Select, StarRating, StatusBadge } from '../components/ui';
import { type CreatedWithin, type PromptFilterInput, PromptChangedDocument, PromptDetailDocument, type PromptRunsFilter, type PromptSort, PromptsDocument, type PromptsQuery, RunUpdatedDocument } from '../graphql/generated';
import { formatRelative, formatTime } from '../lib/format';
import { useQuery, useSubscription } from '../lib/hooks';
import { usePaged } from '../lib/paged';
import { navigate, useSearchParam } from '../lib/router';
import { WITHIN } from './inputs';
import { DeletePromptDialog, EnhanceDialog, InferenceDialog } from './prompt-actions';

type Edge = PromptsQuery['prompts']['edges'][number];

const SORTS: [PromptSort, string][] = [
  ['newest', 'Newest first'],
  ['oldest', 'Oldest first'],
  ['name', 'By name'],
];
const ENHANCED: [string, string][] = [
  ['', 'Enhanced or not'],
  ['true', 'Enhanced'],
  ['false', 'Not enhanced'],
];
const RUNS: [string, string][] = [
  ['', 'Any runs'],
  ['none', 'No runs'],
  ['some', 'Some runs'],
];

export function PromptsView({ id }: { id?: string }) {
  return id ? <PromptDetail id={id} /> : <PromptList />;
}

function PromptList() {
  const [search, setSearch] = useSearchParam('q');
  const [sort, setSort] = useSearchParam('sort', 'newest');
  const [enhanced, setEnhanced] = useSearchParam('enhanced');
  const [runs, setRuns] = useSearchParam('runs');
  const [within, setWithin] = useSearchParam('within');
  const filter: PromptFilterInput = {
    ...(search ? { text: search } : {}),
    ...(enhanced ? { enhanced: enhanced === 'true' } : {}),
    ...(runs ? { runs: runs as PromptRunsFilter } : {}),
    ...(within ? { createdWithin: within as CreatedWithin } : {}),
  };
  const unfiltered = Object.keys(filter).length === 0;
  const list = usePaged(PromptsDocument, { filter, sort: sort as PromptSort }, (answer) => answer.prompts, (edge: Edge) => edge.node.id);
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const [dialog, setDialog] = useState<'inference' | 'delete' | null>(null);

  // Live: a changed prompt is replaced where it is; a new one appears on top of the unfiltered newest list.
  useSubscription(PromptChangedDocument, {}, ({ promptChanged }) => {
    list.apply(promptChanged.promptId, promptChanged.prompt && !promptChanged.deleted ? { cursor: promptChanged.promptId, matches: [], node: promptChanged.prompt } : null, unfiltered && sort === 'newest');
  });

  const toggle = (promptId: string) =>
    setSelected((held) => {
      const next = new Set(held);
      if (next.has(promptId)) next.delete(promptId);
      else next.add(promptId);
      return next;
    });
  const chosen = [...selected];
  return (
    <Panel title="Prompts">
      <div className="toolbar" role="search">
        <SearchBox label="Search prompts" value={search} onChange={setSearch} placeholder="text, name or id…" />
        <Select label="Sort" value={sort} options={SORTS} onChange={setSort} />
        <Select label="Enhanced" value={enhanced} options={ENHANCED} onChange={setEnhanced} />
        <Select label="Runs" value={runs} options={RUNS} onChange={setRuns} />
        <Select label="Created" value={within} options={WITHIN} onChange={setWithin} />
        <span className="count" aria-live="polite">
          {list.totalCount} prompt{list.totalCount === 1 ? '' : 's'}
        </span>
      </div>
      <div className="toolbar selection" aria-label="Selected prompts">
        <span>{chosen.length} selected</span>
        <button type="button" className="primary" disabled={chosen.length === 0} onClick={() => setDialog('inference')}>
          Run inference…
        </button>
        <button type="button" className="danger" disabled={chosen.length === 0} onClick={() => setDialog('delete')}>
          Delete…
        </button>
        <button type="button" className="ghost" disabled={chosen.length === 0} onClick={() => setSelected(new Set())}>
          Clear selection
        </button>
      </div>
      <ProblemNotice message={list.error?.message ?? null} />
      {!list.loading && list.items.length === 0 ? (
        <Empty>No prompts{unfiltered ? ' yet: create one from an input folder' : ' match these filters'}.</Empty>
      ) : (
        <VirtualRows
          label="Prompts"
          items={list.items}
          totalCount={list.totalCount}
          rowHeight={52}
          keyOf={(edge) => edge.node.id}
          onEndReached={list.loadMore}
          header={
            <div role="row" className="vrow prompt-grid">
              <span role="columnheader">
                <span className="sr-only">Select</span>
              </span>
              <span role="columnheader">Prompt</span>
              <span role="columnheader">Runs</span>
              <span role="columnheader">Rating</span>
              <span role="columnheader">Created</span>
            </div>
          }
          row={(edge) => {
            const prompt = edge.node;
            const ranges = (field: string) => edge.matches.filter((match) => match.field === field);
            return (
              <div className="prompt-grid">
                <span role="cell">
                  <input type="checkbox" aria-label={`Select ${prompt.name}`} checked={selected.has(prompt.id)} onChange={() => toggle(prompt.id)} />
                </span>
                <span role="cell" className="ellipsis">
                  <Link to={`/prompts/${prompt.id}`}>
                    <Highlighted text={prompt.name} ranges={ranges('name')} />
                  </Link>
                  {prompt.enhanced && <span className="badge badge-muted">enhanced</span>}
                  <span className="muted small ellipsis block">
                    <Highlighted text={prompt.text} ranges={ranges('text')} />
                  </span>
                </span>
                <span role="cell">
                  {prompt.statistics.totalRuns}
                  {prompt.statistics.activeRuns > 0 && <span className="badge badge-busy">{prompt.statistics.activeRuns} active</span>}
                </span>
                <span role="cell">{prompt.statistics.averageRatingText}</span>
                <span role="cell" title={formatTime(prompt.createdAt)}>
                  {formatRelative(prompt.createdAt)}
                </span>
              </div>
            );
          }}
        />
      )}
      <InferenceDialog promptIds={chosen} open={dialog === 'inference'} onClose={() => setDialog(null)} />
      <DeletePromptDialog promptIds={chosen} open={dialog === 'delete'} onClose={() => setDialog(null)} onDeleted={() => setSelected(new Set())} />
    </Panel>
  );
}

function PromptDetail({ id }: { id: string }) {
  const detail = useQuery(PromptDetailDocument, { id });
  const [dialog, setDialog] = useState<'inference' | 'enhance' | 'delete' | null>(null);
  useSubscription(PromptChangedDocument, { id }, () => detail.refetch());
  useSubscription(RunUpdatedDocument, {}, ({ runUpdated }) => {
    if (runUpdated.run?.promptId === id || detail.data?.prompt?.runs.some((run) => run.id === runUpdated.runId)) detail.refetch();
  });
  const prompt = detail.data?.prompt;
  if (detail.data && !prompt) return <Panel title={`Prompt ${id}`}><Empty>No prompt {id}: it was deleted, or never existed.</Empty></Panel>;
  if (!prompt) return <Panel title={`Prompt ${id}`}><p className="muted">Loading…</p></Panel>;
  const stats = prompt.statistics;
  return (
    <>
      <Panel
        title={prompt.name}
        actions={
          <>
            <button type="button" className="primary" onClick={() => setDialog('inference')}>
              Run inference…
            </button>
            <button type="button" onClick={() => setDialog('enhance')}>
              Enhance…
            </button>
            <Link to={`/lineage/${prompt.id}`} className="button">
              Lineage
            </Link>
            <button type="button" className="danger" onClick={() => setDialog('delete')}>
              Delete…
            </button>
          </>
        }
      >
        <p className="prompt-text">{prompt.text}</p>
        <Facts
          rows={[
            ['ID', <code>{prompt.id}</code>],
            ['Negative prompt', prompt.negativePrompt],
            ['Model', prompt.modelType],
            ['Input folder', prompt.inputs.videoDir],
            ['Created', `${formatTime(prompt.createdAt)} by ${prompt.createdBy}`],
            ['Enhanced from', prompt.enhancedFrom ? <Link to={`/prompts/${prompt.enhancedFrom.promptId}`}>{prompt.enhancedFrom.promptId}</Link> : null],
            ['Runs', `${stats.totalRuns} (${stats.completed.total} completed: ${stats.completed.inference} inference, ${stats.completed.upscale} upscale, ${stats.completed.enhance} enhance; ${stats.activeRuns} active)`],
            ['Average rating', `${stats.averageRatingText}${stats.ratedRuns ? ` over ${stats.ratedRuns} rated` : ''}`],
          ]}
        />
        <ul className="cards" aria-label="Input videos">
          {[prompt.inputs.color, prompt.inputs.depth, prompt.inputs.segmentation].flatMap((video) =>
            video
              ? [
                  <li key={video.path} className="card">
                    <HoverVideo src={video.url} label={video.path} />
                    <p className="facts-line">
                      {video.path}: {video.frames} frames · {video.fps} fps · {video.width}×{video.height}
                    </p>
                  </li>,
                ]
              : [],
          )}
        </ul>
      </Panel>
      <Panel title="Runs of this prompt">
        {prompt.runs.length === 0 ? (
          <Empty>No runs yet.</Empty>
        ) : (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Kind</th>
                <th scope="col">Status</th>
                <th scope="col">Rating</th>
                <th scope="col">Requested</th>
              </tr>
            </thead>
            <tbody>
              {prompt.runs.map((run) => (
                <tr key={run.id}>
                  <td>
                    <Link to={`/runs/${run.id}`}>{run.id}</Link>
                  </td>
                  <td>{run.kind}</td>
                  <td>
                    <StatusBadge status={run.status} />
                  </td>
                  <td>
                    <StarRating value={run.rating} label={`Rating of ${run.id}`} />
                  </td>
                  <td>{formatRelative(run.requestedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Panel>
      <InferenceDialog promptIds={[prompt.id]} open={dialog === 'inference'} onClose={() => setDialog(null)} />
      <EnhanceDialog promptId={prompt.id} open={dialog === 'enhance'} onClose={() => setDialog(null)} />
      <DeletePromptDialog promptIds={[prompt.id]} open={dialog === 'delete'} onClose={() => setDialog(null)} onDeleted={() => navigate('/prompts')} />
    </>
  );
}
