import { appendLines, LOG_LEVELS, levelOf, type LogLine, logMatcher } from './log-filter';

const lines = (...texts: string[]): LogLine[] => texts.map((text, index) => ({ lineNumber: index + 1, text }));

describe('levelOf', () => {
  it('recognises the levels the model and our stages write', () => {
    expect(levelOf('Traceback (most recent call last):')).toBe('error');
    expect(levelOf('[ERROR] CUDA out of memory')).toBe('error');
    expect(levelOf('docker exited with exit code 137')).toBe('error');
    expect(levelOf('UserWarning: torch.meshgrid')).toBe('info');
    expect(levelOf('[WARNING] guidance above 10')).toBe('warning');
    expect(levelOf('level=debug loaded weights')).toBe('debug');
    expect(levelOf('step 12/35')).toBe('info');
  });
});

describe('logMatcher', () => {
  const log = lines('step 1/35', '[WARNING] slow disk', 'ERROR: out of memory', 'step 2/35');

  it('filters by level and text together, ignoring case', () => {
    const { matches } = logMatcher({ levels: new Set(['info']), text: 'STEP', regex: false });
    expect(log.filter(matches).map((line) => line.lineNumber)).toEqual([1, 4]);
  });

  it('treats the text as a regular expression when asked', () => {
    const { matches, problem } = logMatcher({ levels: new Set(LOG_LEVELS), text: '^step \\d/35$', regex: true });
    expect(problem).toBeNull();
    expect(log.filter(matches).map((line) => line.lineNumber)).toEqual([1, 4]);
  });

  it('reports a pattern that is not a regular expression and matches nothing', () => {
    const { matches, problem } = logMatcher({ levels: new Set(LOG_LEVELS), text: '([', regex: true });
    expect(problem).toMatch(/Invalid regular expression/);
    expect(log.filter(matches)).toEqual([]);
  });

  it('keeps a special character literal outside regex mode', () => {
    const { matches } = logMatcher({ levels: new Set(LOG_LEVELS), text: '1/35', regex: false });
    expect(log.filter(matches).map((line) => line.lineNumber)).toEqual([1]);
  });
});

describe('appendLines', () => {
  it('adds only the lines after the last one held, in order, once each', () => {
    const held = lines('a', 'b');
    const next = appendLines(held, [{ lineNumber: 4, text: 'd' }, { lineNumber: 2, text: 'b' }, { lineNumber: 3, text: 'c' }, { lineNumber: 3, text: 'c' }]);
    expect(next.map((line) => line.text)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('returns the same array when nothing is new, so the view does not render again', () => {
    const held = lines('a', 'b');
    expect(appendLines(held, [{ lineNumber: 1, text: 'a' }])).toBe(held);
  });
});
