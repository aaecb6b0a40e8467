import { Empty, Link, Panel } from '../components/ui';
import { LineageDocument, type LineageQuery } from '../graphql/generated';
import { formatTime } from '../lib/format';
import { useQuery } from '../lib/hooks';

type Lineage = NonNullable<LineageQuery['lineage']>;
type Node = Lineage['ancestors'][number];

/** The enhancement tree around a prompt: its ancestors up to the original, and every descendant below it. */
export function LineageView({ id }: { id: string }) {
  const lineage = useQuery(LineageDocument, { promptId: id });
  const data = lineage.data?.lineage;
  if (lineage.data && !data) return <Panel title="Lineage"><Empty>No prompt {id}.</Empty></Panel>;
  if (!data) return <Panel title="Lineage"><p className="muted">Loading…</p></Panel>;
  const everyone = new Map<string, Node>([...data.ancestors, ...data.descendants].map((prompt) => [prompt.id, prompt]));
  const children = (parent: string) => data.edges.filter((edge) => edge.parentPromptId === parent);
  const root = data.ancestors[0]?.id ?? id;
  const render = (promptId: string, depth: number) => {
    const prompt = everyone.get(promptId);
    return (
      <li key={promptId} aria-level={depth + 1} role="treeitem" aria-selected={promptId === id} aria-expanded={children(promptId).length > 0 ? true : undefined}>
        <div className={`lineage-node ${promptId === id ? 'current' : ''}`}>
          <Link to={`/lineage/${promptId}`}>{prompt?.name ?? promptId}</Link> <Link to={`/prompts/${promptId}`} className="small" label={`Open prompt ${promptId}`}>open</Link>
          {prompt && <p className="muted small ellipsis">{prompt.text}</p>}
        </div>
        {children(promptId).length > 0 && (
          <ul role="group">
            {children(promptId).map((edge) => (
              <li key={edge.childPromptId} role="none">
                <span className="muted small">
                  enhanced by {edge.model} in <Link to={`/runs/${edge.runId}`}>{edge.runId}</Link> · {formatTime(edge.at)}
                </span>
                <ul role="group">{render(edge.childPromptId, depth + 1)}</ul>
              </li>
            ))}
          </ul>
        )}
      </li>
    );
  };
  return (
    <Panel title={`Lineage of ${everyone.get(id)?.name ?? id}`}>
      {data.edges.length === 0 && <Empty>This prompt was never enhanced, and no prompt was enhanced from it.</Empty>}
      <ul role="tree" aria-label="Enhancement tree" className="tree">
        {render(root, 0)}
      </ul>
      {data.textReplacements.length > 0 && (
        <>
          <h3>Text overwritten by enhancement</h3>
          <ul>
            {data.textReplacements.map((replacement) => (
              <li key={replacement.runId}>
                {formatTime(replacement.at)} by {replacement.model} (<Link to={`/runs/${replacement.runId}`}>{replacement.runId}</Link>): was “{replacement.previousText}”
              </li>
            ))}
          </ul>
        </>
      )}
    </Panel>
  );
}
