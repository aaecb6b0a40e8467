import { formatBytes, formatDuration, formatPercent, formatRelative, formatTime, highlightSegments } from './format';

describe('formatDuration', () => {
  it('reads seconds, minutes and hours the way a person says them', () => {
    expect(formatDuration(42.4)).toBe('42s');
    expect(formatDuration(125)).toBe('2m 05s');
    expect(formatDuration(3 * 3600 + 7 * 60 + 59)).toBe('3h 07m');
  });

  it('shows a dash for an unknown duration instead of NaN', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('formatBytes', () => {
  it('uses decimal units with one decimal under ten', () => {
    expect(formatBytes(999)).toBe('999 B');
    expect(formatBytes(1_500)).toBe('1.5 KB');
    expect(formatBytes(73_400_000)).toBe('73 MB');
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2026-12-04T12:00:00Z');

  it('says how long ago, or how soon', () => {
    expect(formatRelative('2026-12-04T11:57:00Z', now)).toBe('3 min ago');
    expect(formatRelative('2026-12-04T14:00:00Z', now)).toBe('in 2 h');
    expect(formatRelative('2026-12-01T12:00:00Z', now)).toBe('3 d ago');
    expect(formatRelative('2026-12-04T11:59:58Z', now)).toBe('just now');
  });
});

describe('formatTime and formatPercent', () => {
  it('prints UTC to the second, and ratios as percent', () => {
    expect(formatTime('2026-12-04T12:34:56.789Z')).toBe('2026-12-04 12:34:56');
    expect(formatPercent(0.8125)).toBe('81.3%');
    expect(formatPercent(1)).toBe('100%');
    expect(formatPercent(null)).toBe('—');
  });
});

describe('highlightSegments', () => {
  it('marks the matched ranges and keeps the text between them', () => {
    expect(highlightSegments('a red car at night', [{ start: 2, end: 5 }, { start: 13, end: 18 }])).toEqual([
      { text: 'a ', match: false },
      { text: 'red', match: true },
      { text: ' car at ', match: false },
      { text: 'night', match: true },
    ]);
  });

  it('merges overlapping ranges and ignores ones past the end', () => {
    expect(highlightSegments('harbour', [{ start: 3, end: 6 }, { start: 0, end: 4 }, { start: 20, end: 30 }])).toEqual([
      { text: 'harbou', match: true },
      { text: 'r', match: false },
    ]);
  });
});
