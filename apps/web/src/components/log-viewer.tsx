import { useEffect, useMemo, useRef, useState } from 'react';
import { RunLogDocument } from '../graphql/generated';
import { useSubscription } from '../lib/hooks';
import { appendLines, LOG_LEVELS, type LogLevel, type LogLine, levelOf, logMatcher } from '../lib/log-filter';

/**
 * A run's log, live while it runs: the subscription resumes after the last line held (afterLine)
 * when the socket comes back, so nothing repeats and nothing is missed. Filter by level, text or
 * regular expression; export what is held.
 */
export function LogViewer({ runId, tail }: { runId: string; tail?: number }) {
  const [lines, setLines] = useState<readonly LogLine[]>([]);
  const held = useRef(lines);
  held.current = lines;
  const [levels, setLevels] = useState<ReadonlySet<LogLevel>>(new Set(LOG_LEVELS));
  const [text, setText] = useState('');
  const [regex, setRegex] = useState(false);
  const [follow, setFollow] = useState(true);
  const box = useRef<HTMLPreElement>(null);
  useEffect(() => setLines([]), [runId]);
  const pending = useRef<LogLine[]>([]);
  const flush = () => {
    const arrived = pending.current;
    pending.current = [];
    setLines((current) => appendLines(current, arrived));
  };
  const error = useSubscription(
    RunLogDocument,
    { runId },
    ({ runLog }) => {
      // A backlog arrives as thousands of messages: rendered once per frame, not once per line.
      pending.current.push(runLog);
      if (pending.current.length === 1) requestAnimationFrame(flush);
    },
    () => ({ afterLine: held.current.at(-1)?.lineNumber ?? 0 }),
  );

  const matcher = useMemo(() => logMatcher({ levels, text, regex }), [levels, text, regex]);
  const shown = useMemo(() => {
    const filtered = lines.filter(matcher.matches);
    return tail ? filtered.slice(-tail) : filtered;
  }, [lines, matcher, tail]);
  useEffect(() => {
    if (follow && box.current) box.current.scrollTop = box.current.scrollHeight;
  }, [shown.length, follow]);

  const exportLog = () => {
    const blob = new Blob([lines.map((line) => line.text).join('\n') + '\n'], { type: 'text/plain' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = `${runId}.log`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
  };

  if (tail) {
    return (
      <pre className="log log-tail" aria-label={`Last lines of the log of ${runId}`} aria-live="off">
        {shown.map((line) => `${line.text}\n`).join('') || 'No log lines yet.'}
      </pre>
    );
  }
  return (
    <div className="log-viewer">
      <div className="toolbar" role="group" aria-label="Log filters">
        {LOG_LEVELS.map((level) => (
          <label key={level} className="check">
            <input
              type="checkbox"
              checked={levels.has(level)}
              onChange={() =>
                setLevels((current) => {
                  const next = new Set(current);
                  if (next.has(level)) next.delete(level);
                  else next.add(level);
                  return next;
                })
              }
            />{' '}
            {level}
          </label>
        ))}
        <span className="field-inline search">
          <label htmlFor={`log-filter-${runId}`}>Filter</label>
          <input id={`log-filter-${runId}`} type="search" value={text} onChange={(event) => setText(event.target.value)} aria-invalid={matcher.problem !== null} />
        </span>
        <label className="check">
          <input type="checkbox" checked={regex} onChange={(event) => setRegex(event.target.checked)} /> regex
        </label>
        <label className="check">
          <input type="checkbox" checked={follow} onChange={(event) => setFollow(event.target.checked)} /> follow
        </label>
        <button type="button" onClick={exportLog} disabled={lines.length === 0}>
          Export
        </button>
        <span className="count">
          {shown.length} of {lines.length} lines
        </span>
      </div>
      {matcher.problem && <p className="field-problem">Not a regular expression: {matcher.problem}</p>}
      {error && <p className="field-problem">{error.message}</p>}
      <pre ref={box} className="log" tabIndex={0} aria-label={`Log of ${runId}`} data-testid="run-log">
        {shown.map((line) => (
          <span key={line.lineNumber} className={`log-line log-${levelOf(line.text)}`}>
            <span className="log-number" aria-hidden="true">
              {line.lineNumber}
            </span>
            {line.text}
            {'\n'}
          </span>
        ))}
      </pre>
    </div>
  );
}
