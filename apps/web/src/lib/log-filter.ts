/** The run log viewer's filters: by level, by text, or by a regular expression (log-filter.spec.ts). */

export type LogLevel = 'error' | 'warning' | 'info' | 'debug';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warning', 'info', 'debug'];

export interface LogLine {
  readonly lineNumber: number;
  readonly text: string;
}

/**
 * A line's level as the model and our stages write it ("ERROR", "[WARNING]", "level=warn",
 * Python's "Traceback"); a line that names none is info.
 */
export function levelOf(text: string): LogLevel {
  if (/\b(error|fatal|critical|exception)\b|traceback|\bexit code [1-9]/i.test(text)) return 'error';
  if (/\bwarn(ing)?\b/i.test(text)) return 'warning';
  if (/\bdebug\b/i.test(text)) return 'debug';
  return 'info';
}

export interface LogFilter {
  readonly levels: ReadonlySet<LogLevel>;
  readonly text: string;
  readonly regex: boolean;
}

/** The matcher for a filter, or the reason the pattern is not a valid regular expression. */
export function logMatcher(filter: LogFilter): { matches: (line: LogLine) => boolean; problem: string | null } {
  let test: (text: string) => boolean = () => true;
  let problem: string | null = null;
  if (filter.text !== '') {
    if (filter.regex) {
      try {
        const pattern = new RegExp(filter.text, 'i');
        test = (text) => pattern.test(text);
      } catch (error) {
        problem = (error as Error).message;
        test = () => false;
      }
    } else {
      const needle = filter.text.toLowerCase();
      test = (text) => text.toLowerCase().includes(needle);
    }
  }
  const everyLevel = filter.levels.size === LOG_LEVELS.length;
  return { matches: (line) => (everyLevel || filter.levels.has(levelOf(line.text))) && test(line.text), problem };
}

/**
 * Adds lines as they stream, in order and once each: a resumed subscription (afterLine) or a
 * backlog replay may repeat lines the view already holds.
 */
export function appendLines(held: readonly LogLine[], arriving: readonly LogLine[]): readonly LogLine[] {
  let last = held.at(-1)?.lineNumber ?? 0;
  const fresh: LogLine[] = [];
  for (const line of [...arriving].sort((a, b) => a.lineNumber - b.lineNumber)) {
    if (line.lineNumber <= last) continue;
    fresh.push(line);
    last = line.lineNumber;
  }
  return fresh.length === 0 ? held : [...held, ...fresh];
}
