import { type FormEvent, useState } from 'react';
import { Dialog, Empty, HoverVideo, Panel, ProblemNotice, SearchBox, Select } from '../components/ui';
import { CreatePromptDocument, type InputFolderSort, InputFoldersDocument, type InputFoldersQuery, type CreatedWithin } from '../graphql/generated';
import { formatBytes, formatRelative, formatTime } from '../lib/format';
import { useMutation, useQuery } from '../lib/hooks';
import { navigate, useSearchParam } from '../lib/router';
import { problemsOf } from '../lib/results';

type Folder = InputFoldersQuery['inputFolders']['folders'][number];

const SORTS: [InputFolderSort, string][] = [
  ['newest', 'Newest first'],
  ['oldest', 'Oldest first'],
  ['path', 'By path'],
];
export const WITHIN: [string, string][] = [
  ['', 'Any time'],
  ['today', 'Today'],
  ['yesterday', 'Yesterday'],
  ['last_7_days', 'Last 7 days'],
  ['last_30_days', 'Last 30 days'],
  ['older_than_30_days', 'Older than 30 days'],
];

export function InputsView() {
  const [search, setSearch] = useSearchParam('q');
  const [sort, setSort] = useSearchParam('sort', 'newest');
  const [within, setWithin] = useSearchParam('within');
  const folders = useQuery(InputFoldersDocument, {
    sort: sort as InputFolderSort,
    filter: { ...(search ? { search } : {}), ...(within ? { modifiedWithin: within as CreatedWithin } : {}) },
  });
  const [creating, setCreating] = useState<Folder | null>(null);
  const list = folders.data?.inputFolders;
  return (
    <Panel
      title="Input folders"
      actions={
        <button type="button" onClick={folders.refetch} disabled={folders.loading}>
          Rescan
        </button>
      }
    >
      <div className="toolbar" role="search">
        <SearchBox label="Search folders" value={search} onChange={setSearch} placeholder="path contains…" />
        <Select label="Sort" value={sort} options={SORTS} onChange={setSort} />
        <Select label="Modified" value={within} options={WITHIN} onChange={setWithin} />
        <span className="count" aria-live="polite">
          {list ? `${list.totalCount} folder${list.totalCount === 1 ? '' : 's'}${list.truncated ? ' (the first 1,000 only)' : ''}` : 'Scanning…'}
        </span>
      </div>
      <ProblemNotice message={folders.error?.message ?? null} />
      {list && list.folders.length === 0 && <Empty>No input folders{search || within ? ' match' : ' yet: put a folder with color.mp4 (and depth.mp4, segmentation.mp4) under the inputs root'}.</Empty>}
      <ul className="cards" aria-label="Input folders">
        {list?.folders.map((folder) => (
          <li key={folder.path} className="card">
            {folder.color ? <HoverVideo src={folder.color.url} label={`${folder.path} color video`} /> : <div className="preview preview-missing">no color.mp4</div>}
            <h3 className="card-title">{folder.path}</h3>
            {folder.color && (
              <p className="facts-line">
                {folder.color.frames} frames · {folder.color.fps} fps · {folder.color.width}×{folder.color.height} · {formatBytes(folder.color.sizeBytes)}
              </p>
            )}
            <p className="facts-line">
              Controls: {folder.controls.length > 0 ? folder.controls.join(', ') : '—'} · <span title={formatTime(folder.modifiedAt)}>{formatRelative(folder.modifiedAt)}</span>
            </p>
            {folder.problem ? (
              <p className="notice notice-bad small">{folder.problem}</p>
            ) : (
              <button type="button" className="primary" onClick={() => setCreating(folder)}>
                Create prompt
              </button>
            )}
          </li>
        ))}
      </ul>
      <Dialog title={`New prompt from ${creating?.path ?? ''}`} open={creating !== null} onClose={() => setCreating(null)}>
        {creating && <CreatePromptForm folder={creating} onDone={() => setCreating(null)} />}
      </Dialog>
    </Panel>
  );
}

function CreatePromptForm({ folder, onDone }: { folder: Folder; onDone: () => void }) {
  const [text, setText] = useState('');
  const [name, setName] = useState('');
  const [negative, setNegative] = useState('');
  const create = useMutation(CreatePromptDocument);
  const [problems, setProblems] = useState<ReturnType<typeof problemsOf>>(null);
  const fieldProblem = (field: string) => problems?.fields.filter((p) => p.field === field).map((p) => p.problem).join('; ') || null;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const answer = await create.run({ input: { videoDir: folder.path, text, ...(name ? { name } : {}), ...(negative ? { negativePrompt: negative } : {}) } });
    if (!answer) return;
    const result = answer.createPrompt;
    if (result.__typename === 'PromptCreated' && result.prompt) {
      onDone();
      navigate(`/prompts/${result.prompt.id}`);
      return;
    }
    setProblems(problemsOf(result));
  };
  const textProblem = fieldProblem('input.text');
  const nameProblem = fieldProblem('input.name');
  const negativeProblem = fieldProblem('input.negativePrompt');
  const otherProblems = problems?.fields.filter((p) => !['input.text', 'input.name', 'input.negativePrompt'].includes(p.field)) ?? [];
  return (
    <form className="form" onSubmit={submit} noValidate>
      <label htmlFor="prompt-text">Prompt text</label>
      <textarea id="prompt-text" rows={4} value={text} onChange={(event) => setText(event.target.value)} aria-invalid={textProblem !== null} aria-describedby={textProblem ? 'prompt-text-problem' : undefined} />
      {textProblem && <p id="prompt-text-problem" className="field-problem">{textProblem}</p>}
      <label htmlFor="prompt-name">Name (optional: made from the text)</label>
      <input id="prompt-name" value={name} onChange={(event) => setName(event.target.value)} aria-invalid={nameProblem !== null} aria-describedby={nameProblem ? 'prompt-name-problem' : undefined} />
      {nameProblem && <p id="prompt-name-problem" className="field-problem">{nameProblem}</p>}
      <label htmlFor="prompt-negative">Negative prompt (optional: the service default)</label>
      <textarea id="prompt-negative" rows={2} value={negative} onChange={(event) => setNegative(event.target.value)} aria-invalid={negativeProblem !== null} />
      {negativeProblem && <p className="field-problem">{negativeProblem}</p>}
      <ProblemNotice message={create.error?.message ?? (otherProblems.length > 0 || (problems && problems.fields.length === 0) ? problems!.message : null)} fields={otherProblems} />
      <div className="actions">
        <button type="submit" className="primary" disabled={create.pending}>
          {create.pending ? 'Creating…' : 'Create prompt'}
        </button>
      </div>
    </form>
  );
}
